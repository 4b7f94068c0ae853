import { describe, expect, it } from 'vitest';
import { randomSystem, randomVector, relativeError, rng, solveDense } from '../../test-support/linear-algebra.js';
import { NetworkTooLargeError, OptionsError } from '../errors.js';
import { compileNetwork } from '../network/compile.js';
import { makeChainNetwork } from '../network/chain.js';
import { integrateRosenbrock } from './rosenbrock.js';
import { createSparseLowRankSolverFactory } from './sparse-low-rank.js';
import { sparseLowRankLength, type SparseLowRankLayout } from './types.js';

/** The layout of a dense pattern (diagonal included) with `rank` rank-one terms. */
function layoutOf(pattern: Uint8Array, n: number, rank: number): SparseLowRankLayout {
  const rowStart = new Int32Array(n + 1);
  const col: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) if (pattern[i * n + j] || i === j) col.push(j);
    rowStart[i + 1] = col.length;
  }
  return { n, rowStart, col: Int32Array.from(col), rank };
}

/**
 * A random J = S + sum_q a_q b_q^T in both storages: the layout's value array and the
 * row-major matrix it stands for (built here independently of the solver).
 */
function randomLowRank(
  n: number,
  density: number,
  rank: number,
  seed: number,
): { layout: SparseLowRankLayout; values: Float64Array; dense: Float64Array; fac: number } {
  const { pattern, J, fac } = randomSystem({ n, density, dominant: true, seed });
  const layout = layoutOf(pattern, n, rank);
  const values = new Float64Array(sparseLowRankLength(layout));
  const dense = Float64Array.from(J);
  for (let i = 0; i < n; i++) for (let e = layout.rowStart[i]!; e < layout.rowStart[i + 1]!; e++) values[e] = J[i * n + layout.col[e]!]!;
  const r = rng(seed + 1);
  const nnz = layout.col.length;
  for (let q = 0; q < rank; q++) {
    for (let i = 0; i < n; i++) {
      // Sparse vectors as a pool gives: a on the species its reactions change, b on its members.
      const a = r() < 0.5 ? 2 * r() - 1 : 0;
      const b = r() < 0.5 ? 2 * r() - 1 : 0;
      values[nnz + q * n + i] = a;
      values[nnz + (rank + q) * n + i] = b;
    }
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) dense[i * n + j]! += values[nnz + q * n + i]! * values[nnz + (rank + q) * n + j]!;
  }
  return { layout, values, dense, fac };
}

describe('createSparseLowRankSolverFactory', () => {
  const cases = [
    { n: 1, density: 0, rank: 1 },
    { n: 6, density: 0.3, rank: 0 },
    { n: 6, density: 0.3, rank: 1 },
    { n: 20, density: 0.1, rank: 3 },
    { n: 60, density: 0.05, rank: 3 },
    { n: 120, density: 0.02, rank: 2 },
  ];
  it.each(cases)('solves (fac I - S - sum a b^T) x = b like a dense LU: n=$n density=$density rank=$rank', ({ n, density, rank }) => {
    for (let seed = 1; seed <= 3; seed++) {
      const { layout, values, dense, fac } = randomLowRank(n, density, rank, 40 * seed + n);
      const factory = createSparseLowRankSolverFactory(layout);
      const solver = factory(n);
      expect(solver.storage).toBe('sparse-low-rank');
      expect(solver.factor(values, fac)).toBe(true);
      // Several right-hand sides per factorisation, as a Rosenbrock step does.
      for (let k = 0; k < 3; k++) {
        const b = randomVector(n, seed * 10 + k);
        const x = Float64Array.from(b);
        solver.solve(x);
        expect(relativeError(x, solveDense(dense, fac, b))).toBeLessThan(1e-10);
      }
      expect(factory.generated).toBe(false);
      expect(solver.fallbacks).toBe(0);
    }
  });

  it('keeps the factors of a chain-like pattern sparse (no fill beyond the band)', () => {
    // Tridiagonal: Markowitz eliminates from the ends and creates no fill at all.
    const n = 500;
    const pattern = new Uint8Array(n * n);
    for (let i = 0; i < n; i++) for (let j = Math.max(0, i - 1); j <= Math.min(n - 1, i + 1); j++) pattern[i * n + j] = 1;
    const { analysis } = createSparseLowRankSolverFactory(layoutOf(pattern, n, 3));
    expect(analysis.fillIn).toBe(0);
    expect(analysis.luNonZeros).toBe(3 * n - 2);
  });

  it('refuses a factorisation with a bad static pivot (the integrator then halves its step)', () => {
    // A = fac I - S = [[0, -1], [-1, 1]]: the first static pivot is 0.
    const layout = layoutOf(Uint8Array.from([1, 1, 1, 1]), 2, 0);
    const solver = createSparseLowRankSolverFactory(layout)(2);
    expect(solver.factor(Float64Array.from([1, 1, 1, 0]), 1)).toBe(false);
    expect(solver.fallbacks).toBe(1);
    // A larger fac (a smaller step) makes the same Jacobian factorable.
    expect(solver.factor(Float64Array.from([1, 1, 1, 0]), 4)).toBe(true);
  });

  it('refuses a singular capacitance matrix (fac I - J singular although A is not)', () => {
    // S = 0, J = e1 e1^T, fac = 1: M = I - e1 e1^T is singular; C = 1 - b.A^-1 a = 0.
    const layout = layoutOf(Uint8Array.from([1, 0, 0, 1]), 2, 1);
    const values = Float64Array.from([0, 0, 1, 0, 1, 0]);
    const solver = createSparseLowRankSolverFactory(layout)(2);
    expect(solver.factor(values, 1)).toBe(false);
    expect(solver.factor(values, 2)).toBe(true);
  });

  it('throws NetworkTooLargeError when the factors would exceed maxLuNonZeros', () => {
    const { pattern } = randomSystem({ n: 30, density: 0.5, dominant: true, seed: 3 });
    expect(() => createSparseLowRankSolverFactory(layoutOf(pattern, 30, 1), { maxLuNonZeros: 100 })).toThrow(NetworkTooLargeError);
    expect(() => createSparseLowRankSolverFactory(layoutOf(pattern, 30, 1), { maxLuNonZeros: 100 })).toThrow(/more than 100 non-zeros/);
  });

  describe('rejects inconsistent layouts and options', () => {
    const ok = layoutOf(Uint8Array.from([1, 0, 1, 1]), 2, 1);
    it.each([
      { what: 'a size of 0', layout: { ...ok, n: 0 }, message: /size n >= 1/ },
      { what: 'a negative rank', layout: { ...ok, rank: -1 }, message: /rank >= 0/ },
      { what: 'rowStart of the wrong length', layout: { ...ok, rowStart: Int32Array.from([0, 1]) }, message: /rowStart must have n \+ 1 = 3/ },
      {
        what: 'a missing diagonal',
        layout: { ...ok, rowStart: Int32Array.from([0, 1, 2]), col: Int32Array.from([0, 0]) },
        message: /row 1 lacks its diagonal/,
      },
      { what: 'descending columns', layout: { ...ok, rowStart: Int32Array.from([0, 1, 3]), col: Int32Array.from([0, 1, 0]) }, message: /ascending/ },
    ])('$what', ({ layout, message }) => {
      expect(() => createSparseLowRankSolverFactory(layout)).toThrow(OptionsError);
      expect(() => createSparseLowRankSolverFactory(layout)).toThrow(message);
    });
    it('a pivotTolerance of 1', () => expect(() => createSparseLowRankSolverFactory(ok, { pivotTolerance: 1 })).toThrow(/pivotTolerance/));
    it('a solver of another size', () => expect(() => createSparseLowRankSolverFactory(ok)(3)).toThrow(/built for 2 states, asked for 3/));
    it('a Jacobian array of the wrong length', () => {
      const solver = createSparseLowRankSolverFactory(ok)(2);
      expect(() => solver.factor(new Float64Array(4), 1)).toThrow(/expected 7 Jacobian values, found 4/);
    });
  });

  it('is refused by the integrator for a system without a sparse low-rank Jacobian', () => {
    const model = compileNetwork(makeChainNetwork({ strands: 3 }));
    const system = { size: model.size, rhs: model.rhs, jacobian: model.jacobian };
    const linearSolver = createSparseLowRankSolverFactory(model.sparseLowRankJacobian.layout);
    const grid = Float64Array.from([0, 1]);
    const call = () => integrateRosenbrock(system, model.y0, grid, new Float64Array(2 * model.size), { linearSolver });
    expect(call).toThrow(OptionsError);
    expect(call).toThrow(/does not provide/);
    // With it, the same integration runs.
    expect(integrateRosenbrock(model, model.y0, grid, new Float64Array(2 * model.size), { linearSolver }).outcome).toBe('converged');
  });
});
