import { describe, expect, it } from 'vitest';
import { computePrecisionRecall } from './precision-recall.js';
import { MetricInputError } from './errors.js';
import { createRandom } from './matrix.js';

const f64 = (...v: number[]) => Float64Array.from(v);

function uniformCloud(n: number, d: number, shift: number, seed: number): Float64Array {
  const random = createRandom(seed);
  return Float64Array.from({ length: n * d }, () => random() + shift);
}

describe('computePrecisionRecall', () => {
  it('matches a hand computation in 1-D with k = 1', () => {
    // real = {0, 1, 2, 3}: every real radius (nearest other real) is 1.
    // fake = {0.5, 1.5, 10}: fake radii are 1 (0.5 -> 1.5), 1 (1.5 -> 0.5), 8.5 (10 -> 1.5).
    // precision: 0.5 (< 1 from 0) yes, 1.5 yes, 10 no                 -> 2/3
    // recall:    0, 1, 2 lie within 1 of 0.5 or 1.5; 3 is 1.5 from 1.5 (not < 1) but
    //            7 from 10 < 8.5: the outlier's huge ball covers it      -> 4/4
    // density:   0.5 is inside the balls of 0 and 1; 1.5 of 1 and 2; 10 of none
    //            -> (2 + 2 + 0) / (k M = 1 * 3)                          = 4/3
    // coverage:  nearest fake to 0, 1, 2 is 0.5 away (< 1); to 3 it is 1.5 -> 3/4
    const r = computePrecisionRecall(f64(0, 1, 2, 3), 4, f64(0.5, 1.5, 10), 3, 1, 1);
    expect(r.precision).toBeCloseTo(2 / 3, 12);
    expect(r.recall).toBe(1);
    expect(r.density).toBeCloseTo(4 / 3, 12);
    expect(r.coverage).toBe(0.75);
    expect(r).toMatchObject({ nr: 4, nf: 3 });
  });

  it('uses strict balls: a fake point exactly on a radius is outside', () => {
    // real = {0, 2}, k = 1: radii 2. fake = {4, 4.5}: 4 is exactly 2 from real 2 -> outside.
    const r = computePrecisionRecall(f64(0, 2), 2, f64(4, 4.5), 2, 1, 1);
    expect(r.precision).toBe(0);
    expect(r.coverage).toBe(0);
  });

  it('gives precision = recall = coverage = 1 for a set against itself', () => {
    const x = uniformCloud(50, 2, 0, 1);
    const r = computePrecisionRecall(x, 50, x, 50, 2, 3);
    expect(r).toMatchObject({ precision: 1, recall: 1, coverage: 1 });
    expect(r.density).toBeGreaterThan(0.8);
  });

  it('loses precision and coverage as the fake set shifts away', () => {
    const real = uniformCloud(80, 2, 0, 2);
    const results = [0, 0.25, 0.5, 3].map((shift) => computePrecisionRecall(real, 80, uniformCloud(80, 2, shift, 3), 80, 2, 5));
    for (let i = 1; i < results.length; i++) {
      expect(results[i]!.precision).toBeLessThan(results[i - 1]!.precision);
      expect(results[i]!.coverage).toBeLessThan(results[i - 1]!.coverage);
    }
    expect(results[0]!.precision).toBeGreaterThan(0.85);
    expect(results[3]!).toMatchObject({ precision: 0, recall: 0, density: 0, coverage: 0 });
  });

  it('separates fidelity from diversity: a collapsed generator has precision but no recall', () => {
    // fake = 40 copies of points near one corner of the real square: all inside the real
    // manifold (precision 1), but they cover only a small part of it.
    const real = uniformCloud(100, 2, 0, 4);
    const fake = uniformCloud(40, 2, 0, 5).map((v) => 0.4 + 0.1 * v);
    const r = computePrecisionRecall(real, 100, fake, 40, 2, 5);
    expect(r.precision).toBe(1);
    expect(r.recall).toBeLessThan(0.2);
    expect(r.coverage).toBeLessThan(0.2);
  });

  it('subsamples deterministically', () => {
    const real = uniformCloud(120, 2, 0, 6);
    const fake = uniformCloud(120, 2, 0.2, 7);
    const a = computePrecisionRecall(real, 120, fake, 120, 2, 3, { maxRows: 40, seed: 1 });
    expect(a).toEqual(computePrecisionRecall(real, 120, fake, 120, 2, 3, { maxRows: 40, seed: 1 }));
    expect(a).toMatchObject({ nr: 40, nf: 40 });
  });

  it.each([0, 3, 2.5])('rejects k = %s when a set has 3 rows', (k) => {
    expect(() => computePrecisionRecall(f64(0, 1, 2), 3, f64(0, 1, 2, 3), 4, 1, k)).toThrow(MetricInputError);
  });
});
