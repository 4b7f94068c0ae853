import { describe, expect, it } from 'vitest';
import { AUTO_WINDOW_SKIP, chooseWindow, resolveNormalization } from './normalize.js';
import type { TimeGridSpec } from './schema.js';

const grid: TimeGridSpec = { start: 0, step: 10, points: 301 };
const t = Array.from({ length: grid.points }, (_, k) => k * grid.step);
/** A start-up spike 4x the sustained pulses that follow (the oligator's shape), period `p`. */
const oscillator = (p: number) => Float32Array.from(t, (s) => 80 * Math.exp(-s / 60) + 20 * Math.max(0, Math.sin((2 * Math.PI * s) / p)) ** 8);
/** A logistic rise to a plateau, half-way at `mid`. */
const riser = (mid: number) => Float32Array.from(t, (s) => 50 / (1 + Math.exp(-(s - mid) / 40)));

describe('chooseWindow', () => {
  it('leaves out the start-up transient when a quarter or more of the series oscillate', () => {
    const series = [oscillator(290), oscillator(310), riser(300), riser(500)];
    const { window, rule } = chooseWindow(series, grid);
    expect(window).toEqual([AUTO_WINDOW_SKIP * 3000, 3000]);
    expect(rule).toMatch(/2 of 4 samples oscillate; the first 25 % of the grid \(start-up transient\) is left out/);
  });

  it('ends a settling dataset 50 % after 95 % of the series have settled, on a grid point', () => {
    // Logistic rises settle (within 2 % of their range of the final value) about 4 * 40 * ln(7)... after mid;
    // the latest of these settles last, and the window must contain it with a margin.
    const series = [riser(300), riser(400), riser(500)];
    const { window, rule } = chooseWindow(series, grid);
    const last = series[2]!;
    const final = last[last.length - 1]!;
    let settle = last.length - 1;
    while (settle > 0 && Math.abs(last[settle - 1]! - final) <= 0.02 * (final - last[0]!)) settle--;
    expect(window[0]).toBe(0);
    expect(window[1]).toBe(Math.ceil(1.5 * settle) * grid.step);
    expect(window[1]! % grid.step).toBe(0);
    expect(rule).toMatch(/0 of 3 samples oscillate; 95 % settle/);
  });

  it('keeps the whole grid when the series settle late, or when there is nothing to judge', () => {
    expect(chooseWindow([riser(2000)], grid).window).toEqual([0, 3000]);
    expect(chooseWindow([], grid)).toEqual({ window: [0, 3000], rule: 'auto: no usable series to choose from; the whole grid' });
    expect(chooseWindow([Float32Array.from(t, () => NaN)], grid).window).toEqual([0, 3000]);
  });

  it('is what resolveNormalization uses for --window auto, recording the rule', () => {
    const spec = resolveNormalization({ window: 'auto' }, ['a'], grid, () => [oscillator(300)]);
    expect(spec.window).toEqual([750, 3000]);
    expect(spec.windowRule).toMatch(/^auto: 1 of 1 sample oscillates;/);
    const given = resolveNormalization({ window: [100, 200] }, ['a'], grid);
    expect(given.window).toEqual([100, 200]);
    expect(given.windowRule).toBeUndefined();
    expect(() => resolveNormalization({ window: 'auto' }, ['a'], grid)).toThrow(/--window auto/);
  });
});
