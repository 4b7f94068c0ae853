import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveVaeConfig } from './config.js';
import { reconstruct } from './api.js';
import {
  convOutputLength,
  createVae,
  decoderSigmaValue,
  disposeVae,
  initialiseLinearPath,
  readWeights,
  trainableVariables,
  vaeVariables,
  writeWeights,
} from './model.js';
import { fitPca, pcaReconstruct, relativeMse } from './pca.js';
import { useBackend } from './test-support/backend.js';

beforeAll(async () => {
  await useBackend('wasm');
});

describe('createVae', () => {
  it.each([
    { encoder: 'dense' as const, hiddenUnits: [32, 16], latentDim: 4, L: 24 },
    { encoder: 'dense' as const, hiddenUnits: [], latentDim: 2, L: 10 },
    { encoder: 'conv' as const, hiddenUnits: [16], latentDim: 3, L: 30 },
  ])(
    'builds $encoder encoder [$hiddenUnits] with input [L], outputs z_mean/z_log_var [latent] and a mirrored decoder',
    ({ encoder, hiddenUnits, latentDim, L }) => {
      const config = resolveVaeConfig({ seriesLength: L, latentDim, encoder, hiddenUnits, conv: { filters: [4, 8], kernelSize: 3, strides: 2 } });
      const m = createVae(config);
      try {
        expect(m.encoder.inputs[0]!.shape).toEqual([null, L]);
        expect(m.encoder.outputLayers.map((l) => l.name)).toEqual(['z_mean', 'z_log_var']);
        expect(m.encoder.outputs.map((o) => o.shape)).toEqual([
          [null, latentDim],
          [null, latentDim],
        ]);
        expect(m.decoder.inputs[0]!.shape).toEqual([null, latentDim]);
        expect(m.decoder.outputs[0]!.shape).toEqual([null, L]);
        const decUnits = m.decoder.layers.filter((l) => l.name.startsWith('dec_dense')).map((l) => (l.getConfig() as { units: number }).units);
        expect(decUnits).toEqual([...hiddenUnits].reverse());
        if (encoder === 'conv') {
          expect(m.encoder.layers.filter((l) => l.name.startsWith('enc_conv')).length).toBe(2);
          expect(convOutputLength(config)).toBe(8);
        }
        const [mu, lv] = tf.tidy(() => (m.encoder.predict(tf.zeros([5, L])) as tf.Tensor[]).map((t) => t.shape));
        expect(mu).toEqual([5, latentDim]);
        expect(lv).toEqual([5, latentDim]);
        expect(m.logSigma).not.toBeNull();
        expect(decoderSigmaValue(m)).toBe(1);
      } finally {
        disposeVae(m);
      }
    },
  );

  it('draws the same initial weights for the same seed and other weights for another seed', () => {
    const base = { seriesLength: 16, latentDim: 3, hiddenUnits: [8] };
    const a = createVae(resolveVaeConfig({ ...base, seed: 5 }));
    const b = createVae(resolveVaeConfig({ ...base, seed: 5 }));
    const c = createVae(resolveVaeConfig({ ...base, seed: 6 }));
    try {
      expect(readWeights(a)).toEqual(readWeights(b));
      expect(readWeights(a)[0]).not.toEqual(readWeights(c)[0]);
      // Encoder and decoder layers of equal shape must not share initial values.
      expect(readWeights(a).length).toBe(vaeVariables(a).length);
    } finally {
      [a, b, c].forEach(disposeVae);
    }
  });

  it('has no log sigma for a fixed sigma, and writeWeights round-trips and checks sizes', () => {
    const m = createVae(resolveVaeConfig({ seriesLength: 8, latentDim: 2, hiddenUnits: [4], decoderSigma: 0.2 }));
    try {
      expect(m.logSigma).toBeNull();
      expect(decoderSigmaValue(m)).toBe(0.2);
      const w = readWeights(m).map((a) => a.map((v, i) => v + i * 1e-3));
      writeWeights(m, w);
      expect(readWeights(m)).toEqual(w);
      expect(() => writeWeights(m, w.slice(1))).toThrow(/expected \d+ weight arrays/);
    } finally {
      disposeVae(m);
    }
  });

  it('disposes every tensor it created', () => {
    const before = tf.memory().numTensors;
    disposeVae(createVae(resolveVaeConfig({ seriesLength: 8, latentDim: 2 })));
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('conv decoder and the PCA linear path', () => {
  it.each([
    { decoder: 'conv' as const, L: 30, filters: [4, 8], strides: 2 },
    { decoder: 'conv' as const, L: 32, filters: [4, 8, 8], strides: 2 },
    { decoder: 'conv' as const, L: 17, filters: [3], strides: 3 },
  ])('a $decoder decoder with filters $filters maps [latent] to exactly [L = $L]', ({ decoder, L, filters, strides }) => {
    const m = createVae(
      resolveVaeConfig({ seriesLength: L, latentDim: 3, encoder: 'conv', decoder, hiddenUnits: [8], conv: { filters, kernelSize: 3, strides } }),
    );
    try {
      expect(m.decoder.outputs[0]!.shape).toEqual([null, L]);
      expect(m.decoder.layers.filter((l) => l.name.startsWith('dec_conv_')).length).toBe(filters.length + 1);
      const out = tf.tidy(() => (m.decoder.predict(tf.zeros([2, 3])) as tf.Tensor).shape);
      expect(out).toEqual([2, L]);
    } finally {
      disposeVae(m);
    }
  });

  it.each([{ decoder: 'dense' as const }, { decoder: 'conv' as const }])(
    'starts as PCA: decoding the posterior mean of a fresh $decoder model with linearPath pca reproduces PCA (k = latent) to float32 precision',
    ({ decoder }) => {
      const L = 24;
      const n = 60;
      // Rows on a curved 2-parameter family plus a little structure PCA(3) cannot hold exactly.
      const x = new Float32Array(n * L);
      for (let i = 0; i < n; i++) for (let t = 0; t < L; t++) x[i * L + t] = Math.sin((0.2 + 0.01 * i) * t + 0.05 * i) + 0.3 * Math.cos(0.13 * i * t);
      const m = createVae(
        resolveVaeConfig({
          seriesLength: L,
          latentDim: 3,
          encoder: 'conv',
          decoder,
          linearPath: 'pca',
          hiddenUnits: [8],
          conv: { filters: [4], kernelSize: 3, strides: 2 },
        }),
      );
      try {
        const pca = fitPca(x, n, L, 3);
        initialiseLinearPath(m, pca);
        const got = reconstruct(m, x, n);
        const want = pcaReconstruct(pca, x, n);
        let worst = 0;
        for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
        // float32 weights of a whitened projection and its inverse: 1e-5 of values O(1).
        expect(worst).toBeLessThan(1e-5);
        // PCA itself is not exact here, so the check is not trivially satisfied by an identity map.
        expect(relativeMse(x, want, L)).toBeGreaterThan(1e-4);
        // The linear path is frozen; the networks' weights are what training moves.
        expect(trainableVariables(m).length).toBe(vaeVariables(m).length - 4);
      } finally {
        disposeVae(m);
      }
    },
  );
});
