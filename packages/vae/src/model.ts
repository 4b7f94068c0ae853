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
export function buildEncoder(config: ResolvedVaeConfig): tf.LayersModel {
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
    h = tf.layers
      .dense({ units, activation: config.activation, kernelInitializer: glorot(rng), name: `enc_dense_${i + 1}` })
      .apply(h) as tf.SymbolicTensor;
  });
  const zMean = tf.layers
    .dense({ units: config.latentDim, kernelInitializer: glorot(rng), name: ENCODER_OUTPUT_NAMES[0] })
    .apply(h) as tf.SymbolicTensor;
  const zLogVar = tf.layers
    .dense({ units: config.latentDim, kernelInitializer: glorot(rng), name: ENCODER_OUTPUT_NAMES[1] })
    .apply(h) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: [zMean, zLogVar], name: 'encoder' });
}

/**
 * Build the decoder: latent -> reversed hiddenUnits -> L, with a linear output (the data are
 * normalised upstream, so no squashing is imposed on the mean).
 */
export function buildDecoder(config: ResolvedVaeConfig): tf.LayersModel {
  const rng = new Prng(deriveSeed(config.seed, 'decoder-init'));
  const input = tf.input({ shape: [config.latentDim], name: 'z' });
  let h: tf.SymbolicTensor = input;
  [...config.hiddenUnits].reverse().forEach((units, i) => {
    h = tf.layers
      .dense({ units, activation: config.activation, kernelInitializer: glorot(rng), name: `dec_dense_${i + 1}` })
      .apply(h) as tf.SymbolicTensor;
  });
  const out = tf.layers
    .dense({ units: config.seriesLength, kernelInitializer: glorot(rng), name: DECODER_OUTPUT_NAME })
    .apply(h) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out, name: 'decoder' });
}

/**
 * Build a fresh VAE from a resolved configuration. A learned decoder sigma starts at 1 (log
 * sigma = 0), i.e. at the scale of the normalised data. Release it with {@link disposeVae}.
 */
export function createVae(config: ResolvedVaeConfig): VaeModel {
  const encoder = buildEncoder(config);
  const decoder = buildDecoder(config);
  const logSigma = config.decoderSigma === 'learned' ? tf.tidy(() => tf.variable(tf.scalar(0), true)) : null;
  return { config, encoder, decoder, logSigma };
}

/** Dispose the networks' weights and the log-sigma variable. */
export function disposeVae(model: VaeModel): void {
  model.encoder.dispose();
  model.decoder.dispose();
  model.logSigma?.dispose();
}

/**
 * Every trainable variable of the model in a fixed order (encoder weights, decoder weights,
 * then log sigma): the order used by the optimizer state and by checkpoints.
 */
export function vaeVariables(model: VaeModel): tf.Variable[] {
  const vars = [...model.encoder.trainableWeights, ...model.decoder.trainableWeights].map((w) => w.read() as tf.Variable);
  if (model.logSigma) vars.push(model.logSigma);
  return vars;
}

/** The decoder noise sigma: the fixed value, or exp of the learned log sigma. */
export function decoderSigmaValue(model: VaeModel): number {
  if (model.logSigma === null) return model.config.decoderSigma as number;
  return Math.exp(model.logSigma.dataSync()[0]!);
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
