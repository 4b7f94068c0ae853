import type { TopLevelSpec } from 'vega-lite';
import { PlotInputError } from './errors.js';
import { checkNotEmpty, defaultColumns, distinct, HEADER_SPACER, type LayerItem } from './data.js';

/**
 * One epoch of one training run. Every other numeric field is a loss term: `loss`, `recon`,
 * `kl`, ...; a field named `val<Term>` (e.g. `valLoss`) is the validation value of `<term>`
 * and is drawn dashed in the same panel.
 */
export interface TrainingHistoryRow {
  /** Run name (line colour), e.g. `beta=1`. */
  run: string;
  /** Epoch number (x axis). */
  epoch: number;
  /** Loss terms; non-numeric fields (other than run) are ignored. */
  [term: string]: string | number | null | undefined;
}

/** Options of {@link buildTrainingCurvesSpec}. */
export interface TrainingCurvesOptions {
  /** Chart title. */
  title: string;
  /** Line under the title. */
  subtitle?: string;
  /**
   * Which terms get a panel, in order (training names, e.g. `['loss', 'recon', 'kl']`).
   * @default every term found, in order of first appearance
   */
  terms?: readonly string[];
  /**
   * Log y axes (non-positive values are then left out).
   * @default false
   */
  logY?: boolean;
  /** @default min(number of terms, 3) */
  columns?: number;
  /** @default 220 */
  panelWidth?: number;
  /** @default 150 */
  panelHeight?: number;
}

/**
 * Training curves: one panel per loss term (independent y), one colour per run, training
 * solid and validation dashed. Non-finite values (a diverged epoch) are left out.
 *
 * @throws PlotInputError on an empty history, no numeric terms, or an unknown `terms` entry.
 * @example
 *   buildTrainingCurvesSpec(history, { title: 'VAE training', terms: ['loss', 'recon', 'kl'] })
 */
export function buildTrainingCurvesSpec(history: readonly TrainingHistoryRow[], options: TrainingCurvesOptions): TopLevelSpec {
  checkNotEmpty('buildTrainingCurvesSpec', history);
  const values: { run: string; epoch: number; term: string; split: string; value: number }[] = [];
  for (const row of history) {
    for (const [key, value] of Object.entries(row)) {
      if (key === 'run' || key === 'epoch' || typeof value !== 'number') continue;
      const validation = /^val([A-Z].*)$/.exec(key);
      const term = validation ? validation[1]!.charAt(0).toLowerCase() + validation[1]!.slice(1) : key;
      if (!Number.isFinite(value) || (options.logY && value <= 0)) continue;
      values.push({ run: row.run, epoch: row.epoch, term, split: validation ? 'validation' : 'training', value });
    }
  }
  const found = distinct(values.map((v) => v.term));
  if (found.length === 0) {
    throw new PlotInputError('buildTrainingCurvesSpec: no numeric loss terms besides run and epoch (e.g. loss, recon, kl).');
  }
  const terms = options.terms ? [...options.terms] : found;
  const unknown = terms.filter((t) => !found.includes(t));
  if (unknown.length > 0) {
    throw new PlotInputError(`buildTrainingCurvesSpec: option "terms" names ${unknown.join(', ')}, not in the history (found: ${found.join(', ')}).`);
  }
  const splits = distinct(values.map((v) => v.split)).sort((a, b) => (a === 'training' ? -1 : b === 'training' ? 1 : 0));
  const curves: LayerItem = {
    mark: { type: 'line', clip: true },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', title: 'epoch', axis: { tickMinStep: 1 } },
      y: {
        field: 'value',
        type: 'quantitative',
        title: null,
        scale: options.logY ? { type: 'log' } : { zero: false },
        axis: { tickCount: 5 },
      },
      color: { field: 'run', type: 'nominal', title: 'run', sort: distinct(values.map((v) => v.run)) },
      strokeDash: {
        field: 'split',
        type: 'nominal',
        title: null,
        sort: splits,
        scale: { domain: splits, range: splits.map((s) => (s === 'training' ? [1, 0] : [5, 3])) },
        legend: splits.length > 1 ? { symbolType: 'stroke', symbolStrokeColor: '#555555' } : null,
      },
    },
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: options.subtitle === undefined ? options.title : { text: options.title, subtitle: options.subtitle },
    data: { values: values.filter((v) => terms.includes(v.term)) },
    columns: options.columns ?? defaultColumns(terms.length, 3),
    facet: { field: 'term', type: 'nominal', title: null, sort: terms },
    spec: {
      width: options.panelWidth ?? 220,
      height: options.panelHeight ?? 150,
      layer: [curves, HEADER_SPACER],
    },
    resolve: { scale: { y: 'independent' } },
  };
}
