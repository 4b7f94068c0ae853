import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './node/backend.js';
import { useExplicitTransposeMatMul, useGemmConvGradients } from './wasm-kernels.js';

beforeAll(async () => {
  await initBackend('wasm');
});

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
    for (let s = 0; s < batch; s++)
      for (let i = 0; i < am; i++)
        for (let j = 0; j < bn; j++) {
          let v = 0;
          for (let k = 0; k < ak; k++) v += A(s, i, k) * B(s, k, j);
          expect(got[s * am * bn + i * bn + j]).toBeCloseTo(v, 5);
        }
  });

  it('keeps gradients through a dense layer right (checked against finite differences)', () => {
    const x = tf.tensor2d([
      [0.3, -0.2, 0.5],
      [0.1, 0.4, -0.6],
    ]);
    const w = tf.variable(
      tf.tensor2d([
        [0.2, -0.1],
        [0.05, 0.3],
        [-0.4, 0.25],
      ]),
    );
    const f = (): tf.Scalar => tf.sum(tf.square(tf.matMul(x, w)));
    const { grads } = tf.variableGrads(f, [w]);
    const g = grads[w.name]!.dataSync();
    const base = w.dataSync().slice();
    const h = 1e-2;
    for (let i = 0; i < base.length; i++) {
      const probe = (d: number): number => {
        const v = base.slice();
        v[i]! += d;
        w.assign(tf.tensor2d(v, [3, 2]));
        return tf.tidy(() => f().dataSync()[0]!);
      };
      expect(g[i]).toBeCloseTo((probe(h) - probe(-h)) / (2 * h), 3);
    }
    tf.dispose([x, w, grads[w.name]!]);
  });
});

/** Direct-loop reference convolution geometry (NHWC, 'same' or 'valid' padding, unit dilation), as TensorFlow defines it. */
function convReference(xShape: number[], fShape: number[], strides: [number, number], pad: 'same' | 'valid') {
  const [B, H, W, C] = xShape as [number, number, number, number];
  const [FH, FW, , O] = fShape as [number, number, number, number];
  const [SH, SW] = strides;
  const OH = pad === 'same' ? Math.ceil(H / SH) : Math.ceil((H - FH + 1) / SH);
  const OW = pad === 'same' ? Math.ceil(W / SW) : Math.ceil((W - FW + 1) / SW);
  const top = pad === 'same' ? Math.floor(Math.max(0, (OH - 1) * SH + FH - H) / 2) : 0;
  const left = pad === 'same' ? Math.floor(Math.max(0, (OW - 1) * SW + FW - W) / 2) : 0;
  const each = (f: (b: number, oh: number, ow: number, kh: number, kw: number, ih: number, iw: number) => void) => {
    for (let b = 0; b < B; b++)
      for (let oh = 0; oh < OH; oh++)
        for (let ow = 0; ow < OW; ow++)
          for (let kh = 0; kh < FH; kh++)
            for (let kw = 0; kw < FW; kw++) {
              const ih = oh * SH + kh - top;
              const iw = ow * SW + kw - left;
              if (ih >= 0 && ih < H && iw >= 0 && iw < W) f(b, oh, ow, kh, kw, ih, iw);
            }
  };
  const xi = (b: number, h: number, w: number, c: number) => ((b * H + h) * W + w) * C + c;
  const yi = (b: number, h: number, w: number, o: number) => ((b * OH + h) * OW + w) * O + o;
  const fi = (kh: number, kw: number, c: number, o: number) => ((kh * FW + kw) * C + c) * O + o;
  return {
    yShape: [B, OH, OW, O],
    /** dW[kh, kw, c, o] = sum over b, oh, ow of x[b, ih, iw, c] * dy[b, oh, ow, o]. */
    filterGrad(x: Float32Array, dy: Float32Array): Float64Array {
      const dw = new Float64Array(FH * FW * C * O);
      each((b, oh, ow, kh, kw, ih, iw) => {
        for (let c = 0; c < C; c++) for (let o = 0; o < O; o++) dw[fi(kh, kw, c, o)]! += x[xi(b, ih, iw, c)]! * dy[yi(b, oh, ow, o)]!;
      });
      return dw;
    },
    /** dx[b, ih, iw, c] = sum over the taps that read it of w[kh, kw, c, o] * dy[b, oh, ow, o]. */
    inputGrad(w: Float32Array, dy: Float32Array): Float64Array {
      const dx = new Float64Array(B * H * W * C);
      each((b, oh, ow, kh, kw, ih, iw) => {
        for (let c = 0; c < C; c++) for (let o = 0; o < O; o++) dx[xi(b, ih, iw, c)]! += w[fi(kh, kw, c, o)]! * dy[yi(b, oh, ow, o)]!;
      });
      return dx;
    },
  };
}

describe('useGemmConvGradients', () => {
  it('is in place after initBackend (the stock wasm backend has no Conv2DBackpropFilter) and idempotent', () => {
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
    expect(useGemmConvGradients('wasm')).toBe(true);
    expect(useGemmConvGradients('no-such-backend')).toBe(false);
  });

  it.each([
    { name: 'conv1d stride 2 same (encoder)', x: [3, 1, 16, 2], f: [1, 5, 2, 3], s: [1, 2] as [number, number], pad: 'same' as const },
    { name: 'conv1d stride 1 same, length-major (decoder)', x: [2, 12, 1, 4], f: [5, 1, 4, 3], s: [1, 1] as [number, number], pad: 'same' as const },
    { name: 'conv1d stride 3 valid', x: [2, 1, 17, 3], f: [1, 4, 3, 2], s: [1, 3] as [number, number], pad: 'valid' as const },
    { name: 'conv2d 3x3 stride 2 same, even input', x: [2, 6, 8, 2], f: [3, 3, 2, 4], s: [2, 2] as [number, number], pad: 'same' as const },
    { name: 'one output channel', x: [4, 1, 9, 5], f: [1, 3, 5, 1], s: [1, 1] as [number, number], pad: 'same' as const },
  ])('$name: both gradients match a direct loop and leak nothing', ({ x: xs, f: fs, s, pad }) => {
    const ref = convReference(xs, fs, s, pad);
    const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
    const xv = Float32Array.from({ length: size(xs) }, (_, i) => Math.sin(0.7 * i + 0.3));
    const wv = Float32Array.from({ length: size(fs) }, (_, i) => Math.cos(1.3 * i));
    const dyv = Float32Array.from({ length: size(ref.yShape) }, (_, i) => Math.sin(2.1 * i + 1));
    const before = tf.memory().numTensors;
    const [dw, dx] = tf.tidy(() => {
      const x = tf.tensor4d(xv, xs as [number, number, number, number]);
      const w = tf.tensor4d(wv, fs as [number, number, number, number]);
      const dy = tf.tensor4d(dyv, ref.yShape as [number, number, number, number]);
      // The gradients of sum(conv(x, w) * dy) w.r.t. w and x are exactly the two backprop kernels.
      // tf.grads types its function's arguments as plain Tensors; x and w above are rank 4.
      const g = tf.grads((a, b) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, s, pad), dy)));
      const [gx, gw] = g([x, w]);
      return [gw!, gx!];
    });
    const gotW = dw.dataSync();
    const gotX = dx.dataSync();
    tf.dispose([dw, dx]);
    expect(tf.memory().numTensors).toBe(before);
    const wantW = ref.filterGrad(xv, dyv);
    const wantX = ref.inputGrad(wv, dyv);
    expect(gotW.length).toBe(wantW.length);
    expect(gotX.length).toBe(wantX.length);
    // float32 sums of up to a few hundred O(1) products: 1e-4 absolute.
    wantW.forEach((v, i) => expect(Math.abs(gotW[i]! - v)).toBeLessThan(1e-4));
    wantX.forEach((v, i) => expect(Math.abs(gotX[i]! - v)).toBeLessThan(1e-4));
  });
});
