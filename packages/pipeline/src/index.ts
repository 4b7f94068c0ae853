/**
 * @penvae/pipeline — the `pipeline` CLI. Its commands are plain `runX(options, output)`
 * functions in src/tasks/, which the CLI and this package's tests call in process.
 *
 * The only public entry: it names every export explicitly, and exports only what another
 * package, a test or a benchmark uses (`npx knip` checks it): the CLI's `main`, output capture
 * for tests, and the sweep's building blocks that bench/sweep.js times.
 */
export { main } from './cli/main.js';
export { captureOutput, type Output } from './io/output.js';
export { loadNetwork } from './io/network-source.js';
export { runSweep } from './tasks/sweep.js';
export { runExplore } from './tasks/explore.js';
export { createSampleRunner, type SweepJob } from './dataset/run-sample.js';
export { resolveNormalization } from './dataset/normalize.js';
export { parseVary, prepareSweep, sampleValues } from './dataset/sweep-spec.js';
