import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { initBackend, loadVae, saveVae, type BackendChoice, type VaeModel } from '@penvae/vae';
import { checkChoice, checkInteger, checkSeed } from '../check-options.js';
import { InputError } from '../errors.js';
import { checkOutputPath, writeFileAtomic } from '../io/atomic.js';
import { processOutput, type Output } from '../io/output.js';
import { datasetRows, readDataset, writeDatasetRows, type DatasetMetadata } from '../dataset/arrow.js';
import { openSweepPool } from '../dataset/pool.js';
import type { DatasetRow } from '../dataset/schema.js';
import { formatDuration } from '../dataset/progress.js';
import { emptySearchState, runSearch, SEARCH_DEFAULTS, type SearchSettings, type SearchState } from '../explore/search.js';
import type { Archive } from '../explore/archive.js';
import { BACKEND_CHOICES } from './train-options.js';
import { prepareSweepJob, type PreparedSweepJob, type SweepCommandOptions } from './sweep.js';

/** Options of {@link runExplore} (`pipeline explore`). */
export interface ExploreCommandOptions extends Omit<SweepCommandOptions, 'samples' | 'design' | 'shard' | 'sweep'> {
  /** Archive dataset to write (`.arrow`): one elite per filled cell. Every simulation goes to `<name>-simulations.arrow` beside it. */
  out: string;
  /** Simulations in all. @default 5000 */
  budget?: number;
  /** Simulations per batch after the first. @default 5 % of the budget (at least 20) */
  batch?: number;
  /** Simulations of the first, random batch. @default 10 % of the budget (at least one batch) */
  initial?: number;
  /** Cells per side of the latent grid. @default 32 */
  cells?: number;
  /** Continue an interrupted search from its state folder. @default false */
  resume?: boolean;
  /** Backend of the descriptor VAE. @default 'auto' */
  backend?: BackendChoice;
}

/** What {@link runExplore} did. */
export interface ExploreCommandResult {
  archivePath: string;
  simulationsPath: string;
  /** Filled cells (elites) at the end. */
  cells: number;
  simulations: number;
  converged: number;
  /** Converged samples per behaviour label. */
  labels: Record<string, number>;
  seconds: SearchState['seconds'];
  history: SearchState['history'];
}

/** Version of the state folder's format. */
const STATE_VERSION = 1;

/** The state folder of a search writing `out`: `<name>.explore-state/` beside it. */
function exploreStateDir(out: string): string {
  return join(dirname(out), `${basename(out, extname(out))}.explore-state`);
}

/** The every-simulation dataset written beside the archive. */
function simulationsPath(out: string): string {
  return join(dirname(out), `${basename(out, extname(out))}-simulations${extname(out)}`);
}

/** state.json of the state folder. */
interface StateFile {
  version: number;
  /** Everything the search's results depend on; a resume must match it. */
  fingerprint: string;
  /** Batch files, in order: [start, end) of sample ids. */
  batches: { start: number; end: number; file: string }[];
  scale: SearchState['scale'];
  trainings: SearchState['trainings'];
  history: SearchState['history'];
  seconds: SearchState['seconds'];
  /** Folder of the descriptor model of the last training. */
  model: string | null;
}

/** Complete settings from the options (validated; messages name the flags). */
export function resolveSearchSettings(options: Pick<ExploreCommandOptions, 'budget' | 'batch' | 'initial' | 'cells' | 'seed'>): SearchSettings {
  const budget = options.budget === undefined ? 5000 : checkInteger(options.budget, '--budget', 2, 10_000_000);
  const batch = options.batch === undefined ? Math.max(20, Math.round(budget * 0.05)) : checkInteger(options.batch, '--batch', 1, budget);
  const initial =
    options.initial === undefined ? Math.min(budget, Math.max(batch, Math.round(budget * 0.1))) : checkInteger(options.initial, '--initial', 1, budget);
  const cellsPerSide = options.cells === undefined ? SEARCH_DEFAULTS.cellsPerSide : checkInteger(options.cells, '--cells', 2, 1024);
  const seed = checkSeed(options.seed ?? 1);
  return { budget, batch, initial, cellsPerSide, hidden: SEARCH_DEFAULTS.hidden, passes: SEARCH_DEFAULTS.passes, seed, proposal: SEARCH_DEFAULTS.proposal };
}

/** The explore provenance stored in both datasets' metadata. */
function provenance(settings: SearchSettings, state: SearchState, archive: Archive, elites: number[]) {
  return {
    method: 'quality-diversity search in a learned behaviour space (AURORA-style MAP-Elites; pipeline explore)',
    settings: {
      budget: settings.budget,
      batch: settings.batch,
      initial: settings.initial,
      cellsPerSide: settings.cellsPerSide,
      seed: settings.seed,
      descriptor: { latentDim: 2, encoder: 'dense', hidden: settings.hidden, linearPath: 'pca', passes: settings.passes },
      proposal: settings.proposal,
    },
    descriptorScale: state.scale,
    grid: archive.grid,
    // No timings: the same seed gives the same bytes (they are printed, and in the report).
    trainings: state.trainings.map(({ seconds: _s, ...t }) => t),
    history: state.history,
    elites: elites.map((i) => ({ sampleId: i, cell: archive.cells[i]!, z: [state.z[2 * i]!, state.z[2 * i + 1]!] })),
  };
}

/** Loads the state folder of an interrupted search (checked against this search's fingerprint). */
async function loadState(dir: string, fingerprint: string): Promise<{ state: SearchState; model?: VaeModel; file: StateFile }> {
  const path = join(dir, 'state.json');
  if (!existsSync(path)) throw new InputError(`--resume: ${dir} has no state.json; nothing to continue`);
  const file = JSON.parse(readFileSync(path, 'utf8')) as StateFile;
  if (file.version !== STATE_VERSION) throw new InputError(`--resume: ${path} is of state format ${file.version}; this version reads ${STATE_VERSION}`);
  if (file.fingerprint !== fingerprint) {
    throw new InputError(`--resume: the network, quantities, budget, seed or simulation options differ from those the search in ${dir} was started with`);
  }
  const rows: DatasetRow[] = [];
  for (const b of file.batches) rows.push(...datasetRows(readDataset(join(dir, b.file), [])));
  const bytes = (name: string, perRow: number) => {
    const b = readFileSync(join(dir, name));
    if (b.byteLength !== rows.length * perRow)
      throw new InputError(`--resume: ${dir}/${name} holds ${b.byteLength} bytes for ${rows.length} rows (a damaged state folder)`);
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
  };
  const state: SearchState = {
    rows,
    z: new Float32Array(bytes('z.f32', 8)),
    parents: new Int32Array(bytes('parents.i32', 4)),
    curiosity: new Float64Array(bytes('curiosity.f64', 8)),
    scale: file.scale,
    trainings: file.trainings,
    history: file.history,
    seconds: file.seconds,
  };
  const model = file.model ? (await loadVae(join(dir, file.model))).model : undefined;
  return { state, ...(model ? { model } : {}), file };
}

/**
 * Explores the behaviours a network can show (`pipeline explore`): see explore/search.ts for
 * the method. Writes the archive (one elite per filled cell of the learned behaviour space) and
 * every simulation, both as datasets of the project's format with the search's provenance in
 * their metadata. A state folder beside the archive keeps each finished batch and the current
 * descriptor model, so a killed search continues with `resume` and ends with the same bytes
 * an uninterrupted one writes; it is removed when the search completes.
 */
export async function runExplore(options: ExploreCommandOptions, output: Output = processOutput): Promise<ExploreCommandResult> {
  if (extname(options.out).toLowerCase() !== '.arrow')
    throw new InputError(`--out ${options.out}: the archive is an Arrow dataset; expected a .arrow file name`);
  checkOutputPath(options.out, '--out');
  const settings = resolveSearchSettings(options);
  const prepared: PreparedSweepJob = prepareSweepJob({ ...options, samples: settings.budget, design: 'random', seed: settings.seed });
  const { job, layout, sweep, network } = prepared;
  const stateDir = exploreStateDir(options.out);
  const allPath = simulationsPath(options.out);
  const fingerprint = JSON.stringify({ job, settings });
  if (existsSync(stateDir) && !options.resume) {
    throw new InputError(`--out ${options.out}: an interrupted search is in ${stateDir}; continue it with --resume, or remove that folder to start again`);
  }
  if (options.resume && !existsSync(stateDir)) throw new InputError(`--resume: no interrupted search for ${options.out} (no ${stateDir})`);
  const backend = await initBackend(checkChoice(options.backend ?? 'auto', '--backend', BACKEND_CHOICES));
  const quiet = options.progress === false;
  if (!quiet) output.err(`backend: ${backend.backend}`);

  let state = emptySearchState();
  let model: VaeModel | undefined;
  let file: StateFile = { version: STATE_VERSION, fingerprint, batches: [], scale: null, trainings: [], history: [], seconds: state.seconds, model: null };
  if (options.resume) {
    ({ state, model, file } = { model: undefined, ...(await loadState(stateDir, fingerprint)) });
    output.err(`resuming after ${state.rows.length} of ${settings.budget} simulations (${state.trainings.length} trainings)`);
  } else mkdirSync(stateDir, { recursive: true });

  // The model of a training is recorded in state.json with the batch it followed.
  let pendingModel: string | null = null;
  const saveState = () => {
    file.scale = state.scale;
    file.trainings = state.trainings;
    file.history = state.history;
    file.seconds = state.seconds;
    // Descriptors, lineage and curiosity exactly as they are (re-encoding on resume could round differently).
    for (const [name, a] of [
      ['z.f32', state.z],
      ['parents.i32', state.parents],
      ['curiosity.f64', state.curiosity],
    ] as const)
      writeFileAtomic(join(stateDir, name), new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    writeFileAtomic(join(stateDir, 'state.json'), `${JSON.stringify(file)}\n`);
  };
  const explored = { ...sweep, design: 'explore' };
  const began = performance.now();
  const pool = openSweepPool(job, prepared.workers);
  let result: { state: SearchState; archive: Archive };
  try {
    result = await runSearch(
      sweep,
      pool,
      settings,
      layout.seriesLength,
      state,
      {
        onTraining: async (_s, trained) => {
          // A new folder per training, recorded in state.json only once complete: a kill
          // between the two leaves the previous model, and its training, in force.
          const name = `model-${state.trainings.length}`;
          rmSync(join(stateDir, name), { recursive: true, force: true });
          await saveVae(trained, join(stateDir, `${name}.tmp`));
          renameSync(join(stateDir, `${name}.tmp`), join(stateDir, name));
          pendingModel = name;
        },
        onBatch: async (s, { start, end, archive }) => {
          const name = `batch-${String(start).padStart(8, '0')}.arrow`;
          await writeDatasetRows(join(stateDir, name), layout, { ...prepared.meta, sweep: explored }, s.rows.slice(start, end));
          file.batches.push({ start, end, file: name });
          const previous = file.model;
          if (pendingModel) file.model = pendingModel;
          saveState();
          if (pendingModel && previous && previous !== pendingModel) rmSync(join(stateDir, previous), { recursive: true, force: true });
          pendingModel = null;
          if (!quiet) {
            const labels = countLabels(s.rows);
            const osc = labels['oscillating'] ?? 0;
            output.err(
              `explore ${network.name}: ${end}/${settings.budget} simulated, ${archive.elites.size} cells filled, ${Object.keys(labels).length} behaviour labels (oscillating ${osc}), ${s.trainings.length} training${s.trainings.length === 1 ? '' : 's'}, ${formatDuration((performance.now() - began) / 1000)}`,
            );
          }
        },
      },
      model,
      options.signal,
    );
  } finally {
    await pool.close();
  }
  const { archive } = result;
  const elites = [...archive.elites.values()].sort((a, b) => a - b);
  const meta: DatasetMetadata = { ...prepared.meta, sweep: explored };
  const explore = provenance(settings, state, archive, elites);
  await writeDatasetRows(allPath, layout, { ...meta, explore: { ...explore, archive: basename(options.out) } }, state.rows);
  await writeDatasetRows(
    options.out,
    layout,
    { ...meta, explore: { ...explore, simulations: basename(allPath) } },
    elites.map((i) => state.rows[i]!),
  );
  rmSync(stateDir, { recursive: true, force: true });
  const labels = countLabels(state.rows);
  const converged = state.rows.filter((r) => r.series).length;
  const s = state.seconds;
  output.err(
    `wrote ${options.out}: ${elites.length} elites (one per filled cell, of ${settings.cellsPerSide * settings.cellsPerSide}); ${allPath}: all ${state.rows.length} simulations (${converged} converged)`,
  );
  output.err(
    `time: simulation ${s.simulation.toFixed(1)} s, training ${s.training.toFixed(1)} s, proposal ${s.proposal.toFixed(1)} s (search overhead ${((100 * (s.training + s.proposal)) / s.simulation).toFixed(0)} % of the simulation time)`,
  );
  output.out(
    `behaviour labels: ${Object.entries(labels)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
  return {
    archivePath: options.out,
    simulationsPath: allPath,
    cells: elites.length,
    simulations: state.rows.length,
    converged,
    labels,
    seconds: s,
    history: state.history,
  };
}

/** Converged rows per behaviour label. */
function countLabels(rows: readonly DatasetRow[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of rows) if (r.behaviour) out[r.behaviour] = (out[r.behaviour] ?? 0) + 1;
  return out;
}
