/**
 * @penvae/pipeline — the `pipeline` CLI as a library: every command is a plain `runX(options)`
 * function that tests and scripts can call without argv.
 */
export * from './errors.js';
export { main, exitCodeFor } from './cli/main.js';
export { runSimulate, trajectoryCsv, type SimulateCommandOptions, type SimulateCommandResult } from './tasks/simulate.js';
export { runNetworks, runValidate, type NetworkListing } from './tasks/networks.js';
export { loadNetwork, type LoadedNetwork } from './io/network-source.js';
export { writeFileAtomic, AtomicFile } from './io/atomic.js';
export { captureOutput, processOutput, type Output } from './io/output.js';
export { PACKAGE_VERSION } from './version.js';
