/**
 * Pure builders of the VAE's two networks (after tensorflow/tfjs-examples `fashion-mnist-vae`
 * and the keras.io VAE example): an encoder x -> (z_mean, z_log_var) and a decoder z -> x.
 *
 * The reparameterisation z = mu + exp(logvar / 2) * eps is done by the loss, not by a layer, so
 * both saved models contain only built-in layers and load with a plain `tf.loadLayersModel`
 * (no custom class to register in the browser).
 */
import * as tf from '@tensorflow/tfjs';
import type { ResolvedVaeConfig } from './config.js';
import type { SigmaSpec } from './loss.js';
import { deriveSeed, Prng } from './random.js';

/** An encoder/decoder pair with its configuration and, for `decoderSigma: 'learned'`, log sigma. */
export interface VaeModel {
  /** The configuration the networks were built from. */
  readonly config: ResolvedVaeConfig;
  /** x [batch, L] -> [z_mean [batch, latent], z_log_var [batch, latent]]. */
  readonly encoder: tf.LayersModel;
  /** z [batch, latent] -> x_mean [batch, L] (linear output). */
  readonly decoder: tf.LayersModel;
  /** Trainable scalar log sigma of the decoder noise, or null when sigma is fixed. */
  readonly logSigma: tf.Variable | null;
}

/** Names of the encoder's two output layers, as TensorFlow.js reports them. */
export const ENCODER_OUTPUT_NAMES = ['z_mean', 'z_log_var'] as const;
/** Name of the decoder's output layer. */
export const DECODER_OUTPUT_NAME = 'x_mean';
/** Names of the linear-path layers (`linearPath: 'pca'`). */
const LINEAR_LAYERS = { encoder: 'z_mean_linear', decoder: 'x_linear' } as const;

/** What {@link initialiseLinearPath} needs of a PCA fit (see `fitPca`). */
export interface PcaBasis {
  readonly length: number;
  readonly k: number;
  readonly mean: ArrayLike<number>;
  /** k x L, row-major, orthonormal rows. */
  readonly components: ArrayLike<number>;
  readonly eigenvalues: ArrayLike<number>;
}

/**
 * Sets the linear path (`linearPath: 'pca'`) to the whitened PCA of the training data: the
 * encoder's z_j = v_j . (x - m) / sqrt(lambda_j) and the decoder's x = m + sum_j sqrt(lambda_j)
 * z_j v_j, so that decoding the posterior mean reproduces PCA's reconstruction exactly while the
 * network paths are still zero. The path is frozen (not trainable): Adam moves every weight by
 * about its step size whatever the gradient, which on a family PCA captures to relative MSE
 * 1e-6 perturbs the reconstruction more than the error being fitted (measured: a trainable path
 * drifted from PCA's 1e-6 to 4e-6 on an amplifier sweep). Components beyond the data's rank (lambda_j ~ 0) are left at zero.
 * @throws {Error} if the model has no linear path or the basis does not fit it.
 */
export function initialiseLinearPath(model: VaeModel, pca: PcaBasis): void {
  const { latentDim: D, seriesLength: L } = model.config;
  if (model.config.linearPath !== 'pca') throw new Error('the model has no linear path');
  if (pca.length !== L || pca.k > D)
    throw new Error(`PCA basis of length ${pca.length} with ${pca.k} components does not fit a model of length ${L}, latent ${D}`);
  const encKernel = new Float32Array(L * D);
  const encBias = new Float32Array(D);
  const decKernel = new Float32Array(D * L);
  const decBias = Float32Array.from(pca.mean);
  const top = pca.eigenvalues[0] ?? 0;
  for (let j = 0; j < pca.k; j++) {
    const lambda = pca.eigenvalues[j]!;
    if (!(lambda > 1e-12 * top) || !(lambda > 0)) continue;
    const s = Math.sqrt(lambda);
    let dot = 0;
    for (let i = 0; i < L; i++) {
      const v = pca.components[j * L + i]!;
      encKernel[i * D + j] = v / s;
      decKernel[j * L + i] = v * s;
      dot += pca.mean[i]! * v;
    }
    encBias[j] = -dot / s;
  }
  tf.tidy(() => {
    model.encoder.getLayer(LINEAR_LAYERS.encoder).setWeights([tf.tensor2d(encKernel, [L, D]), tf.tensor1d(encBias)]);
    model.decoder.getLayer(LINEAR_LAYERS.decoder).setWeights([tf.tensor2d(decKernel, [D, L]), tf.tensor1d(decBias)]);
  });
}

/** Seeded Glorot-uniform initialiser (Keras' default) drawing its seed from `rng`. */
function glorot(rng: Prng): ReturnType<typeof tf.initializers.glorotUniform> {
  return tf.initializers.glorotUniform({ seed: rng.nextUint32() });
}

/**
 * Length of the sequence after the Conv1D stack: each 'same'-padded layer with stride s maps
 * a length l to ceil(l / s).
 */
export function convOutputLength(config: ResolvedVaeConfig): number {
  let l = config.seriesLength;
  for (let i = 0; i < config.conv.filters.length; i++) l = Math.ceil(l / config.conv.strides);
  return l;
}

/**
 * Build the encoder. Dense: L -> hiddenUnits... -> (z_mean, z_log_var). Conv: reshape to
 * [L, 1], Conv1D layers ('same' padding), flatten, then the same dense layers.
 * Weights are drawn from seeds derived from `config.seed`, so two calls give equal weights.
 */
function buildEncoder(config: ResolvedVaeConfig): tf.LayersModel {
  const rng = new Prng(deriveSeed(config.seed, 'encoder-init'));
  const input = tf.input({ shape: [config.seriesLength], name: 'series' });
  let h: tf.SymbolicTensor = input;
  if (config.encoder === 'conv') {
    h = tf.layers.reshape({ targetShape: [config.seriesLength, 1], name: 'enc_reshape' }).apply(h) as tf.SymbolicTensor;
    config.conv.filters.forEach((filters, i) => {
      h = tf.layers
        .conv1d({
          filters,
          kernelSize: config.conv.kernelSize,
          strides: config.conv.strides,
          padding: 'same',
          activation: config.activation,
          kernelInitializer: glorot(rng),
          name: `enc_conv_${i + 1}`,
        })
        .apply(h) as tf.SymbolicTensor;
    });
    h = tf.layers.flatten({ name: 'enc_flatten' }).apply(h) as tf.SymbolicTensor;
  }
  config.hiddenUnits.forEach((units, i) => {
    h = tf.layers.dense({ units, activation: config.activation, kernelInitializer: glorot(rng), name: `enc_dense_${i + 1}` }).apply(h) as tf.SymbolicTensor;
  });
  const linear = config.linearPath === 'pca';
  let zMean = tf.layers
    .dense({ units: config.latentDim, kernelInitializer: linear ? 'zeros' : glorot(rng), name: linear ? 'z_mean_nonlinear' : ENCODER_OUTPUT_NAMES[0] })
    .apply(h) as tf.SymbolicTensor;
  if (linear) {
    // Set to the whitened PCA projection by `initialiseLinearPath`.
    const zLinear = tf.layers
      .dense({ units: config.latentDim, kernelInitializer: 'zeros', trainable: false, name: LINEAR_LAYERS.encoder })
      .apply(input) as tf.SymbolicTensor;
    zMean = tf.layers.add({ name: ENCODER_OUTPUT_NAMES[0] }).apply([zLinear, zMean]) as tf.SymbolicTensor;
  }
  // With the linear path the posterior starts narrow (sd e^-2 = 0.14 of the prior's) around the
  // PCA scores, so the first epochs refine PCA instead of drowning it in sampling noise.
  const zLogVar = tf.layers
    .dense({
      units: config.latentDim,
      kernelInitializer: linear ? 'zeros' : glorot(rng),
      biasInitializer: linear ? tf.initializers.constant({ value: -4 }) : 'zeros',
      name: ENCODER_OUTPUT_NAMES[1],
    })
    .apply(h) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: [zMean, zLogVar], name: 'encoder' });
}

/**
 * Build the decoder: latent -> reversed hiddenUnits -> L, with a linear output (the data are
 * normalised upstream, so no squashing is imposed on the mean).
 *
 * `conv` decoder: after the dense layers, a dense layer to the shape the encoder's Conv1D stack
 * ends in ([l0, lastFilters], l0 = ceil(L / stride^layers)), then per layer a nearest-neighbour
 * upsampling by the stride and a 'same' convolution (filters in reverse order), then a linear
 * 1-channel convolution and a crop to L. The series is kept as an [l, 1, channels] image so that
 * only built-in layers are used (tf.layers has no UpSampling1D) and the saved model loads with a
 * plain `tf.loadLayersModel`.
 */
function buildDecoder(config: ResolvedVaeConfig): tf.LayersModel {
  const rng = new Prng(deriveSeed(config.seed, 'decoder-init'));
  const input = tf.input({ shape: [config.latentDim], name: 'z' });
  let h: tf.SymbolicTensor = input;
  [...config.hiddenUnits].reverse().forEach((units, i) => {
    h = tf.layers.dense({ units, activation: config.activation, kernelInitializer: glorot(rng), name: `dec_dense_${i + 1}` }).apply(h) as tf.SymbolicTensor;
  });
  const linear = config.linearPath === 'pca';
  // With the linear path the network's output layer starts at zero: the decoder starts as PCA.
  const outInit = linear ? 'zeros' : glorot(rng);
  const finish = (net: tf.SymbolicTensor): tf.LayersModel => {
    let out = net;
    if (linear) {
      const xLinear = tf.layers
        .dense({ units: config.seriesLength, kernelInitializer: 'zeros', trainable: false, name: LINEAR_LAYERS.decoder })
        .apply(input) as tf.SymbolicTensor;
      out = tf.layers.add({ name: DECODER_OUTPUT_NAME }).apply([xLinear, net]) as tf.SymbolicTensor;
    }
    return tf.model({ inputs: input, outputs: out, name: 'decoder' });
  };
  const outName = linear ? 'x_nonlinear' : DECODER_OUTPUT_NAME;
  if (config.decoder === 'dense') {
    return finish(tf.layers.dense({ units: config.seriesLength, kernelInitializer: outInit, name: outName }).apply(h) as tf.SymbolicTensor);
  }
  const { filters, kernelSize, strides } = config.conv;
  const l0 = convOutputLength(config);
  const reversed = [...filters].reverse();
  h = tf.layers
    .dense({ units: l0 * reversed[0]!, activation: config.activation, kernelInitializer: glorot(rng), name: 'dec_project' })
    .apply(h) as tf.SymbolicTensor;
  h = tf.layers.reshape({ targetShape: [l0, 1, reversed[0]!], name: 'dec_reshape' }).apply(h) as tf.SymbolicTensor;
  reversed.forEach((f, i) => {
    if (strides > 1) h = tf.layers.upSampling2d({ size: [strides, 1], name: `dec_upsample_${i + 1}` }).apply(h) as tf.SymbolicTensor;
    h = tf.layers
      .conv2d({
        filters: f,
        kernelSize: [kernelSize, 1],
        padding: 'same',
        activation: config.activation,
        kernelInitializer: glorot(rng),
        name: `dec_conv_${i + 1}`,
      })
      .apply(h) as tf.SymbolicTensor;
  });
  h = tf.layers
    .conv2d({ filters: 1, kernelSize: [kernelSize, 1], padding: 'same', kernelInitializer: outInit, name: 'dec_conv_out' })
    .apply(h) as tf.SymbolicTensor;
  const extra = l0 * strides ** filters.length - config.seriesLength;
  if (extra > 0)
    h = tf.layers
      .cropping2D({
        cropping: [
          [0, extra],
          [0, 0],
        ],
        name: 'dec_crop',
      })
      .apply(h) as tf.SymbolicTensor;
  return finish(tf.layers.reshape({ targetShape: [config.seriesLength], name: outName }).apply(h) as tf.SymbolicTensor);
}

/**
 * Build a fresh VAE from a resolved configuration. A learned decoder sigma starts at 1 (log
 * sigma = 0), i.e. at the scale of the normalised data. Release it with {@link disposeVae}.
 */
export function createVae(config: ResolvedVaeConfig): VaeModel {
  const encoder = buildEncoder(config);
  const decoder = buildDecoder(config);
  const groups = config.sigmaGroups.length;
  const logSigma = config.decoderSigma === 'learned' ? tf.tidy(() => tf.variable(groups > 0 ? tf.zeros([groups]) : tf.scalar(0), true)) : null;
  return { config, encoder, decoder, logSigma };
}

/** Dispose the networks' weights and the log-sigma variable. */
export function disposeVae(model: VaeModel): void {
  model.encoder.dispose();
  model.decoder.dispose();
  model.logSigma?.dispose();
}

/**
 * Every variable of the model in a fixed order (encoder weights, decoder weights, then log
 * sigma), trainable or not (the frozen PCA path): the order used by checkpoints.
 */
export function vaeVariables(model: VaeModel): tf.Variable[] {
  const vars = [...model.encoder.weights, ...model.decoder.weights].map((w) => w.read() as tf.Variable);
  if (model.logSigma) vars.push(model.logSigma);
  return vars;
}

/** The trainable variables, in {@link vaeVariables} order: what the optimizer updates. */
export function trainableVariables(model: VaeModel): tf.Variable[] {
  const vars = [...model.encoder.trainableWeights, ...model.decoder.trainableWeights].map((w) => w.read() as tf.Variable);
  if (model.logSigma) vars.push(model.logSigma);
  return vars;
}

/**
 * The decoder noise sigma: the fixed value, exp of the learned log sigma, or for `per-series`
 * its floor (each series' own sigma depends on its reconstruction; see `gaussianNll`).
 */
export function decoderSigmaValue(model: VaeModel): number {
  if (model.logSigma !== null) {
    // One sigma, or the geometric mean of the groups' sigmas.
    const ls = Array.from(model.logSigma.dataSync());
    return Math.exp(ls.reduce((a, b) => a + b, 0) / ls.length);
  }
  const { decoderSigma, sigmaFloor } = model.config;
  return decoderSigma === 'per-series' ? sigmaFloor : (decoderSigma as number);
}

/** The learned sigma of each group (`config.sigmaGroups`), or null without groups. */
export function groupSigmas(model: VaeModel): number[] | null {
  if (model.logSigma === null || model.config.sigmaGroups.length === 0) return null;
  return Array.from(model.logSigma.dataSync(), (v) => Math.exp(v));
}

/**
 * The decoder sigma as the loss takes it (see `SigmaSpec`). With a sigma per group, `groups`
 * gives each row's group; rows of no known group get the geometric mean. Call inside `tf.tidy`
 * (it may create tensors).
 */
export function sigmaSpec(model: VaeModel, groups?: Int32Array): SigmaSpec {
  if (model.logSigma !== null) {
    const G = model.config.sigmaGroups.length;
    if (G === 0) return model.logSigma;
    if (!groups) return tf.mean(model.logSigma);
    // A one-hot product rather than tf.gather: gather's gradient (UnsortedSegmentSum) has no
    // wasm kernel.
    const oneHot = new Float32Array(groups.length * G);
    groups.forEach((g, i) => {
      oneHot[i * G + g] = 1;
    });
    const rows = tf.reshape(tf.matMul(tf.tensor2d(oneHot, [groups.length, G]), tf.reshape(model.logSigma, [G, 1])), [groups.length]);
    // The floor bounds how much one group's error can outweigh another's: the reconstruction
    // gradient of a group scales as 1 / sigma^2, so a smooth family fitted to sigma 1e-4 would
    // pull 10^5 times harder on the shared weights than an oscillator at 0.03.
    let floor = Math.log(model.config.sigmaFloor);
    if (model.config.groupSigmaRatio > 0) {
      // Read as a constant: the floor must not pass gradient to the largest group's sigma.
      const largest = Math.max(...model.logSigma.dataSync());
      floor = Math.max(floor, largest - Math.log(model.config.groupSigmaRatio));
    }
    return tf.maximum(rows, floor);
  }
  const { decoderSigma, sigmaFloor } = model.config;
  return decoderSigma === 'per-series' ? { perSeriesFloor: sigmaFloor } : Math.log(decoderSigma as number);
}

/** Copy every variable's values (in {@link vaeVariables} order) out of the backend. */
export function readWeights(model: VaeModel): Float32Array[] {
  return vaeVariables(model).map((v) => Float32Array.from(v.dataSync() as Float32Array));
}

/**
 * Overwrite the variables (in {@link vaeVariables} order) with `values`.
 * @throws {Error} if the count or a size differs; callers wrap it in their own error type.
 */
export function writeWeights(model: VaeModel, values: readonly Float32Array[]): void {
  const vars = vaeVariables(model);
  if (values.length !== vars.length) {
    throw new Error(`expected ${vars.length} weight arrays, got ${values.length}`);
  }
  vars.forEach((v, i) => {
    if (values[i]!.length !== v.size) {
      throw new Error(`weight ${v.name}: expected ${v.size} values (shape [${v.shape.join(', ')}]), got ${values[i]!.length}`);
    }
  });
  tf.tidy(() => vars.forEach((v, i) => v.assign(tf.tensor(values[i]!, v.shape, 'float32'))));
}
