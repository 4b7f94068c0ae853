import { describe, expect, it } from 'vitest';
import { linearDecodability } from './decodability.js';

/** Deterministic pseudo-random numbers in [-1, 1). */
const noise = (i: number) => ((Math.sin(i * 12.9898) * 43758.5453) % 1) * 2 - 1 || 0;

describe('linearDecodability', () => {
  it('recovers R² = 1 for an exact linear function and ~0 for an unrelated one', () => {
    const d = 3;
    const make = (n: number, off: number) => {
      const z = Float64Array.from({ length: n * d }, (_, i) => noise(i + off));
      const y = Array.from({ length: n }, (_, i) => 2 * z[i * d]! - 0.5 * z[i * d + 2]! + 7);
      const junk = Array.from({ length: n }, (_, i) => noise(10_000 + i + off));
      return { z, y, junk };
    };
    const fit = make(200, 0);
    const score = make(100, 5000);
    expect(linearDecodability({ z: fit.z, y: fit.y }, { z: score.z, y: score.y }, d).r2).toBeCloseTo(1, 9);
    const r = linearDecodability({ z: fit.z, y: fit.junk }, { z: score.z, y: score.junk }, d).r2!;
    expect(Math.abs(r)).toBeLessThan(0.15);
  });

  it('matches the closed form of simple regression with noise', () => {
    // y = 3 z + e on both sets: the held-out R² equals 1 - SSE/SST computed by hand from the fitted line.
    const z = [0, 1, 2, 3, 4, 5];
    const y = [0.1, 2.9, 6.2, 8.8, 12.1, 15.0];
    const n = z.length;
    const mz = z.reduce((a, b) => a + b) / n;
    const my = y.reduce((a, b) => a + b) / n;
    const slope = z.reduce((s, v, i) => s + (v - mz) * (y[i]! - my), 0) / z.reduce((s, v) => s + (v - mz) ** 2, 0);
    const icept = my - slope * mz;
    const sse = z.reduce((s, v, i) => s + (y[i]! - (slope * v + icept)) ** 2, 0);
    const sst = y.reduce((s, v) => s + (v - my) ** 2, 0);
    expect(linearDecodability({ z, y }, { z, y }, 1).r2).toBeCloseTo(1 - sse / sst, 9);
  });

  it('skips rows without a value and refuses too few rows', () => {
    const z = [0, 1, 2, 3];
    expect(linearDecodability({ z, y: [1, null, 3, NaN] }, { z, y: [1, 2, 3, 4] }, 1)).toEqual({ fitRows: 2, scoreRows: 4, r2: null });
  });
});
