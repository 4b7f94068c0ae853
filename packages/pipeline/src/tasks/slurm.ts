import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../errors.js';
import { processOutput, type Output } from '../io/output.js';
import { PACKAGE_VERSION } from '../version.js';
import { formatIndexRanges } from '../dataset/shards.js';
import { checkResources, TASK_PLACEHOLDER, type ScriptContext, type SlurmJob, type SlurmResources } from '../slurm/script.js';
import {
  checkFolderFree,
  describeIds,
  failureReason,
  latestLogs,
  readQueue,
  readSubmissionPlan,
  readSubmissionRecords,
  runSlurmCommand,
  submitJobs,
  writeSubmissionFolder,
  type JobToSubmit,
  type SlurmRunner,
  type SubmissionPlan,
  type SubmissionRecord,
} from '../slurm/submission.js';

/** Options of {@link runSlurm} (`pipeline slurm [options] -- <pipeline command line>`). */
export interface SlurmCommandOptions {
  /** The pipeline command line to run on the cluster (what follows `--`), e.g. `simulate --network ... --out big.arrow`. */
  command: string[];
  /** Split a sweep (`simulate ... --samples/--sweep ... --out x.arrow`) into this many array tasks, then merge them. */
  shards?: number;
  /** Folder for the scripts, logs and shard files. @default `<--out without .arrow>.slurm` beside the command's --out */
  dir?: string;
  /** CPUs per task. @default the command's --workers (a sweep gets `--workers` set to match), else 1 */
  cpusPerTask?: number;
  /** Time limit per task, e.g. `00:20:00`. @default the partition's */
  time?: string;
  /** Memory per task, e.g. `4G`. @default the partition's */
  mem?: string;
  partition?: string;
  account?: string;
  qos?: string;
  /** More `#SBATCH` options, verbatim. */
  sbatch?: string[];
  /** Shell lines to run before the command on the node (e.g. `module load nodejs/20`). */
  setup?: string[];
  /** At most this many shards at once. */
  maxParallel?: number;
  /** Time limit of the merge job. @default time */
  mergeTime?: string;
  /** Memory of the merge job. @default mem */
  mergeMem?: string;
  /** Job ids the submission waits for (afterok), e.g. the sweep that a training job reads. */
  after?: string[];
  /** The node binary on the compute nodes. @default the one running this command */
  node?: string;
  /** Submit with sbatch (otherwise print the commands). @default false */
  submit?: boolean;
  /** Run the sweep's first sample here first, so a mistake fails now and not on every node. @default true */
  check?: boolean;
}

/** What {@link runSlurm} did. */
export interface SlurmCommandResult {
  dir: string;
  plan: SubmissionPlan;
  /** The job ids, with --submit. */
  submitted?: SubmissionRecord;
  /** The shell commands that submit the folder (printed without --submit). */
  commands: string[];
}

/** The committed bin shim, which compute nodes run (the CLI is built into dist/ next to it). */
const PIPELINE_BIN = fileURLToPath(new URL('../../bin/pipeline.js', import.meta.url));

/** The value of `--name v` / `--name=v` in a command line (the last one wins, as in yargs). */
function optionValue(argv: readonly string[], name: string): string | undefined {
  let value: string | undefined;
  argv.forEach((a, i) => {
    if (a === `--${name}`) value = argv[i + 1];
    else if (a.startsWith(`--${name}=`)) value = a.slice(name.length + 3);
  });
  return value;
}

/** The command line without `--name v` / `--name=v`. */
function withoutOption(argv: readonly string[], name: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === `--${name}`) i++;
    else if (!argv[i]!.startsWith(`--${name}=`)) out.push(argv[i]!);
  }
  return out;
}

/**
 * The command line with these options set (replacing any the command had; yargs would make a
 * repeated option an array). `'false'` sets a boolean off.
 */
function withOptions(argv: readonly string[], set: Record<string, string>): string[] {
  let out = [...argv];
  for (const name of Object.keys(set))
    out = withoutOption(
      withoutOption(out, name).filter((a) => a !== `--no-${name}` && a !== `--${name}`),
      name,
    );
  for (const [name, value] of Object.entries(set)) out.push(...(value === 'false' ? [`--no-${name}`] : [`--${name}`, value]));
  return out;
}

function isSweep(argv: readonly string[]): boolean {
  return argv[0] === 'simulate' && ['samples', 'sweep', 'vary'].some((o) => optionValue(argv, o) !== undefined);
}

/** A job-name-safe label from a path. */
function label(path: string): string {
  return (
    basename(path)
      .replace(/\.arrow$/i, '')
      .replace(/[^A-Za-z0-9._-]/g, '-') || 'job'
  );
}

/** Resources from the options, checked. */
function resourcesFrom(options: SlurmCommandOptions, cpus: number): SlurmResources {
  const resources: SlurmResources = { cpus };
  if (options.time !== undefined) resources.time = options.time;
  if (options.mem !== undefined) resources.mem = options.mem;
  if (options.partition !== undefined) resources.partition = options.partition;
  if (options.account !== undefined) resources.account = options.account;
  if (options.qos !== undefined) resources.qos = options.qos;
  if (options.sbatch?.length) resources.extra = [...options.sbatch];
  checkResources(resources);
  return resources;
}

/**
 * Runs the sweep's first sample on this machine (one sample: `--shard 1/<samples>`), so that a
 * wrong option fails here and not on every node after a wait in the queue.
 * @returns seconds taken, or undefined when the sample count is not known here
 */
function checkSweep(argv: readonly string[]): number | undefined {
  let samples = Number(optionValue(argv, 'samples'));
  const sweepFile = optionValue(argv, 'sweep');
  if (!(samples >= 1) && sweepFile !== undefined) {
    try {
      samples = Number((JSON.parse(readFileSync(sweepFile, 'utf8')) as { samples?: unknown }).samples);
    } catch {
      // the check below reports the unreadable file
      samples = 1_000_000_000;
    }
  }
  if (!(samples >= 1 && Number.isInteger(samples))) return undefined;
  const scratch = mkdtempSync(join(tmpdir(), 'penvae-slurm-check-'));
  try {
    const began = performance.now();
    const args = withOptions(argv, { shard: `1/${samples}`, workers: '0', progress: 'false', out: join(scratch, 'check.arrow') });
    const r = spawnSync(process.execPath, [PIPELINE_BIN, ...args], { encoding: 'utf8' });
    if (r.status !== 0) {
      const why = (r.stderr || r.stdout || String(r.error))
        .split('\n')
        .filter(Boolean)
        .map((l) => l.replace(/^pipeline: /, ''))
        .join('\n  ');
      throw new InputError(`the command fails on this machine, so it would fail on every node (first sample, run here; --no-check skips this):\n  ${why}`);
    }
    return (performance.now() - began) / 1000;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * CPUs per task and `--workers` of a command, made to agree: a sweep would otherwise start one
 * worker per core of the node, not of its allocation.
 * @throws InputError when --cpus-per-task and the command's --workers disagree
 */
function sweepWorkers(options: SlurmCommandOptions): { cpus: number; workers: number } {
  const workersText = optionValue(options.command, 'workers');
  const workers = workersText === undefined ? undefined : Number(workersText);
  if (workers !== undefined && !(Number.isInteger(workers) && workers >= 0)) throw new InputError(`--workers ${workersText}: expected an integer >= 0`);
  if (workers !== undefined && options.cpusPerTask !== undefined && Math.max(1, workers) !== options.cpusPerTask) {
    throw new InputError(
      `--cpus-per-task ${options.cpusPerTask} and the command's --workers ${workers} disagree: give one of them (each sweep worker needs a CPU)`,
    );
  }
  const cpus = options.cpusPerTask ?? Math.max(1, workers ?? 1);
  return { cpus, workers: workers ?? cpus };
}

/** Jobs of a sharded sweep: an array of `--shard {task}/n` runs, then the merge. */
function planSweep(options: SlurmCommandOptions, dir: string, out: string): Pick<SubmissionPlan, 'jobs' | 'shards'> {
  const n = options.shards!;
  if (!Number.isInteger(n) || n < 1) throw new InputError(`--shards ${n}: expected an integer >= 1`);
  const argv = options.command;
  if (optionValue(argv, 'shard') !== undefined)
    throw new InputError('--shard: `pipeline slurm --shards n` gives each task its shard; leave --shard out of the command');
  const { cpus, workers: taskWorkers } = sweepWorkers(options);
  const output = join(dir, 'shards', `shard-${TASK_PLACEHOLDER}-of-${n}.arrow`);
  const shardCommand = withOptions(argv, { workers: String(taskWorkers), shard: `${TASK_PLACEHOLDER}/${n}`, out: output });
  const shardJob: SlurmJob = {
    name: 'shards',
    description: `penvae sweep, ${n} shards: each array task runs \`pipeline ${argv[0]} --shard <task>/${n}\` on ${taskWorkers} worker${taskWorkers === 1 ? '' : 's'}.`,
    command: shardCommand,
    array: n,
    resources: resourcesFrom(options, cpus),
  };
  if (options.maxParallel !== undefined) {
    if (!Number.isInteger(options.maxParallel) || options.maxParallel < 1)
      throw new InputError(`--max-parallel ${options.maxParallel}: expected an integer >= 1`);
    shardJob.maxParallel = options.maxParallel;
  }
  const mergeResources = resourcesFrom(
    { ...options, ...(options.mergeTime ? { time: options.mergeTime } : {}), ...(options.mergeMem ? { mem: options.mergeMem } : {}) },
    1,
  );
  const mergeJob: SlurmJob = {
    name: 'merge',
    description: `penvae sweep: joins the ${n} shards into ${out} once every shard has succeeded.`,
    command: ['merge', join(dir, 'shards'), '--out', out],
    after: ['shards'],
    resources: mergeResources,
  };
  return { jobs: [shardJob, mergeJob], shards: { job: 'shards', count: n, output, merged: out } };
}

/**
 * Turns a pipeline command line into a Slurm submission (`pipeline slurm`): a folder with a
 * readable sbatch script per job, submit.sh, plan.json and logs/. A sweep with `shards` becomes
 * a job array (one `--shard i/n` run per task, `--cpus-per-task` matching `--workers`) and a
 * merge job that runs after every task has succeeded (afterok); any other command becomes one
 * job. Prints the sbatch commands, or submits them with `submit`.
 * @throws InputError for a command or resources that cannot work
 */
export async function runSlurm(options: SlurmCommandOptions, output: Output = processOutput, run: SlurmRunner = runSlurmCommand): Promise<SlurmCommandResult> {
  const argv = options.command;
  if (argv.length === 0 || argv[0]!.startsWith('-')) {
    throw new InputError(
      'give the pipeline command to run after --, e.g. pipeline slurm --shards 64 -- simulate --network oscillator --samples 100000 --vary ... --out datasets/big.arrow',
    );
  }
  if (argv[0] === 'slurm' || argv[0]!.startsWith('slurm-')) throw new InputError(`${argv[0]}: a Slurm job cannot submit Slurm jobs; give the command itself`);
  const sweep = isSweep(argv);
  if (options.shards !== undefined && !sweep) {
    throw new InputError(
      `--shards: only a sweep (simulate ... --samples N --vary ... --out file.arrow) splits into shards; \`${argv[0]}\` runs as one job (leave --shards out)`,
    );
  }
  const outText = optionValue(argv, 'out');
  if (options.shards !== undefined && (outText === undefined || !outText.toLowerCase().endsWith('.arrow'))) {
    throw new InputError(`--out ${outText ?? '(missing)'}: a sharded sweep needs the dataset it makes, --out file.arrow, in the command`);
  }
  const dirText = options.dir ?? (outText !== undefined ? `${outText.replace(/\.arrow$/i, '').replace(/\/+$/, '')}.slurm` : undefined);
  if (dirText === undefined) throw new InputError(`--dir: give the folder for the scripts and logs (\`${argv[0]}\` has no --out to put them beside)`);
  const dir = resolve(dirText);
  const workdir = process.cwd();
  const node = options.node ?? process.execPath;
  if (/[\n\r]/.test(node) || (options.setup ?? []).some((l) => /[\n\r]/.test(l))) throw new InputError('--node, --setup: one line each');
  for (const id of options.after ?? []) if (!/^\d+$/.test(id)) throw new InputError(`--after ${id}: expected a Slurm job id (digits)`);
  const context: ScriptContext = {
    dir,
    workdir,
    pipeline: [node, PIPELINE_BIN],
    setup: [...(options.setup ?? [])],
    jobPrefix: `penvae-${label(outText ?? argv[0]!)}`,
    writtenBy: `Written by \`pipeline slurm\` (penvae ${PACKAGE_VERSION}), ${new Date().toISOString()}. Commands run in ${workdir}.`,
  };
  let planned: Pick<SubmissionPlan, 'jobs' | 'shards'>;
  if (options.shards !== undefined) {
    planned = planSweep(options, dir, resolve(outText!));
  } else {
    // Commands with --workers (simulate, experiment, demo) get as many CPUs; a sweep is also
    // given --workers when only --cpus-per-task is.
    const { cpus, workers } = sweepWorkers(options);
    const command = sweep ? withOptions(argv, { workers: String(workers) }) : [...argv];
    planned = {
      jobs: [{ name: label(argv[0]!), description: `penvae: \`pipeline ${argv[0]}\` as one job.`, command, resources: resourcesFrom(options, cpus) }],
    };
  }
  const plan: SubmissionPlan = {
    format: 1,
    context,
    jobs: planned.jobs,
    afterJobIds: [...(options.after ?? [])],
    ...(planned.shards ? { shards: planned.shards } : {}),
  };
  checkFolderFree(dir); // before the check, which takes a while
  if (sweep && options.check !== false) {
    const seconds = checkSweep(argv);
    output.err(
      seconds === undefined
        ? 'not checked here: the sample count is not known before the run'
        : `checked: the command's first sample ran here in ${seconds.toFixed(1)} s`,
    );
  }
  writeSubmissionFolder(plan);
  // As the user would type it: relative to here when inside it.
  const inside = relative(workdir, dir);
  const shown = inside === '' ? '.' : inside.startsWith('..') ? dir : inside;
  const summary = plan.jobs.map(
    (j) =>
      `${j.name}.sbatch (${j.array ? `${j.array} array tasks, ` : ''}${j.resources.cpus} CPU${j.resources.cpus > 1 ? 's' : ''}${j.resources.time ? `, ${j.resources.time}` : ''}${j.after ? `; after ${j.after.join(', ')}` : ''})`,
  );
  output.err(`wrote ${shown}/: ${summary.join(', ')}, submit.sh, plan.json, logs/`);
  const commands = submitCommands(plan, shown);
  if (!options.submit) {
    output.err(`submit with ${shown}/submit.sh, or step by step:`);
    for (const c of commands) output.out(c);
    output.err(`then follow with: pipeline slurm-status ${shown}`);
    return { dir, plan, commands };
  }
  const submitted = submitJobs(
    plan,
    plan.jobs.map((job) => ({ job })),
    run,
  );
  output.out(`submitted: ${describeIds(submitted)}`);
  output.err(`follow with: pipeline slurm-status ${shown}`);
  return { dir, plan, submitted, commands };
}

/** The shell commands that submit a folder's jobs in order, as a person would type them. */
function submitCommands(plan: SubmissionPlan, shown: string, toSubmit: readonly JobToSubmit[] = plan.jobs.map((job) => ({ job }))): string[] {
  const variable = (job: SlurmJob) => `${job.name.replace(/[^A-Za-z0-9]/g, '_')}_id`;
  return toSubmit.map(({ job, tasks }) => {
    const after = (job.after ?? [])
      .filter((name) => toSubmit.some((t) => t.job.name === name))
      .map((name) => `$${variable(plan.jobs.find((j) => j.name === name)!)}`);
    if (!job.after?.length) after.push(...plan.afterJobIds);
    const array = job.array && tasks ? ` --array=${tasks}${job.maxParallel ? `%${job.maxParallel}` : ''}` : '';
    const dependency = after.length ? ` --dependency=afterok:${after.join(':')}` : '';
    return `${variable(job)}=$(sbatch --parsable${array}${dependency} ${shown}/${job.name}.sbatch)`;
  });
}

/** Where one shard stands. */
interface ShardStatus {
  index: number;
  /** done: its file exists; running / pending: in the queue; failed: ran and left no file; not-run: neither. */
  state: 'done' | 'running' | 'pending' | 'failed' | 'not-run';
  /** Why it failed (from its log), or Slurm's state. */
  detail?: string;
  /** Its newest log. */
  log?: string;
  bytes?: number;
}

/** What {@link runSlurmStatus} found. */
export interface SlurmStatusResult {
  dir: string;
  /** Per shard (sharded sweeps). */
  shards: ShardStatus[];
  /** Per job: Slurm's state of its newest submission, when queued. */
  jobs: { name: string; id?: string; queued?: string; log?: string }[];
  /** The merged dataset (sharded sweeps): whether it exists. */
  merged?: { path: string; exists: boolean; bytes?: number };
  /** Whether squeue could be asked. */
  queueKnown: boolean;
}

/** Options of {@link runSlurmStatus} and {@link runSlurmResubmit}. */
export interface SlurmFolderOptions {
  /** A folder written by `pipeline slurm`. */
  dir: string;
}

function fileSize(path: string): number | undefined {
  try {
    return statSync(path).size;
  } catch {
    return undefined;
  }
}

/** `; it left <temporary>` when a run of this output died while writing it. */
function unfinishedNote(path: string): string {
  let names: string[] = [];
  try {
    names = readdirSync(dirname(path));
  } catch {
    // no folder: nothing left
  }
  const left = names.filter((n) => n.startsWith(`.${basename(path)}.tmp-`));
  return left.length ? `; it left ${left.join(', ')} unfinished` : '';
}

/** Reads a folder's plan, files, logs and (with squeue) queue into per-shard states. */
function inspectFolder(dir: string, run: SlurmRunner): SlurmStatusResult & { plan: SubmissionPlan; records: SubmissionRecord[] } {
  const plan = readSubmissionPlan(dir);
  const records = readSubmissionRecords(dir);
  const ids = [...new Set(records.flatMap((r) => Object.values(r.ids)))];
  const queue = readQueue(ids, run);
  const latestId = (name: string) =>
    records
      .map((r) => r.ids[name])
      .filter((id): id is string => id !== undefined)
      .at(-1);
  const jobs = plan.jobs.map((job) => {
    const id = latestId(job.name);
    const queued = id === undefined || job.array ? undefined : queue?.get(id);
    const log = latestLogs(dir, job).get(0);
    return { name: job.name, ...(id ? { id } : {}), ...(queued ? { queued } : {}), ...(log ? { log } : {}) };
  });
  const shards: ShardStatus[] = [];
  if (plan.shards) {
    const job = plan.jobs.find((j) => j.name === plan.shards!.job)!;
    const logs = latestLogs(dir, job);
    // Queue state of each task, from any submission of the array (resubmissions are separate jobs).
    const taskStates = new Map<number, string>();
    for (const [key, state] of queue ?? []) {
      const m = /^(\d+)_(\d+)$/.exec(key);
      if (m && records.some((r) => r.ids[job.name] === m[1])) taskStates.set(Number(m[2]), state);
    }
    for (let index = 1; index <= plan.shards.count; index++) {
      const path = plan.shards.output.replace(TASK_PLACEHOLDER, String(index));
      const bytes = fileSize(path);
      const log = logs.get(index);
      const queued = taskStates.get(index);
      const status: ShardStatus =
        bytes !== undefined
          ? { index, state: 'done', bytes }
          : queued !== undefined
            ? { index, state: queued === 'PENDING' ? 'pending' : 'running', detail: queued }
            : log !== undefined
              ? { index, state: 'failed', detail: `${failureReason(log)}${unfinishedNote(path)}` }
              : { index, state: 'not-run' };
      if (log) status.log = log;
      shards.push(status);
    }
  }
  const merged = plan.shards
    ? {
        path: plan.shards.merged,
        exists: existsSync(plan.shards.merged),
        ...(fileSize(plan.shards.merged) !== undefined ? { bytes: fileSize(plan.shards.merged)! } : {}),
      }
    : undefined;
  return { dir, plan, records, shards, jobs, ...(merged ? { merged } : {}), queueKnown: queue !== undefined };
}

/**
 * Where a submission stands (`pipeline slurm-status <folder>`): per shard done / running /
 * pending / failed (with the reason from its log) / not run, the merge, and what to do next.
 */
export async function runSlurmStatus(
  options: SlurmFolderOptions,
  output: Output = processOutput,
  run: SlurmRunner = runSlurmCommand,
): Promise<SlurmStatusResult> {
  const found = inspectFolder(options.dir, run);
  const { plan, shards, jobs, merged, queueKnown } = found;
  const shown = options.dir;
  if (plan.shards) {
    output.out(`${shown}: sweep in ${plan.shards.count} shards -> ${plan.shards.merged}`);
    for (const state of ['done', 'running', 'pending', 'failed', 'not-run'] as const) {
      const these = shards.filter((s) => s.state === state);
      if (these.length === 0) continue;
      const bytes = these.reduce((sum, s) => sum + (s.bytes ?? 0), 0);
      output.out(
        `  ${state.padEnd(8)} ${String(these.length).padStart(5)}  shard${these.length > 1 ? 's' : ' '} ${formatIndexRanges(these.map((s) => s.index))}${state === 'done' ? ` (${(bytes / 1e6).toFixed(1)} MB)` : ''}`,
      );
      if (state === 'failed') for (const s of these.slice(0, 20)) output.out(`           shard ${s.index}: ${s.detail} (${s.log})`);
      if (state === 'failed' && these.length > 20) output.out(`           ... and ${these.length - 20} more`);
    }
    const mergeJob = jobs.find((j) => j.name === 'merge');
    output.out(
      `  merged   ${merged!.exists ? `${merged!.path} (${((merged!.bytes ?? 0) / 1e6).toFixed(1)} MB)` : `not yet${mergeJob?.queued ? ` (merge job ${mergeJob.id}: ${mergeJob.queued})` : mergeJob?.log ? `; merge log: ${failureReason(mergeJob.log)} (${mergeJob.log})` : ''}`}`,
    );
  } else {
    for (const j of jobs)
      output.out(`${shown}: ${j.name}: ${j.id ? `job ${j.id}` : 'not submitted'}${j.queued ? ` ${j.queued}` : ''}${j.log ? `; log ${j.log}` : ''}`);
  }
  if (!queueKnown) output.err('(squeue is not available here: queued jobs show as not run or failed)');
  const redo = shards.filter((s) => s.state === 'failed' || s.state === 'not-run');
  if (redo.length)
    output.err(
      `next: pipeline slurm-resubmit ${shown} --submit  (reruns shard${redo.length > 1 ? 's' : ''} ${formatIndexRanges(redo.map((s) => s.index))}, then the merge)`,
    );
  else if (merged && !merged.exists && !shards.some((s) => s.state === 'running' || s.state === 'pending') && !jobs.find((j) => j.name === 'merge')?.queued) {
    output.err(
      `next: every shard is done; pipeline slurm-resubmit ${shown} --submit runs the merge (or: pipeline merge ${join(shown, 'shards')} --out ${merged.path})`,
    );
  }
  return { dir: found.dir, shards, jobs, ...(merged ? { merged } : {}), queueKnown };
}

/** Options of {@link runSlurmResubmit}. */
export interface SlurmResubmitOptions extends SlurmFolderOptions {
  /** Submit with sbatch (otherwise print the commands). @default false */
  submit?: boolean;
}

/** What {@link runSlurmResubmit} did. */
export interface SlurmResubmitResult {
  /** Shards rerun (1-based). */
  shards: number[];
  /** Whether a merge is (re)submitted. */
  merge: boolean;
  submitted?: SubmissionRecord;
  commands: string[];
}

/**
 * Reruns only what did not finish (`pipeline slurm-resubmit <folder>`): the failed and never-run
 * shards as one array job (`--array=3,7`), then a merge after them; or only the merge when every
 * shard is done. A rerun shard writes the same bytes as a first run. Refuses while shards are
 * still queued (they may yet succeed).
 * @throws InputError when shards are still queued, or nothing needs doing
 */
export async function runSlurmResubmit(
  options: SlurmResubmitOptions,
  output: Output = processOutput,
  run: SlurmRunner = runSlurmCommand,
): Promise<SlurmResubmitResult> {
  const found = inspectFolder(options.dir, run);
  const { plan, shards, merged } = found;
  let toSubmit: JobToSubmit[];
  let redo: number[] = [];
  if (plan.shards) {
    const queued = shards.filter((s) => s.state === 'running' || s.state === 'pending');
    if (queued.length)
      throw new InputError(
        `${options.dir}: shard${queued.length > 1 ? 's' : ''} ${formatIndexRanges(queued.map((s) => s.index))} still queued or running; wait for them (pipeline slurm-status ${options.dir})`,
      );
    redo = shards.filter((s) => s.state === 'failed' || s.state === 'not-run').map((s) => s.index);
    const mergeJob = plan.jobs.find((j) => j.name === 'merge')!;
    if (redo.length === 0 && merged!.exists) throw new InputError(`${options.dir}: nothing to resubmit: every shard is done and ${merged!.path} is written`);
    if (found.jobs.find((j) => j.name === 'merge')?.queued && redo.length === 0) throw new InputError(`${options.dir}: the merge job is still queued`);
    const shardJob = plan.jobs.find((j) => j.name === plan.shards!.job)!;
    toSubmit = redo.length ? [{ job: shardJob, tasks: formatIndexRanges(redo).replace(/ /g, '') }, { job: mergeJob }] : [{ job: mergeJob }];
  } else {
    toSubmit = plan.jobs.map((job) => ({ job }));
  }
  const commands = submitCommands(plan, options.dir, toSubmit);
  const merge = toSubmit.some((t) => t.job.name === 'merge');
  const what =
    `${redo.length ? `shard${redo.length > 1 ? 's' : ''} ${formatIndexRanges(redo)}` : ''}${redo.length && merge ? ', then ' : ''}${merge ? 'the merge' : ''}` ||
    plan.jobs.map((j) => j.name).join(', ');
  if (!options.submit) {
    output.err(`to rerun ${what}:`);
    for (const c of commands) output.out(c);
    return { shards: redo, merge, commands };
  }
  const submitted = submitJobs(plan, toSubmit, run);
  output.out(`resubmitted ${what}: ${describeIds(submitted)}`);
  return { shards: redo, merge, submitted, commands };
}
