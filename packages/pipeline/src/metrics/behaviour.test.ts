import { describe, expect, it } from 'vitest';
import { behaviourMix, behaviourPreservation, checkBehaviour, finalLevel, halfRiseTime, mixDistance } from './behaviour.js';

const L = 256;
const t = Array.from({ length: L }, (_, j) => (1000 * j) / (L - 1));
/** A spiky oscillation like the oligator's: a narrow raised-cosine pulse every `period`. */
const pulses = (period: number, height: number, phase = 0) =>
  Float32Array.from(t, (s) => {
    const u = ((((s - phase) % period) + period) % period) / period;
    return u < 0.3 ? height * 0.5 * (1 - Math.cos((2 * Math.PI * u) / 0.3)) : 0;
  });
/** A logistic rise from 0 to `top` with its midpoint at `mid`. */
const rise = (mid: number, top: number, k = 0.05) => Float32Array.from(t, (s) => top / (1 + Math.exp(-k * (s - mid))));

describe('checkBehaviour: oscillations', () => {
  it.each([
    { name: 'identical', recon: pulses(100, 1), peaksAndPeriod: true, amplitude: true },
    { name: 'period 3 % longer (same peak count)', recon: pulses(103, 1), peaksAndPeriod: true, amplitude: true },
    { name: 'period 8 % longer', recon: pulses(108, 1), peaksAndPeriod: false, amplitude: true },
    { name: 'amplitude 15 % low', recon: pulses(100, 0.85), peaksAndPeriod: true, amplitude: false },
    { name: 'amplitude 5 % low', recon: pulses(100, 0.95), peaksAndPeriod: true, amplitude: true },
    { name: 'peaks smeared into a flat line', recon: Float32Array.from(t, () => 0.15), peaksAndPeriod: false, amplitude: false },
  ])('$name', ({ recon, peaksAndPeriod, amplitude }) => {
    const c = checkBehaviour(t, pulses(100, 1), recon);
    expect(c.kind).toBe('oscillation');
    expect(c.input).toBe('oscillating');
    expect(c.peaksAndPeriod).toBe(peaksAndPeriod);
    expect(c.amplitude).toBe(amplitude);
    expect(c.preserved).toBe(peaksAndPeriod && amplitude);
  });
});

describe('checkBehaviour: levels', () => {
  it.each([
    { name: 'identical', recon: rise(300, 1), finalLevel: true, halfRise: true },
    { name: 'final level 3 % low', recon: rise(300, 0.97), finalLevel: true, halfRise: true },
    { name: 'final level 8 % low', recon: rise(300, 0.92), finalLevel: false, halfRise: true },
    { name: 'rise 30 min later (3 % of the window)', recon: rise(330, 1), finalLevel: true, halfRise: true },
    { name: 'rise 80 min later (8 % of the window)', recon: rise(380, 1), finalLevel: true, halfRise: false },
    { name: 'no rise at all', recon: Float32Array.from(t, () => 1), finalLevel: true, halfRise: false },
  ])('$name', ({ recon, finalLevel: f, halfRise: h }) => {
    const c = checkBehaviour(t, rise(300, 1), recon);
    expect(c.kind).toBe('level');
    expect(c.finalLevel).toBe(f);
    expect(c.halfRise).toBe(h);
    expect(c.preserved).toBe(f && h);
  });
});

describe('halfRiseTime and finalLevel', () => {
  it('finds the midpoint crossing of a logistic rise and of a decay (closed form)', () => {
    // Logistic: crosses (start + end) / 2 where 1 / (1 + e^{-k(t - m)}) = (s0 + 1) / 2, s0 = 1 / (1 + e^{km}).
    const k = 0.05;
    const m = 300;
    const s0 = 1 / (1 + Math.exp(k * m));
    const exact = m - Math.log(2 / (s0 + 1) - 1) / k;
    expect(halfRiseTime(t, rise(m, 1, k))).toBeCloseTo(exact, 0);
    const decay = Float32Array.from(t, (s) => Math.exp(-s / 100));
    // exp(-t/100) crosses (1 + e^-10)/2 at t = -100 ln((1 + e^-10) / 2); linear interpolation error < 0.2 min here.
    expect(halfRiseTime(t, decay)!).toBeCloseTo(-100 * Math.log((1 + finalLevel(decay)) / 2), 0);
  });
  it('is null for a series that ends where it starts', () => {
    expect(halfRiseTime(t, pulses(100, 1))).toBeNull();
  });
  it('final level is the mean of the last 5 %', () => {
    const y = Float32Array.from({ length: 100 }, (_, i) => (i >= 95 ? 2 : 0));
    expect(finalLevel(y)).toBe(2);
  });
});

describe('behaviourPreservation and behaviour mixes', () => {
  it('summarises per family', () => {
    const inputs = [pulses(100, 1), pulses(100, 1), rise(300, 1), rise(300, 1)];
    const recons = [pulses(100, 1), pulses(120, 1), rise(300, 1), rise(300, 0.5)];
    const x = new Float32Array(4 * L);
    const r = new Float32Array(4 * L);
    inputs.forEach((s, i) => x.set(s, i * L));
    recons.forEach((s, i) => r.set(s, i * L));
    const report = behaviourPreservation({ x, n: 4, length: L, family: ['osc', 'osc', 'amp', 'amp'], times: [t, t, t, t] }, r);
    expect(report.overall.preserved).toBe(0.5);
    expect(report.byFamily['osc']!.oscillating).toEqual({ rows: 2, peaksAndPeriod: 0.5, amplitude: 1, preserved: 0.5 });
    expect(report.byFamily['amp']!.level).toEqual({ rows: 2, finalLevel: 0.5, halfRise: 1, preserved: 0.5 });
    expect(report.byFamily['amp']!.oscillating.rows).toBe(0);
  });
  it('mix fractions sum to 1 and the distance is the largest gap in points', () => {
    const x = new Float32Array(4 * L);
    [pulses(100, 1), pulses(90, 1), rise(300, 1), rise(500, 1)].forEach((s, i) => x.set(s, i * L));
    const mix = behaviourMix(x, 4, L, t);
    expect(mix).toEqual({ oscillating: 0.5, 'settles-high': 0.5 });
    expect(mixDistance(mix, { oscillating: 0.25, 'settles-high': 0.5, flat: 0.25 })).toBeCloseTo(25, 10);
  });
});
