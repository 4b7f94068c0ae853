/**
 * The figures of the exploration report (`pipeline explore-compare`) as data: each `build*Spec`
 * is a pure function from the report's arrays (report/explore-types.ts) to a vega-lite spec,
 * drawn by `renderChart` under the house theme like the builders in plot/. Every figure that
 * shows methods gives them the same fixed colours (explore saturated, the two sweeps muted),
 * and every figure that shows behaviour labels can share one colour order (`labels`), so a
 * colour means the same thing across the report.
 */
import type { TopLevelSpec } from 'vega-lite';
import { PlotInputError } from '../errors.js';
import { formatNumber } from '../io/output.js';
import { checkNotEmpty, checkSameLength, defaultColumns, distinct, finiteOrNull, HEADER_SPACER, uniqueNames, type LayerItem } from '../plot/data.js';
import type { ExploreMethod, ExploreMethodRun, ExploreReportData, ReportTrace } from './explore-types.js';

/** The methods in the order every figure and table lists them: the search first, then the sweeps. */
export const EXPLORE_METHODS: readonly ExploreMethod[] = ['explore', 'random', 'lhs'];

/** How figures and tables name each method. */
export const METHOD_NAMES: Readonly<Record<ExploreMethod, string>> = { explore: 'explore', random: 'random sweep', lhs: 'Latin hypercube' };

// Explore is the method under test: the one saturated colour. The sweeps are references, in a
// grey and a muted blue that stay apart from each other in print.
const METHOD_COLORS: Readonly<Record<ExploreMethod, string>> = { explore: '#d1352b', random: '#8a8a8a', lhs: '#6a9ac4' };

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** A point of the latent map (one converged sample at its judge latent mean). */
export type LatentMapPoint = ExploreReportData['map']['points'][number];

/**
 * One region of the latent map: its position on the map and the trace of a sample in it. The
 * position and the trace are separate fields because both have a `y` (a map coordinate, and
 * the trace's values).
 */
export interface RegionTrace {
  /** Position of the region on the map (z1). */
  x: number;
  /** Position of the region on the map (z2). */
  y: number;
  /** The trace shown for the region. */
  trace: ReportTrace;
}

/** The judge's latent grid, as {@link ExploreReportData.judge} gives it. */
interface LatentGrid {
  /** Cells per latent dimension. */
  cellsPerSide: number;
  /** `[[x min, x max], [y min, y max]]`: the range of each latent dimension the grid covers. */
  bounds: readonly [readonly [number, number], readonly [number, number]];
}

/** Chart title and the line under it (every builder takes them). */
interface Titled {
  /** Chart title. */
  title: string;
  /** Line under the title. */
  subtitle?: string;
}

function chartTitle(options: Titled): string | { text: string; subtitle: string } {
  return options.subtitle === undefined ? options.title : { text: options.title, subtitle: options.subtitle };
}

/** The methods present, in {@link EXPLORE_METHODS} order. */
function presentMethods(methods: Iterable<ExploreMethod>): ExploreMethod[] {
  const seen = new Set(methods);
  return EXPLORE_METHODS.filter((m) => seen.has(m));
}

/** A colour encoding of the method names with the fixed method colours. */
function methodColor(methods: readonly ExploreMethod[], legend: Record<string, unknown> | null = {}) {
  return {
    field: 'method',
    type: 'nominal' as const,
    title: 'method',
    scale: { domain: methods.map((m) => METHOD_NAMES[m]), range: methods.map((m) => METHOD_COLORS[m]) },
    legend,
  };
}

/**
 * The colour order of behaviour labels: the given order (shared between figures), then any
 * label it lacks in alphabetical order, so no point is ever left without a colour.
 */
function labelDomain(found: Iterable<string>, given: readonly string[] | undefined): string[] {
  const base = given ? distinct(given) : [];
  return [
    ...base,
    ...distinct(found)
      .filter((l) => !base.includes(l))
      .sort(),
  ];
}

/** The colour encoding of behaviour labels. */
function labelColor(domain: readonly string[], legend: Record<string, unknown> | null) {
  return { field: 'label', type: 'nominal' as const, title: 'behaviour', scale: { domain: [...domain] }, legend };
}

/** A number in a panel title: 3 significant digits. */
const num = (v: number): string => formatNumber(v, 3);

/** Options of {@link buildCellsCurveSpec}. */
export interface CellsCurveOptions extends Titled {
  /** Simulations between two entries of {@link ExploreMethodRun.cells} ({@link ExploreReportData.every}). */
  every: number;
  /** Cells of the judge's grid (cellsPerSide²), named in the y axis title when given. */
  totalCells?: number;
  /** @default 460 */
  width?: number;
  /** @default 280 */
  height?: number;
}

/**
 * Coverage against cost: cells of the judge's latent grid filled (y) after each `every`
 * simulations (x; `cells[k]` is at (k + 1) x every). One thin line per run (method and seed)
 * and a thick line of the median over seeds per method, coloured by method; explore's median
 * is drawn last, on top. Non-finite counts are left out.
 *
 * @throws PlotInputError on no runs, no finite count in any run, or `every` not > 0.
 * @example
 *   buildCellsCurveSpec(data.runs, { title: 'Latent cells filled', every: data.every, totalCells: 400 })
 */
export function buildCellsCurveSpec(runs: readonly ExploreMethodRun[], options: CellsCurveOptions): TopLevelSpec {
  checkNotEmpty('buildCellsCurveSpec', runs);
  if (!(options.every > 0 && Number.isFinite(options.every))) {
    throw new PlotInputError(`buildCellsCurveSpec: option "every" must be a finite number > 0 (got ${options.every}).`);
  }
  const values = runs.flatMap((run) =>
    run.cells.flatMap((cells, k) =>
      Number.isFinite(cells)
        ? [{ key: run.method, method: METHOD_NAMES[run.method], run: `${run.method} seed ${run.seed}`, simulations: (k + 1) * options.every, cells }]
        : [],
    ),
  );
  if (values.length === 0) {
    throw new PlotInputError(`buildCellsCurveSpec: none of the ${runs.length} runs has a finite cell count (every "cells" is empty).`);
  }
  const methods = presentMethods(runs.map((r) => r.method));
  const x = { field: 'simulations', type: 'quantitative' as const, title: 'simulations', scale: { zero: true } };
  const y = {
    field: 'cells',
    type: 'quantitative' as const,
    title: options.totalCells === undefined ? 'cells filled' : `cells filled (of ${options.totalCells})`,
    scale: { zero: true },
    axis: { tickCount: 6 },
  };
  // The legend shows the median's stroke, not the faint single-run lines.
  const color = methodColor(methods, { symbolType: 'stroke', symbolStrokeWidth: 3, symbolOpacity: 1 });
  const runLines: LayerItem = {
    mark: { type: 'line', strokeWidth: 1, opacity: 0.4, clip: true },
    encoding: { x, y, color, detail: { field: 'run', type: 'nominal' } },
  };
  // The median per method and x; runs of one budget share every x, so it is the median over seeds.
  const median = (filter: string, strokeWidth: number): LayerItem => ({
    transform: [{ filter }, { aggregate: [{ op: 'median', field: 'cells', as: 'cells' }], groupby: ['key', 'method', 'simulations'] }],
    mark: { type: 'line', strokeWidth, clip: true },
    encoding: { x, y, color },
  });
  return {
    $schema: SCHEMA,
    title: chartTitle(options),
    width: options.width ?? 460,
    height: options.height ?? 280,
    data: { values },
    layer: [runLines, median("datum.key !== 'explore'", 2.6), median("datum.key === 'explore'", 3.4)],
  };
}

/** Options of {@link buildLatentMapSpec}. */
export interface LatentMapOptions extends Titled {
  /** The judge's grid, drawn faintly under the points. */
  grid?: LatentGrid;
  /** Colour order of behaviour labels (share it with {@link buildRegionTracesSpec}). @default alphabetical */
  labels?: readonly string[];
  /** Axis titles. @default { x: 'z1', y: 'z2' } */
  axes?: { x: string; y: string };
  /** Side of each (square) panel. @default 250 */
  size?: number;
}

/**
 * The latent map: every sample at its judge latent mean, one panel per method (side by side,
 * shared axes, the sample count in the panel title), small semi-transparent points coloured by
 * behaviour label, over the judge's grid drawn faintly. Where the points of a panel spread is
 * where that method reached. Non-finite points are dropped.
 *
 * @throws PlotInputError on no points, no finite point, or a malformed grid.
 * @example
 *   buildLatentMapSpec(data.map.points, { title: 'Latent map', grid: data.judge })
 */
export function buildLatentMapSpec(points: readonly LatentMapPoint[], options: LatentMapOptions): TopLevelSpec {
  checkNotEmpty('buildLatentMapSpec', points);
  const finite = points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  if (finite.length === 0) throw new PlotInputError(`buildLatentMapSpec: none of the ${points.length} points has finite coordinates.`);
  const methods = presentMethods(finite.map((p) => p.method));
  const count = (m: ExploreMethod) => finite.filter((p) => p.method === m).length;
  const panelOf = new Map(methods.map((m) => [m, `${METHOD_NAMES[m]} (${count(m)} samples)`]));
  const panels = [...panelOf.values()];
  const labels = labelDomain(
    finite.map((p) => p.label),
    options.labels,
  );
  const values: Record<string, string | number>[] = finite.map((p) => ({ kind: 'point', panel: panelOf.get(p.method)!, x: p.x, y: p.y, label: p.label }));
  if (options.grid) values.push(...gridLines(options.grid, panels));
  const axes = options.axes ?? { x: 'z1', y: 'z2' };
  const x = { field: 'x', type: 'quantitative' as const, title: axes.x, scale: { zero: false, nice: false } };
  const y = { field: 'y', type: 'quantitative' as const, title: axes.y, scale: { zero: false, nice: false } };
  const rule = (kind: 'gx' | 'gy'): LayerItem => ({
    transform: [{ filter: `datum.kind === '${kind}'` }],
    mark: { type: 'rule', color: '#9a9a9a', strokeWidth: 0.5, opacity: 0.45 },
    encoding: kind === 'gx' ? { x } : { y },
  });
  const dots: LayerItem = {
    transform: [{ filter: "datum.kind === 'point'" }],
    mark: { type: 'point', shape: 'circle', filled: true, size: 12, opacity: 0.5, strokeWidth: 0 },
    encoding: { x, y, color: labelColor(labels, { symbolOpacity: 1, symbolSize: 60 }) },
  };
  const size = options.size ?? 250;
  return {
    $schema: SCHEMA,
    title: chartTitle(options),
    data: { values },
    columns: panels.length,
    facet: { field: 'panel', type: 'nominal', title: null, sort: panels },
    spec: { width: size, height: size, layer: options.grid ? [rule('gx'), rule('gy'), dots] : [dots] },
  };
}

/** The grid's lines as rows of every panel (in a faceted chart every layer reads the same rows). */
function gridLines(grid: LatentGrid, panels: readonly string[]): Record<string, string | number>[] {
  const n = grid.cellsPerSide;
  const [[x0, x1], [y0, y1]] = grid.bounds;
  if (!(Number.isInteger(n) && n >= 1) || ![x0, x1, y0, y1].every(Number.isFinite) || !(x1 > x0 && y1 > y0)) {
    throw new PlotInputError(
      `buildLatentMapSpec: option "grid" needs an integer cellsPerSide >= 1 and finite bounds [[x min, x max], [y min, y max]] with min < max (got ${n} and ${JSON.stringify(grid.bounds)}).`,
    );
  }
  return panels.flatMap((panel) =>
    Array.from({ length: n + 1 }, (_, i) => [
      { kind: 'gx', panel, x: x0 + ((x1 - x0) * i) / n },
      { kind: 'gy', panel, y: y0 + ((y1 - y0) * i) / n },
    ]).flat(),
  );
}

/** Options of {@link buildRegionTracesSpec}. */
export interface RegionTracesOptions extends Titled {
  /** Colour order of behaviour labels (share it with {@link buildLatentMapSpec}). @default alphabetical */
  labels?: readonly string[];
  /** Titles of the map's axes, over the columns and beside the rows. @default { x: 'z1', y: 'z2' } */
  axes?: { x: string; y: string };
  /** Title of each panel's time axis (short: it is repeated under every column). @default 'time' */
  xTitle?: string;
  /** Title of the traces' value axis, e.g. the observed strand's units. @default 'value' */
  yTitle?: string;
  /**
   * Let each panel choose its own y range: shapes stay visible whatever the level, at the
   * price of comparing levels by the axis labels.
   * @default true
   */
  independentY?: boolean;
  /** @default 96 */
  panelWidth?: number;
  /** @default 58 */
  panelHeight?: number;
}

/**
 * "A trace per region of the latent space": the region traces as small multiples laid out
 * like the map, columns by the region's x and rows by its y (largest y on top, as on the
 * map), each panel labelled with its behaviour and coloured as on the map. Regions whose
 * coordinates agree to 3 significant digits share a panel; a region of the grid without a
 * sample is an empty cell.
 *
 * @throws PlotInputError on no regions, or a trace whose t and y differ in length.
 * @example
 *   buildRegionTracesSpec(regions, { title: 'Traces across the latent map', yTitle: 'nM' })
 */
export function buildRegionTracesSpec(regions: readonly RegionTrace[], options: RegionTracesOptions): TopLevelSpec {
  checkNotEmpty('buildRegionTracesSpec', regions);
  const finite = regions.filter((r) => Number.isFinite(r.x) && Number.isFinite(r.y));
  if (finite.length === 0) throw new PlotInputError(`buildRegionTracesSpec: none of the ${regions.length} regions has finite coordinates.`);
  const labels = labelDomain(
    finite.map((r) => r.trace.behaviour.label),
    options.labels,
  );
  // Rows and columns are the distinct rounded coordinates in map order, facetted by their index:
  // vega-lite fills the empty cells of a row x column facet in with rows of no data, and sorts
  // those first under an explicit sort array, which would shift every panel; indexes sort right.
  const byValue = (key: (r: RegionTrace) => number, descending: boolean) => {
    const keys = new Map<string, number>();
    for (const r of finite) keys.set(num(key(r)), key(r));
    return [...keys.entries()].sort((a, b) => (descending ? b[1] - a[1] : a[1] - b[1])).map(([k]) => k);
  };
  const columns = byValue((r) => r.x, false);
  const rows = byValue((r) => r.y, true);
  const values: { col: number; row: number; trace: number; i: number; label: string; t: number | null; y: number | null }[] = [];
  finite.forEach((r, trace) => {
    const { t, y, behaviour } = r.trace;
    const n = checkSameLength(`buildRegionTracesSpec: region ${trace} at (${num(r.x)}, ${num(r.y)})`, { t, y });
    const col = columns.indexOf(num(r.x));
    const row = rows.indexOf(num(r.y));
    for (let i = 0; i < n; i++) values.push({ col, row, trace, i, label: behaviour.label, t: finiteOrNull(t[i]!), y: finiteOrNull(y[i]!) });
  });
  /** Header labels: the coordinate of each index. */
  const labelOf = (keys: readonly string[]) => `${JSON.stringify(keys)}[datum.value]`;
  const independentY = options.independentY ?? true;
  const axes = options.axes ?? { x: 'z1', y: 'z2' };
  const line: LayerItem = {
    mark: { type: 'line', strokeWidth: 1.3, clip: true },
    encoding: {
      x: { field: 't', type: 'quantitative', title: options.xTitle ?? 'time', axis: { tickCount: 2, labelFontSize: 9, titleFontSize: 10 } },
      y: {
        field: 'y',
        type: 'quantitative',
        title: options.yTitle ?? 'value',
        scale: { zero: false },
        axis: { tickCount: 2, labelFontSize: 9, titleFontSize: 10, ...(independentY ? { title: null } : {}) },
      },
      color: labelColor(labels, null),
      detail: { field: 'trace', type: 'nominal' },
    },
  };
  // The behaviour label just above each panel (facets by row and column have no per-panel
  // titles); one text per trace, from its first point.
  const caption: LayerItem = {
    transform: [{ filter: 'datum.i === 0' }],
    mark: { type: 'text', align: 'left', baseline: 'bottom', dy: -3, fontSize: 9, color: '#333333' },
    encoding: { x: { value: 0 }, y: { value: 0 }, text: { field: 'label', type: 'nominal' } },
  };
  const header = { labelFontSize: 10, labelFontWeight: 'normal' as const, titleFontSize: 12, titleFontWeight: 'bold' as const };
  return {
    $schema: SCHEMA,
    title: chartTitle(options),
    data: { values },
    facet: {
      row: {
        field: 'row',
        type: 'ordinal',
        sort: 'ascending',
        title: axes.y,
        header: { ...header, labelExpr: labelOf(rows), labelAngle: 0, labelAlign: 'right' },
      },
      column: { field: 'col', type: 'ordinal', sort: 'ascending', title: axes.x, header: { ...header, labelExpr: labelOf(columns) } },
    },
    spec: { width: options.panelWidth ?? 96, height: options.panelHeight ?? 58, layer: [line, caption] },
    spacing: { row: 18, column: independentY ? 10 : 6 },
    resolve: { scale: { y: independentY ? 'independent' : 'shared' }, ...(independentY ? { axis: { y: 'independent' } } : {}) },
  };
}

/** Options of {@link buildMissedTracesSpec}. */
export interface MissedTracesOptions extends Titled {
  /** Names of the varied parameters, in the order of {@link ReportTrace.parameters} (the `vary` paths). */
  parameterNames: readonly string[];
  /** Colour order of behaviour labels. @default alphabetical */
  labels?: readonly string[];
  /** @default 'time (normalised window)' */
  xTitle?: string;
  /** @default 'value' */
  yTitle?: string;
  /** Panels per row. @default min(number of traces, 4) */
  columns?: number;
  /** @default 200 */
  panelWidth?: number;
  /** @default 110 */
  panelHeight?: number;
}

/** Characters per line of a panel title before the parameter list wraps. */
const TITLE_LINE = 38;

/**
 * Behaviours the sweeps missed: small multiples of traces, one panel each (own y range),
 * titled by behaviour label, period decile and amplitude decile, then the run and sample and
 * the parameter values that produced it (3 significant digits), so a reader can re-run it.
 *
 * @throws PlotInputError on no traces, a trace whose t and y differ in length, or one whose
 *   parameters do not match `parameterNames`.
 * @example
 *   buildMissedTracesSpec(data.missedBySweeps, { title: 'Found by explore only', parameterNames: data.vary.map((v) => v.path) })
 */
export function buildMissedTracesSpec(traces: readonly ReportTrace[], options: MissedTracesOptions): TopLevelSpec {
  checkNotEmpty('buildMissedTracesSpec', traces);
  const labels = labelDomain(
    traces.map((r) => r.behaviour.label),
    options.labels,
  );
  const panels = uniqueNames(
    traces.map((r, k) => {
      if (r.parameters.length !== options.parameterNames.length) {
        throw new PlotInputError(
          `buildMissedTracesSpec: trace ${k} has ${r.parameters.length} parameter values for ${options.parameterNames.length} parameter names.`,
        );
      }
      const b = r.behaviour;
      const head = `${b.label} · period ${b.periodBin === null ? '–' : `decile ${b.periodBin}`} · amplitude decile ${b.amplitudeBin}`;
      const origin = `${METHOD_NAMES[r.method]}, seed ${r.seed}, sample ${r.sampleId}`;
      const params = wrap(
        r.parameters.map((v, i) => `${options.parameterNames[i]!} = ${num(v)}`),
        TITLE_LINE,
      );
      return [head, origin, ...params].join('\n');
    }),
  );
  const values: { panel: string; trace: number; label: string; t: number | null; y: number | null }[] = [];
  traces.forEach((r, trace) => {
    const n = checkSameLength(`buildMissedTracesSpec: trace ${trace} (${r.behaviour.label})`, { t: r.t, y: r.y });
    for (let i = 0; i < n; i++) values.push({ panel: panels[trace]!, trace, label: r.behaviour.label, t: finiteOrNull(r.t[i]!), y: finiteOrNull(r.y[i]!) });
  });
  const line: LayerItem = {
    mark: { type: 'line', strokeWidth: 1.5, clip: true },
    encoding: {
      x: { field: 't', type: 'quantitative', title: options.xTitle ?? 'time (normalised window)' },
      y: { field: 'y', type: 'quantitative', title: options.yTitle ?? 'value', scale: { zero: false }, axis: { tickCount: 4 } },
      color: labelColor(labels, null),
      detail: { field: 'trace', type: 'nominal' },
    },
  };
  return {
    $schema: SCHEMA,
    title: chartTitle(options),
    data: { values },
    columns: options.columns ?? defaultColumns(panels.length, 4),
    facet: {
      field: 'panel',
      type: 'nominal',
      title: null,
      sort: panels,
      // A panel title of several lines: vega draws an array of strings one per line.
      header: { labelExpr: "split(datum.value, '\\n')", labelFontSize: 10, labelFontWeight: 'normal', labelLineHeight: 13, labelLimit: 0 },
    },
    spec: { width: options.panelWidth ?? 200, height: options.panelHeight ?? 110, layer: [line, HEADER_SPACER] },
    resolve: { scale: { y: 'independent' } },
  };
}

/** Joins items with ", " into lines of at most about `width` characters (an item is never split). */
function wrap(items: readonly string[], width: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const item of items) {
    if (current && current.length + 2 + item.length > width) {
      lines.push(`${current},`);
      current = item;
    } else {
      current = current ? `${current}, ${item}` : item;
    }
  }
  if (current) lines.push(current);
  return lines;
}

/** Options of {@link buildBehaviourCountsSpec}. */
export interface BehaviourCountsOptions extends Titled {
  /** The runs behind the medians: each seed's count is drawn as a dot over its method's bar. */
  runs?: readonly ExploreMethodRun[];
  /** @default 200 */
  panelWidth?: number;
  /** @default 180 */
  panelHeight?: number;
}

/**
 * What each method found: bars of the median over seeds of distinct behaviour classes and of
 * oscillating parameter sets, one panel per count (own y axis: the two differ by orders of
 * magnitude), bars side by side by method in the method colours, each value printed above
 * its bar; with `runs`, one dot per seed beside each bar shows the spread behind the median.
 *
 * @throws PlotInputError on no medians or no finite median.
 * @example
 *   buildBehaviourCountsSpec(data.medians, { title: 'Behaviours found', runs: data.runs })
 */
export function buildBehaviourCountsSpec(medians: readonly ExploreReportData['medians'][number][], options: BehaviourCountsOptions): TopLevelSpec {
  checkNotEmpty('buildBehaviourCountsSpec', medians);
  const METRICS = [
    { name: 'distinct behaviour classes', of: (r: { distinct: number }) => r.distinct },
    { name: 'oscillating parameter sets', of: (r: { oscillating: number }) => r.oscillating },
  ];
  const bars = medians.flatMap((m) =>
    METRICS.flatMap((metric) => {
      const value = metric.of(m);
      return Number.isFinite(value) ? [{ kind: 'bar', method: METHOD_NAMES[m.method], metric: metric.name, value }] : [];
    }),
  );
  if (bars.length === 0) throw new PlotInputError(`buildBehaviourCountsSpec: none of the ${medians.length} medians is a finite number.`);
  const methods = presentMethods(medians.map((m) => m.method));
  const shown = new Set(methods);
  const dots = (options.runs ?? [])
    .filter((r) => shown.has(r.method))
    .flatMap((r) => METRICS.map((metric) => ({ kind: 'run', method: METHOD_NAMES[r.method], metric: metric.name, value: metric.of(r) })))
    .filter((d) => Number.isFinite(d.value));
  // Invisible points 15 % above the largest value of each panel: headroom for the labels.
  const pad = METRICS.map((metric) => ({
    kind: 'pad',
    method: '',
    metric: metric.name,
    value: 1.15 * Math.max(0, ...[...bars, ...dots].filter((v) => v.metric === metric.name).map((v) => v.value)),
  }));
  // Method names break into words on the axis ("Latin / hypercube"), which names every bar: no legend needed.
  const x = {
    field: 'method',
    type: 'nominal' as const,
    title: null,
    sort: methods.map((m) => METHOD_NAMES[m]),
    axis: { labelAngle: 0, labelExpr: "split(datum.label, ' ')", labelLineHeight: 13 },
  };
  const y = { field: 'value', type: 'quantitative' as const, title: null, stack: null, scale: { zero: true }, axis: { tickCount: 5 } };
  const only = (kind: string) => [{ filter: `datum.kind === '${kind}'` }];
  const layer: LayerItem[] = [
    { transform: only('bar'), mark: { type: 'bar', width: { band: 0.6 } }, encoding: { x, y, color: methodColor(methods, null) } },
    {
      transform: only('bar'),
      mark: { type: 'text', baseline: 'bottom', dy: -2, fontSize: 10, color: '#333333' },
      encoding: { x, y, text: { field: 'value', type: 'quantitative', format: '.3~g' } },
    },
    {
      transform: only('run'),
      mark: { type: 'point', shape: 'circle', filled: true, size: 22, color: '#222222', opacity: 0.7, strokeWidth: 0 },
      // Beside the bar's right edge, clear of the value printed above it.
      encoding: { x: { ...x, bandPosition: 0.9 }, y },
    },
    { transform: only('pad'), mark: { type: 'point', opacity: 0 }, encoding: { y } },
    HEADER_SPACER,
  ];
  return {
    $schema: SCHEMA,
    title: chartTitle(options),
    data: { values: [...bars, ...dots, ...pad] },
    columns: METRICS.length,
    facet: { field: 'metric', type: 'nominal', title: null, sort: METRICS.map((m) => m.name) },
    spec: { width: options.panelWidth ?? 200, height: options.panelHeight ?? 180, layer },
    resolve: { scale: { y: 'independent' } },
  };
}
