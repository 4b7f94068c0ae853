import { describe, expect, it } from 'vitest';
import { newRow, type DatasetRow } from '../dataset/schema.js';
import { descriptorInputs, descriptorLength, fitDescriptorScale } from './descriptor.js';

const L = 128;

/** A converged row whose window is `values` (stored min-max scaled, as a sweep stores it). */
function rowOf(values: number[], id = 0): DatasetRow {
  const row = newRow({ sampleId: id, network: 'n', family: 'n', seed: 0, parameters: new Float64Array(0) }, 1);
  const min = Math.min(...values);
  const max = Math.max(...values);
  const scale = max > min ? max - min : 1;
  row.series = Float32Array.from(values, (v) => (v - min) / scale);
  row.offset = min;
  row.scale = scale;
  return row;
}

const wave = (period: number, phase: number, lo: number, hi: number) =>
  Array.from({ length: L }, (_, j) => lo + ((hi - lo) * (1 + Math.sin((2 * Math.PI * j) / period + phase))) / 2);

describe('descriptorInputs', () => {
  const scale = { top: 100, unit: 1 };

  it('is the autocorrelation of the shape (cos at the period for a sine), then the sorted log levels', () => {
    const x = descriptorInputs([rowOf(wave(16, 0, 10, 100))], scale, L);
    const half = descriptorLength(L) / 2;
    expect(x.length).toBe(2 * half);
    // Biased autocorrelation of a sine over 8 whole periods: (1 - lag / L) cos(2 pi lag / 16), within 0.02.
    for (const lag of [0, 4, 8, 16, 32]) expect(x[lag]).toBeCloseTo((1 - lag / L) * Math.cos((2 * Math.PI * lag) / 16), 1);
    // Levels: from log(1 + 10) / log(101) at the trough to 1 at the top, non-decreasing.
    expect(x[half]).toBeCloseTo(Math.log1p(10) / Math.log1p(100), 2);
    expect(x[2 * half - 1]).toBeCloseTo(1, 5);
    for (let k = half + 1; k < 2 * half; k++) expect(x[k]! >= x[k - 1]! - 1e-7).toBe(true);
  });

  it('does not see the phase of an oscillation, but sees its period and its amplitude', () => {
    const [a, b, c, d] = [wave(16, 0, 10, 100), wave(16, 1.3, 10, 100), wave(32, 0, 10, 100), wave(16, 0, 1, 10)].map((v) =>
      descriptorInputs([rowOf(v)], scale, L),
    );
    const distance = (p: Float32Array, q: Float32Array) => Math.sqrt(p.reduce((s, v, i) => s + (v - q[i]!) ** 2, 0));
    // Another phase moves the input by a window-edge effect only (0.25 here), another period
    // (6.1) or another amplitude (3.6) by far more; the raw trace would move by ~9 for the phase.
    expect(distance(a!, b!)).toBeLessThan(0.1 * Math.min(distance(a!, c!), distance(a!, d!)));
  });

  it('gives a constant trace autocorrelation 0 beyond lag 0 and its level everywhere', () => {
    const x = descriptorInputs([rowOf(Array.from({ length: L }, () => 42))], scale, L);
    const half = descriptorLength(L) / 2;
    expect(x[0]).toBe(1);
    expect(Array.from(x.subarray(1, half)).every((v) => v === 0)).toBe(true);
    for (let k = half; k < 2 * half; k++) expect(x[k]).toBeCloseTo(Math.log1p(42) / Math.log1p(100), 5);
  });

  it('fits the shared scale on the largest value of the first rows', () => {
    expect(fitDescriptorScale([rowOf(wave(16, 0, 0, 30)), rowOf(wave(8, 0, 5, 250))])).toEqual({ top: expect.closeTo(250, 3), unit: expect.closeTo(2.5, 5) });
    expect(fitDescriptorScale([])).toEqual({ top: 1, unit: 0.01 });
  });
});
