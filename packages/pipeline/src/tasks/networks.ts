import { existsSync, readFileSync } from 'node:fs';
import { BUILTIN_NETWORKS, builtinNetworkUrl, compileNetwork, isBuiltinNetwork, parseNetwork } from '@penvae/simulator';
import { InputError } from '../errors.js';
import { checkOutputPath, writeFileAtomic } from '../io/atomic.js';
import { loadNetwork } from '../io/network-source.js';
import { formatTable, processOutput, type Output } from '../io/output.js';
import { listSweepQuantities } from '../dataset/sweep-spec.js';

/** A built-in network's name, kind, size and description. */
interface NetworkListing {
  name: string;
  kind: string;
  states: number;
  description: string;
}

/** Options of {@link runNetworks} (`pipeline networks [--export NAME [--out FILE]]`). */
export interface NetworksCommandOptions {
  /** Write this built-in network's file as a starting point for your own. */
  export?: string;
  /** Where `export` writes. @default `<name>.json` in the working directory */
  out?: string;
}

/** What {@link runNetworks} listed or wrote. */
export interface NetworksCommandResult {
  networks: NetworkListing[];
  /** The file written by `export`. */
  written?: string;
}

/**
 * Lists the built-in networks with their descriptions (`pipeline networks`), or writes one of
 * them as a file to start your own network from (`--export NAME`, never over an existing file).
 */
export async function runNetworks(options: NetworksCommandOptions = {}, output: Output = processOutput): Promise<NetworksCommandResult> {
  if (options.out !== undefined && options.export === undefined) throw new InputError('--out: only with --export NAME (the built-in network to write)');
  if (options.export !== undefined) {
    const name = options.export;
    if (!isBuiltinNetwork(name)) throw new InputError(`--export ${name}: no built-in network of that name (built-in: ${BUILTIN_NETWORKS.join(', ')})`);
    const out = options.out ?? `${name}.json`;
    if (!out.toLowerCase().endsWith('.json')) throw new InputError(`--out ${out}: expected a .json file name`);
    checkOutputPath(out, '--out');
    if (existsSync(out)) throw new InputError(`--out ${out}: the file exists; give another --out (a network you edited is not overwritten)`);
    writeFileAtomic(out, readFileSync(new URL(builtinNetworkUrl(name)), 'utf8'));
    output.err(`wrote ${out}: the built-in network "${name}"; edit it, then \`pipeline validate ${out}\``);
    return { networks: [], written: out };
  }
  const networks = BUILTIN_NETWORKS.map((name) => {
    const net = parseNetwork(readFileSync(new URL(builtinNetworkUrl(name)), 'utf8'), `${name}.json`);
    return { name, kind: net.kind, states: compileNetwork(net).size, description: net.description ?? '' };
  });
  for (const n of networks) {
    output.out(`${n.name} (${n.kind}, ${n.states} states)`);
    output.out(`  ${n.description}`);
  }
  return { networks };
}

/** Options of {@link runValidate} (`pipeline validate <file>`). */
export interface ValidateCommandOptions {
  /** Network JSON file or built-in name. */
  file: string;
}

/** A valid network's name, kind and size. */
export interface ValidateCommandResult {
  name: string;
  kind: string;
  states: number;
}

/** Validates a network file (`pipeline validate <file>`); throws the validation error if invalid. */
export async function runValidate(options: ValidateCommandOptions, output: Output = processOutput): Promise<ValidateCommandResult> {
  const { network, source } = loadNetwork(options.file, 'validate');
  const model = compileNetwork(network);
  const parts =
    network.kind === 'pen'
      ? `${network.strands.length} strands, ${network.templates.length} templates`
      : `${network.species.length} species, ${network.reactions.length} reactions`;
  output.out(
    `${source}: valid ${network.kind} network "${network.name}" (${parts}; ${model.size} state variables, ${model.reactions.reactions.length} reactions)`,
  );
  return { name: network.name, kind: network.kind, states: model.size };
}

/** Options of {@link runSweepPaths} (`pipeline sweep-paths --network X`). */
export interface SweepPathsCommandOptions {
  /** Built-in name or network JSON file. */
  network: string;
}

/** Lists every quantity of a network a sweep may vary (`--vary` paths) with its current value. */
export async function runSweepPaths(options: SweepPathsCommandOptions, output: Output = processOutput): Promise<{ path: string; value: number }[]> {
  const quantities = listSweepQuantities(loadNetwork(options.network).network);
  for (const line of formatTable([['path', 'current value'], ...quantities.map((q) => [q.path, String(q.value)])])) output.out(line);
  return quantities;
}
