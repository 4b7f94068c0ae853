/**
 * What a trace does: its range, whether and how it oscillates, where it settles. Used for the
 * CLI summary and for the behaviour labels of datasets, so plots and metrics can colour by it.
 */

/** Qualitative behaviour of a trace. */
export type Behaviour =
  | 'oscillating' // sustained oscillation
  | 'damped-oscillation' // oscillation whose amplitude shrinks cycle after cycle
  | 'settles-high' // reaches a steady state above a quarter of its range
  | 'settles-low' // reaches a steady state in the bottom quarter of its range (including ~0)
  | 'monotone-growth' // still rising at the end of the window
  | 'monotone-decay' // still falling at the end of the window
  | 'flat' // no meaningful variation at all
  | 'transient'; // none of the above (e.g. a pulse that has not settled)

/** Result of {@link analyzeSeries}. */
export interface SeriesAnalysis {
  min: number;
  max: number;
  final: number;
  behaviour: Behaviour;
  /** Mean peak-to-peak time over the analysed cycles (time units of `t`), when it oscillates. */
  period?: number;
  /** Mean peak-to-trough height over the analysed cycles, when it oscillates. */
  amplitude?: number;
  /** Number of prominent peaks found. */
  peaks: number;
  /** Ratio of the last analysed peak height (above the following trough) to the first; < 1 means damping. */
  amplitudeRatio?: number;
}

/** Options of {@link analyzeSeries}. */
export interface AnalyzeOptions {
  /**
   * A peak counts when it rises above both neighbouring troughs by at least this fraction of
   * the series' range. @default 0.1
   */
  prominence?: number;
  /**
   * Fraction of the window at the start ignored when measuring period and amplitude
   * (transients). @default 0.25
   */
  skipFraction?: number;
}

/**
 * Analyses a uniformly or non-uniformly sampled series. Non-finite values make the result
 * `transient` with NaN statistics; callers should not feed failed simulations.
 *
 * Oscillation: prominent local maxima (each rising above the troughs on both sides by
 * `prominence` x range), located to sub-sample precision by a parabola through the three
 * samples around the maximum. Period = mean spacing of the peaks after the skipped transient;
 * amplitude = mean of (peak - following trough). Three or more peaks make an oscillation; it is
 * damped if the last peak height is below 70% of the first analysed one.
 */
export function analyzeSeries(t: ArrayLike<number>, y: ArrayLike<number>, options: AnalyzeOptions = {}): SeriesAnalysis {
  const n = Math.min(t.length, y.length);
  const prominence = options.prominence ?? 0.1;
  const skip = options.skipFraction ?? 0.25;
  let min = Infinity;
  let max = -Infinity;
  for (let k = 0; k < n; k++) {
    const v = y[k]!;
    if (!Number.isFinite(v)) return { min: NaN, max: NaN, final: NaN, behaviour: 'transient', peaks: 0 };
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const final = n > 0 ? y[n - 1]! : NaN;
  const range = max - min;
  const scale = Math.max(Math.abs(max), Math.abs(min), 1e-300);
  if (n < 3 || range <= 1e-9 * scale) return { min, max, final, behaviour: 'flat', peaks: 0 };

  // Prominence is judged against the range after the initial transient, so a large start-up
  // excursion (the damped oligator's first pulse) does not hide the oscillation that follows;
  // a tail flatter than 1e-3 of the whole range counts as settled, not as tiny oscillations.
  const tStart = t[0]!;
  const tEnd = t[n - 1]!;
  const tSkip = tStart + skip * (tEnd - tStart);
  let tailMinAll = Infinity;
  let tailMaxAll = -Infinity;
  for (let k = 0; k < n; k++) {
    if (t[k]! < tSkip) continue;
    tailMinAll = Math.min(tailMinAll, y[k]!);
    tailMaxAll = Math.max(tailMaxAll, y[k]!);
  }
  const tailRange = tailMaxAll - tailMinAll;
  const threshold = prominence * (tailRange >= 1e-3 * range ? tailRange : range);
  // Extrema with hysteresis (Billauer's peakdet): a maximum is confirmed once the series has
  // fallen `threshold` below it, a minimum once it has risen `threshold` above it. A maximum at
  // the very first sample is the initial condition, not a peak.
  const peakIdx: number[] = [];
  const troughAfter: (number | undefined)[] = [];
  let mx = -Infinity;
  let mn = Infinity;
  let mxPos = 0;
  let mnPos = 0;
  let lookForMax = true;
  for (let k = 0; k < n; k++) {
    const v = y[k]!;
    if (v > mx) {
      mx = v;
      mxPos = k;
    }
    if (v < mn) {
      mn = v;
      mnPos = k;
    }
    if (lookForMax) {
      if (v < mx - threshold) {
        if (mxPos > 0) {
          peakIdx.push(mxPos);
          troughAfter.push(undefined);
        }
        mn = v;
        mnPos = k;
        lookForMax = false;
      }
    } else if (v > mn + threshold) {
      if (peakIdx.length > 0 && troughAfter[peakIdx.length - 1] === undefined) troughAfter[peakIdx.length - 1] = mnPos;
      mx = v;
      mxPos = k;
      lookForMax = true;
    }
  }
  const peaks = peakIdx.length;
  const refined = peakIdx.map((k) => refinePeakTime(t, y, k, n));
  const kept = refined.map((time, i) => ({ time, i })).filter((p) => p.time >= tSkip);
  if (peaks >= 3 && kept.length >= 2) {
    const first = kept[0]!;
    const lastP = kept[kept.length - 1]!;
    const period = (lastP.time - first.time) / (kept.length - 1);
    const heights: number[] = [];
    for (const p of kept) {
      const trough = troughAfter[p.i];
      if (trough !== undefined) heights.push(y[peakIdx[p.i]!]! - y[trough]!);
    }
    const amplitude = heights.length ? heights.reduce((a, b) => a + b, 0) / heights.length : y[peakIdx[lastP.i]!]! - min;
    const amplitudeRatio = heights.length >= 2 ? heights[heights.length - 1]! / heights[0]! : 1;
    // A sustained oscillation keeps its peaks going to the end of the window.
    const lastPeakTime = refined[refined.length - 1]!;
    const stillGoing = tEnd - lastPeakTime < 2.5 * period;
    const behaviour: Behaviour = amplitudeRatio < 0.7 || !stillGoing ? 'damped-oscillation' : 'oscillating';
    return { min, max, final, behaviour, period, amplitude, peaks, amplitudeRatio };
  }

  // Not oscillating: settled, still moving monotonically, or something else.
  const tail = Math.max(2, Math.floor(n * 0.1));
  let tailMin = Infinity;
  let tailMax = -Infinity;
  for (let k = n - tail; k < n; k++) {
    tailMin = Math.min(tailMin, y[k]!);
    tailMax = Math.max(tailMax, y[k]!);
  }
  const settled = tailMax - tailMin <= 0.01 * range;
  // High or low relative to the whole excursion: a start-up pulse to 80 nM that settles at
  // 43 nM settles high; a signal that collapses to a few percent of its peak settles low.
  const level = final - min >= 0.25 * range ? 'settles-high' : 'settles-low';
  if (settled && peaks <= 2) return { min, max, final, behaviour: level, peaks };
  // Monotone: almost all the variation goes one way.
  let up = 0;
  let down = 0;
  for (let k = 1; k < n; k++) {
    const d = y[k]! - y[k - 1]!;
    if (d > 0) up += d;
    else down -= d;
  }
  if (down <= 0.05 * up) return { min, max, final, behaviour: 'monotone-growth', peaks };
  if (up <= 0.05 * down) return { min, max, final, behaviour: 'monotone-decay', peaks };
  if (settled) return { min, max, final, behaviour: level, peaks };
  return { min, max, final, behaviour: 'transient', peaks };
}

/** Sub-sample time of the maximum at sample k: vertex of the parabola through k-1, k, k+1. */
function refinePeakTime(t: ArrayLike<number>, y: ArrayLike<number>, k: number, n: number): number {
  if (k <= 0 || k >= n - 1) return t[k]!;
  const y0 = y[k - 1]!;
  const y1 = y[k]!;
  const y2 = y[k + 1]!;
  const denom = y0 - 2 * y1 + y2;
  if (denom >= 0) return t[k]!;
  const offset = (0.5 * (y0 - y2)) / denom; // in samples, within (-0.5, 0.5) for a true maximum
  const h = offset >= 0 ? t[k + 1]! - t[k]! : t[k]! - t[k - 1]!;
  return t[k]! + Math.max(-0.5, Math.min(0.5, offset)) * h;
}
