/**
 * Metrics for comparing the VAE with the PCA baseline, in plain TypeScript over row-major
 * `Float32Array`/`Float64Array` matrices (n rows x d columns, no tfjs): distribution distance
 * (MMD), latent-space structure (silhouette, leave-one-out kNN accuracy, a 2-D PCA projection
 * for plots), generative fidelity/diversity (precision, recall, density, coverage),
 * smoothness of decoded latent interpolations, and a per-label grouping of any per-row
 * metric. Everything is deterministic: subsampling takes a seed. Reconstruction error and the
 * PCA baseline model itself live in `@penvae/vae`.
 */
export { computeMmd } from './mmd.js';
export { computeSilhouette } from './silhouette.js';
export { computeKnnAccuracy } from './knn.js';
export { computePrecisionRecall } from './precision-recall.js';
export { computeInterpolationSmoothness } from './interpolation.js';
export { projectPca2 } from './pca-projection.js';
