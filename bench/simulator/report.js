// @ts-check
// The simulator benchmark's printed tables and lines, from what bench/simulator/measure.js returns.
import { cpuDescription, fmtE, fmtMs, fmtX, table } from '../common.js';
import { ONE_SHOT_RUNS, PROBLEM, REFERENCE } from './measure.js';

/** @typedef {import('./measure.js').Problem} Problem */

/**
 * The first line: the problem and the machine.
 * @param {Problem} problem
 */
export function formatHeader({ n }) {
  return (
    `Simulator bench: built-in "${PROBLEM.network}" (${n} states), 0..${PROBLEM.tEnd} min, output every ${PROBLEM.step} min; ` +
    `node ${process.version}, ${cpuDescription()}`
  );
}

/**
 * The reference's cost and uncertainty.
 * @param {import('./measure.js').Reference['reference']} reference
 */
export function formatReference(reference) {
  const vsTrace = reference.vsDaccadTrace;
  return (
    `reference: RODAS5P rtol ${REFERENCE.rtol} atol ${REFERENCE.atol}: ${reference.steps} steps, ${fmtMs(reference.ms)}; ` +
    `vs rtol 1e-11: ${fmtE(reference.vsRtol1e11)} of range; vs the DACCAD trace: ${fmtE(vsTrace?.maxErrOverRange)} of range over ${vsTrace?.columns} states (its stated accuracy ~1.5e-4)`
  );
}

/**
 * Generated against interpreted rhs and Jacobian.
 * @param {ReturnType<typeof import('./measure.js').measureRhs>} rhs
 */
export function formatRhs(rhs) {
  return (
    `rhs calls/s: generated ${(rhs.rhsCallsPerSecond.generated / 1e6).toFixed(2)} M, interpreted ` +
    `${(rhs.rhsCallsPerSecond.interpreted / 1e6).toFixed(2)} M: ${rhs.rhsRatio.toFixed(1)}x; Jacobian ${rhs.jacobianRatio.toFixed(1)}x`
  );
}

/**
 * The linear algebra of one step, per built-in network.
 * @param {ReturnType<typeof import('./measure.js').measureLinearAlgebra>} linearAlgebra
 */
export function formatLinearAlgebra(linearAlgebra) {
  return [
    '\nLinear algebra of one RODAS5P step (1 factorisation + 8 solves), best of repeats, us:',
    table(
      ['network', 'n', 'nnz', 'L+U', 'dense', 'sparse', 'sparse (no codegen)', 'dense/sparse', 'analysis+codegen'],
      linearAlgebra.map((r) => [
        r.network,
        r.n,
        r.nonZeros,
        r.luNonZeros,
        r.stepUs.dense.toFixed(2),
        r.stepUs.sparse.toFixed(2),
        r.stepUs.sparseInterpreted.toFixed(2),
        fmtX(r.denseOverSparse),
        `${fmtMs(r.factoryMs.min)} (first ${fmtMs(r.factoryMs.first)})`,
      ]),
    ),
  ].join('\n');
}

/**
 * Consecutive simulations in a fresh process, per linear solver.
 * @param {ReturnType<typeof import('./measure.js').measureColdStarts>} coldStarts
 */
export function formatColdStarts(coldStarts) {
  const ms = (/** @type {number | undefined} */ x) => (x ?? NaN).toFixed(0);
  return [
    `\nCold start: ${ONE_SHOT_RUNS} consecutive default simulations (rtol 1e-7, 7396 steps each) in a fresh process, ms (better of 2 processes):`,
    table(
      ['linear solver', 'run 1', 'run 2', 'run 3', `runs 4-${ONE_SHOT_RUNS} (each)`, 'total'],
      coldStarts.map((c) => [c.mode, ms(c.ms[0]), ms(c.ms[1]), ms(c.ms[2]), c.ms.slice(3).map(ms).join(' '), c.totalMs.toFixed(0)]),
    ),
  ].join('\n');
}

/**
 * The work-precision table of every solver, with the external solvers' status.
 * @param {ReturnType<typeof import('./measure.js').measureSolvers>} solvers
 * @param {{ repeats: number, lsodaRepeats: number }} settings
 */
export function formatSolvers({ all, lsoda, cvode }, { repeats, lsodaRepeats }) {
  const lines = [
    `\nOscillator, 6000 min, output every minute; error = max over states and times of |y - y_ref| / range, ` +
      `y_ref = RODAS5P rtol 1e-12 atol 1e-16. Times: min / median of ${repeats} runs after a warm-up ` +
      `(LSODA: ${lsodaRepeats} runs). LSODA/this and CVODE/this: time of LSODA (rtol 1e-8 atol 1e-10) and of CVODE (rtol 1e-8 atol 1e-14, DQ Jacobian) over this row's (min times).`,
    table(
      ['solver', 'settings', 'ms min', 'ms median', 'steps', 'rhs calls', 'max err/range', 'LSODA/this', 'CVODE/this'],
      all.map((r) => [
        r.solver + (r.default ? ' (default)' : ''),
        r.settings,
        r.msMin.toFixed(1),
        r.msMedian.toFixed(1),
        r.steps ?? '-',
        r.rhsCalls,
        fmtE(r.maxErrOverRange),
        fmtX(r.lsodaOverThis),
        fmtX(r.cvodeOverThis),
      ]),
    ),
  ];
  if (lsoda.status !== 'ok') lines.push(`LSODA: ${lsoda.status}: ${lsoda.reason}`);
  if (cvode.status !== 'ok') lines.push(`CVODE: ${cvode.status}: ${cvode.reason}`);
  return lines.join('\n');
}

/**
 * Each external run against our runs at equal or better accuracy; null when there were none.
 * @param {ReturnType<typeof import('./measure.js').compareAtEqualAccuracy>} comparisons
 */
export function formatComparisons(comparisons) {
  if (!comparisons.length) return null;
  return [
    "\nAt equal or better accuracy (our fastest Rosenbrock run whose error is <= the external run's; and our time " +
      'interpolated log-log on the RODAS5P sparse curve at exactly its error):',
    ...comparisons.map((c) =>
      c.ours
        ? `  ${c.external}: ${fmtMs(c.externalMs)}, err ${fmtE(c.externalErr)} -> ${c.ours}: ${fmtMs(c.oursMs ?? NaN)}, err ${fmtE(c.oursErr)}: ${fmtX(c.speedup)}` +
          (c.oursInterpolatedMs ? `; interpolated at equal error: ${fmtMs(c.oursInterpolatedMs)}, ${fmtX(c.speedupInterpolated)}` : '')
        : `  ${c.external}: ${fmtMs(c.externalMs)}, err ${fmtE(c.externalErr)} -> none of our runs is that accurate`,
    ),
  ].join('\n');
}
