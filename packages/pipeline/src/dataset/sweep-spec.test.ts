import { readFileSync } from 'node:fs';
import { builtinNetworkUrl, parseNetwork, type Network } from '@penvae/simulator';
import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.js';
import { listSweepPaths, parseShard, parseSweepFile, parseVary, prepareSweep, sampleValues, shardRange } from './sweep-spec.js';

const builtin = (name: string): Network => parseNetwork(readFileSync(new URL(builtinNetworkUrl(name)), 'utf8'), `${name}.json`);
const oscillator = builtin('oscillator');

describe('parseVary', () => {
  it.each([
    ['parameters.exoVm=200:400', { path: 'parameters.exoVm', min: 200, max: 400 }],
    ['templates[a->a].concentration=20:80:log', { path: 'templates[a->a].concentration', min: 20, max: 80, distribution: 'log' }],
    ['strands[a].K = 10 : 100 : uniform : 5', { path: 'strands[a].K', min: 10, max: 100, distribution: 'uniform', levels: 5 }],
  ])('%s', (text, expected) => expect(parseVary(text)).toEqual(expected));

  it.each([
    ['parameters.exoVm', /expected '<path>=<min>:<max>/],
    ['parameters.exoVm=200', /expected '<path>=<min>:<max>/],
    ['parameters.exoVm=a:400', /min and max must be finite numbers, found "a" and "400"/],
    ['parameters.exoVm=200:400:gauss', /unknown distribution "gauss" \(expected "uniform" or "log"/],
  ])('rejects %s', (text, message) => {
    expect(() => parseVary(text)).toThrow(InputError);
    expect(() => parseVary(text)).toThrow(message);
  });
});

describe('prepareSweep', () => {
  it('lists every sweepable quantity, by name', () => {
    const paths = listSweepPaths(oscillator);
    expect(paths).toContain('templates[a->a].concentration');
    expect(paths).toContain('strands[i].K');
    expect(paths).toContain('parameters.kduplex');
    expect(listSweepPaths(builtin('predator-prey'))).toEqual(expect.arrayContaining(['species[N].initial', 'reactions[predation].k', 'pools.exonuclease.P']));
  });

  it('accepts index aliases and canonicalises them', () => {
    const p = prepareSweep(oscillator, { samples: 4, vary: [{ path: 'templates[0].concentration', min: 20, max: 80 }] });
    expect(p.spec.vary[0]!.path).toBe('templates[a->a].concentration');
  });

  it('rejects an unknown path, naming it and the valid paths near it', () => {
    const run = () => prepareSweep(oscillator, { samples: 4, vary: [{ path: 'templates[a->a].concentraton', min: 1, max: 2 }] });
    expect(run).toThrow(InputError);
    expect(run).toThrow(
      /--vary templates\[a->a\]\.concentraton: no such quantity in network "oscillator" \(did you mean "templates\[a->a\]\.concentration"\?\); valid paths near it: templates\[a->a\]\.concentration,/,
    );
  });

  it.each([
    [{ path: 'parameters.exoVm', min: 300, max: 300 }, /empty range; expected min < max/],
    [{ path: 'parameters.exoVm', min: 0, max: 300, distribution: 'log' as const }, /a log-uniform range needs min > 0/],
    [{ path: 'strands[a].K', min: -5, max: 50 }, /the value -5 makes the network invalid: strands\[0\]\.K: expected a finite number > 0/],
  ])('rejects bad range %j', (vary, message) => {
    expect(() => prepareSweep(oscillator, { samples: 4, vary: [vary] })).toThrow(message);
  });

  it('applies values to a copy and validates it', () => {
    const p = prepareSweep(oscillator, {
      samples: 2,
      vary: [
        { path: 'parameters.exoVm', min: 200, max: 400 },
        { path: 'templates[b->i].concentration', min: 10, max: 90 },
      ],
    });
    const net = p.apply(Float64Array.from([250, 33]));
    expect(net.kind === 'pen' && net.parameters?.exoVm).toBe(250);
    expect(net.kind === 'pen' && net.templates[2]!.concentration).toBe(33);
    expect(oscillator.kind === 'pen' && oscillator.templates[2]!.concentration).toBe(80);
  });
});

describe('sampling designs', () => {
  const vary = [
    { path: 'parameters.exoVm', min: 200, max: 400 },
    { path: 'templates[a->a].concentration', min: 20, max: 80, distribution: 'log' as const },
  ];

  it('random: within range, deterministic per index, independent of evaluation order', () => {
    const { spec } = prepareSweep(oscillator, { samples: 100, seed: 7, vary });
    const forward = Array.from({ length: 100 }, (_, i) => Array.from(sampleValues(spec, i).values));
    const backward = Array.from({ length: 100 }, (_, i) => Array.from(sampleValues(spec, 99 - i).values)).reverse();
    expect(forward).toEqual(backward);
    for (const [a, b] of forward) {
      expect(a).toBeGreaterThanOrEqual(200);
      expect(a).toBeLessThan(400);
      expect(b).toBeGreaterThanOrEqual(20);
      expect(b).toBeLessThan(80);
    }
    const other = prepareSweep(oscillator, { samples: 100, seed: 8, vary }).spec;
    expect(Array.from(sampleValues(other, 0).values)).not.toEqual(forward[0]);
  });

  it('log-uniform: the log of the value is uniform (median near the geometric mean)', () => {
    const { spec } = prepareSweep(oscillator, { samples: 4000, seed: 1, vary });
    const values = Array.from({ length: 4000 }, (_, i) => sampleValues(spec, i).values[1]!).sort((a, b) => a - b);
    expect(values[2000]! / Math.sqrt(20 * 80)).toBeGreaterThan(0.95);
    expect(values[2000]! / Math.sqrt(20 * 80)).toBeLessThan(1.05);
  });

  it('lhs: every one of the N strata of every quantity is used exactly once', () => {
    const N = 50;
    const { spec } = prepareSweep(oscillator, { samples: N, seed: 3, design: 'lhs', vary });
    const strata = [new Set<number>(), new Set<number>()];
    for (let i = 0; i < N; i++) {
      const v = sampleValues(spec, i).values;
      strata[0]!.add(Math.floor(((v[0]! - 200) / 200) * N));
      strata[1]!.add(Math.floor((Math.log(v[1]! / 20) / Math.log(4)) * N));
    }
    expect(strata[0]!.size).toBe(N);
    expect(strata[1]!.size).toBe(N);
  });

  it('grid: levels per quantity, ends included, count = product of levels', () => {
    const { spec } = prepareSweep(oscillator, { samples: 9, design: 'grid', vary });
    expect(spec.samples).toBe(9);
    const all = Array.from({ length: 9 }, (_, i) => Array.from(sampleValues(spec, i).values));
    expect(all[0]).toEqual([200, 20]);
    expect(all[8]![0]).toBeCloseTo(400, 10);
    expect(all[8]![1]).toBeCloseTo(80, 10);
    expect(all[1]![1]).toBeCloseTo(40, 10); // log grid: geometric middle of 20 and 80
    const explicit = prepareSweep(oscillator, {
      samples: 1,
      design: 'grid',
      vary: [
        { ...vary[0]!, levels: 3 },
        { ...vary[1]!, levels: 4 },
      ],
    });
    expect(explicit.spec.samples).toBe(12);
  });
});

describe('shards and sweep files', () => {
  it('shards tile the sample range exactly', () => {
    const ranges = [0, 1, 2].map((index) => shardRange(10, { index, count: 3 }));
    expect(ranges).toEqual([
      { start: 0, end: 3 },
      { start: 3, end: 6 },
      { start: 6, end: 10 },
    ]);
    expect(parseShard('2/3')).toEqual({ index: 1, count: 3 });
    expect(() => parseShard('0/3')).toThrow(/expected i\/n with 1 <= i <= n/);
    expect(() => parseShard('4/3')).toThrow(InputError);
  });

  it('reads a sweep file and reports bad fields by name', () => {
    expect(parseSweepFile({ samples: 5, design: 'lhs', seed: 2, vary: [{ path: 'parameters.exoVm', min: 1, max: 2, distribution: 'log' }] }, 's.json')).toEqual(
      {
        samples: 5,
        design: 'lhs',
        seed: 2,
        vary: [{ path: 'parameters.exoVm', min: 1, max: 2, distribution: 'log' }],
      },
    );
    expect(() => parseSweepFile({ samples: 5, vary: [{ path: 'x', min: 1, max: 'a' }] }, 's.json')).toThrow(
      's.json: vary[0].max: expected a finite number, found "a"',
    );
    expect(() => parseSweepFile({ samples: 5, design: 'sobol', vary: [] }, 's.json')).toThrow(
      's.json: design: expected one of random, grid, lhs, found "sobol"',
    );
  });
});
