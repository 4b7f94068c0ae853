import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatNumber } from '../io/output.js';
import type { Evaluation } from './evaluate.js';
import type { Figure, InterpolationRecord } from './figures.js';

/** Everything the report states; also written as metrics.json. */
export interface ComparisonMetrics {
  formatVersion: 1;
  packageVersion: string;
  seed: number;
  runs: {
    name: string;
    dir: string;
    latentDim: number;
    encoder: string;
    backend: string;
    datasets: { path: string; rows: number; used: number; kind: string }[];
    trainRows: number;
    testRows: number;
    epochs: number;
    bestEpoch: number | null;
    stopReason: string;
    trainSeconds: number;
  }[];
  evaluations: Evaluation[];
  interpolations: InterpolationRecord[];
  summary: string[];
  warnings: string[];
}

/** A number in the report: the CLI's formatter at 3 digits, with the report's dash when missing. */
const f = (v: number | null | undefined, digits = 3): string => (v === null || v === undefined || Number.isNaN(v) ? '–' : formatNumber(v, digits));

const ratio = (pca: number, vae: number): string => (vae > 0 && Number.isFinite(pca / vae) ? `${f(pca / vae, 3)}×` : '–');

/**
 * Sentences saying which model did better where, generated from the metrics (no judgement
 * beyond the numbers: every sentence cites them).
 */
export function summarize(m: Omit<ComparisonMetrics, 'summary'>): string[] {
  const out: string[] = [];
  for (const e of m.evaluations.filter((x) => x.domain === 'own')) {
    const r = e.relativeMse;
    const better = r.vae < r.pca;
    out.push(
      `${e.run} reconstructs its own held-out series (${e.rows}) with relative MSE ${f(r.vae)}, ${better ? `${ratio(r.pca, r.vae)} lower than` : `${ratio(r.vae, r.pca)} higher than`} PCA with the same number of components (${f(r.pca)}); ${e.activeUnits} of ${e.klPerDim.length} latent units are active.`,
    );
    const osc = e.behaviour.vae.overall.oscillating;
    if (osc.rows > 0) {
      out.push(
        `  Of ${osc.rows} oscillating inputs, ${e.run}'s reconstructions keep the peak count and period of ${((osc.peaksAndPeriod ?? 0) * 100).toFixed(0)} % (PCA: ${((e.behaviour.pca.overall.oscillating.peaksAndPeriod ?? 0) * 100).toFixed(0)} %) and the amplitude of ${((osc.amplitude ?? 0) * 100).toFixed(0)} %.`,
      );
    }
    out.push(
      `  Prior samples show the data's behaviour mix to within ${f(e.prior.distance, 2)} percentage points${e.decodability.period.r2 !== null ? `; period is linearly decodable from the latent means with R² ${f(e.decodability.period.r2)}` : ''}.`,
    );
    // Families with too few rows for a variance (a relative MSE) are left out.
    const fam = Object.entries(r.byFamily).filter(([, v]) => v.rows >= 2 && Number.isFinite(v.vae));
    if (fam.length > 1) {
      const worst = fam.reduce((a, b) => (b[1].vae > a[1].vae ? b : a));
      const best = fam.reduce((a, b) => (b[1].vae < a[1].vae ? b : a));
      out.push(`  Per family, ${e.run} is best on ${best[0]} (${f(best[1].vae)}) and worst on ${worst[0]} (${f(worst[1].vae)}).`);
    }
  }
  for (const e of m.evaluations.filter((x) => x.domain === 'cross')) {
    const own = m.evaluations.find((x) => x.run === e.run && x.domain === 'own');
    const r = e.relativeMse;
    out.push(
      `Cross-domain: ${e.run} on ${e.data} reaches relative MSE ${f(r.vae)} (PCA from ${e.run}'s training data: ${f(r.pca)})${own ? `, ${f(r.vae / own.relativeMse.vae)}× its error on its own data` : ''}.`,
    );
  }
  const own = m.evaluations.filter((x) => x.domain === 'own');
  if (own.length >= 2) {
    const sil = own.filter((e) => e.latent.silhouette.family !== null || e.latent.silhouette.behaviour !== null);
    if (sil.length) {
      out.push(
        'Latent clusters (silhouette of posterior means by family, or by behaviour where a model saw one family): ' +
          sil.map((e) => `${e.run} ${f(e.latent.silhouette.family ?? e.latent.silhouette.behaviour)}`).join(', ') +
          '; k-NN accuracy: ' +
          sil.map((e) => `${e.run} ${f(e.latent.knnAccuracy.family ?? e.latent.knnAccuracy.behaviour)}`).join(', ') +
          '.',
      );
    }
    out.push(
      'Generation (prior samples against held-out series; lower MMD² and higher precision/recall are better, real-vs-real in brackets): ' +
        own
          .map(
            (e) =>
              `${e.run} MMD² ${f(e.generation.mmd2)} (${f(e.generation.reference.mmd2)}), precision ${f(e.generation.precision)} (${f(e.generation.reference.precision)}), recall ${f(e.generation.recall)} (${f(e.generation.reference.recall)})`,
          )
          .join('; ') +
        '.',
    );
  }
  for (const i of m.interpolations) {
    out.push(
      `Interpolation ${i.run}: ${i.from} → ${i.to} in ${i.steps} steps; largest step / mean step ${f(i.maxStepRatio)} (1 = even), path length / straight line ${f(i.pathLengthRatio)}.`,
    );
  }
  return out;
}

/** A table as markdown and as HTML (cells escaped), from a header and rows of cell text. */
export function table(header: string[], rows: string[][]): { md: string; html: string } {
  const md = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const html = `<table><thead><tr>${header.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
  return { md, html };
}

/** The report's sections as (title, markdown, html) triples. */
function sections(m: ComparisonMetrics): { title: string; md: string; html: string }[] {
  const out: { title: string; md: string; html: string }[] = [];
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  out.push({
    title: 'Summary',
    md: m.summary.map((s) => (s.startsWith('  ') ? `  - ${s.trim()}` : `- ${s}`)).join('\n'),
    html: `<ul>${m.summary.map((s) => `<li>${esc(s.trim())}</li>`).join('')}</ul>`,
  });
  const runs = table(
    ['run', 'data', 'latent', 'encoder', 'backend', 'train / test rows', 'epochs (best)', 'stopped', 'training time'],
    m.runs.map((r) => [
      r.name,
      r.datasets.map((d) => `${d.path} (${d.used}/${d.rows} rows, ${d.kind})`).join('; '),
      String(r.latentDim),
      r.encoder,
      r.backend,
      `${r.trainRows} / ${r.testRows}`,
      `${r.epochs} (${r.bestEpoch ?? '–'})`,
      r.stopReason,
      `${f(r.trainSeconds)} s`,
    ]),
  );
  out.push({ title: 'Data and models', ...runs });
  const rec = table(
    ['model', 'evaluated on', 'rows', 'VAE rel. MSE', 'PCA rel. MSE (same k)', 'PCA / VAE', '−ELBO (nats)', 'recon', 'KL', 'active units'],
    m.evaluations.map((e) => [
      e.run,
      `${e.data} (${e.domain})`,
      String(e.rows),
      f(e.relativeMse.vae),
      f(e.relativeMse.pca),
      ratio(e.relativeMse.pca, e.relativeMse.vae),
      f(e.negativeElbo.total),
      f(e.negativeElbo.recon),
      f(e.negativeElbo.kl),
      `${e.activeUnits}/${e.klPerDim.length}`,
    ]),
  );
  out.push({
    title:
      'Reconstruction (reference: PCA with as many components as latent dimensions, fitted on the same training split; −ELBO is a continuous density, so it can be negative)',
    ...rec,
  });
  const groups = table(
    ['model', 'evaluated on', 'label', 'rows', 'VAE rel. MSE', 'PCA rel. MSE', 'PCA / VAE'],
    m.evaluations.flatMap((e) =>
      [
        ...Object.entries(e.relativeMse.byFamily).map(([k, v]) => [`family ${k}`, v] as const),
        ...Object.entries(e.relativeMse.byBehaviour).map(([k, v]) => [`behaviour ${k}`, v] as const),
      ].map(([label, v]) => [e.run, e.data, label, String(v.rows), f(v.vae), f(v.pca), ratio(v.pca, v.vae)]),
    ),
  );
  out.push({ title: 'Reconstruction per family and behaviour label', ...groups });
  const pct = (v: number | null | undefined) => (v === null || v === undefined ? '–' : `${(100 * v).toFixed(0)} %`);
  const kept = table(
    [
      'model',
      'evaluated on',
      'family',
      'oscillating rows',
      'peaks & period kept (VAE / PCA)',
      'amplitude kept (VAE / PCA)',
      'settling rows',
      'final level kept (VAE / PCA)',
      'half-rise time kept (VAE / PCA)',
      'all checks (VAE / PCA)',
    ],
    m.evaluations.flatMap((e) =>
      Object.entries(e.behaviour.vae.byFamily).map(([family, v]) => {
        const p = e.behaviour.pca.byFamily[family]!;
        return [
          e.run,
          e.data,
          family,
          String(v.oscillating.rows),
          `${pct(v.oscillating.peaksAndPeriod)} / ${pct(p.oscillating.peaksAndPeriod)}`,
          `${pct(v.oscillating.amplitude)} / ${pct(p.oscillating.amplitude)}`,
          String(v.level.rows),
          `${pct(v.level.finalLevel)} / ${pct(p.level.finalLevel)}`,
          `${pct(v.level.halfRise)} / ${pct(p.level.halfRise)}`,
          `${pct(v.preserved)} / ${pct(p.preserved)}`,
        ];
      }),
    ),
  );
  out.push({
    title:
      'Behaviour kept by reconstructions (oscillating inputs: same peak count, period within 5 %, amplitude within 10 %; others: final level within 5 % of the range, half-rise time within 5 % of the window)',
    ...kept,
  });
  const probes = table(
    [
      'model',
      'evaluated on',
      'period R² (rows)',
      'amplitude R² (rows)',
      'prior samples: behaviour mix',
      'data: behaviour mix',
      'largest gap (points)',
      'unneeded latent dims',
    ],
    m.evaluations.map((e) => {
      const mix = (x: Record<string, number>) =>
        Object.entries(x)
          .map(([k, v]) => `${k} ${pct(v)}`)
          .join(', ');
      const d = e.decodability;
      return [
        e.run,
        e.data,
        `${f(d.period.r2)} (${d.period.scoreRows})`,
        `${f(d.amplitude.r2)} (${d.amplitude.scoreRows})`,
        mix(e.prior.mix),
        mix(e.prior.dataMix),
        f(e.prior.distance),
        e.unneededUnits.join(' ') || 'none',
      ];
    }),
  );
  out.push({
    title: 'Latent features and prior samples (R²: least-squares fit of period / amplitude on the latent means of the training split, scored on these rows)',
    ...probes,
  });
  const latent = table(
    ['model', 'evaluated on', 'KL per latent dim (nats)', 'silhouette (family)', 'silhouette (behaviour)', `k-NN acc. (family)`, 'k-NN acc. (behaviour)'],
    m.evaluations.map((e) => [
      e.run,
      e.data,
      e.klPerDim.map((k) => f(k, 2)).join(' '),
      f(e.latent.silhouette.family),
      f(e.latent.silhouette.behaviour),
      f(e.latent.knnAccuracy.family),
      f(e.latent.knnAccuracy.behaviour),
    ]),
  );
  out.push({ title: `Latent space (posterior means; k-NN with k = ${m.evaluations[0]?.latent.k ?? 5}, leave-one-out)`, ...latent });
  const gen = table(
    ['model', 'against', 'samples', 'MMD² (real vs real)', 'bandwidth', 'precision (ref.)', 'recall (ref.)', 'density (ref.)', 'coverage (ref.)'],
    m.evaluations.map((e) => {
      const g = e.generation;
      const r = g.reference;
      return [
        e.run,
        e.data,
        String(g.samples),
        `${f(g.mmd2)} (${f(r.mmd2)})`,
        f(g.bandwidth),
        `${f(g.precision)} (${f(r.precision)})`,
        `${f(g.recall)} (${f(r.recall)})`,
        `${f(g.density)} (${f(r.density)})`,
        `${f(g.coverage)} (${f(r.coverage)})`,
      ];
    }),
  );
  out.push({
    title:
      'Generation: prior samples against held-out series (MMD with a median-heuristic Gaussian kernel; k-NN precision/recall, density/coverage; references from two halves of the real set)',
    ...gen,
  });
  if (m.interpolations.length) {
    const interp = table(
      ['model', 'from', 'to', 'steps', 'largest / mean step', 'roughness', 'path length / straight line'],
      m.interpolations.map((i) => [i.run, i.from, i.to, String(i.steps), f(i.maxStepRatio), f(i.roughness), f(i.pathLengthRatio)]),
    );
    out.push({ title: 'Interpolation smoothness (1 = evenly spaced steps; roughness 0 = constant velocity)', ...interp });
  }
  if (m.warnings.length)
    out.push({ title: 'Warnings', md: m.warnings.map((w) => `- ${w}`).join('\n'), html: `<ul>${m.warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul>` });
  return out;
}

/** The reports' stylesheet, inlined into each index.html (no external files: the page opens offline). */
export const STYLE = `body{font-family:"DejaVu Sans",Helvetica,Arial,sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.6em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ddd}table{border-collapse:collapse;margin:1em 0;font-size:.85em}
th,td{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}th{background:#f4f4f4}figure{margin:2em 0}
figure img{max-width:100%;border:1px solid #eee}figcaption{font-size:.9em;color:#555}code{background:#f4f4f4;padding:0 .2em}`;

/**
 * The figures as HTML `<figure>` elements, each PNG (read from `dir`) inlined as a data URI so
 * the page needs no other file.
 */
export function figuresHtml(dir: string, figures: readonly Figure[]): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return figures
    .map((fig) => {
      const data = readFileSync(join(dir, fig.png)).toString('base64');
      return `<figure id="${fig.id}"><h3>${esc(fig.title)}</h3><img alt="${esc(fig.title)}" src="data:image/png;base64,${data}"><figcaption>${esc(fig.caption)}</figcaption></figure>`;
    })
    .join('\n');
}

/**
 * Writes report.md (figures linked as PNG files) and index.html (self-contained: every figure
 * inlined as a PNG data URI, so it opens from disk, offline, with no server) into `dir`.
 */
export function writeDocuments(dir: string, m: ComparisonMetrics, figures: Figure[], write: (path: string, data: string) => void): void {
  const title = `VAE comparison: ${m.runs.map((r) => r.name).join(' vs ')}`;
  const secs = sections(m);
  const intro = `Models: ${m.runs.map((r) => `\`${r.name}\` (${r.dir})`).join(', ')}. Every metric is computed in this run with seed ${m.seed}; all numbers are in metrics.json.`;
  const md = [
    `# ${title}`,
    '',
    intro,
    '',
    ...secs.flatMap((s) => [`## ${s.title}`, '', s.md, '']),
    '## Figures',
    '',
    ...figures.flatMap((fig) => [`### ${fig.title}`, '', `![${fig.title}](${fig.png})`, '', fig.caption, '']),
  ].join('\n');
  write(join(dir, 'report.md'), md);
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const figs = figuresHtml(dir, figures);
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title><meta name="viewport" content="width=device-width, initial-scale=1"><style>${STYLE}</style></head>
<body><h1>${esc(title)}</h1><p>${esc(intro).replace(/`([^`]+)`/g, '<code>$1</code>')}</p>
${secs.map((s) => `<h2>${esc(s.title)}</h2>${s.html}`).join('\n')}
<h2>Figures</h2>
${figs}
</body></html>
`;
  write(join(dir, 'index.html'), html);
}
