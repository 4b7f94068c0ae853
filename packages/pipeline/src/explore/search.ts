/**
 * The search loop of `pipeline explore`: batches of simulations on the sweep's worker pool,
 * alternating with (re)training a small VAE on every trace simulated so far, whose 2-D latent
 * space is the behaviour space (AURORA, Cully 2019: descriptors learned from the search's own
 * data, the container rebuilt after each descriptor update). Between trainings each batch is
 * encoded with the current model; the archive (explore/archive.ts) is rebuilt from every
 * sample after each batch, and the next batch is proposed from its elites (explore/propose.ts).
 *
 * - The first batch is the sweep's own random design (samples 0..initial-1): the same samples
 *   a random sweep with this seed starts with, so a comparison starts level.
 * - Training happens when the simulated count first reaches initial, 2 x initial, 4 x initial...
 *   (a doubling schedule: the behaviour space is relearned as the data grows, while the training
 *   time stays a bounded fraction of the simulation time). Each training starts from scratch
 *   with its own seed and a fixed number of passes over the data, so the model depends only on
 *   the rows, never on an earlier model: a resumed search rebuilds exactly what it had.
 * - Every random choice derives from the seed and the batch index.
 *
 * Persistence is the caller's (tasks/explore.ts): it is told about each batch and each training
 * and can hand a loaded state back to continue.
 */
import { disposeVae, encode, trainVae, type VaeConfig, type VaeModel } from '@penvae/vae';
import { throwIfInterrupted, yieldToEventLoop } from '../check-options.js';
import { NumericalError } from '../errors.js';
import type { SweepPool } from '../dataset/pool.js';
import type { DatasetRow } from '../dataset/schema.js';
import { fromUnit, toUnit, type PreparedSweep } from '../dataset/sweep-spec.js';
import { createRandom, deriveIndexedSeed } from '../random.js';
import { buildArchive, fitLatentGrid, type Archive } from './archive.js';
import { descriptorInputs, descriptorLength, fitDescriptorScale, type DescriptorScale } from './descriptor.js';
import { proposeBatch, PROPOSAL_DEFAULTS, type ProposalSettings } from './propose.js';

/** Complete settings of a search (see tasks/explore.ts for the user-facing options). */
export interface SearchSettings {
  budget: number;
  /** Simulations per batch after the first. */
  batch: number;
  /** Simulations of the first (random) batch; also the first training point. */
  initial: number;
  /** Cells per side of the latent grid. */
  cellsPerSide: number;
  /** Hidden layers of the descriptor VAE's dense encoder (the decoder mirrors them). */
  hidden: readonly number[];
  /** Passes over the data per training: epochs = clamp(passes / rows, 4, 60) x rows... see {@link trainingEpochs}. */
  passes: number;
  seed: number;
  proposal: ProposalSettings;
}

/** Defaults: a batch of 5 % of the budget, a first batch of 10 %, a 32 x 32 grid. */
export const SEARCH_DEFAULTS = Object.freeze({
  cellsPerSide: 32,
  hidden: Object.freeze([64, 32]) as readonly number[],
  passes: 30_000,
  proposal: PROPOSAL_DEFAULTS,
});

/** One training of the descriptor VAE. */
interface TrainingRecord {
  /** Samples simulated when it ran; it learned their converged traces. */
  samples: number;
  rows: number;
  epochs: number;
  seconds: number;
  /** Final training loss per series. */
  loss: number;
}

/** Everything the search has done: enough to continue it. */
export interface SearchState {
  /** Every simulated row, in sample order (rows[i].sampleId === i). */
  rows: DatasetRow[];
  /** Latent mean of every row (row-major [rows, 2]; NaN for rows without a trace). */
  z: Float32Array;
  scale: DescriptorScale | null;
  trainings: TrainingRecord[];
  /** After each batch: samples simulated, cells filled. */
  history: { samples: number; cells: number }[];
  /** The elite each sample was mutated from (its sample id), -1 for samples drawn at random. */
  parents: Int32Array;
  /** Curiosity score of each sample as a parent (see explore/propose.ts). */
  curiosity: Float64Array;
  seconds: { simulation: number; training: number; proposal: number };
}

/** An empty state, to start a search. */
export function emptySearchState(): SearchState {
  return {
    rows: [],
    z: new Float32Array(0),
    scale: null,
    trainings: [],
    history: [],
    parents: new Int32Array(0),
    curiosity: new Float64Array(0),
    seconds: { simulation: 0, training: 0, proposal: 0 },
  };
}

/** Where the search tells its caller what happened. */
export interface SearchHooks {
  /** After each batch (rows appended, z and history updated); awaited. */
  onBatch?: (state: SearchState, batch: { start: number; end: number; archive: Archive }) => void | Promise<void>;
  /** After each training, with the model the next batches are encoded with; awaited. Do not dispose it. */
  onTraining?: (state: SearchState, model: VaeModel) => void | Promise<void>;
  /** Simulation progress within a batch. */
  onProgress?: (done: number, batch: { start: number; end: number }) => void;
}

/** Epochs of a training on `rows` series: `passes` series in all, within [4, 60] epochs. */
function trainingEpochs(rows: number, passes: number): number {
  return Math.min(60, Math.max(4, Math.ceil(passes / Math.max(1, rows))));
}

/** The sample counts at which the VAE is (re)trained: initial, 2 x initial, ... below the budget. */
function trainingPoints(initial: number, budget: number): number[] {
  const out: number[] = [];
  for (let n = initial; n < budget; n *= 2) out.push(n);
  return out;
}

/** The rows with a trace (their indices), for training and encoding. */
function withTrace(rows: readonly DatasetRow[], from = 0): number[] {
  const out: number[] = [];
  for (let i = from; i < rows.length; i++) if (rows[i]!.series) out.push(i);
  return out;
}

/**
 * Trains a 2-D dense VAE (PCA path, learned sigma) on `n` series for a fixed number of passes:
 * the behaviour space of a search, and the judge of a comparison.
 * @throws NumericalError when the loss is not finite; InterruptedError on `signal`
 */
export async function trainLatentMap(
  x: Float32Array,
  n: number,
  length: number,
  options: { hidden: readonly number[]; passes: number; seed: number; signal?: AbortSignal | undefined; what: string },
): Promise<{ model: VaeModel; epochs: number; loss: number }> {
  const epochs = trainingEpochs(n, options.passes);
  const config: VaeConfig = {
    seriesLength: length,
    latentDim: 2,
    encoder: 'dense',
    decoder: 'dense',
    hiddenUnits: options.hidden,
    linearPath: 'pca',
    decoderSigma: 'learned',
    seed: options.seed,
  };
  const { signal } = options;
  const result = await trainVae(
    { train: { x, n, length } },
    { config, epochs, batchSize: 64, earlyStopping: false, restoreBestWeights: false, ...(signal ? { signal } : {}) },
  );
  const last = result.history[result.history.length - 1];
  if (result.stopReason === 'aborted') {
    disposeVae(result.model);
    throwIfInterrupted(signal);
  }
  if (!last || !Number.isFinite(last.loss)) {
    disposeVae(result.model);
    throw new NumericalError(`${options.what}: the VAE diverged (loss ${last?.loss}); nothing of this training was kept`);
  }
  return { model: result.model, epochs, loss: last.loss };
}

/** Trains the descriptor VAE on every row with a trace. */
async function trainDescriptor(state: SearchState, settings: SearchSettings, length: number, signal?: AbortSignal): Promise<VaeModel> {
  const began = performance.now();
  const idx = withTrace(state.rows);
  const x = descriptorInputs(
    idx.map((i) => state.rows[i]!),
    state.scale!,
    length,
  );
  const { model, epochs, loss } = await trainLatentMap(x, idx.length, descriptorLength(length), {
    hidden: settings.hidden,
    passes: settings.passes,
    seed: deriveIndexedSeed(settings.seed, 0x545241, state.trainings.length),
    signal,
    what: `explore: training ${state.trainings.length + 1} of the descriptor`,
  });
  state.trainings.push({ samples: state.rows.length, rows: idx.length, epochs, seconds: (performance.now() - began) / 1000, loss });
  return model;
}

/** Encodes rows [from, rows.length) into state.z (NaN for rows without a trace). */
function encodeRows(state: SearchState, model: VaeModel, from: number, length: number): void {
  const z = new Float32Array(state.rows.length * 2).fill(Number.NaN);
  z.set(state.z.subarray(0, from * 2));
  const idx = withTrace(state.rows, from);
  if (idx.length) {
    const x = descriptorInputs(
      idx.map((i) => state.rows[i]!),
      state.scale!,
      length,
    );
    const { mu } = encode(model, x, idx.length);
    idx.forEach((i, k) => {
      z[2 * i] = mu[2 * k]!;
      z[2 * i + 1] = mu[2 * k + 1]!;
    });
  }
  state.z = z;
}

/** a followed by b, in a new array of a's type. */
function concat<T extends Int32Array | Float64Array>(a: T, b: T): T {
  const out = new (a.constructor as new (n: number) => T)(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/**
 * Curiosity (AURORA): each child of the batch [start, rows) scores its parent +1 when it is the
 * elite of a cell that the samples before the batch left empty, -0.5 otherwise. Both archives
 * are taken on the same grid and descriptors, so a retraining does not count as discovery.
 */
function scoreCuriosity(state: SearchState, archive: Archive, start: number): void {
  const before = new Set<number>();
  for (let i = 0; i < start; i++) if (archive.cells[i]! >= 0) before.add(archive.cells[i]!);
  const elites = new Set(archive.elites.values());
  for (let i = start; i < state.rows.length; i++) {
    const parent = state.parents[i]!;
    if (parent < 0) continue;
    const found = elites.has(i) && !before.has(archive.cells[i]!);
    state.curiosity[parent] = state.curiosity[parent]! + (found ? 1 : -0.5);
  }
}

/** The archive of the state's samples (grid fitted to every encoded sample). */
function archiveOf(state: SearchState, cellsPerSide: number): Archive {
  return buildArchive(fitLatentGrid(state.z, cellsPerSide), state.z);
}

/**
 * Runs (or continues) a search until the budget is spent. `model` is the descriptor VAE of a
 * continued state (its last training), or undefined; the function disposes the models it
 * trains, and the one given.
 */
export async function runSearch(
  sweep: PreparedSweep['spec'],
  pool: SweepPool,
  settings: SearchSettings,
  seriesLength: number,
  state: SearchState,
  hooks: SearchHooks = {},
  resumedModel?: VaeModel,
  signal?: AbortSignal,
): Promise<{ state: SearchState; archive: Archive }> {
  const dims = sweep.vary.length;
  const points = trainingPoints(settings.initial, settings.budget);
  let model = resumedModel;
  let archive = archiveOf(state, settings.cellsPerSide);
  try {
    while (state.rows.length < settings.budget) {
      const start = state.rows.length;
      const batchIndex = state.history.length;
      const end = Math.min(settings.budget, start < settings.initial ? settings.initial : start + settings.batch);
      let began = performance.now();
      let values: ((index: number) => Float64Array) | undefined;
      let parents: Int32Array;
      if (start >= settings.initial) {
        const counts = new Map<number, number>();
        for (const c of archive.cells) if (c >= 0) counts.set(c, (counts.get(c) ?? 0) + 1);
        const elites = [...archive.elites].map(([cell, i]) => ({
          count: counts.get(cell)!,
          unit: Float64Array.from(sweep.vary, (v, d) => toUnit(state.rows[i]!.parameters[d]!, v.min, v.max, v.distribution)),
          curiosity: state.curiosity[i]!,
          id: i,
        }));
        const random = createRandom(deriveIndexedSeed(settings.seed, 0x45585052, batchIndex));
        const proposals = proposeBatch(elites, end - start, dims, random, settings.proposal);
        values = (index) => Float64Array.from(sweep.vary, (v, d) => fromUnit(proposals[index - start]!.unit[d]!, v.min, v.max, v.distribution));
        parents = Int32Array.from(proposals, (p) => p.parent);
      } else parents = new Int32Array(end - start).fill(-1);
      state.seconds.proposal += (performance.now() - began) / 1000;

      began = performance.now();
      const batchRows: DatasetRow[] = [];
      await pool.run({
        start,
        end,
        ...(values ? { values } : {}),
        onRow: (row) => void batchRows.push(row),
        onProgress: (done) => hooks.onProgress?.(done, { start, end }),
        ...(signal ? { signal } : {}),
      });
      state.seconds.simulation += (performance.now() - began) / 1000;
      state.rows.push(...batchRows);
      state.parents = concat(state.parents, parents);
      state.curiosity = concat(state.curiosity, new Float64Array(end - start));
      state.scale ??= fitDescriptorScale(state.rows);

      const due = points.filter((p) => p > start && p <= state.rows.length).length > 0 || (!model && withTrace(state.rows).length > 0);
      if (due) {
        began = performance.now();
        const next = await trainDescriptor(state, settings, seriesLength, signal);
        if (model) disposeVae(model);
        model = next;
        encodeRows(state, model, 0, seriesLength);
        state.seconds.training += (performance.now() - began) / 1000;
        await hooks.onTraining?.(state, model);
      } else {
        began = performance.now();
        if (model) encodeRows(state, model, start, seriesLength);
        else state.z = Float32Array.from({ length: state.rows.length * 2 }, () => Number.NaN);
        state.seconds.proposal += (performance.now() - began) / 1000;
      }
      began = performance.now();
      archive = archiveOf(state, settings.cellsPerSide);
      scoreCuriosity(state, archive, start);
      state.seconds.proposal += (performance.now() - began) / 1000;
      state.history.push({ samples: state.rows.length, cells: archive.elites.size });
      await hooks.onBatch?.(state, { start, end, archive });
      await yieldToEventLoop(signal);
    }
  } finally {
    if (model) disposeVae(model);
  }
  return { state, archive };
}
