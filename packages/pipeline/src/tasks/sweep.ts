import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { compileNetwork, DEFAULT_SOLVER, solverDefinition, SOLVERS, type Network, type SimulateOptions } from '@penvae/simulator';
import { checkChoice, checkInteger, checkNumber, checkSeed, yieldToEventLoop } from '../check-options.js';
import { InputError } from '../errors.js';
import { checkOutputPath, registerTemporary, removeTemporary, temporaryPathFor } from '../io/atomic.js';
import { loadNetwork } from '../io/network-source.js';
import { processOutput, type Output } from '../io/output.js';
import { PACKAGE_VERSION } from '../version.js';
import { DatasetWriter, type DatasetMetadata } from '../dataset/arrow.js';
import { resolveNormalization, type NormalizeOptions } from '../dataset/normalize.js';
import { defaultWorkers, runSweepRows } from '../dataset/pool.js';
import { Progress } from '../dataset/progress.js';
import { createSampleRunner, type SweepJob } from '../dataset/run-sample.js';
import type { DatasetLayout } from '../dataset/schema.js';
import { checkDatasetSize, estimateRowBytes } from '../dataset/size-limits.js';
import { resolveGridSpec } from '../dataset/time-grid.js';
import { parseShard, parseSweepFile, parseVary, prepareSweep, shardRange, type Design, type PreparedSweep, type SweepSpec } from '../dataset/sweep-spec.js';
import { runNormalize } from './normalize.js';

/** Options of {@link runSweep} (`pipeline simulate --samples/--sweep ... --out file.arrow`). */
export interface SweepCommandOptions extends NormalizeOptions, Pick<SimulateOptions, 'tEnd' | 'step' | 'solver' | 'rtol' | 'atol'> {
  /** Built-in network name or network JSON file. */
  network: string;
  /** Output dataset (`.arrow`). */
  out: string;
  /** Number of samples (overrides the sweep file's). */
  samples?: number;
  /** `--vary` strings: `path=min:max[:uniform|log][:levels]`. */
  vary?: string[];
  /** A sweep JSON file ({@link SweepSpec}); `--vary`, `--samples`, `--design`, `--seed` add to / override it. */
  sweep?: string;
  /** @default 'random' */
  design?: Design;
  /** @default 1 */
  seed?: number;
  /** Step budget per simulation. @default the solver's (SOLVER_DEFINITIONS of the simulator) */
  maxSteps?: number;
  /** Worker threads (0: this thread); more than the samples are not started. @default one per core */
  workers?: number;
  /** `i/n`: run only the i-th of n slices of the sweep. */
  shard?: string;
  /** Show progress. @default true */
  progress?: boolean;
  /** Stops the sweep (Ctrl-C): workers end at once and nothing is left under `out`. */
  signal?: AbortSignal;
}

/** What {@link runSweep} did. */
export interface SweepCommandResult {
  path: string;
  rows: number;
  outcomes: Record<string, number>;
  seconds: number;
}

/** Assembles the sweep spec from a file and/or the command line. */
function buildSweepSpec(options: SweepCommandOptions): SweepSpec {
  let spec: SweepSpec = { samples: options.samples ?? 0, vary: [] };
  if (options.sweep !== undefined) {
    let doc: unknown;
    try {
      doc = JSON.parse(readFileSync(options.sweep, 'utf8'));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new InputError(`--sweep ${options.sweep}: ${code ? `cannot read the file (${code})` : `not valid JSON (${(error as Error).message})`}`);
    }
    spec = parseSweepFile(doc, options.sweep);
  }
  if (options.samples !== undefined) spec.samples = checkInteger(options.samples, '--samples', 1);
  if (options.design !== undefined) spec.design = options.design;
  if (options.seed !== undefined) spec.seed = checkSeed(options.seed);
  for (const v of options.vary ?? []) spec.vary.push(parseVary(v));
  if (!spec.samples) throw new InputError('--samples: give the number of samples (or a --sweep file with "samples")');
  if (spec.vary.length === 0)
    throw new InputError('--vary: give at least one quantity to vary (or a --sweep file with "vary"), e.g. --vary \'parameters.exoVm=200:400\'');
  return spec;
}

/** Samples simulated up front to choose the normalisation window (see `chooseWindow`). */
const PILOT_SAMPLES = 32;

/** Raw series of `strand` of the converged samples among the sweep's first {@link PILOT_SAMPLES}. */
function pilotSeries(job: SweepJob, strand: string): Float32Array[] {
  const run = createSampleRunner(job);
  const index = job.observables.indexOf(strand);
  const out: Float32Array[] = [];
  for (let i = 0; i < Math.min(PILOT_SAMPLES, job.sweep.samples); i++) {
    const row = run(i);
    const raw = row.raw[index];
    if (row.outcome === 'converged' && raw) out.push(raw);
  }
  return out;
}

/** A sweep checked and ready to run: its job for the workers, and what its dataset will hold. */
export interface PreparedSweepJob {
  network: Network;
  /** The resolved sweep (its sample count and design are those of the options). */
  sweep: PreparedSweep['spec'];
  job: SweepJob;
  layout: DatasetLayout;
  meta: DatasetMetadata;
  /** Samples this run simulates (a shard's slice, or all). */
  range: { start: number; end: number };
  /** Workers to start (at most one per sample), and how many were asked for. */
  workers: number;
  requestedWorkers: number;
}

/**
 * Checks every option of a sweep before anything is written or started (solver, tolerances,
 * workers, network, quantities, time grid, size) and builds its job: the normalisation window
 * defaults to `auto`, chosen from a pilot of the sweep's own first samples, run here (the same
 * for every shard, so shards still merge into the one-run file). `pipeline explore` prepares
 * its searches the same way.
 * @throws InputError
 */
export function prepareSweepJob(options: Omit<SweepCommandOptions, 'out'> & { out: string }, shard?: { index: number; count: number }): PreparedSweepJob {
  const solverName = checkChoice(options.solver ?? DEFAULT_SOLVER, '--solver', SOLVERS);
  const defaults = solverDefinition(solverName);
  const solver = {
    name: solverName,
    rtol: options.rtol === undefined ? defaults.rtol : checkNumber(options.rtol, '--rtol', 0, true, 1),
    atol: options.atol === undefined ? defaults.atol : checkNumber(options.atol, '--atol', 0, true),
    maxSteps: options.maxSteps === undefined ? defaults.maxSteps : checkInteger(options.maxSteps, '--max-steps', 1),
  };
  const requestedWorkers =
    options.workers === undefined ? defaultWorkers() : checkInteger(options.workers, '--workers', 0, 1024, ' (0 runs in the main thread)');
  const loaded = loadNetwork(options.network);
  const { network } = loaded;
  const prepared = prepareSweep(network, buildSweepSpec(options));
  const grid = resolveGridSpec(network, options, loaded.source);
  const model = compileNetwork(network);
  const observables = [...model.observables];
  const { window: _window, ...rest } = options;
  const provisional = resolveNormalization(rest, observables, grid);
  const range = shard ? shardRange(prepared.spec.samples, shard) : { start: 0, end: prepared.spec.samples };
  checkDatasetSize(
    range.end - range.start,
    estimateRowBytes({ parameters: prepared.spec.vary, observables, rawLength: grid.points, seriesLength: provisional.length }),
    options.out,
  );
  // More workers than samples would only pay start-up costs.
  const workers = Math.min(requestedWorkers, Math.max(1, range.end - range.start));
  const job: SweepJob = { networkText: loaded.text, networkSource: loaded.source, sweep: prepared.spec, grid, solver, observables, normalization: provisional };
  job.normalization = resolveNormalization({ ...options, window: options.window ?? 'auto' }, observables, grid, (strand) => pilotSeries(job, strand));
  const layout: DatasetLayout = {
    parameters: prepared.spec.vary.map((v) => v.path),
    observables,
    rawLength: grid.points,
    seriesLength: job.normalization.length,
  };
  const meta: DatasetMetadata = {
    kind: 'simulation',
    packageVersion: PACKAGE_VERSION,
    network: loaded.text,
    sweep: prepared.spec,
    timeGrid: grid,
    solver: { name: job.solver.name, rtol: job.solver.rtol, atol: job.solver.atol },
    normalization: job.normalization,
  };
  return { network, sweep: prepared.spec, job, layout, meta, range, workers, requestedWorkers };
}

/**
 * Runs a parameter sweep of one network on every core and streams the results into an Arrow
 * dataset (see dataset/schema.ts). Every sample is a row: failed simulations keep their outcome
 * and message, with null series. The same options give a byte-identical file, whatever the
 * number of workers; shards merge into the file one run would have written.
 */
export async function runSweep(options: SweepCommandOptions, output: Output = processOutput): Promise<SweepCommandResult> {
  if (extname(options.out).toLowerCase() !== '.arrow')
    throw new InputError(`--out ${options.out}: a sweep writes an Arrow dataset; expected a .arrow file name`);
  checkOutputPath(options.out, '--out');
  const shard = options.shard === undefined ? undefined : parseShard(options.shard);
  if (shard && options.scaling === 'global') {
    throw new InputError(
      '--scale global is fitted on the whole dataset: run the shards with the default scaling, merge them, then `pipeline normalize --scale global`',
    );
  }
  const prepared = prepareSweepJob(options, shard);
  const { network, job, layout, meta, range, workers, requestedWorkers } = prepared;
  const { normalization } = job;
  if (shard) meta.shard = `${shard.index + 1}/${shard.count}`;
  if (requestedWorkers > workers) output.err(`note: --workers ${requestedWorkers} for ${range.end - range.start} samples; starting ${workers}`);
  // Global scaling is fitted on the finished rows: they go to a hidden file first, and only
  // the normalised dataset is published under --out.
  const global = normalization.scaling === 'global';
  const rowsPath = global ? temporaryPathFor(options.out) : options.out;
  const writer = new DatasetWriter(rowsPath, layout, meta);
  if (global) registerTemporary(rowsPath);
  const outcomes: Record<string, number> = {};
  const total = range.end - range.start;
  const progress = options.progress === false ? undefined : new Progress(output, `simulate ${network.name}`, total);
  const began = performance.now();
  try {
    await runSweepRows({
      job,
      start: range.start,
      end: range.end,
      workers,
      onRow: (row) => {
        outcomes[row.outcome] = (outcomes[row.outcome] ?? 0) + 1;
        // Returns the writer's promise: the pool waits for it (a slow disk slows the sweep down
        // instead of filling memory).
        return writer.add(row);
      },
      onProgress: (done) => progress?.update(done),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    progress?.finish();
    await yieldToEventLoop(options.signal);
    await writer.commit();
  } catch (error) {
    await writer.abort();
    if (global) removeTemporary(rowsPath);
    throw error;
  }
  const seconds = (performance.now() - began) / 1000;
  const counts = Object.entries(outcomes)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  output.err(
    `${global ? 'simulated' : `wrote ${options.out}:`} ${total} rows (samples ${range.start}..${range.end - 1} of ${prepared.sweep.samples}); outcomes: ${counts}; ${seconds.toFixed(1)} s, ${(total / seconds).toFixed(1)} simulations/s ${workers === 0 ? 'in the main thread' : `on ${workers} worker${workers === 1 ? '' : 's'}`}`,
  );
  if (global) {
    try {
      await runNormalize(
        {
          input: rowsPath,
          out: options.out,
          scaling: 'global',
          strand: normalization.strand,
          window: normalization.window,
          length: normalization.length,
          ...(options.signal ? { signal: options.signal } : {}),
        },
        output,
      );
    } finally {
      removeTemporary(rowsPath);
    }
  }
  return { path: options.out, rows: total, outcomes, seconds };
}
