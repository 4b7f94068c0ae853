import { checkMatrix, squaredDistance, type Matrix } from './matrix.js';

/** Result of {@link computeInterpolationSmoothness}. */
export interface InterpolationSmoothnessResult {
  /**
   * max_s ||Δ_s|| / mean_s ||Δ_s||: 1 when every step changes the decoded series by the same
   * amount; up to S-1 (S steps) when the whole change happens in one step (a jump).
   */
  maxStepRatio: number;
  /**
   * mean_s ||Δ²_s||^2 / mean_s ||Δ_s||^2: 0 for a path at constant velocity (a straight,
   * evenly spaced line in series space), 4 for a path that reverses at every step.
   * NaN with fewer than 3 steps.
   */
  roughness: number;
  /** sum_s ||Δ_s|| / ||x_{S-1} - x_0||: 1 for a straight path, larger for detours. */
  pathLengthRatio: number;
  /** mean_s ||Δ_s||, in the units of the series. */
  meanStep: number;
  /** ||Δ_s|| for s = 0..S-2. */
  stepNorms: Float64Array;
}

/**
 * Smoothness of a decoded latent interpolation (the paper's figure 6): the latent vector
 * moves linearly z_s = (1 - s/(S-1)) z_a + s/(S-1) z_b, each z_s is decoded to a series x_s
 * of length L, and the statistics below ask how evenly the *decoded* series change.
 *
 *   Δ_s  = x_{s+1} - x_s                        (s = 0..S-2, first difference)
 *   Δ²_s = x_{s+1} - 2 x_s + x_{s-1}            (s = 1..S-2, second difference)
 *   maxStepRatio    = max ||Δ_s|| / mean ||Δ_s||
 *   roughness       = mean ||Δ²_s||^2 / mean ||Δ_s||^2
 *   pathLengthRatio = sum ||Δ_s|| / ||x_{S-1} - x_0||
 *
 * All norms are Euclidean over the L time points; the ratios are scale-free, so paths of
 * different amplitude compare. A decoder that is linear along the path gives (1, 0, 1).
 * A sudden switch of shape half way (e.g. frequency kept until the end, then dropped, as
 * the paper observed) shows as maxStepRatio >> 1. Degenerate paths (all steps equal) give
 * NaN ratios rather than an error.
 *
 * @param path  row-major steps x length matrix, one decoded series per row, start to end
 * @throws MetricInputError on a shape mismatch or fewer than 2 steps.
 * @example
 *   const { maxStepRatio, roughness } = computeInterpolationSmoothness(decoded, 11, 200);
 */
export function computeInterpolationSmoothness(path: Matrix, steps: number, length: number): InterpolationSmoothnessResult {
  checkMatrix('computeInterpolationSmoothness: path', path, steps, length, 2);
  const stepNorms = new Float64Array(steps - 1);
  let sum = 0;
  let sumSquares = 0;
  let max = 0;
  for (let s = 0; s < steps - 1; s++) {
    const sq = squaredDistance(path, s, path, s + 1, length);
    const norm = Math.sqrt(sq);
    stepNorms[s] = norm;
    sum += norm;
    sumSquares += sq;
    max = Math.max(max, norm);
  }
  const meanStep = sum / (steps - 1);
  let roughness = NaN;
  if (steps >= 3) {
    let second = 0;
    for (let s = 1; s < steps - 1; s++) {
      for (let c = 0; c < length; c++) {
        const v = path[(s + 1) * length + c]! - 2 * path[s * length + c]! + path[(s - 1) * length + c]!;
        second += v * v;
      }
    }
    roughness = second / (steps - 2) / (sumSquares / (steps - 1));
  }
  const direct = Math.sqrt(squaredDistance(path, 0, path, steps - 1, length));
  return {
    maxStepRatio: max / meanStep,
    roughness,
    pathLengthRatio: sum / direct,
    meanStep,
    stepNorms,
  };
}
