import { InputError } from '../errors.js';
import type { TraceRow } from '../plot/index.js';
import type { Dataset } from './arrow.js';

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
  const [t0, t1] = meta.normalization.window;
  const L = dataset.layout.seriesLength;
  const t = Array.from({ length: L }, (_, j) => t0 + ((t1 - t0) * j) / (L - 1));
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
