/**
 * Seeded sin / sigmoid series, the paper's stand-ins for PEN DNA toolbox traces (oscillators
 * and switches): used by the tests and the quality check. Not part of the public API.
 */
import type { SeriesSet } from '../data.js';
import { Prng } from '../random.js';

/** Shape family of a synthetic series. */
export type Family = 'sin' | 'sigmoid' | 'mix';

/** A synthetic set with the family of each series. */
export interface SyntheticSet extends SeriesSet {
  readonly families: Family[];
}

/**
 * n series of `length` steps, each min-max normalised to [0, 1]. With t in [0, 1]:
 * - sin: offset + sign * amp * sin(2 pi c t + phase), c in [0.5, 4] cycles per window;
 * - sigmoid: offset + dir * amp / (1 + exp(-k (t - t0))), k in [5, 40], t0 in [0.2, 0.8];
 * - mix: a sin plus a sigmoid, each drawn as above.
 * Amplitudes in [0.5, 2], offsets in [-1, 1]; signs/directions +-1. Family chosen uniformly.
 */
export function syntheticSeries(n: number, length: number, seed: number, families: readonly Family[] = ['sin', 'sigmoid', 'mix']): SyntheticSet {
  const rng = new Prng(seed);
  const x = new Float32Array(n * length);
  const fam: Family[] = [];
  const y = new Float64Array(length);
  const sign = (): number => (rng.nextFloat() < 0.5 ? -1 : 1);
  for (let i = 0; i < n; i++) {
    const f = families[rng.nextInt(families.length)]!;
    fam.push(f);
    y.fill(rng.uniform(-1, 1));
    if (f === 'sin' || f === 'mix') {
      const c = rng.uniform(0.5, 4);
      const phase = rng.uniform(0, 2 * Math.PI);
      const a = sign() * rng.uniform(0.5, 2);
      for (let t = 0; t < length; t++) y[t]! += a * Math.sin(2 * Math.PI * c * (t / (length - 1)) + phase);
    }
    if (f === 'sigmoid' || f === 'mix') {
      const k = rng.uniform(5, 40);
      const t0 = rng.uniform(0.2, 0.8);
      const a = sign() * rng.uniform(0.5, 2);
      for (let t = 0; t < length; t++) y[t]! += a / (1 + Math.exp(-k * (t / (length - 1) - t0)));
    }
    let lo = Infinity;
    let hi = -Infinity;
    for (let t = 0; t < length; t++) {
      lo = Math.min(lo, y[t]!);
      hi = Math.max(hi, y[t]!);
    }
    const span = hi - lo || 1;
    for (let t = 0; t < length; t++) x[i * length + t] = (y[t]! - lo) / span;
  }
  return { x, n, length, families: fam };
}
