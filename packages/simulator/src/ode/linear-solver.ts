import { decomposeLu, solveLu } from './lu.js';

/**
 * Solves the linear systems of an implicit step, (fac * I - J) x = b, for one factorisation
 * and many right-hand sides. Implementations own their work arrays; nothing is allocated per
 * call.
 */
export interface IterationMatrixSolver {
  /** A short name for statistics and benchmarks (`dense`, `sparse`, `sparse-low-rank`). */
  readonly kind: string;
  /**
   * How the solver reads J: `dense` (row-major n x n, from `system.jacobian`) or
   * `sparse-low-rank` (a `SparseLowRankLayout` array, from `system.sparseLowRankJacobian`).
   * @default 'dense'
   */
  readonly storage?: 'dense' | 'sparse-low-rank';
  /**
   * Factors fac * I - J, with J stored as {@link storage} says.
   * @returns false if the matrix is numerically singular
   */
  factor(jacobian: Float64Array, fac: number): boolean;
  /** Overwrites b with the solution of (fac * I - J) x = b for the last factored matrix. */
  solve(b: Float64Array): void;
}

/** Dense LU with partial pivoting: the safe default for any Jacobian. */
export function createDenseSolver(n: number): IterationMatrixSolver {
  const E = new Float64Array(n * n);
  const pivot = new Int32Array(n);
  return {
    kind: 'dense',
    factor(J, fac) {
      const nn = n * n;
      for (let i = 0; i < nn; i++) E[i] = -J[i]!;
      for (let i = 0; i < n; i++) E[i * n + i]! += fac;
      return decomposeLu(E, n, pivot);
    },
    solve(b) {
      solveLu(E, n, pivot, b);
    },
  };
}
