/**
 * Every CLI command driven in process with random option values (issue 9): a seeded stream of
 * command lines mixing valid values with out-of-range numbers, non-numbers, empty strings,
 * missing and malformed files, folders that do not exist, repeated and unknown options. Every
 * run must end with exit 0, 2 or 3, print no stack trace and no "internal error", and, when it
 * fails, leave nothing under the names it was asked to write (nor a hidden temporary).
 *
 * Valid values are tiny (a few samples, short grids, one or two epochs) so that the ~1 000
 * cases take seconds. `demo` always gets at least one invalid option (a valid one is the whole
 * chain, minutes), and `check-report` only folders without a report (a valid one starts
 * Chromium). PENVAE_FUZZ_SEED and PENVAE_FUZZ_CASES change the stream.
 */
import { appendFileSync, copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The pipeline's own seeded generator (mulberry32): the same seed gives the same command lines.
import { createRandom } from '../packages/pipeline/src/random.js';
import { cli, hasStackTrace, leftovers, tempDir } from './in-process.js';

const SEED = Number(process.env.PENVAE_FUZZ_SEED ?? 20261202);
const CASES = Number(process.env.PENVAE_FUZZ_CASES ?? 1000);

const dir = tempDir('penvae-fuzz-');
const f = (name: string) => join(dir, name);
const BAD_NUMBERS = ['0', '-1', '1.5', 'abc', '', '1e9', 'NaN', '-0.0', '1e400', '0x10'];

/**
 * One option: values that should work (`ok`), values that must be refused (`bad`; some are
 * refused only in combination, e.g. a strand another network lacks) and how often it is given.
 */
type Pool = { ok: readonly string[]; bad: readonly string[]; p?: number; output?: boolean };
type Spec = {
  positional?: Pool[];
  /** Arguments after `--` (slurm: the command to run on the cluster). */
  rest?: { ok: string[][]; bad: string[][] };
  options: Record<string, Pool>;
  flags?: Record<string, number>;
  /** After this many successes the command only gets lines with bad values (its successes are slow). */
  successes?: number;
};

let random = createRandom(SEED);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
let counter = 0;
const n = (...xs: string[]) => xs;

function specs(): Record<string, Spec> {
  const goodData = [f('osc.arrow'), f('base.arrow')];
  const badData = [f('missing.arrow'), f('text.arrow'), f('cut.arrow'), f('tiny.arrow')];
  return {
    // One simulation: a summary, a trajectory or a picture.
    simulate: {
      options: {
        network: { ok: n('oscillator', 'amplifier', 'switch', f('my.json')), bad: n('nope', f('bad.json'), ''), p: 0.97 },
        't-end': { ok: n('50', '120', '200'), bad: BAD_NUMBERS, p: 1 },
        step: { ok: n('1', '5', '10'), bad: n('0', '-1', 'abc', '1e-9', '500'), p: 0.4 },
        solver: { ok: n('rosenbrock', 'odex'), bad: n('euler'), p: 0.3 },
        rtol: { ok: n('1e-6', '1e-4'), bad: n('0', '2', 'abc'), p: 0.2 },
        atol: { ok: n('1e-10'), bad: n('0', '-1'), p: 0.2 },
        'max-steps': { ok: n('1', '10', '100000'), bad: BAD_NUMBERS, p: 0.25 },
        out: { ok: [], bad: [], p: 0.6, output: true },
        plot: { ok: [], bad: [], p: 0.04, output: true },
        // Sweep options a single simulation refuses.
        seed: { ok: [], bad: n('1'), p: 0.03 },
        window: { ok: [], bad: n('0:10'), p: 0.03 },
      },
      flags: { states: 0.1 },
    },
    // A sweep into a dataset.
    'simulate:sweep': {
      options: {
        network: { ok: n('oscillator', 'amplifier', 'switch', f('my.json')), bad: n('nope', f('bad.json')), p: 0.97 },
        't-end': { ok: n('50', '120', '200'), bad: BAD_NUMBERS, p: 1 },
        step: { ok: n('1', '5', '10'), bad: n('0', '-1', 'abc', '1e-9', '500'), p: 0.4 },
        solver: { ok: n('rosenbrock', 'odex'), bad: n('euler'), p: 0.2 },
        rtol: { ok: n('1e-6'), bad: n('0', '2', 'abc'), p: 0.1 },
        'max-steps': { ok: n('1', '10', '100000'), bad: BAD_NUMBERS, p: 0.25 },
        out: { ok: [], bad: [], p: 0.95, output: true },
        samples: { ok: n('1', '2', '3'), bad: n(...BAD_NUMBERS, '3e9'), p: 0.95 },
        vary: {
          ok: n('parameters.exoVm=200:400', 'parameters.polVm=1000:2000:log', 'parameters.exoVm=200:400:3'),
          bad: n('templates[z->z].concentration=20:80:log', 'nope=1:2', 'parameters.exoVm=400:200', 'x'),
          p: 0.95,
        },
        design: { ok: n('random', 'grid', 'lhs'), bad: n('sobol'), p: 0.2 },
        seed: { ok: n('0', '7', '4294967295'), bad: n('4294967296', ...BAD_NUMBERS), p: 0.3 },
        workers: { ok: n('0', '0', '0', '0', '0', '1'), bad: n('-1', '1.5', 'abc', '2000'), p: 0.9 },
        shard: { ok: n('1/2', '2/2'), bad: n('3/2', '0/1', 'x'), p: 0.1 },
        strand: { ok: [], bad: n('zzz'), p: 0.05 },
        window: { ok: n('0:40', '10:20'), bad: n('20:10', 'abc', '0:1e9'), p: 0.1 },
        length: { ok: n('16', '2'), bad: n('1', 'abc', '100001'), p: 0.15 },
        scale: { ok: n('minmax', 'zscore', 'global'), bad: n('none'), p: 0.15 },
        plot: { ok: [], bad: [], p: 0.02, output: true },
      },
      flags: { 'no-progress': 0.5, states: 0.02 },
    },
    baseline: {
      options: {
        samples: { ok: n('1', '5', '40'), bad: n(...BAD_NUMBERS, '3e9'), p: 0.95 },
        length: { ok: n('8', '32'), bad: n('7', 'abc', '100001'), p: 0.5 },
        out: { ok: [], bad: [], p: 0.95, output: true },
        seed: { ok: n('1', '4294967295'), bad: n('-1', '1.5'), p: 0.3 },
        families: { ok: n('sin', 'sigmoid', 'sin+sigmoid'), bad: n('cos'), p: 0.2 },
        scale: { ok: n('minmax', 'zscore', 'global'), bad: n('max'), p: 0.3 },
      },
      flags: { 'no-progress': 0.3 },
    },
    normalize: {
      positional: [{ ok: goodData, bad: badData }],
      options: {
        out: { ok: [], bad: [], p: 0.95, output: true },
        strand: { ok: [], bad: n('a', 'y', 'zzz'), p: 0.2 },
        window: { ok: n('0:1', '0:0.5'), bad: n('0:200', '5:1', 'abc', '0:1e9'), p: 0.3 },
        length: { ok: n('16', '64'), bad: n('1', 'abc'), p: 0.3 },
        scale: { ok: n('minmax', 'zscore', 'global'), bad: n('x'), p: 0.3 },
      },
    },
    inspect: {
      positional: [{ ok: goodData, bad: badData }],
      options: { plot: { ok: [], bad: [], p: 0.08, output: true } },
    },
    merge: {
      positional: [
        { ok: n(f('s1.arrow')), bad: n(f('osc.arrow'), f('missing.arrow'), f('cut.arrow')) },
        { ok: n(f('s2.arrow')), bad: n(f('s1.arrow'), f('base.arrow')), p: 0.8 },
      ],
      options: { out: { ok: [], bad: [], p: 0.95, output: true } },
    },
    'sweep-paths': { options: { network: { ok: n('oscillator', 'predator-prey', f('my.json')), bad: n('nope', f('bad.json')), p: 0.95 } } },
    // --out always: without it --export writes NAME.json into the working directory (the repository).
    networks: {
      options: { export: { ok: n('oscillator', 'switch'), bad: n('nope', ''), p: 0.5 }, out: { ok: [], bad: [], p: 1, output: true } },
    },
    validate: { positional: [{ ok: n('oscillator', f('my.json')), bad: n('nope', f('bad.json'), f('text.arrow'), f('missing.json')) }], options: {} },
    train: {
      options: {
        data: { ok: n(f('base.arrow'), f('osc.arrow')), bad: badData, p: 0.97 },
        out: { ok: [], bad: [], p: 0.95, output: true },
        epochs: { ok: n('1', '2'), bad: n(...BAD_NUMBERS, 'auto-ish'), p: 0.97 },
        latent: { ok: n('1', '2'), bad: n('0', 'abc', '5000'), p: 0.9 },
        batch: { ok: n('16', '64'), bad: n('0', '1.5'), p: 0.3 },
        hidden: { ok: n('8', '8,4'), bad: n('0', 'abc', ''), p: 0.95 },
        backend: { ok: n('auto', 'wasm', 'cpu'), bad: n('tensorflow', 'gpu'), p: 0.2 },
        // Dense models only among the valid values: a conv model takes seconds to train.
        architecture: { ok: n('dense'), bad: n('rnn'), p: 0.97 },
        'linear-path': { ok: n('pca', 'none'), bad: n('ica'), p: 0.15 },
        filters: { ok: [], bad: n('0', 'abc'), p: 0.05 },
        beta: { ok: n('1', '0'), bad: n('-1', 'abc'), p: 0.15 },
        warmup: { ok: n('0', '3'), bad: n('-1', '1.5'), p: 0.15 },
        'free-bits': { ok: n('0', '0.5'), bad: n('-1'), p: 0.1 },
        sigma: { ok: n('learned', '0.1', 'per-series'), bad: n('0', 'abc'), p: 0.15 },
        'learning-rate': { ok: n('0.002'), bad: n('0', '-1', '100'), p: 0.15 },
        patience: { ok: n('5'), bad: n('0', '1.5'), p: 0.1 },
        split: { ok: n('0.8,0.1,0.1', '0.6,0.2,0.2', '0.9,0,0.1'), bad: n('1,0,0', '0.5,0.5', 'a,b,c'), p: 0.3 },
        seed: { ok: n('1', '0'), bad: n('-1', '1e30'), p: 0.2 },
      },
      flags: { resume: 0.05, verbose: 0.2 },
    },
    compare: {
      options: {
        run: { ok: n(f('run')), bad: n(f('missing-run'), f('base.arrow'), f('broken-run')), p: 0.97 },
        out: { ok: [], bad: [], p: 0.95, output: true },
        data: { ok: n(f('base.arrow')), bad: n(f('osc.arrow'), f('missing.arrow')), p: 0.1 },
        seed: { ok: n('1'), bad: n('-1', 'x'), p: 0.2 },
        backend: { ok: n('auto', 'cpu'), bad: n('gpu'), p: 0.1 },
      },
      successes: 6,
    },
    // Cluster submissions: no sbatch here, so only what is refused before one is needed, and
    // scripts written to a folder (without --submit).
    slurm: {
      options: {
        shards: { ok: n('2', '4'), bad: n('0', '-1', 'abc'), p: 0.6 },
        dir: { ok: [], bad: [], p: 0.9, output: true },
        time: { ok: n('00:10:00'), bad: [], p: 0.3 },
        'cpus-per-task': { ok: n('1', '2'), bad: n('0', 'x'), p: 0.2 },
      },
      flags: { 'no-check': 0.5 },
      // Each success without --no-check spawns the bin for its check (~0.3 s).
      successes: 6,
      rest: {
        ok: [['simulate', '--network', 'amplifier', '--samples', '4', '--vary', 'parameters.exoVm=200:400', '--t-end', '20', '--out', f('slurm-out.arrow')]],
        bad: [[], ['bogus'], ['simulate', '--network', 'nope', '--samples', '4', '--out', f('x.arrow')]],
      },
    },
    'slurm-status': { positional: [{ ok: [], bad: n(f('missing-dir'), f('existing-dir'), f('base.arrow')) }], options: {} },
    'slurm-resubmit': { positional: [{ ok: [], bad: n(f('missing-dir'), f('existing-dir')) }], options: {} },
    'check-report': { positional: [{ ok: [], bad: n(f('missing-report'), f('existing-dir'), f('base.arrow')) }], options: {} },
    demo: {
      // Always refused: a valid demo is the whole chain (minutes).
      options: {
        name: { ok: n('fz'), bad: n('/abs/path', 'a/b', '', '..'), p: 0.5 },
        'sample-factor': { ok: [], bad: n('0', '-1', 'abc', '1e9', ''), p: 1 },
        epochs: { ok: n('1'), bad: n('0', 'abc'), p: 0.5 },
        workers: { ok: n('0'), bad: n('-1', '1.5'), p: 0.5 },
      },
      flags: { 'no-browser-check': 1 },
    },
    experiment: {
      // Always refused, as demo.
      options: {
        name: { ok: n('fz'), bad: n('/abs/path', '..'), p: 0.5 },
        'sample-factor': { ok: [], bad: n('0', '-1', 'abc'), p: 1 },
      },
    },
  };
}

/** A fresh output name (or, when `bad`, one that cannot be written). */
function outputName(ext: string, bad: boolean): string {
  counter++;
  return bad ? pick([`no-such-dir/o${counter}${ext}`, `o${counter}.txt`, `a-file/x${ext}`, 'existing-dir']) : `o${counter}${ext}`;
}

/**
 * One random command line and the output paths it names. Half the lines are valid but for at
 * most one option, so that commands get past their checks; the others mix freely.
 */
function commandLine(table: Record<string, Spec>, successes: Record<string, number>): { key: string; argv: string[]; outputs: string[] } {
  const key = pick(Object.keys(table));
  const spec = table[key]!;
  const command = key.split(':')[0]!;
  const mostlyValid = random() < 0.5;
  const badChance = (successes[key] ?? 0) >= (spec.successes ?? Infinity) ? 1 : mostlyValid ? 0.05 : 0.35;
  const value = (pool: Pool) => (pool.ok.length === 0 || (pool.bad.length > 0 && random() < badChance) ? pick(pool.bad) : pick(pool.ok));
  const argv = [command];
  const outputs: string[] = [];
  for (const pool of spec.positional ?? []) if (random() < (pool.p ?? 1)) argv.push(value(pool));
  for (const [name, pool] of Object.entries(spec.options)) {
    if (random() >= (pool.p ?? 1)) continue;
    let v: string;
    if (pool.output) {
      const ext =
        name === 'plot'
          ? pick(['.svg', '.png'])
          : key === 'simulate'
            ? pick(['.csv', '.json'])
            : command === 'networks'
              ? '.json'
              : ['train', 'compare', 'slurm'].includes(command)
                ? ''
                : '.arrow';
      v = join(dir, outputName(ext, random() < badChance));
      if (!existsSync(v)) outputs.push(v);
    } else v = value(pool);
    argv.push(`--${name}`, v);
    // Now and then the same option twice (arrays for --data, --vary, --run, --families).
    if (random() < 0.03) argv.push(`--${name}`, pool.output ? v : value(pool));
  }
  for (const [flag, p] of Object.entries(spec.flags ?? {})) if (random() < p) argv.push(`--${flag}`);
  if (spec.rest) argv.push('--', ...(random() < badChance ? pick(spec.rest.bad) : pick(spec.rest.ok)));
  if (random() < 0.3) argv.push('--quiet');
  if (random() < badChance / 5) argv.push(pick(['--bogus', '--seeed', '-x']));
  return { key, argv, outputs };
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(async () => {
  const ok = async (args: string[]) => {
    const r = await cli([...args, '--quiet']);
    if (r.code !== 0) throw new Error(`${args.join(' ')}: ${r.err.join('\n')}`);
  };
  await ok([
    'simulate',
    '--network',
    'oscillator',
    '--samples',
    '6',
    '--vary',
    'parameters.exoVm=200:400',
    '--t-end',
    '200',
    '--step',
    '5',
    '--workers',
    '0',
    '--out',
    f('osc.arrow'),
  ]);
  for (const shard of ['1/2', '2/2']) {
    await ok([
      'simulate',
      '--network',
      'oscillator',
      '--samples',
      '4',
      '--vary',
      'parameters.exoVm=200:400',
      '--t-end',
      '50',
      '--workers',
      '0',
      '--shard',
      shard,
      '--out',
      f(`s${shard[0]}.arrow`),
    ]);
  }
  await ok(['baseline', '--samples', '60', '--length', '16', '--out', f('base.arrow')]);
  await ok(['baseline', '--samples', '4', '--length', '16', '--out', f('tiny.arrow')]);
  await ok(['train', '--data', f('base.arrow'), '--out', f('run'), '--epochs', '1', '--latent', '2', '--hidden', '8']);
  await ok(['networks', '--export', 'amplifier', '--out', f('my.json')]);
  mkdirSync(f('broken-run'));
  writeFileSync(f('broken-run/run.json'), '{"formatVersion": 1, "status": "complete"');
  writeFileSync(f('bad.json'), '{"schemaVersion": 1, "kind": "pen", "name": "x", "strands": [{"name": "a", "type": "signal", "K": -1}], "templates": []}');
  writeFileSync(f('text.arrow'), 'not arrow');
  copyFileSync(f('osc.arrow'), f('cut.arrow'));
  truncateSync(f('cut.arrow'), 500);
  writeFileSync(f('a-file'), '');
  mkdirSync(f('existing-dir'));
}, 300_000);

describe('fuzz: every command with random option values', () => {
  it(`${CASES} seeded cases (seed ${SEED}): exit 0, 2 or 3, no stack trace, nothing left under an output name on failure`, async () => {
    random = createRandom(SEED);
    const table = specs();
    const problems: string[] = [];
    const codes: Record<string, Record<number, number>> = {};
    const successes: Record<string, number> = {};
    for (let i = 0; i < CASES && problems.length < 5; i++) {
      const { key, argv, outputs } = commandLine(table, successes);
      if (process.env.PENVAE_FUZZ_TRACE) appendFileSync(process.env.PENVAE_FUZZ_TRACE, `${i} ${JSON.stringify(argv)}\n`);
      const r = await cli(argv);
      if (process.env.PENVAE_FUZZ_TRACE) appendFileSync(process.env.PENVAE_FUZZ_TRACE, `  -> ${r.code} in ${r.ms.toFixed(0)} ms\n`);
      const text = [...r.out, ...r.err].join('\n');
      (codes[argv[0]!] ??= {})[r.code] = (codes[argv[0]!]![r.code] ?? 0) + 1;
      if (r.code === 0) successes[key] = (successes[key] ?? 0) + 1;
      const show = `case ${i}: pipeline ${argv.map((a) => (a === '' || /\s/.test(a) ? JSON.stringify(a) : a)).join(' ')} -> exit ${r.code}\n${r.err.join('\n')}`;
      if (![0, 2, 3].includes(r.code)) problems.push(show);
      else if (hasStackTrace(text) || /internal error|this is a bug/.test(text)) problems.push(`${show}\n(stack trace or internal error)`);
      else if (r.code !== 0) {
        const left = outputs.flatMap((o) => leftovers(o));
        if (left.length) problems.push(`${show}\n(left behind: ${left.join(', ')})`);
      } else {
        // Success leaves no temporaries either.
        const temporaries = readdirSync(dir).filter((n) => /\.tmp-/.test(n));
        if (temporaries.length) problems.push(`${show}\n(temporaries after success: ${temporaries.join(', ')})`);
      }
    }
    expect(problems, problems.join('\n\n')).toEqual([]);
    // The stream must reach past the option checks: every command succeeds or fails for real.
    const succeeded = Object.entries(codes)
      .filter(([, c]) => (c[0] ?? 0) > 0)
      .map(([k]) => k);
    expect(succeeded.sort(), JSON.stringify(codes)).toEqual([
      'baseline',
      'compare',
      'inspect',
      'merge',
      'networks',
      'normalize',
      'simulate',
      'slurm',
      'sweep-paths',
      'train',
      'validate',
    ]);
    expect(statSync(dir).isDirectory()).toBe(true);
  }, 600_000);
});
