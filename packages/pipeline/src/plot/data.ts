/**
 * Helpers shared by the spec builders: turning typed-array series into vega-lite rows.
 */
import type { TopLevelSpec } from 'vega-lite';
import { PlotInputError } from './errors.js';

/** The inner spec of a faceted chart, and one layer of it (vega-lite exports neither type). */
type PanelSpec = Extract<TopLevelSpec, { facet: unknown }>['spec'];
export type LayerItem = Extract<PanelSpec, { layer: unknown }>['layer'][number];

/** A numeric series as plain or typed array. */
export type Series = ArrayLike<number>;

/** Non-finite values become `null`, which vega-lite draws as a gap in a line. */
export function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

/** Throws unless the named series have the same, non-zero length; returns it. */
export function checkSameLength(where: string, series: Record<string, Series>): number {
  const entries = Object.entries(series);
  const length = entries[0]![1].length;
  for (const [name, s] of entries) {
    if (s.length !== length || length === 0) {
      const lengths = entries.map(([n, v]) => `${n}: ${v.length}`).join(', ');
      throw new PlotInputError(`${where}: "${name}" must have as many points as the others, and at least one (${lengths}).`);
    }
  }
  return length;
}

/** Throws on an empty list of items. */
export function checkNotEmpty(where: string, items: ArrayLike<unknown>): void {
  if (items.length === 0) throw new PlotInputError(`${where}: nothing to plot (got an empty list).`);
}

/** Distinct values in order of first appearance. */
export function distinct(values: Iterable<string>): string[] {
  return [...new Set(values)];
}

/**
 * Unique panel names: `name`, then `name (2)`, `name (3)` for repeats, so two panels with the
 * same caption stay separate facets.
 */
export function uniqueNames(names: readonly string[]): string[] {
  const used = new Set<string>();
  return names.map((name) => {
    let candidate = name;
    for (let n = 2; used.has(candidate); n++) candidate = `${name} (${n})`;
    used.add(candidate);
    return candidate;
  });
}

/** Default number of facet columns: all panels in one row up to `max`. */
export function defaultColumns(panels: number, max: number): number {
  return Math.max(1, Math.min(panels, max));
}

/**
 * An invisible rule from 8 px above each panel to its top edge, layered into faceted charts
 * whose panels carry their own y axis. Wrapped facets title each panel above its bounding
 * box, and a top axis label that pokes above the frame would lift that one title: with this
 * spacer every panel's box reaches the same height, so the titles line up. One rule per panel
 * (the aggregate reduces the panel's rows to one).
 */
export const HEADER_SPACER: LayerItem = {
  transform: [{ aggregate: [{ op: 'count', as: 'spacerRows' }] }],
  mark: { type: 'rule', strokeOpacity: 0 },
  encoding: { y: { value: -8 }, y2: { value: 0 } },
};

/**
 * The panel spec and scale resolution shared by the faceted small-multiple charts: independent
 * y (with the header spacer that keeps panel titles level) and/or independent x scales and axes.
 */
export function facetLayout(
  panel: LayerItem,
  options: { independentX?: boolean; independentY?: boolean; panelWidth?: number; panelHeight?: number },
  defaultHeight: number,
) {
  const size = { width: options.panelWidth ?? 200, height: options.panelHeight ?? defaultHeight };
  return {
    spec: options.independentY ? { ...size, layer: [panel, HEADER_SPACER] } : { ...size, ...panel },
    resolve: {
      scale: { x: options.independentX ? 'independent' : 'shared', y: options.independentY ? 'independent' : 'shared' },
      ...(options.independentX ? { axis: { x: 'independent' } } : {}),
    },
  } as Pick<Extract<TopLevelSpec, { facet: unknown }>, 'spec' | 'resolve'>;
}
