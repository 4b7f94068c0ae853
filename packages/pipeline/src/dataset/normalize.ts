import { analyzeSeries } from '@penvae/simulator';
import { InputError } from '../errors.js';
import type { DatasetRow, NormalizationSpec, TimeGridSpec } from './schema.js';

/** Options of the normalisation stage (`pipeline normalize`, and the defaults of a sweep). */
export interface NormalizeOptions {
  /** Observed series to normalise. @default the first observable (first signal strand) */
  strand?: string;
  /**
   * [start, end] of the window, in the time grid's units, or `auto`: chosen from the data by
   * {@link chooseWindow} (the start-up transient of oscillators is left out; settling networks
   * end soon after they settle). `auto` needs `autoWindowFrom`.
   * @default the whole grid (`resolveNormalization`); sweeps default to `auto`
   */
  window?: [number, number] | 'auto';
  /** Resampled length L. @default 128 */
  length?: number;
  /**
   * `minmax`: (x - min) / (max - min) per series; `zscore`: (x - mean) / std per series;
   * `global`: min-max with the min and max over every converged row (fitted on the data),
   * which keeps amplitudes comparable across rows. @default 'minmax'
   */
  scaling?: NormalizationSpec['scaling'];
}

/** The scalings of the normalised series (`--scale`). */
export const SCALINGS = ['minmax', 'zscore', 'global'] as const satisfies readonly NormalizationSpec['scaling'][];

/** Default resampled length: the paper's curves had ~100 points; 128 is a round power of two. */
export const DEFAULT_SERIES_LENGTH = 128;

/**
 * Completes normalisation options against a dataset's observables and time grid.
 * @throws InputError naming the option
 */
export function resolveNormalization(
  options: NormalizeOptions,
  observables: readonly string[],
  grid: TimeGridSpec,
  autoWindowFrom?: (strand: string) => readonly ArrayLike<number>[],
): NormalizationSpec {
  const strand = options.strand ?? observables[0];
  if (strand === undefined || !observables.includes(strand)) {
    throw new InputError(`--strand ${String(options.strand)}: not an observed series of this data (observed: ${observables.join(', ')})`);
  }
  const gridEnd = grid.start + grid.step * (grid.points - 1);
  let window: [number, number] = [grid.start, gridEnd];
  let windowRule: string | undefined;
  if (options.window === 'auto') {
    if (!autoWindowFrom) throw new InputError('--window auto: there are no simulated series to choose the window from');
    ({ window, rule: windowRule } = chooseWindow(autoWindowFrom(strand), grid));
  } else if (options.window) window = options.window;
  if (!(window[0] >= grid.start - 1e-9 && window[1] <= gridEnd + 1e-9 && window[1] > window[0])) {
    throw new InputError(`--window ${window[0]}:${window[1]}: expected start:end with ${grid.start} <= start < end <= ${gridEnd} (the time grid)`);
  }
  const length = options.length ?? DEFAULT_SERIES_LENGTH;
  if (!Number.isInteger(length) || length < 2 || length > 100_000) throw new InputError(`--length ${length}: expected an integer from 2 to 100000`);
  const scaling = options.scaling ?? 'minmax';
  if (!(SCALINGS as readonly string[]).includes(scaling)) throw new InputError(`--scale ${scaling}: expected ${SCALINGS.join(', ')}`);
  return { strand, window, ...(windowRule ? { windowRule } : {}), length, scaling };
}

/** Fraction of the grid left out at the start of an oscillating dataset (as `analyzeSeries` skips it). */
export const AUTO_WINDOW_SKIP = 0.25;

/** Result of {@link chooseWindow}. */
export interface ChosenWindow {
  window: [number, number];
  /** The rule applied and the evidence, for the dataset's metadata. */
  rule: string;
}

/**
 * Chooses a normalisation window so that the behaviour, not the start-up transient, fills the
 * series (raw series of one strand on `grid`, e.g. a sweep's pilot samples):
 * - if at least a quarter of the series oscillate (sustained or damped), the window leaves out
 *   the first {@link AUTO_WINDOW_SKIP} of the grid: an oligator's first spike is ~4x its
 *   sustained peaks, and per-series min-max scaling would squash the oscillation under it to a
 *   quarter of the range;
 * - otherwise (switches, amplifiers: the rise *is* the behaviour) the window starts at the
 *   grid's start and ends 50 % after the time by which 95 % of the series have settled (stay
 *   within 2 % of their range of their final value), so a long flat plateau does not take
 *   most of the resampled points. A cut that would keep more than 90 % of the grid is not made.
 * Window ends are snapped to grid points.
 */
export function chooseWindow(series: readonly ArrayLike<number>[], grid: TimeGridSpec): ChosenWindow {
  const gridEnd = grid.start + grid.step * (grid.points - 1);
  const whole: [number, number] = [grid.start, gridEnd];
  const t = Float64Array.from({ length: grid.points }, (_, k) => grid.start + k * grid.step);
  const usable = series.filter((y) => y.length === grid.points && Array.prototype.every.call(y, Number.isFinite));
  if (usable.length === 0 || grid.points < 8) return { window: whole, rule: 'auto: no usable series to choose from; the whole grid' };
  const oscillating = usable.filter((y) => {
    const b = analyzeSeries(t, y).behaviour;
    return b === 'oscillating' || b === 'damped-oscillation';
  }).length;
  const of = `${oscillating} of ${usable.length} sample${usable.length === 1 ? '' : 's'} oscillate${oscillating === 1 ? 's' : ''}`;
  if (oscillating >= Math.max(1, 0.25 * usable.length)) {
    const k = Math.round(AUTO_WINDOW_SKIP * (grid.points - 1));
    return {
      window: [grid.start + k * grid.step, gridEnd],
      rule: `auto: ${of}; the first ${AUTO_WINDOW_SKIP * 100} % of the grid (start-up transient) is left out`,
    };
  }
  const settle = usable
    .map((y) => {
      let min = Infinity;
      let max = -Infinity;
      for (let k = 0; k < y.length; k++) {
        min = Math.min(min, y[k]!);
        max = Math.max(max, y[k]!);
      }
      const final = y[y.length - 1]!;
      const band = 0.02 * (max - min);
      let k = y.length - 1;
      while (k > 0 && Math.abs(y[k - 1]! - final) <= band) k--;
      return k;
    })
    .sort((a, b) => a - b);
  const q95 = settle[Math.min(settle.length - 1, Math.ceil(0.95 * settle.length) - 1)]!;
  const endIndex = Math.max(15, Math.ceil(1.5 * q95));
  if (endIndex >= 0.9 * (grid.points - 1)) return { window: whole, rule: `auto: ${of}; 95 % settle by t = ${t[q95]}, too late to cut; the whole grid` };
  return {
    window: [grid.start, grid.start + endIndex * grid.step],
    rule: `auto: ${of}; 95 % settle (within 2 % of their range) by t = ${t[q95]}; the window ends 50 % later`,
  };
}

/**
 * Resamples a series on a uniform grid to `length` points spread evenly over the window
 * (both ends included), by linear interpolation between grid points.
 */
export function resampleSeries(raw: ArrayLike<number>, grid: TimeGridSpec, window: [number, number], length: number): Float64Array {
  const out = new Float64Array(length);
  const last = grid.points - 1;
  for (let j = 0; j < length; j++) {
    const t = window[0] + ((window[1] - window[0]) * j) / (length - 1);
    const pos = Math.min(Math.max((t - grid.start) / grid.step, 0), last);
    const k = Math.min(Math.floor(pos), last - 1);
    const f = pos - k;
    out[j] = last === 0 ? raw[0]! : raw[k]! * (1 - f) + raw[k + 1]! * f;
  }
  return out;
}

/** Offset and scale mapping a series to [0, 1] (min-max) or to mean 0, std 1 (z-score). A constant series gets scale 1. */
export function fitScaling(x: ArrayLike<number>, scaling: 'minmax' | 'zscore'): { offset: number; scale: number } {
  const n = x.length;
  if (scaling === 'minmax') {
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < n; i++) {
      min = Math.min(min, x[i]!);
      max = Math.max(max, x[i]!);
    }
    const range = max - min;
    return { offset: min, scale: range > 0 ? range : 1 };
  }
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i]!;
  mean /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (x[i]! - mean) ** 2;
  const std = Math.sqrt(v / n);
  return { offset: mean, scale: std > 0 ? std : 1 };
}

/**
 * Fills a row's normalised series and behaviour labels from its raw columns. Failed rows
 * (outcome not converged) get nulls: a failure is never written as if it were data.
 *
 * The behaviour is judged on the raw series in the window (in nM, at full time resolution),
 * not on the resampled one, so short pulses between resampled points still count.
 */
export function normalizeRow(row: DatasetRow, spec: NormalizationSpec, observables: readonly string[], grid: TimeGridSpec): void {
  const raw = row.raw[observables.indexOf(spec.strand)];
  if (row.outcome !== 'converged' || !raw) {
    row.series = null;
    row.offset = row.scale = row.period = row.amplitude = null;
    row.behaviour = null;
    return;
  }
  const resampled = resampleSeries(raw, grid, spec.window, spec.length);
  const { offset, scale } = spec.scaling === 'global' ? spec.global! : fitScaling(resampled, spec.scaling);
  const series = new Float32Array(spec.length);
  for (let j = 0; j < spec.length; j++) series[j] = (resampled[j]! - offset) / scale;
  row.series = series;
  row.offset = offset;
  row.scale = scale;
  const k0 = Math.max(0, Math.ceil((spec.window[0] - grid.start) / grid.step - 1e-9));
  const k1 = Math.min(grid.points - 1, Math.floor((spec.window[1] - grid.start) / grid.step + 1e-9));
  const t = new Float64Array(k1 - k0 + 1);
  for (let k = k0; k <= k1; k++) t[k - k0] = grid.start + k * grid.step;
  const a = analyzeSeries(t, raw.subarray(k0, k1 + 1));
  row.behaviour = a.behaviour;
  row.period = a.period ?? null;
  row.amplitude = a.amplitude ?? null;
}

/**
 * Fits the `global` scaling: min and max of the resampled observed series over every
 * converged row.
 */
export function fitGlobalScaling(
  rows: Iterable<DatasetRow>,
  spec: NormalizationSpec,
  observables: readonly string[],
  grid: TimeGridSpec,
): { offset: number; scale: number } {
  let min = Infinity;
  let max = -Infinity;
  const index = observables.indexOf(spec.strand);
  for (const row of rows) {
    const raw = row.raw[index];
    if (row.outcome !== 'converged' || !raw) continue;
    const r = resampleSeries(raw, grid, spec.window, spec.length);
    for (const v of r) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
  }
  if (!Number.isFinite(min)) return { offset: 0, scale: 1 };
  return { offset: min, scale: max > min ? max - min : 1 };
}
