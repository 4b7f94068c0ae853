import { InputError } from '../errors.js';
import { checkOutputPath } from '../io/atomic.js';
import { formatTable, processOutput, type Output } from '../io/output.js';
import { readDataset, type Dataset } from '../dataset/arrow.js';
import { windowTimes } from '../dataset/time-grid.js';
import { buildTraceGridSpec, renderChart, type TraceRow } from '../plot/index.js';

/** Options of {@link runInspect} (`pipeline inspect <file>`). */
export interface InspectCommandOptions {
  /** The dataset (.arrow). */
  file: string;
  /** Also draw example traces per family into this .svg (and a .png beside it). */
  plot?: string;
}

/** What {@link runInspect} found. */
export interface InspectResult {
  rows: number;
  columns: { name: string; type: string }[];
  families: Record<string, number>;
  outcomes: Record<string, number>;
  behaviours: Record<string, number>;
  metadata: Record<string, string>;
  /** Files written by --plot. */
  plots: string[];
}

function countColumn(dataset: Dataset, name: string): Record<string, number> {
  const column = dataset.table.getChild(name);
  const counts: Record<string, number> = {};
  if (!column) return counts;
  for (let i = 0; i < dataset.table.numRows; i++) {
    const v = column.get(i);
    const key = v === null || v === undefined ? '(none)' : String(v);
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/**
 * The paper's figure 3 from a dataset: up to `perGroup` example traces per family (per
 * behaviour when the dataset has one family, unless `groupBy` is 'family'), in nM (series * scale + offset) over the
 * normalisation window. Examples are the first converged rows of each group by sample_id, so
 * the figure is deterministic.
 */
export function exampleTraces(dataset: Dataset, perGroup = 4, groupBy: 'auto' | 'family' = 'auto'): TraceRow[] {
  const { table, meta } = dataset;
  const family = table.getChild('family')!;
  const behaviour = table.getChild('behaviour');
  const outcome = table.getChild('outcome')!;
  const series = table.getChild('series');
  const offset = table.getChild('series_offset');
  const scale = table.getChild('series_scale');
  if (!series) throw new InputError(`${dataset.path}: dataset has no column series`);
  const families = new Set<string>();
  for (let i = 0; i < table.numRows; i++) families.add(String(family.get(i)));
  const byBehaviour = groupBy === 'auto' && families.size === 1 && behaviour !== null;
  const t = windowTimes(meta.normalization.window, dataset.layout.seriesLength);
  const taken = new Map<string, number>();
  const traces: TraceRow[] = [];
  for (let i = 0; i < table.numRows; i++) {
    if (outcome.get(i) !== 'converged' || !series.isValid(i)) continue;
    const group = byBehaviour ? `${family.get(i)}: ${behaviour!.get(i) ?? 'unlabelled'}` : String(family.get(i));
    const count = taken.get(group) ?? 0;
    if (count >= perGroup) continue;
    taken.set(group, count + 1);
    const s = Array.from(series.get(i) as Iterable<number>);
    const a = Number(scale?.get(i) ?? 1);
    const b = Number(offset?.get(i) ?? 0);
    traces.push({ group, t, y: s.map((v) => v * a + b) });
  }
  return traces;
}

/**
 * Describes a dataset (`pipeline inspect file.arrow`): rows, columns, families, outcome and
 * behaviour counts, and the provenance in its metadata. With `plot`, draws example traces per
 * family (the paper's figure 3) as SVG and a PNG beside it.
 */
export async function runInspect(options: InspectCommandOptions, output: Output = processOutput): Promise<InspectResult> {
  const path = options.file;
  if (options.plot !== undefined) {
    if (!/\.svg$/i.test(options.plot)) throw new InputError(`--plot ${options.plot}: expected an .svg file name (a .png is written beside it)`);
    checkOutputPath(options.plot, '--plot');
  }
  const dataset = readDataset(path, []);
  const { table, meta, rawMetadata } = dataset;
  const columns = table.schema.fields.map((f) => ({ name: f.name, type: String(f.type) }));
  const families = countColumn(dataset, 'family');
  const outcomes = countColumn(dataset, 'outcome');
  const behaviours = countColumn(dataset, 'behaviour');
  output.out(`${path}: ${table.numRows} rows, ${columns.length} columns, ${meta.kind} dataset (format ${rawMetadata.get('penvae.format_version')}, penvae ${meta.packageVersion})`);
  output.out('');
  const table2 = (title: string, counts: Record<string, number>) => {
    output.out(`${title}:`);
    for (const line of formatTable([['', 'rows'], ...Object.entries(counts).map(([k, v]) => [`  ${k}`, String(v)])]).slice(1)) output.out(line);
  };
  table2('families', families);
  table2('outcomes', outcomes);
  table2('behaviours', behaviours);
  output.out('columns:');
  for (const line of formatTable(columns.map((c) => [`  ${c.name}`, c.type]))) output.out(line);
  output.out('provenance:');
  const metadata: Record<string, string> = Object.fromEntries(rawMetadata);
  for (const [key, value] of rawMetadata) {
    const shown = key === 'penvae.network' ? `${JSON.parse(value).name ?? '?'} (${value.length} bytes of network JSON)` : value;
    output.out(`  ${key}: ${shown.length > 300 ? `${shown.slice(0, 297)}...` : shown}`);
  }
  const plots: string[] = [];
  if (options.plot !== undefined) {
    const traces = exampleTraces(dataset);
    if (traces.length === 0) throw new InputError(`${path}: no converged rows to plot`);
    const png = options.plot.replace(/\.svg$/i, '.png');
    const unit = meta.kind === 'baseline' ? 'value' : 'concentration (nM)';
    const spec = buildTraceGridSpec(traces, {
      title: `Example traces: ${meta.kind === 'baseline' ? 'sin/sigmoid baseline' : JSON.parse(meta.network ?? '{}').name ?? 'simulation'}`,
      subtitle: `${meta.normalization.strand} over [${meta.normalization.window.join(', ')}]${meta.kind === 'baseline' ? '' : ' min'}, ${table.numRows} rows in ${path.split('/').pop()}`,
      xTitle: meta.kind === 'baseline' ? 't (window)' : 'time (min)',
      yTitle: unit,
      independentY: true,
    });
    await renderChart(spec, { svgPath: options.plot, pngPath: png });
    plots.push(options.plot, png);
    output.err(`wrote ${options.plot} and ${png}`);
  }
  return { rows: table.numRows, columns, families, outcomes, behaviours, metadata, plots };
}
