import { UnknownNetworkError } from './errors.js';

/**
 * The networks shipped with the simulator, as JSON files in the package's `networks/`
 * folder (each file's `description` says where it comes from). They double as test fixtures.
 */
export const BUILTIN_NETWORKS = ['oscillator', 'oscillator-damped', 'switch', 'amplifier', 'predator-prey', 'oscillator-montagne2011'] as const;

/** A built-in network name. */
export type BuiltinNetworkName = (typeof BUILTIN_NETWORKS)[number];

/** Whether `name` names a built-in network. */
export function isBuiltinNetwork(name: string): name is BuiltinNetworkName {
  return (BUILTIN_NETWORKS as readonly string[]).includes(name);
}

/**
 * The `file:` URL of a built-in network's JSON file. This package does no IO; the caller
 * reads the file (e.g. `readFileSync(new URL(builtinNetworkUrl('oscillator')))`).
 * @throws UnknownNetworkError listing the built-in names
 */
export function builtinNetworkUrl(name: string): string {
  if (!isBuiltinNetwork(name)) {
    throw new UnknownNetworkError(`no built-in network "${name}" (built-in: ${BUILTIN_NETWORKS.join(', ')})`);
  }
  // src/ and dist/ are both one level below the package root, so this resolves from either.
  return new URL(`../networks/${name}.json`, import.meta.url).href;
}
