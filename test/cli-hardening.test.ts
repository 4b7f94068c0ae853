/**
 * Issue 9 (CLI hardening) and the "Bad input" of issue 8, case by case: every command driven
 * in process through `main`, as the bin runs it. Each case failed before its fix.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, truncateSync, copyFileSync, writeFileSync, cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { builtinNetworkUrl } from '@penvae/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, hasStackTrace, leftovers, tempDir } from './in-process.js';

const dir = tempDir('penvae-harden-');
const osc = join(dir, 'osc.arrow');
const base = join(dir, 'base.arrow');
const SWEEP = ['simulate', '--network', 'oscillator', '--vary', 'parameters.exoVm=200:400', '--t-end', '500', '--step', '10', '--workers', '0', '--quiet'];
const TRAIN = ['--epochs', '2', '--latent', '2', '--hidden', '8', '--batch', '16', '--architecture', 'dense', '--quiet'];

/** Runs a command that must succeed. */
async function ok(args: string[]) {
  const r = await cli(args);
  if (r.code !== 0) throw new Error(`pipeline ${args.join(' ')} failed (${r.code}):\n${r.err.join('\n')}`);
  return r;
}

/** A command that must be refused as bad input: exit 2, the message, no stack trace, nothing under `out`. */
async function refused(args: string[], message: RegExp, out?: string) {
  const r = await cli(args);
  const err = r.err.join('\n');
  expect(r.code, err).toBe(2);
  expect(err).toMatch(message);
  expect(hasStackTrace(err)).toBe(false);
  if (out) expect(leftovers(out)).toEqual([]);
  return r;
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(async () => {
  mkdirSync(join(dir, 'runs'));
  await ok([...SWEEP, '--samples', '12', '--out', osc]);
  await ok(['baseline', '--samples', '60', '--length', '32', '--seed', '3', '--out', base, '--quiet']);
}, 300_000);

describe('crashes and runaway work', () => {
  it.each([['0'], ['-1'], ['1.5'], ['abc']])('--max-steps %s is refused before anything starts (main thread and workers)', async (value) => {
    for (const workers of ['0', '2']) {
      const out = join(dir, `max-steps-${workers}.arrow`);
      const args = [
        ...SWEEP.filter((a, i) => a !== '--workers' && SWEEP[i - 1] !== '--workers'),
        '--workers',
        workers,
        '--samples',
        '4',
        '--max-steps',
        value,
        '--out',
        out,
      ];
      await refused(args, /--max-steps .*: expected an integer >= 1/, out);
    }
  });

  it('baseline --samples 1e9 is refused with the limit and why', async () => {
    const out = join(dir, 'huge.arrow');
    await refused(
      ['baseline', '--samples', '1e9', '--out', out],
      /--samples 1000000000: the dataset would take about .* but the disk holding .* has .* free/,
      out,
    );
    await refused(['baseline', '--samples', '3e9', '--out', out], /at most 2147483647 rows \(sample_id is a 32-bit integer\)/, out);
  });

  it('a sweep whose rows cannot be held in memory is refused with the limit and why', async () => {
    const out = join(dir, 'wide.arrow');
    await refused(
      [...SWEEP.slice(0, 5), '--samples', '4', '--t-end', '50000', '--step', '0.1', '--out', out],
      /each row would hold .* more than the .* a dataset row may have/,
      out,
    );
  });

  it('shows progress while a baseline is written', async () => {
    const r = await cli(['baseline', '--samples', '600', '--out', join(dir, 'progress.arrow')]);
    expect(r.code).toBe(0);
    expect(r.err.some((l) => /^baseline \[#+\.*\] \d+\/600/.test(l))).toBe(true);
  });

  /**
   * Aborts `args` when a stderr line matches `when`: the command must stop (exit 130) long
   * before it would have finished (tens of seconds of work remain), print nothing after the abort but
   * its message, and leave nothing under `out`. How fast it stops is measured by
   * bench/interrupt.js, not here (no timed tests).
   */
  async function interrupt(args: string[], when: RegExp, out: string) {
    const controller = new AbortController();
    let linesAtAbort = -1;
    const seen: string[] = [];
    const r = await cli(args, {
      signal: controller.signal,
      onErr: (line) => {
        if (!controller.signal.aborted && when.test(line)) {
          controller.abort();
          linesAtAbort = seen.length;
        }
        seen.push(line);
      },
    });
    expect(linesAtAbort, r.err.join('\n')).toBeGreaterThanOrEqual(0);
    expect(r.code, r.err.join('\n')).toBe(130);
    // After the abort: at most the line that was being printed, then the interruption message.
    expect(r.err.slice(linesAtAbort + 1).filter((l) => !/interrupted/.test(l)).length, r.err.join('\n')).toBeLessThanOrEqual(2);
    expect(r.err.join('\n')).toMatch(/interrupted.*partial outputs removed/);
    expect(leftovers(out)).toEqual([]);
    return r;
  }

  it.each([['0'], ['2']])('Ctrl-C stops a sweep on %s workers at once, leaving nothing', async (workers) => {
    const out = join(dir, `ctrl-c-${workers}.arrow`);
    await interrupt(
      ['simulate', '--network', 'oscillator', '--vary', 'parameters.exoVm=200:400', '--t-end', '600', '--samples', '5000', '--workers', workers, '--out', out],
      /simulate oscillator \[.*\] [1-9]\d*\/5000/,
      out,
    );
  });

  it('Ctrl-C stops a baseline at once, leaving nothing', async () => {
    const out = join(dir, 'ctrl-c-baseline.arrow');
    await interrupt(['baseline', '--samples', '500000', '--out', out], /^baseline \[/, out);
  });

  it('Ctrl-C stops training between batches; the checkpoint stays for --resume', async () => {
    const out = join(dir, 'runs-ctrl-c');
    const r = await interrupt(
      ['train', '--data', base, '--out', out, '--epochs', '1000', '--latent', '2', '--hidden', '8', '--batch', '8', '--architecture', 'dense', '--verbose'],
      /^epoch 3\/1000/,
      join(out, 'model'),
    );
    expect(r.err.join('\n')).toMatch(/continue with --resume/);
    expect(existsSync(join(out, 'checkpoint'))).toBe(true);
    expect(JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')).status).toBe('training');
    // Checkpoints reach the disk at most every 30 s, but Ctrl-C writes the last completed epoch:
    // --resume loses nothing that was printed as done.
    const printed = r.err
      .map((l) => /^epoch (\d+)\/1000/.exec(l)?.[1])
      .filter((e) => e !== undefined)
      .map(Number);
    expect(printed.length).toBeGreaterThan(0);
    const saved = JSON.parse(readFileSync(join(out, 'checkpoint', 'checkpoint.json'), 'utf8')).epoch;
    expect(saved).toBe(Math.max(...printed));
  });

  it('a signal that arrives as the command finishes is not lost: exit 130, the complete output kept', async () => {
    const out = join(dir, 'late-signal.arrow');
    const late = new AbortController();
    const r2 = await cli(['baseline', '--samples', '10', '--out', out], { signal: late.signal, onErr: (l) => l.startsWith('wrote') && late.abort() });
    expect(r2.code).toBe(130);
    expect(r2.err.join('\n')).toMatch(/interrupted after the command had finished; its outputs are complete/);
    expect(existsSync(out)).toBe(true);
  });
});

describe('silent wrong answers', () => {
  it.each([['1.5'], ['-1'], ['1e30'], ['4294967296'], ['abc']])('--seed %s is refused by every command that takes one', async (seed) => {
    const msg = /--seed .*: expected an integer from 0 to 4294967295 \(seeds are unsigned 32-bit\)/;
    await refused([...SWEEP, '--samples', '2', '--seed', seed, '--out', join(dir, 'seed.arrow')], msg, join(dir, 'seed.arrow'));
    await refused(['baseline', '--samples', '2', '--seed', seed, '--out', join(dir, 'seed.arrow')], msg, join(dir, 'seed.arrow'));
    await refused(['train', '--data', base, '--out', join(dir, 'seed-run'), '--seed', seed], msg, join(dir, 'seed-run'));
    await refused(['compare', '--run', join(dir, 'nothing'), '--out', join(dir, 'seed-report'), '--seed', seed], msg, join(dir, 'seed-report'));
  });

  it('--seed 0 and 4294967295 are valid and give different data', async () => {
    const a = join(dir, 'seed0.arrow');
    const b = join(dir, 'seedmax.arrow');
    await ok(['baseline', '--samples', '4', '--seed', '0', '--out', a, '--quiet']);
    await ok(['baseline', '--samples', '4', '--seed', '4294967295', '--out', b, '--quiet']);
    expect(readFileSync(a).equals(readFileSync(b))).toBe(false);
  });

  it('a sweep file with a negative seed is refused', async () => {
    const sweep = join(dir, 'neg-seed.json');
    writeFileSync(sweep, JSON.stringify({ samples: 2, seed: -1, vary: [{ path: 'parameters.exoVm', min: 200, max: 400 }] }));
    await refused(
      ['simulate', '--network', 'oscillator', '--sweep', sweep, '--out', join(dir, 'neg.arrow')],
      /neg-seed\.json: seed: expected an integer from 0 to 4294967295/,
      join(dir, 'neg.arrow'),
    );
  });

  it.each([['-1'], ['1.5'], ['abc']])('--workers %s is refused', async (workers) => {
    const out = join(dir, 'workers.arrow');
    await refused([...SWEEP.slice(0, 9), '--samples', '2', '--workers', workers, '--out', out], /--workers .*: expected an integer from 0 to 1024/, out);
  });

  it('more workers than samples: only one per sample is started, and the message says so', async () => {
    const r = await cli([...SWEEP.slice(0, 9), '--samples', '2', '--workers', '100', '--no-progress', '--out', join(dir, 'w100.arrow')]);
    expect(r.code).toBe(0);
    expect(r.err.join('\n')).toMatch(/--workers 100 for 2 samples; starting 2/);
    expect(r.err.join('\n')).toMatch(/on 2 workers/);
  });
});

describe('compare checks the model against run.json', () => {
  const runA = join(dir, 'runs', 'a');
  const runB = join(dir, 'runs', 'b');
  const runC = join(dir, 'runs', 'c');
  beforeAll(async () => {
    await ok(['train', '--data', base, '--out', runA, ...TRAIN]);
    await ok(['train', '--data', base, '--out', runB, ...TRAIN.map((a) => (a === '2' ? '3' : a))]);
    await ok(['train', '--data', base, '--out', runC, ...TRAIN, '--seed', '7']);
  }, 300_000);

  it('run.json records the SHA-256 of every model file', () => {
    const record = JSON.parse(readFileSync(join(runA, 'run.json'), 'utf8'));
    expect(Object.keys(record.modelFiles)).toEqual(['decoder/model.json', 'decoder/weights.bin', 'encoder/model.json', 'encoder/weights.bin', 'vae.json']);
    for (const hash of Object.values(record.modelFiles)) expect(hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("refuses a run whose model/ was swapped for another run's (latent 3 beside a run.json that says 2)", async () => {
    const swapped = join(dir, 'runs', 'swapped');
    cpSync(runA, swapped, { recursive: true });
    rmSync(join(swapped, 'model'), { recursive: true });
    cpSync(join(runB, 'model'), join(swapped, 'model'), { recursive: true });
    await refused(
      ['compare', '--run', swapped, '--out', join(dir, 'report-swapped')],
      /--run .*swapped: model\/ is not the model this run trained and evaluated \(.*encoder\/weights\.bin has changed/,
      join(dir, 'report-swapped'),
    );
  });

  it("refuses a run whose encoder was replaced by another run's of the same shape", async () => {
    const swapped = join(dir, 'runs', 'encoder-swapped');
    cpSync(runA, swapped, { recursive: true });
    rmSync(join(swapped, 'model', 'encoder'), { recursive: true });
    cpSync(join(runC, 'model', 'encoder'), join(swapped, 'model', 'encoder'), { recursive: true });
    await refused(['compare', '--run', swapped, '--out', join(dir, 'report-enc')], /model\/ is not the model this run trained/, join(dir, 'report-enc'));
  });

  it.each([['evaluating'], ['rendering']])('Ctrl-C while %s leaves no report', async (stage) => {
    const out = join(dir, `report-ctrl-c-${stage}`);
    const controller = new AbortController();
    // A real signal is handled on a turn of the event loop, not in the middle of a step: a
    // timer stands for it (rendering used to run on microtasks only and never let it through).
    const r = await cli(['compare', '--run', runA, '--out', out], {
      signal: controller.signal,
      onErr: (l) => void (l.startsWith(stage) && setTimeout(() => controller.abort(), 0)),
    });
    expect(r.code, r.err.join('\n')).toBe(130);
    expect(r.err.join('\n')).toMatch(/interrupted; partial outputs removed/);
    expect(leftovers(out)).toEqual([]);
  });

  it('writes the model folder with the mode the umask gives (not 0700)', () => {
    expect(statSync(join(runA, 'model')).mode & 0o777).toBe(0o777 & ~process.umask());
    expect(statSync(runA).mode & 0o777).toBe(0o777 & ~process.umask());
  });

  it('writes the report folder with the mode the umask gives (not 0700)', async () => {
    const out = join(dir, 'report-mode');
    await ok(['compare', '--run', runA, '--out', out, '--quiet']);
    const umask = process.umask();
    expect(statSync(out).mode & 0o777).toBe(0o777 & ~umask);
    expect(statSync(join(out, 'figures')).mode & 0o777).toBe(0o777 & ~umask);
  }, 60_000);
});

describe('messages and leftovers', () => {
  it('a truncated .arrow says that the file is truncated', async () => {
    const cut = join(dir, 'cut.arrow');
    copyFileSync(osc, cut);
    truncateSync(cut, Math.floor(statSync(cut).size / 2));
    await refused(['inspect', cut], /cut\.arrow: the file is truncated/);
    await refused(['train', '--data', cut, '--out', join(dir, 'cut-run')], /cut\.arrow: the file is truncated/, join(dir, 'cut-run'));
  });

  it('stale temporaries of dead processes are removed on the next write; those of live ones are kept', async () => {
    const out = join(dir, 'stale.arrow');
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    const live = process.ppid;
    writeFileSync(join(dir, `.stale.arrow.tmp-${dead}-1`), 'left by kill -9');
    writeFileSync(join(dir, `.stale.arrow.tmp-${live}-1`), 'still being written');
    await ok(['baseline', '--samples', '4', '--out', out, '--quiet']);
    expect(leftovers(out).sort()).toEqual([`.stale.arrow.tmp-${live}-1`, 'stale.arrow']);
  });

  it('--out in a folder that does not exist outside the working directory is refused and the folder not created', async () => {
    const missing = join(dir, 'no-such-dir', 'x.arrow');
    await refused(
      [...SWEEP, '--samples', '2', '--out', missing],
      /the folder .*no-such-dir does not exist; pipeline creates missing folders only inside the working directory/,
    );
    expect(existsSync(join(dir, 'no-such-dir'))).toBe(false);
    await refused(['simulate', '--network', 'oscillator', '--out', '/nonexistent-dir/x.csv'], /the folder \/nonexistent-dir does not exist/);
    expect(existsSync('/nonexistent-dir')).toBe(false);
  });

  it.each([['/abs/path'], ['a/b'], ['..'], ['.hidden'], ['']])('demo --name %j is refused (a name, not a path)', async (name) => {
    await refused(['demo', '--name', name], /--name .*: expected a folder name/);
  });

  it.each([
    ['--states with a sweep', [...SWEEP, '--samples', '2', '--states', '--out', 'x.arrow'], /--states: apply to one simulation, not to a sweep/],
    ['--plot with a sweep', [...SWEEP, '--samples', '2', '--plot', 'x.svg', '--out', 'x.arrow'], /--plot "x\.svg": apply to one simulation/],
    ['--window with a summary', ['simulate', '--network', 'oscillator', '--window', '0:100'], /--window .*: apply to sweeps/],
    ['--seed with one simulation', ['simulate', '--network', 'oscillator', '--seed', '3'], /--seed 3: apply to sweeps/],
    ['--workers with one simulation', ['simulate', '--network', 'oscillator', '--workers', '2'], /--workers 2: apply to sweeps/],
    ['--states without --out', ['simulate', '--network', 'oscillator', '--states'], /--states: applies to the trajectory written with --out/],
    ['--out without --export', ['networks', '--out', 'x.json'], /--out: only with --export/],
    ['an option given twice', ['baseline', '--samples', '3', '--samples', '4', '--out', 'x.arrow'], /--samples: given 2 times \(3, 4\); give it once/],
  ])('an option the command would ignore is refused: %s', async (_label, args, message) => {
    await refused(args as string[], message);
  });
});

describe('what users asked for', () => {
  it.each([['svg'], ['png']])(
    'simulate --plot draws one trajectory as %s',
    async (ext) => {
      const out = join(dir, `trajectory.${ext}`);
      const r = await ok(['simulate', '--network', 'oscillator', '--t-end', '500', '--plot', out]);
      expect(r.out[0]).toMatch(/^oscillator/); // the summary is still printed
      const bytes = readFileSync(out);
      if (ext === 'svg') expect(bytes.toString('utf8')).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
      else expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
    },
    30_000,
  );

  it('--quiet keeps results and errors, drops progress', async () => {
    const loud = await cli(['baseline', '--samples', '300', '--out', join(dir, 'loud.arrow')]);
    const quiet = await cli(['baseline', '--samples', '300', '--out', join(dir, 'quiet.arrow'), '--quiet']);
    expect(loud.err.length).toBeGreaterThan(0);
    expect(quiet.code).toBe(0);
    expect(quiet.err).toEqual([]);
    const summary = await cli(['simulate', '--network', 'oscillator', '--t-end', '500', '--quiet']);
    expect(summary.out.length).toBeGreaterThan(2);
    const bad = await cli(['baseline', '--samples', '0', '--out', join(dir, 'q.arrow'), '--quiet']);
    expect(bad.code).toBe(2);
    expect(bad.err.join('\n')).toMatch(/--samples 0/);
  });

  it('every command takes --quiet', async () => {
    const help = await cli(['--help']);
    const commands = help.out.filter((l) => /^\s+pipeline \S+/.test(l)).map((l) => l.trim().split(/\s+/)[1]!);
    expect(commands.length).toBeGreaterThanOrEqual(12);
    for (const command of commands) {
      const r = await cli([command, '--help']);
      expect(r.out.join('\n'), command).toMatch(/--quiet/);
    }
  });

  it('train shows a progress bar with the latest numbers; --verbose prints every epoch', async () => {
    const bar = await cli(
      [
        'train',
        '--data',
        base,
        '--out',
        join(dir, 'runs', 'bar'),
        '--epochs',
        '6',
        '--latent',
        '2',
        '--hidden',
        '8',
        '--batch',
        '16',
        '--architecture',
        'dense',
      ],
      { tty: true },
    );
    expect(bar.code).toBe(0);
    const redraws = bar.err.filter((l) => l.startsWith('\rtrain ['));
    expect(redraws.length).toBeGreaterThan(6);
    expect(redraws.at(-1)).toMatch(/epoch 6\/6 \| loss \S+ val \S+ recon \S+ kl \S+ active \d\/2 sigma \S+/);
    expect(bar.err.filter((l) => /^epoch \d+\/6 {2}loss/.test(l))).toEqual([]);
    const verbose = await cli([
      'train',
      '--data',
      base,
      '--out',
      join(dir, 'runs', 'verbose'),
      '--epochs',
      '6',
      '--latent',
      '2',
      '--hidden',
      '8',
      '--batch',
      '16',
      '--architecture',
      'dense',
      '--verbose',
    ]);
    expect(verbose.err.filter((l) => /^epoch \d+\/6 {2}loss .* kl\/dim /.test(l))).toHaveLength(6);
  }, 60_000);

  it("sweep-paths shows each path's current value (defaults resolved)", async () => {
    const r = await ok(['sweep-paths', '--network', 'oscillator']);
    const row = (path: string) =>
      r.out
        .find((l) => l.startsWith(`${path} `))
        ?.split(/\s+/)
        .at(-1);
    const file = JSON.parse(readFileSync(new URL(builtinNetworkUrl('oscillator')), 'utf8'));
    expect(Number(row('templates[a->a].concentration'))).toBe(file.templates[0].concentration);
    expect(Number(row('parameters.exoVm'))).toBeGreaterThan(0);
    expect(row('strands[a].K')).toBe(String(file.strands[0].K));
  });

  it('networks --export writes a built-in as a starting file, never over an existing one', async () => {
    const out = join(dir, 'my-osc.json');
    await ok(['networks', '--export', 'oscillator', '--out', out]);
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(new URL(builtinNetworkUrl('oscillator')), 'utf8'));
    await ok(['validate', out]);
    await refused(['networks', '--export', 'oscillator', '--out', out], /the file exists/);
    await refused(['networks', '--export', 'oscilator'], /no built-in network of that name/);
  });

  it('normalize with only --window keeps the length and scaling the file records', async () => {
    const first = join(dir, 'norm1.arrow');
    const second = join(dir, 'norm2.arrow');
    await ok(['normalize', osc, '--out', first, '--length', '40', '--scale', 'zscore', '--quiet']);
    await ok(['normalize', first, '--out', second, '--window', '100:400', '--quiet']);
    const info = await ok(['inspect', second]);
    const normalization = JSON.parse(info.out.find((l) => l.includes('penvae.normalization'))!.split('penvae.normalization: ')[1]!);
    expect(normalization).toMatchObject({ window: [100, 400], length: 40, scaling: 'zscore' });
  });
});

describe('train: options are checked before anything is written (issue 8, bad input)', () => {
  const tiny = join(dir, 'tiny.arrow');
  beforeAll(async () => {
    await ok(['baseline', '--samples', '4', '--length', '32', '--out', tiny, '--quiet']);
  });

  it.each([
    ['--latent 0', ['--latent', '0'], /--latent 0: expected an integer from 1 to 4096/],
    ['--epochs 0', ['--epochs', '0'], /--epochs 0: expected an integer from 1/],
    ['--batch 1.5', ['--batch', '1.5'], /--batch 1\.5: expected an integer/],
    ['--hidden 0,8', ['--hidden', '0,8'], /--hidden 0: expected an integer from 1/],
    ['--learning-rate -1', ['--learning-rate', '-1'], /--learning-rate -1: expected a finite number > 0/],
    ['--warmup 1.5', ['--warmup', '1.5'], /--warmup 1\.5: expected an integer >= 0/],
    ['--sigma 0', ['--sigma', '0'], /--sigma 0: expected a number > 0, "learned" or "per-series"/],
    ['--split 1,0,0', ['--split', '1,0,0'], /the test fraction must be > 0/],
    ['--split 0.5,0.5', ['--split', '0.5,0.5'], /--split 0\.5,0\.5: expected 3 comma-separated numbers/],
  ])('%s: exit 2, no run folder, and a retry with good options works', async (_label, extra, message) => {
    const out = join(dir, 'runs', `bad-${_label.replace(/\W+/g, '-')}`);
    await refused(['train', '--data', base, '--out', out, ...extra], message, out);
    expect(existsSync(out)).toBe(false);
  });

  it('a retry after a refused option trains normally (nothing blocks it)', async () => {
    const out = join(dir, 'runs', 'retry');
    await refused(['train', '--data', base, '--out', out, '--latent', '0'], /--latent 0/, out);
    await ok(['train', '--data', base, '--out', out, ...TRAIN]);
    expect(JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')).status).toBe('complete');
  }, 30_000);

  it('refuses a dataset too small to split, naming how many rows are needed', async () => {
    const out = join(dir, 'runs', 'tiny');
    await refused(
      ['train', '--data', tiny, '--out', out, ...TRAIN],
      /--data: 4 usable rows .* cannot be split 0\.8,0\.1,0\.1 \(train 3, validation 0, test 1\); .* give at least 8 rows/,
      out,
    );
  });

  it('refuses the same --data twice (same path, another spelling, or a copy)', async () => {
    const out = join(dir, 'runs', 'twice');
    await refused(['train', '--data', base, '--data', base, '--out', out, ...TRAIN], /the same file is given twice/, out);
    const copy = join(dir, 'base-copy.arrow');
    copyFileSync(base, copy);
    await refused(['train', '--data', base, '--data', copy, '--out', out, ...TRAIN], /has the same contents as/, out);
  });
});

describe('the environment: a read-only or full disk is exit 2 naming the path', () => {
  it("a read-only folder (EROFS/EACCES) is reported as the user's environment, not a bug", async () => {
    if (process.getuid?.() === 0) {
      // root ignores permissions; a read-only bind mount needs privileges: check that a real
      // permission refusal of another kind (a file where a folder should be) is still exit 2.
      const blocker = join(dir, 'blocker');
      writeFileSync(blocker, 'x');
      await refused(['simulate', '--network', 'oscillator', '--out', join(blocker, 'x.csv')], /blocker is a file, not a folder/);
      return;
    }
    const ro = join(dir, 'read-only');
    mkdirSync(ro);
    execFileSync('chmod', ['555', ro]);
    await refused(
      ['simulate', '--network', 'oscillator', '--t-end', '100', '--out', join(ro, 'x.csv')],
      /cannot write .*read-only\/x\.csv: permission denied \(EACCES\)/,
    );
    expect(readdirSync(ro)).toEqual([]);
  });
});
