import { yieldToEventLoop } from '../check-options.js';
import { InputError } from '../errors.js';
import { checkOutputPath } from '../io/atomic.js';
import { processOutput, type Output } from '../io/output.js';
import { datasetRows, readDataset, writeDatasetRows } from '../dataset/arrow.js';
import { fitGlobalScaling, normalizeRow, resolveNormalization, type NormalizeOptions } from '../dataset/normalize.js';
import { RAW_PREFIX } from '../dataset/schema.js';

/** Options of {@link runNormalize} (`pipeline normalize in.arrow --out out.arrow ...`). */
export interface NormalizeCommandOptions extends NormalizeOptions {
  input: string;
  out: string;
  /** Stops the run (Ctrl-C) before the output is written. */
  signal?: AbortSignal;
}

/** What {@link runNormalize} wrote. */
export interface NormalizeCommandResult {
  path: string;
  rows: number;
  /** The normalisation now recorded in the file. */
  normalization: ReturnType<typeof resolveNormalization>;
}

/**
 * Recomputes the normalised `series` (and behaviour labels) of an existing dataset from its
 * raw columns: another strand, window, length or scaling. What is not given is kept as the
 * file records it (a re-run with only `--window` keeps its length and scaling). Everything
 * else is kept; the normalisation metadata is replaced. Writing is atomic, so `--out` may be
 * the input itself.
 */
export async function runNormalize(options: NormalizeCommandOptions, output: Output = processOutput): Promise<NormalizeCommandResult> {
  if (!options.out.toLowerCase().endsWith('.arrow')) throw new InputError(`--out ${options.out}: expected a .arrow file name`);
  checkOutputPath(options.out, '--out');
  const dataset = readDataset(options.input, []);
  const { layout, meta } = dataset;
  if (layout.observables.length === 0) throw new InputError(`${options.input}: dataset has no raw.<name> columns to normalise from`);
  const missing = layout.observables.filter((o) => !dataset.table.getChild(`${RAW_PREFIX}${o}`));
  if (missing.length) throw new InputError(`${options.input}: dataset has no column ${missing.map((m) => RAW_PREFIX + m).join(', ')}`);
  const recorded = meta.normalization;
  const spec = resolveNormalization(
    {
      strand: options.strand ?? recorded.strand,
      // Another strand keeps the window: both are on the same time grid.
      window: options.window ?? recorded.window,
      length: options.length ?? recorded.length,
      scaling: options.scaling ?? recorded.scaling,
    },
    layout.observables,
    meta.timeGrid,
  );
  const rows = datasetRows(dataset);
  if (spec.scaling === 'global') spec.global = fitGlobalScaling(rows, spec, layout.observables, meta.timeGrid);
  for (const row of rows) normalizeRow(row, spec, layout.observables, meta.timeGrid);
  await yieldToEventLoop(options.signal);
  const newLayout = { ...layout, seriesLength: spec.length };
  await writeDatasetRows(options.out, newLayout, { ...meta, normalization: spec }, rows);
  output.err(
    `wrote ${options.out}: ${rows.length} rows, series of ${spec.strand} over [${spec.window.join(', ')}] resampled to ${spec.length} points, ${spec.scaling} scaling${spec.global ? ` (offset ${spec.global.offset}, scale ${spec.global.scale})` : ''}`,
  );
  return { path: options.out, rows: rows.length, normalization: spec };
}
