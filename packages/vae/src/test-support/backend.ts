/**
 * Test helpers: pick a fast, deterministic backend and build small data sets. Tests use wasm
 * (single-threaded XNNPACK in Node: fast and deterministic) unless they need cpu.
 */
import * as tf from '@tensorflow/tfjs';
import type { SeriesSet } from '../data.js';
import { initBackend } from '../node/backend.js';
import { syntheticSeries, type Family } from './synthetic.js';

/** Switch the tfjs engine to `name` for the tests of one file. */
export async function useBackend(name: 'wasm' | 'cpu' = 'wasm'): Promise<void> {
  await initBackend(name);
  if (tf.getBackend() !== name) throw new Error(`could not select backend ${name}`);
}

/** Split a synthetic set into train / validation / test of the given sizes. */
export function splitSynthetic(
  sizes: [number, number, number],
  length: number,
  seed: number,
  families?: readonly Family[],
): { train: SeriesSet; validation: SeriesSet; test: SeriesSet } {
  const [a, b, c] = sizes;
  const all = syntheticSeries(a + b + c, length, seed, families);
  const slice = (from: number, to: number): SeriesSet => ({ x: all.x.slice(from * length, to * length), n: to - from, length });
  return { train: slice(0, a), validation: slice(a, a + b), test: slice(a + b, a + b + c) };
}
