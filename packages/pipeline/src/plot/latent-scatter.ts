import type { TopLevelSpec } from 'vega-lite';
import { PlotInputError } from './errors.js';
import { checkNotEmpty, distinct } from './data.js';

/** One point of {@link buildLatentScatterSpec}. */
export interface ScatterPoint {
  /** Horizontal coordinate, e.g. a latent dimension. */
  x: number;
  /** Vertical coordinate. */
  y: number;
  /** Colour and shape class (family or network). */
  label: string;
}

/** One panel of the scatter: points and the titles of its axes. */
interface ScatterPanel {
  /** The points of this panel. */
  points: readonly ScatterPoint[];
  /** Axis titles, e.g. `{ x: 'PC1', y: 'PC2' }`. */
  axes: { x: string; y: string };
  /** Caption above the panel, e.g. `z3 vs z7` or `PCA of z (62% of variance)`. */
  title?: string;
}

/** Options of {@link buildLatentScatterSpec}. */
export interface LatentScatterOptions {
  /** Chart title. */
  title: string;
  /** Line under the title. */
  subtitle?: string;
  /** Axis titles of the main panel, e.g. `{ x: 'z3', y: 'z7' }`. */
  axes: { x: string; y: string };
  /** Caption of the main panel (only shown when there is a second panel). */
  panelTitle?: string;
  /**
   * A second panel beside the first, e.g. the 2-D PCA projection of all latent dimensions
   * (`projectPca2` from the metrics module); it shares the colour legend.
   */
  projection?: ScatterPanel;
  /** @default 'class' */
  colorTitle?: string;
  /** Side of each (square) panel. @default 280 */
  size?: number;
}

/**
 * The paper's figure 5: latent vectors as a scatter of two coordinates, coloured (and shaped,
 * for print in grey) by class. With `projection`, a second panel of the same points in
 * another 2-D view shares the legend. Non-finite points are dropped (vega cannot place them).
 *
 * @throws PlotInputError when a panel has no points.
 * @example
 *   buildLatentScatterSpec(points, { title: 'Latent space', axes: { x: 'z1', y: 'z2' } })
 */
export function buildLatentScatterSpec(points: readonly ScatterPoint[], options: LatentScatterOptions): TopLevelSpec {
  checkNotEmpty('buildLatentScatterSpec', points);
  const panels: ScatterPanel[] = [
    options.panelTitle === undefined ? { points, axes: options.axes } : { points, axes: options.axes, title: options.panelTitle },
  ];
  if (options.projection) {
    if (options.projection.points.length === 0) {
      throw new PlotInputError('buildLatentScatterSpec: the projection panel has no points.');
    }
    panels.push(options.projection);
  }
  const labels = distinct(panels.flatMap((p) => p.points.map((q) => q.label)));
  const size = options.size ?? 280;
  const units = panels.map((panel) => ({
    ...(panel.title === undefined || panels.length === 1 ? {} : { title: { text: panel.title, fontSize: 13 } }),
    width: size,
    height: size,
    data: {
      values: panel.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y)).map((p) => ({ x: p.x, y: p.y, label: p.label })),
    },
    mark: { type: 'point' as const },
    encoding: {
      x: { field: 'x', type: 'quantitative' as const, title: panel.axes.x, scale: { zero: false, nice: true } },
      y: { field: 'y', type: 'quantitative' as const, title: panel.axes.y, scale: { zero: false, nice: true } },
      // The same explicit domain (not `sort`, which vega-lite would not merge) on both
      // channels gives one legend showing colour and shape together.
      color: { field: 'label', type: 'nominal' as const, scale: { domain: labels }, title: options.colorTitle ?? 'class' },
      shape: { field: 'label', type: 'nominal' as const, scale: { domain: labels }, title: options.colorTitle ?? 'class' },
    },
  }));
  const title = options.subtitle === undefined ? options.title : { text: options.title, subtitle: options.subtitle };
  if (units.length === 1) {
    return { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', title, ...units[0]! };
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    hconcat: units,
    resolve: { scale: { color: 'shared', shape: 'shared' } },
  };
}
