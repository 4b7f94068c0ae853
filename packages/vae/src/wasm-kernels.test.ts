import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './node/backend.js';
import { useExplicitTransposeMatMul } from './wasm-kernels.js';

beforeAll(async () => { await initBackend('wasm'); });

describe('useExplicitTransposeMatMul', () => {
  it('is in place after initBackend and idempotent', () => {
    expect(useExplicitTransposeMatMul('wasm')).toBe(true);
    expect(useExplicitTransposeMatMul('no-such-backend')).toBe(false);
  });

  it.each([
    { ta: false, tb: false, a: [3, 4], b: [4, 5] },
    { ta: true, tb: false, a: [4, 3], b: [4, 5] },
    { ta: false, tb: true, a: [3, 4], b: [5, 4] },
    { ta: true, tb: true, a: [4, 3], b: [5, 4] },
    { ta: true, tb: false, a: [2, 4, 3], b: [2, 4, 5] },
    { ta: false, tb: true, a: [1, 3, 4], b: [1, 5, 4] },
  ])('matMul(transposeA=$ta, transposeB=$tb) of $a and $b matches a plain JS product and leaks nothing', ({ ta, tb, a, b }) => {
    const av = Float32Array.from({ length: a.reduce((x, y) => x * y) }, (_, i) => Math.sin(i + 1));
    const bv = Float32Array.from({ length: b.reduce((x, y) => x * y) }, (_, i) => Math.cos(2 * i));
    const before = tf.memory().numTensors;
    const out = tf.tidy(() => tf.matMul(tf.tensor(av, a), tf.tensor(bv, b), ta, tb));
    const got = out.dataSync();
    const shape = out.shape;
    out.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const r = a.length;
    const batch = r === 3 ? a[0]! : 1;
    const [am, ak] = ta ? [a[r - 1]!, a[r - 2]!] : [a[r - 2]!, a[r - 1]!];
    const bn = tb ? b[r - 2]! : b[r - 1]!;
    expect(shape.slice(-2)).toEqual([am, bn]);
    const A = (s: number, i: number, k: number): number => av[s * a[r - 2]! * a[r - 1]! + (ta ? k * am + i : i * ak + k)]!;
    const B = (s: number, k: number, j: number): number => bv[s * b[r - 2]! * b[r - 1]! + (tb ? j * ak + k : k * bn + j)]!;
    for (let s = 0; s < batch; s++) for (let i = 0; i < am; i++) for (let j = 0; j < bn; j++) {
      let v = 0;
      for (let k = 0; k < ak; k++) v += A(s, i, k) * B(s, k, j);
      expect(got[s * am * bn + i * bn + j]).toBeCloseTo(v, 5);
    }
  });

  it('keeps gradients through a dense layer right (checked against finite differences)', () => {
    const x = tf.tensor2d([[0.3, -0.2, 0.5], [0.1, 0.4, -0.6]]);
    const w = tf.variable(tf.tensor2d([[0.2, -0.1], [0.05, 0.3], [-0.4, 0.25]]));
    const f = (): tf.Scalar => tf.sum(tf.square(tf.matMul(x, w)));
    const { grads } = tf.variableGrads(f, [w]);
    const g = grads[w.name]!.dataSync();
    const base = w.dataSync().slice();
    const h = 1e-2;
    for (let i = 0; i < base.length; i++) {
      const probe = (d: number): number => { const v = base.slice(); v[i] += d; w.assign(tf.tensor2d(v, [3, 2])); return tf.tidy(() => f().dataSync()[0]!); };
      expect(g[i]).toBeCloseTo((probe(h) - probe(-h)) / (2 * h), 3);
    }
    tf.dispose([x, w, grads[w.name]!]);
  });
});
