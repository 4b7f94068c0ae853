// @ts-check
// The sweep benchmark's measurements (bench/sweep.js): start-up, 1 vs 2 workers, a fresh
// worker's warm-up (in a child process, see probe), memory of long sweeps, and ours against
// LSODA per simulation. Nothing here prints; bench/sweep/report.js does.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSampleRunner, loadNetwork, parseVary, prepareSweep, resolveNormalization, sampleValues } from '@penvae/pipeline';
import { compileNetwork, createSparseSolverFactory, DEFAULT_TOLERANCES, integrateRosenbrock, makeTimeGrid, simulate } from '@penvae/simulator';
import {
  columnRanges,
  geomean,
  JIFFY_MS,
  lastJsonLine,
  lsodaUnavailable,
  maxErrorOverRange,
  procStat,
  readFloat64,
  runLsoda,
  runReportedPipeline,
  summary,
} from '../common.js';

/** @typedef {ReturnType<typeof summary>} Summary */

/**
 * @typedef {object} SweepSetting A sweep as the bench runs it.
 * @property {string} network
 * @property {string[]} vary
 * @property {number} tEnd
 * @property {number} step
 */

/** The oscillator sweep of the scaling and LSODA parts. @type {SweepSetting} */
export const OSC = {
  network: 'oscillator',
  vary: ['templates[a->a].concentration=20:80:log', 'parameters.exoVm=200:400'],
  tEnd: 3000,
  step: 10,
};
/** The fast sweep of the memory part. @type {SweepSetting} */
export const AMP = {
  network: 'amplifier',
  vary: ['templates[a->a].concentration=20:80:log', 'strands[a].K=30:150:log'],
  tEnd: 60,
  step: 1,
};
/** The per-sample reference's tolerances. */
export const REFERENCE = { rtol: 1e-12, atol: 1e-16 };
/** LSODA's tolerances. */
export const LSODA = { rtol: 1e-8, atol: 1e-10 };

// ---------------------------------------------------------------------------------------------
// The CLI in a child process, with bench/sweep-report.js preloaded

// Module files whose import alone is timed (start-up, and a probe's load). They are timed by
// file because the pipeline's entry also loads the VAE (TensorFlow.js), which neither the CLI's
// `simulate` nor a sweep worker loads; nothing is called from them.
const DIST = new URL('../../packages/pipeline/dist/', import.meta.url).href;
/** @param {string} file a module under packages/pipeline/dist/ */
const distUrl = (file) => new URL(file, DIST).href;

/**
 * The CLI arguments of a sweep.
 * @param {SweepSetting} s
 * @param {number} samples
 * @param {number} workers
 * @param {string} out
 */
function sweepArgs(s, samples, workers, out) {
  return [
    'simulate',
    '--network',
    s.network,
    '--samples',
    String(samples),
    ...s.vary.flatMap((v) => ['--vary', v]),
    '--t-end',
    String(s.tEnd),
    '--step',
    String(s.step),
    '--out',
    out,
    '--workers',
    String(workers),
  ];
}

/**
 * Rows per second between the moments the row count first reaches `from` and `to` (fractions).
 * @param {[number, number, number | null][]} timeline
 * @param {number} total
 * @param {number} from
 * @param {number} to
 */
function rate(timeline, total, from, to) {
  const a = timeline.find(([, done]) => done >= from * total);
  const b = timeline.find(([, done]) => done >= to * total);
  if (!a || !b || b[0] <= a[0]) return null;
  return (b[1] - a[1]) / ((b[0] - a[0]) / 1000);
}

/**
 * Runs `pipeline ...args` (wall time measured around the child) and splits its CPU: the
 * `workers` busiest non-main threads are the sweep workers, the rest is background. With
 * `timeline`, the CLI shows progress (as on a terminal; the preload swallows it and keeps the
 * row counts).
 * @param {string[]} args
 * @param {{ timeline?: boolean, workers?: number, diskMBps?: number }} [options]
 */
function runCli(args, { timeline = false, workers = 0, diskMBps = undefined } = {}) {
  const env = { ...process.env };
  if (timeline) env.PENVAE_SWEEP_TIMELINE = '1';
  else delete env.PENVAE_SWEEP_TIMELINE;
  if (diskMBps) env.PENVAE_BENCH_DISK_MBPS = String(diskMBps);
  else delete env.PENVAE_BENCH_DISK_MBPS;
  const before = procStat();
  const { wallMs, stderr, report: rep } = runReportedPipeline(args, env);
  const after = procStat();
  const wrote = /; ([\d.]+) s, ([\d.]+) simulations\/s/.exec(stderr);
  const cpuMs = rep.userCpuMs + rep.systemCpuMs;
  const machineBusyMs = before && after ? (after.busy - before.busy) * JIFFY_MS : null;
  const threads = rep.otherThreads ?? [];
  const workerThreads = threads.slice(0, workers); // the busiest non-main threads
  const background = threads.slice(workers);
  const sampled = (rep.mainThreadCpuMs ?? 0) + threads.reduce((s, t) => s + t.cpuMs, 0);
  return {
    wallMs,
    cliSeconds: wrote ? Number(wrote[1]) : null,
    cpuMs,
    parallelism: cpuMs / wallMs,
    otherCores: machineBusyMs === null ? null : Math.max(0, machineBusyMs - cpuMs) / wallMs,
    maxRssKb: rep.maxRssKb,
    peakMainKb: rep.peakMainKb,
    mainEventLoopUtilization: rep.mainEventLoopUtilization,
    mainCpuMs: rep.mainThreadCpuMs,
    mainCpuRowsMs: rep.mainThreadCpuMsAtFirstRow === null || rep.mainThreadCpuMs === null ? null : rep.mainThreadCpuMs - rep.mainThreadCpuMsAtFirstRow,
    workerCpuMs: workerThreads.map((t) => t.cpuMs),
    backgroundCpuMs: background.reduce((s, t) => s + t.cpuMs, 0) + Math.max(0, cpuMs - sampled),
    workerStartMs: workerThreads.length ? Math.min(...workerThreads.map((t) => t.startMs)) : null,
    firstRowMs: rep.timeline[0]?.[0] ?? null,
    timeline: rep.timeline,
    rssTimeline: rep.rssTimeline,
  };
}

/** @typedef {ReturnType<typeof runCli>} CliRun */

/** @param {string} file */
const fileHash = (file) => createHash('sha256').update(readFileSync(file)).digest('hex').slice(0, 16);

// ---------------------------------------------------------------------------------------------
// 0. Start-up: bare node, the CLI doing nothing, and what its imports cost

/**
 * Milliseconds to import `url` in a fresh process.
 * @param {string} url
 */
function importMs(url) {
  const code = `const t = performance.now(); await import(${JSON.stringify(url)}); process.stdout.write(String(performance.now() - t));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`import ${url} failed: ${r.stderr}`);
  return Number(r.stdout);
}

/** The module whose import is the start-up of `pipeline simulate` beyond `pipeline --version`. */
export const RUN_SWEEP_IMPORT = 'dist/tasks/sweep.js (runSweep only)';

/**
 * Start-up, `repeats` fresh processes each: bare node, `pipeline --version`, and the import of
 * the CLI, of runSweep and of a worker's module.
 * @param {number} repeats
 */
export function measureStartup(repeats) {
  /** @type {number[]} */
  const bare = [];
  /** @type {number[]} */
  const cli = [];
  /** @type {number[]} */
  const cliRss = [];
  /** @type {Record<string, number[]>} */
  const imports = { 'dist/cli/main.js (the CLI)': [], [RUN_SWEEP_IMPORT]: [], 'dist/dataset/sweep-worker.js (a worker)': [] };
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    spawnSync(process.execPath, ['-e', '0']);
    bare.push(performance.now() - t0);
    const v = runCli(['--version']);
    cli.push(v.wallMs);
    cliRss.push(v.maxRssKb);
    for (const [key, list] of Object.entries(imports)) list.push(importMs(distUrl((key.split(' ')[0] ?? '').replace('dist/', ''))));
  }
  return {
    bareNodeMs: summary(bare),
    cliVersionMs: summary(cli),
    cliVersionMaxRssKb: Math.max(...cliRss),
    /** @type {Record<string, Summary>} */
    importMs: Object.fromEntries(Object.entries(imports).map(([k, v]) => [k, summary(v)])),
  };
}

// ---------------------------------------------------------------------------------------------
// 1. Scaling: the same sweep on 1 and 2 workers, taking turns

/**
 * A scaling run: its row timeline is dropped from the bench's JSON once it has been used.
 * @typedef {Omit<CliRun, 'timeline' | 'rssTimeline'> & { timeline?: CliRun['timeline'], steadyRowsPerS: number | null, bytes: number }} ScalingRun
 */

/**
 * Min, median and max of each figure over runs.
 * @param {ScalingRun[]} list
 */
function aggregate(list) {
  return {
    wallMs: summary(list.map((x) => x.wallMs)),
    cliSeconds: summary(list.map((x) => x.cliSeconds ?? NaN)),
    cpuMs: summary(list.map((x) => x.cpuMs)),
    workerCpuMs: summary(list.map((x) => x.workerCpuMs.reduce((a, b) => a + b, 0))),
    backgroundCpuMs: summary(list.map((x) => x.backgroundCpuMs)),
    mainCpuMs: summary(list.map((x) => x.mainCpuMs ?? NaN)),
    mainCpuRowsMs: summary(list.map((x) => x.mainCpuRowsMs ?? NaN)),
    firstRowMs: summary(list.map((x) => x.firstRowMs ?? NaN)),
    steadyRowsPerS: summary(list.map((x) => x.steadyRowsPerS ?? NaN)),
    parallelism: summary(list.map((x) => x.parallelism)),
    otherCores: summary(list.map((x) => x.otherCores ?? NaN)),
    maxRssKb: summary(list.map((x) => x.maxRssKb)),
  };
}

/** @typedef {ReturnType<typeof aggregate>} ScalingAggregate */

/**
 * The oscillator sweep of `samples` on each worker count of `settings`, `repeats` rounds
 * taking turns (the order rotating every round); the dataset files' hashes are compared.
 * @param {string} dir
 * @param {number} samples
 * @param {number} repeats
 * @param {number[]} [settings]
 */
export function measureScaling(dir, samples, repeats, settings = [1, 2]) {
  /** @type {Record<number, ScalingRun[]>} */
  const runs = Object.fromEntries(settings.map((k) => [k, []]));
  const hashes = new Set();
  for (let r = 0; r < repeats; r++) {
    const order = settings.map((_, i) => /** @type {number} */ (settings[(i + r) % settings.length]));
    for (const workers of order) {
      const out = path.join(dir, `osc-w${workers}.arrow`);
      const { rssTimeline, ...cli } = runCli(sweepArgs(OSC, samples, workers, out), { timeline: true, workers });
      /** @type {ScalingRun} */
      const res = { ...cli, steadyRowsPerS: rate(cli.timeline, samples, 0.4, 0.95), bytes: statSync(out).size };
      hashes.add(fileHash(out));
      rmSync(out, { force: true });
      runs[workers]?.push(res);
    }
  }
  const w1 = runs[1] ?? [];
  const w2 = runs[2] ?? [];
  /** @type {Partial<Record<`w${number}`, ScalingAggregate>>} */
  const aggregates = Object.fromEntries(settings.map((k) => [`w${k}`, aggregate(runs[k] ?? [])]));
  const base = {
    samples,
    repeats,
    runs,
    pairedRatios: w1.map((a, i) => a.wallMs / (w2[i]?.wallMs ?? NaN)),
    identicalFiles: hashes.size === 1,
    bytes: w1[0]?.bytes ?? NaN,
  };
  /** @type {typeof base & Partial<Record<`w${number}`, ScalingAggregate>>} */
  const result = { ...base, ...aggregates };
  return result;
}

// ---------------------------------------------------------------------------------------------
// Warm-up probe (child process): a worker's first samples, cold, then the same samples again

/**
 * The job runSweep would send its workers (tasks/sweep.ts builds it the same way), for a
 * sweep of `samples`.
 * @param {SweepSetting} s
 * @param {number} samples
 */
function buildJob(s, samples) {
  const loaded = loadNetwork(s.network);
  const prepared = prepareSweep(loaded.network, { samples, vary: s.vary.map((v) => parseVary(v)) });
  const grid = { start: 0, step: s.step, points: Math.floor(s.tEnd / s.step + 1e-9) + 1 };
  const observables = [...compileNetwork(loaded.network).observables];
  const tol = DEFAULT_TOLERANCES.rosenbrock;
  /** @type {import('@penvae/pipeline').SweepJob} */
  const job = {
    networkText: loaded.text,
    networkSource: loaded.source,
    sweep: prepared.spec,
    grid,
    solver: { name: 'rosenbrock', rtol: tol.rtol, atol: tol.atol, maxSteps: 200_000 },
    observables,
    normalization: resolveNormalization({}, observables, grid),
  };
  return { loaded, prepared, job };
}

/** Samples over which a fresh worker's excess time (cold - warm) is summed. */
export const WARMUP_SAMPLES = 30;

/** The probe's variants: what each runs per sample. @type {Record<string, string>} */
export const PROBE_VARIANTS = {
  worker: "the worker's code (createSampleRunner)",
  default: 'setValues + simulateOnGrid (sparse LU: loops, generated after 20k factorisations)',
  'codegen-at-once': 'same, sparse LU generated at once (codegenAfter: 0)',
};

/** CPU of this (main) thread, or null off Linux. */
function mainCpuMs() {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * JIFFY_MS;
  } catch {
    return null;
  }
}

/** CPU of the whole process (all threads). */
function processCpuMs() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * In a fresh process (bench/sweep/probe.js): `count` samples cold (a new worker's start), then
 * the same twice more, warm. The load is the import of a worker's module
 * (dist/dataset/sweep-worker.js, timed by the caller) and building the job.
 * @param {string} variant a key of {@link PROBE_VARIANTS}
 * @param {number} count
 * @param {number} importMs the time the caller took to import the worker's module
 */
export async function probe(variant, count, importMs) {
  const t0 = performance.now();
  const { job, prepared, loaded } = buildJob(OSC, count);
  const loadMs = importMs + (performance.now() - t0);
  const t1 = performance.now();
  /** @type {(i: number) => number} */
  let runOne;
  if (variant === 'worker') {
    const run = createSampleRunner(job);
    runOne = (i) => run(i).stats?.steps ?? NaN;
  } else {
    const model = compileNetwork(loaded.network);
    const grid = makeTimeGrid(OSC.tEnd, OSC.step);
    const factory = variant === 'default' ? model.sparseSolver : createSparseSolverFactory(model.jacobianPattern, model.size, { codegenAfter: 0 });
    runOne = (i) => {
      model.setValues(prepared.apply(sampleValues(prepared.spec, i).values));
      const y = new Float64Array(grid.length * model.size);
      const r = integrateRosenbrock(model, model.y0, grid, y, {
        rtol: job.solver.rtol,
        atol: job.solver.atol,
        maxSteps: job.solver.maxSteps,
        nonNegative: true,
        ...(factory ? { linearSolver: factory } : {}),
      });
      return r.stats.steps;
    };
  }
  const initMs = performance.now() - t1;
  // CPU of the process minus this thread's: V8's background threads, mostly the concurrent
  // optimising compiler (TurboFan) warming up the generated code.
  const pass = () => {
    const ms = [];
    const steps = [];
    const m0 = mainCpuMs();
    const p0 = processCpuMs();
    for (let i = 0; i < count; i++) {
      const s = performance.now();
      steps.push(runOne(i));
      ms.push(performance.now() - s);
    }
    const m1 = mainCpuMs();
    const backgroundCpuMs = m0 === null || m1 === null ? null : Math.max(0, processCpuMs() - p0 - (m1 - m0));
    return { ms, steps, backgroundCpuMs };
  };
  const cold = pass();
  // Warm: the per-sample minimum of two more passes, which sheds most of other jobs' noise.
  const warm = [pass(), pass()];
  const warmMs = warm[0]?.ms.map((x, i) => Math.min(x, warm[1]?.ms[i] ?? Infinity)) ?? [];
  const warmBackground = warm.some((w) => w.backgroundCpuMs === null) ? null : Math.min(...warm.map((w) => w.backgroundCpuMs ?? NaN));
  return {
    variant,
    loadMs,
    initMs,
    coldMs: cold.ms,
    warmMs,
    steps: cold.steps,
    coldBackgroundCpuMs: cold.backgroundCpuMs,
    warmBackgroundCpuMs: warmBackground,
  };
}

/**
 * @typedef {Awaited<ReturnType<typeof probe>> & { machineBusyCores: number | null, coldTotalMs: number, warmTotalMs: number, excessMs: number }} WarmupProbe
 */

const PROBE_SCRIPT = fileURLToPath(new URL('probe.js', import.meta.url));

/**
 * Each variant in `rounds` fresh processes (bench/sweep/probe.js); the quieter process per variant.
 * @param {number} count samples per pass
 * @param {number} rounds
 * @param {string[]} variants
 */
export function measureWarmup(count, rounds, variants) {
  /** @type {Record<string, WarmupProbe>} */
  const best = {};
  for (let r = 0; r < rounds; r++) {
    for (const variant of variants) {
      const before = procStat();
      const t0 = performance.now();
      const res = spawnSync(process.execPath, [PROBE_SCRIPT, variant, String(count)], { encoding: 'utf8' });
      const wallMs = performance.now() - t0;
      const after = procStat();
      if (res.status !== 0) throw new Error(`probe ${variant} failed: ${res.stderr}`);
      /** @type {Awaited<ReturnType<typeof probe>>} */
      const raw = lastJsonLine(res.stdout);
      const coldMs = raw.coldMs;
      const warmMs = raw.warmMs;
      /** @type {WarmupProbe} */
      const p = {
        ...raw,
        // Other jobs' load: the machine's busy time beyond this probe's one busy thread (+ its JIT threads).
        machineBusyCores: before && after ? ((after.busy - before.busy) * JIFFY_MS) / wallMs : null,
        coldTotalMs: coldMs.reduce((a, b) => a + b, 0),
        warmTotalMs: warmMs.reduce((a, b) => a + b, 0),
        // The excess is all in the first ~20 samples; later differences are the machine's noise.
        excessMs: coldMs.slice(0, WARMUP_SAMPLES).reduce((a, b, i) => a + b - (warmMs[i] ?? NaN), 0),
        coldMs: coldMs.map((x) => Math.round(x * 10) / 10),
        warmMs: warmMs.map((x) => Math.round(x * 10) / 10),
      };
      // Keep the quieter process (smaller warm total: less disturbed by other jobs).
      const kept = best[variant];
      if (!kept || p.warmTotalMs < kept.warmTotalMs) best[variant] = p;
    }
  }
  return Object.values(best);
}

// ---------------------------------------------------------------------------------------------
// 2. Memory: sweeps of a fast network, 10x and 100x longer, and one onto a slow disk

/**
 * The amplifier sweep of each size, on 2 workers, `rounds` times; optionally onto a disk of
 * `diskMBps`. Per size: the maxRSS of every run, and RSS over time of the least hungry one.
 * @param {string} dir
 * @param {number[]} sizes
 * @param {number} rounds
 * @param {number} [diskMBps]
 */
function measureMemory(dir, sizes, rounds, diskMBps = undefined) {
  /** @type {Record<number, (Omit<CliRun, 'timeline' | 'rssTimeline'> & { bytes: number, rssKbAt10: number | null, rssKbAt50: number | null, rssKbAt100: number | null, maxRowsNotOnDisk: number })[]>} */
  const results = Object.fromEntries(sizes.map((n) => [n, []]));
  for (let r = 0; r < rounds; r++) {
    for (const n of r % 2 ? [...sizes].reverse() : sizes) {
      const out = path.join(dir, `amp-${n}.arrow`);
      const { timeline, rssTimeline, ...cli } = runCli(sweepArgs(AMP, n, 2, out), { timeline: true, workers: 2, ...(diskMBps ? { diskMBps } : {}) });
      const bytes = statSync(out).size;
      rmSync(out, { force: true });
      // RSS when a fraction of the rows is written (sampled every 100 ms).
      const at = (/** @type {number} */ fraction) => {
        const hit = timeline.find(([, done]) => done >= fraction * n);
        if (!hit) return null;
        const sample = rssTimeline.filter(([t]) => t <= hit[0]).pop();
        return sample ? Math.round(sample[1] / 1024) : null;
      };
      // Rows delivered but not yet on disk (a batch is 256 rows): the writer keeps pace if small.
      const perRow = bytes / n;
      const res = {
        ...cli,
        bytes,
        rssKbAt10: at(0.1),
        rssKbAt50: at(0.5),
        rssKbAt100: at(1),
        maxRowsNotOnDisk: Math.max(0, ...timeline.filter((x) => x[2] !== null).map(([, done, onDisk]) => done - (onDisk ?? 0) / perRow)),
      };
      results[n]?.push(res);
    }
  }
  return sizes.map((n) => {
    const list = results[n] ?? [];
    const best = list.reduce((a, b) => (a.maxRssKb <= b.maxRssKb ? a : b));
    return {
      samples: n,
      ...(diskMBps ? { diskMBps } : {}),
      maxRssKb: list.map((x) => x.maxRssKb),
      rssKbAt10: best.rssKbAt10,
      rssKbAt50: best.rssKbAt50,
      rssKbAt100: best.rssKbAt100,
      peakMainKb: best.peakMainKb,
      maxRowsNotOnDisk: Math.max(...list.map((x) => x.maxRowsNotOnDisk)),
      bytes: best.bytes,
      wallMs: summary(list.map((x) => x.wallMs)),
      cliSeconds: summary(list.map((x) => x.cliSeconds ?? NaN)),
      otherCores: summary(list.map((x) => x.otherCores ?? NaN)),
    };
  });
}

/** @typedef {ReturnType<typeof measureMemory>[number]} MemoryRun */

/** @param {MemoryRun} m the smallest maxRSS of its runs, kB */
export const peakRssKb = (m) => Math.min(...m.maxRssKb);

/**
 * Part 2: the sizes of `memorySizes`, then `slowDiskSamples` onto a disk a quarter as fast as
 * the sweep wrote just now; peak growth between sizes.
 * @param {string} dir
 * @param {{ memorySizes: number[], memoryRounds: number, slowDiskSamples: number }} cfg
 */
export function measureMemoryPart(dir, cfg) {
  const memory = measureMemory(dir, cfg.memorySizes, cfg.memoryRounds);
  const fast = memory.find((m) => m.samples >= cfg.slowDiskSamples) ?? /** @type {MemoryRun} */ (memory[memory.length - 1]);
  const diskMBps = Number((fast.bytes / fast.cliSeconds.min / 4 / 1e6).toPrecision(2));
  const slow = /** @type {MemoryRun} */ (measureMemory(dir, [cfg.slowDiskSamples], 1, diskMBps)[0]);
  const [first, second] = /** @type {[MemoryRun, MemoryRun]} */ (memory);
  const last = /** @type {MemoryRun} */ (memory[memory.length - 1]);
  const beforeLast = /** @type {MemoryRun} */ (memory[memory.length - 2]);
  const same = memory.find((m) => m.samples === slow.samples);
  return {
    runs: memory,
    growth: peakRssKb(second) / peakRssKb(first),
    growthLast: peakRssKb(last) / peakRssKb(beforeLast),
    slowDisk: { ...slow, againstFastDisk: same ? peakRssKb(slow) / peakRssKb(same) : null, writtenMBps: slow.bytes / slow.cliSeconds.min / 1e6 },
  };
}

/** @typedef {ReturnType<typeof measureMemoryPart>} MemoryPart */

// ---------------------------------------------------------------------------------------------
// 3. Per simulation: ours against scipy LSODA on samples of the oscillator sweep

/**
 * The default simulate() and LSODA on the samples `indices` of the oscillator sweep, each
 * against its own tight reference.
 * @param {string} dir
 * @param {number[]} indices
 * @param {number} repeats
 * @param {number} lsodaRepeats
 */
export function measureVsLsoda(dir, indices, repeats, lsodaRepeats) {
  const { prepared, loaded } = buildJob(OSC, 200);
  const model = compileNetwork(loaded.network);
  const n = model.size;
  const grid = makeTimeGrid(OSC.tEnd, OSC.step);
  const rows = grid.length;
  const names = model.stateNames;
  const unavailable = lsodaUnavailable();
  /** @type {{ status: string, reason?: string, version?: string }} */
  let python = unavailable ? { status: 'skipped', reason: unavailable } : { status: 'ok' };

  // Each sample's network, as the sweep builds it; values swapped into the one compiled model.
  const samples = indices.map((index) => {
    const { values } = sampleValues(prepared.spec, index);
    const t0 = performance.now();
    const net = prepared.apply(values);
    model.setValues(net);
    const swapMs = performance.now() - t0;
    const yRef = new Float64Array(rows * n);
    const ref = integrateRosenbrock(model, model.y0, grid, yRef, { ...REFERENCE, nonNegative: true, maxSteps: 1e7 });
    if (ref.outcome !== 'converged') throw new Error(`reference of sample ${index} failed: ${ref.message}`);
    return {
      index,
      values: Array.from(values),
      net,
      swapMs,
      yRef,
      range: columnRanges(yRef, n, rows),
      refSteps: ref.stats.steps,
      reactions: structuredClone(model.reactions),
    };
  });
  const first = samples[0];
  if (!first) throw new Error('no samples to compare with LSODA');
  // The reference's own uncertainty on the first sample: against rtol 1e-11.
  model.setValues(first.net);
  const yCheck = new Float64Array(rows * n);
  integrateRosenbrock(model, model.y0, grid, yCheck, { rtol: 1e-11, atol: 1e-15, nonNegative: true, maxSteps: 1e7 });
  const referenceSelfCheck = maxErrorOverRange(yCheck, first.yRef, first.range, n, rows);

  // Warm-up: enough runs for the default tiering to move to the generated sparse LU and V8 to optimise it.
  for (let w = 0; w < Math.max(30, 3 * samples.length); w++) {
    const s = /** @type {typeof first} */ (samples[w % samples.length]);
    model.setValues(s.net);
    simulate(model, { tEnd: OSC.tEnd, step: OSC.step });
  }
  /** @type {{ index: number, values: number[], swapMs: number, referenceSteps: number, ours: { msMin: number, msMedian: number, steps: number, rhsCalls: number, outcome: string, maxErrOverRange: number }, lsoda: { rhs: 'loop' | 'vectorised', rtol: number, atol: number, msMin: number, msMedian: number, rhsCalls: number, jacobianCalls: number, outcome: string, maxErrOverRange: number, speedup: number, oursAtLeastAsAccurate: boolean }[] }[]} */
  const results = [];
  for (const s of samples) {
    const times = [];
    /** @type {ReturnType<typeof simulate> | undefined} */
    let last;
    for (let r = 0; r < repeats; r++) {
      model.setValues(s.net);
      const t0 = performance.now();
      last = simulate(model, { tEnd: OSC.tEnd, step: OSC.step });
      times.push(performance.now() - t0);
    }
    if (!last) throw new Error('repeats must be at least 1');
    const ours = {
      msMin: summary(times).min,
      msMedian: summary(times).median,
      steps: last.stats.steps,
      rhsCalls: last.stats.rhsCalls,
      outcome: last.outcome,
      maxErrOverRange: maxErrorOverRange(last.y, s.yRef, s.range, n, rows),
    };
    const lsoda = python.status !== 'ok' ? [] : runLsodaOnSample(dir, s, { names, n, rows, lsodaRepeats });
    if (!Array.isArray(lsoda)) python = lsoda;
    else if (lsoda.length) python = { status: 'ok', version: lsoda[0]?.version ?? '' };
    const compared = (Array.isArray(lsoda) ? lsoda : []).map(({ version, ...l }) => ({
      ...l,
      speedup: l.msMin / ours.msMin,
      oursAtLeastAsAccurate: ours.maxErrOverRange <= l.maxErrOverRange,
    }));
    results.push({ index: s.index, values: s.values, swapMs: s.swapMs, referenceSteps: s.refSteps, ours, lsoda: compared });
  }
  /** @param {'loop' | 'vectorised'} rhs */
  const headline = (rhs) => {
    const rs = results.flatMap((r) => r.lsoda.filter((l) => l.rhs === rhs).slice(0, 1));
    if (!rs.length) return null;
    return {
      min: Math.min(...rs.map((l) => l.speedup)),
      geomean: geomean(rs.map((l) => l.speedup)),
      allAtLeastAsAccurate: rs.every((l) => l.oursAtLeastAsAccurate),
    };
  };
  return { python, states: n, rows, repeats, lsodaRepeats, referenceSelfCheck, samples: results, loop: headline('loop'), vectorised: headline('vectorised') };
}

/**
 * LSODA on one sample (a Python-loop and a vectorised right-hand side), its trajectories
 * reordered to our states; the failure when scipy_lsoda.py fails.
 * @param {string} dir
 * @param {{ index: number, reactions: { species: { name: string }[] }, yRef: Float64Array, range: Float64Array }} s
 * @param {{ names: readonly string[], n: number, rows: number, lsodaRepeats: number }} shape
 */
function runLsodaOnSample(dir, s, { names, n, rows, lsodaRepeats }) {
  const sampleDir = path.join(dir, `lsoda-${s.index}`);
  mkdirSync(sampleDir);
  try {
    const reactionsFile = path.join(sampleDir, 'reactions.json');
    writeFileSync(reactionsFile, JSON.stringify(s.reactions));
    const result = runLsoda({
      reactionsFile,
      dir: sampleDir,
      tEnd: OSC.tEnd,
      step: OSC.step,
      rtol: LSODA.rtol,
      runs: [`loop:${LSODA.atol}`, `vectorised:${LSODA.atol}`],
      repeats: lsodaRepeats,
    });
    if (result.status !== 'ok') return result;
    // LSODA's columns follow the reactions' species; ours the model's states (same names).
    const order = s.reactions.species.map((sp) => names.indexOf(sp.name));
    return result.runs.map((run) => {
      const raw = readFloat64(run.trajectory);
      const y = new Float64Array(rows * n);
      if (run.rows === rows) for (let k = 0; k < rows; k++) order.forEach((i, c) => (y[k * n + i] = /** @type {number} */ (raw[k * n + c])));
      const ms = summary(run.seconds.map((x) => x * 1000));
      return {
        version: result.version,
        rhs: run.rhs,
        rtol: run.rtol,
        atol: run.atol,
        msMin: ms.min,
        msMedian: ms.median,
        rhsCalls: run.nfev,
        jacobianCalls: run.njev,
        outcome: run.status === 0 ? 'converged' : run.message,
        maxErrOverRange: run.rows === rows ? maxErrorOverRange(y, s.yRef, s.range, n, rows) : Infinity,
      };
    });
  } finally {
    rmSync(sampleDir, { recursive: true, force: true });
  }
}

/** @typedef {ReturnType<typeof measureVsLsoda>} VsLsoda */
