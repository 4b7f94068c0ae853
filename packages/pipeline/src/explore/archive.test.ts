import { describe, expect, it } from 'vitest';
import { buildArchive, cellOf, filledCurve, fitLatentGrid } from './archive.js';

describe('latent grid archive', () => {
  const grid = {
    cellsPerSide: 4,
    bounds: [
      [0, 4],
      [0, 4],
    ] as [[number, number], [number, number]],
  };

  it.each([
    [0.5, 0.5, 0],
    [3.9, 0.1, 3],
    [0.1, 3.9, 12],
    [2.5, 1.5, 6],
    // Outside the bounds: the edge cell, not lost.
    [-10, 2.5, 8],
    [10, 10, 15],
    [Number.NaN, 1, -1],
  ])('cellOf(%d, %d) = %d (row-major y * G + x)', (x, y, cell) => {
    expect(cellOf(grid, x, y)).toBe(cell);
  });

  it('fits the whole encoded range with a 5 % margin, skipping NaN rows', () => {
    const g = fitLatentGrid(Float32Array.from([0, -1, 2, 3, Number.NaN, Number.NaN, 1, 1]), 8);
    expect(g.cellsPerSide).toBe(8);
    expect(g.bounds[0][0]).toBeCloseTo(-0.1, 6);
    expect(g.bounds[0][1]).toBeCloseTo(2.1, 6);
    expect(g.bounds[1][0]).toBeCloseTo(-1.2, 6);
    expect(g.bounds[1][1]).toBeCloseTo(3.2, 6);
  });

  it('keeps per cell the sample nearest its centre (earlier on a tie), and places NaN rows nowhere', () => {
    // Cell 0 has centre (0.5, 0.5): sample 1 is nearer than 0; 2 ties with 1 and comes later.
    const z = Float32Array.from([0.1, 0.1, 0.4, 0.6, 0.6, 0.4, 3.5, 3.5, Number.NaN, 0]);
    const a = buildArchive(grid, z);
    expect([...a.cells]).toEqual([0, 0, 0, 15, -1]);
    expect([...a.elites.entries()]).toEqual([
      [0, 1],
      [15, 3],
    ]);
  });

  it('filledCurve counts distinct cells after every k samples, and after the last', () => {
    expect(filledCurve(Int32Array.from([3, 3, -1, 4, 5, 3, 7]), 3)).toEqual([1, 3, 4]);
  });
});
