import { describe, expect, it } from 'vitest';
import { projectPca2 } from './pca-projection.js';
import { MetricInputError } from './errors.js';
import { createRandom } from './matrix.js';

const f64 = (...v: number[]) => Float64Array.from(v);

describe('projectPca2', () => {
  it('matches a hand computation on 4 points in 2-D', () => {
    // Points (2,0), (-2,0), (0,1), (0,-1): mean 0, covariance diag(8/3, 2/3) (divisor 3).
    // PC1 = (1, 0), PC2 = (0, 1) (largest loading made positive); scores are the points.
    const r = projectPca2(f64(2, 0, -2, 0, 0, 1, 0, -1), 4, 2);
    expect([...r.components]).toEqual([1, 0, 0, 1]);
    expect([...r.coords]).toEqual([2, 0, -2, 0, 0, 1, 0, -1]);
    expect(r.variance[0]).toBeCloseTo(8 / 3, 12);
    expect(r.variance[1]).toBeCloseTo(2 / 3, 12);
    expect(r.varianceRatio[0]).toBeCloseTo(0.8, 12);
  });

  it('finds a rotated axis: points on the line y = x', () => {
    // (t, t) for t = -1, 0, 1 plus a small orthogonal offset ±0.1 on the middle points.
    // PC1 = (1, 1)/sqrt(2); scores along it are t*sqrt(2).
    const r = projectPca2(f64(-1, -1, 0.1, -0.1, -0.1, 0.1, 1, 1), 4, 2);
    expect(r.components[0]).toBeCloseTo(Math.SQRT1_2, 10);
    expect(r.components[1]).toBeCloseTo(Math.SQRT1_2, 10);
    expect(r.coords[0]).toBeCloseTo(-Math.SQRT2, 10);
    expect(r.coords[6]).toBeCloseTo(Math.SQRT2, 10);
    expect(Math.abs(r.coords[3]!)).toBeCloseTo(0.1 * Math.SQRT2, 10);
  });

  it('returns orthonormal eigenvectors of the covariance in 10-D', () => {
    const random = createRandom(11);
    const n = 200;
    const d = 10;
    // Anisotropic cloud: column c scaled by (c + 1), then mixed by a fixed rotation-ish map.
    const points = new Float64Array(n * d);
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < d; c++) points[i * d + c] = (random() - 0.5) * (c + 1) + 0.3 * (random() - 0.5) * (d - c);
    }
    const r = projectPca2(points, n, d);
    const mean = new Float64Array(d);
    for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) mean[c]! += points[i * d + c]! / n;
    const cov = (a: number, b: number) => {
      let s = 0;
      for (let i = 0; i < n; i++) s += (points[i * d + a]! - mean[a]!) * (points[i * d + b]! - mean[b]!);
      return s / (n - 1);
    };
    for (let pc = 0; pc < 2; pc++) {
      const v = r.components.subarray(pc * d, pc * d + d);
      // C v = lambda v
      for (let a = 0; a < d; a++) {
        let cv = 0;
        for (let b = 0; b < d; b++) cv += cov(a, b) * v[b]!;
        expect(cv).toBeCloseTo(r.variance[pc]! * v[a]!, 8);
      }
      expect(v.reduce((s, x) => s + x * x, 0)).toBeCloseTo(1, 12);
    }
    let dot = 0;
    for (let c = 0; c < d; c++) dot += r.components[c]! * r.components[d + c]!;
    expect(dot).toBeCloseTo(0, 12);
    expect(r.variance[0]).toBeGreaterThanOrEqual(r.variance[1]);
    // Score variance equals the eigenvalue.
    let s0 = 0;
    for (let i = 0; i < n; i++) s0 += r.coords[i * 2]! ** 2;
    expect(s0 / (n - 1)).toBeCloseTo(r.variance[0], 8);
  });

  it('rejects one dimension', () => {
    expect(() => projectPca2(f64(1, 2, 3), 3, 1)).toThrow(MetricInputError);
  });
});
