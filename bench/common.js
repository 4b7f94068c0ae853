// @ts-check
// Helpers shared by the benchmark scripts: statistics, the error metric, formatting, the
// machine's load, child processes and scipy's LSODA (bench/scipy_lsoda.py).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));

// ---------------------------------------------------------------------------------------------
// Statistics and the error metric

/**
 * Column ranges of a row-major trajectory (max - min per column; 1 for a constant column).
 * @param {ArrayLike<number>} y rows x n, row-major
 * @param {number} n columns
 * @param {number} rows
 */
export function columnRanges(y, n, rows) {
  const range = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let k = 0; k < rows; k++) {
      const v = /** @type {number} */ (y[k * n + i]);
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    range[i] = hi - lo > 0 ? hi - lo : 1;
  }
  return range;
}

/**
 * max over columns and times of |y - ref| / range(ref column); NaN anywhere gives Infinity.
 * @param {ArrayLike<number>} y
 * @param {ArrayLike<number>} ref
 * @param {ArrayLike<number>} range
 * @param {number} n
 * @param {number} rows
 */
export function maxErrorOverRange(y, ref, range, n, rows) {
  let worst = 0;
  for (let k = 0; k < rows; k++) {
    for (let i = 0; i < n; i++) {
      const e = Math.abs(/** @type {number} */ (y[k * n + i]) - /** @type {number} */ (ref[k * n + i])) / /** @type {number} */ (range[i]);
      if (!(e <= worst)) worst = Number.isNaN(e) ? Infinity : e;
    }
  }
  return worst;
}

/**
 * Min, median and max of a non-empty list of numbers.
 * @param {readonly number[]} values
 * @returns {{ min: number, median: number, max: number }}
 */
export function summary(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (/** @type {number} */ i) => /** @type {number} */ (sorted[i]);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? at(mid) : (at(mid - 1) + at(mid)) / 2;
  return { min: at(0), median, max: at(sorted.length - 1) };
}

/**
 * Geometric mean.
 * @param {readonly number[]} xs
 */
export const geomean = (xs) => Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length);

// ---------------------------------------------------------------------------------------------
// Formatting

/**
 * A Markdown table (header row, then rows of cells).
 * @param {readonly string[]} header
 * @param {readonly (readonly unknown[])[]} rows
 */
export function table(header, rows) {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => String(r[c]).length)));
  const line = (/** @type {readonly unknown[]} */ cells) => `| ${cells.map((cell, c) => String(cell).padEnd(/** @type {number} */ (widths[c]))).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

/** @typedef {number | null | undefined} Maybe */

/**
 * Milliseconds for people: `12.3 ms`, `1.23 s`.
 * @param {number} ms
 */
export const fmtMs = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : ms >= 10 ? `${ms.toFixed(1)} ms` : `${ms.toFixed(2)} ms`);
/**
 * Milliseconds as seconds with 2 decimals, `-` when missing.
 * @param {Maybe} ms
 */
export const fmtS = (ms) => (ms === null || ms === undefined ? '-' : `${(ms / 1000).toFixed(2)}`);
/**
 * An error or small quantity, `1.2e-5`; `-` when missing.
 * @param {Maybe} x
 */
export const fmtE = (x) => (x === undefined || x === null ? '-' : Number.isFinite(x) ? x.toExponential(1) : String(x));
/**
 * A ratio, `450x`, `58.0x`, `1.44x`; `-` when missing or not finite.
 * @param {Maybe} x
 */
export const fmtX = (x) => (x === undefined || x === null || !Number.isFinite(x) ? '-' : x >= 100 ? `${x.toFixed(0)}x` : `${x.toFixed(x >= 10 ? 1 : 2)}x`);
/**
 * A tolerance, `1e-7`.
 * @param {number} x
 */
export const fmtTol = (x) => x.toExponential().replace(/\.0+e/, 'e');
/**
 * Kilobytes as whole megabytes.
 * @param {number} kb
 */
export const fmtMb = (kb) => `${(kb / 1024).toFixed(0)}`;

// ---------------------------------------------------------------------------------------------
// The machine

/** `2 x AMD EPYC ...`: the cores and their model. */
export const cpuDescription = () => `${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}`;

/** The load averages, `0.18 0.25 0.30`. */
export const loadAverage = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

/** Length of a /proc/stat tick (USER_HZ is 100 on Linux). */
export const JIFFY_MS = 10;

/**
 * Busy and total jiffies of the whole machine (all cores), or null off Linux.
 * @returns {{ busy: number, total: number } | null}
 */
export function procStat() {
  try {
    const f = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = f;
    const busy = user + nice + system + irq + softirq + steal;
    return { busy, total: busy + idle + iowait };
  } catch {
    return null;
  }
}

/**
 * The path of a command on PATH, or '' when there is none.
 * @param {string} cmd
 */
export function which(cmd) {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : '';
}

// ---------------------------------------------------------------------------------------------
// Scripts and child processes

/**
 * Whether the module at `url` is the script node was started with (not an import).
 * @param {string} url the module's `import.meta.url`
 */
export const isMain = (url) => Boolean(process.argv[1]) && url === pathToFileURL(path.resolve(/** @type {string} */ (process.argv[1]))).href;

/**
 * The value after `--name` on the command line, if given.
 * @param {string} flag e.g. `--seconds`
 */
export function argument(flag) {
  const at = process.argv.indexOf(flag);
  return at > 0 ? process.argv[at + 1] : undefined;
}

/**
 * The last line of a child's stdout, parsed as JSON (the benches' and their helpers' summaries).
 * @param {string} stdout
 * @returns {any}
 */
export const lastJsonLine = (stdout) => JSON.parse(stdout.trim().split('\n').pop() ?? '');

/**
 * A trajectory written as raw float64 (scipy_lsoda.py and the CVODE driver).
 * @param {string} file
 */
export const readFloat64 = (file) => new Float64Array(readFileSync(file).buffer.slice(0));

// ---------------------------------------------------------------------------------------------
// scipy's LSODA (bench/scipy_lsoda.py)

/**
 * @typedef {object} LsodaRun One integration setting of scipy_lsoda.py, as it reports it.
 * @property {'loop' | 'vectorised'} rhs the right-hand side: a Python loop, or vectorised numpy
 * @property {number} rtol
 * @property {number} atol
 * @property {number[]} seconds wall time of each repeat
 * @property {number} nfev right-hand side evaluations
 * @property {number} njev Jacobian evaluations (finite differences)
 * @property {number} status solve_ivp's status (0: success)
 * @property {string} message
 * @property {number} rows output times written
 * @property {string} trajectory float64 file of the last repeat's trajectory
 */

/**
 * @typedef {{ status: 'ok', version: string, runs: LsodaRun[] } | { status: 'skipped' | 'failed', reason: string }} LsodaResult
 */

/**
 * Why LSODA cannot run here (no python3, no scipy), or null when it can.
 * @returns {string | null}
 */
export function lsodaUnavailable() {
  if (!which('python3')) return 'python3 not found';
  if (spawnSync('python3', ['-c', 'import scipy, numpy'], { encoding: 'utf8' }).status !== 0) return 'python3 has no scipy/numpy (pip install scipy)';
  return null;
}

/**
 * Runs bench/scipy_lsoda.py on a reactions network file: each of `runs` (`loop:<atol>` or
 * `vectorised:<atol>`) `repeats` times, trajectories into `dir`.
 * @param {{ reactionsFile: string, dir: string, tEnd: number, step: number, rtol: number, runs: string[], repeats: number }} options
 * @returns {LsodaResult}
 */
export function runLsoda({ reactionsFile, dir, tEnd, step, rtol, runs, repeats }) {
  const args = [path.join(HERE, 'scipy_lsoda.py'), reactionsFile, dir, '--t-end', String(tEnd), '--step', String(step), '--rtol', String(rtol)];
  for (const run of runs) args.push('--run', run);
  args.push('--repeats', String(repeats));
  const r = spawnSync('python3', args, { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) return { status: 'failed', reason: r.stderr.trim().split('\n').slice(-3).join(' ') };
  const parsed = lastJsonLine(r.stdout);
  return { status: 'ok', version: `scipy ${parsed.scipy}, numpy ${parsed.numpy}`, runs: parsed.runs };
}

/**
 * A status for the JSON summary: the status, and the reason or the version when there is one.
 * @param {{ status: string, reason?: string, version?: string }} r
 */
export const statusOf = (r) => ({ status: r.status, ...(r.reason ? { reason: r.reason } : {}), ...(r.version ? { version: r.version } : {}) });

// ---------------------------------------------------------------------------------------------
// The CLI as users run it

/** The committed bin shim, exactly what `npx pipeline` runs (the CLI built into dist/ next to it). */
export const PIPELINE_BIN = fileURLToPath(new URL('../packages/pipeline/bin/pipeline.js', import.meta.url));
const SWEEP_REPORT = pathToFileURL(path.join(HERE, 'sweep-report.js')).href;

/**
 * @typedef {object} SweepReport What bench/sweep-report.js reports at the CLI's exit (see there).
 * @property {number} maxRssKb
 * @property {number} userCpuMs
 * @property {number} systemCpuMs
 * @property {number} mainEventLoopUtilization
 * @property {number | null} mainThreadCpuMs
 * @property {number | null} mainThreadCpuMsAtFirstRow
 * @property {{ tid: number, cpuMs: number, startMs: number, endMs: number }[] | null} otherThreads busiest first
 * @property {Record<string, number>} peakMainKb heapTotal, heapUsed, external, arrayBuffers
 * @property {[number, number, number | null][]} timeline [ms, rows delivered, bytes on disk]
 * @property {[number, number, number, number][]} rssTimeline [ms, rss, main heapTotal, main external]
 */

/**
 * Runs `pipeline ...args` in a child process with bench/sweep-report.js preloaded; throws,
 * with the end of stderr, when it fails. Wall time is measured here, around the child.
 * @param {string[]} args
 * @param {NodeJS.ProcessEnv} [env]
 * @returns {{ wallMs: number, stderr: string, report: SweepReport }}
 */
export function runReportedPipeline(args, env = process.env) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--import', SWEEP_REPORT, PIPELINE_BIN, ...args], { encoding: 'utf8', env, maxBuffer: 1 << 26 });
  const wallMs = performance.now() - t0;
  if (r.status !== 0) throw new Error(`pipeline ${args.join(' ')} failed (exit ${r.status}): ${r.stderr.slice(-2000)}`);
  const line = r.stderr.split('\n').find((l) => l.startsWith('SWEEP-REPORT '));
  if (!line) throw new Error(`no SWEEP-REPORT from pipeline ${args.join(' ')}: ${r.stderr.slice(-2000)}`);
  return { wallMs, stderr: r.stderr, report: JSON.parse(line.slice('SWEEP-REPORT '.length)) };
}
