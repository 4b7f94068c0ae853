import type { TopLevelSpec } from 'vega-lite';
import { checkNotEmpty, checkSameLength, defaultColumns, finiteOrNull, facetLayout, uniqueNames, type LayerItem, type Series } from './data.js';

/** One panel of {@link buildReconstructionSpec}. */
export interface ReconstructionItem {
  /** Family or network of the input (used as the panel caption without `label`). */
  group: string;
  /** Panel caption, e.g. `sin #3 (rel. MSE 0.012)`. @default group */
  label?: string;
  /** Time points. */
  t: Series;
  /** The input curve. */
  input: Series;
  /** The model's reconstruction of it. */
  reconstruction: Series;
}

/** Options of {@link buildReconstructionSpec}. */
export interface ReconstructionOptions {
  /** Chart title. */
  title: string;
  /** Line under the title. */
  subtitle?: string;
  /** @default min(number of items, 4) */
  columns?: number;
  /** @default 'time' */
  xTitle?: string;
  /** @default 'value' */
  yTitle?: string;
  /**
   * Legend names of the two curves.
   * @default ['input', 'reconstruction']
   */
  seriesNames?: readonly [string, string];
  /** @default false */
  independentY?: boolean;
  /**
   * Let each panel choose its own x range (series of different time windows: minutes of
   * different networks, or the baseline's unit window).
   * @default false
   */
  independentX?: boolean;
  /** @default 200 */
  panelWidth?: number;
  /** @default 130 */
  panelHeight?: number;
}

/**
 * The paper's figure 4: each input drawn with its reconstruction on top, input solid and
 * reconstruction dashed in a second colour (one legend for both cues), one panel per item in
 * the order given.
 *
 * @throws PlotInputError on an empty list or series of different lengths.
 * @example
 *   buildReconstructionSpec([{ group: 'sin', t, input, reconstruction }], { title: 'VAE reconstructions' })
 */
export function buildReconstructionSpec(items: readonly ReconstructionItem[], options: ReconstructionOptions): TopLevelSpec {
  checkNotEmpty('buildReconstructionSpec', items);
  const [inputName, reconstructionName] = options.seriesNames ?? ['input', 'reconstruction'];
  const panels = uniqueNames(items.map((item) => item.label ?? item.group));
  const values: { panel: string; group: string; series: string; t: number | null; y: number | null }[] = [];
  items.forEach((item, k) => {
    const n = checkSameLength(`buildReconstructionSpec: item ${k} (group "${item.group}")`, {
      t: item.t,
      input: item.input,
      reconstruction: item.reconstruction,
    });
    const panel = panels[k]!;
    for (let i = 0; i < n; i++) {
      const t = finiteOrNull(item.t[i]!);
      values.push({ panel, group: item.group, series: inputName, t, y: finiteOrNull(item.input[i]!) });
    }
    for (let i = 0; i < n; i++) {
      const t = finiteOrNull(item.t[i]!);
      values.push({ panel, group: item.group, series: reconstructionName, t, y: finiteOrNull(item.reconstruction[i]!) });
    }
  });
  const series = [inputName, reconstructionName];
  const panel: LayerItem = {
    mark: { type: 'line', clip: true, strokeWidth: 2 },
    encoding: {
      x: { field: 't', type: 'quantitative', title: options.xTitle ?? 'time' },
      y: { field: 'y', type: 'quantitative', title: options.yTitle ?? 'value', axis: { tickCount: 5 } },
      color: {
        field: 'series',
        type: 'nominal',
        title: null,
        scale: { domain: series, range: ['#4e79a7', '#e15759'] },
        legend: { orient: 'top', symbolType: 'stroke', symbolSize: 300 },
      },
      strokeDash: {
        field: 'series',
        type: 'nominal',
        title: null,
        scale: {
          domain: series,
          range: [
            [1, 0],
            [6, 3],
          ],
        },
      },
    },
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: options.subtitle === undefined ? options.title : { text: options.title, subtitle: options.subtitle },
    data: { values },
    columns: options.columns ?? defaultColumns(items.length, 4),
    facet: { field: 'panel', type: 'nominal', title: null, sort: panels },
    ...facetLayout(panel, options, 130),
  };
}
