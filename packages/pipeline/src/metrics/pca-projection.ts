import { symmetricEigen } from '@penvae/vae';
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
 * picture of a latent space (the second panel of figure 5): a sample-covariance PCA of the
 * latent means, with a deterministic sign convention for plotting.
 *
 *   C = (1/(n-1)) (X - mean)^T (X - mean)     (d x d sample covariance)
 *   C = V diag(lambda) V^T                      (cyclic Jacobi rotations: `symmetricEigen` of @penvae/vae)
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

  // The same Jacobi eigen-solver as the PCA baseline of @penvae/vae (values decreasing,
  // eigenvectors as rows).
  const { values, vectors } = symmetricEigen(cov, d);
  const components = new Float64Array(2 * d);
  for (let pc = 0; pc < 2; pc++) {
    let big = 0;
    for (let c = 0; c < d; c++) {
      if (Math.abs(vectors[pc * d + c]!) > Math.abs(vectors[pc * d + big]!)) big = c;
    }
    const sign = vectors[pc * d + big]! < 0 ? -1 : 1;
    for (let c = 0; c < d; c++) components[pc * d + c] = sign * vectors[pc * d + c]!;
  }
  const coords = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) {
    for (let pc = 0; pc < 2; pc++) {
      let s = 0;
      for (let c = 0; c < d; c++) s += (points[i * d + c]! - mean[c]!) * components[pc * d + c]!;
      coords[i * 2 + pc] = s;
    }
  }
  const variance: [number, number] = [Math.max(0, values[0]!), Math.max(0, values[1]!)];
  return {
    coords,
    components,
    variance,
    varianceRatio: [total > 0 ? variance[0] / total : 0, total > 0 ? variance[1] / total : 0],
  };
}
