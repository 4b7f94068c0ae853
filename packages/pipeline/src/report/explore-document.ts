/**
 * The report of `pipeline explore-compare`: figures, metrics.json, report.md and a
 * self-contained index.html, drawn and written from an {@link ExploreReportData} whose numbers
 * are all computed before. Nothing here measures anything: it lays out what it is given.
 */
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomic.js';
import { formatNumber } from '../io/output.js';
import { figuresHtml, STYLE, table } from './document.js';
import {
  buildBehaviourCountsSpec,
  buildCellsCurveSpec,
  buildLatentMapSpec,
  buildMissedTracesSpec,
  buildRegionTracesSpec,
  EXPLORE_METHODS,
  METHOD_NAMES,
} from './explore-figures.js';
import type { BehaviourClass, ExploreMethod, ExploreReportData } from './explore-types.js';
import { figureRenderer, type Figure } from './figures.js';

/** A number in the report: 3 significant digits, a dash when missing. */
const f = (v: number | null | undefined, digits = 3): string => (v === null || v === undefined || Number.isNaN(v) ? '–' : formatNumber(v, digits));

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Inline markdown code spans as HTML (the intro names files and parameters). */
const inlineHtml = (s: string) => esc(s).replace(/`([^`]+)`/g, '<code>$1</code>');

/** One section of the report, in both output formats. */
interface Section {
  title: string;
  md: string;
  html: string;
}

/** A paragraph (or several, separated by blank lines) in both formats. */
function paragraphs(lines: readonly string[]): { md: string; html: string } {
  return { md: lines.join('\n\n'), html: lines.map((l) => `<p>${inlineHtml(l)}</p>`).join('') };
}

/** A bulleted list in both formats. */
function list(items: readonly string[]): { md: string; html: string } {
  return { md: items.map((s) => `- ${s}`).join('\n'), html: `<ul>${items.map((s) => `<li>${inlineHtml(s)}</li>`).join('')}</ul>` };
}

/** Joins the parts of a section. */
function joined(...parts: { md: string; html: string }[]): { md: string; html: string } {
  return { md: parts.map((p) => p.md).join('\n\n'), html: parts.map((p) => p.html).join('') };
}

/** Which methods' runs found a class: the note of the class table. */
function classNote(found: Record<ExploreMethod, number>): string {
  const sweeps = found.random + found.lhs;
  if (found.explore > 0 && sweeps === 0) return 'explore only';
  if (found.explore === 0 && sweeps > 0) return 'sweeps only';
  return '';
}

/** Classes by label, then period decile (no period first), then amplitude decile. */
function compareClasses(a: BehaviourClass, b: BehaviourClass): number {
  if (a.label !== b.label) return a.label < b.label ? -1 : 1;
  const pa = a.periodBin ?? -Infinity;
  const pb = b.periodBin ?? -Infinity;
  return pa !== pb ? pa - pb : a.amplitudeBin - b.amplitudeBin;
}

/** Runs of each method in the data (the denominator of "runs that found it"). */
function runsPerMethod(data: ExploreReportData): Record<ExploreMethod, number> {
  const n = { explore: 0, random: 0, lhs: 0 };
  for (const r of data.runs) n[r.method]++;
  return n;
}

/** The report's sections after the title, as (title, markdown, html); the first has no title. */
function sections(data: ExploreReportData): Section[] {
  const out: Section[] = [];
  const { network, judge } = data;
  const n = judge.cellsPerSide;
  const [[x0, x1], [y0, y1]] = judge.bounds;
  const intro = [
    `Network \`${network.name}\` (${network.source}); observed strand \`${network.observed}\` (${network.units}). ` +
      `Each method spends ${data.budget} simulations per run, with ${data.seeds.length} seed${data.seeds.length === 1 ? '' : 's'} (${data.seeds.join(', ')}); ` +
      `the cells a run fills are counted after every ${data.every} simulations.`,
    `The judge that places every sample in one latent space is a single VAE with a 2-D latent, trained on ${judge.trainRows} traces pooled from all runs ` +
      `(${f(judge.seconds)} s); its latent plane z1 ∈ [${f(x0)}, ${f(x1)}], z2 ∈ [${f(y0)}, ${f(y1)}] is cut into a ${n} × ${n} grid (${n * n} cells). ` +
      `A behaviour class is a behaviour label with a period decile and an amplitude decile. All numbers below are in metrics.json (penvae ${data.packageVersion}).`,
  ];
  out.push({ title: '', ...joined(paragraphs(intro), ...(data.notes.length ? [list(data.notes)] : [])) });

  out.push({
    title: 'Parameters varied',
    ...table(
      ['parameter', 'min', 'max', 'distribution'],
      data.vary.map((v) => [v.path, f(v.min), f(v.max), v.distribution]),
    ),
  });

  const met = data.targets.filter((t) => t.met).length;
  out.push({
    title: 'Targets (ratios of medians over seeds)',
    ...joined(
      paragraphs([`${met} of ${data.targets.length} targets met.`]),
      table(
        ['name', 'value', 'target', 'met'],
        data.targets.map((t) => [t.name, f(t.value), f(t.target), t.met ? '✓' : '✗']),
      ),
    ),
  });

  const medians = [...data.medians].sort((a, b) => EXPLORE_METHODS.indexOf(a.method) - EXPLORE_METHODS.indexOf(b.method));
  out.push({
    title: 'Medians over seeds',
    ...joined(
      table(
        ['method', 'distinct behaviour classes', 'oscillating parameter sets', `cells filled (of ${n * n})`, 'search overhead (% of simulation time)'],
        medians.map((m) => [METHOD_NAMES[m.method], f(m.distinct), f(m.oscillating), f(m.cells), m.overhead === null ? '–' : `${f(100 * m.overhead)} %`]),
      ),
      paragraphs([
        'Search overhead: wall-clock time spent training the search model and proposing parameter sets, as a percentage of the time spent simulating; – for a method without a search step.',
      ]),
    ),
  });

  const runs = [...data.runs].sort((a, b) => EXPLORE_METHODS.indexOf(a.method) - EXPLORE_METHODS.indexOf(b.method) || a.seed - b.seed);
  out.push({
    title: 'Runs',
    ...table(
      [
        'method',
        'seed',
        'simulations',
        'converged',
        'cells filled (end)',
        'distinct classes',
        'oscillating sets',
        'simulation (s)',
        'training (s)',
        'proposal (s)',
      ],
      runs.map((r) => {
        // Training and proposing are steps of the search only: a dash, not a 0, for the sweeps.
        const own = (v: number) => (r.method === 'explore' ? f(v) : '–');
        return [
          METHOD_NAMES[r.method],
          String(r.seed),
          String(r.simulations),
          String(r.converged),
          f(r.cells.at(-1)),
          String(r.distinct),
          String(r.oscillating),
          f(r.seconds.simulation),
          own(r.seconds.training),
          own(r.seconds.proposal),
        ];
      }),
    ),
  });

  const per = runsPerMethod(data);
  const classes = [...data.classes].sort((a, b) => compareClasses(a.behaviour, b.behaviour));
  const notes = classes.map((c) => classNote(c.found));
  const count = (note: string) => notes.filter((x) => x === note).length;
  out.push({
    title: 'Behaviour classes (all seeds pooled)',
    ...joined(
      paragraphs([
        `${classes.length} classes found by any run; ${count('explore only')} only by explore runs, ${count('sweeps only')} only by sweep runs. ` +
          'Each count is the number of runs (seeds) of that method that found the class.',
      ]),
      table(
        ['label', 'period decile', 'amplitude decile', ...EXPLORE_METHODS.map((m) => `${METHOD_NAMES[m]} runs (of ${per[m]})`), 'note'],
        classes.map((c, k) => [
          c.behaviour.label,
          c.behaviour.periodBin === null ? '–' : String(c.behaviour.periodBin),
          String(c.behaviour.amplitudeBin),
          ...EXPLORE_METHODS.map((m) => String(c.found[m])),
          notes[k]!,
        ]),
      ),
    ),
  });
  return out;
}

/**
 * Renders the figures into `dir/figures/` and writes `dir/metrics.json` (the data as given),
 * `dir/report.md` (figures linked as PNG files) and `dir/index.html` (self-contained: every
 * figure inlined as a PNG data URI, so it opens from disk, offline). Files are written
 * atomically one by one; to replace a whole report atomically, call it on a temporary
 * folder (as `pipeline compare` does with writeDirectoryAtomic).
 *
 * Figures without data are left out (no map points, no region traces, no class that only
 * explore found); the text says so where it matters.
 *
 * @returns The figures written, paths relative to `dir`, in report order.
 * @throws PlotInputError when `data.runs` is empty or has no cell counts (there is nothing to
 *   compare); PlotRenderError or FileSystemError when a file cannot be rendered or written.
 */
export async function writeExploreReport(dir: string, data: ExploreReportData): Promise<Figure[]> {
  const { figures, render } = figureRenderer(dir);
  const number = () => figures.length + 1;
  const n = data.judge.cellsPerSide;
  const seeds = data.seeds.length;
  const firstSeed = data.seeds[0];
  const yTitle = `${data.network.observed} (${data.network.units})`;
  const regions = data.map.regions;
  // One colour order of behaviour labels for every figure: a colour is the same label throughout.
  const labels = [
    ...new Set([...data.classes.map((c) => c.behaviour.label), ...data.map.points.map((p) => p.label), ...regions.map((r) => r.trace.behaviour.label)]),
  ].sort();

  await render(
    'cells-curve',
    `Figure ${number()} — latent cells filled against simulations`,
    `Cells of the judge's ${n} × ${n} latent grid filled by a run's samples, after every ${data.every} simulations. Thin lines are single runs (one per seed), ` +
      `thick lines the median over ${seeds} seed${seeds === 1 ? '' : 's'}. Compare the heights at the full budget of ${data.budget} simulations, ` +
      'and whether a curve is still rising there (more simulations would still reach new regions) or has flattened.',
    buildCellsCurveSpec(data.runs, {
      title: 'Latent cells filled against simulations',
      subtitle: `thin: one run per seed; thick: median over ${seeds} seed${seeds === 1 ? '' : 's'}`,
      every: data.every,
      totalCells: n * n,
    }),
  );

  await render(
    'behaviour-counts',
    `Figure ${number()} — behaviours found`,
    'Median over seeds of the distinct behaviour classes (label × period decile × amplitude decile) and of the parameter sets whose trace oscillates, ' +
      'per method; dots are single seeds. Look at the gap between explore and the two sweeps, and at whether the dots of different methods overlap ' +
      '(if they do, the difference between the medians is within the spread between seeds).',
    buildBehaviourCountsSpec(data.medians, { title: 'Behaviours found', subtitle: `bars: median over ${seeds} seeds; dots: single seeds`, runs: data.runs }),
  );

  const seedText = firstSeed === undefined ? 'the first seed' : `seed ${firstSeed}`;
  if (data.map.points.length > 0) {
    await render(
      'latent-map',
      `Figure ${number()} — samples on the judge's latent map`,
      `Every converged sample of ${seedText} at its latent mean under the judge, one panel per method, coloured by behaviour label; ` +
        `the faint lines are the ${n} × ${n} grid whose filled cells Figure 1 counts. ` +
        "Look for regions that only one method's panel reaches, and for labels that appear in one panel only.",
      buildLatentMapSpec(data.map.points, {
        title: "Samples on the judge's latent map",
        subtitle: `${seedText}; latent means of converged samples, coloured by behaviour label`,
        grid: data.judge,
        labels,
      }),
    );
  }

  if (regions.length > 0) {
    await render(
      'region-traces',
      `Figure ${number()} — one trace per region of the latent map`,
      `For each occupied region of a coarse grid over the map (${seedText}), the trace of one sample in it, placed where the region lies: ` +
        'columns by z1, rows by z2 (largest z2 on top, as on the map), labelled with its behaviour and coloured as on the map. ' +
        'Read it beside the map to see what the time series of each part of the latent space look like, and how the behaviour changes across it. ' +
        'Each panel has its own y range.',
      buildRegionTracesSpec(regions, {
        title: 'One trace per region of the latent map',
        subtitle: `${seedText}; position on the map by region, ${yTitle} against time`,
        yTitle,
        xTitle: 'time (min)',
        labels,
      }),
    );
  }

  if (data.missedBySweeps.length > 0) {
    await render(
      'missed-traces',
      `Figure ${number()} — classes found by explore and by neither sweep`,
      `Traces of behaviour classes that explore found and no random or Latin-hypercube run did (${data.missedBySweeps.length} shown, at most 12), ` +
        'each with the parameter values that produced it. Check whether each differs in kind from what the sweeps found, ' +
        'or only falls just across a decile boundary of a class they did find.',
      buildMissedTracesSpec(data.missedBySweeps, {
        title: 'Classes found by explore and by neither sweep',
        subtitle: `${yTitle} against time; each panel on its own y range`,
        parameterNames: data.vary.map((v) => v.path),
        yTitle,
        xTitle: 'time (min)',
        labels,
      }),
    );
  }

  writeFileAtomic(join(dir, 'metrics.json'), `${JSON.stringify(data, null, 1)}\n`);

  const title = `Exploration of ${data.network.name}: explore vs random vs Latin hypercube`;
  const secs = sections(data);
  const [intro, ...rest] = secs;
  const missing: string[] = [];
  if (data.map.points.length === 0) missing.push('The latent map is not drawn: the data has no map points.');
  if (data.map.regions.length === 0) missing.push('The region traces are not drawn: the data has no region traces.');
  if (data.missedBySweeps.length === 0) missing.push('No trace of a class found by explore alone is drawn: the data has none.');
  const figNote = missing.length ? paragraphs(missing) : undefined;

  const md = [
    `# ${title}`,
    '',
    intro!.md,
    '',
    ...rest.flatMap((s) => [`## ${s.title}`, '', s.md, '']),
    '## Figures',
    '',
    ...(figNote ? [figNote.md, ''] : []),
    ...figures.flatMap((fig) => [`### ${fig.title}`, '', `![${fig.title}](${fig.png})`, '', fig.caption, '']),
  ].join('\n');
  writeFileAtomic(join(dir, 'report.md'), md);

  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title><meta name="viewport" content="width=device-width, initial-scale=1"><style>${STYLE}</style></head>
<body><h1>${esc(title)}</h1>${intro!.html}
${rest.map((s) => `<h2>${esc(s.title)}</h2>${s.html}`).join('\n')}
<h2>Figures</h2>${figNote?.html ?? ''}
${figuresHtml(dir, figures)}
</body></html>
`;
  writeFileAtomic(join(dir, 'index.html'), html);
  return figures;
}
