/**
 * Does a reconstruction keep the behaviour of its input? The paper judged its VAE by overlays
 * (figure 4); a researcher judges a model of PEN traces by what the network does: how often and
 * how strongly it oscillates, where it settles and how fast it gets there. These checks make
 * that a number, per input:
 *
 * - oscillating inputs (sustained or damped, by `analyzeSeries` on the normalised input): the
 *   reconstruction has the same number of prominent peaks, its period is within 5 % and its
 *   peak-to-trough amplitude within 10 % of the input's;
 * - every other input (switches, amplifiers, decays): the final level is within 5 % of the
 *   input's range, and the half-rise time (first crossing of the level half-way between the
 *   start and the final level) within 5 % of the window.
 *
 * Both series are analysed at the same resolution (the normalised series on its time axis), so
 * a difference is the model's, not the resampling's.
 */
import { analyzeSeries, type Behaviour } from '@penvae/simulator';

/** Tolerances of {@link checkBehaviour}; the defaults are the project's targets. */
export interface BehaviourTolerances {
  /** Relative period error allowed. @default 0.05 */
  period: number;
  /** Relative amplitude error allowed. @default 0.1 */
  amplitude: number;
  /** Final-level error allowed, as a fraction of the input's range. @default 0.05 */
  finalLevel: number;
  /** Half-rise time error allowed, as a fraction of the window. @default 0.05 */
  halfRise: number;
}

/** The project's targets (issue "The VAE must learn real PEN behaviour"). */
const BEHAVIOUR_TOLERANCES: Readonly<BehaviourTolerances> = Object.freeze({ period: 0.05, amplitude: 0.1, finalLevel: 0.05, halfRise: 0.05 });

/** The verdict on one input and its reconstruction. */
export interface BehaviourCheck {
  /** `oscillation` checks (peaks, period, amplitude) or `level` checks (final level, half-rise time). */
  kind: 'oscillation' | 'level';
  /** Behaviour of the input and of the reconstruction, by `analyzeSeries` on the normalised series. */
  input: Behaviour;
  reconstruction: Behaviour;
  /** Oscillation: same peak count and period within tolerance. Level: undefined. */
  peaksAndPeriod?: boolean;
  /** Oscillation: amplitude within tolerance. */
  amplitude?: boolean;
  /** Level: final level within tolerance. */
  finalLevel?: boolean;
  /** Level: half-rise time within tolerance (true when the input has no rise to time). */
  halfRise?: boolean;
  /** Every check of its kind passed. */
  preserved: boolean;
}

const OSCILLATING = new Set<Behaviour>(['oscillating', 'damped-oscillation']);

/** True for the labels whose checks are about oscillation. */
function isOscillation(b: Behaviour | string): boolean {
  return OSCILLATING.has(b as Behaviour);
}

/** Mean of the last 5 % of a series (at least one sample): its final level, robust to a last-sample wiggle. */
export function finalLevel(y: ArrayLike<number>): number {
  const n = y.length;
  const k = Math.max(1, Math.round(0.05 * n));
  let s = 0;
  for (let i = n - k; i < n; i++) s += y[i]!;
  return s / k;
}

/**
 * Time of the first crossing of the level half-way between the start and the final level
 * (linear interpolation between samples), or null when the series has no rise or fall to time
 * (start and final level closer than 10 % of its range).
 */
export function halfRiseTime(t: ArrayLike<number>, y: ArrayLike<number>): number | null {
  const n = Math.min(t.length, y.length);
  if (n < 2) return null;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    min = Math.min(min, y[i]!);
    max = Math.max(max, y[i]!);
  }
  const start = y[0]!;
  const end = finalLevel(y);
  if (!(Math.abs(end - start) >= 0.1 * (max - min)) || max === min) return null;
  const mid = (start + end) / 2;
  const rising = end > start;
  for (let i = 1; i < n; i++) {
    const a = y[i - 1]!;
    const b = y[i]!;
    if (rising ? b >= mid && a < mid : b <= mid && a > mid) {
      const f = (mid - a) / (b - a);
      return t[i - 1]! + f * (t[i]! - t[i - 1]!);
    }
  }
  return null;
}

/**
 * Checks whether `reconstruction` keeps the behaviour of `input` (both on the time points `t`).
 * See the module comment for the criteria.
 */
export function checkBehaviour(
  t: ArrayLike<number>,
  input: ArrayLike<number>,
  reconstruction: ArrayLike<number>,
  tolerances: BehaviourTolerances = BEHAVIOUR_TOLERANCES,
): BehaviourCheck {
  const a = analyzeSeries(t, input);
  const b = analyzeSeries(t, reconstruction);
  if (isOscillation(a.behaviour) && a.period !== undefined && a.amplitude !== undefined) {
    const peaksAndPeriod = a.peaks === b.peaks && b.period !== undefined && Math.abs(b.period - a.period) <= tolerances.period * a.period;
    const amplitude = b.amplitude !== undefined && Math.abs(b.amplitude - a.amplitude) <= tolerances.amplitude * a.amplitude;
    return { kind: 'oscillation', input: a.behaviour, reconstruction: b.behaviour, peaksAndPeriod, amplitude, preserved: peaksAndPeriod && amplitude };
  }
  const range = a.max - a.min > 0 ? a.max - a.min : 1;
  const finalOk = Math.abs(finalLevel(reconstruction) - finalLevel(input)) <= tolerances.finalLevel * range;
  const window = t[t.length - 1]! - t[0]!;
  const ta = halfRiseTime(t, input);
  const tb = halfRiseTime(t, reconstruction);
  const halfRise = ta === null || (tb !== null && Math.abs(tb - ta) <= tolerances.halfRise * window);
  return { kind: 'level', input: a.behaviour, reconstruction: b.behaviour, finalLevel: finalOk, halfRise, preserved: finalOk && halfRise };
}

/** Fractions of inputs whose behaviour a model kept, for one group of inputs. */
interface PreservationSummary {
  rows: number;
  /** Fraction of all rows with every check of their kind passed. */
  preserved: number;
  /** Rows checked as oscillations, and the fractions passing each oscillation check. */
  oscillating: { rows: number; peaksAndPeriod: number | null; amplitude: number | null; preserved: number | null };
  /** Rows checked by level, and the fractions passing each level check. */
  level: { rows: number; finalLevel: number | null; halfRise: number | null; preserved: number | null };
  /** Fraction of rows whose reconstruction gets the input's behaviour label. */
  sameLabel: number;
}

/** Summarises checks (one group). */
function summarizeChecks(checks: readonly BehaviourCheck[]): PreservationSummary {
  const frac = (xs: readonly BehaviourCheck[], f: (c: BehaviourCheck) => boolean | undefined): number | null =>
    xs.length ? xs.filter((c) => f(c) === true).length / xs.length : null;
  const osc = checks.filter((c) => c.kind === 'oscillation');
  const lvl = checks.filter((c) => c.kind === 'level');
  return {
    rows: checks.length,
    preserved: frac(checks, (c) => c.preserved) ?? 0,
    oscillating: {
      rows: osc.length,
      peaksAndPeriod: frac(osc, (c) => c.peaksAndPeriod),
      amplitude: frac(osc, (c) => c.amplitude),
      preserved: frac(osc, (c) => c.preserved),
    },
    level: { rows: lvl.length, finalLevel: frac(lvl, (c) => c.finalLevel), halfRise: frac(lvl, (c) => c.halfRise), preserved: frac(lvl, (c) => c.preserved) },
    sameLabel: frac(checks, (c) => c.input === c.reconstruction) ?? 0,
  };
}

/** Behaviour preservation over a set, overall and per family. */
export interface PreservationReport {
  overall: PreservationSummary;
  byFamily: Record<string, PreservationSummary>;
}

/**
 * Checks every row of a set against its reconstruction (both n x L row-major, row i on the time
 * points `times[i]`) and summarises overall and per family.
 */
export function behaviourPreservation(
  set: { x: Float32Array; n: number; length: number; family: readonly string[]; times: readonly (readonly number[])[] },
  reconstruction: Float32Array,
  tolerances: BehaviourTolerances = BEHAVIOUR_TOLERANCES,
): PreservationReport {
  const L = set.length;
  const checks = Array.from({ length: set.n }, (_, i) =>
    checkBehaviour(set.times[i]!, set.x.subarray(i * L, (i + 1) * L), reconstruction.subarray(i * L, (i + 1) * L), tolerances),
  );
  const byFamily: Record<string, PreservationSummary> = {};
  for (const family of [...new Set(set.family)].sort()) byFamily[family] = summarizeChecks(checks.filter((_, i) => set.family[i] === family));
  return { overall: summarizeChecks(checks), byFamily };
}

/** Fraction of series per behaviour label (labels by `analyzeSeries` on the series as given). */
export function behaviourMix(x: Float32Array, n: number, length: number, t: ArrayLike<number>): Record<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const b = analyzeSeries(t, x.subarray(i * length, (i + 1) * length)).behaviour;
    counts.set(b, (counts.get(b) ?? 0) + 1);
  }
  const out: Record<string, number> = {};
  for (const [k, v] of [...counts].sort((p, q) => q[1] - p[1])) out[k] = n ? v / n : 0;
  return out;
}

/** Largest difference, in percentage points, between two behaviour mixes over every label of either. */
export function mixDistance(a: Record<string, number>, b: Record<string, number>): number {
  let worst = 0;
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) worst = Math.max(worst, Math.abs((a[k] ?? 0) - (b[k] ?? 0)));
  return 100 * worst;
}
