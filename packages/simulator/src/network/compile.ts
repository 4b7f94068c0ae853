import { NetworkTooLargeError, StructureMismatchError } from '../errors.js';
import { createSparseLowRankSolverFactory } from '../ode/sparse-low-rank.js';
import { createSparseSolverFactory, type SparseSolverFactory } from '../ode/sparse-lu.js';
import type { Derivative, JacobianFunction, OdeSystem, SparseLowRankJacobian } from '../ode/types.js';
import { expandPenNetwork, type ExpandedTemplate } from './expand.js';
import { interpret, interpretSparseLowRank } from './interpret.js';
import { buildStructure, fillValues, jacobianPatternOf, type Structure } from './structure.js';
import type { Network, ReactionsNetwork, TimeGrid } from './types.js';

/**
 * From this many state variables a network is compiled for size (see
 * {@link CompileOptions.jacobianStorage}): loops instead of generated code, and the Jacobian as
 * sparse + low rank with its Woodbury LU. Below it, generated code and the sparse LU of the
 * row-major Jacobian are faster (bench/scaling.js).
 */
export const LARGE_NETWORK_MIN_STATES = 64;

/**
 * Most state variables a network may have (a PEN cascade of ~16 600 strands). Measured on
 * cascades (bench/scaling.js, bench/README.md "Large networks"), a network costs 2-3 KB per
 * state variable to validate and 3-7 KB to simulate, and a simulation 1.4-3 us per state
 * and step; at this limit `pipeline validate` took 1.8 s and 250 MB, `pipeline simulate
 * --t-end 100` 51 s and 390 MB on a busy 2-core machine. The output trajectory is limited
 * separately (`MAX_TRAJECTORY_VALUES`).
 */
export const MAX_STATE_VARIABLES = 100_000;

/** A template of a compiled PEN network, for conservation checks and state output. */
interface CompiledTemplate {
  /** Template name. */
  readonly name: string;
  /** Indices of its states in the state vector, in {@link TemplateState} order (5 or 6). */
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
  /** The row-major n x n Jacobian (an n x n array: for large networks, only for checks). */
  readonly jacobian: JacobianFunction;
  /** Row-major n x n structural non-zeros of {@link jacobian}, computed on first use. */
  readonly jacobianPattern: Uint8Array;
  /** The same Jacobian as sparse + one rank-one term per enzyme pool (loops; any size). */
  readonly sparseLowRankJacobian: SparseLowRankJacobian;
  /**
   * `sparse-low-rank` for a network compiled for size (its {@link sparseSolver} reads
   * {@link sparseLowRankJacobian}), `dense` otherwise (it reads {@link jacobian}).
   */
  readonly jacobianStorage: 'dense' | 'sparse-low-rank';
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
  /** True when rhs/jacobian are generated code, false for loops. */
  readonly generated: boolean;
  /** The reactions network the ODEs come from (the expansion, for a `pen` network). */
  readonly reactions: ReactionsNetwork;
  /**
   * A sparse LU for this structure's iteration matrices, built on first use and kept: it stays
   * valid across {@link setValues}, and its generated code only pays off when reused (a sweep).
   * For {@link jacobianStorage} `sparse-low-rank`, the loop-based Woodbury solver
   * (`createSparseLowRankSolverFactory`).
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
  /**
   * How the integrator sees the Jacobian. `dense`: row-major n x n from generated code (see
   * {@link codegen}) with the sparse LU of its pattern; its size and the code's grow with the
   * square of the network, because each enzyme pool couples every species it saturates with
   * every species its reactions change. `sparse-low-rank`: loops, the mass-action part sparse
   * and each pool's coupling a rank-one term (see `createSparseLowRankSolverFactory`); work and
   * memory grow with the non-zeros. Either gives the same Jacobian.
   * @default 'dense' below {@link LARGE_NETWORK_MIN_STATES} states, else 'sparse-low-rank'
   */
  jacobianStorage?: 'dense' | 'sparse-low-rank';
}

/** State variables a network compiles to, counted without expanding it. */
function countStates(network: Network): number {
  if (network.kind === 'reactions') return network.species.length;
  let n = network.strands.length;
  for (const t of network.templates) n += t.inhibitor === undefined ? 5 : 6;
  return n;
}

/** JavaScript source for the product of the concentrations in `idx`, times `coef` (a string). */
function productSource(coef: string, idx: ArrayLike<number>, skip = -1): string {
  const parts = [coef];
  for (let a = 0; a < idx.length; a++) if (a !== skip) parts.push(`y[${idx[a]}]`);
  return parts.join('*');
}

/**
 * The bodies of the generated rhs and Jacobian: straight-line statements over `y` (state),
 * `v` (the constants, see {@link NetworkSource.values}), `dy` and the row-major `J`. Only
 * indices and numeric literals are spliced into the source, never names from the file. The
 * statements use nothing but `const` declarations, arithmetic, comparisons, `?:`, `if` blocks
 * and `J.fill(0)`, so that they translate to C line by line (bench/simulator.js runs SUNDIALS
 * CVODE on them).
 */
function generateSource(st: Structure): { rhs: string; jacobian: string } {
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
  const rhsBody = [...pre, ...rates, ...dyTerms.map((terms, i) => `dy[${i}] = ${terms.length ? terms.join(' ').replace(/^\+ /, '') : '0'};`)].join('\n');

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
    if (q >= 0)
      jacPre.push(
        `const r${r} = (${productSource(`v[${r}]`, st.rIdx.subarray(st.rStart[r]!, st.rStart[r + 1]!))}${st.hasKr[r] ? ` - ${productSource(`v[${R + r}]`, st.pIdx.subarray(st.pStart[r]!, st.pStart[r + 1]!))}` : ''}) * iD${q};`,
      );
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
  return { rhs: rhsBody, jacobian: jacBody.join('\n') };
}

/**
 * Generates the rhs and Jacobian as straight-line code over the flat arrays.
 *
 * Why: on the 19-state oligator the generated rhs runs 7-10x faster than the interpreted loop
 * (bench/simulator.js, "rhs calls/s": 8.1x in the run recorded in bench/README.md).
 */
function generate(st: Structure, values: Float64Array): { rhs: Derivative; jacobian: JacobianFunction } {
  const source = generateSource(st);
  const factory = new Function(
    'v',
    `"use strict";\nreturn [function rhs(t, y, dy) {\n${source.rhs}\n}, function jacobian(t, y, J) {\n${source.jacobian}\n}];`,
  ) as (v: Float64Array) => [Derivative, JacobianFunction];
  const [rhs, jacobian] = factory(values);
  return { rhs, jacobian };
}

/** The code {@link compileNetwork} generates for a network, with the numbers it reads. */
export interface NetworkSource {
  /** State variables. */
  readonly size: number;
  /** Name of every state variable, in state-vector order. */
  readonly stateNames: readonly string[];
  /** Initial state (nM). */
  readonly y0: Float64Array;
  /** The constants `v` the code reads: forward rates, reverse rates, then 1/K of every pool member. */
  readonly values: Float64Array;
  /** Statements computing `dy[i]` from `y` and `v`. */
  readonly rhs: string;
  /** Statements filling the row-major Jacobian `J[i * size + j]` (all of it, zeros included) from `y` and `v`. */
  readonly jacobian: string;
}

/**
 * The straight-line rhs and Jacobian source that {@link compileNetwork} generates for
 * `network` (JavaScript statements, see {@link NetworkSource}), for running the same model
 * through another integrator (bench/simulator.js translates it to C for SUNDIALS CVODE).
 * @example
 * const { rhs, values } = generateNetworkSource(validateNetwork(json, 'osc.json'));
 */
export function generateNetworkSource(network: Network): NetworkSource {
  const { reactions } = toReactions(network);
  const st = buildStructure(reactions);
  const values = new Float64Array(2 * st.reactionCount + st.mIdx.length);
  const y0 = new Float64Array(st.n);
  fillValues(reactions, st, values, y0);
  return { size: st.n, stateNames: st.names, y0, values, ...generateSource(st) };
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
  const states = countStates(network);
  if (states > MAX_STATE_VARIABLES) {
    throw new NetworkTooLargeError(
      `network "${network.name}" has ${states} state variables; at most ${MAX_STATE_VARIABLES} are supported ` +
        '(a simulation needs 3-7 KB of memory and 1.4-3 us per step for each state variable)',
    );
  }
  const { reactions, observables, templates } = toReactions(network);
  const st = buildStructure(reactions);
  const values = new Float64Array(2 * st.reactionCount + st.mIdx.length);
  const y0 = new Float64Array(st.n);
  fillValues(reactions, st, values, y0);
  const storage = options.jacobianStorage ?? (st.n >= LARGE_NETWORK_MIN_STATES ? 'sparse-low-rank' : 'dense');
  const generated = storage === 'dense' && (options.codegen ?? true);
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
  let pattern: Uint8Array | undefined;
  let structured: SparseLowRankJacobian | undefined;
  let sparse: SparseSolverFactory | undefined;
  const compiled: CompiledNetwork = {
    name: network.name,
    kind: network.kind,
    size: st.n,
    rhs,
    jacobian,
    get jacobianPattern() {
      return (pattern ??= jacobianPatternOf(st));
    },
    get sparseLowRankJacobian() {
      return (structured ??= interpretSparseLowRank(st, values));
    },
    jacobianStorage: storage,
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
      if (storage === 'sparse-low-rank') return (sparse ??= createSparseLowRankSolverFactory(compiled.sparseLowRankJacobian.layout));
      return (sparse ??= createSparseSolverFactory(compiled.jacobianPattern, st.n, {
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
