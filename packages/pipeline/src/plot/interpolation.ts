import type { TopLevelSpec } from 'vega-lite';
import { PlotInputError } from './errors.js';
import { checkNotEmpty, defaultColumns, finiteOrNull, uniqueNames, type Series } from './data.js';

/** One interpolation of {@link buildInterpolationSpec}. */
export interface InterpolationPath {
  /** Panel caption, e.g. `sin → sigmoid`. */
  name: string;
  /** Decoded series for each step, start (step 0) to end; all of one length. */
  steps: readonly Series[];
  /** Time points. @default 0, 1, ..., length - 1 */
  t?: Series;
}

/** Options of {@link buildInterpolationSpec}. */
export interface InterpolationOptions {
  /** Chart title. */
  title: string;
  /** Line under the title. */
  subtitle?: string;
  /** @default min(number of paths, 3) */
  columns?: number;
  /** @default 'time' */
  xTitle?: string;
  /** @default 'value' */
  yTitle?: string;
  /** @default 240 */
  panelWidth?: number;
  /** @default 150 */
  panelHeight?: number;
}

/**
 * The paper's figure 6: a latent interpolation decoded step by step, every step drawn as a
 * line coloured on a viridis ramp from the start (dark, alpha = 0) to the end (yellow-green,
 * alpha = 1), the two endpoints thicker; one panel per path in the order given.
 *
 * @throws PlotInputError on no paths, a path with fewer than 2 steps, or ragged steps.
 * @example
 *   buildInterpolationSpec([{ name: 'sin → sigmoid', steps: decoded }], { title: 'Latent interpolation' })
 */
export function buildInterpolationSpec(paths: readonly InterpolationPath[], options: InterpolationOptions): TopLevelSpec {
  checkNotEmpty('buildInterpolationSpec', paths);
  const names = uniqueNames(paths.map((p) => p.name));
  const values: { path: string; step: number; alpha: number; endpoint: boolean; t: number | null; y: number | null }[] = [];
  paths.forEach((path, k) => {
    const count = path.steps.length;
    if (count < 2) {
      throw new PlotInputError(`buildInterpolationSpec: path ${k} ("${path.name}") needs at least 2 steps (got ${count}).`);
    }
    const length = path.steps[0]!.length;
    if (path.t !== undefined && path.t.length !== length) {
      throw new PlotInputError(`buildInterpolationSpec: path ${k} ("${path.name}"): t has ${path.t.length} points, steps have ${length}.`);
    }
    path.steps.forEach((series, s) => {
      if (series.length !== length || length === 0) {
        throw new PlotInputError(
          `buildInterpolationSpec: path ${k} ("${path.name}") step ${s} has ${series.length} points; step 0 has ${length} (all steps must match, and be non-empty).`,
        );
      }
      const alpha = s / (count - 1);
      for (let i = 0; i < length; i++) {
        values.push({
          path: names[k]!,
          step: s,
          alpha,
          endpoint: s === 0 || s === count - 1,
          t: path.t ? finiteOrNull(path.t[i]!) : i,
          y: finiteOrNull(series[i]!),
        });
      }
    });
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: options.subtitle === undefined ? options.title : { text: options.title, subtitle: options.subtitle },
    data: { values },
    columns: options.columns ?? defaultColumns(paths.length, 3),
    facet: { field: 'path', type: 'nominal', title: null, sort: names },
    spec: {
      width: options.panelWidth ?? 240,
      height: options.panelHeight ?? 150,
      mark: { type: 'line', clip: true },
      encoding: {
        x: { field: 't', type: 'quantitative', title: options.xTitle ?? 'time' },
        y: { field: 'y', type: 'quantitative', title: options.yTitle ?? 'value', axis: { tickCount: 5 } },
        color: {
          field: 'alpha',
          type: 'quantitative',
          title: 'step',
          scale: { scheme: { name: 'viridis', extent: [0, 0.9] }, domain: [0, 1] },
          legend: {
            gradientLength: 120,
            values: [0, 0.5, 1],
            labelExpr: "datum.value === 0 ? 'start' : datum.value === 1 ? 'end' : datum.label",
          },
        },
        detail: { field: 'step', type: 'ordinal' },
        strokeWidth: { condition: { test: 'datum.endpoint', value: 2.6 }, value: 1.2 },
      },
    },
  };
}
