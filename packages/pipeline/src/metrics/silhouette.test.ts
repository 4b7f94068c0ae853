import { describe, expect, it } from 'vitest';
import { computeSilhouette } from './silhouette.js';
import { MetricInputError } from './errors.js';
import { createRandom } from './matrix.js';

const f64 = (...v: number[]) => Float64Array.from(v);

describe('computeSilhouette', () => {
  it.each([
    {
      // A = {0, 1}, B = {4, 6} on a line.
      // 0: a = 1, b = (4 + 6)/2 = 5,   s = (5 - 1)/5     = 0.8
      // 1: a = 1, b = (3 + 5)/2 = 4,   s = (4 - 1)/4     = 0.75
      // 4: a = 2, b = (4 + 3)/2 = 3.5, s = (3.5 - 2)/3.5 = 0.4285714286
      // 6: a = 2, b = (6 + 5)/2 = 5.5, s = (5.5 - 2)/5.5 = 0.6363636364
      // mean = 2.6149350649 / 4 = 0.6537337662
      name: 'two clusters of two',
      points: [0, 1, 4, 6],
      labels: ['A', 'A', 'B', 'B'],
      samples: [0.8, 0.75, 1.5 / 3.5, 3.5 / 5.5],
      score: 0.6537337662,
    },
    {
      // {0, 1} labelled a, {5} alone: the singleton gets s = 0.
      // 0: a = 1, b = 5, s = 0.8;  1: a = 1, b = 4, s = 0.75;  mean = 1.55 / 3
      name: 'a singleton cluster',
      points: [0, 1, 5],
      labels: ['a', 'a', 'b'],
      samples: [0.8, 0.75, 0],
      score: 1.55 / 3,
    },
    {
      // A wrongly labelled point: 2 (label B) sits next to 0 and 1 (label A).
      // 0: a = 1,          b = mean(2, 10) = 6,  s = 5/6
      // 1: a = 1,          b = mean(1, 9) = 5,   s = 4/5
      // 2: a = 8,          b = mean(2, 1) = 1.5, s = (1.5 - 8)/8 = -0.8125
      // 10: a = 8,         b = mean(10, 9) = 9.5, s = 1.5/9.5
      name: 'a misplaced point',
      points: [0, 1, 2, 10],
      labels: [0, 0, 1, 1],
      samples: [5 / 6, 4 / 5, -0.8125, 1.5 / 9.5],
      score: (5 / 6 + 4 / 5 - 0.8125 + 1.5 / 9.5) / 4,
    },
  ])('matches a hand computation: $name', ({ points, labels, samples, score }) => {
    const r = computeSilhouette(f64(...points), points.length, 1, labels);
    expect(r.score).toBeCloseTo(score, 9);
    samples.forEach((s, i) => expect(r.samples[i]).toBeCloseTo(s, 12));
  });

  it('uses Euclidean distance in several dimensions', () => {
    // (0,0),(0,1) vs (3,4),(3,5): from (0,0): a = 1, b = (5 + sqrt(34))/2.
    const r = computeSilhouette(f64(0, 0, 0, 1, 3, 4, 3, 5), 4, 2, ['p', 'p', 'q', 'q']);
    const b = (5 + Math.sqrt(34)) / 2;
    expect(r.samples[0]).toBeCloseTo((b - 1) / b, 12);
  });

  it('gives s = 0 for coincident points of two labels', () => {
    expect(computeSilhouette(f64(1, 1, 1, 1), 4, 1, ['a', 'a', 'b', 'b']).score).toBe(0);
  });

  it('stays in [-1, 1] on random data and labels', () => {
    const random = createRandom(3);
    for (let trial = 0; trial < 20; trial++) {
      const n = 5 + Math.floor(random() * 30);
      const points = Float64Array.from({ length: n * 3 }, () => random() * 10 - 5);
      const labels = Array.from({ length: n }, (_, i) => (i < 2 ? i : Math.floor(random() * 4)));
      const r = computeSilhouette(points, n, 3, labels);
      expect(r.score).toBeGreaterThanOrEqual(-1);
      expect(r.score).toBeLessThanOrEqual(1);
      for (const s of r.samples) expect(Math.abs(s)).toBeLessThanOrEqual(1);
    }
  });

  it('rejects a single label and a label count mismatch', () => {
    expect(() => computeSilhouette(f64(0, 1, 2), 3, 1, ['a', 'a', 'a'])).toThrow(MetricInputError);
    expect(() => computeSilhouette(f64(0, 1, 2), 3, 1, ['a', 'b'])).toThrow(/expected 3 labels/);
  });
});
