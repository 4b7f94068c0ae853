import { yieldToEventLoop } from '../check-options.js';
import { InputError } from '../errors.js';
import { checkOutputPath } from '../io/atomic.js';
import { processOutput, type Output } from '../io/output.js';
import { PACKAGE_VERSION } from '../version.js';
import { DatasetWriter } from '../dataset/arrow.js';
import { BASELINE_PARAMETERS, generateBaselineRow, resolveBaselineSpec } from '../dataset/baseline.js';
import { normalizeRow, resampleSeries, resolveNormalization } from '../dataset/normalize.js';
import { Progress } from '../dataset/progress.js';
import { BATCH_ROWS, type DatasetLayout, type NormalizationSpec, type TimeGridSpec } from '../dataset/schema.js';
import { checkDatasetSize, estimateRowBytes } from '../dataset/size-limits.js';

/** Options of {@link runBaseline} (`pipeline baseline`). */
export interface BaselineCommandOptions {
  samples: number;
  /** Points per curve (and the normalised length). @default 128 */
  length?: number;
  /** @default 1 */
  seed?: number;
  out: string;
  /** Families to draw from. @default all: sin, sigmoid, sin+sigmoid */
  families?: string[];
  /** @default 'minmax' */
  scaling?: NormalizationSpec['scaling'];
  /** Show progress. @default true */
  progress?: boolean;
  /** Stops the run (Ctrl-C): nothing is left under `out`. */
  signal?: AbortSignal;
}

/** What {@link runBaseline} wrote. */
export interface BaselineCommandResult {
  path: string;
  rows: number;
  /** Rows per family. */
  families: Record<string, number>;
}

/**
 * Writes the paper's sin/sigmoid baseline as a dataset in the same schema as the simulated
 * sweeps (network `baseline`, family per row, one raw column `raw.y` on t in [0, 1]).
 */
export async function runBaseline(options: BaselineCommandOptions, output: Output = processOutput): Promise<BaselineCommandResult> {
  if (!options.out.toLowerCase().endsWith('.arrow')) throw new InputError(`--out ${options.out}: expected a .arrow file name`);
  checkOutputPath(options.out, '--out');
  const spec = resolveBaselineSpec(options);
  const { signal } = options;
  const layout: DatasetLayout = { parameters: [...BASELINE_PARAMETERS], observables: ['y'], rawLength: spec.length, seriesLength: spec.length };
  checkDatasetSize(spec.samples, estimateRowBytes(layout), options.out);
  const grid: TimeGridSpec = { start: 0, step: 1 / (spec.length - 1), points: spec.length };
  const normalization = resolveNormalization({ length: spec.length, window: [0, 1], ...(options.scaling ? { scaling: options.scaling } : {}) }, ['y'], grid);
  // Global scaling needs the data first: generating twice costs less than holding every row.
  // Same min and max as fitGlobalScaling, taken batch by batch so Ctrl-C gets through.
  if (normalization.scaling === 'global') {
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < spec.samples; i++) {
      for (const v of resampleSeries(generateBaselineRow(spec, i).raw[0]!, grid, normalization.window, normalization.length)) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
      if ((i + 1) % BATCH_ROWS === 0) await yieldToEventLoop(signal);
    }
    normalization.global = { offset: min, scale: max > min ? max - min : 1 };
  }
  const writer = new DatasetWriter(options.out, layout, { kind: 'baseline', packageVersion: PACKAGE_VERSION, sweep: spec, timeGrid: grid, normalization });
  const families: Record<string, number> = {};
  const progress = options.progress === false ? undefined : new Progress(output, 'baseline', spec.samples);
  try {
    for (let i = 0; i < spec.samples; i++) {
      const row = generateBaselineRow(spec, i);
      normalizeRow(row, normalization, ['y'], grid);
      families[row.family] = (families[row.family] ?? 0) + 1;
      await writer.add(row);
      if ((i + 1) % BATCH_ROWS === 0) {
        progress?.update(i + 1);
        // Lets Ctrl-C through between batches.
        await yieldToEventLoop(signal);
      }
    }
    progress?.finish();
    await yieldToEventLoop(signal);
    await writer.commit();
  } catch (error) {
    await writer.abort();
    throw error;
  }
  output.err(
    `wrote ${options.out}: ${spec.samples} curves of ${spec.length} points (${Object.entries(families)
      .map(([f, n]) => `${f} ${n}`)
      .join(', ')}), seed ${spec.seed}`,
  );
  return { path: options.out, rows: spec.samples, families };
}
