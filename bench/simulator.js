#!/usr/bin/env node
// @ts-check
/**
 * Simulator benchmark: work and accuracy of our integrators on the built-in PEN `oscillator`
 * (19 states, 6000 minutes, output every minute), against scipy's LSODA and SUNDIALS CVODE
 * measured in the same run on the same machine. See bench/README.md, section "Simulator".
 *
 *   node bench/simulator.js [--quick]     (after `npm run build`)
 *
 * Prints a table and, last, one JSON line. `run()` returns the same JSON-serialisable result
 * for bench/run.js. Needs nothing beyond Node; LSODA needs `python3` with scipy, CVODE needs
 * gcc and the SUNDIALS headers (`apt-get install -y libsundials-dev`): each is skipped, with
 * the reason, when missing. Generated C and binaries live in a temp dir that is removed.
 * The measurements are in bench/simulator/measure.js (CVODE's driver in cvode.js), the
 * printing in report.js.
 */
import { fileURLToPath } from 'node:url';
import { cpuDescription, isMain, statusOf } from './common.js';
import {
  compareAtEqualAccuracy,
  measureColdStarts,
  measureLinearAlgebra,
  measureReference,
  measureRhs,
  measureSolvers,
  oneShot,
  PROBLEM,
  setUpProblem,
} from './simulator/measure.js';
import { formatColdStarts, formatComparisons, formatHeader, formatLinearAlgebra, formatReference, formatRhs, formatSolvers } from './simulator/report.js';

/**
 * Runs the whole simulator benchmark and returns a JSON-serialisable result.
 * @param {{ repeats?: number, lsodaRepeats?: number, external?: boolean, log?: (line: string) => void }} [options]
 *   repeats: timed runs per configuration after one warm-up (default 5); lsodaRepeats
 *   (default 3); external: run LSODA and CVODE (default true); log: where the table goes.
 * @public (the bench's entry for scripts; `node bench/run.js` runs the file)
 */
export async function run(options = {}) {
  const repeats = options.repeats ?? 5;
  const lsodaRepeats = options.lsodaRepeats ?? 3;
  const external = options.external ?? true;
  const log = options.log ?? ((line) => console.log(line));
  const started = performance.now();

  const problem = setUpProblem();
  log(formatHeader(problem));
  const ref = measureReference(problem);
  log(formatReference(ref.reference));
  const rhs = measureRhs(problem.net, ref.yRef, repeats);
  log(formatRhs(rhs));
  const linearAlgebra = measureLinearAlgebra(repeats);
  log(formatLinearAlgebra(linearAlgebra));
  const coldStarts = measureColdStarts(fileURLToPath(import.meta.url));
  log(formatColdStarts(coldStarts));
  const solvers = measureSolvers(problem, ref, { repeats, lsodaRepeats, external });
  const comparisons = compareAtEqualAccuracy(solvers.ours, solvers.external);
  log(formatSolvers(solvers, { repeats, lsodaRepeats }));
  const compared = formatComparisons(comparisons);
  if (compared) log(compared);
  log(`sparse LU dense fallbacks over all timed runs: ${solvers.sparseFallbacks}; total bench time ${((performance.now() - started) / 1000).toFixed(0)} s`);

  return {
    bench: 'simulator',
    network: PROBLEM.network,
    states: problem.n,
    tEndMin: PROBLEM.tEnd,
    stepMin: PROBLEM.step,
    node: process.version,
    cpu: cpuDescription(),
    repeats,
    reference: ref.reference,
    rhs,
    linearAlgebra,
    coldStarts,
    runs: solvers.all,
    sparseFallbacks: solvers.sparseFallbacks,
    lsoda: statusOf(solvers.lsoda),
    cvode: statusOf(solvers.cvode),
    comparisons,
    seconds: (performance.now() - started) / 1000,
  };
}

if (isMain(import.meta.url) && process.argv[2] === '--one-shot') {
  console.log(JSON.stringify(oneShot(process.argv[3] ?? '')));
} else if (isMain(import.meta.url)) {
  const quick = process.argv.includes('--quick');
  const result = await run(quick ? { repeats: 3, lsodaRepeats: 1 } : {});
  console.log(JSON.stringify(result));
}
