import { NetworkTooLargeError, OptionsError } from '../errors.js';
import { decomposeLu, solveLu } from './lu.js';
import { analyse, countingSolver, describeFactory, describePlan, interpretKernels, resolvePivotTolerance } from './sparse-lu.js';
import type { SolverCounts, SparseIterationMatrixSolver, SparseSolverFactory } from './sparse-lu.js';
import { sparseLowRankLength, type SparseLowRankLayout } from './types.js';

/**
 * Linear solves with M = fac * I - J for a Jacobian J = S + sum_q a_q b_q^T stored as a
 * {@link SparseLowRankLayout}: the sparse part goes through the loop-based sparse LU
 * (Markowitz order, static pivots), the k rank-one terms through the Woodbury identity
 * (Golub & Van Loan, "Matrix Computations", 4th ed., section 2.1.4). With A = fac * I - S,
 * U = [a_0 ... a_{k-1}] and W = [b_0 ... b_{k-1}]:
 *
 *     M = A - U W^T,   M^-1 x = A^-1 x + Z C^-1 W^T A^-1 x,   Z = A^-1 U,   C = I_k - W^T Z.
 *
 * A factorisation costs one sparse LU of A, k sparse solves for Z and a k x k dense LU of C;
 * a solve costs one sparse solve and O(k n). Nothing is n x n: work and memory follow the
 * non-zeros of S's factors plus k n, where a row-major J of a PEN network is about a third
 * dense (each enzyme pool couples every species it saturates with every species its reactions
 * change) and its sparse LU fills in to nearly dense.
 *
 * Failure is reported, never guessed around: a static pivot of A below the pivot tolerance
 * (as in `createSparseSolverFactory`), or a pivot of C below the same tolerance relative to
 * C's row, makes `factor` return false; the Rosenbrock solver then retries the step with half
 * the step size, where fac = 1 / (h gamma) grows, A tends to fac * I and C to I_k. No dense
 * fallback exists here: at the sizes this solver is for, an n x n matrix is what must be
 * avoided.
 */

/** Options of {@link createSparseLowRankSolverFactory}. */
export interface SparseLowRankSolverOptions {
  /** As `SparseSolverOptions.pivotTolerance`, applied to A's static pivots and C's pivots. @default 1e-8 */
  pivotTolerance?: number;
  /**
   * Largest number of entries of the sparse part's L + U; beyond it the factory throws
   * {@link NetworkTooLargeError} (each entry costs 8 bytes per solver and a multiply-add per
   * solve).
   * @default MAX_LU_NON_ZEROS (20 000 000)
   */
  maxLuNonZeros?: number;
}

/** Default of {@link SparseLowRankSolverOptions.maxLuNonZeros}: 160 MB of factors per solver. */
const MAX_LU_NON_ZEROS = 20_000_000;

/** Checks a layout's arrays against each other. @throws OptionsError */
function checkLayout(layout: SparseLowRankLayout): void {
  const { n, rowStart, col, rank } = layout;
  const bad = (what: string) => new OptionsError(`sparse low-rank layout: ${what}`);
  if (!Number.isInteger(n) || n < 1) throw bad(`expected a size n >= 1, found ${String(n)}`);
  if (!Number.isInteger(rank) || rank < 0) throw bad(`expected a rank >= 0, found ${String(rank)}`);
  if (rowStart.length !== n + 1 || rowStart[0] !== 0 || rowStart[n] !== col.length) {
    throw bad(`rowStart must have n + 1 = ${n + 1} entries from 0 to col.length = ${col.length}`);
  }
  for (let i = 0; i < n; i++) {
    let diagonal = false;
    for (let e = rowStart[i]!; e < rowStart[i + 1]!; e++) {
      const j = col[e]!;
      if (!(j >= 0 && j < n) || (e > rowStart[i]! && !(j > col[e - 1]!))) throw bad(`row ${i}: columns must be ascending and in 0..${n - 1}`);
      if (j === i) diagonal = true;
    }
    if (!diagonal) throw bad(`row ${i} lacks its diagonal entry`);
  }
}

/**
 * Analyses a {@link SparseLowRankLayout} once and returns a factory of solvers for it, to pass
 * as `linearSolver` to `integrateRosenbrock` with a system that has a `sparseLowRankJacobian`
 * of this layout. The solvers run loops (no generated code): at the sizes this is for, code
 * generation would cost seconds of compilation (see `MAX_GENERATED_OPERATIONS`).
 *
 * `fallbacks` counts the factorisations refused (bad static pivot or ill-conditioned C), each
 * of which made the integrator halve its step.
 *
 * @throws OptionsError for an inconsistent layout or invalid options
 * @throws NetworkTooLargeError when the factors would exceed `maxLuNonZeros`
 */
export function createSparseLowRankSolverFactory(layout: SparseLowRankLayout, options: SparseLowRankSolverOptions = {}): SparseSolverFactory {
  checkLayout(layout);
  const tol = resolvePivotTolerance(options.pivotTolerance);
  const maxLu = options.maxLuNonZeros ?? MAX_LU_NON_ZEROS;
  if (!(typeof maxLu === 'number' && maxLu > 0)) throw new OptionsError(`option maxLuNonZeros: expected a number > 0, found ${String(maxLu)}`);
  const { n, rowStart, col, rank: k } = layout;
  const nnz = col.length;
  const plan = analyse(
    { n, rowStart, col, source: Int32Array.from({ length: nnz }, (_, e) => e) },
    {
      maxNonZeros: maxLu,
      error: () =>
        new NetworkTooLargeError(
          `the sparse LU of this ${n}-state system would hold more than ${maxLu} non-zeros ` +
            `(${Math.round((8 * maxLu) / 1e6)} MB per solver): its species are too interconnected for this solver`,
        ),
    },
  );
  const kernelsFor = interpretKernels(plan, tol);
  const analysis = describePlan(plan);
  const length = sparseLowRankLength(layout);
  const totals: SolverCounts = { factorizations: 0, fallbacks: 0 };

  const factory = (size: number): SparseIterationMatrixSolver => {
    if (size !== n) throw new OptionsError(`sparse low-rank solver: built for ${n} states, asked for ${size}`);
    const a = new Float64Array(plan.col.length);
    const inv = new Float64Array(n);
    const work = new Float64Array(n);
    const kernels = kernelsFor(a, inv, work);
    const Z = new Float64Array(k * n);
    const W = new Float64Array(k * n);
    const C = new Float64Array(k * k);
    const pivot = new Int32Array(k);
    const t = new Float64Array(k);
    /** Z = A^-1 U and the LU of C = I - W^T Z, after A's; false if C's pivots are too small. */
    const factorCapacitance = (J: Float64Array): boolean => {
      // W is copied so the solves do not depend on J staying untouched.
      Z.set(J.subarray(nnz, nnz + k * n));
      W.set(J.subarray(nnz + k * n, nnz + 2 * k * n));
      for (let q = 0; q < k; q++) kernels.solve(Z.subarray(q * n, (q + 1) * n));
      let norm = 0;
      for (let p = 0; p < k; p++) {
        let row = 0;
        for (let q = 0; q < k; q++) {
          let dot = 0;
          const wp = p * n;
          const zq = q * n;
          for (let i = 0; i < n; i++) dot += W[wp + i]! * Z[zq + i]!;
          const c = (p === q ? 1 : 0) - dot;
          C[p * k + q] = c;
          row += Math.abs(c);
        }
        norm = Math.max(norm, row);
      }
      if (!decomposeLu(C, k, pivot)) return false;
      for (let p = 0; p < k; p++) if (!(Math.abs(C[p * k + p]!) > tol * norm)) return false;
      return true;
    };
    return countingSolver(
      totals,
      'sparse-low-rank',
      (J, fac, fellBack) => {
        if (J.length !== length) throw new OptionsError(`sparse low-rank solver: expected ${length} Jacobian values, found ${J.length}`);
        if (kernels.factor(J, fac) && (k === 0 || factorCapacitance(J))) return true;
        fellBack();
        return false;
      },
      (b) => {
        kernels.solve(b);
        if (k === 0) return;
        for (let p = 0; p < k; p++) {
          let dot = 0;
          const wp = p * n;
          for (let i = 0; i < n; i++) dot += W[wp + i]! * b[i]!;
          t[p] = dot;
        }
        solveLu(C, k, pivot, t);
        for (let q = 0; q < k; q++) {
          const c = t[q]!;
          if (c === 0) continue;
          const zq = q * n;
          for (let i = 0; i < n; i++) b[i]! += c * Z[zq + i]!;
        }
      },
    );
  };
  return describeFactory(factory, analysis, () => false, totals);
}
