import { OptionsError } from '../errors.js';
import type { Derivative, JacobianFunction, SparseLowRankJacobian, SparseLowRankLayout } from '../ode/types.js';
import { createRateEvaluator, type RateEvaluator, type Structure } from './structure.js';

/**
 * Loop-based evaluation of a compiled network: the rhs, the row-major Jacobian, and the
 * Jacobian as sparse + low rank. Loops run where code generation is not allowed, and for large
 * networks, where generated code would grow with the Jacobian's dense pool blocks (quadratic
 * in the network) and take TurboFan seconds to compile.
 */

/**
 * Where each mass-action partial derivative goes: for every reaction r, every occurrence of a
 * reactant (then, if reversible, of a product) and every species r changes, in that order,
 * the index `position(i, j)` of J_ij in the storage.
 */
function partialPositions(st: Structure, position: (i: number, j: number) => number): Int32Array {
  const out: number[] = [];
  for (let r = 0; r < st.reactionCount; r++) {
    const columns = Array.from(st.rIdx.subarray(st.rStart[r]!, st.rStart[r + 1]!));
    if (st.hasKr[r]) columns.push(...st.pIdx.subarray(st.pStart[r]!, st.pStart[r + 1]!));
    for (const j of columns) for (let s = st.sStart[r]!; s < st.sStart[r + 1]!; s++) out.push(position(st.sIdx[s]!, j));
  }
  return Int32Array.from(out);
}

/**
 * Adds the mass-action part of the Jacobian, S dN/dy / D (the numerators' derivatives, each
 * divided by its pool's denominator), at the positions from {@link partialPositions}. The
 * pools' rank-one part, -S v (dD/dy)^T / D, is the caller's.
 */
function addMassActionPartials(st: Structure, values: Float64Array, rates: RateEvaluator, positions: Int32Array, y: Float64Array, J: Float64Array): void {
  const { reactionCount: R, rStart, rIdx, pStart, pIdx, hasKr, poolOf, sStart, sCoef } = st;
  const iD = rates.iD;
  let p = 0;
  for (let r = 0; r < R; r++) {
    const scale = poolOf[r]! >= 0 ? iD[poolOf[r]!]! : 1;
    const s0 = sStart[r]!;
    const s1 = sStart[r + 1]!;
    for (let a = rStart[r]!; a < rStart[r + 1]!; a++) {
      let d = values[r]! * scale;
      for (let b = rStart[r]!; b < rStart[r + 1]!; b++) if (b !== a) d *= y[rIdx[b]!]!;
      for (let s = s0; s < s1; s++) J[positions[p++]!]! += sCoef[s]! * d;
    }
    if (hasKr[r]) {
      for (let a = pStart[r]!; a < pStart[r + 1]!; a++) {
        let d = -values[R + r]! * scale;
        for (let b = pStart[r]!; b < pStart[r + 1]!; b++) if (b !== a) d *= y[pIdx[b]!]!;
        for (let s = s0; s < s1; s++) J[positions[p++]!]! += sCoef[s]! * d;
      }
    }
  }
}

/**
 * The same rhs and row-major Jacobian as the generated code, as loops over the flat arrays:
 * for environments without code generation, for large networks (the Jacobian only on
 * request: it is n x n), and as an independent check of the generator.
 */
export function interpret(st: Structure, values: Float64Array): { rhs: Derivative; jacobian: JacobianFunction } {
  const { n, reactionCount: R, poolOf, poolCount, mStart, mIdx, sStart, sIdx, sCoef } = st;
  const rates = createRateEvaluator(st, values);
  const { iD, rate } = rates;
  const u = new Float64Array(n);
  let positions: Int32Array | undefined;
  const rhs: Derivative = (_t, y, dy) => {
    rates.evaluate(y);
    dy.fill(0);
    for (let r = 0; r < R; r++) for (let s = sStart[r]!; s < sStart[r + 1]!; s++) dy[sIdx[s]!]! += sCoef[s]! * rate[r]!;
  };
  const jacobian: JacobianFunction = (_t, y, J) => {
    if (J.length !== n * n) throw new OptionsError(`jacobian: expected an array of n * n = ${n * n} values, found ${J.length}`);
    rates.evaluate(y);
    J.fill(0);
    positions ??= partialPositions(st, (i, j) => i * n + j);
    addMassActionPartials(st, values, rates, positions, y, J);
    for (let q = 0; q < poolCount; q++) {
      u.fill(0);
      for (let r = 0; r < R; r++) {
        if (poolOf[r] !== q) continue;
        for (let s = sStart[r]!; s < sStart[r + 1]!; s++) u[sIdx[s]!]! += sCoef[s]! * rate[r]!;
      }
      for (let m = mStart[q]!; m < mStart[q + 1]!; m++) {
        const j = mIdx[m]!;
        if (!(y[j]! > 0)) continue;
        const w = values[2 * R + m]! * iD[q]!;
        for (let i = 0; i < n; i++) if (u[i] !== 0) J[i * n + j]! -= u[i]! * w;
      }
    }
  };
  return { rhs, jacobian };
}

/**
 * The layout of a network's Jacobian as sparse + low rank: S holds the mass-action partials
 * (and the diagonal), one rank-one term per pool q holds a_q = -sum_{r in q} S_r v_r and
 * b_q[j] = [y_j > 0] / (K_qj D_q): a pooled rate v = N / D has dv/dy_j = (dN/dy_j) / D -
 * v (dD/dy_j) / D, and the second term summed over the pool's reactions is a_q b_q^T.
 */
function sparseLowRankLayoutOf(st: Structure): SparseLowRankLayout {
  const n = st.n;
  const rows: Set<number>[] = Array.from({ length: n }, (_, i) => new Set([i]));
  partialPositions(st, (i, j) => {
    rows[i]!.add(j);
    return 0;
  });
  const rowStart = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) rowStart[i + 1] = rowStart[i]! + rows[i]!.size;
  const col = new Int32Array(rowStart[n]!);
  for (let i = 0; i < n; i++)
    col.set(
      Array.from(rows[i]!).sort((a, b) => a - b),
      rowStart[i]!,
    );
  return { n, rowStart, col, rank: st.poolCount };
}

/** The Jacobian in the {@link sparseLowRankLayoutOf} layout, by loops; O(non-zeros + pools x n) per call. */
export function interpretSparseLowRank(st: Structure, values: Float64Array): SparseLowRankJacobian {
  const layout = sparseLowRankLayoutOf(st);
  const { n, reactionCount: R, poolOf, poolCount, mStart, mIdx, sStart, sIdx, sCoef } = st;
  const { rowStart, col } = layout;
  const positions = partialPositions(st, (i, j) => {
    // Binary search of column j in row i.
    let lo = rowStart[i]!;
    let hi = rowStart[i + 1]! - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (col[mid]! < j) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  });
  const nnz = col.length;
  const rates = createRateEvaluator(st, values);
  const { iD, rate } = rates;
  return {
    layout,
    evaluate(_t, y, V) {
      rates.evaluate(y);
      V.fill(0);
      addMassActionPartials(st, values, rates, positions, y, V);
      for (let r = 0; r < R; r++) {
        const q = poolOf[r]!;
        if (q < 0) continue;
        const a = nnz + q * n;
        for (let s = sStart[r]!; s < sStart[r + 1]!; s++) V[a + sIdx[s]!]! -= sCoef[s]! * rate[r]!;
      }
      for (let q = 0; q < poolCount; q++) {
        const b = nnz + (poolCount + q) * n;
        for (let m = mStart[q]!; m < mStart[q + 1]!; m++) {
          const j = mIdx[m]!;
          if (y[j]! > 0) V[b + j] = values[2 * R + m]! * iD[q]!;
        }
      }
    },
  };
}
