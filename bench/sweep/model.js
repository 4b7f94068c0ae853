// @ts-check
// The sweep benchmark's cost model of 1 vs 2 workers (bench/sweep.js), from its measurements.
//
// Per run: start-up S (serial). Per worker: W on its own thread (load, init, the cold samples'
// excess) and B of background JIT CPU. Work N t splits over K workers.
// K = 1: B runs on the idle second core, wall = S + W + N t. K = 2: no idle core; the two
// warm-ups (2 W + 2 B of CPU) and the work share 2 cores, wall = S + W + B + N t / 2.
// t is a worker's warm time per sample.
import { summary } from '../common.js';
import { RUN_SWEEP_IMPORT } from './measure.js';

/** @typedef {import('./measure.js').WarmupProbe} WarmupProbe */
/** @typedef {ReturnType<typeof import('./measure.js').measureScaling>} Scaling */

/**
 * S: the start-up of `pipeline simulate`. The CLI loads commands lazily, so `pipeline
 * --version` does not include what `simulate` imports (runSweep: apache-arrow, the simulator);
 * that import is added (medians).
 * @param {ReturnType<typeof import('./measure.js').measureStartup>} startup
 */
export function startupMs(startup) {
  return startup.cliVersionMs.median + (startup.importMs[RUN_SWEEP_IMPORT]?.median ?? NaN);
}

/**
 * The 1 -> 2 worker ratios (and against K = 0, the main thread, when measured).
 * @param {Scaling} scaling
 * @param {number} S start-up, ms
 */
export function scalingRatios(scaling, S) {
  const { w0, w1, w2 } = scaling;
  if (!w1 || !w2) throw new Error('the scaling part needs K = 1 and K = 2');
  return {
    wallMin: w1.wallMs.min / w2.wallMs.min,
    wallMedian: w1.wallMs.median / w2.wallMs.median,
    pairedMedian: summary(scaling.pairedRatios).median,
    exclStartup: (w1.wallMs.min - S) / (w2.wallMs.min - S),
    cliSeconds: w1.cliSeconds.min / w2.cliSeconds.min,
    steady: w2.steadyRowsPerS.median / w1.steadyRowsPerS.median,
    ...(w0 ? { w1OverW0: w1.wallMs.min / w0.wallMs.min, w0OverW2: w0.wallMs.min / w2.wallMs.min } : {}),
  };
}

/**
 * The model's parameters from the warm-up probe, and its predictions for N samples.
 * @param {WarmupProbe[]} warmup
 * @param {number} S start-up, ms
 * @param {number} N samples
 */
export function costModel(warmup, S, N) {
  const worker = warmup.find((p) => p.variant === 'worker');
  if (!worker) throw new Error('the cost model needs the "worker" probe');
  const W = worker.loadMs + worker.initMs + worker.excessMs;
  const B = Math.max(0, (worker.coldBackgroundCpuMs ?? 0) - (worker.warmBackgroundCpuMs ?? 0));
  /** @param {number} t per-sample ms */
  const modelFor = (t) => {
    const predictedW1Ms = S + W + N * t;
    const predictedW2Ms = S + W + B + (N * t) / 2;
    return {
      perSampleMs: t,
      workMs: N * t,
      predictedW1Ms,
      predictedW2Ms,
      predictedRatio: predictedW1Ms / predictedW2Ms,
      // (S + W + N t) / (S + W + B + N t / 2) >= 1.8  <=>  N t >= 8 (S + W) + 18 B
      samplesFor1_8x: Math.ceil((8 * (S + W) + 18 * B) / t),
    };
  };
  return { startupMs: S, workerWarmupMs: W, backgroundJitCpuMs: B, current: modelFor(worker.warmTotalMs / worker.warmMs.length) };
}

/** @typedef {ReturnType<typeof costModel>} CostModel */

/**
 * The model's wall times for `samples`.
 * @param {CostModel} model
 * @param {number} samples
 */
export function predictWall(model, samples) {
  const { startupMs: S, workerWarmupMs: W, backgroundJitCpuMs: B } = model;
  const t = model.current.perSampleMs;
  const w1Ms = S + W + samples * t;
  const w2Ms = S + W + B + (samples * t) / 2;
  return { w1Ms, w2Ms, ratio: w1Ms / w2Ms };
}
