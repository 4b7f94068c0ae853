import { makeTimeGrid } from '@penvae/simulator';
import { describe, expect, it } from 'vitest';
import { gridTimes, resolveGridSpec, windowTimes } from './time-grid.js';

describe('the raw time grid of simulations and sweeps', () => {
  it.each<[{ tEnd?: number; step?: number }, { end: number; step: number } | undefined, number]>([
    [{ tEnd: 100, step: 0.3 }, undefined, 334],
    [{ tEnd: 6000 }, { end: 3000, step: 10 }, 601],
    [{}, { end: 3000, step: 10 }, 301],
    [{ tEnd: 0.5 }, undefined, 2], // no step anywhere: min(1, tEnd), the simulator's rule
  ])("%o on a network with time %o: the simulator's grid, t_k = k step", (options, time, points) => {
    const spec = resolveGridSpec({ name: 'n', ...(time ? { time } : {}) }, options, 'n.json');
    expect(spec.points).toBe(points);
    const t = gridTimes(spec);
    expect(t).toEqual(makeTimeGrid(options.tEnd ?? time!.end, options.step ?? time?.step ?? Math.min(1, options.tEnd!)));
  });

  it.each([
    [{ tEnd: -1 }, /--t-end -1: expected a finite number > 0/],
    [{ tEnd: 10, step: 0 }, /--step 0: expected a finite number > 0/],
    [{ tEnd: 10, step: 20 }, /--step 20: expected a step <= the last time \(10 min\)/],
    [{ tEnd: 1e7, step: 1 }, /the grid would have 10000001 points; at most 1000000 are allowed/],
    [{}, /n\.json has no "time" grid: give --t-end/],
  ])('%o is refused by flag', (options, message) => {
    expect(() => resolveGridSpec({ name: 'n' }, options, 'n.json')).toThrow(message);
  });

  it('a normalised series spans its window, both ends included', () => {
    expect(windowTimes([1000, 3000], 5)).toEqual([1000, 1500, 2000, 2500, 3000]);
  });
});
