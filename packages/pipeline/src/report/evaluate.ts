import { existsSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { disposeVae, encode, evaluateSet, fitPca, loadVae, sample, type PcaModel, type VaeFileInfo, type VaeModel } from '@penvae/vae';
import { InputError } from '../errors.js';
import { computeKnnAccuracy, computeMmd, computePrecisionRecall, computeSilhouette } from '../metrics/index.js';
import { evalSetOf, hashFile, loadLabelledSeries, takeRows, type EvalSet, type LabelledSeries } from '../dataset/labelled-series.js';
import { RUN_FORMAT_VERSION, type RunRecord } from '../run/record.js';
import { evaluateModel, type ModelTestReport } from '../run/evaluation.js';
import { modelFileDifferences } from '../run/model-files.js';

/** A trained run read back: its record, model, data, split and PCA floor. */
export interface LoadedRun {
  name: string;
  dir: string;
  record: RunRecord;
  model: VaeModel;
  info: VaeFileInfo;
  data: LabelledSeries;
  train: EvalSet;
  test: EvalSet;
  /** PCA with as many components as latent dimensions, fitted on the run's training split. */
  pca: PcaModel;
  /** Warnings (e.g. a dataset file changed since training). */
  warnings: string[];
}

/**
 * Reads a run directory written by `pipeline train`: checks run.json's version and status,
 * loads the model (which checks its own format and shapes), re-reads the datasets and
 * rebuilds the stored split.
 * @throws InputError naming the directory and what is missing or does not match
 */
export async function loadRun(dir: string): Promise<LoadedRun> {
  const runJson = join(dir, 'run.json');
  if (!existsSync(dir)) throw new InputError(`--run ${dir}: no such directory`);
  if (!existsSync(runJson)) throw new InputError(`--run ${dir}: not a run directory (no run.json); train one with \`pipeline train --out ${dir}\``);
  let record: RunRecord;
  try {
    record = JSON.parse(readFileSync(runJson, 'utf8')) as RunRecord;
  } catch (error) {
    throw new InputError(`${runJson}: not valid JSON (${(error as Error).message})`);
  }
  if (record.formatVersion !== RUN_FORMAT_VERSION) {
    throw new InputError(`${runJson}: run format version ${String(record.formatVersion)}; this pipeline reads version ${RUN_FORMAT_VERSION}`);
  }
  if (record.status !== 'complete')
    throw new InputError(`--run ${dir}: training did not finish (status "${record.status}"); continue it with \`pipeline train ... --out ${dir} --resume\``);
  if (!existsSync(join(dir, 'model'))) throw new InputError(`--run ${dir}: no model (model/ is missing)`);
  const { model, info } = await loadVae(join(dir, 'model'));
  const swapped = record.modelFiles ? modelFileDifferences(join(dir, 'model'), record.modelFiles) : [];
  if (swapped.length) {
    disposeVae(model);
    throw new InputError(`--run ${dir}: model/ is not the model this run trained and evaluated (${swapped.join('; ')}); train it again, or restore its model/`);
  }
  const warnings: string[] = [];
  const paths = record.datasets.map((d) => {
    if (existsSync(d.path)) return d.path;
    if (d.absolutePath && existsSync(d.absolutePath)) return d.absolutePath;
    throw new InputError(`--run ${dir}: its dataset ${d.path} is missing (restore the file, or run from the directory you trained in)`);
  });
  paths.forEach((p, i) => {
    if (hashFile(p) !== record.datasets[i]!.sha256) warnings.push(`${p} changed since ${basename(dir)} was trained (SHA-256 differs); its split may not match`);
  });
  const data = loadLabelledSeries(paths, `--run ${dir}`);
  if (data.length !== model.config.seriesLength) {
    throw new InputError(`--run ${dir}: the model expects series of length ${model.config.seriesLength}, its datasets now have ${data.length}`);
  }
  const index = new Map(data.refs.map(([d, id], i) => [`${d}:${id}`, i]));
  const pick = (refs: [number, number][], part: string) =>
    Int32Array.from(refs, ([d, id]) => {
      const i = index.get(`${d}:${id}`);
      if (i === undefined) throw new InputError(`--run ${dir}: ${part} row (dataset ${d}, sample ${id}) is not in ${paths[d]} any more`);
      return i;
    });
  const trainIdx = pick(record.split.train, 'training');
  const testIdx = pick(record.split.test.length ? record.split.test : record.split.train, 'test');
  const name = basename(resolve(dir));
  const train = evalSetOf(data, trainIdx, `${name} train`, name);
  const test = evalSetOf(data, testIdx, `${name} test`, name);
  const pca = fitPca(train.x, train.n, data.length, model.config.latentDim);
  return { name, dir, record, model, info, data, train, test, pca, warnings };
}

/** Reads an extra dataset (--data) as an evaluation set (all its converged rows). */
export function loadExtraSet(path: string, length: number): EvalSet {
  const data = loadLabelledSeries([path], '--data');
  if (data.length !== length) {
    throw new InputError(
      `--data ${path}: series of length ${data.length}, but the models expect ${length}; normalise it with \`pipeline normalize ${path} --length ${length} --out ...\``,
    );
  }
  return evalSetOf(
    data,
    Int32Array.from({ length: data.n }, (_, i) => i),
    basename(path),
  );
}

/** Metrics of one model on one evaluation set. */
export interface Evaluation {
  run: string;
  data: string;
  /** own: the run's own test split; cross: another run's test split; extra: a --data file. */
  domain: 'own' | 'cross' | 'extra';
  rows: number;
  relativeMse: ModelTestReport['relativeMse'];
  /** Whether reconstructions keep each input's behaviour (VAE, and PCA for scale). */
  behaviour: ModelTestReport['behaviour'];
  /** Prior samples' behaviour mix against the set's. */
  prior: ModelTestReport['prior'];
  /** Held-out R² of period and amplitude from the latent means (probes fitted on the run's training split). */
  decodability: ModelTestReport['decodability'];
  /** Latent dimensions the set does not use. */
  unneededUnits: string[];
  /** -ELBO per series (nats): reconstruction NLL + KL, beta = 1. */
  negativeElbo: { total: number; recon: number; kl: number };
  klPerDim: number[];
  activeUnits: number;
  latent: {
    /** Mean silhouette of the posterior means by label (null with fewer than 2 labels). */
    silhouette: { family: number | null; behaviour: number | null };
    /** Leave-one-out k-NN accuracy in the full latent space (null with fewer than 2 labels). */
    knnAccuracy: { family: number | null; behaviour: number | null };
    k: number;
  };
  generation: GenerationMetrics & { reference: GenerationMetrics };
}

/** Quality of generated series against real ones (series space). */
interface GenerationMetrics {
  samples: number;
  mmd2: number;
  bandwidth: number;
  precision: number;
  recall: number;
  density: number;
  coverage: number;
}

const KNN_K = 5;

function labelMetric(labels: string[], f: () => number): number | null {
  return new Set(labels).size >= 2 && labels.length > KNN_K ? f() : null;
}

function generationMetrics(real: Float32Array, nr: number, fake: Float32Array, nf: number, d: number, seed: number): GenerationMetrics {
  const mmd = computeMmd(real, nr, fake, nf, d, { seed, maxRows: 1000 });
  const k = Math.max(1, Math.min(KNN_K, Math.min(nr, nf) - 1));
  const pr = computePrecisionRecall(real, nr, fake, nf, d, k, { seed, maxRows: 2000 });
  return { samples: nf, mmd2: mmd.mmd2, bandwidth: mmd.bandwidth, precision: pr.precision, recall: pr.recall, density: pr.density, coverage: pr.coverage };
}

/**
 * Evaluates a run's model on a set: reconstruction against the run's PCA floor, -ELBO, KL per
 * dimension and active units, latent cluster quality by family and behaviour, and prior
 * samples against the set (with the same metrics between two halves of the set as the
 * real-vs-real reference).
 */
export function evaluate(run: LoadedRun, set: EvalSet, domain: Evaluation['domain'], seed: number): Evaluation {
  const { model } = run;
  const L = set.length;
  const report = evaluateModel(model, set, run.train, run.pca, seed);
  const seriesSet = { x: set.x, n: set.n, length: L };
  const parts = evaluateSet(model, seriesSet, 1, seed);
  const { mu } = encode(model, set.x, set.n);
  const d = model.config.latentDim;
  const latent = {
    silhouette: {
      family: labelMetric(set.family, () => computeSilhouette(mu, set.n, d, set.family).score),
      behaviour: labelMetric(set.behaviour, () => computeSilhouette(mu, set.n, d, set.behaviour).score),
    },
    knnAccuracy: {
      family: labelMetric(set.family, () => computeKnnAccuracy(mu, set.n, d, set.family, KNN_K).accuracy),
      behaviour: labelMetric(set.behaviour, () => computeKnnAccuracy(mu, set.n, d, set.behaviour, KNN_K).accuracy),
    },
    k: KNN_K,
  };
  // Generation: as many prior samples as real series; reference = the set's two halves.
  const fake = sample(model, set.n, seed);
  const generation = generationMetrics(set.x, set.n, fake, set.n, L, seed);
  const half = Math.floor(set.n / 2);
  const reference =
    half >= 2
      ? generationMetrics(takeRows(set.x, L, range(0, half, 2, set.n)), half, takeRows(set.x, L, range(1, half, 2, set.n)), half, L, seed)
      : { samples: 0, mmd2: Number.NaN, bandwidth: Number.NaN, precision: Number.NaN, recall: Number.NaN, density: Number.NaN, coverage: Number.NaN };
  return {
    run: run.name,
    data: set.name,
    domain,
    rows: set.n,
    relativeMse: report.relativeMse,
    behaviour: report.behaviour,
    prior: report.prior,
    decodability: report.decodability,
    unneededUnits: report.latent.unneeded,
    negativeElbo: { total: parts.recon + parts.kl, recon: parts.recon, kl: parts.kl },
    klPerDim: report.latent.klPerDim,
    activeUnits: report.latent.activeUnits,
    latent,
    generation: { ...generation, reference },
  };
}

/** Every `step`-th index from `start`, `count` of them (interleaved halves of a set). */
function range(start: number, count: number, step: number, n: number): Int32Array {
  return Int32Array.from({ length: count }, (_, i) => Math.min(n - 1, start + i * step));
}
