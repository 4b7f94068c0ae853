import { describe, expect, it } from 'vitest';
import { deriveSeed, Prng } from './random.js';

describe('Prng', () => {
  it('gives the same stream for the same seed and another for another seed', () => {
    const a = new Prng(42),
      b = new Prng(42),
      c = new Prng(43);
    const sa = Array.from({ length: 8 }, () => a.nextUint32());
    expect(Array.from({ length: 8 }, () => b.nextUint32())).toEqual(sa);
    expect(Array.from({ length: 8 }, () => c.nextUint32())).not.toEqual(sa);
  });

  it('continues exactly from a saved state', () => {
    const a = new Prng(7);
    for (let i = 0; i < 100; i++) a.nextFloat();
    const b = new Prng(a.state());
    expect(Array.from({ length: 20 }, () => b.nextNormal())).toEqual(Array.from({ length: 20 }, () => a.nextNormal()));
  });

  it('draws uniforms in [0, 1) and normals with mean 0 and variance 1 (within 4 standard errors)', () => {
    const r = new Prng(1);
    const N = 40000;
    let su = 0,
      sn = 0,
      sn2 = 0;
    for (let i = 0; i < N; i++) {
      const u = r.nextFloat();
      expect(u >= 0 && u < 1).toBe(true);
      su += u;
      const z = r.nextNormal();
      sn += z;
      sn2 += z * z;
    }
    expect(Math.abs(su / N - 0.5)).toBeLessThan(4 * Math.sqrt(1 / 12 / N));
    expect(Math.abs(sn / N)).toBeLessThan(4 / Math.sqrt(N));
    expect(Math.abs(sn2 / N - 1)).toBeLessThan(4 * Math.sqrt(2 / N));
  });

  it('nextInt is within range and hits every value', () => {
    const r = new Prng(5);
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) {
      const k = r.nextInt(7);
      expect(k >= 0 && k < 7).toBe(true);
      seen.add(k);
    }
    expect(seen.size).toBe(7);
  });

  it('shuffles into a permutation, reproducibly', () => {
    const p = new Prng(9).shuffle(Int32Array.from({ length: 50 }, (_, i) => i));
    const q = new Prng(9).shuffle(Int32Array.from({ length: 50 }, (_, i) => i));
    expect(Array.from(p)).toEqual(Array.from(q));
    expect([...p].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(Array.from(p)).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('deriveSeed separates labels and seeds', () => {
    const seeds = new Set([deriveSeed(1, 'a'), deriveSeed(1, 'b'), deriveSeed(2, 'a'), deriveSeed(2, 'b')]);
    expect(seeds.size).toBe(4);
    expect(deriveSeed(1, 'a')).toBe(deriveSeed(1, 'a'));
  });
});
