import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  activeUnits,
  disposeVae,
  fitPca,
  initBackend,
  klPerDimension,
  loadCheckpoint,
  pcaReconstruct,
  reconstruct,
  relativeMse,
  saveCheckpoint,
  saveVae,
  trainVae,
  type BackendChoice,
  type BackendInfo,
  type EpochLog,
  type ResolvedVaeConfig,
  type VaeConfig,
  VAE_CONFIG_DEFAULTS,
} from '@penvae/vae';
import { InputError, InterruptedError, NumericalError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic.js';
import { hashModelFiles } from '../io/model-hash.js';
import { checkTrainInput, DEFAULT_SPLIT } from './train-checks.js';
import { TrainProgress } from './train-progress.js';
import { formatNumber, processOutput, type Output } from '../io/output.js';
import { PACKAGE_VERSION } from '../version.js';
import { loadLabelledSeries, splitRows, takeRows, type DatasetRecord, type LabelledSeries, type SeriesWithLabels } from '../dataset/labelled-series.js';
import { formatDuration } from '../dataset/progress.js';

/** Version of run.json; `pipeline compare` refuses others. */
export const RUN_FORMAT_VERSION = 1;

/** Options of {@link runTrain} (`pipeline train`). */
export interface TrainCommandOptions {
  /** Datasets (.arrow) to learn from; their `series` columns must share one length. */
  data: string[];
  /** Run directory (created; holds model/, run.json and, while training, checkpoint/). */
  out: string;
  /** Latent dimension. @default 10 (the paper's) */
  latent?: number;
  /** @default 200 */
  epochs?: number;
  /** @default 64 */
  batch?: number;
  /** Seed of the split, the initial weights, shuffling and sampling. @default 1 */
  seed?: number;
  /** @default 'auto' (tfjs-node, then wasm, then cpu) */
  backend?: BackendChoice;
  /** @default 'dense' */
  encoder?: 'dense' | 'conv';
  /** Hidden layer sizes of the encoder (the decoder mirrors them). @default [256, 128] */
  hidden?: number[];
  /** @default 1 */
  beta?: number;
  /** KL warm-up epochs. @default 10 */
  warmup?: number;
  /** Free bits per latent dimension (nats). @default 0 */
  freeBits?: number;
  /** Decoder noise sigma (in normalised units) or 'learned'. @default 'learned' */
  sigma?: number | 'learned';
  /** Adam step size. @default 0.002 */
  learningRate?: number;
  /**
   * Early-stopping patience in epochs. Longer than the VAE package's 20: with a learned decoder
   * sigma the validation loss is noisy late in training, and at 20 baseline runs stopped while
   * the reconstruction was still improving (relative MSE 1.3e-3 at 75 epochs vs 3.4e-4 at 200).
   * @default 50
   */
  patience?: number;
  /** Train / validation / test fractions. @default [0.8, 0.1, 0.1] */
  split?: [number, number, number];
  /** Continue an interrupted run from its last checkpoint. @default false */
  resume?: boolean;
  /** Print every epoch's full line instead of a progress bar. @default false */
  verbose?: boolean;
  /** Stops training between batches (Ctrl-C); the checkpoint stays for `--resume`. */
  signal?: AbortSignal;
}

/** Relative MSE of the VAE and of PCA at the same latent size, overall and per label. */
export interface ReconstructionReport {
  rows: number;
  vae: number;
  pca: number;
  byFamily: Record<string, { rows: number; vae: number; pca: number }>;
  byBehaviour: Record<string, { rows: number; vae: number; pca: number }>;
}

/** The contents of run.json. */
export interface RunRecord {
  formatVersion: number;
  packageVersion: string;
  status: 'training' | 'complete';
  datasets: DatasetRecord[];
  seriesLength: number;
  split: { seed: number; fractions: [number, number, number]; train: [number, number][]; validation: [number, number][]; test: [number, number][] };
  config: ResolvedVaeConfig | null;
  options: Omit<TrainCommandOptions, 'data' | 'out' | 'resume' | 'verbose' | 'signal'>;
  backend: BackendInfo;
  history: EpochLog[];
  result?: { bestEpoch: number | null; stopReason: string; activeUnits: number; collapsed: boolean; sigma: number; seconds: number };
  test?: ReconstructionReport & { activeUnits: number; klPerDim: number[] };
  /** SHA-256 of every file under model/ (see io/model-hash.ts); `pipeline compare` checks them. */
  modelFiles?: Record<string, string>;
}

/**
 * Relative MSE (sum of squared errors over the set's variance about its per-time-step mean,
 * as `relativeMse` of @penvae/vae) of two reconstructions, overall and per label.
 */
export function reconstructionReport(
  data: Pick<SeriesWithLabels, 'x' | 'n' | 'length' | 'family' | 'behaviour'>,
  vaeX: Float32Array,
  pcaX: Float32Array,
): ReconstructionReport {
  const L = data.length;
  const group = (labels: string[]) => {
    const out: Record<string, { rows: number; vae: number; pca: number }> = {};
    for (const label of [...new Set(labels)].sort()) {
      const idx = labels.flatMap((l, i) => (l === label ? [i] : []));
      const x = takeRows(data.x, L, idx);
      out[label] = { rows: idx.length, vae: relativeMse(x, takeRows(vaeX, L, idx), L), pca: relativeMse(x, takeRows(pcaX, L, idx), L) };
    }
    return out;
  };
  return {
    rows: data.n,
    vae: relativeMse(data.x, vaeX, L),
    pca: relativeMse(data.x, pcaX, L),
    byFamily: group(data.family),
    byBehaviour: group(data.behaviour),
  };
}

/** The rows of a labelled set picked by index. */
export function subset(data: LabelledSeries, idx: ArrayLike<number>) {
  const pick = <T>(a: T[]) => Array.from(idx, (i) => a[i]!);
  return { x: takeRows(data.x, data.length, idx), n: idx.length, length: data.length, family: pick(data.family), behaviour: pick(data.behaviour), network: pick(data.network), refs: pick(data.refs) };
}

/**
 * Trains a VAE on one or more datasets (`pipeline train`): a seeded split stored with the run,
 * Adam with early stopping on the validation loss, a checkpoint every epoch (`--resume`
 * continues), then the model in the TensorFlow.js layers format (model/) and run.json with the
 * config, datasets and their hashes, split, backend, history and test metrics against PCA.
 */
export async function runTrain(options: TrainCommandOptions, output: Output = processOutput): Promise<RunRecord> {
  await checkTrainInput(options);
  const runDir = options.out;
  const checkpointDir = join(runDir, 'checkpoint');
  const runJson = join(runDir, 'run.json');
  if (existsSync(runDir) && readdirSync(runDir).length > 0 && !options.resume) {
    throw new InputError(`--out ${runDir}: the directory is not empty${existsSync(runJson) ? ' (it holds a run)' : ''}; use --resume to continue an interrupted run, or another --out`);
  }
  if (options.resume && !existsSync(checkpointDir)) {
    throw new InputError(`--resume: ${runDir} has no checkpoint to continue from${existsSync(runJson) ? ' (the run is complete)' : ''}`);
  }
  const seed = options.seed ?? 1;
  const fractions = options.split ?? DEFAULT_SPLIT;
  const data = loadLabelledSeries(options.data);
  const split = splitRows(data.n, fractions, seed);
  for (const d of data.datasets) if (d.skipped) output.err(`${d.path}: ${d.skipped} of ${d.rows} rows skipped (failed simulations)`);
  const L = data.length;
  const trainSet = { x: takeRows(data.x, L, split.train), n: split.train.length, length: L };
  const validationSet = split.validation.length ? { x: takeRows(data.x, L, split.validation), n: split.validation.length, length: L } : undefined;
  const backend = await initBackend(options.backend ?? 'auto');
  output.err(`backend: ${backend.backend}${backend.fellBackFrom.length ? ` (not available: ${backend.fellBackFrom.map((b, i) => `${b}: ${backend.reasons[i]}`).join('; ')})` : ''}`);
  output.err(`data: ${data.n} series of length ${L} from ${data.datasets.length} dataset(s); split ${split.train.length} train / ${split.validation.length} validation / ${split.test.length} test`);

  const config: VaeConfig = {
    seriesLength: L,
    latentDim: options.latent ?? 10,
    encoder: options.encoder ?? 'dense',
    seed,
    ...(options.hidden ? { hiddenUnits: options.hidden } : {}),
    ...(options.beta !== undefined ? { beta: options.beta } : {}),
    ...(options.warmup !== undefined ? { klWarmupEpochs: options.warmup } : {}),
    ...(options.freeBits !== undefined ? { freeBits: options.freeBits } : {}),
    ...(options.sigma !== undefined ? { decoderSigma: options.sigma } : {}),
  };
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

  const epochs = options.epochs ?? 200;
  const progress = new TrainProgress(output, epochs, config.latentDim ?? VAE_CONFIG_DEFAULTS.latentDim, options.verbose);
  const began = performance.now();
  const result = await trainVae(
    { train: trainSet, ...(validationSet ? { validation: validationSet } : {}) },
    {
      config,
      epochs,
      ...(options.batch !== undefined ? { batchSize: options.batch } : {}),
      ...(options.learningRate !== undefined ? { learningRate: options.learningRate } : {}),
      patience: options.patience ?? 50,
      ...(resumeFrom ? { resumeFrom } : {}),
      onBatchEnd: (p) => progress.batch(p),
      onEpochEnd: (log) => {
        progress.epoch(log);
        if (!Number.isFinite(log.loss) || (log.valLoss !== null && !Number.isFinite(log.valLoss))) {
          throw new NumericalError(`training diverged at epoch ${log.epoch} (loss ${log.loss}, validation ${log.valLoss}); no model was saved. Try a smaller --learning-rate.`);
        }
      },
      ...(options.signal ? { signal: options.signal } : {}),
      onCheckpoint: (checkpoint) => saveCheckpoint(checkpointDir, checkpoint),
    },
  );
  progress.finish();
  if (result.stopReason === 'aborted') {
    disposeVae(result.model);
    throw new InterruptedError(`training interrupted after epoch ${result.history.length} (its checkpoint is kept: continue with --resume)`);
  }
  const seconds = (performance.now() - began) / 1000;
  const { model } = result;
  try {
    // Test metrics: the VAE's posterior-mean reconstruction against PCA with as many
    // components as latent dimensions, fitted on the same training split.
    const test = split.test.length ? subset(data, split.test) : subset(data, split.train);
    const vaeX = reconstruct(model, test.x, test.n);
    const pca = fitPca(trainSet.x, trainSet.n, L, model.config.latentDim);
    const pcaX = Float32Array.from(pcaReconstruct(pca, test.x, test.n));
    const report = reconstructionReport(test, vaeX, pcaX);
    const testSet = { x: test.x, n: test.n, length: L };
    const kl = klPerDimension(model, testSet);
    const active = activeUnits(model, testSet);
    record.status = 'complete';
    record.config = model.config;
    record.history = result.history;
    record.result = { bestEpoch: result.bestEpoch, stopReason: result.stopReason, activeUnits: result.activeUnits, collapsed: result.collapsed, sigma: result.sigma, seconds };
    record.test = { ...report, activeUnits: active, klPerDim: kl };
    await saveVae(model, join(runDir, 'model'), {
      backend: result.backend,
      training: { settings: result.settings, history: result.history, bestEpoch: result.bestEpoch, stopReason: result.stopReason, activeUnits: result.activeUnits },
      extra: { run: 'run.json' },
    });
    record.modelFiles = hashModelFiles(join(runDir, 'model'));
    writeFileAtomic(runJson, `${JSON.stringify(record, null, 1)}\n`);
    rmSync(checkpointDir, { recursive: true, force: true });
    output.err(
      `trained in ${formatDuration(seconds)} (${result.history.length} epochs, ${result.stopReason}${result.bestEpoch ? `, best epoch ${result.bestEpoch}` : ''}); ` +
        `test relative MSE: VAE ${formatNumber(report.vae)}, PCA(${model.config.latentDim}) ${formatNumber(report.pca)}; ` +
        `active units ${active}/${model.config.latentDim}${result.collapsed ? ' (posterior collapsed)' : ''}`,
    );
    if (active < model.config.latentDim) {
      const idle = kl.flatMap((k, j) => (k < 0.01 ? [`z${j + 1}`] : []));
      output.err(
        `note: ${model.config.latentDim - active} of ${model.config.latentDim} latent dimensions are inactive on the test data (posterior mean variance <= 0.01; KL per dimension ${kl.map((k) => k.toFixed(3)).join(' ')})` +
          `${idle.length ? `: ${idle.join(', ')} carry no information` : ''}. The data may need fewer dimensions; --free-bits 0.5 or a longer --warmup keeps more of them in use.`,
      );
    }
    output.err(`wrote ${runDir}/model (encoder/, decoder/, vae.json) and ${runJson}`);
    return record;
  } finally {
    disposeVae(model);
  }
}
