import { MetricInputError } from './errors.js';
import { checkLabels, checkMatrix, indexLabels, squaredDistance, type Label, type Matrix } from './matrix.js';

/** Result of {@link computeSilhouette}. */
export interface SilhouetteResult {
  /** Mean silhouette coefficient over all rows, in [-1, 1]. */
  score: number;
  /** s(i) for each row (feed to {@link aggregateByLabel} for a per-class mean). */
  samples: Float64Array;
}

/**
 * Mean silhouette coefficient (Rousseeuw 1987, "Silhouettes: a graphical aid to the
 * interpretation and validation of cluster analysis", J. Comput. Appl. Math. 20:53-65),
 * Euclidean distance, clusters given by `labels`:
 *
 *   a(i) = mean distance from i to the other members of its own cluster
 *   b(i) = min over the other clusters C of the mean distance from i to the members of C
 *   s(i) = (b(i) - a(i)) / max(a(i), b(i)),   score = mean_i s(i)
 *
 * Conventions (as in scikit-learn's `silhouette_samples`): a row alone in its cluster has
 * s = 0, and s = 0 when a(i) = b(i) = 0 (coincident points). Near 1: tight, well separated
 * clusters; near 0: overlapping; negative: rows closer to another cluster than to their own.
 * O(n^2 d) time, O(n + C) memory.
 *
 * @param points row-major n x d matrix
 * @param labels one cluster label per row (at least 2 distinct labels)
 * @throws MetricInputError on a shape mismatch or fewer than 2 distinct labels.
 * @example
 *   const { score } = computeSilhouette(latentMeans, n, 10, families);
 */
export function computeSilhouette(points: Matrix, n: number, d: number, labels: ArrayLike<Label>): SilhouetteResult {
  checkMatrix('computeSilhouette: points', points, n, d);
  checkLabels('computeSilhouette', labels, n);
  const { index, names } = indexLabels(labels);
  const c = names.length;
  if (c < 2) {
    throw new MetricInputError(`computeSilhouette: needs at least 2 distinct labels to compare clusters (got ${c}: ${names.join(', ')}).`);
  }
  const size = new Float64Array(c);
  for (let i = 0; i < n; i++) size[index[i]!]!++;

  const samples = new Float64Array(n);
  const sums = new Float64Array(c);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const own = index[i]!;
    if (size[own] === 1) continue; // s = 0
    sums.fill(0);
    for (let j = 0; j < n; j++) {
      if (j !== i) sums[index[j]!]! += Math.sqrt(squaredDistance(points, i, points, j, d));
    }
    const a = sums[own]! / (size[own]! - 1);
    let b = Infinity;
    for (let k = 0; k < c; k++) {
      if (k !== own) b = Math.min(b, sums[k]! / size[k]!);
    }
    const denominator = Math.max(a, b);
    const s = denominator > 0 ? (b - a) / denominator : 0;
    samples[i] = s;
    total += s;
  }
  return { score: total / n, samples };
}
