import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../errors.js';
import { captureOutput } from '../io/output.js';
import { shellQuote } from '../slurm/script.js';
import type { SlurmRunner } from '../slurm/submission.js';
import { runSlurm, runSlurmResubmit, runSlurmStatus, type SlurmCommandOptions } from './slurm.js';

const root = mkdtempSync(join(tmpdir(), 'penvae-slurm-unit-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let folders = 0;

const SWEEP = [
  'simulate',
  '--network',
  'oscillator',
  '--samples',
  '1000',
  '--vary',
  'templates[a->a].concentration=20:80:log',
  '--vary',
  'parameters.exoVm=200:400',
];

/** A stand-in for the site's sbatch and squeue: records calls, answers job ids and a queue. */
function fakeSlurm(queue: string[] = []) {
  const calls: string[][] = [];
  let next = 100;
  const run: SlurmRunner = (command, args) => {
    calls.push([command, ...args]);
    if (command === 'sbatch') return { status: 0, stdout: `${next++}\n`, stderr: '', missing: false };
    return { status: 0, stdout: queue.join('\n'), stderr: '', missing: false };
  };
  return { run, calls };
}

function options(extra: Partial<SlurmCommandOptions> = {}, command = SWEEP): SlurmCommandOptions {
  const dir = join(root, `case-${++folders}`);
  return { command: [...command, '--out', join(dir, 'big.arrow')], shards: 4, time: '00:20:00', check: false, ...extra };
}

describe('pipeline slurm: the scripts', () => {
  it('a sweep becomes an array of --shard {task}/n runs with CPUs matching --workers, then a merge after them', async () => {
    const o = options({ partition: 'short', mem: '2G', maxParallel: 2, setup: ['module load nodejs/20'], sbatch: ['--constraint=avx2'] }, [
      ...SWEEP,
      '--workers',
      '3',
    ]);
    const result = await runSlurm(o, captureOutput());
    const shards = readFileSync(join(result.dir, 'shards.sbatch'), 'utf8');
    for (const line of [
      '#SBATCH --array=1-4%2',
      '#SBATCH --cpus-per-task=3',
      '#SBATCH --time=00:20:00',
      '#SBATCH --partition=short',
      '#SBATCH --mem=2G',
      '#SBATCH --constraint=avx2',
      `#SBATCH --output=${result.dir}/logs/shards-%a-%A.log`,
      'module load nodejs/20',
    ]) {
      expect(shards).toContain(line);
    }
    expect(shards).toContain(`--workers 3 \\\n  --shard "\${task}/4" \\\n  --out "${result.dir}/shards/shard-\${task}-of-4.arrow"`);
    expect(shards).toContain(`--vary 'templates[a->a].concentration=20:80:log'`);
    const merge = readFileSync(join(result.dir, 'merge.sbatch'), 'utf8');
    expect(merge).toContain('#SBATCH --kill-on-invalid-dep=yes');
    expect(merge).toContain('#SBATCH --cpus-per-task=1');
    expect(merge).toMatch(new RegExp(`merge ${result.dir}/shards \\\\\\n  --out ${join(result.dir, '..', 'big.arrow').replace(/[.]/g, '\\.')}`));
    expect(readFileSync(join(result.dir, 'submit.sh'), 'utf8')).toContain('merge_id=$(sbatch --parsable --dependency=afterok:${shards_id} merge.sbatch)');
    expect(result.commands).toEqual([
      expect.stringMatching(/^shards_id=\$\(sbatch --parsable \S+\/shards\.sbatch\)$/),
      expect.stringMatching(/^merge_id=\$\(sbatch --parsable --dependency=afterok:\$shards_id \S+\/merge\.sbatch\)$/),
    ]);
    expect(readdirSync(result.dir).sort()).toEqual(['logs', 'merge.sbatch', 'plan.json', 'shards', 'shards.sbatch', 'submit.sh']);
  });

  it('gives a sweep without --workers one worker per CPU of its allocation (not of the node)', async () => {
    const result = await runSlurm(options({ cpusPerTask: 8 }), captureOutput());
    const shards = readFileSync(join(result.dir, 'shards.sbatch'), 'utf8');
    expect(shards).toContain('#SBATCH --cpus-per-task=8');
    expect(shards).toContain('--workers 8');
  });

  it('runs a sweep without --shards as one job, its workers matching its CPUs', async () => {
    const { shards: _shards, ...withoutShards } = options({ cpusPerTask: 4 });
    const result = await runSlurm(withoutShards, captureOutput());
    expect(result.plan.jobs.map((j) => j.name)).toEqual(['simulate']);
    const script = readFileSync(join(result.dir, 'simulate.sbatch'), 'utf8');
    expect(script).toContain('#SBATCH --cpus-per-task=4');
    expect(script).toMatch(/^ {2}--workers 4$/m);
    expect(script).not.toContain('--array');
  });

  it('wraps any other command as one job, after the jobs it needs', async () => {
    const dir = join(root, 'train.slurm');
    const result = await runSlurm(
      { command: ['train', '--data', 'datasets/big.slurm/shards', '--out', 'runs/big'], dir, cpusPerTask: 4, after: ['123'], check: false },
      captureOutput(),
    );
    expect(result.plan.jobs.map((j) => j.name)).toEqual(['train']);
    const script = readFileSync(join(dir, 'train.sbatch'), 'utf8');
    expect(script).toContain('#SBATCH --cpus-per-task=4');
    expect(script).toContain('train \\\n  --data datasets/big.slurm/shards \\\n  --out runs/big');
    expect(result.commands).toEqual([`train_id=$(sbatch --parsable --dependency=afterok:123 ${dir}/train.sbatch)`]);
    const study = await runSlurm({ command: ['experiment', '--workers', '8'], dir: join(root, 'experiment.slurm'), check: false }, captureOutput());
    expect(readFileSync(join(study.dir, 'experiment.sbatch'), 'utf8')).toContain('#SBATCH --cpus-per-task=8');
  });

  it.each([
    ['no command', { command: [] }, /give the pipeline command to run after --/],
    [
      '--shards on a command that is not a sweep',
      { command: ['train', '--data', 'x.arrow', '--out', 'runs/x'] },
      /--shards: only a sweep .* `train` runs as one job/,
    ],
    ['--shard in the command', { command: [...SWEEP, '--shard', '1/2', '--out', 'x.arrow'] }, /--shard: `pipeline slurm --shards n` gives each task its shard/],
    [
      'CPUs that disagree with --workers',
      { command: [...SWEEP, '--workers', '2', '--out', 'x.arrow'], cpusPerTask: 4 },
      /--cpus-per-task 4 and the command's --workers 2 disagree/,
    ],
    ['a time limit Slurm does not read', { time: '20 minutes' }, /--time 20 minutes: expected a Slurm time limit/],
    ['memory without a unit Slurm reads', { mem: '2 GB' }, /--mem 2 GB: expected a size such as 4G/],
    ['a sweep without an .arrow output', { command: SWEEP }, /--out \(missing\): a sharded sweep needs the dataset it makes/],
    ['zero shards', { shards: 0 }, /--shards 0: expected an integer >= 1/],
    ['a job that submits jobs', { command: ['slurm-status', 'x'], shards: undefined }, /a Slurm job cannot submit Slurm jobs/],
  ] as [string, Partial<SlurmCommandOptions>, RegExp][])('refuses %s, writing nothing', async (_label, extra, message) => {
    const o = { ...options(), ...extra };
    const before = readdirSync(root).length;
    const error = await runSlurm(o, captureOutput()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(message);
    expect(readdirSync(root).length).toBe(before);
  });

  it('refuses a folder that exists (it may hold a submission)', async () => {
    const o = options();
    const first = await runSlurm(o, captureOutput());
    await expect(runSlurm(o, captureOutput())).rejects.toThrow(`--dir ${first.dir}: exists`);
  });

  it('quotes every word for the shell', () => {
    expect(shellQuote('plain-word_1.arrow')).toBe('plain-word_1.arrow');
    expect(shellQuote("it's [a] $x")).toBe(`'it'\\''s [a] $x'`);
    expect(shellQuote('')).toBe("''");
  });
});

describe('pipeline slurm --submit, slurm-status and slurm-resubmit (against a stand-in sbatch and squeue)', () => {
  it('submits the shards, then the merge with afterok on the shards job id, and records the ids', async () => {
    const slurm = fakeSlurm();
    const result = await runSlurm(options({ submit: true }), captureOutput(), slurm.run);
    expect(slurm.calls).toEqual([
      ['sbatch', '--parsable', join(result.dir, 'shards.sbatch')],
      ['sbatch', '--parsable', '--dependency=afterok:100', join(result.dir, 'merge.sbatch')],
    ]);
    expect(JSON.parse(readFileSync(join(result.dir, 'jobs.json'), 'utf8'))).toEqual([{ at: expect.any(String), ids: { shards: '100', merge: '101' } }]);
  });

  it('says sbatch is missing instead of failing obscurely', async () => {
    const missing: SlurmRunner = () => ({ status: null, stdout: '', stderr: '', missing: true });
    await expect(runSlurm(options({ submit: true }), captureOutput(), missing)).rejects.toThrow(/sbatch: not found on this machine/);
  });

  /** A submitted folder whose shards 1 and 3 are done; 2 ran out of time; 4 never ran. */
  async function halfDoneFolder(queue: string[] = []) {
    const slurm = fakeSlurm(queue);
    const result = await runSlurm(options({ submit: true }), captureOutput(), slurm.run);
    for (const i of [1, 3]) writeFileSync(join(result.dir, 'shards', `shard-${i}-of-4.arrow`), 'a shard');
    mkdirSync(join(result.dir, 'logs'), { recursive: true });
    writeFileSync(
      join(result.dir, 'logs', 'shards-2-100.log'),
      'started\nslurmstepd: error: *** JOB 102 ON n1 CANCELLED AT 2026-01-01T00:20:00 DUE TO TIME LIMIT ***\n',
    );
    writeFileSync(join(result.dir, 'logs', 'shards-1-100.log'), 'wrote ...\n');
    return { dir: result.dir, slurm };
  }

  it('status: done, failed with the reason from its log, never run; and what to do next', async () => {
    const { dir, slurm } = await halfDoneFolder();
    const output = captureOutput();
    const status = await runSlurmStatus({ dir }, output, slurm.run);
    expect(status.shards.map((s) => s.state)).toEqual(['done', 'failed', 'done', 'not-run']);
    expect(status.shards[1]!.detail).toMatch(/CANCELLED AT .* DUE TO TIME LIMIT/);
    expect(output.lines.join('\n')).toMatch(/failed\s+1\s+shard\s+2\n\s+shard 2: slurmstepd: error: .*TIME LIMIT/);
    expect(output.errors.join('\n')).toMatch(/next: pipeline slurm-resubmit .* --submit\s+\(reruns shards 2, 4, then the merge\)/);
    expect(slurm.calls.at(-1)).toEqual(['squeue', '-h', '-r', '-j', '100,101', '-o', '%i|%T']);
  });

  it('resubmit reruns only the failed and never-run shards as one array, then a merge after them', async () => {
    const { dir, slurm } = await halfDoneFolder();
    const printed = await runSlurmResubmit({ dir }, captureOutput(), slurm.run);
    expect(printed.commands[0]).toMatch(/^shards_id=\$\(sbatch --parsable --array=2,4 \S+shards\.sbatch\)$/);
    const done = await runSlurmResubmit({ dir, submit: true }, captureOutput(), slurm.run);
    expect(done.shards).toEqual([2, 4]);
    expect(slurm.calls.filter((c) => c[0] === 'sbatch').slice(-2)).toEqual([
      ['sbatch', '--parsable', '--array=2,4', join(dir, 'shards.sbatch')],
      ['sbatch', '--parsable', '--dependency=afterok:102', join(dir, 'merge.sbatch')],
    ]);
    const records = JSON.parse(readFileSync(join(dir, 'jobs.json'), 'utf8')) as { ids: object; tasks?: object }[];
    expect(records.at(-1)).toMatchObject({ ids: { shards: '102', merge: '103' }, tasks: { shards: '2,4' } });
  });

  it('resubmit waits while shards are still queued (they may yet succeed)', async () => {
    const { dir, slurm } = await halfDoneFolder(['100_4|PENDING', '101|PENDING']);
    const status = await runSlurmStatus({ dir }, captureOutput(), slurm.run);
    expect(status.shards[3]).toMatchObject({ state: 'pending' });
    await expect(runSlurmResubmit({ dir, submit: true }, captureOutput(), slurm.run)).rejects.toThrow(/shard 4 still queued or running/);
  });

  it('resubmit runs only the merge when every shard is done', async () => {
    const { dir, slurm } = await halfDoneFolder();
    for (const i of [2, 4]) writeFileSync(join(dir, 'shards', `shard-${i}-of-4.arrow`), 'a shard');
    const result = await runSlurmResubmit({ dir, submit: true }, captureOutput(), slurm.run);
    expect(result).toMatchObject({ shards: [], merge: true });
    expect(slurm.calls.at(-1)).toEqual(['sbatch', '--parsable', join(dir, 'merge.sbatch')]);
  });
});
