import { InputError } from '../errors.js';
import { checkOutputPath } from '../io/atomic.js';
import { formatTable, processOutput, type Output } from '../io/output.js';
import { readDataset, type Dataset } from '../dataset/arrow.js';
import { exampleTraces } from '../dataset/example-traces.js';
import { buildTraceGridSpec, renderChart } from '../plot/index.js';

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
  output.out(
    `${path}: ${table.numRows} rows, ${columns.length} columns, ${meta.kind} dataset (format ${rawMetadata.get('penvae.format_version')}, penvae ${meta.packageVersion})`,
  );
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
  if (meta.explore !== undefined) {
    // An archive of `pipeline explore`: what the search did, in a line (the JSON above is cut).
    const e = meta.explore as {
      settings?: { budget?: number; cellsPerSide?: number };
      elites?: unknown[];
      trainings?: unknown[];
      simulations?: string;
      archive?: string;
    };
    const other = e.simulations ? `every simulation in ${e.simulations}` : e.archive ? `its archive is ${e.archive}` : '';
    output.out(
      `  search: ${e.elites?.length ?? '?'} elites in cells of a ${e.settings?.cellsPerSide ?? '?'}x${e.settings?.cellsPerSide ?? '?'} latent grid, from ${e.settings?.budget ?? '?'} simulations and ${e.trainings?.length ?? '?'} trainings${other ? `; ${other}` : ''}`,
    );
  }
  const plots: string[] = [];
  if (options.plot !== undefined) {
    const traces = exampleTraces(dataset);
    if (traces.length === 0) throw new InputError(`${path}: no converged rows to plot`);
    const png = options.plot.replace(/\.svg$/i, '.png');
    const unit = meta.kind === 'baseline' ? 'value' : 'concentration (nM)';
    const spec = buildTraceGridSpec(traces, {
      title: `Example traces: ${meta.kind === 'baseline' ? 'sin/sigmoid baseline' : (JSON.parse(meta.network ?? '{}').name ?? 'simulation')}`,
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
