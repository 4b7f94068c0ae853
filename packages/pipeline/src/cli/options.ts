import type { Argv } from 'yargs';
import { DEFAULT_SOLVER, SOLVER_DEFINITIONS, SOLVERS } from '@penvae/simulator';
import { InputError } from '../errors.js';

/** Reusable option group: solver choice and tolerances (choices and defaults from the simulator's solver registry). */
export function withSolver<T>(y: Argv<T>) {
  const each = (f: (d: (typeof SOLVER_DEFINITIONS)[number]) => string) => SOLVER_DEFINITIONS.map(f).join('; ');
  return y
    .option('solver', { choices: SOLVERS, default: DEFAULT_SOLVER, describe: `integrator: ${each((d) => `${d.name}: ${d.description}`)}` })
    .option('rtol', { type: 'number', describe: `relative tolerance (default: ${each((d) => `${d.name} ${d.rtol}`)})` })
    .option('atol', { type: 'number', describe: `absolute tolerance, nM (default: ${each((d) => `${d.name} ${d.atol}`)})` });
}

/** Reusable option group: the output time grid. */
export function withTimeGrid<T>(y: Argv<T>) {
  return y
    .option('t-end', { type: 'number', describe: 'last output time, minutes (default: the network file\'s time.end)' })
    .option('step', { type: 'number', describe: 'output spacing, minutes (default: the network file\'s time.step)' });
}

/** Reusable option group: the seed of every random choice. */
export function withSeed<T>(y: Argv<T>, fallback = 1) {
  return y.option('seed', { type: 'number', default: fallback, describe: 'seed of every random choice (same seed, same bytes)' });
}

/** Drops undefined values so `exactOptionalPropertyTypes` option objects can be built from argv. */
export function defined<T extends Record<string, unknown>>(o: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]: Exclude<T[K], undefined> };
}

/** Parses `--window start:end`. */
export function parseWindow(text: string | undefined): [number, number] | undefined {
  if (text === undefined) return undefined;
  const m = /^\s*([-+\d.eE]+)\s*:\s*([-+\d.eE]+)\s*$/.exec(text);
  const a = m ? Number(m[1]) : Number.NaN;
  const b = m ? Number(m[2]) : Number.NaN;
  if (!Number.isFinite(a) || !Number.isFinite(b)) throw new InputError(`--window ${text}: expected start:end in the time grid's units, e.g. 1000:6000`);
  return [a, b];
}

/** Reusable option group: the normalisation stage. */
export function withNormalization<T>(y: Argv<T>) {
  return y
    .option('strand', { type: 'string', describe: 'observed series to normalise (default: the first signal strand / species)' })
    .option('window', { type: 'string', describe: 'time window start:end to normalise over (default: the whole grid)' })
    .option('length', { type: 'number', describe: 'resampled length L of the normalised series (default 128)' })
    .option('scale', { choices: ['minmax', 'zscore', 'global'] as const, describe: 'per-series min-max (default), per-series z-score, or min-max fitted on the whole dataset' });
}
