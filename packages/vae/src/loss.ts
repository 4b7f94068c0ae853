/**
 * The VAE objective (Kingma & Welling 2014) for series, as tensors.
 *
 *   recon  = mean_batch sum_t [ (x_t - xhat_t)^2 / (2 sigma^2) + log sigma + log(2 pi) / 2 ]
 *            (Gaussian negative log-likelihood, summed over the L time steps)
 *   KL_d   = mean_batch (mu_d^2 + exp(logvar_d) - 1 - logvar_d) / 2
 *            (closed-form KL(q(z|x) || N(0, I)) of dimension d, Kingma & Welling 2014, app. B)
 *   kl     = sum_d KL_d
 *   loss   = recon + beta_eff * sum_d max(KL_d, freeBits)
 *
 * Summing (not averaging) the reconstruction over time matters: a mean over time with a summed
 * KL is an effective beta of L and collapses the posterior. With freeBits = 0 and beta_eff = 1
 * the loss is the negative ELBO in nats per series.
 */
import * as tf from '@tensorflow/tfjs';

/** log(2 pi) / 2, the constant of the Gaussian log-density per time step. */
export const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** How the decoder's sigma is set: log of a fixed value, a learned scalar, or per series (with its floor). */
export type SigmaSpec = number | tf.Tensor | { readonly perSeriesFloor: number };

/** The loss and its parts, all owned by the caller (dispose them, or build them inside `tf.tidy`). */
export interface LossTerms {
  /** Training objective: recon + beta_eff * (free-bits-floored) KL. */
  readonly total: tf.Scalar;
  /** Gaussian NLL summed over time steps, averaged over the batch (nats per series). */
  readonly recon: tf.Scalar;
  /** KL summed over latent dimensions, averaged over the batch (nats per series, no floor). */
  readonly kl: tf.Scalar;
  /** Batch-averaged KL of each latent dimension, shape [latent]. */
  readonly klPerDim: tf.Tensor1D;
}

/** Inputs of {@link vaeLossTerms}. */
export interface LossInputs {
  /** Data, [batch, L]. */
  readonly x: tf.Tensor2D;
  /** Decoder mean, [batch, L]. */
  readonly xHat: tf.Tensor2D;
  /** Posterior mean, [batch, latent]. */
  readonly mu: tf.Tensor2D;
  /** Posterior log-variance, [batch, latent]. */
  readonly logVar: tf.Tensor2D;
  /**
   * Decoder log sigma: a number (fixed sigma), a scalar tensor (learned), or `{ perSeriesFloor }`
   * for the per-series optimal sigma (see {@link gaussianNll}).
   */
  readonly logSigma: SigmaSpec;
  /** KL weight for this step (after warm-up). */
  readonly betaEff: number;
  /** Free-bits floor in nats per latent dimension (0 = none). */
  readonly freeBits: number;
}

/**
 * Per-series Gaussian negative log-likelihood summed over time, shape [batch].
 * With `{ perSeriesFloor: f }`, each series uses its own maximum-likelihood sigma
 * sigma_i^2 = max(MSE_i, f^2), giving (L/2)(1 + log(2 pi sigma_i^2)) when MSE_i >= f^2: the
 * profile likelihood over sigma. Its gradient is that of a Gaussian with sigma held at its
 * optimum (envelope theorem), i.e. each series' squared error weighted by 1 / (2 sigma_i^2).
 * The caller owns the result.
 */
export function gaussianNll(x: tf.Tensor2D, xHat: tf.Tensor2D, logSigma: SigmaSpec): tf.Tensor1D {
  return tf.tidy(() => {
    const L = x.shape[1];
    const sq = tf.sum(tf.squaredDifference(x, xHat), 1);
    let ls: tf.Tensor;
    if (typeof logSigma === 'number') ls = tf.scalar(logSigma);
    else if (logSigma instanceof tf.Tensor) ls = logSigma;
    else ls = tf.mul(0.5, tf.log(tf.maximum(tf.div(sq, L), logSigma.perSeriesFloor ** 2)));
    // sum_t (x_t - xhat_t)^2 / (2 sigma^2) + L (log sigma + log(2 pi)/2)
    const quad = tf.mul(sq, tf.mul(0.5, tf.exp(tf.mul(-2, ls))));
    return tf.add(quad, tf.mul(L, tf.add(ls, HALF_LOG_2PI))) as tf.Tensor1D;
  });
}

/** Batch-averaged KL(q(z|x) || N(0, I)) of each latent dimension, shape [latent]. Caller owns it. */
function klPerDimTensor(mu: tf.Tensor2D, logVar: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => {
    const perEntry = tf.mul(0.5, tf.sub(tf.add(tf.square(mu), tf.exp(logVar)), tf.add(1, logVar)));
    return tf.mean(perEntry, 0) as tf.Tensor1D;
  });
}

/**
 * Compute the loss terms. Runs in `tf.tidy`; the four returned tensors survive it and belong to
 * the caller. Differentiable w.r.t. every input tensor, so it can be used inside
 * `tf.variableGrads`.
 */
export function vaeLossTerms(inp: LossInputs): LossTerms {
  return tf.tidy(() => {
    const recon = tf.mean(gaussianNll(inp.x, inp.xHat, inp.logSigma)) as tf.Scalar;
    const klPerDim = klPerDimTensor(inp.mu, inp.logVar);
    const kl = tf.sum(klPerDim) as tf.Scalar;
    const klForLoss = inp.freeBits > 0 ? (tf.sum(tf.maximum(klPerDim, inp.freeBits)) as tf.Scalar) : kl;
    const total = tf.add(recon, tf.mul(inp.betaEff, klForLoss)) as tf.Scalar;
    return { total, recon, kl, klPerDim };
  });
}

/**
 * KL weight of epoch `epoch` (0-based) under a linear warm-up: beta * min(1, epoch / warmupEpochs);
 * beta itself when `warmupEpochs` is 0.
 */
export function klWeight(epoch: number, beta: number, warmupEpochs: number): number {
  if (warmupEpochs <= 0) return beta;
  return beta * Math.min(1, epoch / warmupEpochs);
}

/**
 * Reparameterisation trick: z = mu + exp(logvar / 2) * eps, eps ~ N(0, I) drawn with the
 * explicit `seed` (TensorFlow.js' seeded Alea stream), so a run is reproducible. Caller owns z.
 */
export function sampleLatent(mu: tf.Tensor2D, logVar: tf.Tensor2D, seed: number): tf.Tensor2D {
  return tf.tidy(() => {
    const eps = tf.randomNormal(mu.shape, 0, 1, 'float32', seed);
    return tf.add(mu, tf.mul(tf.exp(tf.mul(0.5, logVar)), eps)) as tf.Tensor2D;
  });
}
