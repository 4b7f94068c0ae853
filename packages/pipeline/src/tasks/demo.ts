import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { checkInteger, checkNumber, checkPathSegment, throwIfInterrupted } from '../check-options.js';
import { processOutput, type Output } from '../io/output.js';
import { checkReportInBrowser, findChromium } from '../report/browser-check.js';
import { formatDuration } from '../dataset/progress.js';
import { runBaseline } from './baseline.js';
import { runCompare } from './compare.js';
import { runSweep } from './sweep.js';
import { runTrain } from './train.js';

/** Options of {@link runDemo}. */
export interface DemoOptions {
  /** Folder under datasets/, runs/ and reports/ to write into. @default 'demo' */
  name?: string;
  /** Multiplies every sample count (0.1 for a smoke test; at least 8 samples each). @default 1 */
  sampleFactor?: number;
  /** Training epochs of both VAEs (early stopping may end sooner). @default 300 */
  epochs?: number;
  /** Worker threads of the sweeps. @default one per core */
  workers?: number;
  /** Also open the report in headless Chromium when one is installed. @default true */
  browserCheck?: boolean;
  /** Stops the run (Ctrl-C) at the next step; what is complete stays. */
  signal?: AbortSignal;
}

/** What {@link runDemo} made. */
export interface DemoResult {
  /** The report folder. */
  report: string;
  seconds: number;
}

/**
 * The whole chain on a small built-in default (`npm start`): sweeps of the oscillator, the
 * switch and the amplifier, the sin/sigmoid baseline, two VAEs (simulated traces vs baseline),
 * and their comparison report. Earlier demo outputs of the same name are replaced.
 */
export async function runDemo(options: DemoOptions = {}, output: Output = processOutput): Promise<DemoResult> {
  // The name becomes a folder under datasets/, runs/ and reports/: never a path.
  const name = checkPathSegment(options.name ?? 'demo', '--name');
  const factor = checkNumber(options.sampleFactor ?? 1, '--sample-factor', 0, true, 100);
  const n = (count: number) => Math.max(8, Math.round(count * factor));
  const epochs = checkInteger(options.epochs ?? 300, '--epochs', 1, 1_000_000);
  if (options.workers !== undefined) checkInteger(options.workers, '--workers', 0, 1024, ' (0 runs in the main thread)');
  const data = join('datasets', name);
  const runs = join('runs', name);
  const report = join('reports', name);
  const { signal } = options;
  const began = performance.now();
  const step = (text: string) => {
    throwIfInterrupted(signal);
    output.err(`\n== ${text} (${formatDuration((performance.now() - began) / 1000)})`);
  };
  const sweepExtras = { ...(options.workers !== undefined ? { workers: options.workers } : {}), ...(signal ? { signal } : {}) };

  step('1/5 simulating parameter sweeps of the built-in networks');
  await runSweep(
    {
      network: 'oscillator', out: join(data, 'oscillator.arrow'), samples: n(500), seed: 1, tEnd: 3000, step: 10, ...sweepExtras,
      vary: ['templates[a->a].concentration=25:60:log', 'templates[b->i].concentration=50:120:log', 'parameters.exoVm=200:400'],
    },
    output,
  );
  await runSweep(
    {
      network: 'switch', out: join(data, 'switch.arrow'), samples: n(400), seed: 2, tEnd: 1500, step: 5, ...sweepExtras,
      vary: ['strands[a].initial=0.1:20:log', 'strands[b].initial=0.1:20:log', 'templates[a->ib].concentration=10:30'],
    },
    output,
  );
  await runSweep(
    {
      network: 'amplifier', out: join(data, 'amplifier.arrow'), samples: n(300), seed: 3, tEnd: 60, step: 0.5, ...sweepExtras,
      vary: ['templates[a->a].concentration=10:80:log', 'strands[a].initial=0.1:10:log'],
    },
    output,
  );

  step('2/5 writing the sin/sigmoid baseline');
  await runBaseline({ samples: n(2000), length: 128, seed: 4, out: join(data, 'baseline.arrow'), ...signalOf(options) }, output);

  step('3/5 training a VAE on the simulated traces');
  rmSync(join(runs, 'sim'), { recursive: true, force: true });
  await runTrain({ data: ['oscillator', 'switch', 'amplifier'].map((f) => join(data, `${f}.arrow`)), out: join(runs, 'sim'), epochs, seed: 1, ...signalOf(options) }, output);

  step('4/5 training a VAE on the baseline');
  rmSync(join(runs, 'baseline'), { recursive: true, force: true });
  await runTrain({ data: [join(data, 'baseline.arrow')], out: join(runs, 'baseline'), epochs, seed: 1, ...signalOf(options) }, output);

  step('5/5 comparing the two models');
  await runCompare({ runs: [join(runs, 'sim'), join(runs, 'baseline')], out: report, seed: 1, ...signalOf(options) }, output);
  if (options.browserCheck !== false && findChromium()) {
    try {
      const check = await checkReportInBrowser(report);
      output.err(`opened ${report}/index.html in headless Chromium: ${check.images.loaded}/${check.images.total} images loaded, ${check.errors.length} console errors; screenshot ${check.screenshot}`);
    } catch (error) {
      output.err(`(could not open the report in Chromium: ${error instanceof Error ? error.message : String(error)})`);
    }
  }
  const seconds = (performance.now() - began) / 1000;
  output.out(`\nDone in ${formatDuration(seconds)}. Report: ${join(report, 'index.html')} (also report.md, metrics.json, figures/)`);
  return { report, seconds };
}

/** `{ signal }` when there is one (exactOptionalPropertyTypes). */
function signalOf(options: { signal?: AbortSignal }): { signal?: AbortSignal } {
  return options.signal ? { signal: options.signal } : {};
}
