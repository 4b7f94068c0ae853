/**
 * Figures as data: each `build*Spec` is a pure function from plain arrays to a vega-lite
 * spec (the paper's figures 3-6, training curves, metric bars), and `renderChart` is the one
 * place with IO. It compiles vega-lite to vega under a publication theme (white, DejaVu Sans,
 * tableau10 / viridis), renders the SVG headless with vega's `View.toSVG()` (no canvas), and
 * rasterises the PNG with resvg from that same SVG, loading DejaVu Sans by path so the PNG is
 * the same on every machine. Files are written atomically (temp file + rename). Builders take
 * typed arrays directly; a spec can be inspected, tweaked or saved as JSON before rendering.
 */
export { renderChart } from './render.js';
export { buildTraceGridSpec, type TraceRow } from './trace-grid.js';
export { buildReconstructionSpec, type ReconstructionItem } from './reconstruction.js';
export { buildLatentScatterSpec } from './latent-scatter.js';
export { buildInterpolationSpec, type InterpolationPath } from './interpolation.js';
export { buildTrainingCurvesSpec, type TrainingHistoryRow } from './training-curves.js';
export { buildMetricBarsSpec, type MetricBarRow } from './metric-bars.js';
