import { Outcome, Solver } from 'odex';
import { OptionsError } from '../errors.js';
import { checkGrid, resolveIntegrateOptions } from './options.js';
import { emptyStats, type IntegrateOptions, type IntegrateResult, type OdeSystem } from './types.js';

/**
 * Integrates y' = f(t, y) with `odex` (Hairer & Wanner's ODEX: Gragg–Bulirsch–Stoer
 * extrapolation, explicit, for non-stiff problems; DACCAD's own integrator family), writing
 * the solution at every grid time into `out` from its dense output.
 *
 * odex works on plain arrays and allocates per call; this adapter copies into the
 * `Float64Array`s the system expects. Being explicit, it needs many more right-hand side
 * calls than the Rosenbrock solver on these moderately stiff networks, and tighter tolerances
 * for the same accuracy (see bench/README.md).
 *
 * `nonNegative` is not supported by odex and is ignored. A non-finite solution stops the run
 * with outcome `non-finite`.
 *
 * @throws OptionsError for invalid options or mismatched array sizes
 */
export function integrateOdex(system: OdeSystem, y0: Float64Array, grid: Float64Array, out: Float64Array, options: IntegrateOptions = {}): IntegrateResult {
  const o = resolveIntegrateOptions(options);
  const n = system.size;
  if (y0.length !== n) throw new OptionsError(`initial state: expected ${n} values, found ${y0.length}`);
  checkGrid(grid);
  if (out.length < grid.length * n) throw new OptionsError(`output buffer: expected ${grid.length * n} values, found ${out.length}`);
  const stats = emptyStats();
  const t0 = grid[0]!;
  const tEnd = grid[grid.length - 1]!;
  let next = 0;
  while (next < grid.length && grid[next]! <= t0) {
    out.set(y0, next * n);
    next++;
  }
  if (next >= grid.length) return { outcome: 'converged', message: '', filled: next, tReached: t0, stats };

  const yBuf = new Float64Array(n);
  const dyBuf = new Float64Array(n);
  const rhs = system.rhs;
  const f = (x: number, y: number[]): number[] => {
    for (let i = 0; i < n; i++) yBuf[i] = y[i]!;
    rhs(x, yBuf, dyBuf);
    stats.rhsCalls++;
    return Array.from(dyBuf);
  };
  const solver = new Solver(n);
  solver.absoluteTolerance = o.atol;
  solver.relativeTolerance = o.rtol;
  solver.maxSteps = o.maxSteps;
  solver.denseOutput = true;
  if (o.initialStep > 0) solver.initialStepSize = o.initialStep;
  if (o.maxStep > 0) solver.maxStepSize = o.maxStep;

  let nonFinite = false;
  let tReached = t0;
  const observer = (_step: number, _xOld: number, x: number, y: number[], interpolate: (i: number, x: number) => number) => {
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(y[i]!)) {
        nonFinite = true;
        return false;
      }
    }
    tReached = x;
    while (next < grid.length && grid[next]! <= x) {
      const row = next * n;
      const tg = grid[next]!;
      if (tg === x) for (let i = 0; i < n; i++) out[row + i] = y[i]!;
      else for (let i = 0; i < n; i++) out[row + i] = interpolate(i, tg);
      next++;
    }
    return true;
  };
  let result;
  try {
    result = solver.solve(f, t0, Array.from(y0), tEnd, observer);
  } catch (err) {
    // odex throws plain Errors for step-size failures; report them as an outcome.
    const message = err instanceof Error ? err.message : String(err);
    return { outcome: 'step-too-small', message: `odex stopped: ${message}`, filled: next, tReached, stats };
  }
  stats.steps = result.nAccept;
  stats.rejectedSteps = result.nReject;
  if (nonFinite) return { outcome: 'non-finite', message: `the solution became non-finite near t = ${tReached}`, filled: next, tReached, stats };
  if (result.outcome === Outcome.MaxStepsExceeded) {
    return { outcome: 'max-steps', message: `the step budget (${o.maxSteps}) ran out at t = ${tReached} of ${tEnd}`, filled: next, tReached, stats };
  }
  if (next < grid.length) {
    return { outcome: 'step-too-small', message: `odex stopped at t = ${tReached} before ${tEnd}`, filled: next, tReached, stats };
  }
  return { outcome: 'converged', message: '', filled: next, tReached: tEnd, stats };
}
