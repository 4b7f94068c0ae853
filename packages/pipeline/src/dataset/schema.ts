/**
 * The dataset format (Arrow IPC file, `.arrow`): one row per sample. See datasets/README.md
 * for the user-facing description; this module is its single definition in code.
 *
 * Columns (in this order):
 *   sample_id  int32    global index of the sample in its sweep (0-based)
 *   network    utf8     network name (`baseline` for the sin/sigmoid baseline)
 *   family     utf8     label of the generating family: the network name, or sin / sigmoid / sin+sigmoid
 *   seed       uint32   the sample's own seed (derived from the sweep seed and sample_id)
 *   outcome    utf8     converged | max-steps | non-finite | step-too-small | singular | invalid
 *   message    utf8     why a sample failed ("" when converged)
 *   steps, rejected_steps, rhs_calls, jacobian_calls   int32, solver statistics (null for the baseline)
 *   <path>...  float64  one column per varied quantity, named by its path (e.g. parameters.exoVm)
 *   raw.<name>... fixed_size_list<float32>[T]  the observed series on the time grid, in nM (null if failed)
 *   series     fixed_size_list<float32>[L]  the normalised series (null if failed)
 *   series_offset, series_scale  float64  series_nM = series * series_scale + series_offset
 *   behaviour  utf8     oscillating | damped-oscillation | settles-high | settles-low | monotone-growth | ...
 *   period, amplitude  float64  of the observed series in the window, when it oscillates (else null)
 *
 * Schema metadata (all values are strings; JSON where structured): see {@link METADATA_KEYS}.
 */

/** Version of this format; readers refuse other versions with a clear message. */
export const DATASET_FORMAT_VERSION = '1';

/** Schema-metadata keys. Everything needed to reproduce a dataset and to map series back to nM. */
export const METADATA_KEYS = {
  formatVersion: 'penvae.format_version',
  packageVersion: 'penvae.package_version',
  /** `simulation` or `baseline`. */
  kind: 'penvae.kind',
  /** The base network file, verbatim JSON (simulations). */
  network: 'penvae.network',
  /** The resolved sweep: samples, design, seed, vary[] (simulations), or the baseline spec. */
  sweep: 'penvae.sweep',
  /** {"start", "step", "points"}: the time grid of the raw columns (minutes; unitless for the baseline). */
  timeGrid: 'penvae.time_grid',
  /** {"name", "rtol", "atol"} (simulations). */
  solver: 'penvae.solver',
  /** JSON list of the observed names (the raw.<name> columns). */
  observables: 'penvae.observables',
  /** JSON list of the varied-quantity column names. */
  parameters: 'penvae.parameters',
  /** {"strand", "window", "length", "scaling", "global"?}: how `series` was made. */
  normalization: 'penvae.normalization',
  /** `i/n` while the file is a shard of a sweep; absent in complete files. */
  shard: 'penvae.shard',
} as const;

/** Fixed columns, in order, before the parameter columns. */
export const LEADING_COLUMNS = [
  'sample_id', 'network', 'family', 'seed', 'outcome', 'message', 'steps', 'rejected_steps', 'rhs_calls', 'jacobian_calls',
] as const;

/** Fixed columns after the raw columns. */
export const TRAILING_COLUMNS = ['series', 'series_offset', 'series_scale', 'behaviour', 'period', 'amplitude'] as const;

/** Prefix of the raw-series columns. */
export const RAW_PREFIX = 'raw.';

/** Rows per record batch. Batch boundaries fall on multiples of this in sample_id, whatever the workers or shards, so merged shards are byte-identical to one run. */
export const BATCH_ROWS = 256;

/** The shape of one dataset: which parameter and raw columns it has and their lengths. */
export interface DatasetLayout {
  /** Varied-quantity column names. */
  parameters: string[];
  /** Observed names (columns raw.<name>). */
  observables: string[];
  /** Points of the raw time grid (T). */
  rawLength: number;
  /** Length of the normalised series (L). */
  seriesLength: number;
}

/** How `series` was made from the raw columns. */
export interface NormalizationSpec {
  /** Which observed series. */
  strand: string;
  /** [start, end] of the window, in the raw grid's time units. */
  window: [number, number];
  /**
   * How the window was chosen when it was not given: the rule and the evidence (see
   * `chooseWindow`), e.g. "auto: 9 of 16 pilot samples oscillate; the first 25 % of the grid
   * (start-up transient) is left out". Absent for a window given by the user.
   */
  windowRule?: string;
  /** Resampled length L. */
  length: number;
  /** minmax / zscore per series, or global (min-max over all converged rows). */
  scaling: 'minmax' | 'zscore' | 'global';
  /** For `global`: the fitted offset and scale shared by every row. */
  global?: { offset: number; scale: number };
}

/** Time grid of the raw columns: t_k = start + k * step, k < points. */
export interface TimeGridSpec {
  start: number;
  step: number;
  points: number;
}

/** One row of a dataset, as the writers take it. */
export interface DatasetRow {
  sampleId: number;
  network: string;
  family: string;
  seed: number;
  outcome: string;
  message: string;
  stats: { steps: number; rejectedSteps: number; rhsCalls: number; jacobianCalls: number } | null;
  /** Values of the varied quantities, in layout order (NaN where a quantity does not apply). */
  parameters: Float64Array;
  /** One raw series per observable (null for failed rows). */
  raw: (Float32Array | null)[];
  series: Float32Array | null;
  offset: number | null;
  scale: number | null;
  behaviour: string | null;
  period: number | null;
  amplitude: number | null;
}

/**
 * A converged row with nothing computed yet: null series, statistics and labels (filled by the
 * simulation and normalisation stages).
 */
export function newRow(fields: Pick<DatasetRow, 'sampleId' | 'network' | 'family' | 'seed' | 'parameters'>, observables: number): DatasetRow {
  return {
    ...fields,
    outcome: 'converged',
    message: '',
    stats: null,
    raw: Array.from({ length: observables }, () => null),
    series: null,
    offset: null,
    scale: null,
    behaviour: null,
    period: null,
    amplitude: null,
  };
}
