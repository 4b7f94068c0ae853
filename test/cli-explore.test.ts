import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadNetwork, prepareSweep, sampleValues } from '@penvae/pipeline';
import { tableFromIPC } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { cli, hasStackTrace, scratchFolder } from './in-process.js';

/**
 * `pipeline explore` end to end, on budgets of tens of samples: what it writes, that the same
 * seed gives the same bytes on any number of workers, that a killed search resumes to the bytes
 * of an uninterrupted one, and that bad input is refused before anything is written.
 */
const scratch = scratchFolder('penvae-explore-');
const VARY = [
  '--vary',
  'templates[a->a].concentration=5:100:log',
  '--vary',
  'templates[a->b].concentration=0.05:5:log',
  '--vary',
  'parameters.exoVm=100:1000:log',
];
const SMALL = ['--network', 'oscillator', ...VARY, '--budget', '60', '--batch', '10', '--initial', '20', '--cells', '8', '--seed', '3', '--backend', 'wasm'];

/** SMALL with one option's value replaced (or added). */
function withOption(flag: string, value: string): string[] {
  const k = SMALL.indexOf(flag);
  return k >= 0 && flag !== '--vary' ? [...SMALL.slice(0, k), flag, value, ...SMALL.slice(k + 2)] : [...SMALL, flag, value];
}

function readTable(path: string) {
  return tableFromIPC(readFileSync(path));
}

describe('pipeline explore', () => {
  const dir = scratch.fresh();
  const out = join(dir, 'archive.arrow');

  it('writes the archive (one elite per filled cell) and every simulation, with the search in the metadata', async () => {
    const r = await cli(['explore', ...SMALL, '--out', out, '--workers', '2']);
    expect(r.code, r.err.join('\n')).toBe(0);
    const all = readTable(join(dir, 'archive-simulations.arrow'));
    const archive = readTable(out);
    expect(all.numRows).toBe(60);
    expect(Array.from(all.getChild('sample_id')!.toArray() as Int32Array)).toEqual(Array.from({ length: 60 }, (_, i) => i));
    const meta = JSON.parse(archive.schema.metadata.get('penvae.explore')!);
    expect(meta.settings).toMatchObject({ budget: 60, batch: 10, initial: 20, cellsPerSide: 8, seed: 3 });
    // Batches of 20, then 10s: 5 batches; trainings at 20 and 40 simulated samples.
    expect(meta.history.map((h: { samples: number }) => h.samples)).toEqual([20, 30, 40, 50, 60]);
    expect(meta.trainings.map((t: { samples: number }) => t.samples)).toEqual([20, 40]);
    const ids = Array.from(archive.getChild('sample_id')!.toArray() as Int32Array);
    expect(ids).toEqual(meta.elites.map((e: { sampleId: number }) => e.sampleId));
    expect(new Set(meta.elites.map((e: { cell: number }) => e.cell)).size).toBe(ids.length);
    expect(ids.length).toBe(meta.history[4].cells);
    expect(JSON.parse(archive.schema.metadata.get('penvae.sweep')!).design).toBe('explore');
    expect(r.err.some((l) => /explore oscillator: 60\/60 simulated, \d+ cells filled/.test(l))).toBe(true);
    // The state folder is gone once the search is complete.
    expect(existsSync(join(dir, 'archive.explore-state'))).toBe(false);
  });

  it("starts with the random sweep's own first samples (same seed, same values)", async () => {
    const all = readTable(join(dir, 'archive-simulations.arrow'));
    const loaded = loadNetwork('oscillator');
    const spec = prepareSweep(loaded.network, {
      samples: 60,
      seed: 3,
      vary: [
        { path: 'templates[a->a].concentration', min: 5, max: 100, distribution: 'log' },
        { path: 'templates[a->b].concentration', min: 0.05, max: 5, distribution: 'log' },
        { path: 'parameters.exoVm', min: 100, max: 1000, distribution: 'log' },
      ],
    }).spec;
    const column = all.getChild('parameters.exoVm')!.toArray() as Float64Array;
    for (let i = 0; i < 20; i++) expect(column[i]).toBe(sampleValues(spec, i).values[2]);
    // And later samples are proposals, inside the ranges.
    for (let i = 20; i < 60; i++) expect(column[i]! >= 100 && column[i]! <= 1000).toBe(true);
  });

  it('gives the same bytes in the main thread as on two workers', async () => {
    const other = join(scratch.fresh(), 'archive.arrow');
    const r = await cli(['explore', ...SMALL, '--out', other, '--workers', '0', '--no-progress']);
    expect(r.code, r.err.join('\n')).toBe(0);
    expect(readFileSync(other).equals(readFileSync(out))).toBe(true);
    expect(readFileSync(other.replace('.arrow', '-simulations.arrow')).equals(readFileSync(join(dir, 'archive-simulations.arrow')))).toBe(true);
  });

  it('resumes a killed search to the bytes of an uninterrupted one', async () => {
    const other = join(scratch.fresh(), 'archive.arrow');
    const stop = new AbortController();
    const killed = await cli(['explore', ...SMALL, '--out', other, '--workers', '2'], {
      signal: stop.signal,
      onErr: (line) => {
        if (line.includes('40/60 simulated')) stop.abort();
      },
    });
    expect(killed.code).toBe(130);
    expect(existsSync(other)).toBe(false);
    expect(existsSync(other.replace('archive.arrow', 'archive.explore-state'))).toBe(true);
    const again = await cli(['explore', ...SMALL, '--out', other, '--workers', '2']);
    expect(again.code).toBe(2);
    expect(again.err.join('\n')).toMatch(/interrupted search is in .*archive\.explore-state; continue it with --resume/);
    const resumed = await cli(['explore', ...SMALL, '--out', other, '--workers', '2', '--resume']);
    expect(resumed.code, resumed.err.join('\n')).toBe(0);
    expect(resumed.err.some((l) => l.startsWith('resuming after 40 of 60 simulations'))).toBe(true);
    expect(readFileSync(other).equals(readFileSync(out))).toBe(true);
    expect(readFileSync(other.replace('.arrow', '-simulations.arrow')).equals(readFileSync(join(dir, 'archive-simulations.arrow')))).toBe(true);
  });

  it('explores a reactions network read from a file (a user network, the other kind)', async () => {
    const folder = scratch.fresh();
    const file = join(folder, 'my-predator-prey.json');
    expect((await cli(['networks', '--export', 'predator-prey', '--out', file])).code).toBe(0);
    const archive = join(folder, 'pp.arrow');
    const r = await cli([
      'explore',
      '--network',
      file,
      '--vary',
      'reactions[predation].k=0.005:0.03:log',
      '--vary',
      'reactions[prey-decay].k=0.3:1.5:log',
      '--budget',
      '40',
      '--batch',
      '10',
      '--cells',
      '6',
      '--out',
      archive,
      '--no-progress',
    ]);
    expect(r.code, r.err.join('\n')).toBe(0);
    const table = readTable(archive);
    const meta = JSON.parse(table.schema.metadata.get('penvae.explore')!);
    expect(table.numRows).toBe(meta.elites.length);
    expect(table.numRows).toBeGreaterThan(1);
    expect(JSON.parse(table.schema.metadata.get('penvae.network')!).kind).toBe('reactions');
    // The archive is a dataset like any other: inspect reads it.
    const inspected = await cli(['inspect', archive]);
    expect(inspected.code).toBe(0);
    expect(inspected.out.join('\n')).toMatch(new RegExp(`${table.numRows} rows`));
  });

  it.each([
    ['--out', 'x.csv', /--out x\.csv: the archive is an Arrow dataset/],
    ['--budget', '1', /--budget 1: expected an integer from 2/],
    ['--batch', '0', /--batch/],
    ['--cells', '1', /--cells/],
    ['--vary', 'parameters.nope=1:2', /no such quantity/],
    ['--resume', 'true', /--resume: no interrupted search/],
  ])('refuses %s %s with exit 2, a message naming it, and nothing written', async (flag, value, message) => {
    const folder = scratch.fresh();
    const args = ['explore', ...withOption(flag, value), ...(flag === '--out' ? [] : ['--out', join(folder, 'a.arrow')])];
    const r = await cli(args, { cwd: folder });
    expect(r.code).toBe(2);
    expect(r.err.join('\n')).toMatch(message);
    expect(hasStackTrace(r.err.join('\n'))).toBe(false);
    expect(existsSync(join(folder, 'a.arrow'))).toBe(false);
    expect(existsSync(join(folder, 'a.explore-state'))).toBe(false);
  });
});

describe('pipeline explore-compare', () => {
  it('runs explore, a random sweep and a Latin hypercube per seed and writes the report', async () => {
    const out = join(scratch.fresh(), 'report');
    const r = await cli(['explore-compare', ...SMALL.filter((_, i, a) => a[i] !== '--seed' && a[i - 1] !== '--seed'), '--seeds', '1,2', '--out', out]);
    expect(r.code, r.err.join('\n')).toBe(0);
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
    expect(metrics.runs.map((m: { method: string; seed: number }) => `${m.method}${m.seed}`)).toEqual([
      'explore1',
      'random1',
      'lhs1',
      'explore2',
      'random2',
      'lhs2',
    ]);
    for (const run of metrics.runs) {
      expect(run.simulations).toBe(60);
      // Cells filled never decrease, and the distinct classes of a run are among the union's.
      for (let k = 1; k < run.cells.length; k++) expect(run.cells[k]).toBeGreaterThanOrEqual(run.cells[k - 1]);
      expect(run.distinct).toBeLessThanOrEqual(metrics.classes.length);
    }
    // The random sweep of seed 1 is the sweep `pipeline simulate --design random --seed 1` runs: its
    // oscillating count matches a dataset of that sweep.
    const sweep = join(scratch.fresh(), 'r.arrow');
    const s = await cli(['simulate', '--network', 'oscillator', ...VARY, '--samples', '60', '--seed', '1', '--out', sweep, '--no-progress']);
    expect(s.code).toBe(0);
    const labels = Array.from(readTable(sweep).getChild('behaviour')!.toArray() as unknown as (string | null)[]);
    expect(metrics.runs[1].oscillating).toBe(labels.filter((l) => l === 'oscillating').length);
    expect(metrics.targets.map((t: { target: number }) => t.target)).toEqual([2, 1.5, 10, 0.3]);
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    expect(html).toContain('data:image/png;base64,');
    expect(existsSync(join(out, 'figures', 'cells-curve.svg'))).toBe(true);
    expect(r.out.some((l) => /distinct behaviours, explore \/ random/.test(l))).toBe(true);
  });
});
