import { MetricInputError } from './errors.js';
import { checkLabels, checkMatrix, indexLabels, squaredDistance, type Label, type Matrix } from './matrix.js';

/** Result of {@link computeKnnAccuracy}. */
export interface KnnAccuracyResult {
  /** Fraction of rows whose predicted label equals their own, in [0, 1]. */
  accuracy: number;
  /** Number of correctly classified rows. */
  correct: number;
  /** 1 where row i was classified correctly, else 0 (for {@link aggregateByLabel}). */
  hits: Uint8Array;
  /** The predicted label of each row, as the string form of a label. */
  predictions: string[];
}

/**
 * Leave-one-out k-nearest-neighbour classification accuracy (Euclidean): each row is
 * classified by the labels of its k nearest *other* rows and compared with its own label
 * (Cover & Hart 1967, "Nearest neighbor pattern classification", IEEE Trans. Inf. Theory 13).
 *
 *   accuracy = (1/n) sum_i 1[ majority(labels of the k nearest j != i) = label_i ]
 *
 * Ties: neighbours at equal distance are ranked by row index (lower first). A vote tie
 * between labels goes to the tied label whose best-ranked neighbour is nearest (so with
 * k = 2 and two different labels, the nearest neighbour decides). Labels compare as strings.
 * O(n^2 (d + k)) time.
 *
 * @param points row-major n x d matrix
 * @param labels one class label per row
 * @param k      neighbours per vote, 1 <= k <= n - 1
 * @throws MetricInputError on a shape mismatch or an impossible k.
 * @example
 *   const { accuracy } = computeKnnAccuracy(latentMeans, n, 10, families, 5);
 */
export function computeKnnAccuracy(points: Matrix, n: number, d: number, labels: ArrayLike<Label>, k: number): KnnAccuracyResult {
  checkMatrix('computeKnnAccuracy: points', points, n, d, 2);
  checkLabels('computeKnnAccuracy', labels, n);
  if (!Number.isInteger(k) || k < 1 || k > n - 1) {
    throw new MetricInputError(`computeKnnAccuracy: k must be an integer in [1, n - 1] = [1, ${n - 1}] (got ${k}).`);
  }
  const { index, names } = indexLabels(labels);
  const bestDist = new Float64Array(k);
  const bestRow = new Int32Array(k);
  const votes = new Int32Array(names.length);
  const hits = new Uint8Array(n);
  const predictions: string[] = new Array<string>(n);
  let correct = 0;
  for (let i = 0; i < n; i++) {
    bestDist.fill(Infinity);
    bestRow.fill(-1);
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const s = squaredDistance(points, i, points, j, d);
      if (s >= bestDist[k - 1]!) continue; // equal distance: the earlier (lower) row stays
      let p = k - 1;
      while (p > 0 && bestDist[p - 1]! > s) {
        bestDist[p] = bestDist[p - 1]!;
        bestRow[p] = bestRow[p - 1]!;
        p--;
      }
      bestDist[p] = s;
      bestRow[p] = j;
    }
    votes.fill(0);
    let top = 0;
    for (let p = 0; p < k; p++) top = Math.max(top, ++votes[index[bestRow[p]!]!]!);
    // Among the labels with the top count, the one with the nearest neighbour wins.
    let winner = -1;
    for (let p = 0; p < k && winner < 0; p++) {
      const label = index[bestRow[p]!]!;
      if (votes[label] === top) winner = label;
    }
    predictions[i] = names[winner]!;
    if (winner === index[i]) {
      hits[i] = 1;
      correct++;
    }
  }
  return { accuracy: correct / n, correct, hits, predictions };
}
