import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSweep, captureOutput } from '@penvae/pipeline';
import { runCli } from './cli-helpers.js';
import { cliText, tempDir } from './in-process.js';
import { startLocalSlurm, waitFor, type LocalSlurm } from './slurm-cluster.js';

/** The sweep every run here makes, as options and as the command line that says the same. */
const SWEEP_OPTIONS = { network: 'oscillator', vary: ['templates[a->a].concentration=20:80:log', 'parameters.exoVm=200:400'], tEnd: 3000, step: 10, seed: 11 };
const SWEEP = [
  'simulate',
  '--network',
  SWEEP_OPTIONS.network,
  ...SWEEP_OPTIONS.vary.flatMap((v) => ['--vary', v]),
  '--t-end',
  String(SWEEP_OPTIONS.tEnd),
  '--step',
  String(SWEEP_OPTIONS.step),
  '--seed',
  String(SWEEP_OPTIONS.seed),
];

/** The same sweep on this machine, in this process: what every cluster run must reproduce. */
async function singleMachineRun(dir: string, samples: number): Promise<Buffer> {
  const out = join(dir, `single-${samples}.arrow`);
  await runSweep({ ...SWEEP_OPTIONS, samples, workers: 0, progress: false, out }, captureOutput());
  return readFileSync(out);
}

describe('pipeline slurm scripts, run as plain shell scripts (no Slurm needed)', () => {
  const dir = tempDir('penvae-slurm-bash-');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('each array task writes its shard and the merge job joins them into the single-machine file', async () => {
    const out = join(dir, 'datasets', 'osc.arrow');
    const r = await cliText(['slurm', '--shards', '3', '--time', '00:05:00', '--', ...SWEEP, '--samples', '30', '--workers', '1', '--out', out], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/checked: the command's first sample ran here/);
    expect(r.stdout).toMatch(/sbatch --parsable .*osc\.slurm\/shards\.sbatch/);
    const folder = join(dir, 'datasets', 'osc.slurm');
    for (const task of [1, 2, 3]) {
      const run = spawnSync('bash', [join(folder, 'shards.sbatch')], {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, SLURM_ARRAY_TASK_ID: String(task) },
      });
      expect(run.status, run.stderr).toBe(0);
    }
    const merge = spawnSync('bash', [join(folder, 'merge.sbatch')], { cwd: dir, encoding: 'utf8' });
    expect(merge.status, merge.stderr).toBe(0);
    expect(readFileSync(out).equals(await singleMachineRun(dir, 30))).toBe(true);
  });
});

describe('on a real Slurm (munged, slurmctld, slurmd on this host; single node, 2 CPUs)', () => {
  let cluster: LocalSlurm | undefined;
  let unavailable = '';
  let reference: Buffer;
  const dir = tempDir('penvae-slurm-e2e-');
  const SAMPLES = 400;

  beforeAll(async () => {
    const started = await startLocalSlurm();
    if ('unavailable' in started) {
      unavailable = started.unavailable;
      console.warn(`Slurm tests skipped: ${unavailable}`);
      return;
    }
    cluster = started;
    reference = await singleMachineRun(dir, SAMPLES);
  }, 180_000);

  afterAll(async () => {
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  const cli = (args: string[]) => runCli(args, { cwd: dir, env: cluster!.env });
  const queueEmpty = () => spawnSync('squeue', ['-h'], { encoding: 'utf8', env: { ...process.env, ...cluster!.env } }).stdout.trim() === '';
  const submit = (name: string) =>
    cli([
      'slurm',
      '--shards',
      '4',
      '--time',
      '00:10:00',
      '--submit',
      '--',
      ...SWEEP,
      '--samples',
      String(SAMPLES),
      '--workers',
      '1',
      '--out',
      join(dir, `${name}.arrow`),
    ]);

  it('a 4-shard sweep submitted with pipeline slurm --submit merges into the single-machine file, byte for byte', async (ctx) => {
    if (!cluster) return ctx.skip(unavailable);
    const r = submit('clean');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^submitted: shards \d+, merge \d+$/m);
    const merged = join(dir, 'clean.arrow');
    await waitFor('the merged file', () => existsSync(merged) || (queueEmpty() && !existsSync(merged)), 240_000);
    expect(existsSync(merged), readdirSync(join(dir, 'clean.slurm', 'logs')).join(', ')).toBe(true);
    expect(readFileSync(merged).equals(reference)).toBe(true);
    const status = cli(['slurm-status', join(dir, 'clean.slurm')]);
    expect(status.stdout).toMatch(/done\s+4\s+shards 1-4/);
    expect(readdirSync(join(dir, 'clean.slurm', 'logs')).sort()).toEqual(
      expect.arrayContaining([expect.stringMatching(/^merge-\d+\.log$/), expect.stringMatching(/^shards-4-\d+\.log$/)]),
    );
  }, 300_000);

  it('a shard killed mid-way: merge names it, slurm-resubmit reruns only it, and the result is byte-identical', async (ctx) => {
    if (!cluster) return ctx.skip(unavailable);
    const r = submit('killed');
    expect(r.code, r.stderr).toBe(0);
    const folder = join(dir, 'killed.slurm');
    const shards = join(folder, 'shards');
    // Shard 3's run writes to a hidden temporary named after its PID; once the schema is in it,
    // the sweep is under way: kill the process as a node failure or the OOM killer would.
    let victim = 0;
    await waitFor(
      "shard 3's run to start writing",
      () => {
        const temporary = readdirSync(shards).find((n) => n.startsWith('.shard-3-of-4.arrow.tmp-'));
        if (!temporary || statSync(join(shards, temporary)).size === 0) return false;
        victim = Number(/\.tmp-(\d+)-/.exec(temporary)![1]);
        return true;
      },
      240_000,
    );
    expect(readFileSync(`/proc/${victim}/cmdline`, 'utf8')).toContain('shard-3-of-4.arrow');
    process.kill(victim, 'SIGKILL');
    await waitFor('the other shards to finish and the merge job to be cancelled', queueEmpty, 240_000);
    expect(existsSync(join(shards, 'shard-3-of-4.arrow')), 'shard 3 finished before it was killed').toBe(false);
    expect(existsSync(join(dir, 'killed.arrow'))).toBe(false);

    const merge = cli(['merge', shards, '--out', join(dir, 'by-hand.arrow')]);
    expect(merge.code).toBe(2);
    expect(merge.stderr).toMatch(/missing shard 3 of 4 \(3 of 4 given\)/);
    expect(merge.stderr).toMatch(/shard 3\/4 started but did not finish/);
    const status = cli(['slurm-status', folder]);
    expect(status.stdout).toMatch(/done\s+3\s+shards 1-2, 4/);
    expect(status.stdout).toMatch(/failed\s+1\s+shard\s+3\n\s+shard 3: stopped without an error message/);

    const resubmit = cli(['slurm-resubmit', folder, '--submit']);
    expect(resubmit.code, resubmit.stderr).toBe(0);
    expect(resubmit.stdout).toMatch(/^resubmitted shard 3, then the merge: shards \d+, merge \d+$/m);
    await waitFor('the merged file', () => existsSync(join(dir, 'killed.arrow')) || queueEmpty(), 240_000);
    expect(readFileSync(join(dir, 'killed.arrow')).equals(reference)).toBe(true);
    // The rerun shard is the same bytes as the first submission's shard 3.
    expect(readFileSync(join(shards, 'shard-3-of-4.arrow')).equals(readFileSync(join(dir, 'clean.slurm', 'shards', 'shard-3-of-4.arrow')))).toBe(true);
    const records = JSON.parse(readFileSync(join(folder, 'jobs.json'), 'utf8')) as { tasks?: Record<string, string> }[];
    expect(records.map((x) => x.tasks)).toEqual([undefined, { shards: '3' }]);
  }, 400_000);
});
