/**
 * Generic ODE types. Nothing here knows about DNA: an integrator sees a right-hand side, an
 * optional Jacobian and tolerances, and returns an outcome with statistics.
 */

/** Right-hand side y' = f(t, y), written into `dydt`. Must not keep references to its arguments. */
export type Derivative = (t: number, y: Float64Array, dydt: Float64Array) => void;

/** Jacobian df/dy at (t, y), written row-major into `jac` (n*n: jac[i*n + j] = dfi/dyj). */
export type JacobianFunction = (t: number, y: Float64Array, jac: Float64Array) => void;

/**
 * Where a Jacobian J = S + sum_q a_q b_q^T keeps its values: a sparse part S on a fixed pattern
 * and `rank` rank-one terms. Reaction networks with saturable enzyme pools have this shape: a
 * pool's denominator depends on every member, so each pool adds a (dense) rank-one term that
 * would make a row-major J dense, while S keeps the mass-action structure.
 *
 * The values live in one Float64Array of {@link sparseLowRankLength} numbers:
 * `[S in pattern order (col.length) | a_0 | ... | a_{rank-1} | b_0 | ... | b_{rank-1}]`, each
 * a_q and b_q n long.
 */
export interface SparseLowRankLayout {
  /** Matrix size. */
  readonly n: number;
  /** Row pointers of S: the entries of row i are rowStart[i] .. rowStart[i+1] (n + 1 values). */
  readonly rowStart: Int32Array;
  /** Column of each entry of S, ascending within a row; every diagonal entry is present. */
  readonly col: Int32Array;
  /** Number of rank-one terms. */
  readonly rank: number;
}

/** Length of the value array of a {@link SparseLowRankLayout}: nnz(S) + 2 * rank * n. */
export function sparseLowRankLength(layout: SparseLowRankLayout): number {
  return layout.col.length + 2 * layout.rank * layout.n;
}

/** A Jacobian in a {@link SparseLowRankLayout}, evaluated at (t, y) into `values` (overwritten). */
export interface SparseLowRankJacobian {
  readonly layout: SparseLowRankLayout;
  evaluate(t: number, y: Float64Array, values: Float64Array): void;
}

/** An ODE system: its dimension, right-hand side and (for implicit methods) Jacobian. */
export interface OdeSystem {
  /** Number of state variables. */
  readonly size: number;
  /** The right-hand side. */
  readonly rhs: Derivative;
  /**
   * Analytic Jacobian, row-major n x n; the Rosenbrock solver needs it, or
   * {@link sparseLowRankJacobian} with a linear solver that reads that storage.
   */
  readonly jacobian?: JacobianFunction;
  /**
   * Structural non-zeros of the Jacobian (row-major n*n, 1 where an entry can be non-zero),
   * for sparse linear solvers. Absent means dense.
   */
  readonly jacobianPattern?: Uint8Array;
  /** The same Jacobian as sparse + low rank, for large systems (no n x n array anywhere). */
  readonly sparseLowRankJacobian?: SparseLowRankJacobian;
}

/**
 * How an integration ended.
 * - `converged`: reached the last output time.
 * - `max-steps`: the step budget ran out first.
 * - `non-finite`: the solution (or the right-hand side) became NaN or infinite.
 * - `step-too-small`: the step size collapsed below what the floating-point time can resolve,
 *   typically because the error test or the non-negativity test keeps failing.
 * - `singular`: the linear system of an implicit step was singular even for tiny steps.
 */
export type IntegrationOutcome = 'converged' | 'max-steps' | 'non-finite' | 'step-too-small' | 'singular';

/** Work counters of one integration. */
export interface IntegrationStats {
  /** Accepted steps. */
  steps: number;
  /** Rejected steps (error test, negativity test or non-finite trial values). */
  rejectedSteps: number;
  /** Right-hand side evaluations. */
  rhsCalls: number;
  /** Jacobian evaluations. */
  jacobianCalls: number;
  /** LU decompositions. */
  decompositions: number;
}

/** Options common to every integrator (tolerances act per component: atol + rtol*|y_i|). */
export interface IntegrateOptions {
  /** Relative tolerance. @default 1e-6 */
  rtol?: number;
  /** Absolute tolerance (same units as y). @default 1e-9 */
  atol?: number;
  /** Maximum number of steps (accepted + rejected). @default 1_000_000 */
  maxSteps?: number;
  /** Initial step size; 0 lets the solver choose. @default 0 */
  initialStep?: number;
  /** Largest step size; 0 means unbounded. @default 0 */
  maxStep?: number;
  /**
   * Reject steps that drive a component more negative than its error tolerance, and retry
   * smaller (for concentrations). @default false
   */
  nonNegative?: boolean;
}

/** The result of an integration on an output grid. */
export interface IntegrateResult {
  /** How it ended. */
  outcome: IntegrationOutcome;
  /** A sentence explaining a non-`converged` outcome (empty when converged). */
  message: string;
  /** Number of output rows filled (== grid length when converged). */
  filled: number;
  /** Time reached by the last accepted step. */
  tReached: number;
  /** Work counters. */
  stats: IntegrationStats;
}

/** Creates zeroed statistics. */
export function emptyStats(): IntegrationStats {
  return { steps: 0, rejectedSteps: 0, rhsCalls: 0, jacobianCalls: 0, decompositions: 0 };
}
