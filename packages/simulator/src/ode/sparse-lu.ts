import { OptionsError } from '../errors.js';
import { createDenseSolver, type IterationMatrixSolver } from './linear-solver.js';

/**
 * A sparse LU for the iteration matrix fac * I - J of an implicit step, specialised once to
 * the Jacobian's structure, in the manner of KPP (the Kinetic PreProcessor: Damian, Sandu et
 * al., Comput. Chem. Eng. 26:1567, 2002; Sandu et al., Atmos. Environ. 31:3459, 1997):
 *
 * 1. a fill-reducing order is chosen on the structure alone (Markowitz, diagonal pivots only);
 * 2. the symbolic factorisation gives the fill-in, so L and U live in one compact value array;
 * 3. gathering fac * I - J, the numeric factorisation and the triangular solves become
 *    straight-line JavaScript with every index a literal (`new Function`), so nothing is
 *    searched, tested or looped over per step.
 *
 * Pivots are static (no row exchanges), which is unstable in general. Every factorisation
 * therefore checks each pivot against its row of fac * I - J and, when one is too small or
 * not finite, redoes that step's factorisation with the dense partial-pivoting LU
 * ({@link createDenseSolver}). In a Rosenbrock integration a poor solve that slips through
 * shows up as a large error estimate, so the step is rejected and retried with a smaller h,
 * where fac = 1/(h gamma) makes the matrix more diagonally dominant.
 *
 * Why generated code (bench/simulator.js, "Linear algebra of one RODAS5P step": PEN
 * `oscillator`, 19 states, 169 structural non-zeros, 180 in L+U after fill-in; one
 * factorisation + 8 solves is one RODAS5P step; best of repeats, Node 20, 2-core bench machine):
 *   dense LU with partial pivoting   2.0 us + 8 x 0.35 us = 4.9 us per step
 *   sparse, interpreted loops        1.3 us + 8 x 0.40 us = 4.5 us
 *   sparse, generated code           0.4 us + 8 x 0.16 us = 1.7 us
 * so a whole 6000-minute simulation at the default tolerances drops from ~75 to ~40 ms. The
 * loops alone are hardly better than the dense LU: the index indirections cost what the
 * skipped zeros save.
 *
 * The catch is V8's warm-up: TurboFan takes ~70–250 ms (2-core machine under load) to
 * optimise the `oscillator`'s ~600 straight-line statements, and until then they run in the
 * bytecode interpreter at ~50x the optimised cost. In a fresh process the first two 7400-step
 * simulations took ~215 ms each with generated code against ~160 ms with the dense LU; the
 * generated code caught up after ~6 simulations (bench, "Cold start"). So code generation is
 * tiered, like a JIT: each factory starts on the loops and generates code only once its
 * solvers have done {@link SparseSolverOptions.codegenAfter} factorisations, which a
 * parameter sweep reaches in its first few simulations and a one-off run never does.
 * See {@link createSparseSolverFactory} for when to prefer it over the dense solver.
 */

/** Options of {@link createSparseSolverFactory}. */
export interface SparseSolverOptions {
  /**
   * Generate straight-line JavaScript (`new Function`). Set false where code generation is
   * not allowed (a strict Content-Security-Policy); the same factorisation then runs as
   * loops over index arrays. If `new Function` throws, the loops are used anyway (see
   * {@link SparseSolverFactory.generated}). Large factorisations (more than
   * {@link MAX_GENERATED_OPERATIONS} multiply-adds) always use the loops: compiling that much
   * straight-line code costs seconds.
   * @default true
   */
  codegen?: boolean;
  /**
   * Factorisations (over all solvers of the factory) done by the loops before the code is
   * generated and every solver switches to it at its next factorisation; 0 generates at
   * once. The default keeps a one-off simulation (a few thousand steps) on the loops, which
   * cost about what the dense LU costs, and switches a sweep within its first few runs: the
   * switch costs ~250 ms of JIT warm-up, repaid after ~50 000 further steps of a 20-state
   * network (~3 us saved per step).
   * @default 20000
   */
  codegenAfter?: number;
  /**
   * A static pivot u_kk is accepted when |u_kk| > pivotTolerance * (1-norm of row k of
   * fac * I - J) and it is finite; otherwise that factorisation falls back to the dense LU.
   * The growth of the error in an LU is about 1/pivotTolerance in the worst case, so 1e-8
   * keeps solves accurate to ~1e-8 relative even then; PEN iteration matrices stay far
   * above it (smallest ratio seen over a default-tolerance run: 0.01–0.05 for `oscillator`,
   * 1e-3–1e-2 for `switch`).
   * @default 1e-8
   */
  pivotTolerance?: number;
}

/** The structure-only part of a sparse LU: the pivot order and where the non-zeros are. */
export interface SparseLuAnalysis {
  /** Matrix size. */
  readonly n: number;
  /** Pivot order: order[k] is the original index of the k-th pivot (rows and columns alike). */
  readonly order: Int32Array;
  /** Structural non-zeros of the matrix (pattern plus diagonal). */
  readonly nonZeros: number;
  /** Structural non-zeros of L + U (the compact value array's length). */
  readonly luNonZeros: number;
  /** luNonZeros - nonZeros: entries created by elimination. */
  readonly fillIn: number;
  /** Multiply-adds of one numeric factorisation (divisions not counted). */
  readonly factorOperations: number;
  /** Multiply-adds of one forward + back solve. */
  readonly solveOperations: number;
}

/** A sparse {@link IterationMatrixSolver} with counters for benchmarks and tests. */
export interface SparseIterationMatrixSolver extends IterationMatrixSolver {
  readonly kind: 'sparse';
  /** Factorisations asked for. */
  readonly factorizations: number;
  /** Factorisations that had a bad static pivot and used the dense partial-pivoting LU. */
  readonly fallbacks: number;
}

/**
 * Makes {@link SparseIterationMatrixSolver}s of one structure: the `linearSolver` option of
 * `integrateRosenbrock`. The analysis and code generation happen once, in
 * {@link createSparseSolverFactory}; each call only allocates work arrays.
 */
export interface SparseSolverFactory {
  (n: number): SparseIterationMatrixSolver;
  /** The ordering and fill-in computed for the pattern. */
  readonly analysis: SparseLuAnalysis;
  /**
   * True once the solvers run generated code (see {@link SparseSolverOptions.codegenAfter}),
   * false while they run the loops.
   */
  readonly generated: boolean;
  /** Factorisations over every solver this factory made. */
  readonly factorizations: number;
  /** Dense fallbacks over every solver this factory made. */
  readonly fallbacks: number;
}

/**
 * Above this many multiply-adds in one factorisation the loops are kept. TurboFan needs
 * ~0.2 ms per generated statement (measured: ~2 s for the 8 555 of a dense 30 x 30), so
 * beyond ~10 000 the compilation takes seconds while the gain per step stays ~2-3x.
 */
export const MAX_GENERATED_OPERATIONS = 10_000;

/** Default of {@link SparseSolverOptions.codegenAfter}. */
const DEFAULT_CODEGEN_AFTER = 20_000;

/** Compact-storage description shared by the generator and the interpreter. */
export interface Plan {
  n: number;
  /** order[k] = original index of pivot k. */
  order: Int32Array;
  /** Entries of L+U in row-major order of the permuted matrix: entries of row i are rowStart[i]..rowStart[i+1]. */
  rowStart: Int32Array;
  /** Permuted column of each entry. */
  col: Int32Array;
  /** Position of u_ii. */
  diag: Int32Array;
  /** Index of each entry's value in the Jacobian array (see {@link CsrPattern}), -1 for fill-in. */
  source: Int32Array;
  /** Multipliers of pivot k: positions of l_ik, mStart[k]..mStart[k+1]. */
  mStart: Int32Array;
  mPos: Int32Array;
  /** For multiplier m, the targets of a_ij -= l_ik u_kj for j over U row k, in entry order. */
  tStart: Int32Array;
  target: Int32Array;
  nonZeros: number;
  factorOperations: number;
  solveOperations: number;
}

/**
 * A sparsity pattern in compressed sparse rows: the columns of row i are
 * `col[rowStart[i] .. rowStart[i + 1])` (every diagonal entry among them), and `source[e]`
 * says where entry e's value sits in the Jacobian array the kernels read (`i * n + j` for a
 * dense Jacobian, e itself for one stored in this order).
 */
export interface CsrPattern {
  readonly n: number;
  readonly rowStart: Int32Array;
  readonly col: Int32Array;
  readonly source: Int32Array;
}

/** One candidate pivot in the Markowitz heap; `stamp` tells a stale entry from a current one. */
interface PivotCandidate {
  cost: number;
  sum: number;
  k: number;
  stamp: number;
}

/** Lexicographic (cost, sum, index): the order in which Markowitz picks pivots. */
function before(a: PivotCandidate, b: PivotCandidate): boolean {
  return a.cost !== b.cost ? a.cost < b.cost : a.sum !== b.sum ? a.sum < b.sum : a.k < b.k;
}

/** A binary min-heap of pivot candidates. */
class CandidateHeap {
  private readonly items: PivotCandidate[] = [];

  push(item: PivotCandidate): void {
    const a = this.items;
    let i = a.push(item) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(a[i]!, a[parent]!)) break;
      [a[i], a[parent]] = [a[parent]!, a[i]!];
      i = parent;
    }
  }

  pop(): PivotCandidate | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length === 0 || last === undefined) return top;
    a[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < a.length && before(a[l]!, a[m]!)) m = l;
      if (r < a.length && before(a[r]!, a[m]!)) m = r;
      if (m === i) break;
      [a[i], a[m]] = [a[m]!, a[i]!];
      i = m;
    }
    return top;
  }
}

/**
 * Markowitz ordering restricted to the diagonal (as KPP does): at each elimination step pick
 * the remaining pivot k minimising (r_k - 1)(c_k - 1), with r_k and c_k the non-zeros of its
 * row and column in the active submatrix, i.e. the fill it can create; ties go to the smaller
 * r_k + c_k, then to the lower index so the order is deterministic.
 *
 * The active submatrix is kept as sets of off-diagonal entries per row and column, and the
 * candidates in a heap that is only told about the pivots whose counts an elimination changed
 * (the eliminated pivot's row and column neighbours), so the cost follows the non-zeros of
 * L + U rather than n^3. Returns the order and, per original row, every column of L + U
 * (original entries, diagonal and fill). Stops with `limit.error` as soon as L + U would hold
 * more than `limit.maxNonZeros` entries, before the fill takes that memory.
 */
function markowitzOrder(p: CsrPattern, limit?: LuLimit): { order: Int32Array; structure: Set<number>[] } {
  const { n, rowStart, col } = p;
  const rows: Set<number>[] = Array.from({ length: n }, () => new Set<number>());
  const cols: Set<number>[] = Array.from({ length: n }, () => new Set<number>());
  const structure: Set<number>[] = Array.from({ length: n }, (_, i) => new Set<number>([i]));
  for (let i = 0; i < n; i++) {
    for (let e = rowStart[i]!; e < rowStart[i + 1]!; e++) {
      const j = col[e]!;
      structure[i]!.add(j);
      if (j === i) continue;
      rows[i]!.add(j);
      cols[j]!.add(i);
    }
  }
  let nonZeros = 0;
  for (const row of structure) nonZeros += row.size;
  const maxNonZeros = limit?.maxNonZeros ?? Infinity;
  if (nonZeros > maxNonZeros) throw limit!.error();
  const stamp = new Int32Array(n);
  const active = new Uint8Array(n).fill(1);
  const heap = new CandidateHeap();
  const offer = (k: number): void => {
    const r = rows[k]!.size;
    const c = cols[k]!.size;
    heap.push({ cost: r * c, sum: r + c, k, stamp: ++stamp[k]! });
  };
  for (let k = 0; k < n; k++) offer(k);
  const order = new Int32Array(n);
  for (let step = 0; step < n; step++) {
    let best: PivotCandidate | undefined;
    do best = heap.pop();
    while (best !== undefined && (!active[best.k] || best.stamp !== stamp[best.k]));
    // Every active pivot always has exactly one current entry in the heap.
    if (best === undefined) throw new Error('sparse LU: the Markowitz heap ran dry');
    const k = best.k;
    order[step] = k;
    active[k] = 0;
    const rowK = rows[k]!;
    const colK = cols[k]!;
    for (const i of colK) {
      const rowI = rows[i]!;
      rowI.delete(k);
      for (const j of rowK) {
        if (j === i || rowI.has(j)) continue;
        rowI.add(j);
        cols[j]!.add(i);
        structure[i]!.add(j);
        if (++nonZeros > maxNonZeros) throw limit!.error();
      }
    }
    for (const j of rowK) cols[j]!.delete(k);
    for (const i of colK) offer(i);
    for (const j of rowK) offer(j);
  }
  return { order, structure };
}

/** The CSR pattern of a dense row-major pattern, the diagonal included. */
function csrOfDense(pattern: Uint8Array, n: number): CsrPattern {
  const rowStart = new Int32Array(n + 1);
  const col: number[] = [];
  for (let i = 0; i < n; i++) {
    rowStart[i] = col.length;
    for (let j = 0; j < n; j++) if (pattern[i * n + j] || i === j) col.push(j);
  }
  rowStart[n] = col.length;
  const cols = Int32Array.from(col);
  const source = new Int32Array(cols.length);
  for (let i = 0; i < n; i++) for (let e = rowStart[i]!; e < rowStart[i + 1]!; e++) source[e] = i * n + cols[e]!;
  return { n, rowStart, col: cols, source };
}

/** A bound on the entries of L + U, and the error to throw beyond it. */
export interface LuLimit {
  maxNonZeros: number;
  error: () => Error;
}

/**
 * The factorisation plan of a pattern: Markowitz order, L + U in compact row storage and the
 * index lists of the right-looking elimination. Work and memory follow the non-zeros of
 * L + U; nothing n x n is allocated.
 * @throws what `limit.error` returns, when L + U would exceed `limit.maxNonZeros`
 */
export function analyse(p: CsrPattern, limit?: LuLimit): Plan {
  const { n } = p;
  const { order, structure } = markowitzOrder(p, limit);
  const inverse = new Int32Array(n);
  for (let k = 0; k < n; k++) inverse[order[k]!] = k;
  // `scatter[j]` holds the value of column j of the row being processed (-1 elsewhere).
  const scatter = new Int32Array(n).fill(-1);

  const rowStart = new Int32Array(n + 1);
  const diag = new Int32Array(n);
  let luNonZeros = 0;
  for (const s of structure) luNonZeros += s.size;
  const col = new Int32Array(luNonZeros);
  const source = new Int32Array(luNonZeros);
  let nonZeros = 0;
  let e = 0;
  for (let i = 0; i < n; i++) {
    const oi = order[i]!;
    for (let a = p.rowStart[oi]!; a < p.rowStart[oi + 1]!; a++) scatter[inverse[p.col[a]!]!] = p.source[a]!;
    // The kernels gather fac - J[source] on the diagonal: it must be an entry of the pattern.
    if (scatter[i]! < 0) throw new OptionsError(`sparse solver: the pattern lacks the diagonal entry of row ${oi}`);
    nonZeros += p.rowStart[oi + 1]! - p.rowStart[oi]!;
    rowStart[i] = e;
    const cols = Array.from(structure[oi]!, (j) => inverse[j]!).sort((x, y) => x - y);
    for (const j of cols) {
      if (j === i) diag[i] = e;
      col[e] = j;
      source[e] = scatter[j]!;
      e++;
    }
    for (let a = p.rowStart[oi]!; a < p.rowStart[oi + 1]!; a++) scatter[inverse[p.col[a]!]!] = -1;
  }
  rowStart[n] = e;

  // Multipliers l_ik of each row and the targets of a_ij -= l_ik u_kj, found row by row with
  // the row's positions scattered; then put in the right-looking order (pivot k, then row i).
  const targetStart = new Int32Array(luNonZeros);
  const rowTargets: number[] = [];
  const multipliersOf: number[][] = Array.from({ length: n }, () => []);
  for (let i = 0; i < n; i++) {
    for (let a = rowStart[i]!; a < rowStart[i + 1]!; a++) scatter[col[a]!] = a;
    for (let a = rowStart[i]!; a < diag[i]!; a++) {
      const k = col[a]!;
      multipliersOf[k]!.push(a);
      targetStart[a] = rowTargets.length;
      for (let u = diag[k]! + 1; u < rowStart[k + 1]!; u++) {
        const t = scatter[col[u]!]!;
        // The Markowitz pass recorded every fill entry, so this cannot happen; checked anyway
        // because a wrong target would corrupt the factors silently.
        if (t < 0) throw new Error(`sparse LU: missing fill entry (${i}, ${col[u]})`);
        rowTargets.push(t);
      }
    }
    for (let a = rowStart[i]!; a < rowStart[i + 1]!; a++) scatter[col[a]!] = -1;
  }
  const mStart = new Int32Array(n + 1);
  const mPos: number[] = [];
  const tStart: number[] = [];
  const target = new Int32Array(rowTargets.length);
  let t = 0;
  for (let k = 0; k < n; k++) {
    mStart[k] = mPos.length;
    const width = rowStart[k + 1]! - diag[k]! - 1;
    for (const m of multipliersOf[k]!) {
      mPos.push(m);
      tStart.push(t);
      for (let w = targetStart[m]!, end = w + width; w < end; w++) target[t++] = rowTargets[w]!;
    }
  }
  mStart[n] = mPos.length;
  tStart.push(t);
  return {
    n,
    order,
    rowStart,
    col,
    diag,
    source,
    mStart,
    mPos: Int32Array.from(mPos),
    tStart: Int32Array.from(tStart),
    target,
    nonZeros,
    factorOperations: t,
    solveOperations: luNonZeros - n,
  };
}

/** The numeric kernels over one instance's work arrays. */
interface Kernels {
  /** Gathers fac * I - J, factors it in place; false if a static pivot is bad. */
  factor(J: Float64Array, fac: number): boolean;
  /** Solves in place with the factors (b in original numbering). */
  solve(b: Float64Array): void;
}

/** Work arrays of one solver: L+U values and the reciprocal pivots. */
export type KernelFactory = (a: Float64Array, inv: Float64Array, work: Float64Array) => Kernels;

/** A number as a JavaScript literal that round-trips exactly. */
function literal(x: number): string {
  return Number.isFinite(x) ? String(x) : 'NaN';
}

/**
 * Splits statements into function bodies of at most `budget` characters. V8 (Node 20) does
 * not optimise a function whose bytecode exceeds 60 KB (`--max-optimized-bytecode-size`),
 * and the straight-line kernels compile to ~3 bytes of bytecode per source character: the
 * 26-state `switch` factorisation in one function ran ~100x slower (interpreted, ~140 us)
 * than in chunks.
 */
function chunk(statements: string[], budget: number): string[] {
  const bodies: string[] = [];
  let current: string[] = [];
  let size = 0;
  for (const st of statements) {
    if (size + st.length > budget && current.length) {
      bodies.push(current.join('\n'));
      current = [];
      size = 0;
    }
    current.push(st);
    size += st.length + 1;
  }
  if (current.length) bodies.push(current.join('\n'));
  return bodies;
}

/** Source characters per generated function (see {@link chunk}): ~30 KB of bytecode. */
const CHUNK_CHARACTERS = 10_000;

/**
 * Straight-line source for the kernels. Only integer indices and the pivot tolerance (a
 * checked number) are spliced in. `work` holds the row norms during a factorisation and the
 * permuted solution during a solve.
 */
function generateKernels(p: Plan, tol: number): KernelFactory {
  const { n, order, rowStart, col, diag, source, mStart, mPos, tStart, target } = p;
  const f: string[] = [];
  // Gather: a = fac * I - J on the structure (fill entries start at 0), and the 1-norm of each row.
  for (let i = 0; i < n; i++) {
    const norm: string[] = [];
    const row: string[] = [];
    for (let e = rowStart[i]!; e < rowStart[i + 1]!; e++) {
      const src = source[e]!;
      if (src < 0) {
        row.push(`a[${e}] = 0;`);
        continue;
      }
      row.push(e === diag[i] ? `a[${e}] = fac - J[${src}];` : `a[${e}] = -J[${src}];`);
      norm.push(`Math.abs(a[${e}])`);
    }
    f.push(`${row.join(' ')} w[${i}] = ${norm.join(' + ')};`);
  }
  // Right-looking elimination; the pivot check comes before its division so a bad pivot
  // stops the work at once.
  for (let k = 0; k < n; k++) {
    f.push(`q = Math.abs(a[${diag[k]}]); if (!(q > T * w[${k}] && q < Infinity)) return false; inv[${k}] = 1 / a[${diag[k]}];`);
    for (let m = mStart[k]!; m < mStart[k + 1]!; m++) {
      const parts = [`l = a[${mPos[m]}] *= inv[${k}];`];
      let t = tStart[m]!;
      for (let e = diag[k]! + 1; e < rowStart[k + 1]!; e++) parts.push(`a[${target[t++]}] -= l * a[${e}];`);
      f.push(parts.join(' '));
    }
  }

  const s: string[] = [];
  for (let i = 0; i < n; i++) s.push(`w[${i}] = b[${order[i]}];`);
  // Forward: L y = Pb (unit diagonal).
  for (let i = 1; i < n; i++) {
    const terms: string[] = [];
    for (let e = rowStart[i]!; e < diag[i]!; e++) terms.push(` - a[${e}] * w[${col[e]}]`);
    if (terms.length) s.push(`w[${i}] = w[${i}]${terms.join('')};`);
  }
  // Back: U x = y.
  for (let i = n - 1; i >= 0; i--) {
    const terms: string[] = [];
    for (let e = diag[i]! + 1; e < rowStart[i + 1]!; e++) terms.push(` - a[${e}] * w[${col[e]}]`);
    s.push(terms.length ? `w[${i}] = (w[${i}]${terms.join('')}) * inv[${i}];` : `w[${i}] *= inv[${i}];`);
  }
  for (let i = 0; i < n; i++) s.push(`b[${order[i]}] = w[${i}];`);

  const fBodies = chunk(f, CHUNK_CHARACTERS);
  const sBodies = chunk(s, CHUNK_CHARACTERS);
  const src = [
    '"use strict";',
    `const T = ${literal(tol)};`,
    ...fBodies.map((body, c) => `function f${c}(J, fac) {\nlet q = 0, l = 0;\n${body}\nreturn true;\n}`),
    ...sBodies.map((body, c) => `function s${c}(b) {\n${body}\n}`),
    'return {',
    `factor(J, fac) { return ${fBodies.map((_, c) => `f${c}(J, fac)`).join(' && ')}; },`,
    `solve(b) { ${sBodies.map((_, c) => `s${c}(b);`).join(' ')} }`,
    '};',
  ].join('\n');
  return new Function('a', 'inv', 'w', src) as KernelFactory;
}

/** The same kernels as {@link generateKernels}, as loops over the plan's index arrays. */
export function interpretKernels(p: Plan, tol: number): KernelFactory {
  const { n, order, rowStart, col, diag, source, mStart, mPos, tStart, target } = p;
  return (a, inv, x) => ({
    factor(J, fac) {
      for (let i = 0; i < n; i++) {
        let norm = 0;
        for (let e = rowStart[i]!; e < rowStart[i + 1]!; e++) {
          const src = source[e]!;
          const v = src < 0 ? 0 : e === diag[i] ? fac - J[src]! : -J[src]!;
          a[e] = v;
          norm += Math.abs(v);
        }
        x[i] = norm;
      }
      for (let k = 0; k < n; k++) {
        const d = diag[k]!;
        const q = Math.abs(a[d]!);
        if (!(q > tol * x[k]! && q < Infinity)) return false;
        const r = 1 / a[d]!;
        inv[k] = r;
        const u0 = d + 1;
        const u1 = rowStart[k + 1]!;
        for (let m = mStart[k]!; m < mStart[k + 1]!; m++) {
          const l = (a[mPos[m]!]! *= r);
          let t = tStart[m]!;
          for (let e = u0; e < u1; e++) a[target[t++]!]! -= l * a[e]!;
        }
      }
      return true;
    },
    solve(b) {
      for (let i = 0; i < n; i++) {
        let v = b[order[i]!]!;
        for (let e = rowStart[i]!; e < diag[i]!; e++) v -= a[e]! * x[col[e]!]!;
        x[i] = v;
      }
      for (let i = n - 1; i >= 0; i--) {
        let v = x[i]!;
        for (let e = diag[i]! + 1; e < rowStart[i + 1]!; e++) v -= a[e]! * x[col[e]!]!;
        x[i] = v * inv[i]!;
      }
      for (let i = 0; i < n; i++) b[order[i]!] = x[i]!;
    },
  });
}

/** Checks {@link SparseSolverOptions.pivotTolerance} and applies its default. */
export function resolvePivotTolerance(tol = 1e-8): number {
  if (typeof tol !== 'number' || !(tol >= 0 && tol < 1)) {
    throw new OptionsError(`option pivotTolerance: expected a number in [0, 1), found ${String(tol)}`);
  }
  return tol;
}

/** The public summary of a plan. */
export function describePlan(plan: Plan): SparseLuAnalysis {
  return Object.freeze({
    n: plan.n,
    order: plan.order,
    nonZeros: plan.nonZeros,
    luNonZeros: plan.col.length,
    fillIn: plan.col.length - plan.nonZeros,
    factorOperations: plan.factorOperations,
    solveOperations: plan.solveOperations,
  });
}

/**
 * Analyses a Jacobian structure once and returns a factory of sparse iteration-matrix
 * solvers for it, to pass as `linearSolver` to `integrateRosenbrock`.
 *
 * When to use it: for many or long integrations of one structure (sweeps, datasets), from
 * about a dozen states. Once optimised, the generated solver beats the dense LU per step at
 * every size measured (bench/simulator.js: 1.0-1.4x at 2 states, 1.5x at 6, 3-6x at 19-26
 * states on the built-in networks; a whole `oscillator` simulation ~1.9x), but getting there
 * costs ~250 ms of JIT warm-up per structure and process (see {@link SparseSolverOptions.codegenAfter}).
 * The analysis itself is cheap (~0.2 ms; 0.5-3 ms the first time). Build the factory once
 * per structure (it stays valid across `setValues`) and reuse it for every run.
 *
 * The pattern must cover every entry the Jacobian can make non-zero (a compiled network's
 * `jacobianPattern` does); entries outside it are ignored. The diagonal is always included.
 *
 * @param pattern row-major n x n, non-zero where J can be non-zero
 * @param n       matrix size
 * @throws OptionsError if the pattern's length is not n * n, a solver is asked for another
 *   size, or an option is invalid
 * @example
 * const model = compileNetwork(net);
 * integrateRosenbrock(model, model.y0, grid, out, {
 *   linearSolver: createSparseSolverFactory(model.jacobianPattern, model.size),
 * });
 */
export function createSparseSolverFactory(pattern: Uint8Array, n: number, options: SparseSolverOptions = {}): SparseSolverFactory {
  if (!Number.isInteger(n) || n < 1) throw new OptionsError(`sparse solver: expected a size n >= 1, found ${String(n)}`);
  if (pattern.length !== n * n) {
    throw new OptionsError(`sparse solver: the pattern has ${pattern.length} entries, expected n * n = ${n * n}`);
  }
  const tol = resolvePivotTolerance(options.pivotTolerance);
  const after = options.codegenAfter ?? DEFAULT_CODEGEN_AFTER;
  if (typeof after !== 'number' || !(after >= 0)) {
    throw new OptionsError(`option codegenAfter: expected a number >= 0 (factorisations), found ${String(after)}`);
  }
  const plan = analyse(csrOfDense(pattern, n));
  const interpreted = interpretKernels(plan, tol);
  let generated: KernelFactory | undefined;
  let canGenerate = (options.codegen ?? true) && plan.factorOperations <= MAX_GENERATED_OPERATIONS;
  const totals: SolverCounts = { factorizations: 0, fallbacks: 0 };
  const tierUp = (): void => {
    if (!canGenerate || totals.factorizations < after) return;
    canGenerate = false;
    try {
      generated = generateKernels(plan, tol);
    } catch {
      // `new Function` refused (Content-Security-Policy): stay on the loops.
    }
  };
  tierUp();
  const analysis = describePlan(plan);

  const factory = (size: number): SparseIterationMatrixSolver => {
    if (size !== n) throw new OptionsError(`sparse solver: built for ${n} states, asked for ${size}`);
    // Both kernel kinds share the layout of these arrays, so a solver can switch between
    // factorisations.
    const a = new Float64Array(plan.col.length);
    const inv = new Float64Array(n);
    const work = new Float64Array(n);
    let kernels = (generated ?? interpreted)(a, inv, work);
    let onGenerated = generated !== undefined;
    const dense = createDenseSolver(n);
    let useDense = false;
    return countingSolver(
      totals,
      'dense',
      (J, fac, fellBack) => {
        if (!onGenerated) {
          tierUp();
          if (generated) {
            kernels = generated(a, inv, work);
            onGenerated = true;
          }
        }
        useDense = !kernels.factor(J, fac);
        if (!useDense) return true;
        fellBack();
        return dense.factor(J, fac);
      },
      (b) => {
        if (useDense) dense.solve(b);
        else kernels.solve(b);
      },
    );
  };
  return describeFactory(factory, analysis, () => generated !== undefined, totals);
}

/** Factorisations and fallbacks, counted per solver and per factory. */
export interface SolverCounts {
  factorizations: number;
  fallbacks: number;
}

/**
 * A {@link SparseIterationMatrixSolver} around a factor and a solve kernel, counting its
 * factorisations and fallbacks and adding them to its factory's `totals`. The kernel's
 * `factor` calls `fellBack` when it could not use its own factorisation.
 */
export function countingSolver(
  totals: SolverCounts,
  storage: 'dense' | 'sparse-low-rank',
  factor: (J: Float64Array, fac: number, fellBack: () => void) => boolean,
  solve: (b: Float64Array) => void,
): SparseIterationMatrixSolver {
  let factorizations = 0;
  let fallbacks = 0;
  const fellBack = (): void => {
    fallbacks++;
    totals.fallbacks++;
  };
  return {
    kind: 'sparse',
    storage,
    get factorizations() {
      return factorizations;
    },
    get fallbacks() {
      return fallbacks;
    },
    factor(J, fac) {
      factorizations++;
      totals.factorizations++;
      return factor(J, fac, fellBack);
    },
    solve,
  };
}

/** Adds the {@link SparseSolverFactory} properties to a function that makes solvers. */
export function describeFactory(
  make: (n: number) => SparseIterationMatrixSolver,
  analysis: SparseLuAnalysis,
  generated: () => boolean,
  totals: SolverCounts,
): SparseSolverFactory {
  return Object.defineProperties(make, {
    analysis: { value: analysis, enumerable: true },
    generated: { get: generated, enumerable: true },
    factorizations: { get: () => totals.factorizations, enumerable: true },
    fallbacks: { get: () => totals.fallbacks, enumerable: true },
  }) as SparseSolverFactory;
}
