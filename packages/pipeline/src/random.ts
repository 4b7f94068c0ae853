/**
 * Seeded randomness for the pipeline. Every random choice derives from a user seed and a
 * position (sample index, dimension), never from call order, so results do not depend on how
 * work is split between workers or shards.
 */

/** 32-bit mixing function (the finaliser of MurmurHash3 / splitmix32): avalanche on every bit. */
function mix32(x: number): number {
  let h = x >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * A 32-bit seed derived from a seed and a position, a list of integers (sample index,
 * dimension). (The vae package's `deriveSeed` derives one from a seed and a label.)
 */
export function deriveIndexedSeed(seed: number, ...keys: number[]): number {
  let h = mix32((seed >>> 0) ^ 0x9e3779b9);
  for (const k of keys) h = mix32(h ^ mix32((k >>> 0) + 0x7f4a7c15));
  return h;
}

/** Uniform [0, 1) generator: mulberry32, fast and good enough for sampling designs. */
export function createRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seeded Fisher–Yates permutation of 0..n-1. */
export function permutation(n: number, seed: number): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  const random = createRandom(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const tmp = p[i]!;
    p[i] = p[j]!;
    p[j] = tmp;
  }
  return p;
}
