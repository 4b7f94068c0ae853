/**
 * `@penvae/vae`: a TensorFlow.js variational autoencoder for 1-D series (the paper's model),
 * its training loop, inference helpers, a PCA baseline, and Node backend selection / file IO.
 *
 * The only public entry: it names every export explicitly, and exports only what another
 * package, a test or a benchmark uses (`npx knip` checks it).
 */
export { BackendError, ModelFormatError, VaeConfigError, VaeDataError, VaeError } from './errors.js';
export { resolveVaeConfig, type EncoderKind, type ResolvedVaeConfig, type VaeConfig } from './config.js';
export { createVae, disposeVae, trainableVariables, vaeVariables, type VaeModel } from './model.js';
export { Adam } from './adam.js';
export { assertTrainableOnBackend, evaluateSet, trainStep, trainVae, type BatchProgress, type EpochLog, type TrainingCheckpoint } from './train.js';
export { encode, interpolate, latentStatistics, reconstruct, sample } from './api.js';
export { fitPca, pcaReconstruct, relativeMse, symmetricEigen, type PcaModel } from './pca.js';
export { useExplicitTransposeMatMul } from './wasm-kernels.js';
export { initBackend, type BackendChoice, type BackendInfo } from './node/backend.js';
export { loadCheckpoint, loadVae, saveCheckpoint, saveVae, type VaeFileInfo } from './node/io.js';
