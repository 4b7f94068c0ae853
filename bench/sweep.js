#!/usr/bin/env node
// @ts-check
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
 * The measurements are in bench/sweep/measure.js (a worker's warm-up in a child process,
 * bench/sweep/probe.js), the cost model of 1 vs 2 workers in model.js, the printing in report.js.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cpuDescription, isMain, loadAverage, PIPELINE_BIN } from './common.js';
import { measureMemoryPart, measureScaling, measureStartup, measureVsLsoda, measureWarmup, PROBE_VARIANTS } from './sweep/measure.js';
import { costModel, predictWall, scalingRatios, startupMs } from './sweep/model.js';
import { formatLarge, formatMemory, formatModel, formatScaling, formatStartup, formatVsLsoda, formatWarmup } from './sweep/report.js';

/** What each part measures, full and --quick. */
const CONFIG = {
  quick: {
    startupRepeats: 3,
    scalingSamples: 100,
    scalingRepeats: 3,
    scalingSettings: [1, 2],
    largeSamples: 0,
    probeRounds: 1,
    probeVariants: ['worker'],
    memorySizes: [1000, 10000],
    memoryRounds: 1,
    slowDiskSamples: 5000,
    lsodaSamples: [0, 1],
    repeats: 3,
    lsodaRepeats: 1,
  },
  full: {
    startupRepeats: 3,
    scalingSamples: 200,
    scalingRepeats: 3,
    scalingSettings: [0, 1, 2],
    largeSamples: 1000,
    probeRounds: 1,
    probeVariants: Object.keys(PROBE_VARIANTS),
    memorySizes: [2000, 20000, 200000],
    memoryRounds: 1,
    slowDiskSamples: 20000,
    lsodaSamples: [0, 1, 2, 3],
    repeats: 7,
    lsodaRepeats: 2,
  },
};

/** A temp dir for datasets and trajectories, removed after `fn`. @template T @param {(dir: string) => T} fn */
function inTempDir(fn) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'penvae-sweep-bench-'));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Runs the whole sweep benchmark and returns a JSON-serialisable result.
 * @param {{ quick?: boolean, log?: (line: string) => void }} [options]
 * @public (the bench's entry for scripts; `node bench/run.js` runs the file)
 */
export async function run(options = {}) {
  const quick = options.quick ?? false;
  const log = options.log ?? ((line) => console.log(line));
  const cfg = quick ? CONFIG.quick : CONFIG.full;
  const started = performance.now();
  if (!existsSync(path.join(path.dirname(PIPELINE_BIN), '../dist/cli/main.js'))) throw new Error('build first: npx tsc -b');
  const cpu = cpuDescription();
  log(
    `Sweep bench${quick ? ' (--quick)' : ''}: node ${process.version}, ${cpu}, availableParallelism ${os.availableParallelism()}; load average ${loadAverage()}`,
  );

  const result = inTempDir((dir) => {
    // 0. Start-up
    const startup = measureStartup(cfg.startupRepeats);
    log(formatStartup(startup, cfg.startupRepeats));

    // 1. Scaling
    const N = cfg.scalingSamples;
    const scaling = measureScaling(dir, N, cfg.scalingRepeats, cfg.scalingSettings);
    const S = startupMs(startup);
    const ratio = scalingRatios(scaling, S);
    log(formatScaling(scaling, ratio, { settings: cfg.scalingSettings, repeats: cfg.scalingRepeats, startupMs: S }));

    // Why: the warm-up of a fresh worker
    const warmup = measureWarmup(N, cfg.probeRounds, cfg.probeVariants);
    log(formatWarmup(warmup, { samples: N, rounds: cfg.probeRounds }));
    const model = costModel(warmup, S, N);
    log(formatModel(model, scaling));

    // A longer sweep, once per worker count: does the ratio approach the model's?
    let large;
    if (cfg.largeSamples) {
      const L = cfg.largeSamples;
      const runs = measureScaling(dir, L, 1).runs;
      const [w1, w2] = [runs[1]?.[0], runs[2]?.[0]];
      if (!w1 || !w2) throw new Error('the long sweep did not run on 1 and 2 workers');
      const predicted = predictWall(model, L);
      large = { samples: L, w1, w2, ratio: w1.wallMs / w2.wallMs, predictedRatio: predicted.ratio };
      log(formatLarge(large, predicted));
      delete large.w1.timeline;
      delete large.w2.timeline;
    }

    // 2. Memory
    const memory = measureMemoryPart(dir, cfg);
    log(formatMemory(memory));

    // 3. Ours vs LSODA
    const lsoda = measureVsLsoda(dir, cfg.lsodaSamples, cfg.repeats, cfg.lsodaRepeats);
    log(formatVsLsoda(lsoda, { samples: cfg.lsodaSamples, repeats: cfg.repeats, lsodaRepeats: cfg.lsodaRepeats }));
    for (const list of Object.values(scaling.runs)) for (const r of list) delete r.timeline;
    return { startup, scaling: { ...scaling, ratio, model, ...(large ? { large } : {}) }, warmup, memory, lsoda };
  });
  const seconds = (performance.now() - started) / 1000;
  log(`\nTotal bench time ${seconds.toFixed(0)} s; load average now ${loadAverage()}`);
  return { bench: 'sweep', quick, node: process.version, cpu, availableParallelism: os.availableParallelism(), ...result, seconds };
}

if (isMain(import.meta.url) && process.argv.includes('--memory')) {
  // Part 2 alone (the figures in bench/README.md, "Memory").
  const quick = process.argv.includes('--quick');
  const memory = inTempDir((dir) => measureMemoryPart(dir, quick ? CONFIG.quick : CONFIG.full));
  console.log(formatMemory(memory));
  console.log(JSON.stringify({ bench: 'sweep', part: 'memory', quick, memory }));
} else if (isMain(import.meta.url)) {
  const result = await run({ quick: process.argv.includes('--quick') });
  console.log(JSON.stringify(result));
}
