import { NetworkTooLargeError, OptionsError } from './errors.js';
import { compileNetwork, type CompiledNetwork } from './network/compile.js';
import type { Network, TimeGrid } from './network/types.js';
import { MAX_GRID_POINTS } from './network/validate.js';
import type { IntegrationOutcome, IntegrationStats } from './ode/types.js';
import { DEFAULT_SOLVER, solverDefinition, type SolverName, type SolverRunOptions } from './solvers.js';

/** Networks with at least this many states use the sparse LU in the Rosenbrock solver. */
export const SPARSE_SOLVER_MIN_STATES = 12;

/**
 * Most numbers a simulated trajectory may hold (output times x state variables): 400 MB of
 * float64, the whole trajectory being kept in memory.
 */
export const MAX_TRAJECTORY_VALUES = 50_000_000;

/** Options of {@link simulate}. Times in minutes. */
export interface SimulateOptions {
  /** Last output time. @default the network's `time.end` */
  tEnd?: number;
  /** Output spacing. @default the network's `time.step` */
  step?: number;
  /** Integrator, one of {@link SOLVERS}. @default DEFAULT_SOLVER ('rosenbrock') */
  solver?: SolverName;
  /** Relative tolerance. @default the solver's (see SOLVER_DEFINITIONS) */
  rtol?: number;
  /** Absolute tolerance, nM. @default the solver's (see SOLVER_DEFINITIONS) */
  atol?: number;
  /** Step budget. @default the solver's (1 000 000) */
  maxSteps?: number;
}

/** A simulated trajectory on an exact time grid. */
export interface SimulationResult {
  /** Network name. */
  network: string;
  /** Output times (minutes). */
  t: Float64Array;
  /** Name of every state variable (columns of `y`). */
  names: readonly string[];
  /** The observed series (strands, or species of a reactions network). */
  observables: readonly string[];
  /** Row-major trajectory: y[k * names.length + i] is state i at t[k]; rows past `filled` are NaN. */
  y: Float64Array;
  /** How the integration ended; only `converged` results are complete. */
  outcome: IntegrationOutcome;
  /** Why it did not converge (empty when it did). */
  message: string;
  /** Rows of `y` that hold solution values. */
  filled: number;
  /** Solver work counters. */
  stats: IntegrationStats;
  /** Solver and tolerances actually used. */
  solver: { name: SolverName; rtol: number; atol: number };
}

/** The output grid t = 0, step, ..., up to tEnd (tEnd itself included when step divides it). */
export function makeTimeGrid(tEnd: number, step: number): Float64Array {
  if (!(Number.isFinite(tEnd) && tEnd > 0)) throw new OptionsError(`option tEnd: expected a finite number > 0 (minutes), found ${tEnd}`);
  if (!(Number.isFinite(step) && step > 0 && step <= tEnd)) {
    throw new OptionsError(`option step: expected a finite number > 0 and <= tEnd (${tEnd}), found ${step}`);
  }
  // Counting points by rounding (not by accumulating t += step) keeps the grid exact: t_k = k * step.
  const count = Math.floor(tEnd / step + 1e-9) + 1;
  if (count > MAX_GRID_POINTS) throw new OptionsError(`the grid would have ${count} points; at most ${MAX_GRID_POINTS} are allowed (use a larger step)`);
  const grid = new Float64Array(count);
  for (let k = 0; k < count; k++) grid[k] = k * step;
  return grid;
}

/**
 * Simulates a network (compiled or not) on a regular time grid.
 *
 * Concentrations are kept from going meaningfully negative: the Rosenbrock solver rejects
 * steps that push a state below minus its error tolerance (model doc, section 4).
 *
 * @throws OptionsError for bad options (a numerical failure is an outcome, not an error)
 * @throws NetworkTooLargeError beyond MAX_STATE_VARIABLES or MAX_TRAJECTORY_VALUES
 * @example
 * const result = simulate(validateNetwork(json, 'osc.json'), { tEnd: 3000, step: 1 });
 * if (result.outcome !== 'converged') console.error(result.message);
 */
export function simulate(network: Network | CompiledNetwork, options: SimulateOptions = {}): SimulationResult {
  const solver = solverDefinition(options.solver ?? DEFAULT_SOLVER).name;
  const model = 'rhs' in network ? network : compileNetwork(network);
  const grid = resolveTimeGrid(model, options);
  return simulateOnGrid(model, grid, { ...options, solver });
}

/**
 * The output grid of a simulation: `tEnd` and `step` from the options, else from the
 * network's `time`; without either step, min(1, tEnd).
 * @throws OptionsError when neither the options nor the network give tEnd, or the grid is invalid
 */
export function resolveTimeGrid(
  network: { readonly name: string; readonly time?: TimeGrid | undefined },
  options: Pick<SimulateOptions, 'tEnd' | 'step'> = {},
): Float64Array {
  const tEnd = options.tEnd ?? network.time?.end;
  const step = options.step ?? network.time?.step ?? (tEnd !== undefined ? Math.min(1, tEnd) : undefined);
  if (tEnd === undefined || step === undefined) {
    throw new OptionsError(`network "${network.name}" has no "time" grid: give tEnd (and step)`);
  }
  return makeTimeGrid(tEnd, step);
}

/**
 * Like {@link simulate}, on any non-decreasing grid of output times (the first is the start).
 * @throws OptionsError for bad options
 * @throws NetworkTooLargeError when the trajectory would exceed MAX_TRAJECTORY_VALUES
 */
export function simulateOnGrid(model: CompiledNetwork, grid: Float64Array, options: SimulateOptions = {}): SimulationResult {
  const solver = solverDefinition(options.solver ?? DEFAULT_SOLVER);
  const n = model.size;
  if (grid.length * n > MAX_TRAJECTORY_VALUES) {
    throw new NetworkTooLargeError(
      `the trajectory of "${model.name}" would hold ${grid.length} output times x ${n} state variables = ${grid.length * n} numbers; ` +
        `at most ${MAX_TRAJECTORY_VALUES} (${(8 * MAX_TRAJECTORY_VALUES) / 1e6} MB) are kept in memory: use a larger output step or an earlier end time`,
    );
  }
  const integrate: SolverRunOptions = {
    rtol: options.rtol ?? solver.rtol,
    atol: options.atol ?? solver.atol,
    maxSteps: options.maxSteps ?? solver.maxSteps,
    nonNegative: true,
  };
  // From ~12 states the structure-aware LU beats the dense one (1 factorisation + 8 solves per
  // step: 5.0 -> 1.6 us on the oligator, 13.8 -> 2.5 us on the switch; bench/README.md); a
  // network compiled for size has no row-major Jacobian worth using at all.
  if (solver.implicit && (model.jacobianStorage === 'sparse-low-rank' || n >= SPARSE_SOLVER_MIN_STATES)) integrate.linearSolver = model.sparseSolver;
  const y = new Float64Array(grid.length * n);
  const run = solver.integrate(model, model.y0, grid, y, integrate);
  if (run.filled < grid.length) y.fill(Number.NaN, run.filled * n);
  return {
    network: model.name,
    t: grid,
    names: model.stateNames,
    observables: model.observables,
    y,
    outcome: run.outcome,
    message: run.message,
    filled: run.filled,
    stats: run.stats,
    solver: { name: solver.name, rtol: integrate.rtol, atol: integrate.atol },
  };
}

/**
 * One state's time series out of a result (a copy).
 * @throws OptionsError if the name is not a state of the result
 */
export function extractSeries(result: SimulationResult, name: string): Float64Array {
  const i = result.names.indexOf(name);
  if (i < 0) throw new OptionsError(`"${name}" is not a state of ${result.network} (states: ${result.names.join(', ')})`);
  const n = result.names.length;
  const out = new Float64Array(result.t.length);
  for (let k = 0; k < out.length; k++) out[k] = result.y[k * n + i]!;
  return out;
}
