import { readFileSync } from 'node:fs';
import { BUILTIN_NETWORKS, builtinNetworkUrl, isBuiltinNetwork, parseNetwork, type Network } from '@penvae/simulator';
import { InputError } from '../errors.js';

/** A network and where it came from. */
export interface LoadedNetwork {
  network: Network;
  /** The JSON text as read (kept verbatim for provenance). */
  text: string;
  /** `built-in "oscillator"` or the file path. */
  source: string;
}

/**
 * Loads a network by built-in name or from a JSON file (`label` names the option in messages). A name that is neither is an
 * {@link InputError} listing the built-ins; an invalid file throws the simulator's
 * NetworkValidationError (every problem with its JSON path).
 */
export function loadNetwork(spec: string, label = '--network'): LoadedNetwork {
  if (isBuiltinNetwork(spec)) {
    const text = readFileSync(new URL(builtinNetworkUrl(spec)), 'utf8');
    return { network: parseNetwork(text, `${spec}.json`), text, source: `built-in "${spec}"` };
  }
  let text: string;
  try {
    // Without a byte-order mark, so the text kept for provenance parses as JSON anywhere.
    text = readFileSync(spec, 'utf8').replace(/^\uFEFF/, '');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !/[./\\]/.test(spec)) {
      throw new InputError(`${label} ${spec}: no built-in network or file of that name (built-in: ${BUILTIN_NETWORKS.join(', ')})`);
    }
    throw new InputError(`${label} ${spec}: cannot read the file (${code ?? String(error)})`, { cause: error });
  }
  return { network: parseNetwork(text, spec), text, source: spec };
}
