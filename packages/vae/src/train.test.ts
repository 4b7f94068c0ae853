import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Adam } from './adam.js';
import { activeUnits } from './api.js';
import { resolveVaeConfig, type VaeConfig } from './config.js';
import { seriesSetFromRows, type SeriesSet } from './data.js';
import { BackendError, VaeConfigError, VaeDataError } from './errors.js';
import { createVae, disposeVae, readWeights, vaeVariables } from './model.js';
import { loadCheckpoint, saveCheckpoint } from './node/io.js';
import { splitSynthetic, useBackend } from './test-support/backend.js';
import { assertTrainableOnBackend, learningRateScale, trainStep, trainVae, type EpochLog, type TrainVaeOptions } from './train.js';

const L = 32;
const { train, validation } = splitSynthetic([192, 64, 0], L, 21);
const small: VaeConfig = { seriesLength: L, latentDim: 4, hiddenUnits: [32, 16], klWarmupEpochs: 2, seed: 3 };
const quick: TrainVaeOptions = { config: small, epochs: 4, batchSize: 32 };

let dir: string;
beforeAll(async () => {
  await useBackend('wasm');
  dir = await mkdtemp(join(tmpdir(), 'vae-train-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** History without the wall-clock field, for exact comparisons. */
const timeless = (h: EpochLog[]): Omit<EpochLog, 'seconds'>[] => h.map(({ seconds: _s, ...rest }) => rest);

describe('trainVae', () => {
  it('lowers the loss on a small data set and logs every field', async () => {
    const logs: EpochLog[] = [];
    let batches = 0;
    const r = await trainVae(
      { train, validation },
      {
        ...quick,
        epochs: 15,
        onEpochEnd: (l) => {
          logs.push(l);
        },
        onBatchEnd: () => {
          batches++;
        },
      },
    );
    try {
      expect(logs.length).toBe(15);
      expect(batches).toBe(15 * 6);
      expect(r.history).toEqual(logs);
      const first = logs[0]!,
        last = logs[14]!;
      expect(last.recon).toBeLessThan(first.recon - 10);
      expect(last.loss).toBeLessThan(logs[2]!.loss);
      expect(last.valLoss!).toBeLessThan(first.valLoss!);
      expect(first.beta).toBe(0);
      expect(logs[1]!.beta).toBe(0.5);
      expect(last.beta).toBe(1);
      for (const l of logs) {
        expect(l.klPerDim.length).toBe(4);
        expect(l.klPerDim.reduce((a, b) => a + b, 0)).toBeCloseTo(l.kl, 4);
        expect(l.loss).toBeCloseTo(l.recon + l.beta * l.kl, 3);
        expect(l.seconds).toBeGreaterThan(0);
      }
      expect(r.backend).toBe('wasm');
      expect(r.activeUnits).toBeGreaterThan(0);
      expect(r.collapsed).toBe(false);
    } finally {
      disposeVae(r.model);
    }
  });

  it('leaks no tensor across a training step or a whole training run', async () => {
    const model = createVae(resolveVaeConfig(small));
    const vars = vaeVariables(model);
    const adam = new Adam(vars, { learningRate: 1e-3 });
    const rows = train.x.slice(0, 8 * L);
    trainStep(model, vars, adam, rows, 8, 1, 1); // first call may create lazily-initialised state
    const before = tf.memory().numTensors;
    trainStep(model, vars, adam, rows, 8, 2, 1);
    trainStep(model, vars, adam, rows, 8, 3, 0.5);
    expect(tf.memory().numTensors).toBe(before);
    adam.dispose();
    disposeVae(model);

    const start = tf.memory().numTensors;
    const r = await trainVae({ train, validation }, { ...quick, epochs: 2 });
    disposeVae(r.model);
    expect(tf.memory().numTensors).toBe(start);
  });

  it('gives bit-identical weights and history for the same seed and backend, different ones for another seed', async () => {
    const a = await trainVae({ train, validation }, quick);
    const b = await trainVae({ train, validation }, quick);
    const c = await trainVae({ train, validation }, { ...quick, config: { ...small, seed: 4 } });
    try {
      expect(readWeights(b.model)).toEqual(readWeights(a.model));
      expect(timeless(b.history)).toEqual(timeless(a.history));
      expect(readWeights(c.model)[0]).not.toEqual(readWeights(a.model)[0]);
    } finally {
      [a, b, c].forEach((r) => disposeVae(r.model));
    }
  });

  it('resumes an interrupted run from an on-disk checkpoint to exactly the uninterrupted result', async () => {
    // Early stopping, warm-up, a learned sigma and the lr schedule all carry state across epochs.
    const opts: TrainVaeOptions = { ...quick, epochs: 7, patience: 2 };
    const full = await trainVae({ train, validation }, opts);
    const ckptDir = join(dir, 'ckpt');
    const controller = new AbortController();
    const cut = await trainVae(
      { train, validation },
      {
        ...opts,
        signal: controller.signal,
        onEpochEnd: (l) => {
          if (l.epoch === 3) controller.abort();
        },
        onCheckpoint: (c) => saveCheckpoint(ckptDir, c),
      },
    );
    expect(cut.stopReason).toBe('aborted');
    expect(cut.history.length).toBe(3);
    disposeVae(cut.model);
    const checkpoint = await loadCheckpoint(ckptDir);
    expect(checkpoint.epoch).toBe(3);
    const resumed = await trainVae({ train, validation }, { ...opts, resumeFrom: checkpoint });
    try {
      expect(resumed.stopReason).toBe(full.stopReason);
      expect(resumed.bestEpoch).toBe(full.bestEpoch);
      expect(timeless(resumed.history)).toEqual(timeless(full.history));
      expect(readWeights(resumed.model)).toEqual(readWeights(full.model));
    } finally {
      disposeVae(full.model);
      disposeVae(resumed.model);
    }
  });

  it('refuses to resume on other data or under another config', async () => {
    const ckptDir = join(dir, 'ckpt-refuse');
    const r = await trainVae({ train, validation }, { ...quick, epochs: 1, onCheckpoint: (c) => saveCheckpoint(ckptDir, c) });
    disposeVae(r.model);
    const checkpoint = await loadCheckpoint(ckptDir);
    const other: SeriesSet = { ...train, x: train.x.map((v) => v * 0.5) };
    await expect(trainVae({ train: other, validation }, { ...quick, resumeFrom: checkpoint })).rejects.toThrow(
      /train: differs from the data of the checkpoint/,
    );
    await expect(trainVae({ train, validation }, { ...quick, config: { ...small, latentDim: 5 }, resumeFrom: checkpoint })).rejects.toThrow(VaeConfigError);
    await expect(trainVae({ train, validation }, { ...quick, batchSize: 16, resumeFrom: checkpoint })).rejects.toThrow(/options.batchSize/);
  });

  it('reports a deliberately collapsed model (huge beta) as collapsed, and a normal one as not', async () => {
    const collapsed = await trainVae(
      { train },
      { config: { ...small, beta: 500, decoderSigma: 1, klWarmupEpochs: 0 }, epochs: 10, batchSize: 16, learningRate: 0.01 },
    );
    const healthy = await trainVae({ train }, { config: { ...small, decoderSigma: 1, klWarmupEpochs: 0 }, epochs: 10, batchSize: 16, learningRate: 0.01 });
    try {
      expect(collapsed.activeUnits).toBe(0);
      expect(collapsed.collapsed).toBe(true);
      expect(collapsed.history.at(-1)!.activeUnits).toBe(0);
      expect(activeUnits(collapsed.model, train)).toBe(0);
      expect(healthy.activeUnits).toBeGreaterThan(0);
      expect(healthy.collapsed).toBe(false);
    } finally {
      disposeVae(collapsed.model);
      disposeVae(healthy.model);
    }
  });

  it('restores the weights of the best validation epoch after early stopping', async () => {
    let best = { epoch: 0, val: Infinity, w: [] as Float32Array[] };
    const r = await trainVae(
      { train, validation },
      {
        ...quick,
        epochs: 12,
        patience: 1,
        learningRate: 0.02,
        onCheckpoint: (c) => {
          if (c.best && c.best.valLoss < best.val) best = { epoch: c.best.epoch, val: c.best.valLoss, w: [...c.best.weights] };
        },
      },
    );
    try {
      expect(r.bestEpoch).toBe(best.epoch);
      expect(readWeights(r.model)).toEqual(best.w);
      if (r.stopReason === 'early-stopping') expect(r.history.length).toBeLessThan(12);
    } finally {
      disposeVae(r.model);
    }
  });

  it.each([
    {
      name: 'mixed lengths',
      run: () =>
        trainVae(
          {
            train: seriesSetFromRows([
              [0, 1, 2],
              [0, 1],
            ]),
          },
          quick,
        ),
      cls: VaeDataError,
      msg: /rows: mixed lengths: series 1 has 2 time steps, series 0 has 3/,
    },
    {
      name: 'x size not n * length',
      run: () => trainVae({ train: { x: new Float32Array(10), n: 3, length: L } }, quick),
      cls: VaeDataError,
      msg: /train: x has 10 values but n \* length = 3 \* 32 = 96/,
    },
    {
      name: 'an empty training split',
      run: () => trainVae({ train: { x: new Float32Array(0), n: 0, length: L } }, quick),
      cls: VaeDataError,
      msg: /train: the set is empty/,
    },
    {
      name: 'NaN in the data',
      run: () => {
        const x = train.x.slice();
        x[5 * L + 7] = Number.NaN;
        return trainVae({ train: { ...train, x } }, quick);
      },
      cls: VaeDataError,
      msg: /train: value NaN at series 5, time step 7/,
    },
    {
      name: 'validation of another length',
      run: () => trainVae({ train, validation: { x: new Float32Array(16), n: 1, length: 16 } }, quick),
      cls: VaeDataError,
      msg: /validation: series have 16 time steps but the model expects 32/,
    },
    { name: 'no config', run: () => trainVae({ train }, { epochs: 1 }), cls: VaeConfigError, msg: /options.config: is required/ },
    {
      name: 'a bad option',
      run: () => trainVae({ train }, { ...quick, batchSize: 0 }),
      cls: VaeConfigError,
      msg: /options.batchSize: expected an integer >= 1; got 0/,
    },
    {
      name: 'an unknown option',
      run: () => trainVae({ train }, { ...quick, epoch: 3 } as TrainVaeOptions),
      cls: VaeConfigError,
      msg: /options.epoch: unknown option/,
    },
  ])('rejects $name with a named error', async ({ run, cls, msg }) => {
    const before = tf.memory().numTensors;
    const err = await (async () => {
      try {
        await run();
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(cls);
    expect((err as Error).message).toMatch(msg);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('trains a conv encoder and decoder on wasm (GEMM conv gradients) and refuses a backend without conv gradients', async () => {
    const convConfig: VaeConfig = { ...small, encoder: 'conv', decoder: 'conv', conv: { filters: [4], kernelSize: 3, strides: 2 } };
    const r = await trainVae(
      { train: { ...train, n: 64, x: train.x.slice(0, 64 * L) } },
      { config: convConfig, epochs: 3, batchSize: 32, weightAverageDecay: 0 },
    );
    expect(r.history[2]!.recon).toBeLessThan(r.history[0]!.recon);
    expect(r.backend).toBe('wasm');
    disposeVae(r.model);
    expect(() => assertTrainableOnBackend(resolveVaeConfig(convConfig), 'no-such-backend')).toThrow(BackendError);
    expect(() => assertTrainableOnBackend(resolveVaeConfig(convConfig), 'no-such-backend')).toThrow(/Conv2DBackpropFilter/);
    expect(() => assertTrainableOnBackend(resolveVaeConfig(small), 'no-such-backend')).not.toThrow();
  });
});

describe('learningRateScale', () => {
  it.each([
    { e: 0, E: 10, f: 0.05, want: 1 },
    { e: 9, E: 10, f: 0.05, want: 0.05 },
    { e: 3, E: 7, f: 0.5, want: 0.75 },
    { e: 4, E: 10, f: 1, want: 1 },
  ])('epoch $e of $E with final factor $f -> $want', ({ e, E, f, want }) => {
    expect(learningRateScale(e, E, f)).toBeCloseTo(want, 12);
  });
});

describe('adaptive gradient clipping', () => {
  it('reports the gradient norm, clips a step whose norm is far above the running average, and updates the average', () => {
    const model = createVae(resolveVaeConfig(small));
    try {
      const vars = vaeVariables(model);
      const rows = train.x.slice(0, 16 * L);
      const adam = new Adam(vars, { learningRate: 1e-3 });
      const clip = { factor: 2, average: 1e-6 };
      const before = readWeights(model);
      const s = trainStep(model, vars, adam, rows, 16, 1, 1, undefined, clip);
      expect(s.gradientNorm).toBeGreaterThan(1e-3);
      // Clipped to 2e-6: the running average moves by (1 - 0.99) of the clipped norm only.
      expect(clip.average).toBeCloseTo(0.99 * 1e-6 + 0.01 * 2e-6, 12);
      // Adam's first step is lr * sign-like whatever the scale: weights still move.
      expect(readWeights(model)).not.toEqual(before);
      const free = { factor: 2, average: 0 };
      const s2 = trainStep(model, vars, adam, rows, 16, 2, 1, undefined, free);
      expect(free.average).toBeCloseTo(s2.gradientNorm, 3);
      adam.dispose();
    } finally {
      disposeVae(model);
    }
  });

  it('refuses a clip factor in (0, 1]', async () => {
    await expect(trainVae({ train }, { ...quick, gradientClip: 0.5 })).rejects.toThrow(/options.gradientClip/);
  });
});
