import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import {
  Field,
  FixedSizeList,
  Float32,
  Float64,
  Int32,
  makeData,
  RecordBatch,
  RecordBatchFileWriter,
  RecordBatchReader,
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
  datasetColumns,
  emptyRow,
  METADATA_KEYS,
  REQUIRED_COLUMNS,
  type CellValue,
  type ColumnType,
  type DatasetColumn,
  type DatasetLayout,
  type DatasetRow,
  type NormalizationSpec,
  type TimeGridSpec,
} from './schema.js';

function listType(length: number): FixedSizeList<Float32> {
  return new FixedSizeList(length, new Field('item', new Float32(), false));
}

const encoder = new TextEncoder();

/**
 * Builds one column of a record batch row by row, into buffers allocated once per writer and
 * reused for every batch: the rows die as soon as they are added (a sweep's main thread then
 * allocates little that survives, so its heap does not grow), and nothing is rebuilt per batch.
 * The buffers handed to Arrow are views that are only valid until the next batch: the encoder
 * copies the bytes out first.
 */
interface ColumnBuilder {
  append(row: DatasetRow): void;
  /** The Arrow data of the rows appended since the last call; then starts a new batch. */
  finish(): Data<DataType>;
}

/** Validity bits (LSB first) of one batch; the bitmap is left out when every value is valid. */
class Validity {
  readonly #bits: Uint8Array;
  length = 0;
  nulls = 0;

  constructor(capacity: number) {
    this.#bits = new Uint8Array(Math.ceil(capacity / 8));
  }

  push(valid: boolean): void {
    if (valid) this.#bits[this.length >> 3]! |= 1 << (this.length & 7);
    else this.nulls++;
    this.length++;
  }

  /** `nullCount` and `nullBitmap` for makeData, then resets. */
  take(): { nullCount: number; nullBitmap?: Uint8Array } {
    const nullCount = this.nulls;
    const bytes = Math.ceil(this.length / 8);
    const taken = nullCount ? { nullCount, nullBitmap: this.#bits.slice(0, bytes) } : { nullCount };
    this.#bits.fill(0, 0, bytes);
    this.length = 0;
    this.nulls = 0;
    return taken;
  }
}

function numberBuilder(column: DatasetColumn & { type: 'int32' | 'uint32' | 'float64' }, capacity: number): ColumnBuilder {
  const values = column.type === 'int32' ? new Int32Array(capacity) : column.type === 'uint32' ? new Uint32Array(capacity) : new Float64Array(capacity);
  const type = arrowType(column);
  const validity = new Validity(capacity);
  const write = column.write as (row: DatasetRow) => number | null;
  return {
    append(row) {
      const v = write(row);
      values[validity.length] = v ?? 0;
      validity.push(v !== null);
    },
    finish() {
      const length = validity.length;
      return makeData({ type, length, ...validity.take(), data: values.subarray(0, length) } as Parameters<typeof makeData>[0]) as Data<DataType>;
    },
  };
}

function utf8Builder(column: DatasetColumn & { type: 'utf8' }, capacity: number): ColumnBuilder {
  const offsets = new Int32Array(capacity + 1);
  let bytes = new Uint8Array(16 * 1024);
  const validity = new Validity(capacity);
  return {
    append(row) {
      const v = column.write(row);
      const i = validity.length;
      let end = offsets[i]!;
      if (v !== null && v.length > 0) {
        // UTF-8 takes at most 3 bytes per UTF-16 unit.
        if (end + 3 * v.length > bytes.length) {
          const grown = new Uint8Array(Math.max(2 * bytes.length, end + 3 * v.length));
          grown.set(bytes.subarray(0, end));
          bytes = grown;
        }
        end += encoder.encodeInto(v, bytes.subarray(end)).written;
      }
      offsets[i + 1] = end;
      validity.push(v !== null);
    },
    finish() {
      const length = validity.length;
      const data = makeData({
        type: new Utf8(),
        length,
        ...validity.take(),
        valueOffsets: offsets.subarray(0, length + 1),
        data: bytes.subarray(0, offsets[length]),
      });
      return data;
    },
  };
}

function listBuilder(column: DatasetColumn & { type: 'float32-list' }, capacity: number): ColumnBuilder {
  const size = column.listSize;
  const flat = new Float32Array(capacity * size);
  const type = listType(size);
  const validity = new Validity(capacity);
  return {
    append(row) {
      const v = column.write(row);
      const at = validity.length * size;
      if (v === null) flat.fill(0, at, at + size);
      else if (v.length !== size) throw new Error(`${column.name}: a series of ${v.length} values in a column of ${size}`);
      else flat.set(v, at);
      validity.push(v !== null);
    },
    finish() {
      const length = validity.length;
      const child = makeData({ type: new Float32(), length: length * size, nullCount: 0, data: flat.subarray(0, length * size) });
      return makeData({ type, length, ...validity.take(), child });
    },
  };
}

function columnBuilder(column: DatasetColumn, capacity: number): ColumnBuilder {
  switch (column.type) {
    case 'utf8':
      return utf8Builder(column, capacity);
    case 'float32-list':
      return listBuilder(column, capacity);
    default:
      return numberBuilder(column, capacity);
  }
}

/** The Arrow type of a column. */
function arrowType(column: DatasetColumn): DataType {
  switch (column.type) {
    case 'int32':
      return new Int32();
    case 'uint32':
      return new Uint32();
    case 'float64':
      return new Float64();
    case 'utf8':
      return new Utf8();
    case 'float32-list':
      return listType(column.listSize);
  }
}

const decoder = new TextDecoder();

/** Reads cells of one column's Arrow data (logical row index, as Arrow's own getters take it). */
function cellReader<T extends ColumnType>(type: T, data: Data): (i: number) => CellValue[T] | null;
function cellReader(type: ColumnType, data: Data): (i: number) => CellValue[ColumnType] | null {
  const valid = (i: number) => data.getValid(i);
  switch (type) {
    case 'int32':
    case 'uint32':
    case 'float64': {
      const values = data.values as Int32Array | Uint32Array | Float64Array;
      return (i) => (valid(i) ? values[i]! : null);
    }
    case 'utf8': {
      const values = data.values as Uint8Array;
      const offsets = data.valueOffsets as Int32Array;
      return (i) => (valid(i) ? decoder.decode(values.subarray(offsets[i]!, offsets[i + 1]!)) : null);
    }
    case 'float32-list': {
      const size = (data.type as FixedSizeList).listSize;
      const values = data.children[0]!.values as Float32Array;
      return (i) => (valid(i) ? values.slice(i * size, (i + 1) * size) : null);
    }
  }
}

/**
 * The rows of one record batch, read through the column table. Columns the file lacks stay
 * empty (null) in the rows.
 */
function batchRows(batch: RecordBatch, layout: DatasetLayout): DatasetRow[] {
  const readers: ((row: DatasetRow, i: number) => void)[] = [];
  for (const column of datasetColumns(layout)) {
    const index = batch.schema.fields.findIndex((f) => f.name === column.name);
    if (index < 0) continue;
    const data = batch.getChildAt(index)!.data[0]!;
    const read = column.read as (row: DatasetRow, value: unknown) => void;
    const cell = cellReader(column.type, data);
    readers.push((row, i) => read(row, cell(i)));
  }
  const rows: DatasetRow[] = [];
  for (let i = 0; i < batch.numRows; i++) {
    const row = emptyRow(layout);
    for (const read of readers) read(row, i);
    rows.push(row);
  }
  return rows;
}

/**
 * Arrow JS's file writer puts the schema only in the footer, so its files do not embed a valid
 * IPC stream as the format requires (apache/arrow-js issue #51); readers that take the
 * stream path reject them. This writer adds the stream's Schema message after the leading
 * magic, as the C++/Rust writers do. Everything else (blocks, footer) is Arrow JS's own.
 */
class DatasetFileEncoder extends RecordBatchFileWriter {
  #chunks: Uint8Array[] = [];

  protected override _writeSchema(schema: Schema): this {
    super._writeSchema(schema); // magic + padding
    const stream = new RecordBatchStreamWriter().writeAll(new Table(schema)).toUint8Array(true);
    // A schema-only stream is the Schema message followed by the 8-byte end-of-stream marker.
    return this._write(stream.subarray(0, stream.byteLength - 8));
  }

  /*
   * Every byte the writer produces passes here. Arrow JS would queue it in an unbounded
   * in-memory stream; collecting it instead lets DatasetWriter hand each batch's bytes to the
   * disk itself and wait for them (back-pressure).
   */
  protected override _write(chunk: unknown): this {
    if (!this._started) return this;
    if (!ArrayBuffer.isView(chunk)) throw new Error('DatasetFileEncoder: expected bytes');
    if (chunk.byteLength > 0) {
      this.#chunks.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      this._position += chunk.byteLength;
    }
    return this;
  }

  /**
   * A copy of the bytes produced since the last call, as one buffer (a copy, because the
   * column builders reuse the buffers the chunks point into).
   */
  take(): Uint8Array {
    const chunks = this.#chunks;
    this.#chunks = [];
    return Buffer.concat(chunks);
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
  /** The search that chose the rows (`pipeline explore`): settings, trainings, archive grid, each elite's cell. */
  explore?: unknown;
}

/** The Arrow schema of a dataset with this layout and provenance. */
function datasetSchema(layout: DatasetLayout, meta: DatasetMetadata): Schema {
  const fields = datasetColumns(layout).map((c) => new Field(c.name, arrowType(c), c.nullable));
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
  if (meta.explore !== undefined) metadata.set(METADATA_KEYS.explore, JSON.stringify(meta.explore));
  return new Schema(fields, metadata);
}

/** Where a dataset's bytes go: by default its file, written atomically ({@link AtomicFile}). */
export interface ByteSink {
  /** Appends bytes; resolves when they are written (a slow disk resolves late). */
  write(bytes: Uint8Array): Promise<void>;
  /** Publishes what was written. */
  commit(): void;
  /** Discards what was written. */
  abort(): void;
}

function atomicFileSink(path: string): ByteSink {
  // AtomicFile reserves (and registers for interrupt cleanup) a temporary sibling and renames
  // it into place on commit: an interrupted or failed run leaves nothing under the final name.
  const file = new AtomicFile(path);
  return { write: (bytes) => file.writeAsync(bytes), commit: () => file.commit(), abort: () => file.abort() };
}

/** Options of {@link DatasetWriter}. */
export interface DatasetWriterOptions {
  /** Where the bytes go. @default the file at `path`, written atomically */
  sink?: ByteSink;
}

/**
 * Writes a dataset: the one writer every command uses. Rows go in by increasing sample_id;
 * record batches end at every multiple of {@link BATCH_ROWS} in sample_id (and where a gap in
 * the ids crosses one), so a file does not depend on workers or shards. Each complete batch is
 * encoded and written at once, and {@link add} resolves only when its bytes are written: a
 * caller that awaits every `add` holds at most one batch, however slow the disk
 * (back-pressure). {@link commit} publishes the file; until then nothing is under its name.
 */
export class DatasetWriter {
  readonly path: string;
  readonly schema: Schema;
  readonly layout: DatasetLayout;
  readonly #builders: ColumnBuilder[];
  readonly #encoder = new DatasetFileEncoder();
  readonly #sink: ByteSink;
  /** Rows in the batch being built, and the BATCH_ROWS block they belong to. */
  #batchRows = 0;
  #batchBlock = -1;
  #lastId = -1;
  /** Sink writes in order: each waits for the one before. */
  #written: Promise<void> = Promise.resolve();
  /** Rows added so far. */
  rows = 0;
  /** Bytes handed to the sink so far. */
  bytes = 0;

  constructor(path: string, layout: DatasetLayout, meta: DatasetMetadata, options: DatasetWriterOptions = {}) {
    this.path = path;
    this.layout = layout;
    this.#builders = datasetColumns(layout).map((c) => columnBuilder(c, BATCH_ROWS));
    this.schema = datasetSchema(layout, meta);
    this.#sink = options.sink ?? atomicFileSink(path);
    // Start with the schema so that even a dataset of zero rows is a valid file, and so that
    // an unfinished file says what it is (dataset/shards.ts reads it to name killed shards).
    this.#encoder.reset(undefined, this.schema);
    // A failure is seen by the next add() or commit(), which wait for this write.
    this.#write().catch(() => undefined);
  }

  /**
   * Adds a row (sample_id greater than every row before). Resolves at once unless the row
   * completed a batch; then when that batch's bytes are written.
   */
  async add(row: DatasetRow): Promise<void> {
    if (row.sampleId <= this.#lastId) throw new Error(`DatasetWriter: sample ${row.sampleId} after ${this.#lastId} (rows must come in increasing sample_id)`);
    this.#lastId = row.sampleId;
    const block = Math.floor(row.sampleId / BATCH_ROWS);
    if (this.#batchRows && block !== this.#batchBlock) await this.#flush();
    this.#batchBlock = block;
    for (const builder of this.#builders) builder.append(row);
    this.#batchRows++;
    this.rows++;
    if ((row.sampleId + 1) % BATCH_ROWS === 0) await this.#flush();
  }

  /** Writes the pending rows, the footer, and publishes the file. */
  async commit(): Promise<void> {
    await this.#flush();
    this.#encoder.close(); // the footer
    await this.#write();
    this.#sink.commit();
  }

  /** Discards everything written so far. */
  async abort(): Promise<void> {
    await this.#written.catch(() => undefined);
    this.#sink.abort();
  }

  async #flush(): Promise<void> {
    if (this.#batchRows) {
      const children = this.#builders.map((b) => b.finish());
      const struct = makeData({ type: new Struct(this.schema.fields), length: this.#batchRows, nullCount: 0, children });
      this.#encoder.write(new RecordBatch(this.schema, struct));
      this.#batchRows = 0;
    }
    await this.#write();
  }

  #write(): Promise<void> {
    const bytes = this.#encoder.take();
    this.bytes += bytes.byteLength;
    this.#written = this.#written.then(() => (bytes.byteLength ? this.#sink.write(bytes) : undefined));
    return this.#written;
  }
}

/** What a dataset's schema says: its columns, layout and parsed provenance. */
export interface DatasetHeader {
  path: string;
  schema: Schema;
  layout: DatasetLayout;
  meta: DatasetMetadata;
  /** Raw metadata map (strings), as stored. */
  rawMetadata: Map<string, string>;
}

/** A dataset read back: the table, its layout and its parsed provenance. */
export interface Dataset extends DatasetHeader {
  table: Table;
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

function cannotRead(path: string, error: unknown): InputError {
  return new InputError(`${path}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? String(error)})`, { cause: error });
}

/** `ARROW1`: the magic at both ends of an Arrow IPC file. */
const ARROW_MAGIC = Buffer.from('ARROW1');

/**
 * A file Arrow could not read: an IPC file cut short (the leading magic without the trailing
 * one: a copy, download or write that did not finish) says so; anything else is not an IPC file.
 */
function notArrow(path: string, error: unknown): InputError {
  let starts = false;
  let ends = false;
  let size = 0;
  try {
    const fd = openSync(path, 'r');
    try {
      size = fstatSync(fd).size;
      const head = Buffer.alloc(ARROW_MAGIC.length);
      const tail = Buffer.alloc(ARROW_MAGIC.length);
      starts = readSync(fd, head, 0, head.length, 0) === head.length && head.equals(ARROW_MAGIC);
      ends = size >= 2 * ARROW_MAGIC.length && readSync(fd, tail, 0, tail.length, size - tail.length) === tail.length && tail.equals(ARROW_MAGIC);
    } finally {
      closeSync(fd);
    }
  } catch {
    // unreadable now: say what Arrow said
  }
  if (starts && !ends) {
    return new InputError(`${path}: the file is truncated (${size} bytes of an Arrow IPC file whose end is missing: an interrupted copy, download or write?)`, {
      cause: error,
    });
  }
  return new InputError(`${path}: not an Arrow IPC file (${error instanceof Error ? error.message : String(error)})`, { cause: error });
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
    throw cannotRead(path, error);
  }
  let table: Table;
  try {
    table = tableFromIPC(bytes);
  } catch (error) {
    throw notArrow(path, error);
  }
  return { ...describeDataset(path, table.schema, required), table };
}

/**
 * Reads only the schema and provenance of a dataset (the file's footer and schema, not its
 * rows), with the checks of {@link readDataset}.
 * @throws InputError naming the file and what is wrong
 */
export async function readDatasetHeader(path: string, required: readonly string[] = []): Promise<DatasetHeader> {
  return withFileReader(path, (reader) => describeDataset(path, reader.schema, required));
}

/**
 * The rows of a dataset, one record batch at a time, read from disk as they are needed: memory
 * holds one batch whatever the file's size.
 */
export async function* readDatasetRows(header: DatasetHeader): AsyncGenerator<DatasetRow[]> {
  const handle = await open(header.path).catch((error: unknown) => {
    throw cannotRead(header.path, error);
  });
  try {
    const reader = await RecordBatchReader.from(handle);
    await reader.open();
    for await (const batch of reader) yield batchRows(batch, header.layout);
  } finally {
    await handle.close();
  }
}

async function withFileReader<T>(path: string, use: (reader: { schema: Schema }) => T): Promise<T> {
  const handle = await open(path).catch((error: unknown) => {
    throw cannotRead(path, error);
  });
  try {
    let reader: { schema: Schema };
    try {
      const opened = await RecordBatchReader.from(handle);
      reader = await opened.open();
    } catch (error) {
      throw notArrow(path, error);
    }
    return use(reader);
  } finally {
    await handle.close();
  }
}

/** Checks a dataset's schema and parses its layout and provenance. */
function describeDataset(path: string, schema: Schema, required: readonly string[]): DatasetHeader {
  if (!schema || schema.fields.length === 0) throw new InputError(`${path}: not an Arrow IPC file (no schema found)`);
  const metadata = schema.metadata;
  const version = metadata.get(METADATA_KEYS.formatVersion);
  if (version === undefined) {
    throw new InputError(
      `${path}: an Arrow file, but not a penvae dataset (no "${METADATA_KEYS.formatVersion}" in its schema metadata); make one with \`pipeline simulate --samples\` or \`pipeline baseline\``,
    );
  }
  if (version !== DATASET_FORMAT_VERSION) {
    throw new InputError(`${path}: dataset format version ${version}; this pipeline reads version ${DATASET_FORMAT_VERSION}`);
  }
  const names = new Set(schema.fields.map((f) => f.name));
  const missing = [...REQUIRED_COLUMNS, ...required].filter((c) => !names.has(c));
  if (missing.length) {
    throw new InputError(`${path}: dataset has no column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (columns: ${[...names].join(', ')})`);
  }
  const observables = parseJsonMeta<string[]>(metadata, METADATA_KEYS.observables, path);
  const parameters = parseJsonMeta<string[]>(metadata, METADATA_KEYS.parameters, path);
  const timeGrid = parseJsonMeta<TimeGridSpec>(metadata, METADATA_KEYS.timeGrid, path);
  const normalization = parseJsonMeta<NormalizationSpec>(metadata, METADATA_KEYS.normalization, path);
  const seriesField = schema.fields.find((f) => f.name === 'series');
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
  if (metadata.has(METADATA_KEYS.explore)) meta.explore = parseJsonMeta<unknown>(metadata, METADATA_KEYS.explore, path);
  return { path, schema, layout: { parameters, observables, rawLength: timeGrid.points, seriesLength }, meta, rawMetadata: metadata };
}

/** Reads the rows of a dataset back into {@link DatasetRow}s (for re-normalising). */
export function datasetRows(dataset: Dataset): DatasetRow[] {
  return dataset.table.batches.flatMap((batch) => batchRows(batch, dataset.layout));
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
 * Writes rows (any order) as a complete dataset, atomically, with {@link DatasetWriter}'s
 * batches, exactly as a sweep writes them.
 */
export async function writeDatasetRows(path: string, layout: DatasetLayout, meta: DatasetMetadata, rows: readonly DatasetRow[]): Promise<void> {
  const writer = new DatasetWriter(path, layout, meta);
  try {
    for (const row of [...rows].sort((a, b) => a.sampleId - b.sampleId)) await writer.add(row);
    await writer.commit();
  } catch (error) {
    await writer.abort();
    throw error;
  }
}
