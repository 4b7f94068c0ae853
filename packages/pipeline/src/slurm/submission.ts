/**
 * A submission folder: the sbatch scripts of a plan, `submit.sh`, `plan.json` (what was
 * planned, for status and resubmission), `jobs.json` (the job ids of each submission) and
 * `logs/`. Submitting runs the site's own `sbatch`; the queue is read with `squeue`.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { InputError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic.js';
import { arraySpec, renderJobScript, renderSubmitScript, type ScriptContext, type SlurmJob } from './script.js';

/** What a submission folder holds (plan.json). */
export interface SubmissionPlan {
  /** Format of plan.json. */
  format: 1;
  context: ScriptContext;
  /** In dependency order. */
  jobs: SlurmJob[];
  /** Job ids outside this folder that its first jobs wait for (afterok). */
  afterJobIds: string[];
  /** A sharded sweep: the array job writing the shards, their files and the merged file. */
  shards?: {
    /** Name of the array job that writes the shards. */
    job: string;
    count: number;
    /** Absolute path of shard {task}'s file. */
    output: string;
    /** Absolute path of the merged dataset. */
    merged: string;
  };
}

/** One submission of (some of) a folder's jobs (jobs.json holds them all, oldest first). */
export interface SubmissionRecord {
  /** ISO time of submission. */
  at: string;
  /** Job id per job name. */
  ids: Record<string, string>;
  /** Array tasks submitted per job name, when not all. */
  tasks?: Record<string, string>;
}

const PLAN = 'plan.json';
const RECORDS = 'jobs.json';

/**
 * Writes the folder (scripts, submit.sh, plan.json, logs/ and, for a sharded sweep, the
 * shards' folder) atomically: it appears complete or not at all.
 * @throws InputError when the folder exists (it holds a submission: see slurm-status)
 */
export function writeSubmissionFolder(plan: SubmissionPlan): void {
  const { dir } = plan.context;
  checkFolderFree(dir);
  const temporary = join(dirname(dir), `.${basename(dir)}.tmp-${process.pid}`);
  try {
    mkdirSync(join(temporary, 'logs'), { recursive: true });
    if (plan.shards) mkdirSync(join(temporary, relativeTo(dir, dirname(plan.shards.output))), { recursive: true });
    for (const job of plan.jobs) writeScript(join(temporary, `${job.name}.sbatch`), renderJobScript(job, plan.context));
    writeScript(join(temporary, 'submit.sh'), renderSubmitScript(plan.jobs, plan.context, plan.afterJobIds));
    writeFileSync(join(temporary, PLAN), `${JSON.stringify(plan, null, 2)}\n`);
    renameSync(temporary, dir);
  } catch (error) {
    rmSync(temporary, { recursive: true, force: true });
    if (error instanceof InputError) throw error;
    throw new InputError(`cannot write ${dir}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { cause: error });
  }
}

/**
 * @throws InputError when the folder exists (it may hold a submission)
 */
export function checkFolderFree(dir: string): void {
  if (existsSync(dir)) {
    throw new InputError(`--dir ${dir}: exists; it may hold a submission (\`pipeline slurm-status ${dir}\`): remove it, or choose another --dir`);
  }
}

function relativeTo(dir: string, path: string): string {
  if (!path.startsWith(`${dir}/`) && path !== dir) throw new Error(`${path} is not inside ${dir}`);
  return path.slice(dir.length + 1);
}

function writeScript(path: string, text: string): void {
  writeFileSync(path, text);
  chmodSync(path, 0o755);
}

/**
 * Reads a folder written by `pipeline slurm`.
 * @throws InputError when it is not one
 */
export function readSubmissionPlan(dir: string): SubmissionPlan {
  let text: string;
  try {
    text = readFileSync(join(dir, PLAN), 'utf8');
  } catch {
    throw new InputError(`${dir}: no ${PLAN} here; give a folder written by \`pipeline slurm\``);
  }
  const plan = JSON.parse(text) as SubmissionPlan;
  if (plan.format !== 1) throw new InputError(`${join(dir, PLAN)}: format ${String(plan.format)}; this pipeline reads format 1`);
  return plan;
}

/** Every submission recorded in the folder, oldest first. */
export function readSubmissionRecords(dir: string): SubmissionRecord[] {
  try {
    return JSON.parse(readFileSync(join(dir, RECORDS), 'utf8')) as SubmissionRecord[];
  } catch {
    return [];
  }
}

/** Runs a Slurm client command; a missing command or a refusal is the user's environment. */
export type SlurmRunner = (command: string, args: string[]) => { status: number | null; stdout: string; stderr: string; missing: boolean };

/** Runs Slurm's commands from PATH. */
export const runSlurmCommand: SlurmRunner = (command, args) => {
  const r = spawnSync(command, args, { encoding: 'utf8' });
  const missing = (r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? (r.error ? String(r.error) : ''), missing };
};

/** One job to submit, with the array tasks to run (default: all). */
export interface JobToSubmit {
  job: SlurmJob;
  tasks?: string;
}

/**
 * Submits jobs in order with sbatch, each after the jobs it needs (those submitted in this
 * call, by id; jobs of earlier submissions that it needs are assumed done), and records the
 * ids in jobs.json.
 * @returns the job id of each job submitted
 * @throws InputError when sbatch is missing or refuses a job (its message included)
 */
export function submitJobs(plan: SubmissionPlan, toSubmit: readonly JobToSubmit[], run: SlurmRunner = runSlurmCommand): SubmissionRecord {
  const { dir } = plan.context;
  const record: SubmissionRecord = { at: new Date().toISOString(), ids: {} };
  for (const { job, tasks } of toSubmit) {
    const after = (job.after ?? []).map((name) => record.ids[name]).filter((id): id is string => id !== undefined);
    if (!job.after?.length) after.push(...plan.afterJobIds);
    const args = [
      '--parsable',
      ...(job.array && tasks ? [`--array=${arraySpec(job, tasks)}`] : []),
      ...(after.length ? [`--dependency=afterok:${after.join(':')}`] : []),
      join(dir, `${job.name}.sbatch`),
    ];
    const r = run('sbatch', args);
    if (r.missing) throw new InputError('sbatch: not found on this machine (is it a Slurm login node?); without --submit the commands are printed instead');
    const id = /^(\d+)/.exec(r.stdout.trim())?.[1];
    if (r.status !== 0 || id === undefined) {
      if (Object.keys(record.ids).length) recordSubmission(dir, record);
      throw new InputError(
        `sbatch ${args.join(' ')} failed${Object.keys(record.ids).length ? ` (already submitted: ${describeIds(record)})` : ''}: ${(r.stderr || r.stdout).trim()}`,
      );
    }
    record.ids[job.name] = id;
    if (tasks) (record.tasks ??= {})[job.name] = tasks;
  }
  recordSubmission(dir, record);
  return record;
}

function recordSubmission(dir: string, record: SubmissionRecord): void {
  writeFileAtomic(join(dir, RECORDS), `${JSON.stringify([...readSubmissionRecords(dir), record], null, 2)}\n`);
}

/** `shards 123, merge 124`. */
export function describeIds(record: SubmissionRecord): string {
  return Object.entries(record.ids)
    .map(([name, id]) => `${name} ${id}`)
    .join(', ');
}

/** Slurm's state of each queued job or array task (`123` or `123_4`); undefined without squeue. */
export function readQueue(ids: readonly string[], run: SlurmRunner = runSlurmCommand): Map<string, string> | undefined {
  const queue = new Map<string, string>();
  if (ids.length === 0) return queue;
  // -r lists array tasks one per line; jobs that left the queue are simply absent.
  const r = run('squeue', ['-h', '-r', '-j', ids.join(','), '-o', '%i|%T']);
  if (r.missing) return undefined;
  // Jobs the controller has forgotten (finished a while ago) make squeue fail with this.
  if (r.status !== 0) return /Invalid job id/i.test(r.stderr) ? queue : undefined;
  for (const line of r.stdout.split('\n')) {
    const [id, state] = line.trim().split('|');
    if (id && state) queue.set(id, state);
  }
  return queue;
}

/** The newest log of each array task of a job (by array job id), or of a single job. */
export function latestLogs(dir: string, job: SlurmJob): Map<number, string> {
  const logs = new Map<number, { path: string; jobId: number }>();
  const pattern = job.array ? new RegExp(`^${job.name}-(\\d+)-(\\d+)\\.log$`) : new RegExp(`^${job.name}-()(\\d+)\\.log$`);
  let names: string[] = [];
  try {
    names = readdirSync(join(dir, 'logs'));
  } catch {
    // no logs yet
  }
  for (const name of names) {
    const m = pattern.exec(name);
    if (!m) continue;
    const task = m[1] === '' ? 0 : Number(m[1]);
    const jobId = Number(m[2]);
    if ((logs.get(task)?.jobId ?? -1) < jobId) logs.set(task, { path: join(dir, 'logs', name), jobId });
  }
  return new Map([...logs].map(([task, { path }]) => [task, path]));
}

/**
 * Why a run failed, from the end of its log: Slurm's own notice (time limit, cancellation,
 * out of memory), the pipeline's error line, or the last line.
 */
export function failureReason(logPath: string): string {
  let text = '';
  try {
    text = readFileSync(logPath, 'utf8');
  } catch {
    return 'no log';
  }
  const lines = text
    .split('\n')
    .map((l) => l.replace(/\r/g, '').trim())
    .filter(Boolean);
  const slurm = lines.filter((l) => /slurmstepd: error|CANCELLED|TIME LIMIT|oom[-_ ]kill|Out Of Memory/i.test(l)).at(-1);
  if (slurm) return slurm;
  const ours = lines
    .filter((l) => l.startsWith('pipeline:'))
    .slice(-2)
    .join(' ');
  if (ours) return ours;
  // No message from Slurm or from the pipeline: the process was killed from outside (a
  // signal, the kernel's out-of-memory killer) or the node went away.
  return lines.length
    ? `stopped without an error message (killed, out of memory or a node failure?); its log ends: ${lines.at(-1)!.slice(0, 160)}`
    : 'its log is empty';
}
