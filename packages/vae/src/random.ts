/**
 * Seeded pseudo-random numbers with an explicit, serialisable state, so that a training run can
 * be checkpointed and resumed to exactly the same result.
 *
 * Generator: sfc32 (Chris Doty-Humphrey's "small fast counter", from PractRand), 128 bits of
 * state, passes PractRand to at least 2^40 bytes. Seeding expands one 32-bit seed through
 * splitmix32 (Steele, Lea & Flood 2014) and discards the first 12 outputs, as PractRand advises.
 */

/** The four 32-bit words of an sfc32 generator (a, b, c, counter). */
export type PrngState = readonly [number, number, number, number];

/** splitmix32 step: a strong 32-bit mixer used to expand seeds and hash labels. */
function splitmix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * Derive an independent 32-bit seed from a base seed and a label (FNV-1a of the label mixed
 * through splitmix32), so that e.g. weight initialisation and shuffling use unrelated streams.
 * @example deriveSeed(42, 'shuffle') // always the same uint32
 */
export function deriveSeed(seed: number, label: string): number {
  let h = 0x811c9dc5 ^ splitmix32(seed >>> 0);
  for (let i = 0; i < label.length; i++) {
    h = Math.imul(h ^ label.charCodeAt(i), 0x01000193);
  }
  return splitmix32(h >>> 0);
}

/** A seeded sfc32 generator. Instances are the only mutable state; there is no global stream. */
export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** @param seed a 32-bit unsigned integer, or a state saved by {@link Prng.state}. */
  constructor(seed: number | PrngState) {
    if (typeof seed === 'number') {
      const s0 = splitmix32(seed >>> 0);
      const s1 = splitmix32(s0);
      const s2 = splitmix32(s1);
      this.a = s0;
      this.b = s1;
      this.c = s2;
      this.d = 1;
      for (let i = 0; i < 12; i++) this.nextUint32();
    } else {
      [this.a, this.b, this.c, this.d] = seed;
    }
  }

  /** Next uniformly distributed 32-bit unsigned integer. */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  nextFloat(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform double in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.nextFloat();
  }

  /** Integer in [0, n), unbiased (rejection of the short last interval). */
  nextInt(n: number): number {
    const limit = 4294967296 - (4294967296 % n);
    let r = this.nextUint32();
    while (r >= limit) r = this.nextUint32();
    return r % n;
  }

  /**
   * Standard normal deviate by Box–Muller. Uses two uniforms per call and keeps no spare, so
   * the whole state is the four words returned by {@link Prng.state}.
   */
  nextNormal(): number {
    const u1 = 1 - this.nextFloat(); // (0, 1]: log is finite
    const u2 = this.nextFloat();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** Shuffle `items` in place (Fisher–Yates, Durstenfeld's variant) and return it. */
  shuffle<T extends Int32Array | number[]>(items: T): T {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.nextInt(i + 1);
      const tmp = items[i]!;
      items[i] = items[j]!;
      items[j] = tmp;
    }
    return items;
  }

  /** A copy of the current state; `new Prng(state)` continues the same stream. */
  state(): PrngState {
    return [this.a >>> 0, this.b >>> 0, this.c >>> 0, this.d >>> 0];
  }
}
