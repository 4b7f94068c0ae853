import { compileNetwork, NetworkValidationError, parseNetwork, simulateOnGrid, type SolverName } from '@penvae/simulator';
import { normalizeRow } from './normalize.js';
import { newRow, type DatasetRow, type NormalizationSpec, type TimeGridSpec } from './schema.js';
import { prepareSweep, sampleValues, type PreparedSweep } from './sweep-spec.js';
import { gridTimes } from './time-grid.js';
import { deriveIndexedSeed } from '../random.js';

/** Everything a worker needs to simulate any sample of a sweep (structured-clone friendly). */
export interface SweepJob {
  /** The base network file, verbatim. */
  networkText: string;
  /** Label used in messages (file name or built-in name). */
  networkSource: string;
  sweep: PreparedSweep['spec'];
  grid: TimeGridSpec;
  solver: { name: SolverName; rtol: number; atol: number; maxSteps: number };
  observables: string[];
  /** Per-row normalisation (`global` is fitted after the sweep; rows get minmax meanwhile). */
  normalization: NormalizationSpec;
}

/**
 * Builds the function that turns a sample index into a dataset row: the network is compiled
 * once, and each sample only swaps its numbers in (CompiledNetwork.setValues). The varied values
 * come from the sweep's design, or are given (a search's proposals: `pipeline explore`); the
 * sample's seed is derived from its index either way.
 */
export function createSampleRunner(job: SweepJob): (index: number, given?: Float64Array) => DatasetRow {
  const base = parseNetwork(job.networkText, job.networkSource);
  const prepared = prepareSweep(base, job.sweep);
  // Every sample reuses this model: generate the sparse LU's code at once (saves ~0.3 s of
  // loop-based factorisations per worker).
  const model = compileNetwork(base, { sparseCodegenAfter: 0 });
  const grid = gridTimes(job.grid);
  const observed = job.observables.map((o) => model.stateNames.indexOf(o));
  const n = model.size;
  const perRow: NormalizationSpec = job.normalization.scaling === 'global' ? { ...job.normalization, scaling: 'minmax' } : job.normalization;
  return (index: number, given?: Float64Array): DatasetRow => {
    const { values, seed } = given ? { values: Float64Array.from(given), seed: deriveIndexedSeed(job.sweep.seed, index) } : sampleValues(job.sweep, index);
    const row = newRow({ sampleId: index, network: base.name, family: base.name, seed, parameters: values }, job.observables.length);
    try {
      model.setValues(prepared.apply(values));
    } catch (error) {
      if (!(error instanceof NetworkValidationError)) throw error;
      row.outcome = 'invalid';
      row.message = error.message.replace(/\n/g, '; ');
      return row;
    }
    const result = simulateOnGrid(model, grid, { solver: job.solver.name, rtol: job.solver.rtol, atol: job.solver.atol, maxSteps: job.solver.maxSteps });
    row.stats = result.stats;
    row.outcome = result.outcome;
    row.message = result.message;
    if (result.outcome === 'converged') {
      row.raw = observed.map((i) => {
        const s = new Float32Array(grid.length);
        for (let k = 0; k < grid.length; k++) s[k] = result.y[k * n + i]!;
        return s;
      });
      normalizeRow(row, perRow, job.observables, job.grid);
    }
    return row;
  };
}
