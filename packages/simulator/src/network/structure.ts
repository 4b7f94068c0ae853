import { NetworkValidationError } from '../errors.js';
import type { ReactionsNetwork } from './types.js';

/** Flat, index-based description of a reactions network: what every back end runs on. */
export interface Structure {
  n: number;
  names: string[];
  reactionCount: number;
  /** reactants of r: rIdx[rStart[r] .. rStart[r+1]) (repeated for higher order). */
  rStart: Int32Array;
  rIdx: Int32Array;
  pStart: Int32Array;
  pIdx: Int32Array;
  /** Whether r has a reverse rate (structural: kr given, even if 0). */
  hasKr: Uint8Array;
  /** Pool index of r, -1 for none. */
  poolOf: Int32Array;
  poolCount: number;
  /** members of pool q: mIdx[mStart[q] .. mStart[q+1]); their 1/K sits at values[2R + m]. */
  mStart: Int32Array;
  mIdx: Int32Array;
  /** net stoichiometry of r: (sIdx, sCoef)[sStart[r] .. sStart[r+1]). */
  sStart: Int32Array;
  sIdx: Int32Array;
  sCoef: Float64Array;
  signature: string;
}

/**
 * The index form of a reactions network. Names are looked up in Maps, never as object keys.
 * @throws NetworkValidationError if a reaction names a species or pool the network lacks
 *   (only an unvalidated network can)
 */
export function buildStructure(net: ReactionsNetwork): Structure {
  const names = net.species.map((s) => s.name);
  const index = new Map(names.map((name, i) => [name, i]));
  const poolNames = Object.keys(net.pools ?? {});
  const poolIndex = new Map(poolNames.map((name, i) => [name, i]));
  // The path is built only for the error: this runs for every species of every reaction.
  const lookup = (map: Map<string, number>, name: string, what: string, path: () => string): number => {
    const i = map.get(name);
    if (i === undefined) throw new NetworkValidationError(net.name, [{ path: path(), message: `unknown ${what} "${name}"` }]);
    return i;
  };
  const R = net.reactions.length;
  const rStart = new Int32Array(R + 1);
  const pStart = new Int32Array(R + 1);
  const sStart = new Int32Array(R + 1);
  const rIdx: number[] = [];
  const pIdx: number[] = [];
  const sIdx: number[] = [];
  const sCoef: number[] = [];
  const hasKr = new Uint8Array(R);
  const poolOf = new Int32Array(R).fill(-1);
  // Net change of each species a reaction touches, as parallel lists: reactions name a few
  // species, so a linear search beats a Map per reaction.
  const changed: number[] = [];
  const change: number[] = [];
  const add = (j: number, c: number): void => {
    const at = changed.indexOf(j);
    if (at < 0) {
      changed.push(j);
      change.push(c);
    } else change[at]! += c;
  };
  net.reactions.forEach((r, i) => {
    rStart[i] = rIdx.length;
    pStart[i] = pIdx.length;
    sStart[i] = sIdx.length;
    changed.length = 0;
    change.length = 0;
    for (const s of r.reactants) {
      const j = lookup(index, s, 'species', () => `reactions[${i}].reactants`);
      rIdx.push(j);
      add(j, -1);
    }
    for (const s of r.products) {
      const j = lookup(index, s, 'species', () => `reactions[${i}].products`);
      pIdx.push(j);
      add(j, 1);
    }
    const order = changed.map((_, a) => a).sort((a, b) => changed[a]! - changed[b]!);
    for (const a of order) {
      if (change[a] === 0) continue; // catalysts: N + P -> P + P changes P by +1, N by -1
      sIdx.push(changed[a]!);
      sCoef.push(change[a]!);
    }
    hasKr[i] = r.kr === undefined ? 0 : 1;
    if (r.pool !== undefined) poolOf[i] = lookup(poolIndex, r.pool, 'pool', () => `reactions[${i}].pool`);
  });
  rStart[R] = rIdx.length;
  pStart[R] = pIdx.length;
  sStart[R] = sIdx.length;
  const mStart = new Int32Array(poolNames.length + 1);
  const mIdx: number[] = [];
  poolNames.forEach((q, qi) => {
    mStart[qi] = mIdx.length;
    for (const s of Object.keys(net.pools![q]!)) mIdx.push(lookup(index, s, 'species', () => `pools.${q}`));
  });
  mStart[poolNames.length] = mIdx.length;
  const signature = JSON.stringify({
    species: names,
    reactions: net.reactions.map((r) => [r.reactants, r.products, r.pool ?? null, r.kr !== undefined]),
    pools: poolNames.map((q) => [q, Object.keys(net.pools![q]!)]),
  });
  return {
    n: names.length,
    names,
    reactionCount: R,
    rStart,
    rIdx: Int32Array.from(rIdx),
    pStart,
    pIdx: Int32Array.from(pIdx),
    hasKr,
    poolOf,
    poolCount: poolNames.length,
    mStart,
    mIdx: Int32Array.from(mIdx),
    sStart,
    sIdx: Int32Array.from(sIdx),
    sCoef: Float64Array.from(sCoef),
    signature,
  };
}

/**
 * Structural non-zeros of the Jacobian: dv_r/dy_j for every species j a reaction's rate
 * depends on (reactants, products if reversible, and every member of its pool), spread over
 * the species the reaction changes. The diagonal is always included (solvers add to it).
 */
export function jacobianPatternOf(st: Structure): Uint8Array {
  const n = st.n;
  const pattern = new Uint8Array(n * n);
  for (let i = 0; i < n; i++) pattern[i * n + i] = 1;
  for (let r = 0; r < st.reactionCount; r++) {
    const deps = new Set<number>();
    for (let a = st.rStart[r]!; a < st.rStart[r + 1]!; a++) deps.add(st.rIdx[a]!);
    if (st.hasKr[r]) for (let a = st.pStart[r]!; a < st.pStart[r + 1]!; a++) deps.add(st.pIdx[a]!);
    const q = st.poolOf[r]!;
    if (q >= 0) for (let m = st.mStart[q]!; m < st.mStart[q + 1]!; m++) deps.add(st.mIdx[m]!);
    for (let s = st.sStart[r]!; s < st.sStart[r + 1]!; s++) {
      const i = st.sIdx[s]!;
      for (const j of deps) pattern[i * n + j] = 1;
    }
  }
  return pattern;
}

/** Writes the numbers of `net` into `values` ([k..., kr..., 1/K...]) and `y0`. */
export function fillValues(net: ReactionsNetwork, st: Structure, values: Float64Array, y0: Float64Array): void {
  const R = st.reactionCount;
  net.reactions.forEach((r, i) => {
    values[i] = r.k;
    values[R + i] = r.kr ?? 0;
  });
  let m = 0;
  for (const q of Object.keys(net.pools ?? {})) {
    for (const km of Object.values(net.pools![q]!)) values[2 * R + m++] = 1 / km;
  }
  net.species.forEach((s, i) => {
    y0[i] = s.initial ?? 0;
  });
}

/** Pool denominators and reaction rates at a state, shared by the loop-based evaluators. */
export interface RateEvaluator {
  /** 1 / D_q of every pool after {@link evaluate}. */
  readonly iD: Float64Array;
  /** Rate of every reaction (divided by its pool's denominator) after {@link evaluate}. */
  readonly rate: Float64Array;
  /** Computes {@link iD} and {@link rate} at y. */
  evaluate(y: Float64Array): void;
}

/**
 * Rates over the flat arrays. Pool denominators D_q = 1 + sum max(y_j, 0) / K_qj are clamped:
 * a slightly negative concentration must not make a denominator vanish.
 */
export function createRateEvaluator(st: Structure, values: Float64Array): RateEvaluator {
  const { reactionCount: R, rStart, rIdx, pStart, pIdx, hasKr, poolOf, poolCount, mStart, mIdx } = st;
  const iD = new Float64Array(poolCount);
  const rate = new Float64Array(R);
  return {
    iD,
    rate,
    evaluate(y) {
      for (let q = 0; q < poolCount; q++) {
        let d = 1;
        for (let m = mStart[q]!; m < mStart[q + 1]!; m++) {
          const x = y[mIdx[m]!]!;
          if (x > 0) d += x * values[2 * R + m]!;
        }
        iD[q] = 1 / d;
      }
      for (let r = 0; r < R; r++) {
        let f = values[r]!;
        for (let a = rStart[r]!; a < rStart[r + 1]!; a++) f *= y[rIdx[a]!]!;
        if (hasKr[r]) {
          let b = values[R + r]!;
          for (let a = pStart[r]!; a < pStart[r + 1]!; a++) b *= y[pIdx[a]!]!;
          f -= b;
        }
        rate[r] = poolOf[r]! >= 0 ? f * iD[poolOf[r]!]! : f;
      }
    },
  };
}
