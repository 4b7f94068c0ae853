/**
 * The one place the pipeline learns which integrators exist and their defaults. Everything
 * else (CLI choices and help, sweeps, single simulations) imports from here.
 *
 * Today the simulator exports `SOLVERS`, `DEFAULT_TOLERANCES` and the integrators' step
 * budget separately; when it exports a solver registry (name, integrate, defaults,
 * description), only this file changes.
 */
import { DEFAULT_INTEGRATE_OPTIONS, DEFAULT_TOLERANCES, SOLVERS, type SolverName } from '@penvae/simulator';

/** The solvers a user may choose (`--solver`). */
export const SOLVER_NAMES: readonly SolverName[] = SOLVERS;

/** The default solver. */
export const DEFAULT_SOLVER: SolverName = 'rosenbrock';

/** Default tolerances and step budget of a solver. */
export function solverDefaults(name: SolverName): { rtol: number; atol: number; maxSteps: number } {
  const tolerances = DEFAULT_TOLERANCES[name];
  return { rtol: tolerances.rtol, atol: tolerances.atol, maxSteps: DEFAULT_INTEGRATE_OPTIONS.maxSteps };
}

/** `rosenbrock 1e-7, odex 1e-9`: a default per solver, for help texts. */
export function describeSolverDefault(field: 'rtol' | 'atol' | 'maxSteps'): string {
  return SOLVER_NAMES.map((s) => `${s} ${solverDefaults(s)[field]}`).join(', ');
}
