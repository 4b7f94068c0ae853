import { describe, expect, it } from 'vitest';
import { createRandom } from '../random.js';
import { proposeBatch, PROPOSAL_DEFAULTS } from './propose.js';

describe('proposeBatch', () => {
  it('stays in the unit cube and is the same for the same seed', () => {
    const elites = [{ unit: Float64Array.from([0, 0, 0]) }, { unit: Float64Array.from([1, 1, 1]) }];
    const a = proposeBatch(elites, 500, 3, createRandom(7));
    const b = proposeBatch(elites, 500, 3, createRandom(7));
    expect(a).toEqual(b);
    for (const p of a) for (const v of p.unit) expect(v >= 0 && v <= 1).toBe(true);
    expect(proposeBatch(elites, 500, 3, createRandom(8))).not.toEqual(a);
  });

  it('draws the random fraction uniformly and mutates the rest near the elites', () => {
    const elites = [{ unit: Float64Array.from([0.5, 0.5]) }];
    const points = proposeBatch(elites, 2000, 2, createRandom(3)).map((p) => p.unit);
    const randomCount = Math.round(2000 * PROPOSAL_DEFAULTS.randomFraction);
    const mutated = points.slice(randomCount);
    // One elite: the line term is 0 and children are N(0.5, sigmaIso^2) per coordinate.
    const mean = mutated.reduce((s, p) => s + p[0]!, 0) / mutated.length;
    const sd = Math.sqrt(mutated.reduce((s, p) => s + (p[0]! - mean) ** 2, 0) / mutated.length);
    expect(mean).toBeCloseTo(0.5, 2);
    expect(sd).toBeGreaterThan(PROPOSAL_DEFAULTS.sigmaIso * 0.93);
    expect(sd).toBeLessThan(PROPOSAL_DEFAULTS.sigmaIso * 1.07);
    // The random part spreads over the whole cube.
    const spread = points.slice(0, randomCount).filter((p) => Math.abs(p[0]! - 0.5) > 0.3).length;
    expect(spread).toBeGreaterThan(randomCount * 0.3);
  });

  it('moves children along the line to a second elite (Iso+LineDD)', () => {
    // Two elites on the diagonal, no isotropic step: every child lies on the line through them.
    const elites = [{ unit: Float64Array.from([0.4, 0.4]) }, { unit: Float64Array.from([0.6, 0.6]) }];
    const points = proposeBatch(elites, 500, 2, createRandom(9), { sigmaIso: 0, sigmaLine: 0.2, randomFraction: 0 });
    for (const p of points) expect(p.unit[0]).toBeCloseTo(p.unit[1]!, 12);
    expect(new Set(points.map((p) => p.unit[0]!.toFixed(6))).size).toBeGreaterThan(100);
  });

  it("weights an elite by 2^curiosity (clamped to [-4, 6]) / the samples in its cell, and names each child's parent", () => {
    const settings = { sigmaIso: 1e-9, sigmaLine: 0, randomFraction: 0 };
    const share = (elites: { unit: Float64Array; curiosity?: number; count?: number; id: number }[], id: number, seed: number) => {
      const points = proposeBatch(elites, 20_000, 1, createRandom(seed), settings);
      return points.filter((p) => p.parent === id).length / points.length;
    };
    const a = { unit: Float64Array.from([0.1]), id: 11 };
    const b = { unit: Float64Array.from([0.9]), id: 22 };
    // Curiosity 3 against 0: 8 : 1.
    expect(share([{ ...a, curiosity: 3 }, b], 11, 2)).toBeCloseTo(8 / 9, 1);
    // A cell of 9 samples against one of 1: 1 : 9.
    expect(
      share(
        [
          { ...a, count: 9 },
          { ...b, count: 1 },
        ],
        11,
        3,
      ),
    ).toBeCloseTo(1 / 10, 1);
    // A very high score is clamped: 2^6 : 1, not 2^40 : 1.
    expect(share([{ ...a, curiosity: 40 }, b], 22, 4)).toBeCloseTo(1 / 65, 2);
    // Children sit at their parent (no step here), and the parent is named.
    const points = proposeBatch([a, b], 100, 1, createRandom(5), settings);
    for (const p of points) expect(Math.abs(p.unit[0]! - (p.parent === 11 ? 0.1 : 0.9))).toBeLessThan(1e-6);
  });

  it('an empty archive gives uniform random points, with no parent', () => {
    const points = proposeBatch([], 100, 2, createRandom(1));
    expect(points).toHaveLength(100);
    expect(Math.max(...points.map((p) => p.unit[0]!))).toBeGreaterThan(0.9);
    expect(points.every((p) => p.parent === -1)).toBe(true);
  });
});
