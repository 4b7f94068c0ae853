/**
 * Option tables shared by several commands (spread into a command's `options`), and the
 * parsers of options whose value has a form (`start:end`, `a,b,c`). Choice lists come from
 * the packages that define them.
 */
import type { Options } from 'yargs';
import { DEFAULT_SOLVER, SOLVER_DEFINITIONS, SOLVERS } from '@penvae/simulator';
import { InputError } from '../errors.js';
import { describeFound } from '../check-options.js';
import { DEFAULT_SERIES_LENGTH, SCALINGS } from '../dataset/normalize.js';
import { BACKEND_CHOICES } from '../tasks/train-options.js';

/** One line per solver of the simulator's registry, for help texts. */
const eachSolver = (f: (d: (typeof SOLVER_DEFINITIONS)[number]) => string) => SOLVER_DEFINITIONS.map(f).join('; ');

/** Solver choice, tolerances and step budget (choices and defaults from the simulator's solver registry). */
export const SOLVER_OPTIONS = {
  solver: { choices: SOLVERS, describe: `integrator (default ${DEFAULT_SOLVER}): ${eachSolver((d) => `${d.name}: ${d.description}`)}` },
  rtol: { type: 'number', describe: `relative tolerance (default: ${eachSolver((d) => `${d.name} ${d.rtol}`)})` },
  atol: { type: 'number', describe: `absolute tolerance, nM (default: ${eachSolver((d) => `${d.name} ${d.atol}`)})` },
  'max-steps': { type: 'number', describe: `step budget per simulation (default: ${eachSolver((d) => `${d.name} ${d.maxSteps}`)})` },
} as const satisfies Record<string, Options>;

/** The output time grid. */
export const TIME_GRID_OPTIONS = {
  't-end': { type: 'number', describe: "last output time, minutes (default: the network file's time.end)" },
  step: { type: 'number', describe: "output spacing, minutes (default: the network file's time.step)" },
} as const satisfies Record<string, Options>;

/** The seed of every random choice. */
export const SEED_OPTION = {
  seed: { type: 'number', describe: 'seed of every random choice, an integer from 0 to 4294967295 (default 1; same seed, same bytes)' },
} as const satisfies Record<string, Options>;

/** The TensorFlow.js backend. */
export const BACKEND_OPTION = {
  backend: { choices: BACKEND_CHOICES, describe: 'TensorFlow.js backend (default auto: tfjs-node, else wasm, else cpu)' },
} as const satisfies Record<string, Options>;

/** The normalisation stage. */
export const NORMALIZATION_OPTIONS = {
  strand: { type: 'string', describe: 'observed series to normalise (default: the first signal strand / species)' },
  window: {
    type: 'string',
    coerce: parseWindow,
    describe: "time window start:end to normalise over, or auto (a sweep's default: chosen from its first samples); normalize keeps the file's",
  },
  length: { type: 'number', describe: `resampled length L of the normalised series (default ${DEFAULT_SERIES_LENGTH})` },
  scale: { choices: SCALINGS, describe: 'per-series min-max (default), per-series z-score, or min-max fitted on the whole dataset' },
} as const satisfies Record<string, Options>;

/** Parses `--window start:end` (or `auto`: a sweep chooses it from its first samples). */
function parseWindow(text: string): [number, number] | 'auto' {
  if (String(text).trim() === 'auto') return 'auto';
  const m = /^\s*([-+\d.eE]+)\s*:\s*([-+\d.eE]+)\s*$/.exec(String(text));
  const a = m ? Number(m[1]) : Number.NaN;
  const b = m ? Number(m[2]) : Number.NaN;
  if (!Number.isFinite(a) || !Number.isFinite(b))
    throw new InputError(`--window ${text}: expected start:end in the time grid's units, e.g. 1000:6000, or auto`);
  return [a, b];
}

/** Parses a comma-separated list of numbers (`--hidden 256,128`); `count` fixes its length. */
export function parseNumberList(text: string, flag: string, count?: number): number[] {
  const values = String(text)
    .split(',')
    .map((v) => (v.trim() === '' ? Number.NaN : Number(v.trim())));
  if (values.some((v) => !Number.isFinite(v)) || (count !== undefined && values.length !== count)) {
    throw new InputError(`${flag} ${text}: expected ${count ?? 'a list of'} comma-separated numbers`);
  }
  return values;
}

/** Parses `--split train,validation,test`. */
export function parseSplit(text: string): [number, number, number] {
  const [train, validation, test] = parseNumberList(text, '--split', 3);
  return [train!, validation!, test!];
}

/**
 * Refuses options a mode of a command would ignore (e.g. `--states` with a sweep): silently
 * ignoring what a user typed reads as if it had been applied.
 * @throws InputError naming the options and why they do not apply
 */
export function refuseIgnored(given: Record<string, unknown>, why: string): void {
  const ignored = Object.entries(given).filter(([, v]) => v !== undefined && v !== false);
  if (ignored.length) {
    throw new InputError(`${ignored.map(([k, v]) => `--${k}${v === true ? '' : ` ${describeFound(v)}`}`).join(', ')}: ${why}`);
  }
}

/**
 * Drops undefined values, so option objects for tasks (declared with
 * `exactOptionalPropertyTypes`) can be built from parsed arguments.
 */
export function defined<T extends Record<string, unknown>>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}
