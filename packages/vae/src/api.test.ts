import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeUnits, decode, encode, interpolate, klPerDimension, latentStatistics, reconstruct, sample } from './api.js';
import { resolveVaeConfig } from './config.js';
import { VaeDataError } from './errors.js';
import { createVae, disposeVae, type VaeModel } from './model.js';
import { splitSynthetic, useBackend } from './test-support/backend.js';

const L = 24;
const D = 3;
const { train } = splitSynthetic([40, 0, 0], L, 5);
let model: VaeModel;

beforeAll(async () => {
  await useBackend('wasm');
  model = createVae(resolveVaeConfig({ seriesLength: L, latentDim: D, hiddenUnits: [16] }));
});
afterAll(() => disposeVae(model));

describe('inference API', () => {
  it('returns batched Float32Arrays of the right sizes', () => {
    const { mu, logVar } = encode(model, train.x, train.n);
    expect(mu).toBeInstanceOf(Float32Array);
    expect(mu.length).toBe(40 * D);
    expect(logVar.length).toBe(40 * D);
    expect(decode(model, mu, 40).length).toBe(40 * L);
    expect(reconstruct(model, train.x, 40).length).toBe(40 * L);
    expect(sample(model, 7, 1).length).toBe(7 * L);
    expect(encode(model, new Float32Array(0), 0).mu.length).toBe(0);
  });

  it('encodes row by row: a batch equals its rows encoded one at a time', () => {
    const { mu } = encode(model, train.x.subarray(0, 3 * L), 3);
    const row1 = encode(model, train.x.subarray(L, 2 * L), 1).mu;
    Array.from(row1).forEach((v, d) => expect(mu[D + d]).toBeCloseTo(v, 5));
  });

  it('leaks no tensor across encode, decode, reconstruct, sample, interpolate and statistics', () => {
    encode(model, train.x.subarray(0, 2 * L), 2); // warm-up
    const before = tf.memory().numTensors;
    const { mu } = encode(model, train.x, train.n);
    decode(model, mu, train.n);
    reconstruct(model, train.x, train.n);
    sample(model, 5, 3);
    interpolate(model, train.x.subarray(0, L), train.x.subarray(L, 2 * L), 4);
    latentStatistics(model, train);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('reconstruct decodes the posterior mean', () => {
    const { mu } = encode(model, train.x.subarray(0, 4 * L), 4);
    expect(reconstruct(model, train.x.subarray(0, 4 * L), 4)).toEqual(decode(model, mu, 4));
  });

  it('samples reproducibly per seed', () => {
    expect(sample(model, 3, 9)).toEqual(sample(model, 3, 9));
    expect(sample(model, 3, 9)).not.toEqual(sample(model, 3, 10));
  });

  it('interpolates linearly between the two posterior means, endpoints included', () => {
    const a = train.x.slice(0, L),
      b = train.x.slice(L, 2 * L);
    const r = interpolate(model, a, b, 5);
    expect(r.t).toEqual([0, 0.25, 0.5, 0.75, 1]);
    const { mu } = encode(model, train.x.subarray(0, 2 * L), 2);
    for (let d = 0; d < D; d++) {
      expect(r.z[d]).toBeCloseTo(mu[d]!, 6);
      expect(r.z[4 * D + d]).toBeCloseTo(mu[D + d]!, 6);
      expect(r.z[2 * D + d]).toBeCloseTo((mu[d]! + mu[D + d]!) / 2, 6);
    }
    expect(r.x.slice(0, L)).toEqual(decode(model, r.z.slice(0, D), 1));
    expect(r.x.length).toBe(5 * L);
  });

  it('computes KL per dimension and active units from the posterior', () => {
    const s = latentStatistics(model, train);
    const { mu, logVar } = encode(model, train.x, train.n);
    let kl0 = 0,
      m0 = 0;
    for (let i = 0; i < train.n; i++) {
      kl0 += 0.5 * (mu[i * D]! ** 2 + Math.exp(logVar[i * D]!) - 1 - logVar[i * D]!);
      m0 += mu[i * D]!;
    }
    m0 /= train.n;
    let v0 = 0;
    for (let i = 0; i < train.n; i++) v0 += (mu[i * D]! - m0) ** 2;
    expect(s.klPerDim[0]).toBeCloseTo(kl0 / train.n, 6);
    expect(s.meanVariance[0]).toBeCloseTo(v0 / train.n, 8);
    expect(klPerDimension(model, train)).toEqual(s.klPerDim);
    expect(activeUnits(model, train)).toBe(s.meanVariance.filter((v) => v > 0.01).length);
    expect(activeUnits(model, train, Infinity)).toBe(0);
    expect(activeUnits(model, train, 0)).toBe(D);
  });

  it.each([
    {
      name: 'encode with a wrong size',
      run: () => encode(model, new Float32Array(L + 1), 1),
      msg: /x: expected n \* seriesLength = 1 \* 24 = 24 values; got 25/,
    },
    { name: 'decode with a wrong size', run: () => decode(model, new Float32Array(4), 1), msg: /z: expected n \* latentDim = 1 \* 3 = 3 values; got 4/ },
    { name: 'encode of a NaN', run: () => encode(model, new Float32Array(L).fill(Number.NaN), 1), msg: /x: value NaN at series 0, time step 0/ },
    { name: 'a plain array', run: () => encode(model, [1, 2] as unknown as Float32Array, 1), msg: /x: expected a Float32Array/ },
    { name: 'interpolate with 1 step', run: () => interpolate(model, train.x.slice(0, L), train.x.slice(0, L), 1), msg: /steps: expected an integer >= 2/ },
  ])('rejects $name with a VaeDataError', ({ run, msg }) => {
    expect(run).toThrow(VaeDataError);
    expect(run).toThrow(msg);
  });
});
