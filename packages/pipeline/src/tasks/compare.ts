import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { disposeVae, initBackend, type BackendChoice } from '@penvae/vae';
import { checkChoice, checkSeed, yieldToEventLoop } from '../check-options.js';
import { InputError } from '../errors.js';
import { checkOutputPath, writeDirectoryAtomic } from '../io/atomic.js';
import { processOutput, type Output } from '../io/output.js';
import { BACKEND_CHOICES } from './train-options.js';
import { PACKAGE_VERSION } from '../version.js';
import { readDataset } from '../dataset/arrow.js';
import { summarize, writeDocuments, type ComparisonMetrics } from '../report/document.js';
import type { EvalSet } from '../dataset/labelled-series.js';
import { evaluate, loadExtraSet, loadRun, type Evaluation, type LoadedRun } from '../report/evaluate.js';
import { renderFigures } from '../report/figures.js';
import { exampleTraces } from '../dataset/example-traces.js';

/** Options of {@link runCompare} (`pipeline compare`). */
export interface CompareCommandOptions {
  /** Run directories written by `pipeline train`. */
  runs: string[];
  /** Extra datasets every model is also evaluated on. */
  data?: string[];
  /** Report directory (replaced atomically; never left half-written). */
  out: string;
  /** Seed of prior samples and subsampling. @default 1 */
  seed?: number;
  /** @default 'auto' */
  backend?: BackendChoice;
  /** Stops the run (Ctrl-C): no report folder is left under `out`. */
  signal?: AbortSignal;
}

/**
 * Evaluates trained runs on their own test splits, on each other's (cross-domain) and on extra
 * datasets, renders the paper's figures 3–6 plus training curves and metric bars, and writes
 * metrics.json, report.md and a self-contained index.html into `out` (atomically).
 */
export async function runCompare(options: CompareCommandOptions, output: Output = processOutput): Promise<ComparisonMetrics> {
  if (options.runs.length === 0) throw new InputError('--run: give at least one run directory (from `pipeline train`)');
  const { signal } = options;
  checkOutputPath(options.out, '--out', 'folder');
  const seed = checkSeed(options.seed ?? 1);
  const backend = await initBackend(checkChoice(options.backend ?? 'auto', '--backend', BACKEND_CHOICES));
  output.err(`backend: ${backend.backend}`);
  const runs: LoadedRun[] = [];
  try {
    for (const dir of options.runs) {
      const run = await loadRun(dir);
      runs.push(run);
      await yieldToEventLoop(signal);
    }
    const names = runs.map((r) => r.name);
    const duplicate = names.find((n, i) => names.indexOf(n) !== i);
    if (duplicate) throw new InputError(`--run: two runs are named "${duplicate}" (the directory name); give them distinct directory names`);
    const lengths = new Set(runs.map((r) => r.model.config.seriesLength));
    if (lengths.size > 1) {
      throw new InputError(
        `--run: the runs take series of different lengths (${runs.map((r) => `${r.name}: ${r.model.config.seriesLength}`).join(', ')}); compare runs trained on one length`,
      );
    }
    const length = [...lengths][0]!;
    const extras: EvalSet[] = (options.data ?? []).map((p) => loadExtraSet(p, length));
    const warnings = runs.flatMap((r) => r.warnings);
    for (const w of warnings) output.warn(w);

    const evaluations: Evaluation[] = [];
    for (const run of runs) {
      for (const other of runs) {
        const domain = other === run ? 'own' : 'cross';
        output.err(`evaluating ${run.name} on ${other.test.name}...`);
        evaluations.push(evaluate(run, other.test, domain, seed));
        await yieldToEventLoop(signal);
      }
      for (const extra of extras) {
        output.err(`evaluating ${run.name} on ${extra.name}...`);
        evaluations.push(evaluate(run, extra, 'extra', seed));
        await yieldToEventLoop(signal);
      }
    }
    const extraTraces = (options.data ?? []).flatMap((p) => exampleTraces(readDataset(p), 3));
    let metrics: ComparisonMetrics | undefined;
    await writeDirectoryAtomic(
      options.out,
      'metrics.json',
      async (tmp) => {
        output.err('rendering figures...');
        const { figures, interpolations } = await renderFigures(tmp, runs, evaluations, extraTraces);
        await yieldToEventLoop(signal);
        const base: Omit<ComparisonMetrics, 'summary'> = {
          formatVersion: 1,
          packageVersion: PACKAGE_VERSION,
          seed,
          runs: runs.map((r) => ({
            name: r.name,
            dir: r.dir,
            latentDim: r.model.config.latentDim,
            encoder: r.model.config.encoder,
            backend: r.info.backend,
            datasets: r.record.datasets.map((d) => ({ path: d.path, rows: d.rows, used: d.used, kind: d.kind })),
            trainRows: r.train.n,
            testRows: r.test.n,
            epochs: r.record.history.length,
            bestEpoch: r.record.result?.bestEpoch ?? null,
            stopReason: r.record.result?.stopReason ?? 'unknown',
            trainSeconds: r.record.result?.seconds ?? Number.NaN,
          })),
          evaluations,
          interpolations,
          warnings,
        };
        metrics = { ...base, summary: summarize(base) };
        const write = (path: string, data: string) => writeFileSync(path, data);
        write(join(tmp, 'metrics.json'), `${JSON.stringify(metrics, null, 1)}\n`);
        writeDocuments(tmp, metrics, figures, write);
      },
      signal,
    );
    for (const line of metrics!.summary) output.out(line);
    output.err(`wrote ${join(options.out, 'index.html')} (open it in a browser), report.md, metrics.json and figures/`);
    return metrics!;
  } finally {
    for (const r of runs) disposeVae(r.model);
  }
}
