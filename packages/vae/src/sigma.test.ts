/**
 * The decoder sigma variants: one learned sigma per group, the per-series optimum, the profile
 * validation loss, and training from the PCA path with weight averaging. Checked against closed
 * forms (the Gaussian NLL at its optimal sigma) and against what each variant is for.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { reconstruct } from './api.js';
import { resolveVaeConfig, type VaeConfig } from './config.js';
import { gaussianNll, HALF_LOG_2PI } from './loss.js';
import { createVae, disposeVae, groupSigmas, initialiseLinearPath, sigmaSpec } from './model.js';
import { fitPca, pcaReconstruct, relativeMse } from './pca.js';
import { splitSynthetic, useBackend } from './test-support/backend.js';
import { evaluateSet, trainVae } from './train.js';

beforeAll(async () => {
  await useBackend('wasm');
});

const L = 32;

describe('gaussianNll with a per-series sigma', () => {
  it('equals (L/2)(1 + log(2 pi MSE_i)) above the floor and the fixed-sigma NLL at the floor below it', () => {
    const x = tf.tensor2d([
      [0, 0, 0, 0],
      [1, 1, 1, 1],
    ]);
    const xHat = tf.tensor2d([
      [0.1, -0.1, 0.1, -0.1],
      [1.0001, 1, 1, 1],
    ]);
    const got = gaussianNll(x, xHat, { perSeriesFloor: 0.01 }).arraySync();
    // Row 0: MSE 0.01 > floor^2 1e-4: the optimum sigma^2 = MSE.
    expect(got[0]).toBeCloseTo(2 * (1 + Math.log(2 * Math.PI * 0.01)), 4);
    // Row 1: MSE 2.5e-9 < 1e-4: sigma = 0.01, quad term tiny.
    const sq = 1e-8;
    expect(got[1]).toBeCloseTo(sq / (2 * 1e-4) + 4 * (Math.log(0.01) + HALF_LOG_2PI), 4);
    tf.dispose([x, xHat]);
  });
});

describe('a learned sigma per group', () => {
  it('learns a small sigma for the precise group and a large one for the noisy group', async () => {
    // Two families of the synthetic set, one with added noise: each group's sigma follows its own error.
    const { train } = splitSynthetic([256, 0, 0], L, 5, ['sigmoid']);
    const group = Int32Array.from({ length: train.n }, (_, i) => i % 2);
    const x = train.x.slice();
    let seed = 7;
    const noise = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32 - 0.5) * 0.6;
    for (let i = 0; i < train.n; i++) if (group[i] === 1) for (let t = 0; t < L; t++) x[i * L + t]! += noise();
    const config: VaeConfig = { seriesLength: L, latentDim: 3, hiddenUnits: [32], sigmaGroups: ['clean', 'noisy'], klWarmupEpochs: 0, seed: 2 };
    const r = await trainVae({ train: { ...train, x, group } }, { config, epochs: 60, batchSize: 32 });
    try {
      const [clean, noisy] = groupSigmas(r.model)!;
      // Uniform noise of width 0.6 has sd 0.6 / sqrt(12) = 0.173: the noisy group's sigma cannot go below it.
      expect(noisy!).toBeGreaterThan(0.15);
      expect(clean!).toBeLessThan(noisy! / 2);
    } finally {
      disposeVae(r.model);
    }
  });

  it("floors each group's sigma at sigmaFloor (a group fitted below it pulls no harder than the floor allows)", () => {
    const m = createVae(resolveVaeConfig({ seriesLength: L, latentDim: 2, hiddenUnits: [8], sigmaGroups: ['smooth', 'spiky'], sigmaFloor: 0.01 }));
    try {
      m.logSigma!.assign(tf.tensor1d([Math.log(1e-4), Math.log(0.1)]));
      const rows = tf.tidy(() => (sigmaSpec(m, Int32Array.from([0, 1, 0])) as tf.Tensor1D).arraySync());
      expect(rows[0]).toBeCloseTo(Math.log(0.01), 6);
      expect(rows[1]).toBeCloseTo(Math.log(0.1), 6);
      expect(rows[2]).toBeCloseTo(Math.log(0.01), 6);
    } finally {
      disposeVae(m);
    }
  });

  it("with groupSigmaRatio, floors each group at the largest group's sigma over the ratio", () => {
    const m = createVae(
      resolveVaeConfig({ seriesLength: L, latentDim: 2, hiddenUnits: [8], sigmaGroups: ['smooth', 'mid', 'spiky'], sigmaFloor: 1e-6, groupSigmaRatio: 10 }),
    );
    try {
      m.logSigma!.assign(tf.tensor1d([Math.log(1e-4), Math.log(0.05), Math.log(0.2)]));
      const rows = tf.tidy(() => (sigmaSpec(m, Int32Array.from([0, 1, 2])) as tf.Tensor1D).arraySync());
      expect(rows[0]).toBeCloseTo(Math.log(0.02), 6); // 0.2 / 10
      expect(rows[1]).toBeCloseTo(Math.log(0.05), 6);
      expect(rows[2]).toBeCloseTo(Math.log(0.2), 6);
    } finally {
      disposeVae(m);
    }
  });

  it('refuses training data without groups, and groups out of range', async () => {
    const { train } = splitSynthetic([16, 0, 0], L, 5);
    const config: VaeConfig = { seriesLength: L, latentDim: 2, hiddenUnits: [8], sigmaGroups: ['a', 'b'] };
    await expect(trainVae({ train }, { config, epochs: 1 })).rejects.toThrow(/give each series its group/);
    await expect(trainVae({ train: { ...train, group: new Int32Array(16).fill(2) } }, { config, epochs: 1 })).rejects.toThrow(
      /series 0 has group 2; expected an index below 2/,
    );
    expect(() => resolveVaeConfig({ ...config, decoderSigma: 0.1 })).toThrow(/needs decoderSigma 'learned'/);
  });
});

describe('evaluateSet with the profile sigma', () => {
  it('scores the reconstruction as (L/2)(1 + log(2 pi MSE)) whatever the model sigma', () => {
    const { train } = splitSynthetic([64, 0, 0], L, 3);
    const a = createVae(resolveVaeConfig({ seriesLength: L, latentDim: 2, hiddenUnits: [8], decoderSigma: 0.5 }));
    const b = createVae(resolveVaeConfig({ seriesLength: L, latentDim: 2, hiddenUnits: [8], decoderSigma: 0.05 }));
    try {
      const pa = evaluateSet(a, train, 1, 9, { sigma: 'profile' });
      const pb = evaluateSet(b, train, 1, 9, { sigma: 'profile' });
      // Same weights (same seed), so the same sampled reconstructions: only the model sigma differs.
      expect(pa.recon).toBeCloseTo(pb.recon, 6);
      expect(evaluateSet(a, train, 1, 9).recon).not.toBeCloseTo(evaluateSet(b, train, 1, 9).recon, 0);
      // With sigma at the set's MSE the model-sigma NLL equals the profile one.
      const mse = Math.exp((2 * pa.recon) / L - 1) / (2 * Math.PI);
      const c = createVae(resolveVaeConfig({ seriesLength: L, latentDim: 2, hiddenUnits: [8], decoderSigma: Math.sqrt(mse) }));
      expect(evaluateSet(c, train, 1, 9).recon).toBeCloseTo(pa.recon, 3);
      disposeVae(c);
    } finally {
      disposeVae(a);
      disposeVae(b);
    }
  });
});

describe('training from the PCA path', () => {
  it('starts at PCA and ends at least as good as PCA on held-out series', async () => {
    const { train, validation, test } = splitSynthetic([256, 64, 64], L, 11, ['sigmoid']);
    const pca = fitPca(train.x, train.n, L, 3);
    const pcaError = relativeMse(test.x, pcaReconstruct(pca, test.x, test.n), L);
    const model = createVae(resolveVaeConfig({ seriesLength: L, latentDim: 3, hiddenUnits: [32], linearPath: 'pca' }));
    initialiseLinearPath(model, pca);
    expect(relativeMse(test.x, reconstruct(model, test.x, test.n), L)).toBeCloseTo(pcaError, 6);
    disposeVae(model);
    const r = await trainVae(
      { train, validation },
      {
        config: { seriesLength: L, latentDim: 3, hiddenUnits: [32], linearPath: 'pca', seed: 4 },
        epochs: 150,
        batchSize: 32,
        learningRate: 1e-3,
        finalLearningRateFactor: 0.01,
        weightAverageDecay: 0.99,
      },
    );
    try {
      const vaeError = relativeMse(test.x, reconstruct(r.model, test.x, test.n), L);
      expect(vaeError).toBeLessThan(pcaError);
    } finally {
      disposeVae(r.model);
    }
  });
});
