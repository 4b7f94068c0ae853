import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { InputError } from '../errors.js';
import { permutation, deriveIndexedSeed } from '../random.js';
import { readDataset, type Dataset } from './arrow.js';
import { expandDatasetPaths, orderShardSets } from './shards.js';

/** One dataset a model was trained or evaluated on, as recorded in run.json. */
export interface DatasetRecord {
  /** As given on the command line. */
  path: string;
  /** Resolved, so the run can find its data from another working directory. */
  absolutePath: string;
  /** SHA-256 of the file, to notice a dataset replaced under the same name. */
  sha256: string;
  kind: string;
  rows: number;
  /** Rows with a normalised series (converged). */
  used: number;
  /** Rows skipped because the simulation failed. */
  skipped: number;
  seriesLength: number;
  normalization: unknown;
}

/** Normalised series (n x L, row-major) with the labels of each row. */
interface SeriesWithLabels {
  x: Float32Array;
  n: number;
  length: number;
  family: string[];
  behaviour: string[];
  network: string[];
  /** Period and peak-to-trough amplitude of the raw series in the window (minutes, nM), null unless it oscillates. */
  period: (number | null)[];
  amplitude: (number | null)[];
}

/** Normalised series of one or more datasets, with their labels and where each row came from. */
export interface LabelledSeries extends SeriesWithLabels {
  /** [dataset index, sample_id] of each row. */
  refs: [number, number][];
  datasets: DatasetRecord[];
  /** The datasets as read (tables kept for figures). */
  tables: Dataset[];
}

/** SHA-256 of a file, hex. */
export function hashFile(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/**
 * Reads the normalised series of every converged row of the given datasets (files, or folders
 * of them), checking that they share one series length. The shards of a sweep count as its
 * merged file: every shard must be there, and rows come in the merged file's order. Failed rows
 * are skipped and counted.
 * @throws InputError for unreadable files, missing columns, mixed lengths, or no usable rows
 */
export function loadLabelledSeries(paths: readonly string[], label = '--data'): LabelledSeries {
  if (paths.length === 0) throw new InputError(`${label}: give at least one dataset (.arrow)`);
  // Shards of a sweep (--shard i/n, e.g. a `pipeline slurm` folder's shards/) read as the
  // merged file would: all of them, in sample order.
  const read = expandDatasetPaths(paths).map((p) => readDataset(p, ['series']));
  let tables: Dataset[];
  try {
    tables = orderShardSets(read);
  } catch (error) {
    throw error instanceof InputError ? new InputError(`${label}: ${error.message}`, { cause: error }) : error;
  }
  const lengths = new Set(tables.map((t) => t.layout.seriesLength));
  if (lengths.size > 1) {
    throw new InputError(
      `${label}: the datasets have different series lengths (${tables.map((t) => `${t.path}: ${t.layout.seriesLength}`).join(', ')}); ` +
        'normalise them to one length first, e.g. `pipeline normalize <file> --length 128 --out <file>`',
    );
  }
  const length = [...lengths][0]!;
  const family: string[] = [];
  const behaviour: string[] = [];
  const network: string[] = [];
  const period: (number | null)[] = [];
  const amplitude: (number | null)[] = [];
  const refs: [number, number][] = [];
  const chunks: Float32Array[] = [];
  const datasets: DatasetRecord[] = [];
  tables.forEach((d, di) => {
    const { table } = d;
    const outcome = table.getChild('outcome')!;
    const series = table.getChild('series')!;
    const ids = table.getChild('sample_id')!;
    const fam = table.getChild('family')!;
    const net = table.getChild('network')!;
    const beh = table.getChild('behaviour');
    const per = table.getChild('period');
    const amp = table.getChild('amplitude');
    const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
    let used = 0;
    for (let i = 0; i < table.numRows; i++) {
      if (outcome.get(i) !== 'converged' || !series.isValid(i)) continue;
      chunks.push(Float32Array.from(series.get(i) as Iterable<number>));
      family.push(String(fam.get(i)));
      network.push(String(net.get(i)));
      behaviour.push(String(beh?.get(i) ?? 'unlabelled'));
      period.push(num(per?.get(i)));
      amplitude.push(num(amp?.get(i)));
      refs.push([di, Number(ids.get(i))]);
      used++;
    }
    datasets.push({
      path: d.path,
      absolutePath: resolve(d.path),
      sha256: hashFile(d.path),
      kind: d.meta.kind,
      rows: table.numRows,
      used,
      skipped: table.numRows - used,
      seriesLength: length,
      normalization: d.meta.normalization,
    });
  });
  const n = chunks.length;
  if (n === 0) throw new InputError(`${label}: no converged rows with a normalised series in ${paths.join(', ')}`);
  const x = new Float32Array(n * length);
  chunks.forEach((c, i) => x.set(c, i * length));
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]!))
      throw new InputError(
        `${tables[refs[Math.floor(i / length)]![0]]!.path}: sample ${refs[Math.floor(i / length)]![1]} has a non-finite value in its series`,
      );
  }
  return { x, n, length, family, behaviour, network, period, amplitude, refs, datasets, tables };
}

/** The rows of a labelled set picked by index. */
function subset(data: LabelledSeries, idx: ArrayLike<number>): SeriesWithLabels & { refs: [number, number][] } {
  const pick = <T>(a: T[]) => Array.from(idx, (i) => a[i]!);
  return {
    x: takeRows(data.x, data.length, idx),
    n: idx.length,
    length: data.length,
    family: pick(data.family),
    behaviour: pick(data.behaviour),
    network: pick(data.network),
    period: pick(data.period),
    amplitude: pick(data.amplitude),
    refs: pick(data.refs),
  };
}

/** A set of labelled series to evaluate a model on, with the time axis of each row. */
export interface EvalSet extends SeriesWithLabels {
  /** Short name used in tables, e.g. `sim test` or `osc.arrow`. */
  name: string;
  /** Which run's test split it is (undefined for an extra dataset). */
  fromRun?: string;
  /** Time points of each row's series (its dataset's normalisation window, resampled). */
  times: number[][];
}

/** Time points of a dataset's normalised series: its window, resampled to L points. */
function seriesTimes(data: LabelledSeries, datasetIndex: number): number[] {
  const [t0, t1] = data.tables[datasetIndex]!.meta.normalization.window;
  const L = data.length;
  return Array.from({ length: L }, (_, j) => t0 + ((t1 - t0) * j) / (L - 1));
}

/** The rows `idx` of a labelled set as an {@link EvalSet}. */
export function evalSetOf(data: LabelledSeries, idx: ArrayLike<number>, name: string, fromRun?: string): EvalSet {
  const s = subset(data, idx);
  const perDataset = data.tables.map((_, d) => seriesTimes(data, d));
  const times = s.refs.map(([d]) => perDataset[d]!);
  const { refs: _refs, ...rest } = s;
  return { name, ...(fromRun ? { fromRun } : {}), ...rest, times };
}

/** A seeded train / validation / test split, as row indices into a {@link LabelledSeries}. */
export interface Split {
  train: Int32Array;
  validation: Int32Array;
  test: Int32Array;
}

/**
 * Splits rows at random (seeded) into train, validation and test by the given fractions
 * (which must sum to 1). Depends only on the seed and the number of rows.
 * @throws InputError if a fraction is out of range or the training split is empty
 */
export function splitRows(n: number, fractions: [number, number, number], seed: number): Split {
  const [ft, fv, fs] = fractions;
  if (fractions.some((f) => !(f >= 0 && f <= 1)) || Math.abs(ft + fv + fs - 1) > 1e-9) {
    throw new InputError(`--split ${fractions.join(',')}: expected three fractions train,validation,test that sum to 1, e.g. 0.8,0.1,0.1`);
  }
  const order = permutation(n, deriveIndexedSeed(seed, 0x53504c54));
  const nTrain = Math.round(ft * n);
  const nVal = Math.round(fv * n);
  const train = order.slice(0, nTrain).sort();
  const validation = order.slice(nTrain, nTrain + nVal).sort();
  const test = order.slice(nTrain + nVal).sort();
  if (train.length === 0) throw new InputError(`--split ${fractions.join(',')}: the training split of ${n} rows is empty`);
  return { train, validation, test };
}

/** The rows `indices` of a row-major matrix, as a new matrix. */
export function takeRows(x: Float32Array, length: number, indices: ArrayLike<number>): Float32Array {
  const out = new Float32Array(indices.length * length);
  for (let k = 0; k < indices.length; k++) out.set(x.subarray(indices[k]! * length, (indices[k]! + 1) * length), k * length);
  return out;
}
