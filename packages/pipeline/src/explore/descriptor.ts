/**
 * What the search's VAE sees of a trace: a phase-invariant picture of its behaviour, in two
 * halves of L/2 values each (L: the dataset's series length).
 *
 * 1. The autocorrelation of the trace's shape (its min-max `series`) at lags 0 .. L/2 - 1:
 *    1 at lag 0, then a slow decay for a settling trace, a cosine-like wave at the period for
 *    an oscillation, a decaying wave for a damped one. The same oscillation at another phase
 *    gives the same curve, so the behaviour space is not spent on phases, while periods and
 *    damping spread out.
 * 2. The trace's values sorted (L/2 quantiles), on one log scale shared by every trace of the
 *    search: x = log(1 + v / unit) / log(1 + top / unit), unit = top / 100, with `top` the largest
 *    value of the first batch's traces. Sorted values keep the level and the amplitude (a switch's
 *    high state, an oscillation's trough and peak) without the phase; the log scale keeps two
 *    decades below `top` apart, and values near 0 finite. Fixed once (from the first batch), so a
 *    sample's input never changes during the search.
 *
 * Measured on the oligator with six quantities over wide ranges, where 1.7 % of random samples
 * oscillate (2 000 simulations, one seed): the raw trace on the log scale as input found 36
 * oscillating sets (random: 34) and 89 behaviour classes (random: 105), its min-max shape plus
 * the log trace 50 and 100, the shape alone 23 and 81; this descriptor (with the selection and
 * step of explore/propose.ts) 123 and 125 against the random sweep's 34 and 95 in that run.
 * A raw trace spends the latent space on what varies most between traces (the level, the
 * phase), not on what a researcher calls a behaviour.
 */
import type { DatasetRow } from '../dataset/schema.js';

/** The shared scale of {@link descriptorInputs}. */
export interface DescriptorScale {
  /** Largest value of the first batch's traces (the observed strand's units, nM for PEN). */
  top: number;
  /** top / 100: the level below which the log scale turns linear. */
  unit: number;
}

/** Decades below `top` the scale keeps apart (see the module comment). */
const DECADES = 2;

/**
 * Fits the scale on converged rows (their window: series x scale + offset). A set with no
 * positive value gets top 1.
 */
export function fitDescriptorScale(rows: readonly DatasetRow[]): DescriptorScale {
  let top = 0;
  for (const row of rows) {
    if (!row.series || row.offset === null || row.scale === null) continue;
    for (const s of row.series) top = Math.max(top, s * row.scale + row.offset);
  }
  if (!(top > 0) || !Number.isFinite(top)) top = 1;
  return { top, unit: top / 10 ** DECADES };
}

/** Values per trace of {@link descriptorInputs}: the autocorrelation and the sorted levels, L/2 each. */
export function descriptorLength(seriesLength: number): number {
  return 2 * Math.max(2, Math.floor(seriesLength / 2));
}

/**
 * The VAE inputs of rows that have a series (converged), row-major [rows, descriptorLength(L)],
 * in the order given (see the module comment). A constant trace has autocorrelation 0 beyond
 * lag 0 (nothing to correlate). Negative values (a solver's tiny undershoot below 0) count as 0
 * on the level scale.
 */
export function descriptorInputs(rows: readonly DatasetRow[], scale: DescriptorScale, length: number): Float32Array {
  const width = descriptorLength(length);
  const half = width / 2;
  const out = new Float32Array(rows.length * width);
  const norm = Math.log1p(scale.top / scale.unit);
  const levels = new Float64Array(length);
  rows.forEach((row, i) => {
    const { series, offset, scale: s } = row;
    if (!series || offset === null || s === null || series.length !== length)
      throw new Error(`descriptorInputs: row ${row.sampleId} has no series of length ${length}`);
    const base = i * width;
    let mean = 0;
    for (let j = 0; j < length; j++) mean += series[j]!;
    mean /= length;
    let c0 = 0;
    for (let j = 0; j < length; j++) c0 += (series[j]! - mean) ** 2;
    out[base] = 1;
    for (let lag = 1; lag < half; lag++) {
      let c = 0;
      for (let j = 0; j + lag < length; j++) c += (series[j]! - mean) * (series[j + lag]! - mean);
      // The biased estimator (divided by the full sum of squares): it stays in [-1, 1] and
      // shrinks at long lags, where few products are averaged.
      out[base + lag] = c0 > 1e-12 ? c / c0 : 0;
    }
    for (let j = 0; j < length; j++) levels[j] = Math.log1p(Math.max(0, series[j]! * s + offset) / scale.unit) / norm;
    levels.sort();
    // Quantile k of half at position k / (half - 1) of the sorted values (linear interpolation).
    for (let k = 0; k < half; k++) {
      const pos = (k / (half - 1)) * (length - 1);
      const lo = Math.floor(pos);
      const f = pos - lo;
      out[base + half + k] = levels[lo]! * (1 - f) + levels[Math.min(length - 1, lo + 1)]! * f;
    }
  });
  return out;
}
