import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlotInputError } from '../errors.js';
import { writeExploreReport } from './explore-document.js';
import { buildBehaviourCountsSpec, buildCellsCurveSpec, buildLatentMapSpec, buildMissedTracesSpec, buildRegionTracesSpec } from './explore-figures.js';
import type { BehaviourClass, ExploreMethod, ExploreMethodRun, ExploreReportData, ReportTrace } from './explore-types.js';
import type { Figure } from './figures.js';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const METHODS: ExploreMethod[] = ['explore', 'random', 'lhs'];
const SEEDS = [1, 2];

/** A deterministic pseudo-random stream (the fixture must not change between runs). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const T = 50;
const t = Array.from({ length: T }, (_, i) => i / (T - 1));
const wave = (amplitude: number, periods: number) => t.map((x) => 40 + amplitude * Math.sin(2 * Math.PI * periods * x));
const damped = (amplitude: number, periods: number) => t.map((x) => 40 + amplitude * Math.exp(-4 * x) * Math.sin(2 * Math.PI * periods * x));
const rise = (level: number) => t.map((x) => level * (1 - Math.exp(-8 * x)));

const OSC_RARE: BehaviourClass = { label: 'oscillating', periodBin: 3, amplitudeBin: 7 };
const OSC_COMMON: BehaviourClass = { label: 'oscillating', periodBin: 5, amplitudeBin: 4 };
const HIGH: BehaviourClass = { label: 'settles-high', periodBin: null, amplitudeBin: 9 };
const LOW: BehaviourClass = { label: 'settles-low', periodBin: null, amplitudeBin: 2 };
const DAMPED: BehaviourClass = { label: 'damped-oscillation', periodBin: 2, amplitudeBin: 3 };

const trace = (method: ExploreMethod, seed: number, sampleId: number, behaviour: BehaviourClass, y: number[]): ReportTrace => ({
  method,
  seed,
  sampleId,
  behaviour,
  parameters: [0.0123 * (sampleId + 1), 4.5 + sampleId, 250],
  t,
  y,
});

/** A small report: 2 seeds, 3 methods, 5 classes (one found only by explore, one only by the sweeps). */
function fixture(): ExploreReportData {
  const every = 25;
  const runs: ExploreMethodRun[] = METHODS.flatMap((method, m) =>
    SEEDS.map((seed) => {
      const reach = [60, 34, 38][m]! + seed;
      return {
        method,
        seed,
        simulations: 200,
        converged: 196 - m - seed,
        cells: Array.from({ length: 8 }, (_, k) => Math.round(reach * (1 - Math.exp(-(k + 1) / (method === 'explore' ? 3 : 2))))),
        distinct: [4, 3, 3][m]! + (seed === 2 && method === 'explore' ? 1 : 0),
        oscillating: [31, 8, 11][m]! + seed,
        seconds: { simulation: 40.5 + seed, training: method === 'explore' ? 6.25 : 0, proposal: method === 'explore' ? 1.5 : 0 },
      };
    }),
  );
  const random = lcg(7);
  const points = METHODS.flatMap((method) =>
    Array.from({ length: 60 }, () => {
      const spread = method === 'explore' ? 3 : 1.8;
      const x = (random() * 2 - 1) * spread;
      const y = (random() * 2 - 1) * spread;
      const label = x > 1.5 ? 'oscillating' : y > 1 ? 'settles-high' : y < -1 ? 'settles-low' : 'damped-oscillation';
      return { x, y, method, label };
    }),
  );
  const regionAt = (x: number, y: number, behaviour: BehaviourClass, series: number[], id: number) => ({
    x,
    y,
    trace: trace('explore', 1, id, behaviour, series),
  });
  return {
    formatVersion: 1,
    packageVersion: '0.1.0',
    network: { name: 'oscillator', source: 'networks/oscillator.json', observed: 'signal', units: 'nM' },
    vary: [
      { path: 'templates.T1.k', min: 0.001, max: 0.1, distribution: 'log' },
      { path: 'templates.T2.conc', min: 1, max: 50, distribution: 'uniform' },
      { path: 'enzymes.pol', min: 10, max: 1000, distribution: 'log' },
    ],
    budget: 200,
    seeds: SEEDS,
    every,
    judge: {
      latentDim: 2,
      cellsPerSide: 10,
      bounds: [
        [-3, 3],
        [-3, 3],
      ],
      trainRows: 1150,
      seconds: 21.4,
    },
    runs,
    medians: [
      { method: 'explore', distinct: 4.5, oscillating: 32.5, cells: 58, overhead: 0.18 },
      { method: 'random', distinct: 3, oscillating: 9.5, cells: 35, overhead: null },
      { method: 'lhs', distinct: 3, oscillating: 12.5, cells: 39, overhead: null },
    ],
    targets: [
      { name: 'distinct classes, explore / best sweep', value: 1.5, target: 1.2, met: true },
      { name: 'cells filled, explore / best sweep', value: 1.4872, target: 2, met: false },
    ],
    classes: [
      { behaviour: HIGH, found: { explore: 2, random: 2, lhs: 2 } },
      { behaviour: OSC_COMMON, found: { explore: 2, random: 1, lhs: 1 } },
      { behaviour: OSC_RARE, found: { explore: 2, random: 0, lhs: 0 } },
      { behaviour: LOW, found: { explore: 0, random: 1, lhs: 2 } },
      { behaviour: DAMPED, found: { explore: 1, random: 1, lhs: 0 } },
    ],
    map: {
      points,
      regions: [
        regionAt(-2, 2, HIGH, rise(80), 3),
        regionAt(0, 2, HIGH, rise(65), 8),
        regionAt(2, 2, OSC_RARE, wave(25, 3), 11),
        regionAt(-2, 0, DAMPED, damped(20, 4), 17),
        regionAt(2, 0, OSC_COMMON, wave(12, 5), 21),
        regionAt(-2, -2, LOW, rise(5), 30),
        regionAt(0, -2, LOW, rise(8), 33),
      ],
    },
    missedBySweeps: [trace('explore', 1, 11, OSC_RARE, wave(25, 3)), trace('explore', 2, 47, OSC_RARE, wave(22, 3.2))],
    notes: ['explore: MAP-Elites in the latent space of a VAE retrained every 50 simulations.', 'Total wall-clock time 4 min 10 s on 8 cores.'],
  };
}

describe('writeExploreReport', () => {
  const data = fixture();
  let dir: string;
  let figures: Figure[];
  let html: string;
  let md: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'penvae-explore-report-'));
    figures = await writeExploreReport(dir, data);
    html = readFileSync(join(dir, 'index.html'), 'utf8');
    md = readFileSync(join(dir, 'report.md'), 'utf8');
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('renders every figure as a non-empty SVG and PNG under figures/', () => {
    expect(figures.map((f) => f.id)).toEqual(['cells-curve', 'behaviour-counts', 'latent-map', 'region-traces', 'missed-traces']);
    for (const fig of figures) {
      expect(fig.svg).toBe(`figures/${fig.id}.svg`);
      expect(fig.png).toBe(`figures/${fig.id}.png`);
      const svg = readFileSync(join(dir, fig.svg), 'utf8');
      expect(svg.trimStart().startsWith('<svg')).toBe(true);
      expect(svg.length).toBeGreaterThan(2000);
      const png = readFileSync(join(dir, fig.png));
      expect(statSync(join(dir, fig.png)).size).toBeGreaterThan(1000);
      expect([...png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    }
  });

  it('draws what each figure is about', () => {
    const svg = (id: string) => readFileSync(join(dir, `figures/${id}.svg`), 'utf8');
    // Method names in the legend; the thin run lines and the median lines of the 3 methods.
    expect(svg('cells-curve')).toContain('>Latin hypercube</text>');
    expect(svg('cells-curve')).toContain('>cells filled (of 100)</text>');
    // One panel per method, titled with its sample count.
    expect(svg('latent-map')).toContain('>explore (60 samples)</text>');
    // Region panels carry their behaviour label; the rows and columns their map coordinates.
    expect(svg('region-traces')).toContain('>settles-low</text>');
    expect(svg('region-traces')).toContain('>z2</text>');
    // A missed class's panel names its bins and the parameter values that produced it.
    expect(svg('missed-traces')).toContain('oscillating · period decile 3 · amplitude decile 7');
    expect(svg('missed-traces')).toContain('templates.T1.k = 0.148');
    expect(svg('behaviour-counts')).toContain('>32.5</text>');
  });

  it('inlines every figure into index.html as a PNG data URI', () => {
    for (const fig of figures) {
      const base64 = readFileSync(join(dir, fig.png)).toString('base64');
      expect(html).toContain(`<figure id="${fig.id}">`);
      expect(html).toContain(`src="data:image/png;base64,${base64}"`);
    }
    expect(html).not.toMatch(/src="(?!data:)/);
    expect(md).toContain('![Figure 1 — latent cells filled against simulations](figures/cells-curve.png)');
  });

  it('writes the title, notes, targets and medians', () => {
    const title = 'Exploration of oscillator: explore vs random vs Latin hypercube';
    expect(html).toContain(`<title>${title}</title>`);
    expect(md.startsWith(`# ${title}\n`)).toBe(true);
    expect(html).toContain('<li>Total wall-clock time 4 min 10 s on 8 cores.</li>');
    expect(html).toContain('<tr><td>distinct classes, explore / best sweep</td><td>1.5</td><td>1.2</td><td>✓</td></tr>');
    expect(html).toContain('<tr><td>cells filled, explore / best sweep</td><td>1.49</td><td>2</td><td>✗</td></tr>');
    expect(md).toContain('1 of 2 targets met.');
    expect(md).toContain('| explore | 4.5 | 32.5 | 58 | 18 % |');
    expect(md).toContain('| random sweep | 3 | 9.5 | 35 | – |');
  });

  it('lists every run, with training and proposal time for explore only', () => {
    expect(md).toContain('| explore | 2 | 200 | 194 | 58 | 5 | 33 | 42.5 | 6.25 | 1.5 |');
    expect(md).toContain('| Latin hypercube | 1 | 200 | 193 | 38 | 3 | 12 | 41.5 | – | – |');
  });

  it('sorts the classes by label and bins and marks those only explore found', () => {
    const rows = md.split('\n').filter((l) => /^\| (oscillating|settles|damped)/.test(l));
    expect(rows).toEqual([
      '| damped-oscillation | 2 | 3 | 1 | 1 | 0 |  |',
      '| oscillating | 3 | 7 | 2 | 0 | 0 | explore only |',
      '| oscillating | 5 | 4 | 2 | 1 | 1 |  |',
      '| settles-high | – | 9 | 2 | 2 | 2 |  |',
      '| settles-low | – | 2 | 0 | 1 | 2 | sweeps only |',
    ]);
    expect(html).toContain('<tr><td>oscillating</td><td>3</td><td>7</td><td>2</td><td>0</td><td>0</td><td>explore only</td></tr>');
    expect(html.match(/explore only<\/td>/g)).toHaveLength(1);
  });

  it('writes metrics.json: the data, 1-space indent, trailing newline', () => {
    const text = readFileSync(join(dir, 'metrics.json'), 'utf8');
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.split('\n')[1]).toBe(' "formatVersion": 1,');
    expect(JSON.parse(text)).toEqual(data);
  });

  it('leaves no temporary files behind', () => {
    expect(existsSync(join(dir, 'figures'))).toBe(true);
    const names = [...readdirSync(dir), ...readdirSync(join(dir, 'figures'))];
    expect(names.filter((n) => n.includes('.tmp-'))).toEqual([]);
  });
});

describe('explore spec builders', () => {
  const data = fixture();
  it('throw PlotInputError on empty input', () => {
    expect(() => buildCellsCurveSpec([], { title: 'x', every: 10 })).toThrow(PlotInputError);
    expect(() => buildBehaviourCountsSpec([], { title: 'x' })).toThrow(PlotInputError);
    expect(() => buildLatentMapSpec([], { title: 'x' })).toThrow(PlotInputError);
    expect(() => buildRegionTracesSpec([], { title: 'x' })).toThrow(PlotInputError);
    expect(() => buildMissedTracesSpec([], { title: 'x', parameterNames: [] })).toThrow(PlotInputError);
  });

  it('throw PlotInputError on runs without cell counts, a bad spacing, a malformed grid or mismatched parameters', () => {
    const runs = data.runs.map((r) => ({ ...r, cells: [] }));
    expect(() => buildCellsCurveSpec(runs, { title: 'x', every: 10 })).toThrow(/none of the 6 runs/);
    expect(() => buildCellsCurveSpec(data.runs, { title: 'x', every: 0 })).toThrow(PlotInputError);
    expect(() =>
      buildLatentMapSpec(data.map.points, {
        title: 'x',
        grid: {
          cellsPerSide: 10,
          bounds: [
            [1, 1],
            [0, 1],
          ],
        },
      }),
    ).toThrow(PlotInputError);
    expect(() => buildMissedTracesSpec(data.missedBySweeps, { title: 'x', parameterNames: ['a'] })).toThrow(/3 parameter values for 1/);
  });

  it('place the median of each method over seeds on top of the single runs', () => {
    const spec = buildCellsCurveSpec(data.runs, { title: 'x', every: data.every }) as { data: { values: { simulations: number }[] }; layer: unknown[] };
    expect(spec.layer).toHaveLength(3);
    expect(spec.data.values).toHaveLength(6 * 8);
    expect(Math.max(...spec.data.values.map((v) => v.simulations))).toBe(200);
  });
});
