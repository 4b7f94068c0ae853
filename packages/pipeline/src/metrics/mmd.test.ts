import { describe, expect, it } from 'vitest';
import { computeMmd, medianPairwiseDistance } from './mmd.js';
import { MetricInputError } from './errors.js';
import { createRandom } from './matrix.js';

const f64 = (...v: number[]) => Float64Array.from(v);

function gaussianSample(n: number, d: number, shift: number, seed: number): Float64Array {
  const random = createRandom(seed);
  const out = new Float64Array(n * d);
  for (let i = 0; i < out.length; i += 2) {
    // Box-Muller: two standard normals per pair of uniforms.
    const r = Math.sqrt(-2 * Math.log(1 - random()));
    const t = 2 * Math.PI * random();
    out[i] = r * Math.cos(t) + shift;
    if (i + 1 < out.length) out[i + 1] = r * Math.sin(t) + shift;
  }
  return out;
}

describe('computeMmd', () => {
  it('matches a hand computation on 2 + 2 points in 1-D with sigma = 1', () => {
    // x = {0, 1}, y = {2, 4}, k(a, b) = exp(-(a - b)^2 / 2).
    // XX: 1/(2*1) * 2 k(0,1)       = e^-0.5                        = 0.6065306597
    // YY: 1/(2*1) * 2 k(2,4)       = e^-2                          = 0.1353352832
    // XY: 2/(2*2) * (k(0,2) + k(0,4) + k(1,2) + k(1,4))
    //   = 0.5 * (e^-2 + e^-8 + e^-0.5 + e^-4.5)
    //   = 0.5 * (0.1353352832 + 0.0003354626 + 0.6065306597 + 0.0111089965) = 0.3766552010
    // MMD_u^2 = 0.6065306597 + 0.1353352832 - 0.3766552010 = 0.3652107419
    const r = computeMmd(f64(0, 1), 2, f64(2, 4), 2, 1, { bandwidth: 1 });
    expect(r.mmd2).toBeCloseTo(0.3652107419, 9);
    expect(r.bandwidth).toBe(1);
    expect(r).toMatchObject({ estimator: 'unbiased', nx: 2, ny: 2 });
  });

  it('matches a hand computation of the biased estimator', () => {
    // Same points; diagonal terms k = 1 are included and divided by m^2 = n^2 = 4:
    // XX: (2 + 2 e^-0.5) / 4 = (2 + 1.2130613194) / 4 = 0.8032653299
    // YY: (2 + 2 e^-2) / 4   = (2 + 0.2706705665) / 4 = 0.5676676416
    // MMD_b^2 = 0.8032653299 + 0.5676676416 - 0.3766552010 = 0.9942777705
    const r = computeMmd(f64(0, 1), 2, f64(2, 4), 2, 1, { bandwidth: 1, estimator: 'biased' });
    expect(r.mmd2).toBeCloseTo(0.9942777705, 9);
  });

  it.each([
    // pooled {0, 1, 2, 4}: distances 1, 2, 4, 1, 3, 2 -> sorted 1 1 2 2 3 4 -> (2 + 2)/2 = 2
    { x: [0, 1], y: [2, 4], sigma: 2 },
    // pooled {0, 1, 3, 7}: distances 1, 3, 7, 2, 6, 4 -> sorted 1 2 3 4 6 7 -> (3 + 4)/2 = 3.5
    { x: [0, 1], y: [3, 7], sigma: 3.5 },
    // pooled {0, 0, 0, 5}: distances 0, 0, 5, 0, 5, 5 -> median 2.5 (not zero, no fallback)
    { x: [0, 0], y: [0, 5], sigma: 2.5 },
    // pooled {0, 0, 0, 0, 0, 2}: 10 zeros and 5 twos -> median 0 -> median of non-zero = 2
    { x: [0, 0, 0], y: [0, 0, 2], sigma: 2 },
    // all points equal -> sigma falls back to 1
    { x: [3, 3], y: [3, 3], sigma: 1 },
  ])('median heuristic: sigma = $sigma for x = $x, y = $y', ({ x, y, sigma }) => {
    const r = computeMmd(f64(...x), x.length, f64(...y), y.length, 1);
    expect(r.bandwidth).toBeCloseTo(sigma, 12);
  });

  it('median selection agrees with sorting on random data', () => {
    for (const n of [2, 3, 7, 20, 41]) {
      const data = gaussianSample(n, 3, 0, n);
      const dist: number[] = [];
      for (let a = 0; a < n; a++) {
        for (let b = a + 1; b < n; b++) {
          let s = 0;
          for (let c = 0; c < 3; c++) s += (data[a * 3 + c]! - data[b * 3 + c]!) ** 2;
          dist.push(Math.sqrt(s));
        }
      }
      dist.sort((p, q) => p - q);
      const h = dist.length >> 1;
      const expected = dist.length % 2 ? dist[h]! : (dist[h - 1]! + dist[h]!) / 2;
      expect(medianPairwiseDistance(data, n, 3)).toBeCloseTo(expected, 12);
    }
  });

  it('is exactly 0 for a set against itself (biased) and near 0 (unbiased)', () => {
    const x = gaussianSample(60, 2, 0, 1);
    expect(computeMmd(x, 60, x, 60, 2, { estimator: 'biased' }).mmd2).toBeCloseTo(0, 12);
    // The U-statistic of a sample against itself is 2 (Kbar - 1) / m, with Kbar the mean
    // off-diagonal kernel value: never positive, and O(1/m).
    const u = computeMmd(x, 60, x, 60, 2).mmd2;
    expect(u).toBeLessThanOrEqual(0);
    expect(u).toBeGreaterThan(-2 / 60);
  });

  it('is symmetric in its two samples', () => {
    const x = gaussianSample(40, 2, 0, 2);
    const y = gaussianSample(30, 2, 0.7, 3);
    const a = computeMmd(x, 40, y, 30, 2);
    const b = computeMmd(y, 30, x, 40, 2);
    expect(a.mmd2).toBeCloseTo(b.mmd2, 12);
    expect(a.bandwidth).toBeCloseTo(b.bandwidth, 12);
  });

  it('grows with the shift between two Gaussians', () => {
    const x = gaussianSample(80, 2, 0, 4);
    const values = [0, 0.5, 1, 2].map((shift) => computeMmd(x, 80, gaussianSample(80, 2, shift, 5), 80, 2, { bandwidth: 1 }).mmd2);
    for (let i = 1; i < values.length; i++) expect(values[i]!).toBeGreaterThan(values[i - 1]!);
    expect(Math.abs(values[0]!)).toBeLessThan(0.03);
  });

  it('subsamples deterministically to maxRows', () => {
    const x = gaussianSample(300, 2, 0, 6);
    const y = gaussianSample(250, 2, 1, 7);
    const a = computeMmd(x, 300, y, 250, 2, { maxRows: 50, seed: 9 });
    const b = computeMmd(x, 300, y, 250, 2, { maxRows: 50, seed: 9 });
    const c = computeMmd(x, 300, y, 250, 2, { maxRows: 50, seed: 10 });
    expect(a).toEqual(b);
    expect(a).toMatchObject({ nx: 50, ny: 50 });
    expect(c.mmd2).not.toBe(a.mmd2);
  });

  it.each([
    { name: 'shape mismatch', run: () => computeMmd(f64(0, 1, 2), 2, f64(0, 1), 2, 1) },
    { name: 'one row (unbiased)', run: () => computeMmd(f64(0), 1, f64(0, 1), 2, 1) },
    { name: 'zero bandwidth', run: () => computeMmd(f64(0, 1), 2, f64(0, 1), 2, 1, { bandwidth: 0 }) },
  ])('rejects $name', ({ run }) => {
    expect(run).toThrow(MetricInputError);
  });

  it('accepts one row per side for the biased estimator', () => {
    // k(0, 2) with sigma = 1: e^-2; MMD_b^2 = 1 + 1 - 2 e^-2 = 1.7293294335
    expect(computeMmd(f64(0), 1, f64(2), 1, 1, { bandwidth: 1, estimator: 'biased' }).mmd2).toBeCloseTo(1.7293294335, 9);
  });
});
