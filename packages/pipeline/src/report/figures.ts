import { join } from 'node:path';
import { encode, interpolate, reconstruct } from '@penvae/vae';
import type { TopLevelSpec } from 'vega-lite';
import { computeInterpolationSmoothness, projectPca2 } from '../metrics/index.js';
import {
  buildInterpolationSpec,
  buildLatentScatterSpec,
  buildMetricBarsSpec,
  buildReconstructionSpec,
  buildTraceGridSpec,
  buildTrainingCurvesSpec,
  renderChart,
  type InterpolationPath,
  type MetricBarRow,
  type ReconstructionItem,
  type TraceRow,
  type TrainingHistoryRow,
} from '../plot/index.js';
import { exampleTraces } from '../dataset/example-traces.js';
import { takeRows } from '../dataset/labelled-series.js';
import type { EvalSet } from '../dataset/labelled-series.js';
import type { Evaluation, LoadedRun } from './evaluate.js';

/** A figure of the report: its files (relative to the report) and what it shows. */
export interface Figure {
  id: string;
  title: string;
  caption: string;
  svg: string;
  png: string;
}

/**
 * Renders figures of a report into `dir/figures/<id>.svg` and `.png` and lists them, in the
 * order rendered, with paths relative to `dir`.
 */
export function figureRenderer(dir: string): { figures: Figure[]; render: (id: string, title: string, caption: string, spec: TopLevelSpec) => Promise<void> } {
  const figures: Figure[] = [];
  const render = async (id: string, title: string, caption: string, spec: TopLevelSpec) => {
    const svg = `figures/${id}.svg`;
    const png = `figures/${id}.png`;
    await renderChart(spec, { svgPath: join(dir, svg), pngPath: join(dir, png) });
    figures.push({ id, title, caption, svg, png });
  };
  return { figures, render };
}

/** Metrics of one latent interpolation path. */
export interface InterpolationRecord {
  run: string;
  from: string;
  to: string;
  steps: number;
  maxStepRatio: number;
  roughness: number;
  pathLengthRatio: number;
}

/** Families in the order they first appear in the data (the order of the datasets given). */
function orderFamilies(families: Iterable<string>): string[] {
  return [...new Set(families)];
}

const OSCILLATING = new Set(['oscillating', 'damped-oscillation']);

/**
 * The first row of `family`, preferring one with a behaviour in `prefer` (figures should show
 * what a family does, e.g. an oscillator that oscillates), or -1 if the family has no row.
 */
function firstRow(set: EvalSet, family: string, prefer?: (behaviour: string) => boolean): number {
  if (prefer) {
    const i = set.family.findIndex((f, k) => f === family && prefer(set.behaviour[k]!));
    if (i >= 0) return i;
  }
  return set.family.indexOf(family);
}

/**
 * The two series an interpolation runs between: from the first family whose series oscillate
 * to the first other family that settles (the paper's sin -> sigmoid; for PEN networks e.g.
 * oscillator -> switch), else between the first two families, else none. Chosen by behaviour
 * labels, so any network file gets a meaningful path.
 */
function interpolationEnds(set: EvalSet): { from: number; to: number } | undefined {
  const families = orderFamilies(set.family);
  const osc = families.find((f) => set.family.some((g, k) => g === f && OSCILLATING.has(set.behaviour[k]!)));
  const settle = families.find((f) => f !== osc && set.family.some((g, k) => g === f && !OSCILLATING.has(set.behaviour[k]!)));
  if (osc !== undefined && settle !== undefined)
    return { from: firstRow(set, osc, (b) => b === 'oscillating' || OSCILLATING.has(b)), to: firstRow(set, settle, (b) => !OSCILLATING.has(b)) };
  if (families.length >= 2) return { from: firstRow(set, families[0]!), to: firstRow(set, families[1]!) };
  return undefined;
}

function row(set: EvalSet, i: number): Float32Array {
  return set.x.subarray(i * set.length, (i + 1) * set.length);
}

/** Latent dimensions ordered by mean KL on a set (most informative first). */
function informativeDims(klPerDim: number[]): number[] {
  return klPerDim
    .map((kl, j) => ({ kl, j }))
    .sort((a, b) => b.kl - a.kl)
    .map((x) => x.j);
}

/**
 * Builds and renders every figure of the comparison into `dir/figures`: the paper's figures
 * 3 to 6, training curves and the metric bars. Returns the figures and the interpolation
 * smoothness metrics.
 */
export async function renderFigures(
  dir: string,
  runs: LoadedRun[],
  evaluations: Evaluation[],
  extraTraces: TraceRow[],
): Promise<{ figures: Figure[]; interpolations: InterpolationRecord[] }> {
  const { figures, render } = figureRenderer(dir);

  // Figure 3: example traces per family / network, in nM (or baseline units).
  const traces: TraceRow[] = [];
  const seen = new Set<string>();
  for (const run of runs) {
    for (const table of run.data.tables) {
      if (seen.has(table.path)) continue;
      seen.add(table.path);
      traces.push(...exampleTraces(table, 3, 'family'));
    }
  }
  traces.push(...extraTraces);
  const order = orderFamilies(traces.map((t) => t.group.split(':')[0]!));
  traces.sort((a, b) => order.indexOf(a.group.split(':')[0]!) - order.indexOf(b.group.split(':')[0]!));
  await render(
    'fig3-traces',
    'Figure 3 — example traces',
    'Example series of every family and network in the data (the observed strand over the normalisation window; simulated traces in nM).',
    buildTraceGridSpec(traces, {
      title: 'Example traces',
      subtitle: 'three examples per family or network (time in minutes; the baseline on its unit window)',
      xTitle: 'time',
      yTitle: 'concentration (nM) / value',
      independentX: true,
      independentY: true,
    }),
  );

  // Figure 4: input and reconstruction overlaid, from each run's test split: per family (up to
  // four) an oscillating row if it has one and a row of another behaviour if it has one.
  const items: ReconstructionItem[] = [];
  for (const run of runs) {
    const families = orderFamilies(run.test.family).slice(0, 4);
    const picks = [
      ...new Set(families.flatMap((f) => [firstRow(run.test, f, (b) => b === 'oscillating'), firstRow(run.test, f, (b) => !OSCILLATING.has(b))])),
    ].filter((i) => i >= 0 && run.test.family[i] !== undefined);
    if (picks.length === 0) continue;
    const x = takeRows(run.test.x, run.test.length, picks);
    const rec = reconstruct(run.model, x, picks.length);
    picks.forEach((i, k) => {
      const input = row(run.test, i);
      const reconstruction = rec.subarray(k * run.test.length, (k + 1) * run.test.length);
      let se = 0;
      for (let j = 0; j < input.length; j++) se += (input[j]! - reconstruction[j]!) ** 2;
      items.push({
        group: `${run.test.family[i]!}: ${run.test.behaviour[i]!}`,
        label: `${run.name}: ${run.test.family[i]}, ${run.test.behaviour[i]} (MSE ${(se / input.length).toExponential(1)})`,
        t: run.test.times[i]!,
        input: Array.from(input),
        reconstruction: Array.from(reconstruction),
      });
    });
  }
  await render(
    'fig4-reconstruction',
    'Figure 4 — input and reconstruction',
    'Held-out series (solid) and the VAE reconstruction from the posterior mean (dashed), normalised units.',
    buildReconstructionSpec(items, {
      title: 'Input and reconstruction',
      subtitle: 'held-out test series; reconstruction = decoder(posterior mean)',
      independentX: true,
    }),
  );

  // Figure 5: latent scatter per run: the two most informative dimensions, and a 2-D PCA of all.
  for (const run of runs) {
    const own = evaluations.find((e) => e.run === run.name && e.domain === 'own')!;
    const set = run.test;
    const { mu } = encode(run.model, set.x, set.n);
    const d = run.model.config.latentDim;
    const byFamily = new Set(set.family).size > 1;
    const labels = byFamily ? set.family : set.behaviour;
    const [a, b] = informativeDims(own.klPerDim);
    const points = Array.from({ length: set.n }, (_, i) => ({ x: mu[i * d + a!]!, y: mu[i * d + (b ?? a)!]!, label: labels[i]! }));
    const options = {
      title: `Latent space of ${run.name}`,
      subtitle: `posterior means of ${set.n} test series, coloured by ${byFamily ? 'family' : 'behaviour'}`,
      axes: { x: `z${a! + 1}`, y: `z${(b ?? a)! + 1}` },
      panelTitle: 'two most informative dimensions (highest KL)',
      colorTitle: byFamily ? 'family' : 'behaviour',
    };
    const spec =
      d >= 2 && set.n >= 3
        ? (() => {
            const p = projectPca2(mu, set.n, d);
            const proj = Array.from({ length: set.n }, (_, i) => ({ x: p.coords[2 * i]!, y: p.coords[2 * i + 1]!, label: labels[i]! }));
            return buildLatentScatterSpec(points, {
              ...options,
              projection: {
                points: proj,
                axes: { x: `PC1 (${(100 * p.varianceRatio[0]!).toFixed(0)}%)`, y: `PC2 (${(100 * p.varianceRatio[1]!).toFixed(0)}%)` },
                title: `PCA of all ${d} dimensions`,
              },
            });
          })()
        : buildLatentScatterSpec(points, options);
    await render(
      `fig5-latent-${run.name}`,
      `Figure 5 — latent space of ${run.name}`,
      'Left: the two latent dimensions with the highest KL; right: a 2-D PCA projection of all dimensions.',
      spec,
    );
  }

  // Figure 6: latent interpolation between two families, each step decoded.
  const paths: InterpolationPath[] = [];
  const interpolations: InterpolationRecord[] = [];
  const STEPS = 9;
  for (const run of runs) {
    const ends = interpolationEnds(run.test);
    if (!ends) continue;
    const ia = ends.from;
    const ib = ends.to;
    const from = `${run.test.family[ia]} (${run.test.behaviour[ia]})`;
    const to = `${run.test.family[ib]} (${run.test.behaviour[ib]})`;
    const path = interpolate(run.model, row(run.test, ia), row(run.test, ib), STEPS);
    const L = run.test.length;
    // The two ends may come from different time windows: plot against the position in the window.
    const t = Array.from({ length: L }, (_, j) => j / (L - 1));
    paths.push({ name: `${run.name}: ${from} → ${to}`, steps: Array.from({ length: STEPS }, (_, s) => Array.from(path.x.subarray(s * L, (s + 1) * L))), t });
    const smooth = computeInterpolationSmoothness(path.x, STEPS, L);
    interpolations.push({
      run: run.name,
      from,
      to,
      steps: STEPS,
      maxStepRatio: smooth.maxStepRatio,
      roughness: smooth.roughness,
      pathLengthRatio: smooth.pathLengthRatio,
    });
  }
  if (paths.length) {
    await render(
      'fig6-interpolation',
      'Figure 6 — latent interpolation',
      'The latent mean walks linearly from one series to another; every step is decoded (dark: start, light: end).',
      buildInterpolationSpec(paths, { title: 'Latent interpolation', subtitle: `${STEPS} steps, each decoded`, xTitle: 'position in the window' }),
    );
  }

  // Training curves.
  const history: TrainingHistoryRow[] = runs.flatMap((run) =>
    run.record.history.map((h) => ({ run: run.name, epoch: h.epoch, loss: h.loss, recon: h.recon, kl: h.kl, valLoss: h.valLoss })),
  );
  if (history.length) {
    await render(
      'training-curves',
      'Training curves',
      'Loss terms per epoch (training solid, validation dashed), nats per series.',
      buildTrainingCurvesSpec(history, { title: 'Training curves', terms: ['loss', 'recon', 'kl'] }),
    );
  }

  // Metric bars: relative MSE of each model against PCA on every evaluation set.
  const bars: MetricBarRow[] = evaluations.flatMap((e) => [
    { model: `VAE (${e.run})`, metric: 'relative MSE', group: `${e.run} on ${e.data}`, value: e.relativeMse.vae },
    { model: `PCA (${e.run})`, metric: 'relative MSE', group: `${e.run} on ${e.data}`, value: e.relativeMse.pca },
  ]);
  await render(
    'metric-bars',
    'Reconstruction error against PCA',
    'Relative MSE (squared error over the data variance) of each VAE and of PCA with as many components, fitted on the same training split; log scale, lower is better.',
    buildMetricBarsSpec(bars, { title: 'Relative MSE: VAE against PCA', logScale: true }),
  );
  return { figures, interpolations };
}
