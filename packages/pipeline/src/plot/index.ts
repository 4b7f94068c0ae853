/**
 * Figures as data: each `build*Spec` is a pure function from plain arrays to a vega-lite
 * spec (the paper's figures 3-6, training curves, metric bars), and `renderChart` is the one
 * place with IO. It compiles vega-lite to vega under a publication theme (white, DejaVu Sans,
 * tableau10 / viridis), renders the SVG headless with vega's `View.toSVG()` (no canvas), and
 * rasterises the PNG with resvg from that same SVG, loading DejaVu Sans by path so the PNG is
 * the same on every machine. Files are written atomically (temp file + rename). Builders take
 * typed arrays directly; a spec can be inspected, tweaked or saved as JSON before rendering.
 */
export { PlotError, PlotInputError, PlotRenderError } from './errors.js';
export { renderChart, type RenderChartOptions, type RenderChartResult } from './render.js';
export { resolveFonts, FONT_FAMILY, type FontSelection } from './fonts.js';
export { publicationTheme } from './theme.js';
export type { Series } from './data.js';
export { buildTraceGridSpec, type TraceGridOptions, type TraceRow } from './trace-grid.js';
export { buildReconstructionSpec, type ReconstructionItem, type ReconstructionOptions } from './reconstruction.js';
export {
  buildLatentScatterSpec,
  type LatentScatterOptions,
  type ScatterPanel,
  type ScatterPoint,
} from './latent-scatter.js';
export { buildInterpolationSpec, type InterpolationOptions, type InterpolationPath } from './interpolation.js';
export {
  buildTrainingCurvesSpec,
  type TrainingCurvesOptions,
  type TrainingHistoryRow,
} from './training-curves.js';
export { buildMetricBarsSpec, type MetricBarRow, type MetricBarsOptions } from './metric-bars.js';
