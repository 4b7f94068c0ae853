import { MetricInputError } from './errors.js';
import { checkMatrix, sampleRows, squaredDistance, takeRows, type Matrix } from './matrix.js';

/** Which MMD^2 estimator {@link computeMmd} returns. */
type MmdEstimator = 'unbiased' | 'biased';

/** Options of {@link computeMmd}. */
export interface MmdOptions {
  /**
   * Kernel bandwidth sigma in k(a, b) = exp(-||a - b||^2 / (2 sigma^2)). When absent, the
   * median heuristic chooses it (see {@link computeMmd}).
   * @default median pairwise Euclidean distance of the pooled sample
   */
  bandwidth?: number;
  /**
   * `unbiased`: the U-statistic MMD_u^2 (Gretton et al. 2012, eq. 3), which can be slightly
   * negative when the two distributions are equal. `biased`: the V-statistic MMD_b^2 (eq. 5),
   * always >= 0 and exactly 0 for identical samples.
   * @default 'unbiased'
   */
  estimator?: MmdEstimator;
  /**
   * Each sample is subsampled (uniformly, without replacement, seeded) to at most this many
   * rows before anything is computed. Time is O((nx+ny)^2 d) and the median heuristic keeps
   * (nx+ny)^2/2 doubles, so 2000 rows per side means ~8M distances (64 MB).
   * @default 2000
   */
  maxRows?: number;
  /**
   * Seed of the subsample (x uses `seed`, y uses `seed + 1`).
   * @default 0
   */
  seed?: number;
}

/** Result of {@link computeMmd}. */
export interface MmdResult {
  /** The squared MMD estimate (can be < 0 for the unbiased estimator). */
  mmd2: number;
  /** The bandwidth sigma that was used (given, or chosen by the median heuristic). */
  bandwidth: number;
  /** Which estimator `mmd2` is. */
  estimator: MmdEstimator;
  /** Rows of x actually used (after subsampling). */
  nx: number;
  /** Rows of y actually used (after subsampling). */
  ny: number;
}

/**
 * Squared maximum mean discrepancy between two samples with a Gaussian (RBF) kernel
 * (Gretton, Borgwardt, Rasch, Schölkopf & Smola 2012, "A kernel two-sample test", JMLR 13).
 *
 * Kernel: k(a, b) = exp(-||a - b||^2 / (2 sigma^2)).
 *
 * Unbiased estimator (eq. 3), for m = nx, n = ny:
 *   MMD_u^2 = 1/(m(m-1)) sum_{i != j} k(x_i, x_j) + 1/(n(n-1)) sum_{i != j} k(y_i, y_j)
 *             - 2/(mn) sum_{i, j} k(x_i, y_j)
 * Biased estimator (eq. 5): the same with 1/m^2 and 1/n^2 and the diagonal terms included.
 *
 * Median heuristic (when `bandwidth` is not given): sigma = the median of the Euclidean
 * distances ||p_a - p_b|| over all unordered pairs a < b of the pooled sample p = x ∪ y
 * (after subsampling); with an even number of pairs it is the mean of the two middle
 * distances. If that median is 0 (over half the pairs coincide) the median of the non-zero
 * distances is used, and if every distance is 0, sigma = 1.
 *
 * @param x  row-major nx x d matrix
 * @param y  row-major ny x d matrix
 * @throws MetricInputError on a shape mismatch, a non-positive bandwidth, or fewer than 2
 *   rows per sample for the unbiased estimator (1 for the biased one).
 * @example
 *   const { mmd2, bandwidth } = computeMmd(real, 500, generated, 500, 200, { seed: 1 });
 */
export function computeMmd(x: Matrix, nx: number, y: Matrix, ny: number, d: number, options: MmdOptions = {}): MmdResult {
  const estimator = options.estimator ?? 'unbiased';
  const maxRows = options.maxRows ?? 2000;
  const seed = options.seed ?? 0;
  const minRows = estimator === 'unbiased' ? 2 : 1;
  checkMatrix('computeMmd: x', x, nx, d, minRows);
  checkMatrix('computeMmd: y', y, ny, d, minRows);
  if (estimator !== 'unbiased' && estimator !== 'biased') {
    throw new MetricInputError(`computeMmd: option "estimator" must be 'unbiased' or 'biased' (got ${String(estimator)}).`);
  }
  if (!(maxRows >= minRows)) {
    throw new MetricInputError(`computeMmd: option "maxRows" must be >= ${minRows} (got ${maxRows}).`);
  }
  if (options.bandwidth !== undefined && !(options.bandwidth > 0 && Number.isFinite(options.bandwidth))) {
    throw new MetricInputError(`computeMmd: option "bandwidth" must be a finite number > 0 (got ${options.bandwidth}).`);
  }

  // Pool the (subsampled) rows: rows 0..m-1 are x, rows m..m+n-1 are y.
  const xs = takeRows(x, d, sampleRows(nx, maxRows, seed));
  const ys = takeRows(y, d, sampleRows(ny, maxRows, seed + 1));
  const m = xs.length / d;
  const n = ys.length / d;
  const pooled = new Float64Array((m + n) * d);
  pooled.set(xs, 0);
  pooled.set(ys, m * d);

  const sigma = options.bandwidth ?? medianPairwiseDistance(pooled, m + n, d);
  const gamma = 1 / (2 * sigma * sigma);

  // Off-diagonal kernel sums over unordered pairs, each doubled below for i != j.
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  const total = m + n;
  for (let a = 0; a < total; a++) {
    for (let b = a + 1; b < total; b++) {
      const k = Math.exp(-gamma * squaredDistance(pooled, a, pooled, b, d));
      if (b < m) sxx += k;
      else if (a >= m) syy += k;
      else sxy += k;
    }
  }
  const mmd2 =
    estimator === 'unbiased'
      ? (2 * sxx) / (m * (m - 1)) + (2 * syy) / (n * (n - 1)) - (2 * sxy) / (m * n)
      : (2 * sxx + m) / (m * m) + (2 * syy + n) / (n * n) - (2 * sxy) / (m * n);
  return { mmd2, bandwidth: sigma, estimator, nx: m, ny: n };
}

/**
 * Median of the Euclidean distances over all unordered pairs of rows (mean of the two middle
 * values for an even count), with the fallbacks documented on {@link computeMmd}.
 */
export function medianPairwiseDistance(data: Matrix, n: number, d: number): number {
  const count = (n * (n - 1)) / 2;
  if (count < 1) return 1;
  const sq = new Float64Array(count);
  let p = 0;
  for (let a = 0; a < n; a++) {
    for (let b = a + 1; b < n; b++) sq[p++] = squaredDistance(data, a, data, b, d);
  }
  let median = medianOfSquares(sq);
  if (median === 0) {
    const nonZero = sq.filter((v) => v > 0);
    median = nonZero.length > 0 ? medianOfSquares(nonZero) : 1;
  }
  return median;
}

/** Median of sqrt(values): sqrt is monotone, so select on the squares (reorders `values`). */
function medianOfSquares(values: Float64Array): number {
  const len = values.length;
  const hi = len >> 1;
  selectKth(values, hi);
  const upper = Math.sqrt(values[hi]!);
  if (len % 2 === 1) return upper;
  // After selection every element left of `hi` is <= values[hi]: the lower middle is their max.
  let lower = -Infinity;
  for (let i = 0; i < hi; i++) if (values[i]! > lower) lower = values[i]!;
  return (Math.sqrt(lower) + upper) / 2;
}

/** Hoare quickselect: reorders `v` so v[k] is the k-th smallest, smaller ones to its left. */
function selectKth(v: Float64Array, k: number): void {
  let lo = 0;
  let hi = v.length - 1;
  while (lo < hi) {
    const pivot = v[(lo + hi) >> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (v[i]! < pivot) i++;
      while (v[j]! > pivot) j--;
      if (i <= j) {
        const t = v[i]!;
        v[i] = v[j]!;
        v[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}
