/**
 * Random linear systems and reference solves for the linear-solver tests (test support: not
 * part of the package).
 */
import { expect } from 'vitest';
import { createDenseSolver } from '../src/ode/linear-solver.js';

/** mulberry32: a small seeded generator, so every random matrix here is reproducible. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface RandomCase {
  n: number;
  density: number;
  /** Diagonally dominant fac * I - J when true; fac ~ the size of a row's entries otherwise. */
  dominant: boolean;
  seed: number;
}

/** A random pattern (diagonal included) with J values in [-1, 1] on it, and a fac. */
export function randomSystem({ n, density, dominant, seed }: RandomCase): { pattern: Uint8Array; J: Float64Array; fac: number } {
  const r = rng(seed);
  const pattern = new Uint8Array(n * n);
  const J = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i !== j && r() >= density) continue;
      pattern[i * n + j] = 1;
      J[i * n + j] = 2 * r() - 1;
    }
  }
  let maxRow = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += Math.abs(J[i * n + j]!);
    maxRow = Math.max(maxRow, s);
  }
  return { pattern, J, fac: dominant ? 2 * maxRow + 1 : 0.5 + r() };
}

export function randomVector(n: number, seed: number): Float64Array {
  const r = rng(seed);
  return Float64Array.from({ length: n }, () => 2 * r() - 1);
}

/** max |x - y| / max |y|. */
export function relativeError(x: Float64Array, y: Float64Array): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < y.length; i++) {
    diff = Math.max(diff, Math.abs(x[i]! - y[i]!));
    scale = Math.max(scale, Math.abs(y[i]!));
  }
  return diff / scale;
}

export function solveDense(J: Float64Array, fac: number, b: Float64Array): Float64Array {
  const dense = createDenseSolver(b.length);
  expect(dense.factor(J, fac)).toBe(true);
  const x = Float64Array.from(b);
  dense.solve(x);
  return x;
}
