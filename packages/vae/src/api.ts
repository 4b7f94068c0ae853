/**
 * Inference on plain Float32Arrays, batched: encode, decode, reconstruct, sample, interpolate,
 * and latent-space diagnostics (KL per dimension, active units). Every function manages its own
 * tensors; none leaks (tested through `tf.memory().numTensors`).
 */
import * as tf from '@tensorflow/tfjs';
import { checkFinite, type SeriesSet } from './data.js';
import { VaeDataError } from './errors.js';
import type { VaeModel } from './model.js';
import { Prng } from './random.js';

/** Rows per forward pass: bounds backend memory on large sets. */
const CHUNK_ROWS = 1024;

/** Posterior parameters of n series, row-major [n, latentDim]. */
export interface Posterior {
  /** Posterior means mu. */
  readonly mu: Float32Array;
  /** Posterior log-variances log sigma^2. */
  readonly logVar: Float32Array;
}

/** Result of {@link interpolate}. */
export interface Interpolation {
  /** Interpolation weights t_k = k / (steps - 1), from 0 (series a) to 1 (series b). */
  readonly t: readonly number[];
  /** Latent points z_k = (1 - t_k) mu_a + t_k mu_b, row-major [steps, latentDim]. */
  readonly z: Float32Array;
  /** Decoded series, row-major [steps, L]. */
  readonly x: Float32Array;
}

/** Latent diagnostics of a model on a data set; see {@link latentStatistics}. */
export interface LatentStatistics {
  /** Data-averaged KL(q(z|x) || N(0, I)) of each latent dimension, nats. */
  readonly klPerDim: number[];
  /** Sum of `klPerDim`. */
  readonly kl: number;
  /** Variance over the data of the posterior mean of each dimension, Var_x(E_q[z_d | x]). */
  readonly meanVariance: number[];
  /** Number of dimensions with `meanVariance` above the threshold. */
  readonly activeUnits: number;
}

function checkRows(name: string, x: Float32Array, n: number, width: number, what: string): void {
  if (!(x instanceof Float32Array)) {
    throw new VaeDataError(name, `expected a Float32Array; got ${Object.prototype.toString.call(x)}`);
  }
  if (!Number.isInteger(n) || n < 0) throw new VaeDataError(name, `expected n to be a non-negative integer; got ${String(n)}`);
  if (x.length !== n * width) {
    throw new VaeDataError(name, `expected n * ${what} = ${n} * ${width} = ${n * width} values; got ${x.length}`);
  }
  checkFinite(x, width, name);
}

/** Run `fn` on row chunks of x (width `w`) and concatenate its outputs of widths `outW`. */
function mapChunks(x: Float32Array, n: number, w: number, outW: number[], fn: (xb: tf.Tensor2D) => tf.Tensor[]): Float32Array[] {
  const outs = outW.map((ow) => new Float32Array(n * ow));
  for (let from = 0; from < n; from += CHUNK_ROWS) {
    const to = Math.min(n, from + CHUNK_ROWS);
    // Read the values outside tf.tidy: tidy walks its return value looking for tensors, and
    // walking a large TypedArray element by element cost ~350 ms per 512 x 512 result (wasm).
    const results = tf.tidy(() => fn(tf.tensor2d(x.subarray(from * w, to * w), [to - from, w])));
    try {
      results.forEach((t, k) => outs[k]!.set(t.dataSync() as Float32Array, from * outW[k]!));
    } finally {
      tf.dispose(results);
    }
  }
  return outs;
}

/**
 * Posterior parameters q(z|x) = N(mu, diag(exp(logVar))) of n series.
 * @param x row-major [n, L].
 * @throws {VaeDataError} if sizes disagree or a value is not finite.
 * @example const { mu } = encode(model, set.x, set.n); // mu: Float32Array(n * latentDim)
 */
export function encode(model: VaeModel, x: Float32Array, n: number): Posterior {
  const L = model.config.seriesLength;
  const D = model.config.latentDim;
  checkRows('x', x, n, L, 'seriesLength');
  const [mu, logVar] = mapChunks(x, n, L, [D, D], (xb) => model.encoder.predict(xb) as tf.Tensor[]);
  return { mu: mu!, logVar: logVar! };
}

/**
 * Decoder means of n latent points.
 * @param z row-major [n, latentDim].
 * @returns row-major [n, L].
 */
export function decode(model: VaeModel, z: Float32Array, n: number): Float32Array {
  const D = model.config.latentDim;
  checkRows('z', z, n, D, 'latentDim');
  return mapChunks(z, n, D, [model.config.seriesLength], (zb) => [model.decoder.predict(zb) as tf.Tensor])[0]!;
}

/** Reconstruction of n series: the decoder mean at the posterior mean, decode(encode(x).mu). */
export function reconstruct(model: VaeModel, x: Float32Array, n: number): Float32Array {
  const L = model.config.seriesLength;
  checkRows('x', x, n, L, 'seriesLength');
  return mapChunks(x, n, L, [L], (xb) => {
    const [mu] = model.encoder.predict(xb) as tf.Tensor[];
    return [model.decoder.predict(mu!) as tf.Tensor];
  })[0]!;
}

/**
 * n series decoded from z ~ N(0, I). The z are drawn in JavaScript from the seeded
 * {@link Prng}, so they do not depend on the backend.
 * @returns row-major [n, L] decoder means (no observation noise added).
 */
export function sample(model: VaeModel, n: number, seed: number): Float32Array {
  if (!Number.isInteger(n) || n < 0) throw new VaeDataError('n', `expected a non-negative integer; got ${String(n)}`);
  const rng = new Prng(seed >>> 0);
  const z = new Float32Array(n * model.config.latentDim);
  for (let i = 0; i < z.length; i++) z[i] = rng.nextNormal();
  return decode(model, z, n);
}

/**
 * Walk linearly in latent space from the posterior mean of series `a` to that of series `b`
 * (the paper's Fig. 6) and decode each of `steps` points, endpoints included.
 * @param a, b single series of length L.
 * @param steps number of points, >= 2.
 */
export function interpolate(model: VaeModel, a: Float32Array, b: Float32Array, steps: number): Interpolation {
  if (!Number.isInteger(steps) || steps < 2) throw new VaeDataError('steps', `expected an integer >= 2; got ${String(steps)}`);
  const L = model.config.seriesLength;
  const D = model.config.latentDim;
  checkRows('a', a, 1, L, 'seriesLength');
  checkRows('b', b, 1, L, 'seriesLength');
  const both = new Float32Array(2 * L);
  both.set(a, 0);
  both.set(b, L);
  const { mu } = encode(model, both, 2);
  const t: number[] = [];
  const z = new Float32Array(steps * D);
  for (let k = 0; k < steps; k++) {
    const tk = k / (steps - 1);
    t.push(tk);
    for (let d = 0; d < D; d++) z[k * D + d] = (1 - tk) * mu[d]! + tk * mu[D + d]!;
  }
  return { t, z, x: decode(model, z, steps) };
}

/**
 * Latent diagnostics on a data set: per-dimension KL averaged over the data, and the variance
 * over the data of each posterior mean. A dimension is "active" when that variance exceeds
 * `threshold` (Burda, Grosse & Salakhutdinov 2016, "Importance Weighted Autoencoders", sec. 5.2,
 * threshold 0.01); zero active units means the posterior has collapsed to the prior.
 */
export function latentStatistics(model: VaeModel, set: SeriesSet, threshold = 0.01): LatentStatistics {
  const D = model.config.latentDim;
  const { mu, logVar } = encode(model, set.x, set.n);
  const n = set.n;
  const mean = new Float64Array(D);
  const klSum = new Float64Array(D);
  for (let i = 0; i < n; i++) {
    for (let d = 0; d < D; d++) {
      const m = mu[i * D + d]!;
      const lv = logVar[i * D + d]!;
      mean[d]! += m;
      klSum[d]! += 0.5 * (m * m + Math.exp(lv) - 1 - lv);
    }
  }
  const variance = new Float64Array(D);
  for (let d = 0; d < D; d++) mean[d]! /= Math.max(1, n);
  for (let i = 0; i < n; i++) {
    for (let d = 0; d < D; d++) {
      const dev = mu[i * D + d]! - mean[d]!;
      variance[d]! += dev * dev;
    }
  }
  const meanVariance = Array.from(variance, (v) => v / Math.max(1, n));
  const klPerDim = Array.from(klSum, (v) => v / Math.max(1, n));
  return {
    klPerDim,
    kl: klPerDim.reduce((a, b) => a + b, 0),
    meanVariance,
    activeUnits: meanVariance.filter((v) => v > threshold).length,
  };
}

/** Data-averaged KL of each latent dimension, nats (see {@link latentStatistics}). */
export function klPerDimension(model: VaeModel, set: SeriesSet): number[] {
  return latentStatistics(model, set).klPerDim;
}

/** Number of active latent units on a data set (Burda et al. 2016; see {@link latentStatistics}). */
export function activeUnits(model: VaeModel, set: SeriesSet, threshold = 0.01): number {
  return latentStatistics(model, set, threshold).activeUnits;
}
