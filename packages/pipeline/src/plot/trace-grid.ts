import type { TopLevelSpec } from 'vega-lite';
import { checkNotEmpty, checkSameLength, defaultColumns, distinct, finiteOrNull, facetLayout, type LayerItem, type Series } from './data.js';

/** One trace of {@link buildTraceGridSpec}. */
export interface TraceRow {
  /** Panel the trace goes to (a family such as `sin`, or a network such as `oscillator`). */
  group: string;
  /** Legend entry (e.g. the species); traces without labels get no legend. */
  label?: string;
  /** Time points. */
  t: Series;
  /** Values at those time points (non-finite values leave gaps). */
  y: Series;
}

/** Options of {@link buildTraceGridSpec}. */
export interface TraceGridOptions {
  /** Chart title. */
  title: string;
  /** Line under the title. */
  subtitle?: string;
  /**
   * Panels per row.
   * @default min(number of groups, 4)
   */
  columns?: number;
  /** @default 'time' */
  xTitle?: string;
  /** @default 'value' */
  yTitle?: string;
  /** @default 'trace' */
  colorTitle?: string;
  /**
   * Let each panel choose its own y range (for networks of different concentration scales).
   * @default false
   */
  independentY?: boolean;
  /**
   * Let each panel choose its own x range (series of different time windows: minutes of
   * different networks, or the baseline's unit window).
   * @default false
   */
  independentX?: boolean;
  /** @default 200 */
  panelWidth?: number;
  /** @default 120 */
  panelHeight?: number;
}

/**
 * The paper's figure 3: example traces as small multiples, one panel per group in order of
 * first appearance, several traces per panel. Traces are coloured by `label` (legend) or,
 * without labels, by their index within the group (no legend).
 *
 * @throws PlotInputError on an empty list or a trace whose t and y differ in length.
 * @example
 *   buildTraceGridSpec([{ group: 'sin', t, y: a }, { group: 'sigmoid', t, y: b }], { title: 'Example traces' })
 */
export function buildTraceGridSpec(rows: readonly TraceRow[], options: TraceGridOptions): TopLevelSpec {
  checkNotEmpty('buildTraceGridSpec', rows);
  const labelled = rows.some((r) => r.label !== undefined);
  const perGroup = new Map<string, number>();
  const values: { group: string; trace: number; label: string; t: number | null; y: number | null }[] = [];
  rows.forEach((row, trace) => {
    const n = checkSameLength(`buildTraceGridSpec: trace ${trace} (group "${row.group}")`, { t: row.t, y: row.y });
    const index = (perGroup.get(row.group) ?? 0) + 1;
    perGroup.set(row.group, index);
    const label = row.label ?? `#${index}`;
    for (let i = 0; i < n; i++) {
      values.push({ group: row.group, trace, label, t: finiteOrNull(row.t[i]!), y: finiteOrNull(row.y[i]!) });
    }
  });
  const groups = [...perGroup.keys()];
  const labels = distinct(values.map((v) => v.label));
  const panel: LayerItem = {
    mark: { type: 'line', clip: true },
    encoding: {
      x: { field: 't', type: 'quantitative', title: options.xTitle ?? 'time' },
      y: { field: 'y', type: 'quantitative', title: options.yTitle ?? 'value', axis: { tickCount: 5 } },
      color: {
        field: 'label',
        type: 'nominal',
        sort: labels,
        title: options.colorTitle ?? 'trace',
        legend: labelled ? {} : null,
      },
      detail: { field: 'trace', type: 'nominal' },
    },
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: options.subtitle === undefined ? options.title : { text: options.title, subtitle: options.subtitle },
    data: { values },
    columns: options.columns ?? defaultColumns(groups.length, 4),
    facet: { field: 'group', type: 'nominal', title: null, sort: groups },
    ...facetLayout(panel, options, 120),
  };
}
