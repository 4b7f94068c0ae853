/**
 * `@penvae/vae`: a TensorFlow.js variational autoencoder for 1-D series (the paper's model),
 * its training loop, inference helpers, a PCA baseline, and Node backend selection / file IO.
 * This file is the only public entry.
 */
export { BackendError, ModelFormatError, VaeConfigError, VaeDataError, VaeError } from './errors.js';
export {
  resolveVaeConfig, VAE_CONFIG_DEFAULTS,
  type Activation, type ConvConfig, type EncoderKind, type ResolvedVaeConfig, type VaeConfig,
} from './config.js';
export { checkSeriesSet, fingerprintSeriesSet, seriesSetFromRows, type SeriesSet } from './data.js';
export { deriveSeed, Prng, type PrngState } from './random.js';
export {
  buildDecoder, buildEncoder, createVae, DECODER_OUTPUT_NAME, decoderSigmaValue, disposeVae, ENCODER_OUTPUT_NAMES,
  readWeights, trainableVariables, vaeVariables, writeWeights, initialiseLinearPath, sigmaSpec, LINEAR_LAYERS, type PcaBasis, type VaeModel,
} from './model.js';
export { gaussianNll, klPerDimTensor, klWeight, sampleLatent, vaeLossTerms, type LossInputs, type LossTerms } from './loss.js';
export { Adam, type AdamOptions, type AdamState } from './adam.js';
export {
  assertTrainableOnBackend, evaluateSet, learningRateScale, resolveTrainSettings, TRAIN_DEFAULTS, trainStep, trainVae,
  type BatchProgress, type EpochLog, type EvaluateSetOptions, type ResolvedTrainSettings, type StepStats, type StopReason, type TrainingCheckpoint,
  type TrainVaeData, type TrainVaeOptions, type TrainVaeResult,
} from './train.js';
export {
  activeUnits, decode, encode, interpolate, klPerDimension, latentStatistics, reconstruct, sample,
  type Interpolation, type LatentStatistics, type Posterior,
} from './api.js';
export {
  fitPca, pcaInverseTransform, pcaReconstruct, pcaTransform, relativeMse, symmetricEigen,
  type PcaModel, type SymmetricEigen,
} from './pca.js';
export { useExplicitTransposeMatMul } from './wasm-kernels.js';
export { BACKENDS, initBackend, type BackendChoice, type BackendInfo, type InitBackendOptions } from './node/backend.js';
export {
  CHECKPOINT_FORMAT_VERSION, loadCheckpoint, loadVae, saveCheckpoint, saveVae, VAE_FORMAT_VERSION, writeDirAtomic,
  type LoadedVae, type SaveVaeMeta, type TrainingSummary, type VaeFileInfo,
} from './node/io.js';
