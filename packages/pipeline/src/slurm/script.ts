/**
 * Slurm batch scripts for pipeline commands. A submission is a small graph of jobs: each job
 * runs one `pipeline` command line, as a job array (one task per shard: `{task}` in the
 * command becomes the task's index) or as a single job, after the jobs it depends on have
 * succeeded (`afterok`). Nothing here runs Slurm: see slurm/submission.ts.
 */
import { InputError } from '../errors.js';

/** Resources of a job (each array task gets them). */
export interface SlurmResources {
  /** `--cpus-per-task`. */
  cpus: number;
  /** `--time` (Slurm forms: minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS). */
  time?: string;
  /** `--mem` per node, e.g. `4G`. */
  mem?: string;
  partition?: string;
  account?: string;
  qos?: string;
  /** More `#SBATCH` options, verbatim (e.g. `--constraint=avx2`). */
  extra?: string[];
}

/** One job of a submission. */
export interface SlurmJob {
  /** Short name: the script is `<name>.sbatch`, its logs `logs/<name>-...log`. */
  name: string;
  /** What the job does, for the script's header and messages. */
  description: string;
  /** A `pipeline` command line; `{task}` stands for the array task's index. */
  command: string[];
  /** A job array of tasks 1..array (absent: one job). */
  array?: number;
  /** At most this many array tasks at once (`--array=1-n%k`). */
  maxParallel?: number;
  /** Names of jobs of this submission that must succeed first. */
  after?: string[];
  resources: SlurmResources;
}

/** What every script of a submission shares. */
export interface ScriptContext {
  /** Absolute folder of the submission (scripts, logs). */
  dir: string;
  /** Absolute working directory of the commands (where relative paths in them resolve). */
  workdir: string;
  /** How to run `pipeline` on a compute node, e.g. [node, /abs/packages/pipeline/bin/pipeline.js]. */
  pipeline: string[];
  /** Shell lines run before the command (e.g. `module load nodejs/20`). */
  setup: string[];
  /** Prefix of job names (`<prefix>-<job name>`). */
  jobPrefix: string;
  /** Header note (who wrote it, when). */
  writtenBy: string;
}

/** The placeholder for the array task's index in {@link SlurmJob.command}. */
export const TASK_PLACEHOLDER = '{task}';

const TIME_FORM = /^(\d+|\d+:\d{2}|\d+:\d{2}:\d{2}|\d+-\d+|\d+-\d+:\d{2}|\d+-\d+:\d{2}:\d{2})$/;
const MEM_FORM = /^\d+[KMGT]?$/;
const NAME_FORM = /^[A-Za-z0-9._-]+$/;

/**
 * Checks resources before anything is written (Slurm would only refuse them at submission).
 * @throws InputError naming the option and the expected form
 */
export function checkResources(resources: SlurmResources): void {
  if (!Number.isInteger(resources.cpus) || resources.cpus < 1) throw new InputError(`--cpus-per-task ${resources.cpus}: expected an integer >= 1`);
  if (resources.time !== undefined && !TIME_FORM.test(resources.time)) {
    throw new InputError(`--time ${resources.time}: expected a Slurm time limit: minutes, MM:SS, HH:MM:SS or D-HH:MM:SS, e.g. 00:20:00`);
  }
  if (resources.mem !== undefined && !MEM_FORM.test(resources.mem)) throw new InputError(`--mem ${resources.mem}: expected a size such as 4G or 500M`);
  for (const [option, value] of [
    ['--partition', resources.partition],
    ['--account', resources.account],
    ['--qos', resources.qos],
  ] as const) {
    if (value !== undefined && !NAME_FORM.test(value)) throw new InputError(`${option} ${value}: expected a Slurm name (letters, digits, '.', '_', '-')`);
  }
  for (const e of resources.extra ?? []) {
    if (!/^--?[A-Za-z]/.test(e) || /[\n\r]/.test(e)) throw new InputError(`--sbatch ${e}: expected one sbatch option, e.g. --constraint=avx2`);
  }
}

/** `word` quoted for a POSIX shell (left bare when it is plainly safe). */
export function shellQuote(word: string): string {
  if (word !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** A command-line word that contains {task}: double-quoted, with the task variable in it. */
function taskWord(word: string): string {
  const escaped = word.split(TASK_PLACEHOLDER).map((part) => part.replace(/[\\"$`]/g, (c) => `\\${c}`));
  return `"${escaped.join('${task}')}"`;
}

/** The command line as shell words (continued over lines, one option per line, for reading). */
function renderCommand(words: string[]): string {
  const quoted = words.map((w) => (w.includes(TASK_PLACEHOLDER) ? taskWord(w) : shellQuote(w)));
  const lines: string[] = [];
  let line = '';
  for (const q of quoted) {
    if (q.startsWith('--') && line.trim() !== '') {
      lines.push(line);
      line = '  ';
    }
    line += (line.trim() === '' ? '' : ' ') + q;
  }
  lines.push(line);
  return lines.join(' \\\n');
}

/** The log file pattern of a job (`%A` array job, `%a` task, `%j` job id). */
function logPattern(job: SlurmJob, dir: string): string {
  return job.array ? `${dir}/logs/${job.name}-%a-%A.log` : `${dir}/logs/${job.name}-%j.log`;
}

/** The `--array` value of a job: all tasks, or the given ones (`3,7-9`), with its throttle. */
export function arraySpec(job: SlurmJob, tasks?: string): string {
  return `${tasks ?? `1-${job.array}`}${job.maxParallel ? `%${job.maxParallel}` : ''}`;
}

/**
 * The sbatch script of a job: `#SBATCH` options, a header saying what it does and how it is
 * submitted, then the command. It also runs as a plain shell script (`SLURM_ARRAY_TASK_ID=3
 * bash shards.sbatch`), which is how to rerun one task by hand.
 */
export function renderJobScript(job: SlurmJob, context: ScriptContext): string {
  const r = job.resources;
  const directives = [
    `--job-name=${context.jobPrefix}-${job.name}`,
    ...(job.array ? [`--array=${arraySpec(job)}`] : []),
    `--cpus-per-task=${r.cpus}`,
    '--ntasks=1',
    ...(r.time ? [`--time=${r.time}`] : []),
    ...(r.mem ? [`--mem=${r.mem}`] : []),
    ...(r.partition ? [`--partition=${r.partition}`] : []),
    ...(r.account ? [`--account=${r.account}`] : []),
    ...(r.qos ? [`--qos=${r.qos}`] : []),
    `--output=${logPattern(job, context.dir)}`,
    `--chdir=${context.workdir}`,
    // A job whose dependency can never be met (a shard failed) is cancelled, not left pending.
    ...(job.after?.length ? ['--kill-on-invalid-dep=yes'] : []),
    ...(r.extra ?? []),
  ];
  const lines = [
    '#!/bin/bash',
    `# ${job.description}`,
    `# ${context.writtenBy}`,
    job.after?.length
      ? `# Submitted after ${job.after.join(', ')} (sbatch --dependency=afterok:<job id> ${job.name}.sbatch); see submit.sh.`
      : `# Submit: sbatch ${job.name}.sbatch (submit.sh submits every job of this folder in order).`,
    ...(job.array ? [`# One array task per shard; to rerun some: sbatch --array=3,7 ${job.name}.sbatch`] : []),
    ...directives.map((d) => `#SBATCH ${d}`),
    '',
    'set -euo pipefail',
    ...context.setup,
    ...(job.array ? [`task=\${SLURM_ARRAY_TASK_ID:?this script is a job array: submit it with sbatch, or set SLURM_ARRAY_TASK_ID}`] : []),
    `echo "$(date -u +%FT%TZ) \${SLURM_JOB_ID:-no job} on $(hostname): ${job.name}${job.array ? ' task ${task}' : ''}"`,
    '',
    renderCommand(['exec', ...context.pipeline, ...job.command]),
    '',
  ];
  return lines.join('\n');
}

/** Shell variable holding a job's id in submit.sh. */
function idVariable(job: SlurmJob): string {
  return `${job.name.replace(/[^A-Za-z0-9]/g, '_')}_id`;
}

/**
 * submit.sh: submits the jobs in order, each with `--dependency=afterok:` on the ids of the
 * jobs it comes after (the first ones: on `afterJobIds`), and prints the ids. Jobs must be in
 * dependency order.
 */
export function renderSubmitScript(jobs: readonly SlurmJob[], context: ScriptContext, afterJobIds: readonly string[] = []): string {
  const lines = [
    '#!/bin/bash',
    `# Submits the jobs of this folder in order; each waits for the ones it needs (afterok).`,
    `# ${context.writtenBy}`,
    'set -euo pipefail',
    'cd "$(dirname "$0")"',
  ];
  for (const job of jobs) {
    const after = job.after?.length ? job.after.map((name) => `\${${idVariable(jobs.find((j) => j.name === name)!)}}`) : [...afterJobIds];
    const dependency = after.length ? ` --dependency=afterok:${after.join(':')}` : '';
    // --parsable prints "id" or "id;cluster".
    lines.push(`${idVariable(job)}=$(sbatch --parsable${dependency} ${job.name}.sbatch)`, `${idVariable(job)}=\${${idVariable(job)}%%;*}`);
  }
  lines.push(`echo "submitted: ${jobs.map((j) => `${j.name} \${${idVariable(j)}}`).join(', ')}"`, '');
  return lines.join('\n');
}
