import { disposeVae, encode, initBackend, type BackendChoice } from '@penvae/vae';
import { checkChoice, checkSeed, yieldToEventLoop } from '../check-options.js';
import { InputError } from '../errors.js';
import { checkOutputPath, writeDirectoryAtomic } from '../io/atomic.js';
import { processOutput, type Output } from '../io/output.js';
import { PACKAGE_VERSION } from '../version.js';
import { openSweepPool } from '../dataset/pool.js';
import type { DatasetRow } from '../dataset/schema.js';
import type { Design } from '../dataset/sweep-spec.js';
import { windowTimes } from '../dataset/time-grid.js';
import { buildArchive, cellCentre, cellOf, filledCurve, fitLatentGrid } from '../explore/archive.js';
import { descriptorInputs, descriptorLength, fitDescriptorScale } from '../explore/descriptor.js';
import { emptySearchState, runSearch, trainLatentMap, SEARCH_DEFAULTS } from '../explore/search.js';
import { classKey, classOf, fitClassEdges, summarizeBehaviour, type BehaviourSummary } from '../metrics/behaviour-classes.js';
import { writeExploreReport } from '../report/explore-document.js';
import type { BehaviourClass, ExploreMethod, ExploreMethodRun, ExploreReportData, ReportTrace } from '../report/explore-types.js';
import { createRandom, deriveIndexedSeed, permutation } from '../random.js';
import { BACKEND_CHOICES } from './train-options.js';
import { resolveSearchSettings, type ExploreCommandOptions } from './explore.js';
import { prepareSweepJob } from './sweep.js';

/** Options of {@link runExploreCompare} (`pipeline explore-compare`). */
export interface ExploreCompareOptions extends Omit<ExploreCommandOptions, 'seed' | 'resume' | 'out'> {
  /** Report folder (replaced atomically). */
  out: string;
  /** One search and one sweep of each design per seed. @default [1, 2, 3, 4, 5] */
  seeds?: number[];
  backend?: BackendChoice;
}

/** The methods, in report order. */
const METHODS: readonly ExploreMethod[] = ['explore', 'random', 'lhs'];

/** Judge settings: more passes than a search's trainings (it is trained once, on every run's traces). */
const JUDGE = Object.freeze({ maxRows: 20_000, passes: 120_000, points: 50, regionsPerSide: 6, mapPointsPerMethod: 1500, missed: 12 });

/** What one run keeps of a row: no raw series (a 5 000-sample run of the oscillator holds 360 MB of them). */
type LightRow = Pick<DatasetRow, 'sampleId' | 'parameters' | 'series' | 'offset' | 'scale' | 'behaviour' | 'period' | 'amplitude' | 'outcome'>;

interface RunData {
  method: ExploreMethod;
  seed: number;
  rows: LightRow[];
  seconds: { simulation: number; training: number; proposal: number };
}

function lighten(row: DatasetRow): LightRow {
  const { sampleId, parameters, series, offset, scale, behaviour, period, amplitude, outcome } = row;
  return { sampleId, parameters, series, offset, scale, behaviour, period, amplitude, outcome };
}

function median(values: readonly number[]): number {
  const v = [...values].sort((a, b) => a - b);
  const m = v.length >> 1;
  return v.length % 2 ? v[m]! : (v[m - 1]! + v[m]!) / 2;
}

/**
 * Compares `pipeline explore` with a random sweep and a Latin hypercube of the same budget,
 * for each seed (`pipeline explore-compare`), and writes a report: cells of one judge's latent
 * grid filled against simulations spent, the latent map with a trace per region, the distinct
 * behaviour classes (label x period decile x amplitude decile over the union of every run's
 * finds) each method found, oscillating parameter sets, and the search's overhead. The judge
 * is a 2-D VAE trained on the union of every run's traces, so no method is measured in its own
 * behaviour space. Nothing but the report is written.
 */
export async function runExploreCompare(options: ExploreCompareOptions, output: Output = processOutput): Promise<ExploreReportData> {
  checkOutputPath(options.out, '--out', 'folder');
  const seeds = (options.seeds ?? [1, 2, 3, 4, 5]).map((s) => checkSeed(s, '--seeds'));
  if (seeds.length === 0) throw new InputError('--seeds: give at least one seed');
  if (new Set(seeds).size !== seeds.length) throw new InputError(`--seeds ${seeds.join(',')}: a seed is given twice`);
  const settings = resolveSearchSettings({ ...options, seed: seeds[0]! });
  const { signal } = options;
  // One preparation (and so one normalisation window) for every run: the methods must see
  // their traces the same way.
  const base = prepareSweepJob({ ...options, out: `${options.out}.arrow`, samples: settings.budget, design: 'random', seed: seeds[0]! });
  const backend = await initBackend(checkChoice(options.backend ?? 'auto', '--backend', BACKEND_CHOICES));
  output.err(`backend: ${backend.backend}; ${seeds.length} seed(s) x 3 methods x ${settings.budget} simulations of ${base.network.name}`);
  const runs: RunData[] = [];
  for (const seed of seeds) {
    for (const method of METHODS) {
      const sweep = { ...base.sweep, seed, design: (method === 'lhs' ? 'lhs' : 'random') as Design };
      const pool = openSweepPool({ ...base.job, sweep }, base.workers);
      const began = performance.now();
      try {
        if (method === 'explore') {
          const { state } = await runSearch(sweep, pool, { ...settings, seed }, base.layout.seriesLength, emptySearchState(), {}, undefined, signal);
          runs.push({ method, seed, rows: state.rows.map(lighten), seconds: state.seconds });
        } else {
          const rows: LightRow[] = [];
          await pool.run({ start: 0, end: settings.budget, onRow: (row) => void rows.push(lighten(row)), ...(signal ? { signal } : {}) });
          runs.push({ method, seed, rows, seconds: { simulation: (performance.now() - began) / 1000, training: 0, proposal: 0 } });
        }
      } finally {
        await pool.close();
      }
      const run = runs[runs.length - 1]!;
      const osc = run.rows.filter((r) => r.behaviour === 'oscillating').length;
      output.err(
        `seed ${seed} ${method}: ${run.rows.length} simulations in ${((performance.now() - began) / 1000).toFixed(1)} s; oscillating ${osc} (${((100 * osc) / run.rows.length).toFixed(1)} %)`,
      );
      await yieldToEventLoop(signal);
    }
  }
  const data = await measure(runs, base, settings.budget, seeds, settings.cellsPerSide, output, signal);
  await writeDirectoryAtomic(options.out, 'metrics.json', async (tmp) => void (await writeExploreReport(tmp, data)), signal);
  for (const t of data.targets) output.out(`${t.met ? 'met' : 'NOT met'}: ${t.name}: ${formatRatio(t.value)} (target ${t.target})`);
  output.err(`wrote ${options.out}/index.html (open it in a browser), report.md, metrics.json and figures/`);
  return data;
}

function formatRatio(v: number): string {
  return Number.isFinite(v) ? v.toFixed(2) : String(v);
}

/** Judge, classes, curves, map and targets: everything the report shows. */
async function measure(
  runs: RunData[],
  base: ReturnType<typeof prepareSweepJob>,
  budget: number,
  seeds: number[],
  cellsPerSide: number,
  output: Output,
  signal: AbortSignal | undefined,
): Promise<ExploreReportData> {
  const L = base.layout.seriesLength;
  const all = runs.flatMap((run, r) => run.rows.map((row, i) => ({ run: r, i, row }))).filter((x) => x.row.series);
  if (all.length === 0) throw new InputError(`${base.network.name}: no simulation converged in any run; nothing to compare`);
  // The judge: one 2-D VAE on (a seeded subsample of) the union of every run's traces.
  output.err(`training the judge on ${Math.min(all.length, JUDGE.maxRows)} of ${all.length} traces...`);
  const began = performance.now();
  const rows = all.map((x) => x.row as DatasetRow);
  const scale = fitDescriptorScale(rows);
  const order = permutation(all.length, deriveIndexedSeed(seeds[0]!, 0x4a554447));
  const trainIdx = Array.from(order.subarray(0, Math.min(all.length, JUDGE.maxRows)));
  const judge = await trainLatentMap(
    descriptorInputs(
      trainIdx.map((i) => rows[i]!),
      scale,
      L,
    ),
    trainIdx.length,
    descriptorLength(L),
    { hidden: SEARCH_DEFAULTS.hidden, passes: JUDGE.passes, seed: deriveIndexedSeed(seeds[0]!, 0x4a55), signal, what: 'explore-compare: the judge' },
  );
  let mu: Float32Array;
  try {
    mu = encode(judge.model, descriptorInputs(rows, scale, L), rows.length).mu;
  } finally {
    disposeVae(judge.model);
  }
  const judgeSeconds = (performance.now() - began) / 1000;
  const grid = fitLatentGrid(mu, cellsPerSide);
  // Latent point of every converged row of every run.
  const zOf = runs.map((run) => new Float32Array(run.rows.length * 2).fill(Number.NaN));
  all.forEach((x, k) => {
    zOf[x.run]![2 * x.i] = mu[2 * k]!;
    zOf[x.run]![2 * x.i + 1] = mu[2 * k + 1]!;
  });

  // Behaviour classes over the union.
  const summaries = runs.map((run) => run.rows.map((r) => (r.series ? summarizeBehaviour(r) : null)));
  const edges = fitClassEdges(summaries.flat().filter((s): s is BehaviourSummary => s !== null));
  const classesOf = summaries.map((list) => list.map((s) => (s ? classOf(edges, s) : null)));
  const every = Math.max(1, Math.round(budget / JUDGE.points));
  const methodRuns: ExploreMethodRun[] = runs.map((run, r) => {
    const cells = Int32Array.from({ length: run.rows.length }, (_, i) => cellOf(grid, zOf[r]![2 * i]!, zOf[r]![2 * i + 1]!));
    const keys = new Set(classesOf[r]!.filter((c): c is BehaviourClass => c !== null).map(classKey));
    return {
      method: run.method,
      seed: run.seed,
      simulations: run.rows.length,
      converged: run.rows.filter((x) => x.series).length,
      cells: filledCurve(cells, every),
      distinct: keys.size,
      oscillating: run.rows.filter((x) => x.behaviour === 'oscillating').length,
      seconds: run.seconds,
    };
  });
  const medians = METHODS.map((method) => {
    const mine = methodRuns.filter((m) => m.method === method);
    return {
      method,
      distinct: median(mine.map((m) => m.distinct)),
      oscillating: median(mine.map((m) => m.oscillating)),
      cells: median(mine.map((m) => m.cells[m.cells.length - 1] ?? 0)),
      overhead: method === 'explore' ? median(mine.map((m) => (m.seconds.training + m.seconds.proposal) / m.seconds.simulation)) : null,
    };
  });
  const med = (m: ExploreMethod) => medians.find((x) => x.method === m)!;
  const ratio = (a: number, b: number) => (b > 0 ? a / b : a > 0 ? Infinity : Number.NaN);
  const targets = [
    { name: 'distinct behaviours, explore / random (median over seeds)', value: ratio(med('explore').distinct, med('random').distinct), target: 2 },
    { name: 'distinct behaviours, explore / Latin hypercube', value: ratio(med('explore').distinct, med('lhs').distinct), target: 1.5 },
    { name: 'oscillating parameter sets, explore / random', value: ratio(med('explore').oscillating, med('random').oscillating), target: 10 },
  ].map((t) => ({ ...t, met: t.value >= t.target }));
  targets.push({
    name: 'search overhead (training + proposal) / simulation time',
    value: med('explore').overhead!,
    target: 0.3,
    met: med('explore').overhead! < 0.3,
  });

  // Classes and who found them (runs per method).
  const found = new Map<string, { behaviour: BehaviourClass; found: Record<ExploreMethod, number> }>();
  classesOf.forEach((list, r) => {
    const seen = new Set<string>();
    for (const c of list) {
      if (!c) continue;
      const key = classKey(c);
      if (seen.has(key)) continue;
      seen.add(key);
      let entry = found.get(key);
      if (!entry) found.set(key, (entry = { behaviour: c, found: { explore: 0, random: 0, lhs: 0 } }));
      entry.found[runs[r]!.method]++;
    }
  });
  const classes = [...found.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([, v]) => v);

  const times = windowTimes(base.job.normalization.window, L);
  const traceOf = (r: number, i: number): ReportTrace => {
    const row = runs[r]!.rows[i]!;
    return {
      method: runs[r]!.method,
      seed: runs[r]!.seed,
      sampleId: row.sampleId,
      behaviour: classesOf[r]![i]!,
      parameters: Array.from(row.parameters),
      t: times,
      y: Array.from(row.series!, (v) => v * row.scale! + row.offset!),
    };
  };
  // The map (first seed): points, and one trace per occupied region of a coarse grid.
  const first = runs.map((run, r) => ({ run, r })).filter((x) => x.run.seed === seeds[0]);
  const random = createRandom(deriveIndexedSeed(seeds[0]!, 0x4d4150));
  const points: ExploreReportData['map']['points'] = [];
  for (const { run, r } of first) {
    const idx = run.rows.map((_, i) => i).filter((i) => run.rows[i]!.series);
    const keep = idx.length <= JUDGE.mapPointsPerMethod ? idx : idx.filter(() => random() < JUDGE.mapPointsPerMethod / idx.length);
    for (const i of keep) points.push({ x: zOf[r]![2 * i]!, y: zOf[r]![2 * i + 1]!, method: run.method, label: run.rows[i]!.behaviour! });
  }
  const coarse = { cellsPerSide: JUDGE.regionsPerSide, bounds: grid.bounds };
  // One archive over the first seed's runs together: each region's elite is the sample nearest
  // its centre, whichever run it came from (ties: the earlier run, explore first).
  const owners = first.flatMap(({ r }) => runs[r]!.rows.map((_, i) => ({ r, i })));
  const regionArchive = buildArchive(coarse, Float32Array.from(first.flatMap(({ r }) => Array.from(zOf[r]!))));
  const regions = [...regionArchive.elites].map(([cell, k]) => {
    const { r, i } = owners[k]!;
    const [x, y] = cellCentre(coarse, cell);
    return { x, y, trace: traceOf(r, i) };
  });
  // Classes explore found and neither sweep did, with a trace each (first seed first).
  const missedKeys = classes.filter((c) => c.found.explore > 0 && c.found.random === 0 && c.found.lhs === 0).map((c) => classKey(c.behaviour));
  const missedBySweeps: ReportTrace[] = [];
  const orderedRuns = runs.map((run, r) => ({ run, r })).filter((x) => x.run.method === 'explore');
  for (const key of missedKeys) {
    if (missedBySweeps.length >= JUDGE.missed) break;
    const hit = orderedRuns.map(({ r }) => ({ r, i: classesOf[r]!.findIndex((c) => c !== null && classKey(c) === key) })).find((x) => x.i >= 0);
    if (hit) missedBySweeps.push(traceOf(hit.r, hit.i));
  }

  const network = base.network;
  const randomOsc = methodRuns.filter((m) => m.method === 'random');
  const oscFraction =
    randomOsc.reduce((s, m) => s + m.oscillating, 0) /
    Math.max(
      1,
      randomOsc.reduce((s, m) => s + m.simulations, 0),
    );
  return {
    formatVersion: 1,
    packageVersion: PACKAGE_VERSION,
    network: {
      name: network.name,
      source: base.job.networkSource,
      observed: base.job.normalization.strand,
      units: network.kind === 'pen' ? 'nM' : 'network units',
    },
    vary: base.sweep.vary.map(({ path, min, max, distribution }) => ({ path, min, max, distribution })),
    budget,
    seeds,
    every,
    judge: { latentDim: 2, cellsPerSide: grid.cellsPerSide, bounds: grid.bounds, trainRows: trainIdx.length, seconds: judgeSeconds },
    runs: methodRuns,
    medians,
    targets,
    classes,
    map: { points, regions },
    missedBySweeps,
    notes: [
      `${seeds.length} seed(s) (${seeds.join(', ')}); each method spent ${budget} simulations per seed on ${base.workers} worker(s); window ${base.job.normalization.window.join('-')} min of ${base.job.normalization.strand}.`,
      `A random sweep found sustained oscillation in ${(100 * oscFraction).toFixed(2)} % of its samples.`,
      `Behaviour classes: label x period decile x amplitude decile (final level for labels without a period), deciles over the union of every run's finds: ${classes.length} classes in all. ` +
        `No run can find more than all of them: the distinct-behaviour ratio to the random sweep is at most ${formatRatio(classes.length / med('random').distinct)} here (every class / the random sweep's median), whatever the search.`,
      `The judge (the latent space of the curves and the map) is a 2-D VAE trained once on ${trainIdx.length} traces drawn from every run, ${judgeSeconds.toFixed(1)} s.`,
    ],
  };
}
