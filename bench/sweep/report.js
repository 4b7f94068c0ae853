// @ts-check
// The sweep benchmark's printed tables and lines, from bench/sweep/measure.js and model.js.
import { fmtE, fmtMb, fmtMs, fmtS, fmtX, table } from '../common.js';
import { AMP, LSODA, OSC, PROBE_VARIANTS, peakRssKb, REFERENCE, WARMUP_SAMPLES } from './measure.js';

/** @typedef {ReturnType<typeof import('./measure.js').measureScaling>} Scaling */
/** @typedef {import('./model.js').CostModel} CostModel */

/**
 * Part 0: start-up.
 * @param {ReturnType<typeof import('./measure.js').measureStartup>} startup
 * @param {number} repeats
 */
export function formatStartup(startup, repeats) {
  return [
    `\nStart-up (min / median of ${repeats}, fresh processes): bare node ${fmtMs(startup.bareNodeMs.min)} / ${fmtMs(startup.bareNodeMs.median)}; ` +
      `\`pipeline --version\` ${fmtMs(startup.cliVersionMs.min)} / ${fmtMs(startup.cliVersionMs.median)} (maxRSS ${fmtMb(startup.cliVersionMaxRssKb)} MB). Import alone, min / median:`,
    ...Object.entries(startup.importMs).map(([k, v]) => `  ${k}: ${fmtMs(v.min)} / ${fmtMs(v.median)}`),
  ].join('\n');
}

/**
 * Part 1: the scaling table, the 1 -> 2 ratios and a warning when other jobs were busy.
 * @param {Scaling} scaling
 * @param {ReturnType<typeof import('./model.js').scalingRatios>} ratio
 * @param {{ settings: number[], repeats: number, startupMs: number }} options
 */
export function formatScaling(scaling, ratio, { settings, repeats, startupMs: S }) {
  const N = scaling.samples;
  /** @param {number} k */
  const at = (k) => /** @type {import('./measure.js').ScalingAggregate} */ (scaling[`w${k}`]);
  const lines = [
    `\n1. Scaling: \`pipeline simulate --network oscillator --samples ${N} ${OSC.vary.map((v) => `--vary '${v}'`).join(' ')} --t-end ${OSC.tEnd} --step ${OSC.step} --workers K\`, ` +
      `${repeats} rounds, K = ${settings.join(', ')} taking turns${settings.includes(0) ? ' (K = 0: in the main thread)' : ''}; s = seconds, min / median. CPU columns: medians, s.`,
    table(
      [
        'K',
        'wall s',
        'sims/s',
        'sims/s excl. start-up',
        'CLI-reported s',
        'first row s',
        'steady rows/s (40-95%)',
        'CPU s',
        'workers CPU',
        'background CPU',
        'main CPU (rows)',
        'CPU/wall',
        'other jobs, cores',
        'maxRSS MB',
      ],
      settings.map((k) => {
        const a = at(k);
        return [
          k,
          `${fmtS(a.wallMs.min)} / ${fmtS(a.wallMs.median)}`,
          (N / (a.wallMs.min / 1000)).toFixed(1),
          (N / ((a.wallMs.min - S) / 1000)).toFixed(1),
          `${a.cliSeconds.min.toFixed(1)} / ${a.cliSeconds.median.toFixed(1)}`,
          fmtS(a.firstRowMs.median),
          a.steadyRowsPerS.median.toFixed(1),
          fmtS(a.cpuMs.median),
          k === 0 ? '-' : fmtS(a.workerCpuMs.median),
          fmtS(a.backgroundCpuMs.median),
          `${fmtS(a.mainCpuMs.median)} (${fmtS(a.mainCpuRowsMs.median)})`,
          a.parallelism.median.toFixed(2),
          a.otherCores.median.toFixed(2),
          fmtMb(a.maxRssKb.max),
        ];
      }),
    ),
    `K 1 -> 2: wall ${fmtX(ratio.wallMin)} (min), ${fmtX(ratio.wallMedian)} (median), per round ${scaling.pairedRatios.map(fmtX).join(' ')}; ` +
      `without start-up ${fmtX(ratio.exclStartup)}; CLI-reported time ${fmtX(ratio.cliSeconds)}; steady rows/s ${fmtX(ratio.steady)} [target >= 1.8x].` +
      (scaling.w0
        ? ` One worker thread against the main thread: K = 1 takes ${fmtX(ratio.w1OverW0)} the time of K = 0; K = 0 -> 2: ${fmtX(ratio.w0OverW2)}.`
        : '') +
      ` Files byte-identical across runs and K: ${scaling.identicalFiles ? 'yes' : 'NO'} (${(scaling.bytes / 1e6).toFixed(2)} MB).`,
  ];
  const busy = Math.max(...settings.map((k) => at(k).otherCores.median));
  if (busy > 0.2)
    lines.push(
      `WARNING: other jobs used ~${busy.toFixed(1)} of the 2 cores during these runs: the 2-worker figures are not a 2-core measurement; rerun on a quiet machine.`,
    );
  return lines.join('\n');
}

/**
 * A fresh worker's warm-up, per probe variant.
 * @param {import('./measure.js').WarmupProbe[]} warmup
 * @param {{ samples: number, rounds: number }} options
 */
export function formatWarmup(warmup, { samples, rounds }) {
  return [
    `\nA fresh worker: the ${samples} samples of the sweep in a fresh process (cold, as a new worker sees them), then the same samples twice more (warm: ` +
      `per-sample minimum); ms. Background CPU: process CPU minus this thread's, i.e. V8's concurrent optimising compiler and GC threads; machine busy: ` +
      `all processes (this probe alone is ~1.1-1.3)` +
      `${rounds > 1 ? ` (the less disturbed of ${rounds} processes per row)` : ''}:`,
    table(
      [
        'code',
        'load + init',
        'samples 1-5 cold',
        'cold total',
        'warm total',
        'warm per sample',
        `cold - warm, samples 1-${WARMUP_SAMPLES}`,
        'background CPU cold / warm',
        'machine busy, cores',
      ],
      warmup.map((p) => [
        PROBE_VARIANTS[p.variant],
        `${p.loadMs.toFixed(0)} + ${p.initMs.toFixed(0)}`,
        p.coldMs
          .slice(0, 5)
          .map((x) => x.toFixed(0))
          .join(' '),
        p.coldTotalMs.toFixed(0),
        p.warmTotalMs.toFixed(0),
        (p.warmTotalMs / p.warmMs.length).toFixed(1),
        p.excessMs.toFixed(0),
        p.coldBackgroundCpuMs === null || p.warmBackgroundCpuMs === null ? '-' : `${p.coldBackgroundCpuMs.toFixed(0)} / ${p.warmBackgroundCpuMs.toFixed(0)}`,
        p.machineBusyCores === null ? '-' : p.machineBusyCores.toFixed(2),
      ]),
    ),
  ].join('\n');
}

/**
 * The cost model against the measured wall times.
 * @param {CostModel} model
 * @param {Scaling} scaling
 */
export function formatModel(model, scaling) {
  const { startupMs: S, workerWarmupMs: W, backgroundJitCpuMs: B, current: mc } = model;
  return [
    `Model: start-up S ${fmtS(S)} s (\`pipeline --version\` + import of runSweep, medians); per worker W ${fmtS(W)} s on its thread (load, init, cold - warm) and B ${fmtS(B)} s of background JIT CPU.`,
    `  t = ${mc.perSampleMs.toFixed(1)} ms per sample: K = 1: S + W + N t = ${fmtS(mc.predictedW1Ms)} s (measured ${fmtS(scaling.w1?.wallMs.median)}); ` +
      `K = 2: S + W + B + N t / 2 = ${fmtS(mc.predictedW2Ms)} s (measured ${fmtS(scaling.w2?.wallMs.median)}); ${fmtX(mc.predictedRatio)}. 1.8x needs N t >= 8 (S + W) + 18 B: >= ${mc.samplesFor1_8x} samples.`,
  ].join('\n');
}

/**
 * The longer sweep, one run per worker count, against the model.
 * @param {{ samples: number, w1: import('./measure.js').ScalingRun, w2: import('./measure.js').ScalingRun, ratio: number, predictedRatio: number }} large
 * @param {ReturnType<typeof import('./model.js').predictWall>} predicted
 */
export function formatLarge(large, predicted) {
  return (
    `${large.samples} samples, one run each: K = 1 ${fmtS(large.w1.wallMs)} s (model ${fmtS(predicted.w1Ms)}), K = 2 ${fmtS(large.w2.wallMs)} s ` +
    `(model ${fmtS(predicted.w2Ms)}): ${fmtX(large.ratio)} (model ${fmtX(large.predictedRatio)}; steady rows/s ` +
    `${fmtX((large.w2.steadyRowsPerS ?? NaN) / (large.w1.steadyRowsPerS ?? NaN))}; other jobs ${large.w1.otherCores?.toFixed(2)} / ${large.w2.otherCores?.toFixed(2)} cores).`
  );
}

/**
 * Part 2: the memory table, the growth between sizes and the slow disk.
 * @param {import('./measure.js').MemoryPart} memory
 */
export function formatMemory({ runs, growth, growthLast, slowDisk: slow }) {
  const [first, second] = /** @type {[import('./measure.js').MemoryRun, import('./measure.js').MemoryRun]} */ (runs);
  const last = /** @type {import('./measure.js').MemoryRun} */ (runs[runs.length - 1]);
  const beforeLast = /** @type {import('./measure.js').MemoryRun} */ (runs[runs.length - 2]);
  const same = runs.find((m) => m.samples === slow.samples);
  return [
    `\n2. Peak memory: \`pipeline simulate --network amplifier --samples N ${AMP.vary.map((v) => `--vary '${v}'`).join(' ')} --t-end ${AMP.tEnd} --step ${AMP.step} --workers 2\`` +
      ` (maxRSS of the CLI process, worker threads included; RSS sampled every 100 ms when 10 / 50 / 100 % of the rows were written):`,
    table(
      [
        'samples',
        'maxRSS MB',
        'RSS at 10 / 50 / 100 % MB',
        'main isolate peak heap / external MB',
        'rows not yet on disk, max',
        'file MB',
        'bytes/row',
        'wall s (min)',
        'CLI sims/s',
        'other jobs, cores',
      ],
      [...runs, slow].map((m) => [
        m.diskMBps ? `${m.samples} (disk ${m.diskMBps} MB/s)` : m.samples,
        m.maxRssKb.map(fmtMb).join(', '),
        [m.rssKbAt10, m.rssKbAt50, m.rssKbAt100].map((x) => (x === null ? '-' : fmtMb(x))).join(' / '),
        `${fmtMb(m.peakMainKb.heapTotal ?? NaN)} / ${fmtMb(m.peakMainKb.external ?? NaN)}`,
        m.maxRowsNotOnDisk.toFixed(0),
        (m.bytes / 1e6).toFixed(2),
        (m.bytes / m.samples).toFixed(0),
        fmtS(m.wallMs.min),
        (m.samples / m.cliSeconds.min).toFixed(0),
        m.otherCores.median.toFixed(2),
      ]),
    ),
    `${second.samples} vs ${first.samples} samples: peak ${fmtX(growth)} (${fmtMb(peakRssKb(second) - peakRssKb(first))} MB more) for ` +
      `${fmtX(second.bytes / first.bytes)} the file` +
      (runs.length > 2 ? `; ${last.samples} vs ${beforeLast.samples}: ${fmtX(growthLast)} for ${fmtX(last.bytes / beforeLast.bytes)} the file` : '') +
      ' [target: flat].',
    `Onto a disk of ${slow.diskMBps} MB/s (a quarter of the rate the sweep writes): ${slow.samples} samples in ${fmtS(slow.wallMs.min)} s, ` +
      `${slow.writtenMBps.toFixed(2)} MB/s written; peak ${fmtMb(peakRssKb(slow))} MB` +
      (same ? ` (${fmtX(slow.againstFastDisk)} the fast disk's)` : '') +
      `, rows not yet on disk at most ${slow.maxRowsNotOnDisk.toFixed(0)} [target: flat: the sweep waits for the disk].`,
  ].join('\n');
}

/**
 * Part 3: ours against LSODA per sample.
 * @param {import('./measure.js').VsLsoda} lsoda
 * @param {{ samples: number[], repeats: number, lsodaRepeats: number }} options
 */
export function formatVsLsoda(lsoda, { samples, repeats, lsodaRepeats }) {
  const lines = [
    `\n3. Per simulation, samples ${samples.join(', ')} of the oscillator sweep (${lsoda.states} states, 0..${OSC.tEnd} min, ${lsoda.rows} output times). ` +
      `Ours: simulate() with the defaults (RODAS5P rtol 1e-7 atol 1e-14, sparse LU), one compiled model, setValues per sample, min / median of ${repeats} after a warm-up. ` +
      `LSODA: bench/scipy_lsoda.py, rtol ${LSODA.rtol} atol ${LSODA.atol}, min / median of ${lsodaRepeats}. Error: max over states and times of |y - y_ref| / range, ` +
      `y_ref = RODAS5P rtol ${REFERENCE.rtol} atol ${REFERENCE.atol} (its own uncertainty vs rtol 1e-11 on sample ${samples[0]}: ${fmtE(lsoda.referenceSelfCheck)}).`,
  ];
  const rows = [];
  for (const r of lsoda.samples) {
    const tag = `#${r.index} (conc ${r.values[0]?.toFixed(1)}, exoVm ${r.values[1]?.toFixed(0)})`;
    rows.push([
      tag,
      'ours (default)',
      `${r.ours.msMin.toFixed(1)} / ${r.ours.msMedian.toFixed(1)}`,
      r.ours.steps,
      r.ours.rhsCalls,
      fmtE(r.ours.maxErrOverRange),
      '-',
    ]);
    for (const l of r.lsoda) {
      rows.push([
        tag,
        `LSODA, ${l.rhs === 'loop' ? 'Python-loop' : 'vectorised'} rhs`,
        `${l.msMin.toFixed(0)} / ${l.msMedian.toFixed(0)}`,
        '-',
        l.rhsCalls,
        fmtE(l.maxErrOverRange),
        `${fmtX(l.speedup)}${l.oursAtLeastAsAccurate ? '' : ' (ours less accurate)'}`,
      ]);
    }
  }
  lines.push(table(['sample', 'solver', 'ms min / median', 'steps', 'rhs calls', 'max err/range', 'LSODA/ours'], rows));
  const { loop, vectorised } = lsoda;
  if (lsoda.python.status !== 'ok' || !loop || !vectorised) lines.push(`LSODA: ${lsoda.python.status}: ${lsoda.python.reason}`);
  else {
    lines.push(
      `Ours faster than LSODA (min over samples; geometric mean): Python-loop rhs ${fmtX(loop.min)}; ${fmtX(loop.geomean)}, ` +
        `vectorised rhs ${fmtX(vectorised.min)}; ${fmtX(vectorised.geomean)} [target >= 50x]; ours at least as accurate on every sample: ` +
        `${loop.allAtLeastAsAccurate && vectorised.allAtLeastAsAccurate ? 'yes' : 'NO'}. apply + setValues per sample: ` +
        `${lsoda.samples.map((r) => r.swapMs.toFixed(2)).join(', ')} ms (first call cold). ${lsoda.python.version}.`,
    );
  }
  return lines.join('\n');
}
