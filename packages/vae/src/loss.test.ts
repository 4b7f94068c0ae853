import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { gaussianNll, HALF_LOG_2PI, klWeight, sampleLatent, vaeLossTerms } from './loss.js';
import { useBackend } from './test-support/backend.js';

beforeAll(async () => {
  await useBackend('wasm');
});

// One series x = (0, 1), xhat = (0.5, 1); posterior mu = (1, 0), logvar = (0, ln 2).
// NLL (sigma = 1): 0.25 / 2 + 2 * log(2 pi) / 2 = 0.125 + 1.8378771.
// KL_0 = (1 + 1 - 1 - 0) / 2 = 0.5;  KL_1 = (0 + 2 - 1 - ln 2) / 2 = 0.1534264.
const KL0 = 0.5;
const KL1 = 0.5 * (1 - Math.LN2);

function terms(logSigma: number, betaEff: number, freeBits: number): { total: number; recon: number; kl: number; klPerDim: number[] } {
  return tf.tidy(() => {
    const t = vaeLossTerms({
      x: tf.tensor2d([[0, 1]]),
      xHat: tf.tensor2d([[0.5, 1]]),
      mu: tf.tensor2d([[1, 0]]),
      logVar: tf.tensor2d([[0, Math.LN2]]),
      logSigma,
      betaEff,
      freeBits,
    });
    return { total: t.total.dataSync()[0]!, recon: t.recon.dataSync()[0]!, kl: t.kl.dataSync()[0]!, klPerDim: Array.from(t.klPerDim.dataSync()) };
  });
}

describe('vaeLossTerms', () => {
  it.each([
    { logSigma: 0, beta: 1, freeBits: 0, recon: 0.125 + 2 * HALF_LOG_2PI, klLoss: KL0 + KL1 },
    { logSigma: Math.log(0.5), beta: 1, freeBits: 0, recon: 0.25 / (2 * 0.25) + 2 * (Math.log(0.5) + HALF_LOG_2PI), klLoss: KL0 + KL1 },
    { logSigma: 0, beta: 2, freeBits: 0, recon: 0.125 + 2 * HALF_LOG_2PI, klLoss: 2 * (KL0 + KL1) },
    { logSigma: 0, beta: 1, freeBits: 0.3, recon: 0.125 + 2 * HALF_LOG_2PI, klLoss: KL0 + 0.3 },
    { logSigma: 0, beta: 0, freeBits: 0, recon: 0.125 + 2 * HALF_LOG_2PI, klLoss: 0 },
  ])('matches hand values (log sigma $logSigma, beta $beta, free bits $freeBits)', ({ logSigma, beta, freeBits, recon, klLoss }) => {
    const t = terms(logSigma, beta, freeBits);
    expect(t.recon).toBeCloseTo(recon, 5);
    expect(t.klPerDim[0]).toBeCloseTo(KL0, 6);
    expect(t.klPerDim[1]).toBeCloseTo(KL1, 6);
    expect(t.kl).toBeCloseTo(KL0 + KL1, 6); // logged KL is never floored
    expect(t.total).toBeCloseTo(recon + klLoss, 5);
  });

  it('averages over the batch and sums over time', () => {
    const r = tf.tidy(() =>
      gaussianNll(
        tf.tensor2d([
          [0, 0, 0],
          [1, 1, 1],
        ]),
        tf.zeros([2, 3]) as tf.Tensor2D,
        0,
      ).dataSync(),
    );
    expect(r[0]).toBeCloseTo(3 * HALF_LOG_2PI, 5);
    expect(r[1]).toBeCloseTo(1.5 + 3 * HALF_LOG_2PI, 5);
  });

  it('gives a learned log sigma zero gradient where sigma^2 equals the mean squared error', () => {
    // MSE per step = (0.25 + 0) / 2 = 0.125 -> optimum log sigma = log(0.125) / 2.
    const grad = (ls: number): number =>
      tf.tidy(() => {
        const v = tf.scalar(ls);
        const g = tf.grad(
          (s: tf.Tensor) =>
            vaeLossTerms({
              x: tf.tensor2d([[0, 1]]),
              xHat: tf.tensor2d([[0.5, 1]]),
              mu: tf.zeros([1, 1]) as tf.Tensor2D,
              logVar: tf.zeros([1, 1]) as tf.Tensor2D,
              logSigma: s,
              betaEff: 1,
              freeBits: 0,
            }).total,
        )(v);
        return g.dataSync()[0]!;
      });
    expect(grad(Math.log(0.125) / 2)).toBeCloseTo(0, 5);
    expect(grad(0)).toBeGreaterThan(0);
    expect(grad(-3)).toBeLessThan(0);
  });

  it('stops the KL gradient of a dimension below the free-bits floor', () => {
    const g = tf.tidy(() =>
      tf
        .grad(
          (mu: tf.Tensor) =>
            vaeLossTerms({
              x: tf.zeros([1, 2]) as tf.Tensor2D,
              xHat: tf.zeros([1, 2]) as tf.Tensor2D,
              mu: mu as tf.Tensor2D,
              logVar: tf.zeros([1, 2]) as tf.Tensor2D,
              logSigma: 0,
              betaEff: 1,
              freeBits: 0.3,
            }).total,
        )(tf.tensor2d([[1, 0.5]]))
        .dataSync(),
    );
    expect(g[0]).toBeCloseTo(1, 5); // KL_0 = 0.5 > 0.3: d/dmu (mu^2 / 2) = mu
    expect(g[1]).toBe(0); // KL_1 = 0.125 < 0.3: floored
  });

  it('leaves no tensor behind', () => {
    const before = tf.memory().numTensors;
    terms(0, 1, 0.1);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('klWeight', () => {
  it.each([
    { epoch: 0, beta: 1, warmup: 10, want: 0 },
    { epoch: 5, beta: 1, warmup: 10, want: 0.5 },
    { epoch: 10, beta: 1, warmup: 10, want: 1 },
    { epoch: 50, beta: 2, warmup: 10, want: 2 },
    { epoch: 0, beta: 3, warmup: 0, want: 3 },
  ])('epoch $epoch, beta $beta, warm-up $warmup -> $want', ({ epoch, beta, warmup, want }) => {
    expect(klWeight(epoch, beta, warmup)).toBeCloseTo(want, 12);
  });
});

describe('sampleLatent', () => {
  it('is reproducible for a seed and has the posterior moments', () => {
    const draw = (seed: number): Float32Array =>
      tf.tidy(() => sampleLatent(tf.fill([4000, 2], 1) as tf.Tensor2D, tf.fill([4000, 2], Math.log(4)) as tf.Tensor2D, seed).dataSync() as Float32Array);
    const a = draw(3);
    expect(draw(3)).toEqual(a);
    expect(draw(4)).not.toEqual(a);
    let s = 0,
      s2 = 0;
    a.forEach((v) => {
      s += v;
      s2 += v * v;
    });
    const mean = s / a.length;
    expect(mean).toBeCloseTo(1, 1);
    expect(s2 / a.length - mean * mean).toBeGreaterThan(3.6);
    expect(s2 / a.length - mean * mean).toBeLessThan(4.4);
  });
});
