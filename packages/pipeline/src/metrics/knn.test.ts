import { describe, expect, it } from 'vitest';
import { computeKnnAccuracy } from './knn.js';
import { MetricInputError } from './errors.js';

const f64 = (...v: number[]) => Float64Array.from(v);

// Two clusters on a line, {0, 1, 2} = a and {10, 11, 12} = b, plus a stray a at 9 (row 6).
const points = f64(0, 1, 2, 10, 11, 12, 9);
const labels = ['a', 'a', 'a', 'b', 'b', 'b', 'a'];

describe('computeKnnAccuracy', () => {
  it.each([
    // k = 1: row 6 (9) -> nearest 10 (b): wrong. Row 3 (10) has 11 (row 4) and 9 (row 6) both
    // at distance 1: the lower row (4, b) is the neighbour: right. 6/7.
    { k: 1, correct: 6, wrong: 6 },
    // k = 2: row 3 (10) -> 11 (b), 9 (a): a 1-1 vote tie, broken by the nearest (row 4, b): right.
    // Row 6 (9) -> 10, 11: b, b: wrong. 6/7.
    { k: 2, correct: 6, wrong: 6 },
    // k = 3: row 3 -> 11, 9, 12: b a b -> b. Row 6 -> 10, 11, 12 -> b: wrong. 6/7.
    { k: 3, correct: 6, wrong: 6 },
    // k = 6: every other row votes. Row 0 sees 1, 2, 9 (a) and 10, 11, 12 (b): a 3-3 tie,
    // nearest is row 1 (a): right; rows 1, 2 likewise. Row 3 (10) sees 0, 1, 2, 9 (a) and
    // 11, 12 (b): a wins 4-2: wrong; rows 4, 5 likewise. Row 6 (9): 3-3 tie, nearest 10 (b):
    // wrong. 3/7.
    { k: 6, correct: 3, wrong: 3 },
  ])('leave-one-out with k = $k gives $correct/7', ({ k, correct, wrong }) => {
    const r = computeKnnAccuracy(points, 7, 1, labels, k);
    expect(r.correct).toBe(correct);
    expect(r.accuracy).toBeCloseTo(correct / 7, 12);
    expect(r.hits[wrong]).toBe(0);
    expect(r.hits.reduce((s, h) => s + h, 0)).toBe(correct);
  });

  it('breaks a vote tie by the nearest neighbour', () => {
    // Row 0 at 0 with neighbours 1 (row 1, y) and -1.5 (row 2, z): 1-1 tie -> y (nearer).
    expect(computeKnnAccuracy(f64(0, 1, -1.5), 3, 1, ['y', 'y', 'z'], 2).predictions[0]).toBe('y');
    // Mirror the distances: z is now nearer and wins the tie.
    expect(computeKnnAccuracy(f64(0, 1.5, -1), 3, 1, ['y', 'y', 'z'], 2).predictions[0]).toBe('z');
    // Neighbours ranked z, y, y, z (k = 4 at 0): 2-2 tie -> z (its best neighbour is nearest).
    const r = computeKnnAccuracy(f64(0, -1, 2, 3, -4), 5, 1, ['q', 'z', 'y', 'y', 'z'], 4);
    expect(r.predictions[0]).toBe('z');
  });

  it('returns predictions as label strings for numeric labels', () => {
    const r = computeKnnAccuracy(f64(0, 0.1, 5, 5.1), 4, 1, [1, 1, 2, 2], 1);
    expect(r.predictions).toEqual(['1', '1', '2', '2']);
    expect(r.accuracy).toBe(1);
  });

  it.each([0, 7, 1.5])('rejects k = %s', (k) => {
    expect(() => computeKnnAccuracy(points, 7, 1, labels, k)).toThrow(MetricInputError);
  });
});
