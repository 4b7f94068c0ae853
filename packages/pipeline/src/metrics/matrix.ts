/**
 * Row-major matrices as flat typed arrays, and the few primitives every metric shares:
 * shape checks, squared Euclidean distances between rows, and seeded row subsampling.
 */
import { createRandom } from '../random.js';
import { MetricInputError } from './errors.js';

/** A row-major `n x d` matrix: row `i` is `data[i*d .. i*d+d)`. */
export type Matrix = Float32Array | Float64Array;

/** A per-row label (a family name, a network name, a class index). */
export type Label = string | number;

/** Throws unless `data` holds exactly `n` rows of `d` finite-or-not numbers. */
export function checkMatrix(name: string, data: Matrix, n: number, d: number, minRows = 1): void {
  if (!Number.isInteger(d) || d < 1) {
    throw new MetricInputError(`${name}: the dimension d must be an integer >= 1 (got ${d}).`);
  }
  if (!Number.isInteger(n) || n < minRows) {
    throw new MetricInputError(`${name}: needs at least ${minRows} row(s) (got n = ${n}).`);
  }
  if (data.length !== n * d) {
    throw new MetricInputError(`${name}: expected ${n} x ${d} = ${n * d} values in row-major order, got ${data.length}.`);
  }
}

/** Throws unless there is one label per row. */
export function checkLabels(name: string, labels: ArrayLike<Label>, n: number): void {
  if (labels.length !== n) {
    throw new MetricInputError(`${name}: expected ${n} labels (one per row), got ${labels.length}.`);
  }
}

/** Squared Euclidean distance between row `i` of `a` and row `j` of `b` (both `d` columns). */
export function squaredDistance(a: Matrix, i: number, b: Matrix, j: number, d: number): number {
  const ai = i * d;
  const bj = j * d;
  let s = 0;
  for (let c = 0; c < d; c++) {
    const diff = a[ai + c]! - b[bj + c]!;
    s += diff * diff;
  }
  return s;
}

/**
 * Maps labels to dense cluster indices `0..C-1` in order of first appearance.
 * Labels compare with `===` after `String()`, so `1` and `"1"` are the same class.
 */
export function indexLabels(labels: ArrayLike<Label>): { index: Int32Array; names: string[] } {
  const ids = new Map<string, number>();
  const index = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const key = String(labels[i]);
    let id = ids.get(key);
    if (id === undefined) {
      id = ids.size;
      ids.set(key, id);
    }
    index[i] = id;
  }
  return { index, names: [...ids.keys()] };
}

/**
 * Rows `0..n-1` when `n <= maxRows`, otherwise floor(maxRows) distinct rows drawn uniformly without
 * replacement (partial Fisher-Yates with {@link createRandom}(seed)), returned in ascending
 * order so the subsample keeps the input's row order.
 */
export function sampleRows(n: number, maxRows: number, seed: number): Int32Array {
  const all = new Int32Array(n);
  for (let i = 0; i < n; i++) all[i] = i;
  if (n <= maxRows) return all;
  const max = Math.floor(maxRows);
  const random = createRandom(seed);
  for (let i = 0; i < max; i++) {
    const j = i + Math.floor(random() * (n - i));
    const t = all[i]!;
    all[i] = all[j]!;
    all[j] = t;
  }
  return all.slice(0, max).sort();
}

/** Copies the given rows of `data` into a new matrix (a Float64Array). */
export function takeRows(data: Matrix, d: number, rows: Int32Array): Float64Array {
  const out = new Float64Array(rows.length * d);
  for (let r = 0; r < rows.length; r++) {
    const from = rows[r]! * d;
    for (let c = 0; c < d; c++) out[r * d + c] = data[from + c]!;
  }
  return out;
}

/**
 * Distance from each row to its k-th nearest *other* row (Euclidean, the row itself
 * excluded; duplicates of a row count as neighbours at distance 0).
 * O(n^2 d) time, O(n k) extra memory.
 */
export function kthNeighbourDistances(data: Matrix, n: number, d: number, k: number): Float64Array {
  const out = new Float64Array(n);
  const best = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    best.fill(Infinity);
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const s = squaredDistance(data, i, data, j, d);
      if (s >= best[k - 1]!) continue;
      let p = k - 1;
      while (p > 0 && best[p - 1]! > s) {
        best[p] = best[p - 1]!;
        p--;
      }
      best[p] = s;
    }
    out[i] = Math.sqrt(best[k - 1]!);
  }
  return out;
}

export { createRandom };
