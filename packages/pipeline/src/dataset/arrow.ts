import { createWriteStream, readFileSync, renameSync, type WriteStream } from 'node:fs';
import {
  Field,
  FixedSizeList,
  Float32,
  Float64,
  Int32,
  makeData,
  RecordBatch,
  RecordBatchFileWriter,
  RecordBatchStreamWriter,
  Schema,
  Struct,
  Table,
  tableFromIPC,
  Uint32,
  Utf8,
  type Data,
  type DataType,
} from 'apache-arrow';
import { InputError } from '../errors.js';
import { AtomicFile } from '../io/atomic.js';
import {
  BATCH_ROWS,
  DATASET_FORMAT_VERSION,
  LEADING_COLUMNS,
  METADATA_KEYS,
  RAW_PREFIX,
  type DatasetLayout,
  type DatasetRow,
  type NormalizationSpec,
  type TimeGridSpec,
} from './schema.js';

/** Validity bitmap (LSB first) from a predicate; undefined when every value is valid. */
function validity(n: number, valid: (i: number) => boolean): { bitmap: Uint8Array | undefined; nulls: number } {
  const bitmap = new Uint8Array(Math.ceil(n / 8));
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    if (valid(i)) bitmap[i >> 3]! |= 1 << (i & 7);
    else nulls++;
  }
  return { bitmap: nulls ? bitmap : undefined, nulls };
}

function float64Data(values: (number | null)[]): Data<Float64> {
  const n = values.length;
  const { bitmap, nulls } = validity(n, (i) => values[i] !== null);
  const data = Float64Array.from(values, (v) => (v === null ? 0 : v));
  return makeData({ type: new Float64(), length: n, nullCount: nulls, ...(bitmap ? { nullBitmap: bitmap } : {}), data });
}

function int32Data(values: (number | null)[]): Data<Int32> {
  const n = values.length;
  const { bitmap, nulls } = validity(n, (i) => values[i] !== null);
  const data = Int32Array.from(values, (v) => v ?? 0);
  return makeData({ type: new Int32(), length: n, nullCount: nulls, ...(bitmap ? { nullBitmap: bitmap } : {}), data });
}

function uint32Data(values: number[]): Data<Uint32> {
  return makeData({ type: new Uint32(), length: values.length, nullCount: 0, data: Uint32Array.from(values) });
}

const encoder = new TextEncoder();

function utf8Data(values: (string | null)[]): Data<Utf8> {
  const n = values.length;
  const { bitmap, nulls } = validity(n, (i) => values[i] !== null);
  const encoded = values.map((v) => encoder.encode(v ?? ''));
  const offsets = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) offsets[i + 1] = offsets[i]! + encoded[i]!.length;
  const bytes = new Uint8Array(offsets[n]!);
  encoded.forEach((e, i) => bytes.set(e, offsets[i]!));
  return makeData({ type: new Utf8(), length: n, nullCount: nulls, ...(bitmap ? { nullBitmap: bitmap } : {}), valueOffsets: offsets, data: bytes });
}

function listType(length: number): FixedSizeList<Float32> {
  return new FixedSizeList(length, new Field('item', new Float32(), false));
}

function float32ListData(values: (Float32Array | null)[], length: number): Data<FixedSizeList<Float32>> {
  const n = values.length;
  const { bitmap, nulls } = validity(n, (i) => values[i] !== null);
  const flat = new Float32Array(n * length);
  values.forEach((v, i) => {
    if (v) flat.set(v, i * length);
  });
  const child = makeData({ type: new Float32(), length: n * length, nullCount: 0, data: flat });
  return makeData({ type: listType(length), length: n, nullCount: nulls, ...(bitmap ? { nullBitmap: bitmap } : {}), child });
}

/**
 * Arrow JS's file writer puts the schema only in the footer, so its files do not embed a valid
 * IPC stream as the format requires (apache/arrow-js issue #51); readers that take the
 * stream path reject them. This writer adds the stream's Schema message after the leading
 * magic, as the C++/Rust writers do. Everything else (blocks, footer) is Arrow JS's own.
 */
class SpecCompliantFileWriter extends RecordBatchFileWriter {
  protected override _writeSchema(schema: Schema): this {
    super._writeSchema(schema); // magic + padding
    const stream = new RecordBatchStreamWriter().writeAll(new Table(schema)).toUint8Array(true);
    // A schema-only stream is the Schema message followed by the 8-byte end-of-stream marker.
    return this._write(stream.subarray(0, stream.byteLength - 8));
  }
}

/** Provenance written into the schema metadata of every dataset. */
export interface DatasetMetadata {
  kind: 'simulation' | 'baseline';
  packageVersion: string;
  /** Base network JSON text (simulations). */
  network?: string;
  /** Resolved sweep or baseline spec (JSON-serialisable). */
  sweep: unknown;
  timeGrid: TimeGridSpec;
  solver?: { name: string; rtol: number; atol: number };
  normalization: NormalizationSpec;
  /** `i/n` for a shard. */
  shard?: string;
}

/** The Arrow schema of a dataset with this layout and provenance. */
export function datasetSchema(layout: DatasetLayout, meta: DatasetMetadata): Schema {
  const fields: Field[] = [
    new Field('sample_id', new Int32(), false),
    new Field('network', new Utf8(), false),
    new Field('family', new Utf8(), false),
    new Field('seed', new Uint32(), false),
    new Field('outcome', new Utf8(), false),
    new Field('message', new Utf8(), false),
    new Field('steps', new Int32(), true),
    new Field('rejected_steps', new Int32(), true),
    new Field('rhs_calls', new Int32(), true),
    new Field('jacobian_calls', new Int32(), true),
    ...layout.parameters.map((p) => new Field(p, new Float64(), true)),
    ...layout.observables.map((o) => new Field(`${RAW_PREFIX}${o}`, listType(layout.rawLength), true)),
    new Field('series', listType(layout.seriesLength), true),
    new Field('series_offset', new Float64(), true),
    new Field('series_scale', new Float64(), true),
    new Field('behaviour', new Utf8(), true),
    new Field('period', new Float64(), true),
    new Field('amplitude', new Float64(), true),
  ];
  const metadata = new Map<string, string>([
    [METADATA_KEYS.formatVersion, DATASET_FORMAT_VERSION],
    [METADATA_KEYS.packageVersion, meta.packageVersion],
    [METADATA_KEYS.kind, meta.kind],
    [METADATA_KEYS.sweep, JSON.stringify(meta.sweep)],
    [METADATA_KEYS.timeGrid, JSON.stringify(meta.timeGrid)],
    [METADATA_KEYS.observables, JSON.stringify(layout.observables)],
    [METADATA_KEYS.parameters, JSON.stringify(layout.parameters)],
    [METADATA_KEYS.normalization, JSON.stringify(meta.normalization)],
  ]);
  if (meta.network !== undefined) metadata.set(METADATA_KEYS.network, meta.network);
  if (meta.solver) metadata.set(METADATA_KEYS.solver, JSON.stringify(meta.solver));
  if (meta.shard) metadata.set(METADATA_KEYS.shard, meta.shard);
  return new Schema(fields, metadata);
}

/** One record batch from rows (all of the same layout). */
export function rowsToBatch(schema: Schema, layout: DatasetLayout, rows: DatasetRow[]): RecordBatch {
  const stat = (key: 'steps' | 'rejectedSteps' | 'rhsCalls' | 'jacobianCalls') => int32Data(rows.map((r) => (r.stats ? r.stats[key] : null)));
  const children: Data<DataType>[] = [
    int32Data(rows.map((r) => r.sampleId)),
    utf8Data(rows.map((r) => r.network)),
    utf8Data(rows.map((r) => r.family)),
    uint32Data(rows.map((r) => r.seed)),
    utf8Data(rows.map((r) => r.outcome)),
    utf8Data(rows.map((r) => r.message)),
    stat('steps'),
    stat('rejectedSteps'),
    stat('rhsCalls'),
    stat('jacobianCalls'),
    ...layout.parameters.map((_, p) => float64Data(rows.map((r) => (Number.isNaN(r.parameters[p]!) ? null : r.parameters[p]!)))),
    ...layout.observables.map((_, o) => float32ListData(rows.map((r) => r.raw[o] ?? null), layout.rawLength)),
    float32ListData(rows.map((r) => r.series), layout.seriesLength),
    float64Data(rows.map((r) => r.offset)),
    float64Data(rows.map((r) => r.scale)),
    utf8Data(rows.map((r) => r.behaviour)),
    float64Data(rows.map((r) => r.period)),
    float64Data(rows.map((r) => r.amplitude)),
  ];
  const struct = makeData({ type: new Struct(schema.fields), length: rows.length, nullCount: 0, children });
  return new RecordBatch(schema, struct);
}

/**
 * Streams record batches into an Arrow IPC file, atomically: bytes go to a hidden temporary
 * sibling as they are produced (memory stays flat however many rows), and {@link commit}
 * renames it into place. An interrupted or failed run leaves nothing under the final name.
 */
export class DatasetWriter {
  readonly path: string;
  readonly schema: Schema;
  readonly #file: AtomicFile;
  readonly #stream: WriteStream;
  readonly #writer: RecordBatchFileWriter;
  readonly #readable: NodeJS.ReadableStream & { destroy(): void };
  readonly #done: Promise<void>;
  rows = 0;

  constructor(path: string, schema: Schema) {
    this.path = path;
    this.schema = schema;
    // AtomicFile reserves (and registers for interrupt cleanup) the temporary name; the bytes
    // are streamed by a Node write stream on the same file.
    this.#file = new AtomicFile(path);
    this.#stream = createWriteStream(this.#file.temporaryPath);
    this.#done = new Promise((resolve, reject) => {
      this.#stream.on('close', resolve);
      this.#stream.on('error', reject);
    });
    this.#writer = new SpecCompliantFileWriter();
    this.#readable = this.#writer.toNodeStream();
    this.#readable.pipe(this.#stream);
    // Start with the schema so that even a dataset of zero rows is a valid file.
    this.#writer.reset(undefined, schema);
  }

  /** Appends a batch (its schema must be this writer's). */
  write(batch: RecordBatch): void {
    this.#writer.write(batch);
    this.rows += batch.numRows;
  }

  /** Writes the footer, waits for the bytes to reach the disk, and renames into place. */
  async commit(): Promise<void> {
    this.#writer.close();
    await this.#done;
    renameSync(this.#file.temporaryPath, this.path);
    this.#file.abort(); // forgets the temporary (already renamed away; nothing to delete)
  }

  /** Discards everything written so far. */
  async abort(): Promise<void> {
    // Destroying the reading side ends Arrow's byte queue quietly; writer.abort() would reject
    // the queue's pending read, an unhandled rejection that killed the process mid-cleanup.
    this.#readable.destroy();
    this.#stream.destroy();
    await this.#done.catch(() => undefined);
    this.#file.abort();
  }
}

/** A dataset read back: the table, its layout and its parsed provenance. */
export interface Dataset {
  path: string;
  table: Table;
  layout: DatasetLayout;
  meta: DatasetMetadata;
  /** Raw metadata map (strings), as stored. */
  rawMetadata: Map<string, string>;
}

function parseJsonMeta<T>(metadata: Map<string, string>, key: string, path: string): T {
  const text = metadata.get(key);
  if (text === undefined) throw new InputError(`${path}: schema metadata has no "${key}" (not a penvae dataset, or a damaged one)`);
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new InputError(`${path}: schema metadata "${key}" is not valid JSON`);
  }
}

/** `ARROW1`: the magic at both ends of an Arrow IPC file. */
const ARROW_MAGIC = Buffer.from('ARROW1');

/**
 * Why bytes that Arrow could not read are unreadable: an IPC file cut short (the leading magic
 * without the trailing one: a copy or a write that did not finish), or not an IPC file at all.
 */
function describeUnreadableIpc(bytes: Buffer, error: unknown): string {
  const starts = bytes.subarray(0, ARROW_MAGIC.length).equals(ARROW_MAGIC);
  const ends = bytes.subarray(bytes.length - ARROW_MAGIC.length).equals(ARROW_MAGIC);
  if (starts && !ends) return `the file is truncated (${bytes.length} bytes of an Arrow IPC file whose end is missing: an interrupted copy or download?)`;
  return `not an Arrow IPC file (${error instanceof Error ? error.message : String(error)})`;
}

/**
 * Reads a penvae dataset and checks it: an Arrow IPC file, this format version, and the
 * columns the format promises.
 * @throws InputError naming the file and what is wrong
 */
export function readDataset(path: string, required: readonly string[] = ['series']): Dataset {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new InputError(`${path}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? String(error)})`, { cause: error });
  }
  let table: Table;
  try {
    table = tableFromIPC(bytes);
  } catch (error) {
    throw new InputError(`${path}: ${describeUnreadableIpc(bytes, error)}`, { cause: error });
  }
  if (table.schema.fields.length === 0) throw new InputError(`${path}: not an Arrow IPC file (no schema found)`);
  const metadata = table.schema.metadata;
  const version = metadata.get(METADATA_KEYS.formatVersion);
  if (version === undefined) {
    throw new InputError(`${path}: an Arrow file, but not a penvae dataset (no "${METADATA_KEYS.formatVersion}" in its schema metadata); make one with \`pipeline simulate --samples\` or \`pipeline baseline\``);
  }
  if (version !== DATASET_FORMAT_VERSION) {
    throw new InputError(`${path}: dataset format version ${version}; this pipeline reads version ${DATASET_FORMAT_VERSION}`);
  }
  const names = new Set(table.schema.fields.map((f) => f.name));
  const missing = [...LEADING_COLUMNS, ...required].filter((c) => !names.has(c));
  if (missing.length) {
    throw new InputError(`${path}: dataset has no column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (columns: ${[...names].join(', ')})`);
  }
  const observables = parseJsonMeta<string[]>(metadata, METADATA_KEYS.observables, path);
  const parameters = parseJsonMeta<string[]>(metadata, METADATA_KEYS.parameters, path);
  const timeGrid = parseJsonMeta<TimeGridSpec>(metadata, METADATA_KEYS.timeGrid, path);
  const normalization = parseJsonMeta<NormalizationSpec>(metadata, METADATA_KEYS.normalization, path);
  const seriesField = table.schema.fields.find((f) => f.name === 'series');
  const seriesLength = seriesField && seriesField.type instanceof FixedSizeList ? seriesField.type.listSize : 0;
  if (required.includes('series') && !(seriesField?.type instanceof FixedSizeList)) {
    throw new InputError(`${path}: column "series" is not a fixed-size list of float32`);
  }
  const kind = metadata.get(METADATA_KEYS.kind) === 'baseline' ? 'baseline' : 'simulation';
  const meta: DatasetMetadata = {
    kind,
    packageVersion: metadata.get(METADATA_KEYS.packageVersion) ?? 'unknown',
    sweep: parseJsonMeta<unknown>(metadata, METADATA_KEYS.sweep, path),
    timeGrid,
    normalization,
  };
  const network = metadata.get(METADATA_KEYS.network);
  if (network !== undefined) meta.network = network;
  const solver = metadata.get(METADATA_KEYS.solver);
  if (solver !== undefined) meta.solver = JSON.parse(solver) as NonNullable<DatasetMetadata['solver']>;
  const shard = metadata.get(METADATA_KEYS.shard);
  if (shard !== undefined) meta.shard = shard;
  return { path, table, layout: { parameters, observables, rawLength: timeGrid.points, seriesLength }, meta, rawMetadata: metadata };
}

/** Reads the rows of a dataset back into {@link DatasetRow}s (for re-normalising and merging). */
export function datasetRows(dataset: Dataset): DatasetRow[] {
  const { table, layout } = dataset;
  const col = (name: string) => table.getChild(name);
  const n = table.numRows;
  const get = <T>(name: string) => {
    const c = col(name);
    return (i: number) => (c ? (c.get(i) as T) : null);
  };
  const [sampleId, network, family, seed, outcome, message] = ['sample_id', 'network', 'family', 'seed', 'outcome', 'message'].map((c) => get<unknown>(c));
  const [steps, rejected, rhs, jac] = ['steps', 'rejected_steps', 'rhs_calls', 'jacobian_calls'].map((c) => get<number | null>(c));
  const params = layout.parameters.map((p) => get<number | null>(p));
  const raw = layout.observables.map((o) => col(`${RAW_PREFIX}${o}`));
  const series = col('series');
  const [offset, scale, behaviour, period, amplitude] = ['series_offset', 'series_scale', 'behaviour', 'period', 'amplitude'].map((c) => get<unknown>(c));
  const list = (v: unknown): Float32Array | null => (v == null ? null : Float32Array.from(v as Iterable<number>));
  const rows: DatasetRow[] = [];
  for (let i = 0; i < n; i++) {
    const s = steps(i);
    rows.push({
      sampleId: sampleId!(i) as number,
      network: network!(i) as string,
      family: family!(i) as string,
      seed: seed!(i) as number,
      outcome: outcome!(i) as string,
      message: message!(i) as string,
      stats: s === null ? null : { steps: s, rejectedSteps: rejected!(i)!, rhsCalls: rhs!(i)!, jacobianCalls: jac!(i)! },
      parameters: Float64Array.from(params, (p) => p(i) ?? Number.NaN),
      raw: raw.map((c) => list(c?.get(i))),
      series: list(series?.get(i)),
      offset: offset!(i) as number | null,
      scale: scale!(i) as number | null,
      behaviour: behaviour!(i) as string | null,
      period: period!(i) as number | null,
      amplitude: amplitude!(i) as number | null,
    });
  }
  return rows;
}

/** The converged rows' normalised series as one row-major matrix. */
export interface SeriesMatrix {
  /** n x L, row-major. */
  x: Float32Array;
  n: number;
  length: number;
  /** Table row index of each matrix row. */
  rows: Int32Array;
  /** Rows skipped because their outcome was not `converged` (or their series null). */
  skipped: number;
}

/** Extracts the `series` column of converged rows (copying out of Arrow's batches). */
export function readSeriesMatrix(dataset: Dataset): SeriesMatrix {
  const { table, layout } = dataset;
  const L = layout.seriesLength;
  const outcome = table.getChild('outcome')!;
  const series = table.getChild('series')!;
  const keep: number[] = [];
  for (let i = 0; i < table.numRows; i++) if (outcome.get(i) === 'converged' && series.isValid(i)) keep.push(i);
  const x = new Float32Array(keep.length * L);
  keep.forEach((row, k) => {
    const v = series.get(row) as Iterable<number>;
    let j = 0;
    for (const value of v) x[k * L + j++] = value;
  });
  return { x, n: keep.length, length: L, rows: Int32Array.from(keep), skipped: table.numRows - keep.length };
}

/**
 * Writes rows (any order) as a complete dataset, atomically, in record batches whose
 * boundaries fall on multiples of BATCH_ROWS in sample_id, exactly as a sweep writes them.
 */
export async function writeDatasetRows(path: string, schema: Schema, layout: DatasetLayout, rows: DatasetRow[]): Promise<void> {
  const sorted = [...rows].sort((a, b) => a.sampleId - b.sampleId);
  const writer = new DatasetWriter(path, schema);
  try {
    let batch: DatasetRow[] = [];
    for (const row of sorted) {
      if (batch.length && Math.floor(row.sampleId / BATCH_ROWS) !== Math.floor(batch[0]!.sampleId / BATCH_ROWS)) {
        writer.write(rowsToBatch(schema, layout, batch));
        batch = [];
      }
      batch.push(row);
    }
    if (batch.length) writer.write(rowsToBatch(schema, layout, batch));
    await writer.commit();
  } catch (error) {
    await writer.abort();
    throw error;
  }
}
