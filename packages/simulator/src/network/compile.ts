import { StructureMismatchError } from '../errors.js';
import { createSparseSolverFactory, type SparseSolverFactory } from '../ode/sparse-lu.js';
import type { Derivative, JacobianFunction, OdeSystem } from '../ode/types.js';
import { expandPenNetwork, type ExpandedTemplate } from './expand.js';
import type { Network, ReactionsNetwork, TimeGrid } from './types.js';

/** A template of a compiled PEN network, for conservation checks and state output. */
export interface CompiledTemplate {
  /** Template name. */
  readonly name: string;
  /** Indices of its states in the state vector, in {@link TEMPLATE_STATES} order (5 or 6). */
  readonly stateIndices: Int32Array;
  /** The state names (`alone`, `input`, ...) matching `stateIndices`. */
  readonly stateNames: readonly string[];
}

/**
 * A network compiled into an ODE system: a flat right-hand side and analytic Jacobian over
 * `Float64Array`s that allocate nothing per call.
 *
 * The numbers (rate constants, pool constants, initial values) live in `values` and `y0`;
 * {@link CompiledNetwork.setValues} replaces them from another network of the same structure
 * without recompiling (parameter sweeps).
 */
export interface CompiledNetwork extends OdeSystem {
  readonly jacobian: JacobianFunction;
  readonly jacobianPattern: Uint8Array;
  /** Network name. */
  readonly name: string;
  /** The file kind it was compiled from. */
  readonly kind: Network['kind'];
  /** Name of every state variable: strands/species, then `<template>.<state>`. */
  readonly stateNames: readonly string[];
  /** The observed series: strands of a `pen` network, all species of a `reactions` network. */
  readonly observables: readonly string[];
  /** Indices of {@link observables} in the state vector. */
  readonly observableIndices: Int32Array;
  /** Templates of a `pen` network (empty for `reactions`). */
  readonly templates: readonly CompiledTemplate[];
  /** Initial state (nM). Updated by {@link setValues}. */
  readonly y0: Float64Array;
  /** Template totals (nM), parallel to {@link templates}. Updated by {@link setValues}. */
  readonly templateTotals: Float64Array;
  /** The network's own output grid, if it has one. */
  readonly time: TimeGrid | undefined;
  /** True when rhs/jacobian are generated code, false for the interpreted fallback. */
  readonly generated: boolean;
  /** The reactions network the ODEs come from (the expansion, for a `pen` network). */
  readonly reactions: ReactionsNetwork;
  /**
   * A sparse LU for this structure's iteration matrices, built on first use and kept: it stays
   * valid across {@link setValues}, and its generated code only pays off when reused (a sweep).
   */
  readonly sparseSolver: SparseSolverFactory;
  /**
   * Takes the numbers of `network` (same structure: same strands/species, templates,
   * reactions and pools) without recompiling.
   * @throws StructureMismatchError if the structure differs
   */
  setValues(network: Network): void;
}

/** Options of {@link compileNetwork}. */
export interface CompileOptions {
  /**
   * Generate straight-line JavaScript for rhs and Jacobian (`new Function`). Set false where
   * code generation is not allowed (a strict Content-Security-Policy): an interpreted loop
   * over the same flat arrays is used instead.
   * @default true
   */
  codegen?: boolean;
  /**
   * Factorisations the sparse LU runs as loops before generating code (see
   * `createSparseSolverFactory`). A sweep reuses one compiled network for many simulations,
   * so it can generate at once (0); one-off runs are better served by the default.
   * @default DEFAULT_CODEGEN_AFTER (20000)
   */
  sparseCodegenAfter?: number;
}

/** Flat, index-based description of a reactions network: what both back ends run on. */
interface Structure {
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

function buildStructure(net: ReactionsNetwork): Structure {
  const names = net.species.map((s) => s.name);
  const index = new Map(names.map((name, i) => [name, i]));
  const poolNames = Object.keys(net.pools ?? {});
  const poolIndex = new Map(poolNames.map((name, i) => [name, i]));
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
  net.reactions.forEach((r, i) => {
    rStart[i] = rIdx.length;
    pStart[i] = pIdx.length;
    sStart[i] = sIdx.length;
    const change = new Map<number, number>();
    for (const s of r.reactants) {
      const j = index.get(s)!;
      rIdx.push(j);
      change.set(j, (change.get(j) ?? 0) - 1);
    }
    for (const s of r.products) {
      const j = index.get(s)!;
      pIdx.push(j);
      change.set(j, (change.get(j) ?? 0) + 1);
    }
    for (const [j, c] of [...change].sort((a, b) => a[0] - b[0])) {
      if (c === 0) continue; // catalysts: N + P -> P + P changes P by +1, N by -1
      sIdx.push(j);
      sCoef.push(c);
    }
    hasKr[i] = r.kr === undefined ? 0 : 1;
    if (r.pool !== undefined) poolOf[i] = poolIndex.get(r.pool)!;
  });
  rStart[R] = rIdx.length;
  pStart[R] = pIdx.length;
  sStart[R] = sIdx.length;
  const mStart = new Int32Array(poolNames.length + 1);
  const mIdx: number[] = [];
  poolNames.forEach((q, qi) => {
    mStart[qi] = mIdx.length;
    for (const s of Object.keys(net.pools![q]!)) mIdx.push(index.get(s)!);
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
function jacobianPatternOf(st: Structure): Uint8Array {
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
function fillValues(net: ReactionsNetwork, st: Structure, values: Float64Array, y0: Float64Array): void {
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

/** JavaScript source for the product of the concentrations in `idx`, times `coef` (a string). */
function productSource(coef: string, idx: ArrayLike<number>, skip = -1): string {
  const parts = [coef];
  for (let a = 0; a < idx.length; a++) if (a !== skip) parts.push(`y[${idx[a]}]`);
  return parts.join('*');
}

/**
 * Generates the rhs and Jacobian as straight-line code over the flat arrays.
 *
 * Why: on the 19-state oligator the generated rhs runs 7-10x faster than the interpreted loop
 * (bench/simulator.js, "rhs calls/s": 8.1x in the run recorded in bench/README.md).
 * Only indices and numeric literals are spliced into the source, never names from the file.
 */
function generate(st: Structure, values: Float64Array): { rhs: Derivative; jacobian: JacobianFunction } {
  const R = st.reactionCount;
  const n = st.n;
  const pre: string[] = [];
  // Pool denominators D_q = 1 + sum max(y_j, 0) / K_qj (clamped: a slightly negative
  // concentration must not make a denominator vanish).
  for (let q = 0; q < st.poolCount; q++) {
    const terms: string[] = ['1'];
    for (let m = st.mStart[q]!; m < st.mStart[q + 1]!; m++) {
      const j = st.mIdx[m]!;
      terms.push(`(y[${j}] > 0 ? y[${j}] * v[${2 * R + m}] : 0)`);
    }
    pre.push(`const iD${q} = 1 / (${terms.join(' + ')});`);
  }
  const rates: string[] = [];
  for (let r = 0; r < R; r++) {
    const fwd = productSource(`v[${r}]`, st.rIdx.subarray(st.rStart[r]!, st.rStart[r + 1]!));
    const rev = st.hasKr[r] ? ` - ${productSource(`v[${R + r}]`, st.pIdx.subarray(st.pStart[r]!, st.pStart[r + 1]!))}` : '';
    const q = st.poolOf[r]!;
    rates.push(`const r${r} = ${q >= 0 ? `(${fwd}${rev}) * iD${q}` : `${fwd}${rev}`};`);
  }
  // dy_i = sum_r S_ir v_r
  const dyTerms: string[][] = Array.from({ length: n }, () => []);
  for (let r = 0; r < R; r++) {
    for (let s = st.sStart[r]!; s < st.sStart[r + 1]!; s++) {
      const c = st.sCoef[s]!;
      dyTerms[st.sIdx[s]!]!.push(c === 1 ? `+ r${r}` : c === -1 ? `- r${r}` : `${c < 0 ? '-' : '+'} ${Math.abs(c)} * r${r}`);
    }
  }
  const rhsBody = [
    ...pre,
    ...rates,
    ...dyTerms.map((terms, i) => `dy[${i}] = ${terms.length ? terms.join(' ').replace(/^\+ /, '') : '0'};`),
  ].join('\n');

  // Jacobian: J = S * dv/dy. For a pooled reaction v = N / D, dv/dy_j = (dN/dy_j) / D - v * (dD/dy_j) / D;
  // the second term is, summed over a pool's reactions, a rank-one update u_q w_q^T with
  // u_q[i] = sum_{r in q} S_ir v_r and w_q[j] = [y_j > 0] / (K_qj D_q). That is how the
  // templates couple: only through the enzyme pools.
  const entries = new Map<number, string[]>();
  const addEntry = (i: number, j: number, term: string) => {
    const key = i * n + j;
    let list = entries.get(key);
    if (!list) entries.set(key, (list = []));
    list.push(term);
  };
  const jacPre: string[] = [...pre];
  for (let r = 0; r < R; r++) {
    const q = st.poolOf[r]!;
    const scale = q >= 0 ? ` * iD${q}` : '';
    // Partial derivatives of the numerator, one per distinct species it depends on.
    const partials = new Map<number, string[]>();
    const addPartials = (idx: Int32Array, coef: string, sign: string) => {
      for (let a = 0; a < idx.length; a++) {
        const j = idx[a]!;
        let list = partials.get(j);
        if (!list) partials.set(j, (list = []));
        // d/dy_j of prod over a list with y_j repeated m times = sum over each occurrence.
        list.push(`${sign}${productSource(coef, idx, a)}`);
      }
    };
    addPartials(st.rIdx.subarray(st.rStart[r]!, st.rStart[r + 1]!), `v[${r}]`, '+');
    if (st.hasKr[r]) addPartials(st.pIdx.subarray(st.pStart[r]!, st.pStart[r + 1]!), `v[${R + r}]`, '-');
    for (const [j, list] of partials) {
      const name = `d${r}_${j}`;
      jacPre.push(`const ${name} = (${list.join(' ').replace(/^\+/, '')})${scale};`);
      for (let s = st.sStart[r]!; s < st.sStart[r + 1]!; s++) {
        const c = st.sCoef[s]!;
        addEntry(st.sIdx[s]!, j, c === 1 ? `+ ${name}` : c === -1 ? `- ${name}` : `${c < 0 ? '-' : '+'} ${Math.abs(c)} * ${name}`);
      }
    }
    if (q >= 0) jacPre.push(`const r${r} = (${productSource(`v[${r}]`, st.rIdx.subarray(st.rStart[r]!, st.rStart[r + 1]!))}${st.hasKr[r] ? ` - ${productSource(`v[${R + r}]`, st.pIdx.subarray(st.pStart[r]!, st.pStart[r + 1]!))}` : ''}) * iD${q};`);
  }
  const jacBody: string[] = [...jacPre, 'J.fill(0);'];
  for (const [key, terms] of entries) jacBody.push(`J[${key}] = ${terms.join(' ').replace(/^\+ /, '')};`);
  for (let q = 0; q < st.poolCount; q++) {
    const u = new Map<number, string[]>();
    for (let r = 0; r < R; r++) {
      if (st.poolOf[r] !== q) continue;
      for (let s = st.sStart[r]!; s < st.sStart[r + 1]!; s++) {
        const i = st.sIdx[s]!;
        const c = st.sCoef[s]!;
        let list = u.get(i);
        if (!list) u.set(i, (list = []));
        list.push(c === 1 ? `+ r${r}` : c === -1 ? `- r${r}` : `${c < 0 ? '-' : '+'} ${Math.abs(c)} * r${r}`);
      }
    }
    if (u.size === 0) continue;
    for (const [i, terms] of u) jacBody.push(`const u${q}_${i} = (${terms.join(' ').replace(/^\+ /, '')}) * iD${q};`);
    for (let m = st.mStart[q]!; m < st.mStart[q + 1]!; m++) {
      const j = st.mIdx[m]!;
      const lines = [...u.keys()].map((i) => `J[${i * n + j}] -= u${q}_${i} * w;`);
      jacBody.push(`if (y[${j}] > 0) { const w = v[${2 * R + m}]; ${lines.join(' ')} }`);
    }
  }
  const factory = new Function('v', `"use strict";\nreturn [function rhs(t, y, dy) {\n${rhsBody}\n}, function jacobian(t, y, J) {\n${jacBody.join('\n')}\n}];`) as (
    v: Float64Array,
  ) => [Derivative, JacobianFunction];
  const [rhs, jacobian] = factory(values);
  return { rhs, jacobian };
}

/**
 * The same rhs and Jacobian as {@link generate}, as loops over the flat arrays: for
 * environments without code generation, and as an independent check of the generator.
 */
function interpret(st: Structure, values: Float64Array): { rhs: Derivative; jacobian: JacobianFunction } {
  const { n, reactionCount: R, rStart, rIdx, pStart, pIdx, hasKr, poolOf, poolCount, mStart, mIdx, sStart, sIdx, sCoef } = st;
  const iD = new Float64Array(poolCount);
  const rate = new Float64Array(R);
  const u = new Float64Array(n);
  const denominators = (y: Float64Array) => {
    for (let q = 0; q < poolCount; q++) {
      let d = 1;
      for (let m = mStart[q]!; m < mStart[q + 1]!; m++) {
        const x = y[mIdx[m]!]!;
        if (x > 0) d += x * values[2 * R + m]!;
      }
      iD[q] = 1 / d;
    }
  };
  const rates = (y: Float64Array) => {
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
  };
  const rhs: Derivative = (_t, y, dy) => {
    denominators(y);
    rates(y);
    dy.fill(0);
    for (let r = 0; r < R; r++) for (let s = sStart[r]!; s < sStart[r + 1]!; s++) dy[sIdx[s]!]! += sCoef[s]! * rate[r]!;
  };
  const jacobian: JacobianFunction = (_t, y, J) => {
    denominators(y);
    rates(y);
    J.fill(0);
    const term = (r: number, j: number, d: number) => {
      for (let s = sStart[r]!; s < sStart[r + 1]!; s++) J[sIdx[s]! * n + j]! += sCoef[s]! * d;
    };
    for (let r = 0; r < R; r++) {
      const scale = poolOf[r]! >= 0 ? iD[poolOf[r]!]! : 1;
      for (let a = rStart[r]!; a < rStart[r + 1]!; a++) {
        let d = values[r]! * scale;
        for (let b = rStart[r]!; b < rStart[r + 1]!; b++) if (b !== a) d *= y[rIdx[b]!]!;
        term(r, rIdx[a]!, d);
      }
      if (hasKr[r]) {
        for (let a = pStart[r]!; a < pStart[r + 1]!; a++) {
          let d = -values[R + r]! * scale;
          for (let b = pStart[r]!; b < pStart[r + 1]!; b++) if (b !== a) d *= y[pIdx[b]!]!;
          term(r, pIdx[a]!, d);
        }
      }
    }
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

function toReactions(network: Network): { reactions: ReactionsNetwork; observables: string[]; templates: ExpandedTemplate[] } {
  if (network.kind === 'pen') {
    const ex = expandPenNetwork(network);
    return { reactions: ex.network, observables: ex.strands, templates: ex.templates };
  }
  return { reactions: network, observables: network.species.map((s) => s.name), templates: [] };
}

/**
 * Compiles a validated network once into an ODE system (see {@link CompiledNetwork}).
 * A `pen` network is first expanded into reactions ({@link expandPenNetwork}); one compiler
 * serves both kinds.
 *
 * @example
 * const model = compileNetwork(validateNetwork(json, 'osc.json'));
 * const dydt = new Float64Array(model.size);
 * model.rhs(0, model.y0, dydt);
 */
export function compileNetwork(network: Network, options: CompileOptions = {}): CompiledNetwork {
  const { reactions, observables, templates } = toReactions(network);
  const st = buildStructure(reactions);
  const values = new Float64Array(2 * st.reactionCount + st.mIdx.length);
  const y0 = new Float64Array(st.n);
  fillValues(reactions, st, values, y0);
  const generated = options.codegen ?? true;
  const { rhs, jacobian } = generated ? generate(st, values) : interpret(st, values);
  const index = new Map(st.names.map((name, i) => [name, i]));
  const compiledTemplates: CompiledTemplate[] = templates.map((t) => {
    const entries = Object.entries(t.states) as [string, string][];
    return {
      name: t.name,
      stateNames: entries.map(([state]) => state),
      stateIndices: Int32Array.from(entries.map(([, species]) => index.get(species)!)),
    };
  });
  const templateTotals = Float64Array.from(templates.map((t) => t.concentration));
  let current = network;
  let currentReactions = reactions;
  const jacobianPattern = jacobianPatternOf(st);
  let sparse: SparseSolverFactory | undefined;
  const compiled: CompiledNetwork = {
    name: network.name,
    kind: network.kind,
    size: st.n,
    rhs,
    jacobian,
    jacobianPattern,
    stateNames: st.names,
    observables,
    observableIndices: Int32Array.from(observables.map((o) => index.get(o)!)),
    templates: compiledTemplates,
    y0,
    templateTotals,
    get time() {
      return current.time;
    },
    generated,
    get reactions() {
      return currentReactions;
    },
    get sparseSolver() {
      return (sparse ??= createSparseSolverFactory(jacobianPattern, st.n, {
        codegen: generated,
        ...(options.sparseCodegenAfter !== undefined ? { codegenAfter: options.sparseCodegenAfter } : {}),
      }));
    },
    setValues(next: Network) {
      const converted = toReactions(next);
      const nextSt = buildStructure(converted.reactions);
      if (next.kind !== network.kind || nextSt.signature !== st.signature) {
        throw new StructureMismatchError(
          `network "${next.name}" does not have the structure "${network.name}" was compiled with ` +
            '(strands/species, templates, reactions and pools must be the same); compile it separately',
        );
      }
      fillValues(converted.reactions, st, values, y0);
      converted.templates.forEach((t, i) => {
        templateTotals[i] = t.concentration;
      });
      current = next;
      currentReactions = converted.reactions;
    },
  };
  return compiled;
}
