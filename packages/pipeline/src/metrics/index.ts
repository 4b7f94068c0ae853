/**
 * Metrics for comparing the VAE with the PCA baseline, in plain TypeScript over row-major
 * `Float32Array`/`Float64Array` matrices (n rows x d columns, no tfjs): distribution distance
 * (MMD), latent-space structure (silhouette, leave-one-out kNN accuracy, a 2-D PCA projection
 * for plots), generative fidelity/diversity (precision, recall, density, coverage),
 * smoothness of decoded latent interpolations, and a per-label grouping of any per-row
 * metric. Everything is deterministic: subsampling takes a seed. Reconstruction error and the
 * PCA baseline model itself live in `@penvae/vae`.
 */
export { MetricInputError } from './errors.js';
export type { Label, Matrix } from './matrix.js';
export { computeMmd, type MmdEstimator, type MmdOptions, type MmdResult } from './mmd.js';
export { computeSilhouette, type SilhouetteResult } from './silhouette.js';
export { computeKnnAccuracy, type KnnAccuracyResult } from './knn.js';
export {
  computePrecisionRecall,
  type PrecisionRecallOptions,
  type PrecisionRecallResult,
} from './precision-recall.js';
export { computeInterpolationSmoothness, type InterpolationSmoothnessResult } from './interpolation.js';
export { aggregateByLabel, type LabelGroup } from './group.js';
export { projectPca2, type Pca2Projection } from './pca-projection.js';
