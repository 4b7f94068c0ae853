import { checkInteger, checkSeed } from '../check-options.js';
import { InputError } from '../errors.js';
import { createRandom, deriveIndexedSeed } from '../random.js';
import { DEFAULT_SERIES_LENGTH } from './normalize.js';
import { newRow, type DatasetRow } from './schema.js';

/**
 * The paper's stand-in data (Fig. 3–6): sin curves (oscillators), sigmoid curves (switches,
 * amplifiers) and their sums, varied in frequency, phase, amplitude, sign and offset. Curves
 * live on t in [0, 1] (one "window"), sampled at L points.
 *
 * Default ranges (each uniform unless marked log-uniform):
 *   sin:      frequency 0.5–4 cycles per window (log), phase 0–2π, amplitude 0.2–1 (log),
 *             sign ±1, offset −0.5–0.5
 *   sigmoid:  steepness 5–40 per window (log), midpoint 0.2–0.8, amplitude 0.2–1 (log),
 *             direction ±1 (rising/falling), offset −0.5–0.5
 *   sin+sigmoid: a sigmoid as above plus a sin with amplitude 0.1–0.5 (log) of the same form.
 * At least half a cycle and up to four cycles per window, so the task is harder than the usual
 * one-cycle sine benchmark.
 */
export const BASELINE_FAMILIES = ['sin', 'sigmoid', 'sin+sigmoid'] as const;

/** A baseline family. */
type BaselineFamily = (typeof BASELINE_FAMILIES)[number];

/** A range of one baseline quantity. */
interface BaselineRange {
  min: number;
  max: number;
  log?: boolean;
}

/** The ranges of every baseline quantity (see {@link DEFAULT_BASELINE_RANGES}). */
interface BaselineRanges {
  frequency: BaselineRange;
  phase: BaselineRange;
  sinAmplitude: BaselineRange;
  mixSinAmplitude: BaselineRange;
  steepness: BaselineRange;
  midpoint: BaselineRange;
  sigmoidAmplitude: BaselineRange;
  offset: BaselineRange;
}

/** Default baseline ranges (documented above and in datasets/README.md). */
const DEFAULT_BASELINE_RANGES: Readonly<BaselineRanges> = Object.freeze({
  frequency: { min: 0.5, max: 4, log: true },
  phase: { min: 0, max: 2 * Math.PI },
  sinAmplitude: { min: 0.2, max: 1, log: true },
  mixSinAmplitude: { min: 0.1, max: 0.5, log: true },
  steepness: { min: 5, max: 40, log: true },
  midpoint: { min: 0.2, max: 0.8 },
  sigmoidAmplitude: { min: 0.2, max: 1, log: true },
  offset: { min: -0.5, max: 0.5 },
});

/** Columns of the varied baseline quantities (null where a quantity does not apply to a family). */
export const BASELINE_PARAMETERS = [
  'sin.frequency',
  'sin.phase',
  'sin.amplitude',
  'sin.sign',
  'sigmoid.steepness',
  'sigmoid.midpoint',
  'sigmoid.amplitude',
  'sigmoid.direction',
  'offset',
] as const;

/** The spec stored in a baseline dataset's metadata. */
export interface BaselineSpec {
  samples: number;
  length: number;
  seed: number;
  families: BaselineFamily[];
  ranges: BaselineRanges;
}

function draw(random: () => number, r: BaselineRange): number {
  const u = random();
  return r.log ? Math.exp(Math.log(r.min) + u * (Math.log(r.max) - Math.log(r.min))) : r.min + u * (r.max - r.min);
}

/**
 * Checks baseline options.
 * @throws InputError naming the option
 */
export function resolveBaselineSpec(options: { samples: number; length?: number; seed?: number; families?: string[] }): BaselineSpec {
  checkInteger(options.samples, '--samples', 1);
  const length = checkInteger(options.length ?? DEFAULT_SERIES_LENGTH, '--length', 8, 100_000);
  const seed = checkSeed(options.seed ?? 1);
  const families = (options.families ?? [...BASELINE_FAMILIES]) as BaselineFamily[];
  for (const f of families) {
    if (!BASELINE_FAMILIES.includes(f)) throw new InputError(`--families ${f}: expected some of ${BASELINE_FAMILIES.join(', ')}`);
  }
  if (families.length === 0) throw new InputError('--families: give at least one family');
  return { samples: options.samples, length, seed, families, ranges: { ...DEFAULT_BASELINE_RANGES } };
}

/**
 * Generates baseline sample `index`: its family (drawn uniformly from the spec's families),
 * parameters and curve, from a seed derived from (spec.seed, index) only.
 */
export function generateBaselineRow(spec: BaselineSpec, index: number): DatasetRow {
  const seed = deriveIndexedSeed(spec.seed, index);
  const random = createRandom(seed);
  const family = spec.families[Math.floor(random() * spec.families.length)]!;
  const R = spec.ranges;
  const p = new Float64Array(BASELINE_PARAMETERS.length).fill(Number.NaN);
  const L = spec.length;
  const y = new Float32Array(L);
  const offset = draw(random, R.offset);
  p[8] = offset;
  let sin: ((t: number) => number) | undefined;
  let sigmoid: ((t: number) => number) | undefined;
  if (family !== 'sigmoid') {
    const f = draw(random, R.frequency);
    const phase = draw(random, R.phase);
    const amplitude = draw(random, family === 'sin' ? R.sinAmplitude : R.mixSinAmplitude);
    const sign = random() < 0.5 ? -1 : 1;
    p.set([f, phase, amplitude, sign], 0);
    sin = (t) => sign * amplitude * Math.sin(2 * Math.PI * f * t + phase);
  }
  if (family !== 'sin') {
    const steepness = draw(random, R.steepness);
    const midpoint = draw(random, R.midpoint);
    const amplitude = draw(random, R.sigmoidAmplitude);
    const direction = random() < 0.5 ? -1 : 1;
    p.set([steepness, midpoint, amplitude, direction], 4);
    sigmoid = (t) => direction * amplitude * (1 / (1 + Math.exp(-steepness * (t - midpoint))));
  }
  for (let k = 0; k < L; k++) {
    const t = k / (L - 1);
    y[k] = offset + (sin ? sin(t) : 0) + (sigmoid ? sigmoid(t) : 0);
  }
  const row = newRow({ sampleId: index, network: 'baseline', family, seed, parameters: p }, 1);
  row.raw = [y];
  return row;
}
