#!/usr/bin/env node
/**
 * Sweep benchmark: throughput of `pipeline simulate --samples ...` on 1 and 2 worker threads
 * (and why it does not double), peak memory of long sweeps, and the per-simulation cost of our
 * solver against scipy's LSODA on samples of the same sweep. See bench/README.md, "Sweeps".
 *
 *   node bench/sweep.js [--quick] [--memory]   (after `npx tsc -b`; ~7 min, --quick ~1 min; --memory: part 2 alone, ~4 min)
 *
 * Prints tables and, last, one JSON line; `run()` returns the same JSON-serialisable result.
 * The CLI runs as a child process exactly as `npx pipeline` would, with bench/sweep-report.js
 * preloaded (`node --import`) to report its CPU per thread, maxRSS and row timeline at exit.
 * Machine load from other jobs is read from /proc/stat around every run (Linux; else omitted).
 * LSODA needs `python3` with scipy (bench/scipy_lsoda.py) and is skipped, with the reason,
 * without it. Datasets and trajectories go to an OS temp dir that is removed at the end.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { columnRanges, maxErrorOverRange, table } from './common.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');
const CLI = path.join(ROOT, 'packages/pipeline/bin/pipeline.js');
const REPORT = pathToFileURL(path.join(HERE, 'sweep-report.js')).href;
// Modules the pipeline does not export from its entry (runSweep's building blocks): by path.
const DIST = pathToFileURL(path.join(ROOT, 'packages/pipeline/dist/')).href;
const distUrl = (file) => new URL(file, DIST).href;

// The oscillator sweep of the scaling and LSODA parts, and the fast sweep of the memory part.
const OSC = {
  network: 'oscillator',
  vary: ['templates[a->a].concentration=20:80:log', 'parameters.exoVm=200:400'],
  tEnd: 3000,
  step: 10,
};
const AMP = {
  network: 'amplifier',
  vary: ['templates[a->a].concentration=20:80:log', 'strands[a].K=30:150:log'],
  tEnd: 60,
  step: 1,
};
const REFERENCE = { rtol: 1e-12, atol: 1e-16 };
const LSODA = { rtol: 1e-8, atol: 1e-10 };

// ---------------------------------------------------------------------------------------------
// Small helpers (summary, table and the error metric as in bench/simulator.js)

function summary(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { min: sorted[0], median, max: sorted[sorted.length - 1] };
}

const geomean = (xs) => Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length);

const fmtS = (ms) => (ms === null || ms === undefined ? '-' : `${(ms / 1000).toFixed(2)}`);
const fmtMs = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : ms >= 10 ? `${ms.toFixed(1)} ms` : `${ms.toFixed(2)} ms`);
const fmtE = (x) => (x === undefined || x === null ? '-' : Number.isFinite(x) ? x.toExponential(1) : String(x));
const fmtX = (x) => (x === undefined || x === null || !Number.isFinite(x) ? '-' : x >= 100 ? `${x.toFixed(0)}x` : `${x.toFixed(x >= 10 ? 1 : 2)}x`);
const fmtMb = (kb) => `${(kb / 1024).toFixed(0)}`;

/** Busy and total jiffies of the whole machine (all cores), or null off Linux. */
function procStat() {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const [user, nice, system, idle, iowait, irq, softirq, steal] = f;
    const busy = user + nice + system + irq + softirq + (steal ?? 0);
    return { busy, total: busy + idle + iowait };
  } catch {
    return null;
  }
}
const JIFFY_MS = 10;

function which(cmd) {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : '';
}

// ---------------------------------------------------------------------------------------------
// The CLI in a child process, with bench/sweep-report.js preloaded

function sweepArgs(s, samples, workers, out) {
  return ['simulate', '--network', s.network, '--samples', String(samples), ...s.vary.flatMap((v) => ['--vary', v]),
    '--t-end', String(s.tEnd), '--step', String(s.step), '--out', out, '--workers', String(workers)];
}

/** Rows per second between the moments the row count first reaches `from` and `to` (fractions). */
function rate(timeline, total, from, to) {
  const a = timeline.find(([, done]) => done >= from * total);
  const b = timeline.find(([, done]) => done >= to * total);
  if (!a || !b || b[0] <= a[0]) return null;
  return (b[1] - a[1]) / ((b[0] - a[0]) / 1000);
}

/**
 * Runs `pipeline ...args`; wall time measured here around the child. With `timeline`, the CLI
 * shows progress (as on a terminal; the preload swallows it and keeps the row counts).
 */
function runCli(args, { timeline = false, workers = 0, diskMBps = undefined } = {}) {
  const env = { ...process.env };
  if (timeline) env.PENVAE_SWEEP_TIMELINE = '1';
  else delete env.PENVAE_SWEEP_TIMELINE;
  if (diskMBps) env.PENVAE_BENCH_DISK_MBPS = String(diskMBps);
  else delete env.PENVAE_BENCH_DISK_MBPS;
  const before = procStat();
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--import', REPORT, CLI, ...args], { encoding: 'utf8', env, maxBuffer: 1 << 26 });
  const wallMs = performance.now() - t0;
  const after = procStat();
  if (r.status !== 0) throw new Error(`pipeline ${args.join(' ')} failed (exit ${r.status}): ${r.stderr.slice(-2000)}`);
  const line = r.stderr.split('\n').find((l) => l.startsWith('SWEEP-REPORT '));
  if (!line) throw new Error(`no SWEEP-REPORT from pipeline ${args.join(' ')}: ${r.stderr.slice(-2000)}`);
  const rep = JSON.parse(line.slice('SWEEP-REPORT '.length));
  const wrote = /; ([\d.]+) s, ([\d.]+) simulations\/s/.exec(r.stderr);
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
    firstRowMs: rep.timeline.length ? rep.timeline[0][0] : null,
    timeline: rep.timeline,
    rssTimeline: rep.rssTimeline,
  };
}

const fileHash = (file) => createHash('sha256').update(readFileSync(file)).digest('hex').slice(0, 16);

// ---------------------------------------------------------------------------------------------
// 0. Start-up: bare node, the CLI doing nothing, and what its imports cost

function importMs(url) {
  const code = `const t = performance.now(); await import(${JSON.stringify(url)}); process.stdout.write(String(performance.now() - t));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`import ${url} failed: ${r.stderr}`);
  return Number(r.stdout);
}

function measureStartup(repeats) {
  const bare = [];
  const cli = [];
  const cliRss = [];
  const imports = { 'dist/cli/main.js (the CLI)': [], 'dist/tasks/sweep.js (runSweep only)': [], 'dist/dataset/sweep-worker.js (a worker)': [] };
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    spawnSync(process.execPath, ['-e', '0']);
    bare.push(performance.now() - t0);
    const v = runCli(['--version']);
    cli.push(v.wallMs);
    cliRss.push(v.maxRssKb);
    for (const key of Object.keys(imports)) imports[key].push(importMs(distUrl(key.split(' ')[0].replace('dist/', ''))));
  }
  return {
    bareNodeMs: summary(bare),
    cliVersionMs: summary(cli),
    cliVersionMaxRssKb: Math.max(...cliRss),
    importMs: Object.fromEntries(Object.entries(imports).map(([k, v]) => [k, summary(v)])),
  };
}

// ---------------------------------------------------------------------------------------------
// 1. Scaling: the same sweep on 1 and 2 workers, taking turns

function measureScaling(dir, samples, repeats, settings = [1, 2]) {
  const runs = Object.fromEntries(settings.map((k) => [k, []]));
  const hashes = new Set();
  for (let r = 0; r < repeats; r++) {
    // Taking turns, the order rotating every round.
    const order = settings.map((_, i) => settings[(i + r) % settings.length]);
    for (const workers of order) {
      const out = path.join(dir, `osc-w${workers}.arrow`);
      const res = runCli(sweepArgs(OSC, samples, workers, out), { timeline: true, workers });
      res.steadyRowsPerS = rate(res.timeline, samples, 0.4, 0.95);
      res.bytes = statSync(out).size;
      hashes.add(fileHash(out));
      rmSync(out, { force: true });
      delete res.rssTimeline;
      runs[workers].push(res);
    }
  }
  const agg = (list) => ({
    wallMs: summary(list.map((x) => x.wallMs)),
    cliSeconds: summary(list.map((x) => x.cliSeconds)),
    cpuMs: summary(list.map((x) => x.cpuMs)),
    workerCpuMs: summary(list.map((x) => x.workerCpuMs.reduce((a, b) => a + b, 0))),
    backgroundCpuMs: summary(list.map((x) => x.backgroundCpuMs)),
    mainCpuMs: summary(list.map((x) => x.mainCpuMs ?? NaN)),
    mainCpuRowsMs: summary(list.map((x) => x.mainCpuRowsMs ?? NaN)),
    firstRowMs: summary(list.map((x) => x.firstRowMs)),
    steadyRowsPerS: summary(list.map((x) => x.steadyRowsPerS ?? NaN)),
    parallelism: summary(list.map((x) => x.parallelism)),
    otherCores: summary(list.map((x) => x.otherCores ?? NaN)),
    maxRssKb: summary(list.map((x) => x.maxRssKb)),
  });
  const paired = runs[1].map((a, i) => a.wallMs / runs[2][i].wallMs);
  return {
    samples,
    repeats,
    runs,
    ...Object.fromEntries(settings.map((k) => [`w${k}`, agg(runs[k])])),
    pairedRatios: paired,
    identicalFiles: hashes.size === 1,
    bytes: runs[1][0].bytes,
  };
}

// ---------------------------------------------------------------------------------------------
// Warm-up probe (child process): a worker's first samples, cold, then the same samples again

/** The job runSweep would send its workers (tasks/sweep.ts), for a sweep of `samples`. */
async function buildJob(s, samples) {
  const { loadNetwork } = await import(distUrl('io/network-source.js'));
  const { prepareSweep, parseVary } = await import(distUrl('dataset/sweep-spec.js'));
  const { resolveNormalization } = await import(distUrl('dataset/normalize.js'));
  const { compileNetwork, DEFAULT_TOLERANCES } = await import('@penvae/simulator');
  const loaded = loadNetwork(s.network);
  const prepared = prepareSweep(loaded.network, { samples, vary: s.vary.map(parseVary) });
  const grid = { start: 0, step: s.step, points: Math.floor(s.tEnd / s.step + 1e-9) + 1 };
  const observables = [...compileNetwork(loaded.network).observables];
  const tol = DEFAULT_TOLERANCES.rosenbrock;
  return {
    loaded,
    prepared,
    job: {
      networkText: loaded.text,
      networkSource: loaded.source,
      sweep: prepared.spec,
      grid,
      solver: { name: 'rosenbrock', rtol: tol.rtol, atol: tol.atol, maxSteps: 200_000 },
      observables,
      normalization: resolveNormalization({}, observables, grid),
    },
  };
}

/** Samples over which a fresh worker's excess time (cold - warm) is summed. */
const WARMUP_SAMPLES = 30;

const PROBE_VARIANTS = {
  worker: "the worker's code (createSampleRunner)",
  'worker-detached': 'same, after one ArrayBuffer was transferred away (detached; what the old, transferring workers did)',
  default: 'setValues + simulateOnGrid (sparse LU: loops, generated after 20k factorisations)',
  'codegen-at-once': 'same, sparse LU generated at once (codegenAfter: 0)',
};

/** In a fresh process: `count` samples cold (a new worker's start), then the same twice more, warm. */
async function probe(variant, count) {
  const t0 = performance.now();
  const { createSampleRunner } = await import(distUrl('dataset/run-sample.js'));
  const simulator = await import('@penvae/simulator');
  const { sampleValues } = await import(distUrl('dataset/sweep-spec.js'));
  const { job, prepared, loaded } = await buildJob(OSC, count);
  const loadMs = performance.now() - t0;
  const t1 = performance.now();
  if (variant === 'worker-detached') {
    // What a sweep worker used to do after its first chunk: transfer its rows' buffers to the
    // main thread (sweep-worker.ts now posts copies). One detach slows the solver for the rest of
    // the isolate's life (presumably V8's isolate-wide "array buffer detaching" protector; see
    // bench/README.md, "Sweeps"). Kept as the evidence for the copy.
    const buffer = new ArrayBuffer(8);
    structuredClone(buffer, { transfer: [buffer] });
  }
  let runOne;
  if (variant === 'worker' || variant === 'worker-detached') {
    const run = createSampleRunner(job);
    runOne = (i) => run(i).stats.steps;
  } else {
    const model = simulator.compileNetwork(loaded.network);
    const grid = simulator.makeTimeGrid(OSC.tEnd, OSC.step);
    const factory = variant === 'default' ? model.sparseSolver : simulator.createSparseSolverFactory(model.jacobianPattern, model.size, { codegenAfter: 0 });
    runOne = (i) => {
      model.setValues(prepared.apply(sampleValues(prepared.spec, i).values));
      const y = new Float64Array(grid.length * model.size);
      const r = simulator.integrateRosenbrock(model, model.y0, grid, y, { rtol: job.solver.rtol, atol: job.solver.atol, maxSteps: job.solver.maxSteps, nonNegative: true, linearSolver: factory });
      return r.stats.steps;
    };
  }
  const initMs = performance.now() - t1;
  // CPU of this (main) thread and of the whole process: the difference is V8's background
  // threads, mostly the concurrent optimising compiler (TurboFan) warming up the generated code.
  const mainCpuMs = () => {
    try {
      const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return (Number(f[11]) + Number(f[12])) * JIFFY_MS;
    } catch {
      return null;
    }
  };
  const processCpuMs = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
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
  const warmMs = warm[0].ms.map((x, i) => Math.min(x, warm[1].ms[i]));
  const warmBackground = warm.some((w) => w.backgroundCpuMs === null) ? null : Math.min(...warm.map((w) => w.backgroundCpuMs));
  return { variant, loadMs, initMs, coldMs: cold.ms, warmMs, steps: cold.steps, coldBackgroundCpuMs: cold.backgroundCpuMs, warmBackgroundCpuMs: warmBackground };
}

function measureWarmup(count, rounds, variants) {
  const self = fileURLToPath(import.meta.url);
  const best = {};
  for (let r = 0; r < rounds; r++) {
    for (const variant of variants) {
      const before = procStat();
      const t0 = performance.now();
      const res = spawnSync(process.execPath, [self, '--probe', variant, String(count)], { encoding: 'utf8' });
      const wallMs = performance.now() - t0;
      const after = procStat();
      if (res.status !== 0) throw new Error(`probe ${variant} failed: ${res.stderr}`);
      const p = JSON.parse(res.stdout.trim().split('\n').pop());
      // Other jobs' load: the machine's busy time beyond this probe's one busy thread (+ its JIT threads).
      p.machineBusyCores = before && after ? ((after.busy - before.busy) * JIFFY_MS) / wallMs : null;
      p.coldTotalMs = p.coldMs.reduce((a, b) => a + b, 0);
      p.warmTotalMs = p.warmMs.reduce((a, b) => a + b, 0);
      // The excess is all in the first ~20 samples; later differences are the machine's noise.
      p.excessMs = p.coldMs.slice(0, WARMUP_SAMPLES).reduce((a, b, i) => a + b - p.warmMs[i], 0);
      p.coldMs = p.coldMs.map((x) => Math.round(x * 10) / 10);
      p.warmMs = p.warmMs.map((x) => Math.round(x * 10) / 10);
      // Keep the quieter process (smaller warm total: less disturbed by other jobs).
      if (!best[variant] || p.warmTotalMs < best[variant].warmTotalMs) best[variant] = p;
    }
  }
  return Object.values(best);
}

// ---------------------------------------------------------------------------------------------
// 2. Memory: sweeps of a fast network, 10x and 100x longer, and one onto a slow disk

function measureMemory(dir, sizes, rounds, diskMBps = undefined) {
  const results = Object.fromEntries(sizes.map((n) => [n, []]));
  for (let r = 0; r < rounds; r++) {
    for (const n of r % 2 ? [...sizes].reverse() : sizes) {
      const out = path.join(dir, `amp-${n}.arrow`);
      const res = runCli(sweepArgs(AMP, n, 2, out), { timeline: true, workers: 2, diskMBps });
      res.bytes = statSync(out).size;
      rmSync(out, { force: true });
      // RSS when a tenth of the rows is written, and at the end (sampled every 100 ms).
      const at = (fraction) => {
        const hit = res.timeline.find(([, done]) => done >= fraction * n);
        if (!hit) return null;
        const sample = res.rssTimeline.filter(([t]) => t <= hit[0]).pop();
        return sample ? Math.round(sample[1] / 1024) : null;
      };
      res.rssKbAt10 = at(0.1);
      res.rssKbAt50 = at(0.5);
      res.rssKbAt100 = at(1);
      // Rows delivered but not yet on disk (a batch is 256 rows): the writer keeps pace if small.
      const perRow = res.bytes / n;
      res.maxRowsNotOnDisk = Math.max(0, ...res.timeline.filter((x) => x[2] !== null).map(([, done, bytes]) => done - bytes / perRow));
      delete res.timeline;
      delete res.rssTimeline;
      results[n].push(res);
    }
  }
  return sizes.map((n) => {
    const list = results[n];
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
      cliSeconds: summary(list.map((x) => x.cliSeconds)),
      otherCores: summary(list.map((x) => x.otherCores ?? NaN)),
    };
  });
}

/** Runs and prints part 2 (memory) of the bench; returns its figures. */
function reportMemory(dir, cfg, log) {
  const memory = measureMemory(dir, cfg.memorySizes, cfg.memoryRounds);
  // The same sweep onto a disk a quarter as fast as the sweep writes (measured just now).
  const fast = memory.find((m) => m.samples >= cfg.slowDiskSamples) ?? memory[memory.length - 1];
  const diskMBps = Number((fast.bytes / fast.cliSeconds.min / 4 / 1e6).toPrecision(2));
  const slow = measureMemory(dir, [cfg.slowDiskSamples], 1, diskMBps)[0];
  log(`\n2. Peak memory: \`pipeline simulate --network amplifier --samples N ${AMP.vary.map((v) => `--vary '${v}'`).join(' ')} --t-end ${AMP.tEnd} --step ${AMP.step} --workers 2\`` +
    ` (maxRSS of the CLI process, worker threads included; RSS sampled every 100 ms when 10 / 50 / 100 % of the rows were written):`);
  log(table(['samples', 'maxRSS MB', 'RSS at 10 / 50 / 100 % MB', 'main isolate peak heap / external MB', 'rows not yet on disk, max', 'file MB', 'bytes/row', 'wall s (min)', 'CLI sims/s', 'other jobs, cores'],
    [...memory, slow].map((m) => [m.diskMBps ? `${m.samples} (disk ${m.diskMBps} MB/s)` : m.samples, m.maxRssKb.map(fmtMb).join(', '), [m.rssKbAt10, m.rssKbAt50, m.rssKbAt100].map((x) => (x === null ? '-' : fmtMb(x))).join(' / '),
      `${fmtMb(m.peakMainKb.heapTotal)} / ${fmtMb(m.peakMainKb.external)}`, m.maxRowsNotOnDisk.toFixed(0),
      (m.bytes / 1e6).toFixed(2), (m.bytes / m.samples).toFixed(0), fmtS(m.wallMs.min), (m.samples / m.cliSeconds.min).toFixed(0), m.otherCores.median.toFixed(2)])));
  const peak = (m) => Math.min(...m.maxRssKb);
  const [first, second] = memory;
  const last = memory[memory.length - 1];
  memory.growth = peak(second) / peak(first);
  memory.growthLast = peak(last) / peak(memory[memory.length - 2]);
  log(`${second.samples} vs ${first.samples} samples: peak ${fmtX(memory.growth)} (${fmtMb(peak(second) - peak(first))} MB more) for ` +
    `${fmtX(second.bytes / first.bytes)} the file` +
    (memory.length > 2 ? `; ${last.samples} vs ${memory[memory.length - 2].samples}: ${fmtX(memory.growthLast)} for ${fmtX(last.bytes / memory[memory.length - 2].bytes)} the file` : '') +
    ' [target: flat].');
  const same = memory.find((m) => m.samples === slow.samples);
  memory.slowDisk = { ...slow, againstFastDisk: same ? peak(slow) / peak(same) : null, writtenMBps: slow.bytes / slow.cliSeconds.min / 1e6 };
  log(`Onto a disk of ${slow.diskMBps} MB/s (a quarter of the rate the sweep writes): ${slow.samples} samples in ${fmtS(slow.wallMs.min)} s, ` +
    `${memory.slowDisk.writtenMBps.toFixed(2)} MB/s written; peak ${fmtMb(peak(slow))} MB` +
    (same ? ` (${fmtX(memory.slowDisk.againstFastDisk)} the fast disk's)` : '') + `, rows not yet on disk at most ${slow.maxRowsNotOnDisk.toFixed(0)} [target: flat: the sweep waits for the disk].`);
  return memory;
}

// ---------------------------------------------------------------------------------------------
// 3. Per simulation: ours against scipy LSODA on samples of the oscillator sweep

async function measureVsLsoda(dir, indices, repeats, lsodaRepeats) {
  const simulator = await import('@penvae/simulator');
  const { sampleValues } = await import(distUrl('dataset/sweep-spec.js'));
  const { prepared, loaded } = await buildJob(OSC, 200);
  const model = simulator.compileNetwork(loaded.network);
  const n = model.size;
  const grid = simulator.makeTimeGrid(OSC.tEnd, OSC.step);
  const rows = grid.length;
  const names = model.stateNames;

  let python = { status: 'ok' };
  if (!which('python3')) python = { status: 'skipped', reason: 'python3 not found' };
  else if (spawnSync('python3', ['-c', 'import scipy, numpy'], { encoding: 'utf8' }).status !== 0) {
    python = { status: 'skipped', reason: 'python3 has no scipy/numpy (pip install scipy)' };
  }

  // Each sample's network, as the sweep builds it; values swapped into the one compiled model.
  const samples = indices.map((index) => {
    const { values } = sampleValues(prepared.spec, index);
    const t0 = performance.now();
    const net = prepared.apply(values);
    model.setValues(net);
    const swapMs = performance.now() - t0;
    const yRef = new Float64Array(rows * n);
    const ref = simulator.integrateRosenbrock(model, model.y0, grid, yRef, { ...REFERENCE, nonNegative: true, maxSteps: 1e7 });
    if (ref.outcome !== 'converged') throw new Error(`reference of sample ${index} failed: ${ref.message}`);
    return { index, values: Array.from(values), net, swapMs, yRef, range: columnRanges(yRef, n, rows), refSteps: ref.stats.steps, reactions: structuredClone(model.reactions) };
  });
  // The reference's own uncertainty on the first sample: against rtol 1e-11.
  model.setValues(samples[0].net);
  const yCheck = new Float64Array(rows * n);
  simulator.integrateRosenbrock(model, model.y0, grid, yCheck, { rtol: 1e-11, atol: 1e-15, nonNegative: true, maxSteps: 1e7 });
  const referenceSelfCheck = maxErrorOverRange(yCheck, samples[0].yRef, samples[0].range, n, rows);

  // Warm-up: enough runs for the default tiering to move to the generated sparse LU and V8 to optimise it.
  for (let w = 0; w < Math.max(30, 3 * samples.length); w++) {
    const s = samples[w % samples.length];
    model.setValues(s.net);
    simulator.simulate(model, { tEnd: OSC.tEnd, step: OSC.step });
  }
  const results = [];
  for (const s of samples) {
    const times = [];
    let last;
    for (let r = 0; r < repeats; r++) {
      model.setValues(s.net);
      const t0 = performance.now();
      last = simulator.simulate(model, { tEnd: OSC.tEnd, step: OSC.step });
      times.push(performance.now() - t0);
    }
    const ours = {
      msMin: summary(times).min,
      msMedian: summary(times).median,
      steps: last.stats.steps,
      rhsCalls: last.stats.rhsCalls,
      outcome: last.outcome,
      maxErrOverRange: maxErrorOverRange(last.y, s.yRef, s.range, n, rows),
    };
    const lsoda = [];
    if (python.status === 'ok') {
      const sampleDir = path.join(dir, `lsoda-${s.index}`);
      mkdirSync(sampleDir);
      const file = path.join(sampleDir, 'reactions.json');
      writeFileSync(file, JSON.stringify(s.reactions));
      const order = s.reactions.species.map((sp) => names.indexOf(sp.name));
      const args = [path.join(HERE, 'scipy_lsoda.py'), file, sampleDir, '--t-end', String(OSC.tEnd), '--step', String(OSC.step),
        '--rtol', String(LSODA.rtol), '--run', `loop:${LSODA.atol}`, '--run', `vectorised:${LSODA.atol}`, '--repeats', String(lsodaRepeats)];
      const r = spawnSync('python3', args, { encoding: 'utf8', maxBuffer: 1 << 24 });
      if (r.status !== 0) {
        python = { status: 'failed', reason: r.stderr.trim().split('\n').slice(-3).join(' ') };
      } else {
        const parsed = JSON.parse(r.stdout.trim().split('\n').pop());
        python.version = `scipy ${parsed.scipy}, numpy ${parsed.numpy}`;
        for (const run of parsed.runs) {
          const raw = new Float64Array(readFileSync(run.trajectory).buffer.slice(0));
          // LSODA's columns follow the reactions' species; ours the model's states (same names).
          const y = new Float64Array(rows * n);
          if (run.rows === rows) for (let k = 0; k < rows; k++) order.forEach((i, c) => (y[k * n + i] = raw[k * n + c]));
          lsoda.push({
            rhs: run.rhs,
            rtol: run.rtol,
            atol: run.atol,
            msMin: summary(run.seconds.map((x) => x * 1000)).min,
            msMedian: summary(run.seconds.map((x) => x * 1000)).median,
            rhsCalls: run.nfev,
            jacobianCalls: run.njev,
            outcome: run.status === 0 ? 'converged' : run.message,
            maxErrOverRange: run.rows === rows ? maxErrorOverRange(y, s.yRef, s.range, n, rows) : Infinity,
          });
        }
      }
      rmSync(sampleDir, { recursive: true, force: true });
    }
    for (const l of lsoda) {
      l.speedup = l.msMin / ours.msMin;
      l.oursAtLeastAsAccurate = ours.maxErrOverRange <= l.maxErrOverRange;
    }
    results.push({ index: s.index, values: s.values, swapMs: s.swapMs, referenceSteps: s.refSteps, ours, lsoda });
  }
  const headline = (rhs) => {
    const rs = results.map((r) => r.lsoda.find((l) => l.rhs === rhs)).filter(Boolean);
    if (!rs.length) return null;
    return { min: Math.min(...rs.map((l) => l.speedup)), geomean: geomean(rs.map((l) => l.speedup)), allAtLeastAsAccurate: rs.every((l) => l.oursAtLeastAsAccurate) };
  };
  return {
    python: { status: python.status, ...(python.reason ? { reason: python.reason } : {}), ...(python.version ? { version: python.version } : {}) },
    states: n,
    rows,
    repeats,
    lsodaRepeats,
    referenceSelfCheck,
    samples: results,
    loop: headline('loop'),
    vectorised: headline('vectorised'),
  };
}

// ---------------------------------------------------------------------------------------------
// Main

/**
 * Runs the whole sweep benchmark and returns a JSON-serialisable result.
 * @param {{ quick?: boolean, log?: (line: string) => void }} [options]
 */
export async function run(options = {}) {
  const quick = options.quick ?? false;
  const log = options.log ?? ((line) => console.log(line));
  const cfg = quick
    ? { startupRepeats: 3, scalingSamples: 100, scalingRepeats: 3, scalingSettings: [1, 2], largeSamples: 0, probeRounds: 1, probeVariants: ['worker', 'worker-detached'], memorySizes: [1000, 10000], memoryRounds: 1, slowDiskSamples: 5000, lsodaSamples: [0, 1], repeats: 3, lsodaRepeats: 1 }
    : { startupRepeats: 3, scalingSamples: 200, scalingRepeats: 3, scalingSettings: [0, 1, 2], largeSamples: 1000, probeRounds: 1, probeVariants: Object.keys(PROBE_VARIANTS), memorySizes: [2000, 20000, 200000], memoryRounds: 1, slowDiskSamples: 20000, lsodaSamples: [0, 1, 2, 3], repeats: 7, lsodaRepeats: 2 };
  const started = performance.now();
  if (!existsSync(path.join(ROOT, 'packages/pipeline/dist/cli/main.js'))) throw new Error('build first: npx tsc -b');
  const cpu = `${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}`;
  log(`Sweep bench${quick ? ' (--quick)' : ''}: node ${process.version}, ${cpu}, availableParallelism ${os.availableParallelism()}; load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);

  const dir = mkdtempSync(path.join(os.tmpdir(), 'penvae-sweep-bench-'));
  let startup;
  let scaling;
  let warmup;
  let memory;
  let lsoda;
  try {
    // 0. Start-up
    startup = measureStartup(cfg.startupRepeats);
    log(`\nStart-up (min / median of ${cfg.startupRepeats}, fresh processes): bare node ${fmtMs(startup.bareNodeMs.min)} / ${fmtMs(startup.bareNodeMs.median)}; ` +
      `\`pipeline --version\` ${fmtMs(startup.cliVersionMs.min)} / ${fmtMs(startup.cliVersionMs.median)} (maxRSS ${fmtMb(startup.cliVersionMaxRssKb)} MB). Import alone, min / median:`);
    for (const [k, v] of Object.entries(startup.importMs)) log(`  ${k}: ${fmtMs(v.min)} / ${fmtMs(v.median)}`);

    // 1. Scaling
    scaling = measureScaling(dir, cfg.scalingSamples, cfg.scalingRepeats, cfg.scalingSettings);
    // Start-up of `pipeline simulate`: the CLI loads commands lazily, so `pipeline --version` no
    // longer includes what `simulate` imports (runSweep: apache-arrow, the simulator); add it.
    const S = startup.cliVersionMs.median + startup.importMs['dist/tasks/sweep.js (runSweep only)'].median;
    const N = cfg.scalingSamples;
    log(`\n1. Scaling: \`pipeline simulate --network oscillator --samples ${N} ${OSC.vary.map((v) => `--vary '${v}'`).join(' ')} --t-end ${OSC.tEnd} --step ${OSC.step} --workers K\`, ` +
      `${cfg.scalingRepeats} rounds, K = ${cfg.scalingSettings.join(', ')} taking turns${cfg.scalingSettings.includes(0) ? ' (K = 0: in the main thread)' : ''}; s = seconds, min / median. CPU columns: medians, s.`);
    const srow = (k, a) => [k, `${fmtS(a.wallMs.min)} / ${fmtS(a.wallMs.median)}`, (N / (a.wallMs.min / 1000)).toFixed(1), (N / ((a.wallMs.min - S) / 1000)).toFixed(1),
      `${a.cliSeconds.min.toFixed(1)} / ${a.cliSeconds.median.toFixed(1)}`, fmtS(a.firstRowMs.median), a.steadyRowsPerS.median.toFixed(1),
      fmtS(a.cpuMs.median), k === 0 ? '-' : fmtS(a.workerCpuMs.median), fmtS(a.backgroundCpuMs.median), `${fmtS(a.mainCpuMs.median)} (${fmtS(a.mainCpuRowsMs.median)})`,
      a.parallelism.median.toFixed(2), a.otherCores.median.toFixed(2), fmtMb(a.maxRssKb.max)];
    log(table(['K', 'wall s', 'sims/s', 'sims/s excl. start-up', 'CLI-reported s', 'first row s', 'steady rows/s (40-95%)', 'CPU s', 'workers CPU', 'background CPU', 'main CPU (rows)', 'CPU/wall', 'other jobs, cores', 'maxRSS MB'],
      cfg.scalingSettings.map((k) => srow(k, scaling[`w${k}`]))));
    const ratio = {
      wallMin: scaling.w1.wallMs.min / scaling.w2.wallMs.min,
      wallMedian: scaling.w1.wallMs.median / scaling.w2.wallMs.median,
      pairedMedian: summary(scaling.pairedRatios).median,
      exclStartup: (scaling.w1.wallMs.min - S) / (scaling.w2.wallMs.min - S),
      cliSeconds: scaling.w1.cliSeconds.min / scaling.w2.cliSeconds.min,
      steady: scaling.w2.steadyRowsPerS.median / scaling.w1.steadyRowsPerS.median,
      ...(scaling.w0 ? { w1OverW0: scaling.w1.wallMs.min / scaling.w0.wallMs.min, w0OverW2: scaling.w0.wallMs.min / scaling.w2.wallMs.min } : {}),
    };
    scaling.ratio = ratio;
    log(`K 1 -> 2: wall ${fmtX(ratio.wallMin)} (min), ${fmtX(ratio.wallMedian)} (median), per round ${scaling.pairedRatios.map(fmtX).join(' ')}; ` +
      `without start-up ${fmtX(ratio.exclStartup)}; CLI-reported time ${fmtX(ratio.cliSeconds)}; steady rows/s ${fmtX(ratio.steady)} [target >= 1.8x].` +
      (scaling.w0 ? ` One worker thread against the main thread: K = 1 takes ${fmtX(ratio.w1OverW0)} the time of K = 0; K = 0 -> 2: ${fmtX(ratio.w0OverW2)}.` : '') +
      ` Files byte-identical across runs and K: ${scaling.identicalFiles ? 'yes' : 'NO'} (${(scaling.bytes / 1e6).toFixed(2)} MB).`);
    const busy = Math.max(...cfg.scalingSettings.map((k) => scaling[`w${k}`].otherCores.median));
    if (busy > 0.2) log(`WARNING: other jobs used ~${busy.toFixed(1)} of the 2 cores during these runs: the 2-worker figures are not a 2-core measurement; rerun on a quiet machine.`);

    // Why: warm-up of a fresh worker, and (old code) the speed of an isolate once it has transferred a buffer
    warmup = measureWarmup(N, cfg.probeRounds, cfg.probeVariants);
    log(`\nA fresh worker: the ${N} samples of the sweep in a fresh process (cold, as a new worker sees them), then the same samples twice more (warm: ` +
      `per-sample minimum); ms. Background CPU: process CPU minus this thread's, i.e. V8's concurrent optimising compiler and GC threads; machine busy: ` +
      `all processes (this probe alone is ~1.1-1.3)` +
      `${cfg.probeRounds > 1 ? ` (the less disturbed of ${cfg.probeRounds} processes per row)` : ''}:`);
    log(table(['code', 'load + init', 'samples 1-5 cold', 'cold total', 'warm total', 'warm per sample', `cold - warm, samples 1-${WARMUP_SAMPLES}`, 'background CPU cold / warm', 'machine busy, cores'],
      warmup.map((p) => [PROBE_VARIANTS[p.variant], `${p.loadMs.toFixed(0)} + ${p.initMs.toFixed(0)}`, p.coldMs.slice(0, 5).map((x) => x.toFixed(0)).join(' '),
        p.coldTotalMs.toFixed(0), p.warmTotalMs.toFixed(0), (p.warmTotalMs / p.warmMs.length).toFixed(1), p.excessMs.toFixed(0),
        p.coldBackgroundCpuMs === null ? '-' : `${p.coldBackgroundCpuMs.toFixed(0)} / ${p.warmBackgroundCpuMs.toFixed(0)}`,
        p.machineBusyCores === null ? '-' : p.machineBusyCores.toFixed(2)])));
    // A model of the wall time. Per run: start-up S (serial). Per worker: W on its own thread
    // (load, init, the cold samples' excess) and B of background JIT CPU. Work N t splits over K.
    // K = 1: B runs on the idle second core, wall = S + W + N t. K = 2: no idle core; the two
    // warm-ups (2 W + 2 B of CPU) and the work share 2 cores, wall = S + W + B + N t / 2.
    // t is a clean isolate's warm speed (sweep workers post copies, nothing is detached), or,
    // for comparison with the old code that transferred its rows, a detached isolate's.
    const worker = warmup.find((p) => p.variant === 'worker');
    const detached = warmup.find((p) => p.variant === 'worker-detached');
    const W = worker.loadMs + worker.initMs + worker.excessMs;
    const B = Math.max(0, (worker.coldBackgroundCpuMs ?? 0) - (worker.warmBackgroundCpuMs ?? 0));
    const modelFor = (t) => {
      const m = { perSampleMs: t, workMs: N * t, predictedW1Ms: S + W + N * t, predictedW2Ms: S + W + B + (N * t) / 2 };
      m.predictedRatio = m.predictedW1Ms / m.predictedW2Ms;
      // (S + W + N t) / (S + W + B + N t / 2) >= 1.8  <=>  N t >= 8 (S + W) + 18 B
      m.samplesFor1_8x = Math.ceil((8 * (S + W) + 18 * B) / t);
      return m;
    };
    const tClean = worker.warmTotalMs / worker.warmMs.length;
    const tDetached = detached ? detached.warmTotalMs / detached.warmMs.length : tClean;
    const model = { startupMs: S, workerWarmupMs: W, backgroundJitCpuMs: B, current: modelFor(tClean), withTransfer: modelFor(tDetached), detachSlowdown: tDetached / tClean };
    scaling.model = model;
    const mc = model.current;
    const mf = model.withTransfer;
    log(`Model: start-up S ${fmtS(S)} s (\`pipeline --version\` + import of runSweep, medians); per worker W ${fmtS(W)} s on its thread (load, init, cold - warm) and B ${fmtS(B)} s of background JIT CPU. ` +
      `An isolate that has transferred a buffer (the old workers) runs ${fmtX(model.detachSlowdown)} slower: t = ${tDetached.toFixed(1)} ms per sample instead of ${tClean.toFixed(1)}.`);
    log(`  as the code is (copies, t = ${tClean.toFixed(1)} ms): K = 1: S + W + N t = ${fmtS(mc.predictedW1Ms)} s (measured ${fmtS(scaling.w1.wallMs.median)}); ` +
      `K = 2: S + W + B + N t / 2 = ${fmtS(mc.predictedW2Ms)} s (measured ${fmtS(scaling.w2.wallMs.median)}); ${fmtX(mc.predictedRatio)}. 1.8x needs N t >= 8 (S + W) + 18 B: >= ${mc.samplesFor1_8x} samples.`);
    log(`  old code, rows transferred (t = ${tDetached.toFixed(1)} ms): K = 1 ${fmtS(mf.predictedW1Ms)} s, K = 2 ${fmtS(mf.predictedW2Ms)} s, ${fmtX(mf.predictedRatio)}; 1.8x from ${mf.samplesFor1_8x} samples.`);

    // A longer sweep, once per worker count: does the ratio approach the model's?
    if (cfg.largeSamples) {
      const L = cfg.largeSamples;
      const large = measureScaling(dir, L, 1);
      scaling.large = { samples: L, w1: large.runs[1][0], w2: large.runs[2][0], ratio: large.runs[1][0].wallMs / large.runs[2][0].wallMs };
      const pred = (S + W + L * tClean) / (S + W + B + (L * tClean) / 2);
      scaling.large.predictedRatio = pred;
      log(`${L} samples, one run each: K = 1 ${fmtS(scaling.large.w1.wallMs)} s (model ${fmtS(S + W + L * tClean)}), K = 2 ${fmtS(scaling.large.w2.wallMs)} s ` +
        `(model ${fmtS(S + W + B + (L * tClean) / 2)}): ${fmtX(scaling.large.ratio)} (model ${fmtX(pred)}; steady rows/s ` +
        `${fmtX(scaling.large.w2.steadyRowsPerS / scaling.large.w1.steadyRowsPerS)}; other jobs ${scaling.large.w1.otherCores?.toFixed(2)} / ${scaling.large.w2.otherCores?.toFixed(2)} cores).`);
      delete scaling.large.w1.timeline;
      delete scaling.large.w2.timeline;
    }

    // 2. Memory
    memory = reportMemory(dir, cfg, log);

    // 3. Ours vs LSODA
    lsoda = await measureVsLsoda(dir, cfg.lsodaSamples, cfg.repeats, cfg.lsodaRepeats);
    log(`\n3. Per simulation, samples ${cfg.lsodaSamples.join(', ')} of the oscillator sweep (${lsoda.states} states, 0..${OSC.tEnd} min, ${lsoda.rows} output times). ` +
      `Ours: simulate() with the defaults (RODAS5P rtol 1e-7 atol 1e-14, sparse LU), one compiled model, setValues per sample, min / median of ${cfg.repeats} after a warm-up. ` +
      `LSODA: bench/scipy_lsoda.py, rtol ${LSODA.rtol} atol ${LSODA.atol}, min / median of ${cfg.lsodaRepeats}. Error: max over states and times of |y - y_ref| / range, ` +
      `y_ref = RODAS5P rtol ${REFERENCE.rtol} atol ${REFERENCE.atol} (its own uncertainty vs rtol 1e-11 on sample ${cfg.lsodaSamples[0]}: ${fmtE(lsoda.referenceSelfCheck)}).`);
    const lrows = [];
    for (const r of lsoda.samples) {
      const tag = `#${r.index} (conc ${r.values[0].toFixed(1)}, exoVm ${r.values[1].toFixed(0)})`;
      lrows.push([tag, 'ours (default)', `${r.ours.msMin.toFixed(1)} / ${r.ours.msMedian.toFixed(1)}`, r.ours.steps, r.ours.rhsCalls, fmtE(r.ours.maxErrOverRange), '-']);
      for (const l of r.lsoda) {
        lrows.push([tag, `LSODA, ${l.rhs === 'loop' ? 'Python-loop' : 'vectorised'} rhs`, `${l.msMin.toFixed(0)} / ${l.msMedian.toFixed(0)}`, '-', l.rhsCalls, fmtE(l.maxErrOverRange),
          `${fmtX(l.speedup)}${l.oursAtLeastAsAccurate ? '' : ' (ours less accurate)'}`]);
      }
    }
    log(table(['sample', 'solver', 'ms min / median', 'steps', 'rhs calls', 'max err/range', 'LSODA/ours'], lrows));
    if (lsoda.python.status !== 'ok') log(`LSODA: ${lsoda.python.status}: ${lsoda.python.reason}`);
    else {
      log(`Ours faster than LSODA (min over samples; geometric mean): Python-loop rhs ${fmtX(lsoda.loop.min)}; ${fmtX(lsoda.loop.geomean)}, ` +
        `vectorised rhs ${fmtX(lsoda.vectorised.min)}; ${fmtX(lsoda.vectorised.geomean)} [target >= 50x]; ours at least as accurate on every sample: ` +
        `${lsoda.loop.allAtLeastAsAccurate && lsoda.vectorised.allAtLeastAsAccurate ? 'yes' : 'NO'}. apply + setValues per sample: ` +
        `${lsoda.samples.map((r) => r.swapMs.toFixed(2)).join(', ')} ms (first call cold). ${lsoda.python.version}.`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const seconds = (performance.now() - started) / 1000;
  log(`\nTotal bench time ${seconds.toFixed(0)} s; load average now ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  for (const list of Object.values(scaling.runs)) for (const r of list) delete r.timeline;
  return { bench: 'sweep', quick, node: process.version, cpu, availableParallelism: os.availableParallelism(), startup, scaling, warmup, memory: { runs: memory, growth: memory.growth, growthLast: memory.growthLast, slowDisk: memory.slowDisk }, lsoda, seconds };
}

const isMain = process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;
if (isMain && process.argv[2] === '--probe') {
  console.log(JSON.stringify(await probe(process.argv[3], Number(process.argv[4]))));
} else if (isMain && process.argv.includes('--memory')) {
  // Part 2 alone (the figures in bench/README.md, "Memory").
  const quick = process.argv.includes('--quick');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'penvae-sweep-bench-'));
  try {
    const memory = reportMemory(dir, quick ? { memorySizes: [1000, 10000], memoryRounds: 1, slowDiskSamples: 5000 } : { memorySizes: [2000, 20000, 200000], memoryRounds: 1, slowDiskSamples: 20000 }, console.log);
    console.log(JSON.stringify({ bench: 'sweep', part: 'memory', quick, memory: { runs: memory, growth: memory.growth, growthLast: memory.growthLast, slowDisk: memory.slowDisk } }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
} else if (isMain) {
  const result = await run({ quick: process.argv.includes('--quick') });
  console.log(JSON.stringify(result));
}
