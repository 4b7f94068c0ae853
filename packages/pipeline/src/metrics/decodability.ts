/**
 * How well a quantity (an oscillation's period, its amplitude) is linearly decodable from the
 * latent means: the paper claims the latent space separates the features of the curves; the
 * held-out R² of an ordinary least-squares fit y ~ w . mu + b makes that claim a number.
 * Fitted on one set of rows (training), scored on another (test), so a model that merely has
 * enough dimensions to memorise the training rows does not score.
 */

/** Result of {@link linearDecodability}. */
export interface DecodabilityResult {
  /** Rows the fit used and the rows it was scored on. */
  fitRows: number;
  scoreRows: number;
  /** 1 - SSE / SST on the scoring rows (SST about their own mean); null if too few rows. */
  r2: number | null;
}

/**
 * Solves the symmetric positive (semi-)definite system A x = b in place by Gaussian elimination
 * with partial pivoting (A is (d+1) x (d+1), tiny). Returns null if A is singular.
 */
function solve(a: Float64Array, b: Float64Array, m: number): Float64Array | null {
  for (let col = 0; col < m; col++) {
    let pivot = col;
    for (let r = col + 1; r < m; r++) if (Math.abs(a[r * m + col]!) > Math.abs(a[pivot * m + col]!)) pivot = r;
    if (Math.abs(a[pivot * m + col]!) < 1e-300) return null;
    if (pivot !== col) {
      for (let c = 0; c < m; c++) [a[col * m + c], a[pivot * m + c]] = [a[pivot * m + c]!, a[col * m + c]!];
      [b[col], b[pivot]] = [b[pivot]!, b[col]!];
    }
    for (let r = col + 1; r < m; r++) {
      const f = a[r * m + col]! / a[col * m + col]!;
      if (f === 0) continue;
      for (let c = col; c < m; c++) a[r * m + c]! -= f * a[col * m + c]!;
      b[r]! -= f * b[col]!;
    }
  }
  const x = new Float64Array(m);
  for (let r = m - 1; r >= 0; r--) {
    let s = b[r]!;
    for (let c = r + 1; c < m; c++) s -= a[r * m + c]! * x[c]!;
    x[r] = s / a[r * m + r]!;
  }
  return x;
}

/**
 * Least-squares fit of y on the rows of `fit.z` (n x d, with an intercept), scored by R² on the
 * rows of `score.z`. Rows whose y is not finite are left out of both. A tiny ridge (1e-9 of the
 * mean diagonal) keeps collinear latent dimensions (inactive units) from making the normal
 * equations singular without changing a well-posed fit.
 * @returns r2 null when the fit has fewer rows than d + 2 or the scoring set fewer than 2.
 */
export function linearDecodability(
  fit: { z: ArrayLike<number>; y: ArrayLike<number | null> },
  score: { z: ArrayLike<number>; y: ArrayLike<number | null> },
  d: number,
): DecodabilityResult {
  const rows = (s: { z: ArrayLike<number>; y: ArrayLike<number | null> }) =>
    Array.from({ length: s.y.length }, (_, i) => i).filter((i) => s.y[i] !== null && Number.isFinite(s.y[i] as number));
  const fitIdx = rows(fit);
  const scoreIdx = rows(score);
  const m = d + 1;
  if (fitIdx.length < d + 2 || scoreIdx.length < 2) return { fitRows: fitIdx.length, scoreRows: scoreIdx.length, r2: null };
  const ata = new Float64Array(m * m);
  const aty = new Float64Array(m);
  const feature = (z: ArrayLike<number>, i: number, k: number): number => (k === d ? 1 : z[i * d + k]!);
  for (const i of fitIdx) {
    const y = fit.y[i] as number;
    for (let p = 0; p < m; p++) {
      const fp = feature(fit.z, i, p);
      aty[p]! += fp * y;
      for (let q = p; q < m; q++) ata[p * m + q]! += fp * feature(fit.z, i, q);
    }
  }
  let trace = 0;
  for (let p = 0; p < m; p++) {
    for (let q = 0; q < p; q++) ata[p * m + q] = ata[q * m + p]!;
    trace += ata[p * m + p]!;
  }
  for (let p = 0; p < d; p++) ata[p * m + p]! += 1e-9 * (trace / m);
  const w = solve(ata, aty, m);
  if (w === null) return { fitRows: fitIdx.length, scoreRows: scoreIdx.length, r2: null };
  let mean = 0;
  for (const i of scoreIdx) mean += score.y[i] as number;
  mean /= scoreIdx.length;
  let sse = 0;
  let sst = 0;
  for (const i of scoreIdx) {
    let pred = 0;
    for (let k = 0; k < m; k++) pred += w[k]! * feature(score.z, i, k);
    const y = score.y[i] as number;
    sse += (y - pred) ** 2;
    sst += (y - mean) ** 2;
  }
  return { fitRows: fitIdx.length, scoreRows: scoreIdx.length, r2: sst > 0 ? 1 - sse / sst : null };
}
