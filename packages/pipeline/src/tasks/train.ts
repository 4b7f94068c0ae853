import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { disposeVae, fitPca, initBackend, loadCheckpoint, saveCheckpoint, saveVae, trainVae, type TrainingCheckpoint, type VaeConfig } from '@penvae/vae';
import { InputError, InterruptedError, NumericalError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic.js';
import { formatNumber, processOutput, type Output } from '../io/output.js';
import { PACKAGE_VERSION } from '../version.js';
import { evalSetOf, loadLabelledSeries, splitRows, takeRows } from '../dataset/labelled-series.js';
import { formatDuration } from '../dataset/progress.js';
import { evaluateModel } from '../run/evaluation.js';
import { hashModelFiles } from '../run/model-files.js';
import { RUN_FORMAT_VERSION, type RunRecord, type RunTrainingOptions } from '../run/record.js';
import { checkTrainInput } from './train-checks.js';
import { TRAIN_COMMAND_DEFAULTS } from './train-options.js';
import { TrainProgress } from './train-progress.js';

/** Options of {@link runTrain} (`pipeline train`): the recorded training options, plus where. */
export interface TrainCommandOptions extends RunTrainingOptions {
  /** Datasets (.arrow) to learn from; their `series` columns must share one length. */
  data: string[];
  /** Run directory (created; holds model/, run.json and, while training, checkpoint/). */
  out: string;
  /** Continue an interrupted run from its last checkpoint. @default false */
  resume?: boolean;
  /** Print every epoch's full line instead of a progress bar. @default false */
  verbose?: boolean;
  /** Stops training between batches (Ctrl-C); the checkpoint stays for `--resume`. */
  signal?: AbortSignal;
}

/**
 * How long to train when `--epochs` is not given: a budget in optimiser steps, not epochs, so
 * that a small sweep (800 series: 10 batches an epoch) is not stopped after a few thousand
 * steps while a large one is not trained for hours. Early stopping ends sooner when the
 * validation loss stops improving; its patience is a fraction of the budget.
 */
const TRAIN_BUDGET = Object.freeze({ steps: 40_000, minEpochs: 60, maxEpochs: 3000, patienceFraction: 0.2, minPatience: 30 });

/** Epochs and early-stopping patience for a training set of `rows` series (see {@link TRAIN_BUDGET}). */
function trainingBudget(
  rows: number,
  batch: number,
  epochs: number | 'auto' | undefined,
  patience: number | undefined,
): { epochs: number; patience: number; rule: string } {
  const batches = Math.max(1, Math.ceil(rows / batch));
  const b = TRAIN_BUDGET;
  const auto = epochs === undefined || epochs === 'auto';
  const e = auto ? Math.min(b.maxEpochs, Math.max(b.minEpochs, Math.ceil(b.steps / batches))) : epochs;
  const p = patience ?? Math.max(b.minPatience, Math.round(b.patienceFraction * e));
  const rule = auto
    ? `auto: ${b.steps} steps of ${batches} batches an epoch, within [${b.minEpochs}, ${b.maxEpochs}] epochs; patience ${patience === undefined ? `${b.patienceFraction * 100} % of that` : 'given'}`
    : `given${patience === undefined ? `; patience ${b.patienceFraction * 100} % of the epochs` : ''}`;
  return { epochs: e, patience: p, rule };
}

/**
 * Trains a VAE on one or more datasets (`pipeline train`): a seeded split stored with the run,
 * a step budget sized to the data with early stopping on the validation loss, a checkpoint every
 * epoch (`--resume` continues), then the model in the TensorFlow.js layers format (model/) and
 * run.json with the config, datasets and their hashes, split, backend, history, the model files'
 * hashes and the held-out report (reconstruction against PCA, behaviour preservation, prior
 * samples' behaviour mix, latent decodability of period and amplitude).
 */
export async function runTrain(options: TrainCommandOptions, output: Output = processOutput): Promise<RunRecord> {
  await checkTrainInput(options);
  const runDir = options.out;
  const checkpointDir = join(runDir, 'checkpoint');
  const runJson = join(runDir, 'run.json');
  if (existsSync(runDir) && readdirSync(runDir).length > 0 && !options.resume) {
    throw new InputError(
      `--out ${runDir}: the directory is not empty${existsSync(runJson) ? ' (it holds a run)' : ''}; use --resume to continue an interrupted run, or another --out`,
    );
  }
  if (options.resume && !existsSync(checkpointDir)) {
    throw new InputError(`--resume: ${runDir} has no checkpoint to continue from${existsSync(runJson) ? ' (the run is complete)' : ''}`);
  }
  const d = TRAIN_COMMAND_DEFAULTS;
  const seed = options.seed ?? d.seed;
  const fractions = options.split ?? d.split;
  const data = loadLabelledSeries(options.data);
  const split = splitRows(data.n, fractions, seed);
  for (const ds of data.datasets) if (ds.skipped) output.err(`${ds.path}: ${ds.skipped} of ${ds.rows} rows skipped (failed simulations)`);
  const L = data.length;
  // A learned sigma per family when several are trained together (see the VAE's sigmaGroups).
  const sigma = options.sigma ?? 'learned';
  const families = [...new Set(data.family)].sort();
  const sigmaGroups = sigma === 'learned' && families.length > 1 ? families : [];
  const groupOf = new Map(sigmaGroups.map((f, i) => [f, i]));
  const part = (idx: Int32Array) => ({
    x: takeRows(data.x, L, idx),
    n: idx.length,
    length: L,
    ...(sigmaGroups.length ? { group: Int32Array.from(idx, (i) => groupOf.get(data.family[i]!)!) } : {}),
  });
  const trainSet = part(split.train);
  const validationSet = split.validation.length ? part(split.validation) : undefined;
  const backend = await initBackend(options.backend ?? 'auto');
  output.err(
    `backend: ${backend.backend}${backend.fellBackFrom.length ? ` (not available: ${backend.fellBackFrom.map((b, i) => `${b}: ${backend.reasons[i]}`).join('; ')})` : ''}`,
  );
  output.err(
    `data: ${data.n} series of length ${L} from ${data.datasets.length} dataset(s); split ${split.train.length} train / ${split.validation.length} validation / ${split.test.length} test`,
  );

  const architecture = options.architecture ?? d.architecture;
  const config: VaeConfig = {
    seriesLength: L,
    latentDim: options.latent ?? d.latent,
    encoder: architecture,
    decoder: architecture,
    linearPath: options.linearPath ?? d.linearPath,
    seed,
    ...(options.hidden ? { hiddenUnits: options.hidden } : {}),
    conv: { filters: [...(options.filters ?? d.filters)] },
    ...(options.beta !== undefined ? { beta: options.beta } : {}),
    ...(options.warmup !== undefined ? { klWarmupEpochs: options.warmup } : {}),
    ...(options.freeBits !== undefined ? { freeBits: options.freeBits } : {}),
    decoderSigma: sigma,
    sigmaGroups,
    ...(sigmaGroups.length ? { sigmaFloor: d.groupSigmaFloor, groupSigmaRatio: d.groupSigmaRatio } : {}),
  };
  const batch = options.batch ?? d.batch;
  const budget = { ...trainingBudget(trainSet.n, batch, options.epochs, options.patience), batch };
  const { data: _d, out: _o, resume: _r, verbose: _v, signal: _s, ...recordedOptions } = options;
  const refs = (idx: Int32Array) => Array.from(idx, (i) => data.refs[i]!);
  const record: RunRecord = {
    formatVersion: RUN_FORMAT_VERSION,
    packageVersion: PACKAGE_VERSION,
    status: 'training',
    datasets: data.datasets,
    seriesLength: L,
    split: { seed, fractions, train: refs(split.train), validation: refs(split.validation), test: refs(split.test) },
    config: null,
    options: recordedOptions,
    budget,
    backend,
    history: [],
  };
  if (options.resume) {
    const previous = JSON.parse(readFileSync(runJson, 'utf8')) as RunRecord;
    if (JSON.stringify(previous.split) !== JSON.stringify(record.split)) {
      throw new InputError(`--resume: the data or split differ from those ${runDir} was started with (same --data files, --seed and --split are needed)`);
    }
  }
  writeFileAtomic(runJson, `${JSON.stringify(record, null, 1)}\n`);
  const resumeFrom = options.resume ? await loadCheckpoint(checkpointDir) : undefined;
  if (resumeFrom) output.err(`resuming after epoch ${resumeFrom.epoch}`);

  const { epochs, patience } = budget;
  output.err(
    `training: ${architecture} encoder and decoder${config.linearPath === 'pca' ? ' with a PCA path' : ''}, latent ${config.latentDim}, up to ${epochs} epochs of ${Math.ceil(trainSet.n / batch)} batches (patience ${patience}; ${budget.rule})`,
  );
  const progress = new TrainProgress(output, epochs, config.latentDim ?? d.latent, options.verbose);
  const began = performance.now();
  const checkpoints = new ThrottledCheckpoints(checkpointDir, CHECKPOINT_SECONDS);
  const result = await trainVae(
    { train: trainSet, ...(validationSet ? { validation: validationSet } : {}) },
    {
      config,
      epochs,
      batchSize: batch,
      learningRate: options.learningRate ?? d.learningRate,
      finalLearningRateFactor: d.finalLearningRateFactor,
      patience,
      ...(resumeFrom ? { resumeFrom } : {}),
      onBatchEnd: (p) => progress.batch(p),
      onEpochEnd: (log) => {
        progress.epoch(log);
        if (!Number.isFinite(log.loss) || (log.valLoss !== null && !Number.isFinite(log.valLoss))) {
          throw new NumericalError(
            `training diverged at epoch ${log.epoch} (loss ${log.loss}, validation ${log.valLoss}); no model was saved. Try a smaller --learning-rate.`,
          );
        }
      },
      ...(options.signal ? { signal: options.signal } : {}),
      onCheckpoint: (checkpoint) => checkpoints.offer(checkpoint),
    },
  );
  progress.finish();
  if (result.stopReason === 'aborted') {
    disposeVae(result.model);
    await checkpoints.flush();
    throw new InterruptedError(`training interrupted after epoch ${result.history.length} (its checkpoint is kept: continue with --resume)`);
  }
  const seconds = (performance.now() - began) / 1000;
  const { model } = result;
  try {
    // Held-out report: the test split (the training split if the split has none).
    const fit = evalSetOf(data, split.train, 'train');
    const test = split.test.length ? evalSetOf(data, split.test, 'test') : fit;
    const pca = fitPca(trainSet.x, trainSet.n, L, model.config.latentDim);
    const report = evaluateModel(model, test, fit, pca, seed);
    const modelDir = join(runDir, 'model');
    await saveVae(model, modelDir, {
      backend: result.backend,
      training: {
        settings: result.settings,
        history: result.history,
        bestEpoch: result.bestEpoch,
        stopReason: result.stopReason,
        activeUnits: result.activeUnits,
      },
      extra: { run: 'run.json' },
    });
    record.status = 'complete';
    record.config = model.config;
    record.history = result.history;
    record.result = {
      bestEpoch: result.bestEpoch,
      stopReason: result.stopReason,
      activeUnits: result.activeUnits,
      collapsed: result.collapsed,
      sigma: result.sigma,
      seconds,
    };
    record.test = report;
    record.modelFiles = hashModelFiles(modelDir);
    writeFileAtomic(runJson, `${JSON.stringify(record, null, 1)}\n`);
    rmSync(checkpointDir, { recursive: true, force: true });
    printTestReport(report, model.config.latentDim, output);
    output.err(
      `trained in ${formatDuration(seconds)} (${result.history.length} epochs, ${result.stopReason}${result.bestEpoch ? `, best epoch ${result.bestEpoch}` : ''}); wrote ${modelDir} (encoder/, decoder/, vae.json) and ${runJson}`,
    );
    return record;
  } finally {
    disposeVae(model);
  }
}

/** The held-out report in a few lines: error against PCA and behaviour kept, per family; unneeded units. */
function printTestReport(report: ReturnType<typeof evaluateModel>, latentDim: number, output: Output): void {
  const r = report.relativeMse;
  const pct = (v: number | null) => (v === null ? '-' : `${(100 * v).toFixed(0)} %`);
  output.err(`test relative MSE: VAE ${formatNumber(r.vae)}, PCA(${latentDim}) ${formatNumber(r.pca)} (${formatNumber(r.pca / r.vae)}x)`);
  for (const [family, f] of Object.entries(r.byFamily)) {
    const b = report.behaviour.vae.byFamily[family]!;
    const osc = b.oscillating.rows
      ? `; oscillating ${b.oscillating.rows}: peaks and period kept ${pct(b.oscillating.peaksAndPeriod)}, amplitude ${pct(b.oscillating.amplitude)}`
      : '';
    const lvl = b.level.rows ? `; settling ${b.level.rows}: final level kept ${pct(b.level.finalLevel)}, half-rise time ${pct(b.level.halfRise)}` : '';
    output.err(`  ${family} (${f.rows}): VAE ${formatNumber(f.vae)}, PCA ${formatNumber(f.pca)} (${formatNumber(f.pca / f.vae)}x)${osc}${lvl}`);
  }
  const { period, amplitude } = report.decodability;
  if (period.r2 !== null || amplitude.r2 !== null) {
    output.err(`latent means -> period R² ${formatNumber(period.r2 ?? undefined)}, amplitude R² ${formatNumber(amplitude.r2 ?? undefined)} (linear, held out)`);
  }
  output.err(`prior samples: behaviour mix within ${report.prior.distance.toFixed(1)} points of the data's`);
  const { unneeded, activeUnits } = report.latent;
  output.err(
    `active latent units ${activeUnits}/${latentDim}${unneeded.length ? `; not needed by this data: ${unneeded.join(', ')} (posterior mean variance <= 0.01: the decoder ignores them)` : ''}`,
  );
}

/**
 * Seconds between checkpoints written to disk. A checkpoint (weights, Adam's moments, the best
 * weights, the history) is several MB and written durably (fsync); at every epoch of a small
 * dataset (10 batches, a third of a second) that was ~12 MB per epoch, 35 GB over a default
 * 3 000-epoch run. Ctrl-C still saves the last completed epoch; a kill -9 loses at most this
 * much training, and `--resume` from an earlier epoch gives the same result (training is
 * deterministic from any checkpoint).
 */
const CHECKPOINT_SECONDS = 30;

/** Writes the first checkpoint at once, then at most one per `seconds`; keeps the latest in memory for `flush`. */
class ThrottledCheckpoints {
  private last = -Infinity;
  private pending: TrainingCheckpoint | null = null;

  constructor(
    private readonly dir: string,
    private readonly seconds: number,
  ) {}

  /** A checkpoint after an epoch: written when the last write is `seconds` old, else kept for `flush`. */
  async offer(checkpoint: TrainingCheckpoint): Promise<void> {
    if (performance.now() - this.last < this.seconds * 1000) {
      this.pending = checkpoint;
      return;
    }
    this.pending = null;
    await saveCheckpoint(this.dir, checkpoint);
    this.last = performance.now();
  }

  /** Write the latest checkpoint not yet on disk (on Ctrl-C, so `--resume` loses no completed epoch). */
  async flush(): Promise<void> {
    if (this.pending === null) return;
    const checkpoint = this.pending;
    this.pending = null;
    await saveCheckpoint(this.dir, checkpoint);
  }
}
