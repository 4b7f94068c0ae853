import { OptionsError } from './errors.js';
import type { IterationMatrixSolver } from './ode/linear-solver.js';
import { integrateOdex } from './ode/odex.js';
import { integrateRosenbrock, RODAS4, RODAS5P } from './ode/rosenbrock.js';
import type { IntegrateOptions, IntegrateResult, OdeSystem } from './ode/types.js';

/**
 * The integrators {@link simulate} can use, in one place: adding a solver is one entry here
 * (the CLI's `--solver` choices and help text are built from this list).
 */

/** Options a registered solver's `integrate` receives: complete tolerances and budget. */
export interface SolverRunOptions extends IntegrateOptions {
  rtol: number;
  atol: number;
  maxSteps: number;
  /** Linear solver for implicit methods (ignored by explicit ones). */
  linearSolver?: (n: number) => IterationMatrixSolver;
}

/** One registered solver. */
export interface SolverDefinition {
  /** Name in options, dataset metadata and on the CLI (`--solver`). */
  readonly name: string;
  /** One line for help text: the method and when to use it. */
  readonly description: string;
  /** Default relative tolerance. */
  readonly rtol: number;
  /** Default absolute tolerance, nM. */
  readonly atol: number;
  /** Default step budget (accepted + rejected steps). */
  readonly maxSteps: number;
  /** Whether it solves linear systems (and so benefits from a sparse linear solver). */
  readonly implicit: boolean;
  /** Integrates `system` from `y0` at grid[0], writing every grid time's state into `out`. */
  integrate(system: OdeSystem, y0: Float64Array, grid: Float64Array, out: Float64Array, options: SolverRunOptions): IntegrateResult;
}

/**
 * Every solver, the default first. Default tolerances are chosen so every reference trace is
 * reproduced to well under 1e-3 of each column's range (simulate.test.ts asserts it for each
 * solver here; the worst case is the predator-prey prey minimum, ~6e-6 of range for
 * `rosenbrock`). atol is tiny because some networks pass through ~1e-6 nM whose relative
 * accuracy sets the timing of what follows.
 */
const DEFINITIONS = [
  {
    name: 'rosenbrock',
    description: 'RODAS5P, stiff Rosenbrock, order 5',
    rtol: 1e-7,
    atol: 1e-14,
    maxSteps: 1_000_000,
    implicit: true,
    integrate: (system, y0, grid, out, options) => integrateRosenbrock(system, y0, grid, out, { ...options, method: RODAS5P }),
  },
  {
    name: 'rodas4',
    description: 'RODAS4, stiff Rosenbrock, order 4 (about twice the time of rosenbrock)',
    rtol: 1e-7,
    atol: 1e-14,
    maxSteps: 1_000_000,
    implicit: true,
    integrate: (system, y0, grid, out, options) => integrateRosenbrock(system, y0, grid, out, { ...options, method: RODAS4 }),
  },
  {
    name: 'odex',
    description: "GBS extrapolation, explicit: DACCAD's integrator family, slow on stiff networks",
    rtol: 1e-9,
    atol: 1e-13,
    maxSteps: 1_000_000,
    implicit: false,
    integrate: (system, y0, grid, out, options) => integrateOdex(system, y0, grid, out, options),
  },
] as const satisfies readonly SolverDefinition[];

/** A registered solver's name. */
export type SolverName = (typeof DEFINITIONS)[number]['name'];

/** Every registered solver, the default first. */
export const SOLVER_DEFINITIONS: readonly (SolverDefinition & { name: SolverName })[] = DEFINITIONS;

/** The registered solver names, the default first. */
export const SOLVERS: readonly SolverName[] = DEFINITIONS.map((d) => d.name);

/** The solver {@link simulate} uses unless told otherwise. */
export const DEFAULT_SOLVER: SolverName = 'rosenbrock';

const BY_NAME = new Map<string, SolverDefinition & { name: SolverName }>(DEFINITIONS.map((d) => [d.name, d]));

/**
 * A registered solver by name.
 * @throws OptionsError naming the registered solvers
 */
export function solverDefinition(name: string): SolverDefinition & { name: SolverName } {
  const definition = BY_NAME.get(name);
  if (!definition) throw new OptionsError(`option solver: expected one of ${SOLVERS.join(', ')}, found ${String(name)}`);
  return definition;
}

/** Default tolerances per solver (from {@link SOLVER_DEFINITIONS}). */
export const DEFAULT_TOLERANCES: Readonly<Record<SolverName, { rtol: number; atol: number }>> = Object.freeze(
  Object.assign(
    Object.create(null) as Record<SolverName, { rtol: number; atol: number }>,
    Object.fromEntries(DEFINITIONS.map((d) => [d.name, { rtol: d.rtol, atol: d.atol }])),
  ),
);
