import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { checkInteger, checkNumber, checkPathSegment, throwIfInterrupted } from '../check-options.js';
import { processOutput, type Output } from '../io/output.js';
import { checkReportInBrowser, findChromium } from '../report/browser-check.js';
import { formatDuration } from '../dataset/progress.js';
import { runBaseline } from './baseline.js';
import { runCompare } from './compare.js';
import { runSweep, type SweepCommandOptions } from './sweep.js';
import { runTrain, type TrainCommandOptions } from './train.js';

/** One sweep of a study: a built-in network, its sample count and what varies. */
interface StudySweep extends Omit<SweepCommandOptions, 'out' | 'workers' | 'progress'> {
  /** Sample count before `scale`. */
  samples: number;
}

/**
 * A whole chain: sweeps of built-in networks, optionally the sin/sigmoid baseline, a VAE on
 * all the simulated traces (and one on the baseline), and their comparison report.
 */
interface StudyPlan {
  /** What the study is, for the log. */
  title: string;
  sweeps: StudySweep[];
  /** Sin/sigmoid baseline curves (before `scale`), trained as a second model; 0 for none. */
  baselineSamples: number;
  /** Training options of the model of the simulated traces (defaults of `pipeline train` otherwise). */
  train: Omit<TrainCommandOptions, 'data' | 'out' | 'resume' | 'signal'>;
  /** Training options of the baseline model. @default `train` */
  baselineTrain?: Omit<TrainCommandOptions, 'data' | 'out' | 'resume' | 'signal'>;
}

const OSCILLATOR_VARY = ['templates[a->a].concentration=25:60:log', 'templates[b->i].concentration=50:120:log', 'parameters.exoVm=200:400'];
const SWITCH_VARY = ['strands[a].initial=0.1:20:log', 'strands[b].initial=0.1:20:log', 'templates[a->ib].concentration=10:30'];
const AMPLIFIER_VARY = ['templates[a->a].concentration=10:80:log', 'strands[a].initial=0.1:10:log'];
const PREDATOR_PREY_VARY = ['reactions[prey-growth].k=0.8:1.4', 'reactions[predation].k=0.008:0.016:log', 'species[N].initial=1:30:log'];

/** `npm start`: small sweeps of three networks and the baseline, two models, in a few minutes. */
const DEMO_PLAN: StudyPlan = {
  title: 'demo',
  sweeps: [
    { network: 'oscillator', samples: 800, seed: 1, tEnd: 3000, step: 10, vary: OSCILLATOR_VARY },
    { network: 'switch', samples: 400, seed: 2, tEnd: 1500, step: 5, vary: SWITCH_VARY },
    { network: 'amplifier', samples: 300, seed: 3, tEnd: 60, step: 0.5, vary: AMPLIFIER_VARY },
  ],
  baselineSamples: 2000,
  // Fixed budgets keep `npm start` within a few minutes on 2 cores (about 90 s of training
  // each; `pipeline train` alone sizes its budget to the data, --epochs auto). The simulated
  // traces get the default convolutional model, which keeps oscillation peaks; the smooth
  // baseline curves the faster dense one.
  train: { seed: 1, epochs: 150 },
  baselineTrain: { seed: 1, epochs: 500, architecture: 'dense' },
};

/**
 * `pipeline experiment`: the full-size study of the issue "The VAE must learn real PEN
 * behaviour" - 5 200 simulated traces of four networks, one model with default options.
 */
const EXPERIMENT_PLAN: StudyPlan = {
  title: 'full-size experiment',
  sweeps: [
    { network: 'oscillator', samples: 2000, seed: 1, tEnd: 3000, step: 10, vary: OSCILLATOR_VARY },
    { network: 'switch', samples: 1200, seed: 2, tEnd: 1500, step: 5, vary: SWITCH_VARY },
    { network: 'amplifier', samples: 1000, seed: 3, tEnd: 60, step: 0.5, vary: AMPLIFIER_VARY },
    { network: 'predator-prey', samples: 1000, seed: 5, tEnd: 800, step: 2, vary: PREDATOR_PREY_VARY },
  ],
  baselineSamples: 0,
  train: { seed: 1 },
};

/** Options of {@link runStudy}, {@link runDemo} and {@link runExperiment}. */
export interface StudyOptions {
  /** Folder under datasets/, runs/ and reports/ to write into. @default the plan's ('demo', 'experiment') */
  name?: string;
  /** Multiplies every sample count (0.1 for a smoke test; at least 8 samples each). @default 1 */
  sampleFactor?: number;
  /** Maximum training epochs of every model. @default auto (see `pipeline train --epochs`) */
  epochs?: number;
  /** Worker threads of the sweeps. @default one per core */
  workers?: number;
  /** Also open the report in headless Chromium when one is installed. @default true */
  browserCheck?: boolean;
  /** Stops the study (Ctrl-C) in its current step; what is complete stays. */
  signal?: AbortSignal;
}

/** What a study wrote. */
export interface StudyResult {
  report: string;
  seconds: number;
}

/**
 * Runs a study plan end to end: sweeps into datasets/<name>/, models into runs/<name>/, the
 * comparison into reports/<name>/. Earlier outputs of the same name are replaced.
 */
async function runStudy(plan: StudyPlan, name: string, options: StudyOptions = {}, output: Output = processOutput): Promise<StudyResult> {
  // The name becomes a folder under datasets/, runs/ and reports/: never a path.
  checkPathSegment(name, '--name');
  const factor = checkNumber(options.sampleFactor ?? 1, '--sample-factor', 0, true, 100);
  if (options.epochs !== undefined) checkInteger(options.epochs, '--epochs', 1, 1_000_000);
  if (options.workers !== undefined) checkInteger(options.workers, '--workers', 0, 1024, ' (0 runs in the main thread)');
  const { signal } = options;
  const n = (count: number) => Math.max(8, Math.round(count * factor));
  const data = join('datasets', name);
  const runs = join('runs', name);
  const report = join('reports', name);
  const began = performance.now();
  const steps = plan.sweeps.length > 0 ? 3 + (plan.baselineSamples > 0 ? 2 : 0) : 0;
  let step = 0;
  const heading = (text: string) => {
    throwIfInterrupted(signal);
    output.err(`\n== ${++step}/${steps} ${text} (${formatDuration((performance.now() - began) / 1000)})`);
  };
  const signalled = signal ? { signal } : {};
  const workers = { ...(options.workers !== undefined ? { workers: options.workers } : {}), ...signalled };
  const train = { ...plan.train, ...(options.epochs !== undefined ? { epochs: options.epochs } : {}), ...signalled };

  heading(`simulating parameter sweeps of ${plan.sweeps.map((s) => s.network).join(', ')} (${plan.title})`);
  const files: string[] = [];
  for (const sweep of plan.sweeps) {
    const out = join(data, `${sweep.network}.arrow`);
    await runSweep({ ...sweep, samples: n(sweep.samples), out, ...workers }, output);
    files.push(out);
  }
  if (plan.baselineSamples > 0) {
    heading('writing the sin/sigmoid baseline');
    await runBaseline({ samples: n(plan.baselineSamples), length: 128, seed: 4, out: join(data, 'baseline.arrow'), ...signalled }, output);
  }

  heading('training a VAE on the simulated traces');
  rmSync(join(runs, 'sim'), { recursive: true, force: true });
  await runTrain({ ...train, data: files, out: join(runs, 'sim') }, output);
  const runDirs = [join(runs, 'sim')];
  if (plan.baselineSamples > 0) {
    heading('training a VAE on the baseline');
    rmSync(join(runs, 'baseline'), { recursive: true, force: true });
    const baselineTrain = { ...(plan.baselineTrain ?? plan.train), ...(options.epochs !== undefined ? { epochs: options.epochs } : {}), ...signalled };
    await runTrain({ ...baselineTrain, data: [join(data, 'baseline.arrow')], out: join(runs, 'baseline') }, output);
    runDirs.push(join(runs, 'baseline'));
  }

  heading(`comparing ${runDirs.length === 1 ? 'the model with PCA' : 'the models'}`);
  await runCompare({ runs: runDirs, out: report, seed: 1, ...signalled }, output);
  if (options.browserCheck !== false && findChromium()) {
    try {
      const check = await checkReportInBrowser(report);
      output.err(
        `opened ${report}/index.html in headless Chromium: ${check.images.loaded}/${check.images.total} images loaded, ${check.errors.length} console errors; screenshot ${check.screenshot}`,
      );
    } catch (error) {
      output.err(`(could not open the report in Chromium: ${error instanceof Error ? error.message : String(error)})`);
    }
  }
  const seconds = (performance.now() - began) / 1000;
  output.out(`\nDone in ${formatDuration(seconds)}. Report: ${join(report, 'index.html')} (also report.md, metrics.json, figures/)`);
  return { report, seconds };
}

/**
 * The whole chain on a small built-in default (`npm start`): sweeps of the oscillator, the
 * switch and the amplifier, the sin/sigmoid baseline, two VAEs (simulated traces vs baseline),
 * and their comparison report.
 */
export function runDemo(options: StudyOptions = {}, output: Output = processOutput): Promise<StudyResult> {
  return runStudy(DEMO_PLAN, options.name ?? 'demo', options, output);
}

/**
 * The full-size experiment (`pipeline experiment`): 5 200 traces of the oscillator, the switch,
 * the amplifier and the predator-prey network, one VAE with default options, and its report.
 */
export function runExperiment(options: StudyOptions = {}, output: Output = processOutput): Promise<StudyResult> {
  return runStudy(EXPERIMENT_PLAN, options.name ?? 'experiment', options, output);
}
