import type { TopLevelSpec } from 'vega-lite';
import { PlotInputError } from './errors.js';
import { checkNotEmpty, defaultColumns, distinct, HEADER_SPACER } from './data.js';

/** One bar of {@link buildMetricBarsSpec}. */
export interface MetricBarRow {
  /** Model, e.g. `VAE` or `PCA` (bar colour). */
  model: string;
  /** Metric, e.g. `relative MSE` (one panel each, own y scale). */
  metric: string;
  /** Optional sub-grouping on the x axis, e.g. family or network. */
  group?: string;
  /** The metric's value (non-finite values are left out). */
  value: number;
}

/** Options of {@link buildMetricBarsSpec}. */
export interface MetricBarsOptions {
  /** Chart title. */
  title: string;
  /** Line under the title. */
  subtitle?: string;
  /**
   * Log y axes: for metrics spanning decades (errors). Non-positive values are left out.
   * @default false
   */
  logScale?: boolean;
  /**
   * Print each value above its bar (3 significant digits).
   * @default true
   */
  labels?: boolean;
  /** @default min(number of metrics, 3) */
  columns?: number;
  /** @default 40 per x category (group or model), at least 160 */
  panelWidth?: number;
  /** @default 160 */
  panelHeight?: number;
}

/**
 * Grouped bar chart of metrics, e.g. VAE vs PCA: one panel per metric (independent y), x =
 * group (or model when no row has a group), bars side by side per model in a shared colour.
 * Order everywhere is order of first appearance. Non-finite values are left out.
 *
 * @throws PlotInputError on an empty list or when nothing plottable is left.
 * @example
 *   buildMetricBarsSpec([{ model: 'VAE', metric: 'MMD²', value: 0.01 }, { model: 'PCA', metric: 'MMD²', value: 0.04 }],
 *     { title: 'VAE vs PCA' })
 */
export function buildMetricBarsSpec(rows: readonly MetricBarRow[], options: MetricBarsOptions): TopLevelSpec {
  checkNotEmpty('buildMetricBarsSpec', rows);
  const grouped = rows.some((r) => r.group !== undefined);
  const values = rows
    .filter((r) => Number.isFinite(r.value) && !(options.logScale && r.value <= 0))
    .map((r) => ({ model: r.model, metric: r.metric, group: r.group ?? '', value: r.value }));
  if (values.length === 0) {
    throw new PlotInputError(`buildMetricBarsSpec: no finite${options.logScale ? ', positive' : ''} values to plot among ${rows.length} rows.`);
  }
  const models = distinct(rows.map((r) => r.model));
  const metrics = distinct(values.map((r) => r.metric));
  const groups = distinct(values.map((r) => r.group));
  const categories = grouped ? groups.length * models.length : models.length;
  const xField = grouped ? 'group' : 'model';
  const x = {
    field: xField,
    type: 'nominal' as const,
    title: null,
    sort: grouped ? groups : models,
    axis: { labelAngle: 0, labelLimit: 90 },
  };
  const xOffset = grouped ? { xOffset: { field: 'model', type: 'nominal' as const, sort: models } } : {};
  const color = { field: 'model', type: 'nominal' as const, title: 'model', sort: models };
  const y = {
    field: 'value',
    type: 'quantitative' as const,
    title: null,
    // No stacking: a stack starts at 0, which a log scale cannot show.
    stack: null,
    scale: options.logScale ? { type: 'log' as const } : { zero: true },
    axis: options.logScale ? {} : { tickCount: 5 },
  };
  const isBar = { filter: "datum.kind === 'bar'" };
  const bar = { transform: [isBar], mark: { type: 'bar' as const }, encoding: { x, y, ...xOffset, color } };
  const text = {
    transform: [isBar],
    mark: { type: 'text' as const, baseline: 'bottom' as const, dy: -2, fontSize: 9, color: '#333333' },
    encoding: { x, y, ...xOffset, text: { field: 'value', type: 'quantitative' as const, format: '.3~g' } },
  };
  // Invisible points that stretch each panel's own y domain: headroom for the value labels
  // (a label at the top would spill out of the panel), and room below the smallest bar on a
  // log axis, where bars start at the bottom of the axis rather than at 0.
  const pad = { transform: [{ filter: "datum.kind === 'pad'" }], mark: { type: 'point' as const, opacity: 0 }, encoding: { y } };
  const padding = metrics.flatMap((metric) =>
    paddedDomain(
      values.filter((v) => v.metric === metric).map((v) => v.value),
      options.logScale === true,
    ).map((value) => ({ kind: 'pad', model: '', metric, group: '', value })),
  );
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: options.subtitle === undefined ? options.title : { text: options.title, subtitle: options.subtitle },
    data: { values: [...values.map((v) => ({ kind: 'bar', ...v })), ...padding] },
    columns: options.columns ?? defaultColumns(metrics.length, 3),
    facet: { field: 'metric', type: 'nominal', title: null, sort: metrics },
    spec: {
      width: options.panelWidth ?? Math.max(160, 40 * categories),
      height: options.panelHeight ?? 160,
      layer: options.labels === false ? [bar, pad, HEADER_SPACER] : [bar, text, pad, HEADER_SPACER],
    },
    resolve: { scale: { y: 'independent' } },
  };
}

/**
 * Ends of one metric's axis: linear from min(0, values) to max(0, values) widened by 12 % at
 * the open ends; log from min/2 to 2 max, so the smallest bar keeps a visible height.
 */
function paddedDomain(values: readonly number[], log: boolean): [number, number] {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  if (log) return [lo / 2, hi * 2];
  const low = Math.min(0, lo);
  const high = Math.max(0, hi);
  const span = high - low || 1;
  return [low < 0 ? low - 0.12 * span : 0, high > 0 ? high + 0.12 * span : 0];
}
