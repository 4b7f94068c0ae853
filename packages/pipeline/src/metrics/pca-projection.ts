import { MetricInputError } from './errors.js';
import { checkMatrix, type Matrix } from './matrix.js';

/** Result of {@link projectPca2}. */
export interface Pca2Projection {
  /** Row-major n x 2 scores: row i is (PC1, PC2) of point i, centred. */
  coords: Float64Array;
  /** Row-major 2 x d unit loadings (PC1 then PC2). */
  components: Float64Array;
  /** Variance (sample, divisor n - 1) along PC1 and PC2. */
  variance: [number, number];
  /** Share of the total variance along PC1 and PC2, each in [0, 1]. */
  varianceRatio: [number, number];
}

/**
 * Projects n points in d dimensions onto their first two principal components, for a 2-D
 * picture of a latent space (the second panel of figure 5). Not the baseline PCA model
 * (that lives in `@penvae/vae`): this is a small exact eigen-decomposition for plotting.
 *
 *   C = (1/(n-1)) (X - mean)^T (X - mean)     (d x d sample covariance)
 *   C = V diag(lambda) V^T                      (cyclic Jacobi rotations, Golub & Van Loan
 *                                                §8.5, to off-diagonal norm <= 1e-12 x Frobenius norm)
 *   coords = (X - mean) [v_1 v_2]               (lambda_1 >= lambda_2 >= ...)
 *
 * Sign convention (the decomposition fixes a component only up to sign): each component's
 * loading of largest magnitude is positive (the first such, on ties), so results are
 * deterministic. O(n d^2 + d^3) time; fine up to a few hundred dimensions.
 *
 * @param points row-major n x d matrix, n >= 2, d >= 2
 * @throws MetricInputError on a shape mismatch.
 * @example
 *   const { coords, varianceRatio } = projectPca2(latentMeans, n, 10);
 */
export function projectPca2(points: Matrix, n: number, d: number): Pca2Projection {
  checkMatrix('projectPca2: points', points, n, d, 2);
  if (d < 2) throw new MetricInputError(`projectPca2: needs d >= 2 dimensions (got ${d}).`);
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) mean[c]! += points[i * d + c]!;
  for (let c = 0; c < d; c++) mean[c]! /= n;

  const cov = new Float64Array(d * d);
  const row = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < d; c++) row[c] = points[i * d + c]! - mean[c]!;
    for (let a = 0; a < d; a++) {
      const ra = row[a]!;
      for (let b = a; b < d; b++) cov[a * d + b]! += ra * row[b]!;
    }
  }
  for (let a = 0; a < d; a++) {
    for (let b = a; b < d; b++) {
      cov[a * d + b]! /= n - 1;
      cov[b * d + a] = cov[a * d + b]!;
    }
  }
  let total = 0;
  for (let a = 0; a < d; a++) total += cov[a * d + a]!;

  const { values, vectors } = eigenSymmetric(cov, d);
  const order = [...values.keys()].sort((p, q) => values[q]! - values[p]! || p - q);
  const components = new Float64Array(2 * d);
  for (let pc = 0; pc < 2; pc++) {
    const col = order[pc]!;
    let big = 0;
    for (let c = 0; c < d; c++) {
      if (Math.abs(vectors[c * d + col]!) > Math.abs(vectors[big * d + col]!)) big = c;
    }
    const sign = vectors[big * d + col]! < 0 ? -1 : 1;
    for (let c = 0; c < d; c++) components[pc * d + c] = sign * vectors[c * d + col]!;
  }
  const coords = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) {
    for (let pc = 0; pc < 2; pc++) {
      let s = 0;
      for (let c = 0; c < d; c++) s += (points[i * d + c]! - mean[c]!) * components[pc * d + c]!;
      coords[i * 2 + pc] = s;
    }
  }
  const variance: [number, number] = [Math.max(0, values[order[0]!]!), Math.max(0, values[order[1]!]!)];
  return {
    coords,
    components,
    variance,
    varianceRatio: [total > 0 ? variance[0] / total : 0, total > 0 ? variance[1] / total : 0],
  };
}

/**
 * Eigen-decomposition of a symmetric d x d matrix by cyclic Jacobi rotations. Returns the
 * eigenvalues (unsorted) and the eigenvectors as the columns of a row-major d x d matrix.
 */
function eigenSymmetric(matrix: Float64Array, d: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(d * d);
  for (let i = 0; i < d; i++) v[i * d + i] = 1;
  let scale = 0;
  for (let i = 0; i < d * d; i++) scale += a[i]! * a[i]!;
  const tolerance = 1e-24 * scale;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < d; p++) for (let q = p + 1; q < d; q++) off += a[p * d + q]! * a[p * d + q]!;
    if (off <= tolerance) break;
    for (let p = 0; p < d; p++) {
      for (let q = p + 1; q < d; q++) {
        const apq = a[p * d + q]!;
        if (apq === 0) continue;
        // Rotation angle zeroing a[p][q] (Golub & Van Loan, Algorithm 8.5.1).
        const theta = (a[q * d + q]! - a[p * d + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < d; k++) {
          const akp = a[k * d + p]!;
          const akq = a[k * d + q]!;
          a[k * d + p] = c * akp - s * akq;
          a[k * d + q] = s * akp + c * akq;
        }
        for (let k = 0; k < d; k++) {
          const apk = a[p * d + k]!;
          const aqk = a[q * d + k]!;
          a[p * d + k] = c * apk - s * aqk;
          a[q * d + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < d; k++) {
          const vkp = v[k * d + p]!;
          const vkq = v[k * d + q]!;
          v[k * d + p] = c * vkp - s * vkq;
          v[k * d + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const values = new Float64Array(d);
  for (let i = 0; i < d; i++) values[i] = a[i * d + i]!;
  return { values, vectors: v };
}
