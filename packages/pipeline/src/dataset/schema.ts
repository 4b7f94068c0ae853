/**
 * The dataset format (Arrow IPC file, `.arrow`): one row per sample. See datasets/README.md
 * for the user-facing description; this module is its single definition in code: the column
 * table ({@link datasetColumns}) drives the Arrow schema, the writer and the reader
 * (dataset/arrow.ts), and {@link METADATA_KEYS} lists the schema metadata.
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
  /** The search that chose the rows of an archive (`pipeline explore`), JSON; absent elsewhere. */
  explore: 'penvae.explore',
} as const;

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

/** The Arrow types dataset columns use (`float32-list`: fixed_size_list<float32>[listSize]). */
export type ColumnType = 'int32' | 'uint32' | 'float64' | 'utf8' | 'float32-list';

/** The value a row holds for a cell of each column type (a null cell is `null`). */
export interface CellValue {
  int32: number;
  uint32: number;
  float64: number;
  utf8: string;
  'float32-list': Float32Array;
}

/** One column of a dataset, with how a row's value goes into it and comes back. */
interface ColumnOfType<T extends ColumnType> {
  name: string;
  type: T;
  /** Length of each list (`float32-list`); 0 for scalars. */
  listSize: number;
  nullable: boolean;
  /** Every dataset has it: a file without it is refused. */
  required: boolean;
  /** The row's value for this column (what the writer stores). */
  write: (row: DatasetRow) => CellValue[T] | null;
  /** Stores a value read from this column into the row (what the reader does). */
  read: (row: DatasetRow, value: CellValue[T] | null) => void;
}

/** A column of any type; `type` tells which. */
export type DatasetColumn = { [T in ColumnType]: ColumnOfType<T> }[ColumnType];

function scalar<T extends Exclude<ColumnType, 'float32-list'>>(
  name: string,
  type: T,
  nullable: boolean,
  write: ColumnOfType<T>['write'],
  read: ColumnOfType<T>['read'],
  required = false,
): ColumnOfType<T> {
  return { name, type, listSize: 0, nullable, required, write, read };
}

function list(
  name: string,
  listSize: number,
  write: ColumnOfType<'float32-list'>['write'],
  read: ColumnOfType<'float32-list'>['read'],
): ColumnOfType<'float32-list'> {
  return { name, type: 'float32-list', listSize, nullable: true, required: false, write, read };
}

type Stat = keyof NonNullable<DatasetRow['stats']>;

/** A solver-statistics column: `steps` comes first and decides whether the row has statistics at all. */
function stat(name: string, key: Stat): ColumnOfType<'int32'> {
  return scalar(
    name,
    'int32',
    true,
    (r) => (r.stats ? r.stats[key] : null),
    key === 'steps'
      ? (r, v) => void (r.stats = v === null ? null : { steps: v, rejectedSteps: 0, rhsCalls: 0, jacobianCalls: 0 })
      : (r, v) => void (r.stats && v !== null && (r.stats[key] = v)),
    true,
  );
}

/**
 * The columns of a dataset with this layout, in file order: the one definition of each
 * column's name, Arrow type, nullability, and how a {@link DatasetRow} is written to it and
 * read back. Varied quantities are float64 columns named by their path (NaN in the row, where a
 * quantity does not apply, is a null cell).
 */
export function datasetColumns(layout: DatasetLayout): DatasetColumn[] {
  return [
    scalar(
      'sample_id',
      'int32',
      false,
      (r) => r.sampleId,
      (r, v) => void (r.sampleId = v ?? 0),
      true,
    ),
    scalar(
      'network',
      'utf8',
      false,
      (r) => r.network,
      (r, v) => void (r.network = v ?? ''),
      true,
    ),
    scalar(
      'family',
      'utf8',
      false,
      (r) => r.family,
      (r, v) => void (r.family = v ?? ''),
      true,
    ),
    scalar(
      'seed',
      'uint32',
      false,
      (r) => r.seed,
      (r, v) => void (r.seed = v ?? 0),
      true,
    ),
    scalar(
      'outcome',
      'utf8',
      false,
      (r) => r.outcome,
      (r, v) => void (r.outcome = v ?? ''),
      true,
    ),
    scalar(
      'message',
      'utf8',
      false,
      (r) => r.message,
      (r, v) => void (r.message = v ?? ''),
      true,
    ),
    stat('steps', 'steps'),
    stat('rejected_steps', 'rejectedSteps'),
    stat('rhs_calls', 'rhsCalls'),
    stat('jacobian_calls', 'jacobianCalls'),
    ...layout.parameters.map((name, p) =>
      scalar(
        name,
        'float64',
        true,
        (r) => (Number.isNaN(r.parameters[p]!) ? null : r.parameters[p]!),
        (r, v) => void (r.parameters[p] = v ?? Number.NaN),
      ),
    ),
    ...layout.observables.map((name, o) =>
      list(
        `${RAW_PREFIX}${name}`,
        layout.rawLength,
        (r) => r.raw[o] ?? null,
        (r, v) => void (r.raw[o] = v),
      ),
    ),
    list(
      'series',
      layout.seriesLength,
      (r) => r.series,
      (r, v) => void (r.series = v),
    ),
    scalar(
      'series_offset',
      'float64',
      true,
      (r) => r.offset,
      (r, v) => void (r.offset = v),
    ),
    scalar(
      'series_scale',
      'float64',
      true,
      (r) => r.scale,
      (r, v) => void (r.scale = v),
    ),
    scalar(
      'behaviour',
      'utf8',
      true,
      (r) => r.behaviour,
      (r, v) => void (r.behaviour = v),
    ),
    scalar(
      'period',
      'float64',
      true,
      (r) => r.period,
      (r, v) => void (r.period = v),
    ),
    scalar(
      'amplitude',
      'float64',
      true,
      (r) => r.amplitude,
      (r, v) => void (r.amplitude = v),
    ),
  ];
}

/** Names of the columns every dataset has. */
export const REQUIRED_COLUMNS: readonly string[] = datasetColumns({ parameters: [], observables: [], rawLength: 0, seriesLength: 0 })
  .filter((c) => c.required)
  .map((c) => c.name);

/** A row of this layout with every cell empty, for a reader to fill. */
export function emptyRow(layout: DatasetLayout): DatasetRow {
  return newRow(
    { sampleId: 0, network: '', family: '', seed: 0, parameters: new Float64Array(layout.parameters.length).fill(Number.NaN) },
    layout.observables.length,
  );
}
