import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { startCli } from './cli-helpers.js';
import { cliText, hasStackTrace, scratchFolder, tempDir } from './in-process.js';

const SWEEP = [
  'simulate',
  '--network',
  'oscillator',
  '--vary',
  'templates[a->a].concentration=20:80:log',
  '--vary',
  'parameters.exoVm=200:400',
  '--t-end',
  '3000',
  '--step',
  '10',
  '--no-progress',
];

/**
 * Where a test is not about worker threads, the sweep runs in the main thread: the rows do not
 * depend on the number of workers (asserted below), and two workers cost a second of start-up.
 */
const MAIN_THREAD = ['--workers', '0'];

function table(path: string) {
  return tableFromIPC(readFileSync(path));
}

describe('sweeps (pipeline simulate --samples)', () => {
  const scratch = scratchFolder();
  const dir = scratch.root;

  it('writes every column and the provenance, and the same seed gives the same bytes', async () => {
    const a = join(dir, 'a.arrow');
    const b = join(dir, 'b.arrow');
    expect((await cliText([...SWEEP, '--samples', '24', '--seed', '7', '--out', a, ...MAIN_THREAD])).code).toBe(0);
    expect((await cliText([...SWEEP, '--samples', '24', '--seed', '7', '--out', b, ...MAIN_THREAD])).code).toBe(0);
    expect(readFileSync(a).equals(readFileSync(b))).toBe(true);
    const t = table(a);
    expect(t.numRows).toBe(24);
    const names = t.schema.fields.map((f) => f.name);
    expect(names).toEqual([
      'sample_id',
      'network',
      'family',
      'seed',
      'outcome',
      'message',
      'steps',
      'rejected_steps',
      'rhs_calls',
      'jacobian_calls',
      'templates[a->a].concentration',
      'parameters.exoVm',
      'raw.a',
      'raw.b',
      'raw.i',
      'series',
      'series_offset',
      'series_scale',
      'behaviour',
      'period',
      'amplitude',
    ]);
    const meta = t.schema.metadata;
    expect(JSON.parse(meta.get('penvae.network')!).name).toBe('oscillator');
    expect(JSON.parse(meta.get('penvae.sweep')!)).toMatchObject({ samples: 24, seed: 7, design: 'random' });
    expect(JSON.parse(meta.get('penvae.time_grid')!)).toEqual({ start: 0, step: 10, points: 301 });
    expect(JSON.parse(meta.get('penvae.normalization')!)).toEqual({
      strand: 'a',
      window: [750, 3000],
      length: 128,
      scaling: 'minmax',
      windowRule: 'auto: 16 of 24 samples oscillate; the first 25 % of the grid (start-up transient) is left out',
    });
    expect(JSON.parse(meta.get('penvae.solver')!)).toEqual({ name: 'rosenbrock', rtol: 1e-7, atol: 1e-14 });
    expect(meta.get('penvae.shard')).toBeUndefined();
    // The varied values are the network's: row 0's raw a starts at the network's initial 5 nM.
    expect(t.getChild('raw.a')!.get(0)!.get(0)).toBe(5);
    const c = Number(t.getChild('templates[a->a].concentration')!.get(3));
    expect(c).toBeGreaterThanOrEqual(20);
    expect(c).toBeLessThanOrEqual(80);
    const d = await cliText([...SWEEP, '--samples', '24', '--seed', '8', '--out', join(dir, 'c.arrow'), ...MAIN_THREAD]);
    expect(d.code).toBe(0);
    expect(readFileSync(join(dir, 'c.arrow')).equals(readFileSync(a))).toBe(false);
  });

  it('gives the same file on 1 and 2 workers, and merged shards equal the unsharded file', async () => {
    // 300 samples: two record batches (256 rows each), and a shard that holds a batch boundary.
    // The simulated span is short (600 min, two periods): what is compared is how rows are
    // distributed, ordered and written, which does not depend on how long each simulation is.
    const sweep = SWEEP.map((a) => (a === '3000' ? '600' : a));
    const one = join(dir, 'w1.arrow');
    const two = join(dir, 'w2.arrow');
    expect((await cliText([...sweep, '--samples', '300', '--seed', '3', '--workers', '1', '--out', one])).code).toBe(0);
    expect((await cliText([...sweep, '--samples', '300', '--seed', '3', '--workers', '2', '--out', two])).code).toBe(0);
    expect(readFileSync(one).equals(readFileSync(two))).toBe(true);
    expect(table(one).batches.map((b) => b.numRows)).toEqual([256, 44]);
    const shards = [1, 2, 3].map((i) => join(dir, `s${i}.arrow`));
    for (const [i, s] of shards.entries())
      expect((await cliText([...sweep, '--samples', '300', '--seed', '3', '--shard', `${i + 1}/3`, '--out', s])).code).toBe(0);
    expect(table(shards[1]!).schema.metadata.get('penvae.shard')).toBe('2/3');
    expect(table(shards[1]!).getChild('sample_id')!.get(0)).toBe(100);
    const merged = join(dir, 'merged.arrow');
    const r = await cliText(['merge', shards[2]!, shards[0]!, shards[1]!, '--out', merged]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('complete sweep');
    expect(readFileSync(merged).equals(readFileSync(one))).toBe(true);
  });

  it('keeps failed samples as rows with their outcome and message, never as data', async () => {
    const out = join(dir, 'fail.arrow');
    const r = await cliText([...SWEEP, '--samples', '6', '--max-steps', '40', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/outcomes: max-steps 6/);
    const t = table(out);
    expect(t.getChild('outcome')!.get(0)).toBe('max-steps');
    expect(t.getChild('message')!.get(0)).toMatch(/step budget \(40\) ran out/);
    expect(t.getChild('series')!.get(0)).toBeNull();
    expect(t.getChild('raw.a')!.get(0)).toBeNull();
    expect(t.getChild('steps')!.get(0)).toBeGreaterThan(0);
  });

  it.each([
    [
      'an unknown path',
      ['--vary', 'templates[a->a].concentraton=1:2'],
      /no such quantity in network "oscillator" \(did you mean "templates\[a->a\]\.concentration"\?\); valid paths near it:/,
    ],
    ['an empty range', ['--vary', 'parameters.exoVm=300:300'], /parameters\.exoVm=300:300: empty range; expected min < max/],
    ['a bad distribution', ['--vary', 'parameters.exoVm=200:300:normal'], /unknown distribution "normal" \(expected "uniform" or "log"/],
    ['a bad shard', ['--vary', 'parameters.exoVm=200:300', '--shard', '4/3'], /--shard 4\/3: expected i\/n with 1 <= i <= n/],
    ['a missing sweep file', ['--sweep', 'nope.json'], /--sweep nope\.json: cannot read the file \(ENOENT\)/],
  ])('rejects %s: exit 2, a clear message, no file', async (_label, args, message) => {
    const d = scratch.fresh();
    const r = await cliText(['simulate', '--network', 'oscillator', '--samples', '4', ...args, '--out', join(d, 'x.arrow')], { cwd: d });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(hasStackTrace(r.stderr)).toBe(false);
    expect(readdirSync(d)).toEqual([]);
  });

  it('reads a sweep JSON file', async () => {
    const sweep = join(dir, 'sweep.json');
    writeFileSync(sweep, JSON.stringify({ samples: 4, design: 'grid', seed: 2, vary: [{ path: 'parameters.exoVm', min: 200, max: 400, levels: 4 }] }));
    const out = join(dir, 'grid.arrow');
    expect(
      (await cliText(['simulate', '--network', 'oscillator', '--sweep', sweep, '--t-end', '500', '--no-progress', '--out', out, ...MAIN_THREAD])).code,
    ).toBe(0);
    const values = Array.from({ length: 4 }, (_, i) => Number(table(out).getChild('parameters.exoVm')!.get(i)));
    expect(values.map((v) => Math.round(v))).toEqual([200, 267, 333, 400]);
  });

  it('leaves no file under the final name when interrupted', async () => {
    const d = scratch.fresh();
    for (const signal of ['SIGINT', 'SIGKILL'] as const) {
      const out = join(d, `${signal}.arrow`);
      // Short simulations (600 min) reach the first progress line sooner; 5000 of them still
      // take far longer than the test waits.
      const child = startCli(
        ['simulate', '--network', 'oscillator', '--samples', '5000', '--vary', 'parameters.exoVm=200:400', '--t-end', '600', '--out', out],
        d,
      );
      let progressed = false;
      await new Promise<void>((resolve) => {
        child.stderr.on('data', (chunk: Buffer) => {
          // Wait until it is really working (a progress line with some samples done), then kill it.
          if (!progressed && /simulate oscillator .* [1-9]\d*\/5000/.test(chunk.toString())) {
            progressed = true;
            child.kill(signal);
          }
        });
        child.on('exit', () => resolve());
      });
      expect(progressed).toBe(true);
      expect(existsSync(out)).toBe(false);
      // SIGINT cleans up its temporary; after SIGKILL only a hidden temporary can remain.
      if (signal === 'SIGINT') expect(readdirSync(d).filter((f) => f.includes('SIGINT'))).toEqual([]);
      else
        expect(
          readdirSync(d)
            .filter((f) => f.includes('SIGKILL'))
            .every((f) => f.startsWith('.SIGKILL.arrow.tmp-')),
        ).toBe(true);
    }
  }, 120_000);
});

describe('baseline, normalize, inspect', () => {
  const scratch = scratchFolder();
  const dir = scratch.root;

  it('2000-sample oscillator sweep and 2000-sample baseline: written, read back, inspected and plotted', async () => {
    const osc = join(dir, 'osc.arrow');
    const base = join(dir, 'baseline.arrow');
    const s = await cliText([
      'simulate',
      '--network',
      'oscillator',
      '--samples',
      '2000',
      '--vary',
      'templates[a->a].concentration=20:80:log',
      '--vary',
      'parameters.exoVm=200:400',
      '--seed',
      '7',
      '--step',
      '10',
      '--no-progress',
      '--out',
      osc,
    ]);
    expect(s.code).toBe(0);
    expect((await cliText(['baseline', '--samples', '2000', '--length', '128', '--seed', '1', '--out', base])).code).toBe(0);
    for (const [file, rows, family] of [
      [osc, 2000, 'oscillator'],
      [base, 2000, 'sin'],
    ] as const) {
      const svg = file.replace('.arrow', '.svg');
      const r = await cliText(['inspect', file, '--plot', svg]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`${rows} rows`);
      expect(r.stdout).toMatch(new RegExp(`\\n  ${family.replace('+', '\\+')}\\s+\\d+`));
      expect(r.stdout).toContain('penvae.normalization');
      const text = readFileSync(svg, 'utf8');
      expect(text.startsWith('<svg')).toBe(true);
      expect(text).toContain('Example traces');
      const png = readFileSync(svg.replace('.svg', '.png'));
      expect(png.subarray(1, 4).toString()).toBe('PNG');
      expect(statSync(svg.replace('.svg', '.png')).size).toBeGreaterThan(20_000);
    }
    const b = table(base);
    expect(new Set(Array.from({ length: 2000 }, (_, i) => b.getChild('family')!.get(i)))).toEqual(new Set(['sin', 'sigmoid', 'sin+sigmoid']));
    const o = table(osc);
    const outcomes = Array.from({ length: 2000 }, (_, i) => o.getChild('outcome')!.get(i));
    expect(outcomes.filter((x) => x === 'converged').length).toBeGreaterThan(1990);
  }, 600_000);

  it('normalize recomputes series (length, window, global scaling) and records it', async () => {
    const src = join(dir, 'small.arrow');
    expect((await cliText([...SWEEP, '--samples', '8', '--out', src, ...MAIN_THREAD])).code).toBe(0);
    const out = join(dir, 'norm.arrow');
    const r = await cliText(['normalize', src, '--out', out, '--length', '64', '--window', '1000:3000', '--scale', 'global', '--strand', 'i']);
    expect(r.code).toBe(0);
    const t = table(out);
    expect((t.getChild('series')!.get(0) as { length: number }).length).toBe(64);
    const spec = JSON.parse(t.schema.metadata.get('penvae.normalization')!);
    expect(spec).toMatchObject({ strand: 'i', window: [1000, 3000], length: 64, scaling: 'global' });
    const offsets = new Set(Array.from({ length: 8 }, (_, i) => t.getChild('series_offset')!.get(i)));
    expect(offsets.size).toBe(1);
    // Raw data and provenance are untouched.
    expect(t.getChild('raw.a')!.get(2)!.get(5)).toBe(table(src).getChild('raw.a')!.get(2)!.get(5));
  });

  it.each([
    ['inspect', 'a missing file', (d: string) => ['inspect', join(d, 'none.arrow')], /none\.arrow: cannot read the file \(ENOENT\)/],
    [
      'inspect',
      'a non-Arrow file',
      (d: string) => (writeFileSync(join(d, 'x.arrow'), 'not arrow'), ['inspect', join(d, 'x.arrow')]),
      /x\.arrow: not an Arrow IPC file/,
    ],
    [
      'normalize',
      'an unknown strand',
      (d: string) => ['normalize', join(dir, 'small.arrow'), '--strand', 'zz', '--out', join(d, 'o.arrow')],
      /--strand zz: not an observed series of this data \(observed: a, b, i\)/,
    ],
    [
      'merge',
      'files that are not shards',
      (d: string) => ['merge', join(dir, 'small.arrow'), join(dir, 'small.arrow'), '--out', join(d, 'm.arrow')],
      /every input must be a shard/,
    ],
  ])('%s rejects %s: exit 2, no stack trace, no output file', async (_cmd, _label, args, message) => {
    const d = scratch.fresh();
    const r = await cliText(args(d));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(hasStackTrace(r.stderr)).toBe(false);
    expect(readdirSync(d).filter((f) => f !== 'x.arrow')).toEqual([]);
  });
});

describe('interoperability', () => {
  // nodejs-polars (Rust arrow) is not a dependency (~120 MB); where it is installed (or
  // PENVAE_POLARS_DIR points at a node_modules holding it) a second, independent Arrow reader
  // must open the files without conversion.
  const polars = (() => {
    for (const base of [process.env.PENVAE_POLARS_DIR, process.cwd()].filter(Boolean) as string[]) {
      try {
        return createRequire(join(base, 'x.js'))('nodejs-polars');
      } catch {
        // not here
      }
    }
    return undefined;
  })();

  it.skipIf(!polars)('polars reads a dataset written by a sweep', async () => {
    const d = tempDir();
    try {
      const out = join(d, 'p.arrow');
      expect((await cliText([...SWEEP, '--samples', '5', '--out', out])).code).toBe(0);
      const df = polars.readIPC(readFileSync(out));
      expect(df.shape).toEqual({ height: 5, width: 21 });
      expect(df.getColumn('sample_id').toArray()).toEqual([0, 1, 2, 3, 4]);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
});
