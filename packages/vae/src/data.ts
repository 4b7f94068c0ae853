/**
 * Series sets: n series of L time steps, row-major in one Float32Array (series i occupies
 * x[i*L .. (i+1)*L)). This is the only data shape the package accepts; the pipeline has
 * already normalised the values.
 */
import { VaeDataError } from './errors.js';

/** n series of `length` time steps each, row-major in `x` (x.length === n * length). */
export interface SeriesSet {
  /** Values, row-major: series i, step t is x[i * length + t]. */
  readonly x: Float32Array;
  /** Number of series. */
  readonly n: number;
  /** Time steps per series (L). */
  readonly length: number;
  /** Group of each series (index into the model's `sigmaGroups`), when the model learns a sigma per group. */
  readonly group?: Int32Array;
}

/**
 * Check a series set: sizes agree, it is non-empty (unless `allowEmpty`), its length is the
 * expected one, and every value is finite.
 * @param name what the set is called in messages (`train`, `validation`, `x`, ...).
 * @param expectedLength the model's series length, if known.
 * @throws {VaeDataError} naming the set, with the row and step of the first bad value.
 */
export function checkSeriesSet(set: SeriesSet, name: string, expectedLength?: number, allowEmpty = false): void {
  if (set == null || typeof set !== 'object') {
    throw new VaeDataError(name, 'expected { x: Float32Array, n, length }; got ' + String(set));
  }
  if (!(set.x instanceof Float32Array)) {
    throw new VaeDataError(name, `expected x to be a Float32Array; got ${Object.prototype.toString.call(set.x)}`);
  }
  if (!Number.isInteger(set.n) || set.n < 0) {
    throw new VaeDataError(name, `expected n to be a non-negative integer; got ${String(set.n)}`);
  }
  if (!Number.isInteger(set.length) || set.length < 1) {
    throw new VaeDataError(name, `expected length to be a positive integer; got ${String(set.length)}`);
  }
  if (set.n === 0 && !allowEmpty) {
    throw new VaeDataError(name, 'the set is empty (n = 0); at least one series is needed');
  }
  if (expectedLength !== undefined && set.length !== expectedLength) {
    throw new VaeDataError(name, `series have ${set.length} time steps but the model expects ${expectedLength} (config.seriesLength)`);
  }
  if (set.x.length !== set.n * set.length) {
    throw new VaeDataError(
      name,
      `x has ${set.x.length} values but n * length = ${set.n} * ${set.length} = ${set.n * set.length}; ` + 'are the series of mixed lengths?',
    );
  }
  checkFinite(set.x, set.length, name);
  if (set.group !== undefined && (!(set.group instanceof Int32Array) || set.group.length !== set.n)) {
    throw new VaeDataError(name, `expected group to be an Int32Array of n = ${set.n} group indices`);
  }
}

/**
 * Check that a set carries a valid group for each series when the model has `groups` > 0 sigma
 * groups (and none otherwise is fine: sets without groups are evaluated with the geometric mean
 * sigma).
 * @throws {VaeDataError}
 */
export function checkGroups(set: SeriesSet, name: string, groups: number, required: boolean): void {
  if (set.group === undefined) {
    if (required && groups > 0)
      throw new VaeDataError(name, `the model learns a sigma for each of ${groups} groups (config.sigmaGroups): give each series its group (set.group)`);
    return;
  }
  for (let i = 0; i < set.n; i++) {
    const g = set.group[i]!;
    if (!(g >= 0 && g < groups)) throw new VaeDataError(name, `series ${i} has group ${g}; expected an index below ${groups} (config.sigmaGroups)`);
  }
}

/** Throw a {@link VaeDataError} at the first NaN or infinity, naming its row and time step. */
export function checkFinite(x: Float32Array, length: number, name: string): void {
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (!Number.isFinite(v)) {
      const row = Math.floor(i / length);
      throw new VaeDataError(name, `value ${String(v)} at series ${row}, time step ${i - row * length}; all values must be finite`);
    }
  }
}

/**
 * Pack rows (one array per series) into a {@link SeriesSet}.
 * @throws {VaeDataError} if there are no rows or the rows have mixed lengths (naming the first
 *   row that differs from row 0).
 * @example seriesSetFromRows([[0, 0.5, 1], [1, 0.5, 0]]) // { n: 2, length: 3, x: Float32Array(6) }
 */
export function seriesSetFromRows(rows: readonly ArrayLike<number>[], name = 'rows'): SeriesSet {
  if (rows.length === 0) throw new VaeDataError(name, 'no series given; at least one is needed');
  const length = rows[0]!.length;
  if (length === 0) throw new VaeDataError(name, 'series 0 is empty');
  const x = new Float32Array(rows.length * length);
  rows.forEach((row, i) => {
    if (row.length !== length) {
      throw new VaeDataError(name, `mixed lengths: series ${i} has ${row.length} time steps, series 0 has ${length}`);
    }
    for (let t = 0; t < length; t++) x[i * length + t] = row[t]!;
  });
  checkFinite(x, length, name);
  return { x, n: rows.length, length };
}

/**
 * A cheap content fingerprint of a series set (FNV-1a over the float bytes plus the sizes),
 * stored in checkpoints so that resuming on other data is refused rather than silently wrong.
 */
export function fingerprintSeriesSet(set: SeriesSet): string {
  const bytes = new Uint8Array(set.x.buffer, set.x.byteOffset, set.x.byteLength);
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  if (set.group) {
    const g = new Uint8Array(set.group.buffer, set.group.byteOffset, set.group.byteLength);
    for (let i = 0; i < g.length; i++) h = Math.imul(h ^ g[i]!, 0x01000193);
  }
  return `${set.n}x${set.length}:${(h >>> 0).toString(16).padStart(8, '0')}`;
}

/** Groups of series `indices[from..to)` of `set`, or undefined when it has none. */
export function gatherGroups(set: SeriesSet, indices: ArrayLike<number>, from: number, to: number): Int32Array | undefined {
  if (!set.group) return undefined;
  const out = new Int32Array(to - from);
  for (let r = from; r < to; r++) out[r - from] = set.group[indices[r]!]!;
  return out;
}

/** Copy series `indices[from..to)` of `set` into a new row-major Float32Array. */
export function gatherRows(set: SeriesSet, indices: ArrayLike<number>, from: number, to: number): Float32Array {
  const L = set.length;
  const out = new Float32Array((to - from) * L);
  for (let r = from; r < to; r++) {
    const src = indices[r]! * L;
    out.set(set.x.subarray(src, src + L), (r - from) * L);
  }
  return out;
}
