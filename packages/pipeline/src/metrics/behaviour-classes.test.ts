import { describe, expect, it } from 'vitest';
import { classKey, classOf, fitClassEdges, summarizeBehaviour } from './behaviour-classes.js';

describe('behaviour classes', () => {
  it('summarises an oscillation by its period and amplitude, anything else by its final level in units', () => {
    const series = Float32Array.from({ length: 40 }, (_, i) => (i < 20 ? 0 : 1));
    const osc = { behaviour: 'oscillating', period: 90, amplitude: 12, series, offset: 2, scale: 10 };
    expect(summarizeBehaviour(osc)).toEqual({ label: 'oscillating', period: 90, amplitude: 12 });
    // Final level: mean of the last 5 % (2 samples) of series x scale + offset = 12.
    expect(summarizeBehaviour({ ...osc, behaviour: 'settles-high', period: null, amplitude: null })).toEqual({
      label: 'settles-high',
      period: null,
      amplitude: 12,
    });
    expect(summarizeBehaviour({ ...osc, series: null })).toBeNull();
  });

  it('bins by deciles per label over the union, so each decile holds a tenth of the union', () => {
    const summaries = Array.from({ length: 1000 }, (_, i) => ({ label: 'oscillating', period: i + 1, amplitude: 1000 - i }));
    const flat = Array.from({ length: 10 }, () => ({ label: 'flat', period: null, amplitude: 0 }));
    const edges = fitClassEdges([...summaries, ...flat]);
    const counts = new Map<string, number>();
    for (const s of summaries) {
      const key = classKey(classOf(edges, s));
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    // Period and amplitude are anti-correlated here: 10 classes (p, 11 - p), 100 each.
    expect(counts.size).toBe(10);
    for (let p = 1; p <= 10; p++) expect(counts.get(`oscillating|${p}|${11 - p}`)).toBe(100);
    // Labels without a period have one period bin; equal values share a decile.
    expect(classOf(edges, flat[0]!)).toEqual({ label: 'flat', periodBin: null, amplitudeBin: 1 });
    expect(() => classOf(edges, { label: 'transient', period: null, amplitude: 1 })).toThrow(/no decile edges/);
  });

  it('does not depend on the units (deciles are quantiles)', () => {
    const s = Array.from({ length: 200 }, (_, i) => ({ label: 'damped-oscillation', period: 10 + ((i * 7) % 50), amplitude: 1 + ((i * 13) % 97) }));
    const inHours = s.map((x) => ({ ...x, period: x.period / 60, amplitude: Math.log(x.amplitude) }));
    const a = fitClassEdges(s);
    const b = fitClassEdges(inHours);
    expect(s.map((x) => classKey(classOf(a, x)))).toEqual(inHours.map((x) => classKey(classOf(b, x))));
  });
});
