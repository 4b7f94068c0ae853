import { describe, expect, it } from 'vitest';
import { VaeDataError } from './errors.js';
import { fitPca, pcaInverseTransform, pcaReconstruct, pcaTransform, relativeMse, symmetricEigen } from './pca.js';
import { Prng } from './random.js';

/** 2-D points (a + b, a - b): spread along (1, 1)/sqrt2 with variance 2 E[a^2] = 5, along (1, -1)/sqrt2 with 2 E[b^2] = 0.5. */
function crossData(): { x: Float64Array; n: number; a: number[]; b: number[] } {
  const a: number[] = [];
  const b: number[] = [];
  for (const ai of [-2, -1, 1, 2])
    for (const bi of [-0.5, 0.5]) {
      a.push(ai);
      b.push(bi);
    }
  const x = new Float64Array(a.length * 2);
  a.forEach((ai, i) => {
    x[2 * i] = ai + b[i]! + 3;
    x[2 * i + 1] = ai - b[i]! - 1;
  });
  return { x, n: a.length, a, b };
}

describe('symmetricEigen', () => {
  it.each([
    { name: '1-D Laplacian 3x3', m: [2, -1, 0, -1, 2, -1, 0, -1, 2], values: [2 + Math.SQRT2, 2, 2 - Math.SQRT2] },
    { name: 'diagonal, unsorted', m: [1, 0, 0, 0, 3, 0, 0, 0, 2], values: [3, 2, 1] },
    { name: 'rank one (1,1,1)(1,1,1)^T', m: [1, 1, 1, 1, 1, 1, 1, 1, 1], values: [3, 0, 0] },
  ])('recovers the eigenvalues of $name', ({ m, values }) => {
    const e = symmetricEigen(m, 3);
    values.forEach((v, i) => expect(e.values[i]).toBeCloseTo(v, 12));
  });

  it('returns orthonormal eigenvectors with A v = lambda v on a random 20 x 20 matrix', () => {
    const N = 20;
    const rng = new Prng(3);
    const A = new Float64Array(N * N);
    for (let i = 0; i < N; i++)
      for (let j = i; j < N; j++) {
        const v = rng.uniform(-1, 1);
        A[i * N + j] = v;
        A[j * N + i] = v;
      }
    const { values, vectors } = symmetricEigen(A, N);
    for (let k = 0; k < N; k++) {
      for (let i = 0; i < N; i++) {
        let av = 0;
        for (let j = 0; j < N; j++) av += A[i * N + j]! * vectors[k * N + j]!;
        expect(av).toBeCloseTo(values[k]! * vectors[k * N + i]!, 10);
      }
      for (let l = 0; l < N; l++) {
        let dot = 0;
        for (let j = 0; j < N; j++) dot += vectors[k * N + j]! * vectors[l * N + j]!;
        expect(dot).toBeCloseTo(k === l ? 1 : 0, 12);
      }
      if (k > 0) expect(values[k]).toBeLessThanOrEqual(values[k - 1]!);
    }
  });
});

describe('fitPca', () => {
  it('finds the known principal axes and variances of a 2-D cross', () => {
    const { x, n } = crossData();
    const pca = fitPca(x, n, 2, 2);
    expect(Array.from(pca.mean)).toEqual([3, -1]);
    expect(pca.eigenvalues[0]).toBeCloseTo(5, 12);
    expect(pca.eigenvalues[1]).toBeCloseTo(0.5, 12);
    expect(pca.totalVariance).toBeCloseTo(5.5, 12);
    const s = Math.SQRT1_2;
    // Sign convention: the largest-magnitude entry is positive (first one on ties).
    [s, s, s, -s].forEach((v, i) => expect(pca.components[i]).toBeCloseTo(v, 12));
  });

  it('scores points by their coordinates along the axes', () => {
    const { x, n, a, b } = crossData();
    const pca = fitPca(x, n, 2, 2);
    const scores = pcaTransform(pca, x, n);
    a.forEach((ai, i) => {
      expect(scores[2 * i]).toBeCloseTo(Math.SQRT2 * ai, 12);
      expect(scores[2 * i + 1]).toBeCloseTo(Math.SQRT2 * b[i]!, 12);
    });
    const back = pcaInverseTransform(pca, scores, n);
    back.forEach((v, i) => expect(v).toBeCloseTo(x[i]!, 12));
  });

  it('reconstructs data of exact rank k exactly with k components, and not with k - 1', () => {
    const n = 60,
      L = 16,
      k = 3;
    const rng = new Prng(11);
    const basis = Array.from({ length: k * L }, () => rng.uniform(-1, 1));
    const offset = Array.from({ length: L }, () => rng.uniform(-2, 2));
    const x = new Float64Array(n * L);
    for (let i = 0; i < n; i++) {
      const c = Array.from({ length: k }, () => rng.nextNormal());
      for (let t = 0; t < L; t++) {
        let v = offset[t]!;
        for (let j = 0; j < k; j++) v += c[j]! * basis[j * L + t]!;
        x[i * L + t] = v;
      }
    }
    const exact = pcaReconstruct(fitPca(x, n, L, k), x, n);
    let maxErr = 0;
    for (let i = 0; i < x.length; i++) maxErr = Math.max(maxErr, Math.abs(exact[i]! - x[i]!));
    expect(maxErr).toBeLessThan(1e-10);
    expect(relativeMse(x, exact, L)).toBeLessThan(1e-20);
    expect(relativeMse(x, pcaReconstruct(fitPca(x, n, L, k - 1), x, n), L)).toBeGreaterThan(1e-3);
  });

  it('with k = 0 predicts the per-step mean, so relativeMse is exactly 1', () => {
    const { x, n } = crossData();
    const pca = fitPca(x, n, 2, 0);
    expect(relativeMse(x, pcaReconstruct(pca, x, n), 2)).toBeCloseTo(1, 14);
  });

  it.each([
    { name: 'k > L', call: () => fitPca(new Float64Array(4), 2, 2, 3), field: 'k' },
    { name: 'size mismatch', call: () => fitPca(new Float64Array(5), 2, 2, 1), field: 'x' },
    { name: 'NaN', call: () => fitPca(Float64Array.from([0, 1, Number.NaN, 2]), 2, 2, 1), field: 'x' },
    { name: 'no series', call: () => fitPca(new Float64Array(0), 0, 2, 1), field: 'x' },
  ])('rejects $name with a VaeDataError', ({ call, field }) => {
    expect(call).toThrow(VaeDataError);
    try {
      call();
    } catch (e) {
      expect((e as VaeDataError).field).toBe(field);
    }
  });
});

describe('relativeMse', () => {
  // x = [[0, 1], [2, 3]]: per-step means (1, 2); sum of squares about them = 4.
  const x = [0, 1, 2, 3];
  it.each([
    { name: 'perfect', xhat: [0, 1, 2, 3], want: 0 },
    { name: 'per-step mean', xhat: [1, 2, 1, 2], want: 1 },
    { name: 'all off by 1', xhat: [1, 2, 3, 4], want: 1 },
    { name: 'one entry off by 2', xhat: [2, 1, 2, 3], want: 1 },
    { name: 'global mean 1.5', xhat: [1.5, 1.5, 1.5, 1.5], want: (2.25 + 0.25 + 0.25 + 2.25) / 4 },
  ])('is $want for $name', ({ xhat, want }) => {
    expect(relativeMse(x, xhat, 2)).toBeCloseTo(want, 14);
  });
  it('is NaN for constant data and rejects mismatched sizes', () => {
    expect(relativeMse([1, 1, 1, 1], [1, 1, 1, 1], 2)).toBeNaN();
    expect(() => relativeMse([1, 2], [1], 1)).toThrow(VaeDataError);
    expect(() => relativeMse([1, 2, 3], [1, 2, 3], 2)).toThrow(/divisor/);
  });
});
