import { readFileSync } from 'node:fs';
import { BUILTIN_NETWORKS, builtinNetworkUrl, compileNetwork, parseNetwork } from '@penvae/simulator';
import { loadNetwork } from '../io/network-source.js';
import { processOutput, type Output } from '../io/output.js';

/** A built-in network's name, kind, size and description. */
export interface NetworkListing {
  name: string;
  kind: string;
  states: number;
  description: string;
}

/** Lists the built-in networks with their descriptions (`pipeline networks`). */
export function runNetworks(output: Output = processOutput): NetworkListing[] {
  const listing = BUILTIN_NETWORKS.map((name) => {
    const net = parseNetwork(readFileSync(new URL(builtinNetworkUrl(name)), 'utf8'), `${name}.json`);
    return { name, kind: net.kind, states: compileNetwork(net).size, description: net.description ?? '' };
  });
  for (const n of listing) {
    output.out(`${n.name} (${n.kind}, ${n.states} states)`);
    output.out(`  ${n.description}`);
  }
  return listing;
}

/** Validates a network file (`pipeline validate <file>`); throws the validation error if invalid. */
export function runValidate(file: string, output: Output = processOutput): { name: string; kind: string; states: number } {
  const { network, source } = loadNetwork(file, 'validate');
  const model = compileNetwork(network);
  const parts =
    network.kind === 'pen'
      ? `${network.strands.length} strands, ${network.templates.length} templates`
      : `${network.species.length} species, ${network.reactions.length} reactions`;
  output.out(`${source}: valid ${network.kind} network "${network.name}" (${parts}; ${model.size} state variables, ${model.reactions.reactions.length} reactions)`);
  return { name: network.name, kind: network.kind, states: model.size };
}
