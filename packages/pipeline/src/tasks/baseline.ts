import { InputError } from '../errors.js';
import { processOutput, type Output } from '../io/output.js';
import { PACKAGE_VERSION } from '../version.js';
import { DatasetWriter } from '../dataset/arrow.js';
import { BASELINE_PARAMETERS, generateBaselineRow, resolveBaselineSpec } from '../dataset/baseline.js';
import { fitGlobalScaling, normalizeRow, resolveNormalization } from '../dataset/normalize.js';
import type { DatasetLayout, NormalizationSpec, TimeGridSpec } from '../dataset/schema.js';

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
}

/**
 * Writes the paper's sin/sigmoid baseline as a dataset in the same schema as the simulated
 * sweeps (network `baseline`, family per row, one raw column `raw.y` on t in [0, 1]).
 */
export async function runBaseline(options: BaselineCommandOptions, output: Output = processOutput): Promise<{ rows: number; families: Record<string, number> }> {
  if (!options.out.toLowerCase().endsWith('.arrow')) throw new InputError(`--out ${options.out}: expected a .arrow file name`);
  const spec = resolveBaselineSpec(options);
  const grid: TimeGridSpec = { start: 0, step: 1 / (spec.length - 1), points: spec.length };
  const normalization = resolveNormalization({ length: spec.length, window: [0, 1], ...(options.scaling ? { scaling: options.scaling } : {}) }, ['y'], grid);
  // Global scaling needs the data first: generating twice costs less than holding every row.
  if (normalization.scaling === 'global') {
    const all = (function* () {
      for (let i = 0; i < spec.samples; i++) yield generateBaselineRow(spec, i);
    })();
    normalization.global = fitGlobalScaling(all, normalization, ['y'], grid);
  }
  const layout: DatasetLayout = { parameters: [...BASELINE_PARAMETERS], observables: ['y'], rawLength: spec.length, seriesLength: spec.length };
  const writer = new DatasetWriter(options.out, layout, { kind: 'baseline', packageVersion: PACKAGE_VERSION, sweep: spec, timeGrid: grid, normalization });
  const families: Record<string, number> = {};
  try {
    for (let i = 0; i < spec.samples; i++) {
      const row = generateBaselineRow(spec, i);
      normalizeRow(row, normalization, ['y'], grid);
      families[row.family] = (families[row.family] ?? 0) + 1;
      await writer.add(row);
    }
    await writer.commit();
  } catch (error) {
    await writer.abort();
    throw error;
  }
  output.err(`wrote ${options.out}: ${spec.samples} curves of ${spec.length} points (${Object.entries(families).map(([f, n]) => `${f} ${n}`).join(', ')}), seed ${spec.seed}`);
  return { rows: spec.samples, families };
}
