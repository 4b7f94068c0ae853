import { describe, expect, it } from 'vitest';
import { computeInterpolationSmoothness } from './interpolation.js';
import { MetricInputError } from './errors.js';

const f64 = (...v: number[]) => Float64Array.from(v);

describe('computeInterpolationSmoothness', () => {
  it.each([
    {
      // 1-D series (L = 1) visiting 0, 1, 3: steps 1, 2 -> mean 1.5, max 2 -> 4/3.
      // second difference 3 - 2*1 + 0 = 1 -> mean 1; mean squared step (1 + 4)/2 = 2.5 -> 0.4.
      // path length 3, endpoint distance 3 -> 1.
      name: 'accelerating',
      path: [0, 1, 3],
      length: 1,
      expected: { maxStepRatio: 4 / 3, roughness: 0.4, pathLengthRatio: 1, meanStep: 1.5 },
    },
    {
      // 0, 1, 0, 1: steps all 1 -> ratio 1; second differences -2, 2 -> squares 4, 4 -> 4/1;
      // path length 3, endpoints 1 apart -> 3.
      name: 'zig-zag',
      path: [0, 1, 0, 1],
      length: 1,
      expected: { maxStepRatio: 1, roughness: 4, pathLengthRatio: 3, meanStep: 1 },
    },
    {
      // A linear blend of two series of length 3, 5 steps: constant velocity.
      name: 'linear blend',
      path: [0, 1, 2, 0.5, 1, 1.5, 1, 1, 1, 1.5, 1, 0.5, 2, 1, 0],
      length: 3,
      expected: { maxStepRatio: 1, roughness: 0, pathLengthRatio: 1, meanStep: Math.sqrt(0.5) },
    },
    {
      // A jump: 0, 0, 0, 3 (L = 1). Steps 0, 0, 3 -> mean 1, max 3 = S - 1.
      // second differences 0, 3 -> mean of squares 4.5; mean squared step 3 -> 1.5.
      name: 'jump at the end',
      path: [0, 0, 0, 3],
      length: 1,
      expected: { maxStepRatio: 3, roughness: 1.5, pathLengthRatio: 1, meanStep: 1 },
    },
  ])('matches a hand computation: $name', ({ path, length, expected }) => {
    const r = computeInterpolationSmoothness(f64(...path), path.length / length, length);
    for (const [key, value] of Object.entries(expected)) {
      expect(r[key as keyof typeof expected]).toBeCloseTo(value, 12);
    }
  });

  it('is scale-free', () => {
    const path = f64(0, 1, 3, 2, 5, 4);
    const a = computeInterpolationSmoothness(path, 3, 2);
    const b = computeInterpolationSmoothness(
      path.map((v) => 7 * v),
      3,
      2,
    );
    expect(b.maxStepRatio).toBeCloseTo(a.maxStepRatio, 12);
    expect(b.roughness).toBeCloseTo(a.roughness, 12);
    expect(b.meanStep).toBeCloseTo(7 * a.meanStep, 12);
  });

  it('returns NaN (not an error) for a constant path and roughness NaN for 2 steps', () => {
    expect(computeInterpolationSmoothness(f64(1, 1, 1), 3, 1).maxStepRatio).toBeNaN();
    expect(computeInterpolationSmoothness(f64(0, 1), 2, 1).roughness).toBeNaN();
  });

  it('rejects a single step', () => {
    expect(() => computeInterpolationSmoothness(f64(1, 2), 1, 2)).toThrow(MetricInputError);
  });
});
