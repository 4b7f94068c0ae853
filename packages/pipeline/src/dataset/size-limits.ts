import { statfsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InputError } from '../errors.js';
import { BATCH_ROWS } from './schema.js';

/** Most rows of a dataset: `sample_id` is an int32 column. */
const MAX_DATASET_ROWS = 2 ** 31 - 1;

/**
 * Most bytes of one row's series. A writer holds a record batch ({@link BATCH_ROWS} rows) and
 * a sweep's reorder window (at least as many again) in memory, so rows past this size would
 * take gigabytes before the first byte reaches the disk.
 */
const MAX_ROW_BYTES = 2 ** 21;

/** Bytes of one row: its float32 series and the fixed columns (about 100 bytes of ids, labels and statistics). */
export function estimateRowBytes(layout: { rawLength: number; observables: readonly unknown[]; seriesLength: number; parameters: readonly unknown[] }): number {
  return 4 * (layout.rawLength * layout.observables.length + layout.seriesLength) + 8 * (layout.parameters.length + 5) + 100;
}

function formatBytes(bytes: number): string {
  const units = ['bytes', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let u = 0;
  let v = bytes;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${u === 0 ? v : v.toPrecision(3)} ${units[u]}`;
}

/**
 * Refuses a dataset that cannot be written, before any work starts: more rows than the format
 * holds, rows too large to batch in memory, or a file larger than the free space of the disk
 * that would hold `out`.
 * @throws InputError naming the flag, the limit and why
 */
export function checkDatasetSize(rows: number, rowBytes: number, out: string, samplesFlag = '--samples'): void {
  if (rows > MAX_DATASET_ROWS) {
    throw new InputError(
      `${samplesFlag} ${rows}: a dataset holds at most ${MAX_DATASET_ROWS} rows (sample_id is a 32-bit integer); split the sweep with --shard`,
    );
  }
  if (rowBytes > MAX_ROW_BYTES) {
    throw new InputError(
      `each row would hold ${formatBytes(rowBytes)} of series, more than the ${formatBytes(MAX_ROW_BYTES)} a dataset row may have ` +
        `(writing keeps ~${2 * BATCH_ROWS} rows in memory); use a larger --step, a smaller --t-end or fewer observed strands`,
    );
  }
  const bytes = rows * rowBytes;
  let free: number | undefined;
  try {
    const fs = statfsSync(dirname(resolve(out)));
    free = fs.bavail * fs.bsize;
  } catch {
    // the folder is created on write (checked elsewhere); its disk is the working directory's
    try {
      const fs = statfsSync(process.cwd());
      free = fs.bavail * fs.bsize;
    } catch {
      free = undefined;
    }
  }
  if (free !== undefined && bytes > free) {
    throw new InputError(
      `${samplesFlag} ${rows}: the dataset would take about ${formatBytes(bytes)} (${formatBytes(rowBytes)} per row), ` +
        `but the disk holding ${out} has ${formatBytes(free)} free; use fewer samples or split them with --shard`,
    );
  }
}
