/**
 * Training loop: Adam on the negative ELBO (see loss.ts) with seeded shuffling and seeded
 * reparameterisation noise, KL warm-up, free bits, early stopping on the validation loss with
 * restoration of the best weights, per-batch and per-epoch callbacks, and checkpoints from which
 * an interrupted run resumes to exactly the same result as an uninterrupted one.
 *
 * Reproducibility: every random number comes from streams derived from `config.seed`: the
 * initial weights (model.ts), the epoch permutations and one 32-bit noise seed per step (one
 * training {@link Prng}, whose state is checkpointed), and a fixed noise seed for validation
 * (common random numbers, so the validation loss of two epochs differs by the weights only).
 */
import * as tf from '@tensorflow/tfjs';
import { Adam, type AdamState } from './adam.js';
import { WeightAverage } from './weight-average.js';
import { fitPca } from './pca.js';
import { latentStatistics } from './api.js';
import { checkInteger, checkNumber, configDifferences, describeValue, resolveVaeConfig, type ResolvedVaeConfig, type VaeConfig } from './config.js';
import { checkGroups, checkSeriesSet, fingerprintSeriesSet, gatherGroups, gatherRows, type SeriesSet } from './data.js';
import { BackendError, VaeConfigError, VaeDataError } from './errors.js';
import { klWeight, sampleLatent, vaeLossTerms } from './loss.js';
import {
  createVae,
  decoderSigmaValue,
  disposeVae,
  initialiseLinearPath,
  sigmaSpec,
  readWeights,
  trainableVariables,
  writeWeights,
  type VaeModel,
} from './model.js';
import { deriveSeed, Prng, type PrngState } from './random.js';

/** One epoch's record, as delivered to `onEpochEnd` and kept in the history. */
export interface EpochLog {
  /** 1-based epoch number (epochs completed so far). */
  readonly epoch: number;
  /** Mean training loss over the epoch's batches (recon + beta * floored KL), nats per series. */
  readonly loss: number;
  /** Mean training reconstruction NLL over the epoch's batches, nats per series. */
  readonly recon: number;
  /** Mean training KL over the epoch's batches (no free-bits floor), nats per series. */
  readonly kl: number;
  /** Mean training KL of each latent dimension over the epoch's batches; sums to `kl`. */
  readonly klPerDim: number[];
  /**
   * Active latent units at the end of the epoch: dimensions whose posterior mean varies over the
   * training set with variance above `activeUnitThreshold` (Burda et al. 2016).
   */
  readonly activeUnits: number;
  /** KL weight used in this epoch (after warm-up). */
  readonly beta: number;
  /** Decoder sigma at the end of the epoch (fixed or learned). */
  readonly sigma: number;
  /**
   * Validation loss at the end of the epoch with the full beta and no free bits
   * (recon + beta * KL), the decoder sigma at its maximum-likelihood value on the validation
   * set (see `EvaluateSetOptions.sigma`), or null without a validation set.
   */
  readonly valLoss: number | null;
  /** Validation reconstruction NLL, or null. */
  readonly valRecon: number | null;
  /** Validation KL, or null. */
  readonly valKl: number | null;
  /** Wall-clock seconds of the epoch, validation included. */
  readonly seconds: number;
}

/** Progress within an epoch, delivered to `onBatchEnd`. */
export interface BatchProgress {
  /** 1-based epoch number. */
  readonly epoch: number;
  /** 1-based batch number within the epoch. */
  readonly batch: number;
  /** Batches per epoch. */
  readonly batches: number;
  /** Loss of this batch. */
  readonly loss: number;
}

/** Training hyperparameters after defaults and checks; stored in checkpoints. */
export interface ResolvedTrainSettings {
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly sigmaLearningRate: number;
  readonly finalLearningRateFactor: number;
  readonly earlyStopping: boolean;
  readonly patience: number;
  readonly restoreBestWeights: boolean;
  readonly activeUnitThreshold: number;
  readonly weightAverageDecay: number;
  readonly gradientClip: number;
}

/** Why training ended. */
export type StopReason = 'completed' | 'early-stopping' | 'aborted';

/**
 * Everything needed to continue a run exactly: weights, Adam moments and step, the training
 * PRNG state, early-stopping state and history, after `epoch` completed epochs. Plain data;
 * `saveCheckpoint`/`loadCheckpoint` (node/io.ts) put it on disk.
 */
export interface TrainingCheckpoint {
  /** Checkpoint format version. */
  readonly formatVersion: 1;
  readonly config: ResolvedVaeConfig;
  readonly settings: ResolvedTrainSettings;
  /** Epochs completed. */
  readonly epoch: number;
  /** Variable values in `vaeVariables` order. */
  readonly weights: readonly Float32Array[];
  /** The weight average (trainable variables, in order), or null when averaging is off. */
  readonly average: readonly Float32Array[] | null;
  /** Running gradient norm of the adaptive clipping (0 when off or before the first step). */
  readonly gradientNorm: number;
  readonly optimizer: AdamState;
  readonly rngState: PrngState;
  /** Best epoch so far by validation loss (after warm-up), with its weights, or null. */
  readonly best: { readonly epoch: number; readonly valLoss: number; readonly weights: readonly Float32Array[] } | null;
  /** Epochs since the best one (early-stopping counter). */
  readonly epochsSinceBest: number;
  readonly history: readonly EpochLog[];
  /** Fingerprints of the training and validation sets (see `fingerprintSeriesSet`). */
  readonly data: { readonly train: string; readonly validation: string | null };
  /** Backend the run used; resuming elsewhere is allowed but gives a different result. */
  readonly backend: string;
}

/** Training and validation series. */
export interface TrainVaeData {
  /** Series to fit. */
  readonly train: SeriesSet;
  /** Held-out series for the validation loss and early stopping. */
  readonly validation?: SeriesSet;
}

/** Options of {@link trainVae}. */
export interface TrainVaeOptions {
  /** Model configuration. Required unless `resumeFrom` is given (then it must agree with it). */
  config?: VaeConfig;
  /** Maximum number of epochs. @default 200 */
  epochs?: number;
  /** Series per batch (the last batch of an epoch may be smaller). @default 64 */
  batchSize?: number;
  /** Adam step size of the network weights (before the cosine decay). @default 0.002 */
  learningRate?: number;
  /**
   * Adam step size of a learned log sigma. Larger than `learningRate` because Adam moves a
   * variable by about one step size per update whatever its gradient, and log sigma must travel
   * from 0 (sigma = 1) to about log(RMSE) ~ -4 within a few epochs; a slow sigma acts as a large
   * extra KL weight early in training.
   * @default 0.01
   */
  sigmaLearningRate?: number;
  /**
   * Cosine annealing of both step sizes (Loshchilov & Hutter 2017, SGDR, without restarts): in
   * epoch e (0-based) of E the step size is lr * (f + (1 - f) * (1 + cos(pi e / (E - 1))) / 2), from lr down to
   * f * lr. Late small steps matter here: with a small learned sigma the loss is sensitive to
   * tiny reconstruction errors. 1 keeps the step size constant.
   * @default 0.05
   */
  finalLearningRateFactor?: number;
  /** Stop when the validation loss has not improved for `patience` epochs (needs `validation`). @default true */
  earlyStopping?: boolean;
  /** Epochs without improvement before stopping; counted once the KL warm-up is over. @default 20 */
  patience?: number;
  /** At the end, put back the weights of the best validation epoch (if any). @default true */
  restoreBestWeights?: boolean;
  /** Variance threshold of an active unit. @default 0.01 */
  activeUnitThreshold?: number;
  /**
   * Decay per step of an exponential moving average of the weights (see weight-average.ts):
   * validation, early stopping and the returned model use the averaged weights. 0 turns it off.
   * Off by default: on a smooth family trained from the PCA path, averaging over 1000 steps
   * lagged the still-improving weights (held-out error 0.07-0.09x PCA's mid-run, against
   * 0.2-0.5x without).
   * @default 0
   */
  weightAverageDecay?: number;
  /**
   * Adaptive gradient clipping: a gradient is scaled down to at most this multiple of the running
   * average gradient norm (see `GradientClip`). 0 turns it off.
   * @default 5
   */
  gradientClip?: number;
  /** Called after each epoch (awaited), with the model as it is now (e.g. to evaluate it; do not dispose it). */
  onEpochEnd?: (log: EpochLog, model: VaeModel) => void | Promise<void>;
  /** Called after each batch (not awaited; keep it cheap). */
  onBatchEnd?: (progress: BatchProgress) => void;
  /** Called after each epoch with a checkpoint of the run (awaited), e.g. to `saveCheckpoint`. */
  onCheckpoint?: (checkpoint: TrainingCheckpoint) => void | Promise<void>;
  /**
   * Continue the run this checkpoint was taken from (e.g. `await loadCheckpoint(dir)`), with the
   * same data and options: the result is then bit-identical to an uninterrupted run on the same
   * backend. Only `epochs` may differ (to extend a run; the cosine schedule then differs).
   */
  resumeFrom?: TrainingCheckpoint;
  /** Abort between batches; the result then has `stopReason: 'aborted'`. */
  signal?: AbortSignal;
}

/** Outcome of {@link trainVae}. */
export interface TrainVaeResult {
  /** The trained model (the caller disposes it with `disposeVae`). */
  readonly model: VaeModel;
  /** One record per completed epoch. */
  readonly history: EpochLog[];
  /** 1-based epoch whose weights the model holds if they were restored, else null. */
  readonly bestEpoch: number | null;
  readonly stopReason: StopReason;
  /** Backend the run used (`tf.getBackend()`); store it with the model. */
  readonly backend: string;
  readonly settings: ResolvedTrainSettings;
  /** Active units of the returned model on the training set. */
  readonly activeUnits: number;
  /** True when no latent unit is active: the posterior collapsed onto the prior. */
  readonly collapsed: boolean;
  /** Decoder sigma of the returned model. */
  readonly sigma: number;
}

/** Defaults of the training options (see each option's `@default`). */
const TRAIN_DEFAULTS = Object.freeze({
  epochs: 200,
  batchSize: 64,
  learningRate: 2e-3,
  sigmaLearningRate: 1e-2,
  finalLearningRateFactor: 0.05,
  earlyStopping: true,
  patience: 20,
  restoreBestWeights: true,
  activeUnitThreshold: 0.01,
  weightAverageDecay: 0,
  gradientClip: 5,
});

const OPTION_KEYS = new Set<string>([
  'config',
  'epochs',
  'batchSize',
  'learningRate',
  'sigmaLearningRate',
  'finalLearningRateFactor',
  'earlyStopping',
  'patience',
  'restoreBestWeights',
  'activeUnitThreshold',
  'weightAverageDecay',
  'gradientClip',
  'onEpochEnd',
  'onBatchEnd',
  'onCheckpoint',
  'resumeFrom',
  'signal',
]);

function checkBoolean(field: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw new VaeConfigError(field, `expected true or false; got ${describeValue(v)}`);
  return v;
}

/**
 * Check the training options and fill in defaults.
 * @throws {VaeConfigError} naming the invalid option.
 */
function resolveTrainSettings(options: TrainVaeOptions): ResolvedTrainSettings {
  for (const k of Object.keys(options)) {
    if (!OPTION_KEYS.has(k)) throw new VaeConfigError(`options.${k}`, `unknown option; expected one of ${[...OPTION_KEYS].join(', ')}`);
  }
  const d = TRAIN_DEFAULTS;
  return {
    epochs: checkInteger('options.epochs', options.epochs ?? d.epochs, 1),
    batchSize: checkInteger('options.batchSize', options.batchSize ?? d.batchSize, 1),
    learningRate: checkNumber('options.learningRate', options.learningRate ?? d.learningRate, 0, true),
    sigmaLearningRate: checkNumber('options.sigmaLearningRate', options.sigmaLearningRate ?? d.sigmaLearningRate, 0, true),
    finalLearningRateFactor: (() => {
      const f = checkNumber('options.finalLearningRateFactor', options.finalLearningRateFactor ?? d.finalLearningRateFactor, 0, true);
      if (f > 1) throw new VaeConfigError('options.finalLearningRateFactor', `expected a number in (0, 1]; got ${f}`);
      return f;
    })(),
    earlyStopping: checkBoolean('options.earlyStopping', options.earlyStopping ?? d.earlyStopping),
    patience: checkInteger('options.patience', options.patience ?? d.patience, 1),
    restoreBestWeights: checkBoolean('options.restoreBestWeights', options.restoreBestWeights ?? d.restoreBestWeights),
    activeUnitThreshold: checkNumber('options.activeUnitThreshold', options.activeUnitThreshold ?? d.activeUnitThreshold, 0),
    gradientClip: (() => {
      const v = checkNumber('options.gradientClip', options.gradientClip ?? d.gradientClip, 0);
      if (v > 0 && v <= 1) throw new VaeConfigError('options.gradientClip', `expected 0 (off) or a factor above 1; got ${v}`);
      return v;
    })(),
    weightAverageDecay: (() => {
      const v = checkNumber('options.weightAverageDecay', options.weightAverageDecay ?? d.weightAverageDecay, 0);
      if (v >= 1) throw new VaeConfigError('options.weightAverageDecay', `expected a number in [0, 1); got ${v}`);
      return v;
    })(),
  };
}

/**
 * Refuse to train a model on a backend that lacks a gradient kernel it needs, before TensorFlow.js
 * fails deep inside backprop: convolutions need Conv2DBackpropFilter and Conv2DBackpropInput
 * (Conv1D is a Conv2D underneath). tfjs-backend-wasm 4.22 lacks the first; `initBackend`
 * registers this package's GEMM versions of both (wasm-kernels.ts).
 * @throws {BackendError}
 */
export function assertTrainableOnBackend(config: ResolvedVaeConfig, backend = tf.getBackend()): void {
  if (config.encoder !== 'conv' && config.decoder !== 'conv') return;
  for (const kernel of ['Conv2DBackpropFilter', 'Conv2DBackpropInput']) {
    if (tf.getKernel(kernel, backend) === undefined) {
      throw new BackendError(
        backend,
        `cannot train a convolutional encoder or decoder: the backend has no ${kernel} kernel ` +
          "(initBackend registers them on wasm; on another backend use encoder and decoder 'dense').",
      );
    }
  }
}

/**
 * Step-size multiplier of epoch `epoch` (0-based) of `epochs` under cosine annealing from 1 to
 * `finalFactor` (see `TrainVaeOptions.finalLearningRateFactor`).
 */
export function learningRateScale(epoch: number, epochs: number, finalFactor: number): number {
  const progress = epochs <= 1 ? 0 : epoch / (epochs - 1);
  return finalFactor + (1 - finalFactor) * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, progress)));
}

/** Statistics of one training step (batch means), returned by {@link trainStep}. */
export interface StepStats {
  loss: number;
  recon: number;
  kl: number;
  klPerDim: Float32Array;
  /** Global norm of the gradient before clipping. */
  gradientNorm: number;
}

/**
 * Adaptive gradient clipping: a step's gradient is scaled down to at most `factor` times the
 * running average of recent (clipped) gradient norms. With a learned decoder sigma near 1e-3 a
 * single unlucky batch produced a gradient that threw a run back by hundreds of epochs
 * (training loss -623 -> -113 nats in one epoch); bounding it relative to the recent scale keeps
 * the scale-free behaviour Adam has while refusing such outliers.
 */
export interface GradientClip {
  /** Allowed multiple of the running norm. */
  readonly factor: number;
  /** Running average of clipped norms (0 before the first step). */
  average: number;
}

/** Decay per step of the running gradient norm of {@link GradientClip}. */
const GRADIENT_NORM_DECAY = 0.99;

/**
 * One optimisation step on a batch: forward with reparameterised noise from `seed`, gradients
 * of the loss w.r.t. every variable, optional adaptive clipping (updating `clip.average`), one
 * Adam update. Leaves no tensor behind.
 */
export function trainStep(
  model: VaeModel,
  vars: tf.Variable[],
  adam: Adam,
  rows: Float32Array,
  batch: number,
  seed: number,
  betaEff: number,
  groups?: Int32Array,
  clip?: GradientClip,
): StepStats {
  const L = model.config.seriesLength;
  let parts: tf.Tensor | undefined;
  const { value, grads } = tf.variableGrads(() => {
    const x = tf.tensor2d(rows, [batch, L]);
    const [mu, logVar] = model.encoder.apply(x) as tf.Tensor2D[];
    const z = sampleLatent(mu!, logVar!, seed);
    const xHat = model.decoder.apply(z) as tf.Tensor2D;
    const terms = vaeLossTerms({
      x,
      xHat,
      mu: mu!,
      logVar: logVar!,
      logSigma: sigmaSpec(model, groups),
      betaEff,
      freeBits: model.config.freeBits,
    });
    // The parts are logged, not differentiated: keep one packed copy past the gradient scope.
    parts = tf.keep(tf.concat([tf.stack([terms.recon, terms.kl]), terms.klPerDim]));
    return terms.total;
  }, vars);
  let applied: tf.NamedTensorMap = grads;
  try {
    // One read-back per step: the loss, its parts and the gradient norm together.
    const stats = tf.tidy(() =>
      tf.concat([tf.reshape(value, [1]), tf.reshape(tf.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g))))), [1]), parts!]),
    );
    const v = stats.dataSync() as Float32Array;
    stats.dispose();
    const norm = v[1]!;
    if (clip) {
      const limit = clip.average > 0 ? clip.factor * clip.average : Infinity;
      if (norm > limit) applied = tf.tidy(() => Object.fromEntries(Object.entries(grads).map(([k, g]) => [k, tf.mul(g, limit / norm)])));
      const kept = Math.min(norm, limit);
      clip.average = clip.average > 0 ? GRADIENT_NORM_DECAY * clip.average + (1 - GRADIENT_NORM_DECAY) * kept : kept;
    }
    adam.apply(applied);
    return { loss: v[0]!, recon: v[2]!, kl: v[3]!, klPerDim: v.slice(4), gradientNorm: norm };
  } finally {
    value.dispose();
    tf.dispose(grads);
    if (applied !== grads) tf.dispose(applied);
    parts?.dispose();
  }
}

/** Options of {@link evaluateSet}. */
export interface EvaluateSetOptions {
  /**
   * `model`: the model's own decoder sigma. `profile`: sigma at its maximum-likelihood value on
   * this set (per group with group sigmas: sigma_g^2 = the group's mean squared error), i.e.
   * the reconstruction term (L/2)(1 + log(2 pi MSE)) per series. Training validates with
   * `profile`: a learned sigma is fitted to the training error, and on held-out series that
   * over-confidence, not the reconstruction, would dominate the validation loss and stop
   * training while held-out reconstructions still improve.
   * @default 'model'
   */
  sigma?: 'model' | 'profile';
}

/**
 * Loss parts of a whole set under the full beta, with fixed noise seeds; see {@link EpochLog}.
 * With a sigma per group, a set without groups is scored with their geometric mean.
 */
export function evaluateSet(
  model: VaeModel,
  set: SeriesSet,
  beta: number,
  seed: number,
  options: EvaluateSetOptions = {},
): { loss: number; recon: number; kl: number } {
  const L = set.length;
  const chunk = 512;
  let recon = 0;
  let kl = 0;
  const profile = options.sigma === 'profile';
  const groups = profile && set.group ? model.config.sigmaGroups.length : 0;
  const sqSum = new Float64Array(Math.max(1, groups));
  const rows = new Float64Array(Math.max(1, groups));
  for (let from = 0, k = 0; from < set.n; from += chunk, k++) {
    const to = Math.min(set.n, from + chunk);
    const packed = tf.tidy(() => {
      const x = tf.tensor2d(set.x.subarray(from * L, to * L), [to - from, L]);
      const [mu, logVar] = model.encoder.predict(x) as tf.Tensor2D[];
      const z = sampleLatent(mu!, logVar!, (seed + k) >>> 0);
      const xHat = model.decoder.predict(z) as tf.Tensor2D;
      const t = vaeLossTerms({
        x,
        xHat,
        mu: mu!,
        logVar: logVar!,
        logSigma: sigmaSpec(model, set.group?.subarray(from, to)),
        betaEff: beta,
        freeBits: 0,
      });
      // Per-series squared errors ride along for the profile sigma.
      return tf.concat([tf.stack([t.recon, t.kl]), tf.sum(tf.squaredDifference(x, xHat), 1)]);
    });
    const v = packed.dataSync();
    packed.dispose();
    recon += v[0]! * (to - from);
    kl += v[1]! * (to - from);
    for (let i = from; i < to; i++) {
      const g = groups ? set.group![i]! : 0;
      sqSum[g]! += v[2 + i - from]!;
      rows[g]! += 1;
    }
  }
  recon /= set.n;
  kl /= set.n;
  if (profile) {
    recon = 0;
    // With groups, the loss floors each group's sigma (see sigmaSpec): so does its profile.
    let floor = groups ? model.config.sigmaFloor ** 2 : 1e-30;
    if (groups && model.config.groupSigmaRatio > 0) {
      let largest = 0;
      for (let g = 0; g < sqSum.length; g++) if (rows[g]! > 0) largest = Math.max(largest, sqSum[g]! / (rows[g]! * L));
      floor = Math.max(floor, largest / model.config.groupSigmaRatio ** 2);
    }
    for (let g = 0; g < sqSum.length; g++) {
      if (rows[g] === 0) continue;
      const mse = Math.max(sqSum[g]! / (rows[g]! * L), floor);
      recon += rows[g]! * (L / 2) * (1 + Math.log(2 * Math.PI * mse));
    }
    recon /= set.n;
  }
  return { loss: recon + beta * kl, recon, kl };
}

function resolveResume(options: TrainVaeOptions, settings: ResolvedTrainSettings, ckpt: TrainingCheckpoint): ResolvedVaeConfig {
  if (ckpt.formatVersion !== 1) {
    throw new VaeConfigError('options.resumeFrom', `checkpoint format version ${describeValue(ckpt.formatVersion)} is not supported; expected 1`);
  }
  const config = ckpt.config;
  if (options.config !== undefined) {
    const diff = configDifferences(resolveVaeConfig(options.config), config);
    if (diff.length > 0) {
      throw new VaeConfigError(
        `config.${diff[0]}`,
        `differs from the checkpoint being resumed (${describeValue(ckpt.config[diff[0] as keyof ResolvedVaeConfig])}); fields differing: ${diff.join(', ')}`,
      );
    }
  }
  for (const k of Object.keys(settings) as (keyof ResolvedTrainSettings)[]) {
    if (k !== 'epochs' && settings[k] !== ckpt.settings[k]) {
      throw new VaeConfigError(`options.${k}`, `is ${describeValue(settings[k])} but the checkpoint being resumed used ${describeValue(ckpt.settings[k])}`);
    }
  }
  return config;
}

/**
 * Train a VAE. Uses the current TensorFlow.js backend (call `initBackend` first).
 * @throws {VaeConfigError} bad options; {@link VaeDataError} bad data or data other than the
 *   resumed run's; {@link BackendError} a model the backend cannot train.
 * @example
 * await initBackend('auto');
 * const { model, history } = await trainVae({ train, validation }, {
 *   config: { seriesLength: 128, latentDim: 10 },
 *   onEpochEnd: (log) => console.log(log.epoch, log.loss, log.valLoss),
 * });
 */
export async function trainVae(data: TrainVaeData, options: TrainVaeOptions): Promise<TrainVaeResult> {
  const settings = resolveTrainSettings(options);
  const resume = options.resumeFrom;
  let config: ResolvedVaeConfig;
  if (resume !== undefined) config = resolveResume(options, settings, resume);
  else if (options.config !== undefined) config = resolveVaeConfig(options.config);
  else throw new VaeConfigError('options.config', 'is required unless options.resumeFrom is given; e.g. { seriesLength: 128 }');

  if (data == null || typeof data !== 'object' || data.train === undefined) {
    throw new VaeDataError('train', 'expected data of the form { train: { x, n, length }, validation? }');
  }
  checkSeriesSet(data.train, 'train', config.seriesLength);
  checkGroups(data.train, 'train', config.sigmaGroups.length, true);
  const validation = data.validation;
  if (validation !== undefined) {
    checkSeriesSet(validation, 'validation', config.seriesLength);
    checkGroups(validation, 'validation', config.sigmaGroups.length, true);
  }
  const backend = tf.getBackend();
  assertTrainableOnBackend(config, backend);

  const fingerprints = { train: fingerprintSeriesSet(data.train), validation: validation ? fingerprintSeriesSet(validation) : null };
  if (resume !== undefined) {
    for (const k of ['train', 'validation'] as const) {
      if (resume.data[k] !== fingerprints[k]) {
        throw new VaeDataError(
          k,
          `differs from the data of the checkpoint being resumed (fingerprint ${String(fingerprints[k])}, checkpoint ${String(resume.data[k])})`,
        );
      }
    }
  }

  const model = createVae(config);
  // Start from probabilistic PCA of the training set (see `VaeConfig.linearPath`); a resumed
  // run gets its weights from the checkpoint instead.
  if (config.linearPath === 'pca' && resume === undefined) {
    const k = Math.min(config.latentDim, config.seriesLength, Math.max(0, data.train.n - 1));
    initialiseLinearPath(model, fitPca(data.train.x, data.train.n, config.seriesLength, k));
  }
  const vars = trainableVariables(model);
  const adam = new Adam(vars, {
    learningRate: settings.learningRate,
    learningRates: vars.map((v) => (v === model.logSigma ? settings.sigmaLearningRate : undefined)),
  });
  let average: WeightAverage | null = null;
  try {
    let rng = new Prng(deriveSeed(config.seed, 'train'));
    let history: EpochLog[] = [];
    let best: TrainingCheckpoint['best'] = null;
    let sinceBest = 0;
    let start = 0;
    if (resume !== undefined) {
      try {
        writeWeights(model, resume.weights);
        adam.setState(resume.optimizer);
      } catch (e) {
        throw new VaeConfigError('options.resumeFrom', `checkpoint weights do not fit the model: ${(e as Error).message}`, { cause: e });
      }
      rng = new Prng(resume.rngState);
      if (settings.weightAverageDecay > 0) {
        if (resume.average === null)
          throw new VaeConfigError('options.resumeFrom', 'the checkpoint has no weight average but options.weightAverageDecay is set');
        average = new WeightAverage(vars, settings.weightAverageDecay);
        average.write(resume.average);
      }
      history = resume.history.map((h) => ({ ...h, klPerDim: [...h.klPerDim] }));
      best = resume.best;
      sinceBest = resume.epochsSinceBest;
      start = resume.epoch;
    }
    const clip: GradientClip | undefined = settings.gradientClip > 0 ? { factor: settings.gradientClip, average: resume?.gradientNorm ?? 0 } : undefined;
    if (average === null && settings.weightAverageDecay > 0) average = new WeightAverage(vars, settings.weightAverageDecay);
    const valSeed = deriveSeed(config.seed, 'validation-noise');
    const train = data.train;
    const n = train.n;
    const D = config.latentDim;
    const batches = Math.ceil(n / settings.batchSize);
    const order = new Int32Array(n);
    const earlyStop = (): boolean => validation !== undefined && settings.earlyStopping && sinceBest >= settings.patience;
    let stopReason: StopReason = 'completed';

    for (let e = start; e < settings.epochs; e++) {
      if (earlyStop()) {
        stopReason = 'early-stopping';
        break;
      }
      const t0 = performance.now();
      const betaEff = klWeight(e, config.beta, config.klWarmupEpochs);
      adam.setLearningRateScale(learningRateScale(e, settings.epochs, settings.finalLearningRateFactor));
      for (let i = 0; i < n; i++) order[i] = i;
      rng.shuffle(order);
      let sumLoss = 0;
      let sumRecon = 0;
      let sumKl = 0;
      const sumKlPerDim = new Float64Array(D);
      for (let b = 0; b < batches; b++) {
        const from = b * settings.batchSize;
        const to = Math.min(n, from + settings.batchSize);
        const rows = gatherRows(train, order, from, to);
        const s = trainStep(model, vars, adam, rows, to - from, rng.nextUint32(), betaEff, gatherGroups(train, order, from, to), clip);
        average?.update(adam.step);
        const w = to - from;
        sumLoss += s.loss * w;
        sumRecon += s.recon * w;
        sumKl += s.kl * w;
        for (let d = 0; d < D; d++) sumKlPerDim[d]! += s.klPerDim[d]! * w;
        options.onBatchEnd?.({ epoch: e + 1, batch: b + 1, batches, loss: s.loss });
        // Yield to the event loop so that an abort signal (e.g. from SIGINT) and progress output get through.
        await tf.nextFrame();
        if (options.signal?.aborted) break;
      }
      if (options.signal?.aborted) {
        stopReason = 'aborted';
        break;
      }
      // The epoch is judged, and kept as the best, with the averaged weights.
      average?.swapIn();
      const stats = latentStatistics(model, train, settings.activeUnitThreshold);
      const val = validation ? evaluateSet(model, validation, config.beta, valSeed, { sigma: 'profile' }) : null;
      const log: EpochLog = {
        epoch: e + 1,
        loss: sumLoss / n,
        recon: sumRecon / n,
        kl: sumKl / n,
        klPerDim: Array.from(sumKlPerDim, (v) => v / n),
        activeUnits: stats.activeUnits,
        beta: betaEff,
        sigma: decoderSigmaValue(model),
        valLoss: val ? val.loss : null,
        valRecon: val ? val.recon : null,
        valKl: val ? val.kl : null,
        seconds: (performance.now() - t0) / 1000,
      };
      history.push(log);
      // Early stopping compares epochs trained on the final objective only (after warm-up).
      if (val && e >= config.klWarmupEpochs) {
        if (best === null || val.loss < best.valLoss) {
          best = { epoch: e + 1, valLoss: val.loss, weights: readWeights(model) };
          sinceBest = 0;
        } else {
          sinceBest += 1;
        }
      }
      try {
        await options.onEpochEnd?.(log, model);
      } finally {
        average?.swapOut();
      }
      if (options.onCheckpoint) {
        await options.onCheckpoint({
          formatVersion: 1,
          config,
          settings,
          epoch: e + 1,
          weights: readWeights(model),
          average: average?.read() ?? null,
          gradientNorm: clip?.average ?? 0,
          optimizer: adam.getState(),
          rngState: rng.state(),
          best,
          epochsSinceBest: sinceBest,
          history: history.slice(),
          data: fingerprints,
          backend,
        });
      }
      if (earlyStop()) {
        stopReason = 'early-stopping';
        break;
      }
      if (options.signal?.aborted) {
        stopReason = 'aborted';
        break;
      }
    }

    let bestEpoch: number | null = null;
    if (settings.restoreBestWeights && best !== null && stopReason !== 'aborted') {
      writeWeights(model, best.weights);
      bestEpoch = best.epoch;
    } else average?.apply();
    const au = latentStatistics(model, train, settings.activeUnitThreshold).activeUnits;
    return { model, history, bestEpoch, stopReason, backend, settings, activeUnits: au, collapsed: au === 0, sigma: decoderSigmaValue(model) };
  } catch (e) {
    disposeVae(model);
    throw e;
  } finally {
    average?.dispose();
    adam.dispose();
  }
}
