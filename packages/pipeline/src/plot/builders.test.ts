import type { TopLevelSpec } from 'vega-lite';
import { describe, expect, it } from 'vitest';
import { PlotInputError } from './errors.js';
import { buildInterpolationSpec } from './interpolation.js';
import { buildLatentScatterSpec } from './latent-scatter.js';
import { buildMetricBarsSpec } from './metric-bars.js';
import { buildReconstructionSpec } from './reconstruction.js';
import { renderChart } from './render.js';
import { buildTraceGridSpec } from './trace-grid.js';
import { buildTrainingCurvesSpec } from './training-curves.js';

const T = 40;
const t = Float32Array.from({ length: T }, (_, i) => i * 0.5);
const wave = (a: number, f: number) => Float32Array.from(t, (x) => a * Math.sin(f * x));
const ramp = (a: number, c: number) => Float64Array.from(t, (x) => a / (1 + Math.exp(-(x - c))));

/**
 * A minimal XML well-formedness check (no parser in the dependencies): balanced tags, one
 * `<svg>` root, quoted attributes, no bare `&`. Returns the root's opening tag.
 */
function checkXml(svg: string): string {
  expect(svg.trimStart().startsWith('<svg')).toBe(true);
  expect(/&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(svg)).toBe(false);
  const stack: string[] = [];
  let roots = 0;
  let root = '';
  const tag = /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+="[^"]*")*)\s*(\/?)>|<[^>]*>/g;
  for (const m of svg.matchAll(tag)) {
    if (m[2] === undefined) throw new Error(`malformed tag: ${m[0].slice(0, 80)}`);
    const [, close, name, , selfClose] = m;
    if (close) {
      expect(stack.pop(), `closing </${name}>`).toBe(name);
    } else {
      if (stack.length === 0) {
        roots++;
        root = m[0];
      }
      if (!selfClose) stack.push(name);
    }
  }
  expect(stack).toEqual([]);
  expect(roots).toBe(1);
  return root;
}

/**
 * Mark groups of the given class and the items (paths / text elements) inside them. A line
 * chart with several series gets one group per line, so for lines count panels with
 * {@link countLinePanels}.
 */
function countItems(svg: string, markClass: string, element = 'path'): { groups: number; items: number } {
  const groups = [...svg.matchAll(new RegExp(`<g class="${markClass} role-mark[^"]*"[^>]*>(.*?)</g>`, 'gs'))];
  const items = groups.reduce((n, g) => n + (g[1]!.match(new RegExp(`<${element}\\b`, 'g'))?.length ?? 0), 0);
  return { groups: groups.length, items };
}

/** Panels of a faceted line chart: each holds one "pathgroup" scope of its lines. */
function countLinePanels(svg: string): number {
  return svg.match(/class="mark-group role-scope (child_)?(layer_\d+_)?pathgroup"/g)?.length ?? 0;
}

async function renderAndCheck(spec: TopLevelSpec, title: string) {
  const r = await renderChart(spec, { png: true, scale: 1 });
  const root = checkXml(r.svg);
  expect(root).toMatch(/width="\d+"/);
  expect(r.svg.length).toBeGreaterThan(2000);
  expect(r.svg).toContain(`>${title}</text>`);
  expect(r.warnings).toEqual([]);
  expect([...r.png!.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
  return r;
}

describe('checkXml (the test helper)', () => {
  it.each(['<svg><g></svg>', '<svg></svg><svg></svg>', '<svg a=1></svg>', '<svg>&</svg>'])('rejects %s', (bad) => {
    expect(() => checkXml(bad)).toThrow();
  });
});

describe('buildTraceGridSpec (figure 3)', () => {
  const rows = [
    { group: 'oscillator', label: 'α', t, y: wave(1, 0.5) },
    { group: 'oscillator', label: 'β', t, y: wave(0.5, 0.5) },
    { group: 'switch', label: 'α', t, y: ramp(1, 10) },
    { group: 'amplifier', label: 'α', t, y: ramp(2, 5) },
    { group: 'amplifier', label: 'β', t, y: ramp(1, 8) },
  ];

  it('draws one panel per group and one line per trace, with a species legend', async () => {
    const r = await renderAndCheck(buildTraceGridSpec(rows, { title: 'Example traces', colorTitle: 'species' }), 'Example traces');
    expect(countItems(r.svg, 'mark-line').items).toBe(5);
    expect(countLinePanels(r.svg)).toBe(3);
    for (const caption of ['oscillator', 'switch', 'amplifier', 'species']) expect(r.svg).toContain(`>${caption}</text>`);
  });

  it('hides the legend when traces have no labels, and can free each panel y axis', async () => {
    const unlabelled = rows.map(({ group, t: time, y }) => ({ group, t: time, y }));
    const spec = buildTraceGridSpec(unlabelled, { title: 'No labels', independentY: true, columns: 2 });
    const r = await renderAndCheck(spec, 'No labels');
    expect(r.svg).not.toContain('role-legend');
    expect(countItems(r.svg, 'mark-line').items).toBe(5);
  });

  it('leaves gaps for non-finite values and rejects ragged traces', () => {
    const y = wave(1, 1);
    y[3] = NaN;
    const spec = buildTraceGridSpec([{ group: 'g', t, y }], { title: 'gap' }) as { data: { values: { y: number | null }[] } };
    expect(spec.data.values[3]!.y).toBeNull();
    expect(() => buildTraceGridSpec([{ group: 'g', t, y: y.subarray(1) }], { title: 'x' })).toThrow(/trace 0 \(group "g"\)/);
    expect(() => buildTraceGridSpec([], { title: 'x' })).toThrow(PlotInputError);
  });
});

describe('buildReconstructionSpec (figure 4)', () => {
  it('overlays input (solid) and reconstruction (dashed) in one panel per item', async () => {
    const items = [
      { group: 'sin', t, input: wave(1, 0.5), reconstruction: wave(0.9, 0.5) },
      { group: 'sigmoid', t, input: ramp(1, 10), reconstruction: ramp(0.95, 10) },
      { group: 'sin', t, input: wave(0.4, 1), reconstruction: wave(0.45, 1) },
    ];
    const r = await renderAndCheck(buildReconstructionSpec(items, { title: 'Reconstructions' }), 'Reconstructions');
    expect(countItems(r.svg, 'mark-line').items).toBe(6);
    expect(countLinePanels(r.svg)).toBe(3);
    // Duplicate captions are kept apart; both legend entries are present.
    for (const caption of ['sin', 'sin (2)', 'sigmoid', 'input', 'reconstruction']) expect(r.svg).toContain(`>${caption}</text>`);
    expect(r.svg).toContain('stroke-dasharray="6,3"');
  });

  it('rejects series of different lengths, naming the item', () => {
    const bad = [{ group: 'sin', t, input: wave(1, 1), reconstruction: wave(1, 1).subarray(2) }];
    expect(() => buildReconstructionSpec(bad, { title: 'x' })).toThrow(/item 0 \(group "sin"\).*reconstruction: 38/);
  });
});

describe('buildLatentScatterSpec (figure 5)', () => {
  const points = Array.from({ length: 30 }, (_, i) => ({
    x: Math.cos(i),
    y: Math.sin(2 * i),
    label: i % 2 ? 'sin' : 'sigmoid',
  }));

  it('draws one symbol per point with one merged colour-and-shape legend', async () => {
    const r = await renderAndCheck(buildLatentScatterSpec(points, { title: 'Latent space', axes: { x: 'z1', y: 'z2' } }), 'Latent space');
    expect(countItems(r.svg, 'mark-symbol')).toEqual({ groups: 1, items: 30 });
    expect(r.svg.match(/role-legend-title/g)).toHaveLength(1);
    for (const text of ['z1', 'z2', 'sin', 'sigmoid']) expect(r.svg).toContain(`>${text}</text>`);
  });

  it('adds a second panel for a projection, sharing the legend', async () => {
    const projection = { points: points.slice(0, 20), axes: { x: 'PC1', y: 'PC2' }, title: 'PCA of z' };
    const spec = buildLatentScatterSpec(points, { title: 'Two views', axes: { x: 'z3', y: 'z7' }, panelTitle: 'z3 vs z7', projection });
    const r = await renderAndCheck(spec, 'Two views');
    expect(countItems(r.svg, 'mark-symbol')).toEqual({ groups: 2, items: 50 });
    expect(r.svg.match(/role-legend-title/g)).toHaveLength(1);
    for (const text of ['PC1', 'PCA of z', 'z3 vs z7']) expect(r.svg).toContain(`>${text}</text>`);
  });

  it('drops non-finite points and rejects an empty panel', () => {
    const spec = buildLatentScatterSpec([...points, { x: NaN, y: 0, label: 'sin' }], { title: 'x', axes: { x: 'a', y: 'b' } });
    expect((spec as { data: { values: unknown[] } }).data.values).toHaveLength(30);
    expect(() => buildLatentScatterSpec([], { title: 'x', axes: { x: 'a', y: 'b' } })).toThrow(PlotInputError);
  });
});

describe('buildInterpolationSpec (figure 6)', () => {
  it('draws every decoded step of every path', async () => {
    const steps = (n: number) =>
      Array.from({ length: n }, (_, s) => Float32Array.from(t, (x, i) => (1 - s / (n - 1)) * Math.sin(x) + (s / (n - 1)) * ramp(1, 10)[i]!));
    const paths = [
      { name: 'sin → sigmoid', t, steps: steps(7) },
      { name: 'oscillator → switch', steps: steps(5) },
    ];
    const r = await renderAndCheck(buildInterpolationSpec(paths, { title: 'Interpolation' }), 'Interpolation');
    expect(countItems(r.svg, 'mark-line').items).toBe(12);
    expect(countLinePanels(r.svg)).toBe(2);
    for (const text of ['sin → sigmoid', 'oscillator → switch', 'start', 'end']) expect(r.svg).toContain(`>${text}</text>`);
  });

  it('rejects a single step and ragged steps', () => {
    expect(() => buildInterpolationSpec([{ name: 'p', steps: [wave(1, 1)] }], { title: 'x' })).toThrow(/at least 2 steps/);
    expect(() => buildInterpolationSpec([{ name: 'p', steps: [wave(1, 1), wave(1, 1).subarray(1)] }], { title: 'x' })).toThrow(/step 1 has 39 points/);
  });
});

describe('buildTrainingCurvesSpec', () => {
  const history = ['beta=1', 'beta=4'].flatMap((run, k) =>
    Array.from({ length: 8 }, (_, e) => ({
      run,
      epoch: e + 1,
      loss: 100 / (e + 1) + k,
      recon: 90 / (e + 1),
      kl: 10 + k,
      valLoss: 110 / (e + 1) + k,
    })),
  );

  it('draws one panel per term, training solid and validation dashed, per run', async () => {
    const r = await renderAndCheck(buildTrainingCurvesSpec(history, { title: 'Training' }), 'Training');
    // loss: 2 runs x (training, validation); recon and kl: 2 runs x training.
    expect(countItems(r.svg, 'mark-line').items).toBe(8);
    expect(countLinePanels(r.svg)).toBe(3);
    for (const text of ['loss', 'recon', 'kl', 'beta=1', 'validation']) expect(r.svg).toContain(`>${text}</text>`);
  });

  it('selects terms, supports log axes and names unknown terms', async () => {
    const spec = buildTrainingCurvesSpec(history, { title: 'Loss only', terms: ['loss'], logY: true });
    const r = await renderAndCheck(spec, 'Loss only');
    expect(countLinePanels(r.svg)).toBe(1);
    expect(() => buildTrainingCurvesSpec(history, { title: 'x', terms: ['elbo'] })).toThrow(/elbo, not in the history \(found: loss, recon, kl\)/);
    expect(() => buildTrainingCurvesSpec([{ run: 'a', epoch: 1 }], { title: 'x' })).toThrow(PlotInputError);
  });
});

describe('buildMetricBarsSpec', () => {
  it('draws grouped bars per metric with value labels', async () => {
    const rows = ['sin', 'sigmoid'].flatMap((group, k) => [
      { model: 'VAE', metric: 'relative MSE', group, value: 0.01 * (k + 1) },
      { model: 'PCA', metric: 'relative MSE', group, value: 0.05 * (k + 1) },
      { model: 'VAE', metric: 'MMD²', group, value: 0.002 * (k + 1) },
      { model: 'PCA', metric: 'MMD²', group, value: 0.02 * (k + 1) },
    ]);
    const r = await renderAndCheck(buildMetricBarsSpec(rows, { title: 'VAE vs PCA', logScale: true }), 'VAE vs PCA');
    expect(countItems(r.svg, 'mark-rect')).toEqual({ groups: 2, items: 8 });
    expect(countItems(r.svg, 'mark-text', 'text').items).toBe(8);
    for (const text of ['relative MSE', 'MMD²', 'VAE', 'PCA', 'sigmoid', '0.05']) expect(r.svg).toContain(`>${text}</text>`);
  });

  it('works without groups and without labels, on negative values', async () => {
    const rows = [
      { model: 'VAE', metric: 'silhouette', value: 0.4 },
      { model: 'PCA', metric: 'silhouette', value: -0.1 },
    ];
    const r = await renderAndCheck(buildMetricBarsSpec(rows, { title: 'Silhouette', labels: false }), 'Silhouette');
    expect(countItems(r.svg, 'mark-rect').items).toBe(2);
    expect(countItems(r.svg, 'mark-text', 'text').groups).toBe(0);
  });

  it('rejects rows with nothing plottable', () => {
    expect(() => buildMetricBarsSpec([{ model: 'VAE', metric: 'm', value: 0 }], { title: 'x', logScale: true })).toThrow(/no finite, positive values/);
  });
});
