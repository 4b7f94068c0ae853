import { MetricInputError } from './errors.js';
import { checkMatrix, kthNeighbourDistances, sampleRows, squaredDistance, takeRows, type Matrix } from './matrix.js';

/** Options of {@link computePrecisionRecall}. */
export interface PrecisionRecallOptions {
  /**
   * Each set is subsampled (uniformly, without replacement, seeded) to at most this many rows.
   * Time is O((nr + nf)^2 d).
   * @default 5000
   */
  maxRows?: number;
  /**
   * Seed of the subsample (real uses `seed`, fake uses `seed + 1`).
   * @default 0
   */
  seed?: number;
}

/** Result of {@link computePrecisionRecall}; all four are fractions except density. */
export interface PrecisionRecallResult {
  /** Fraction of fake rows inside the real manifold, in [0, 1]: fidelity. */
  precision: number;
  /** Fraction of real rows inside the fake manifold, in [0, 1]: diversity. */
  recall: number;
  /** Mean number of real balls holding a fake row, over k, in [0, nr/k]; ~1 when fake ~ real. */
  density: number;
  /** Fraction of real rows whose own ball holds at least one fake row, in [0, 1]. */
  coverage: number;
  /** Rows of real actually used (after subsampling). */
  nr: number;
  /** Rows of fake actually used (after subsampling). */
  nf: number;
}

/**
 * Improved precision and recall (Kynkäänniemi, Karras, Laine, Lehtinen & Aila 2019,
 * "Improved precision and recall metric for assessing generative models", NeurIPS) and
 * density and coverage (Naeem, Oh, Uh, Choi & Yoo 2020, "Reliable fidelity and diversity
 * metrics for generative models", ICML), Euclidean, in the space the rows live in.
 *
 * With NND_k(r) the distance from r to its k-th nearest other row of the same set, and
 * B(r, rho) the open ball, the real manifold is the union of B(r_i, NND_k(r_i)) and the fake
 * manifold the union of B(f_j, NND_k(f_j)):
 *
 *   precision = (1/M) sum_j 1[ exists i: ||f_j - r_i|| < NND_k(r_i) ]
 *   recall    = (1/N) sum_i 1[ exists j: ||r_i - f_j|| < NND_k(f_j) ]
 *   density   = 1/(k M) sum_j sum_i 1[ ||f_j - r_i|| < NND_k(r_i) ]
 *   coverage  = (1/N) sum_i 1[ min_j ||r_i - f_j|| < NND_k(r_i) ]
 *
 * with N = nr real and M = nf fake rows. The strict `<` follows the reference code of Naeem
 * et al. (`prdc`). Recall is inflated by fake outliers (their k-NN balls are huge); coverage
 * and density only use the real balls and are robust to that. Naeem et al. recommend k = 5.
 *
 * @param real row-major nr x d matrix (the reference distribution)
 * @param fake row-major nf x d matrix (generated rows)
 * @param k    neighbour rank of the radii, 1 <= k <= min(nr, nf) - 1
 * @throws MetricInputError on a shape mismatch or an impossible k.
 * @example
 *   const pr = computePrecisionRecall(realLatent, 500, sampledLatent, 500, 10, 5);
 */
export function computePrecisionRecall(
  real: Matrix,
  nr: number,
  fake: Matrix,
  nf: number,
  d: number,
  k: number,
  options: PrecisionRecallOptions = {},
): PrecisionRecallResult {
  const maxRows = options.maxRows ?? 5000;
  const seed = options.seed ?? 0;
  checkMatrix('computePrecisionRecall: real', real, nr, d, 2);
  checkMatrix('computePrecisionRecall: fake', fake, nf, d, 2);
  if (!(maxRows >= 2)) {
    throw new MetricInputError(`computePrecisionRecall: option "maxRows" must be >= 2 (got ${maxRows}).`);
  }
  const r = takeRows(real, d, sampleRows(nr, maxRows, seed));
  const f = takeRows(fake, d, sampleRows(nf, maxRows, seed + 1));
  const n = r.length / d;
  const m = f.length / d;
  if (!Number.isInteger(k) || k < 1 || k > Math.min(n, m) - 1) {
    throw new MetricInputError(`computePrecisionRecall: k must be an integer in [1, min(nr, nf) - 1] = [1, ${Math.min(n, m) - 1}] (got ${k}).`);
  }
  const realRadius2 = kthNeighbourDistances(r, n, d, k).map((v) => v * v);
  const fakeRadius2 = kthNeighbourDistances(f, m, d, k).map((v) => v * v);

  const fakeInReal = new Uint8Array(m); // precision
  const realInFake = new Uint8Array(n); // recall
  const realCovered = new Uint8Array(n); // coverage
  let ballHits = 0; // density numerator
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      const s = squaredDistance(r, i, f, j, d);
      if (s < realRadius2[i]!) {
        fakeInReal[j] = 1;
        realCovered[i] = 1;
        ballHits++;
      }
      if (s < fakeRadius2[j]!) realInFake[i] = 1;
    }
  }
  return {
    precision: countOnes(fakeInReal) / m,
    recall: countOnes(realInFake) / n,
    density: ballHits / (k * m),
    coverage: countOnes(realCovered) / n,
    nr: n,
    nf: m,
  };
}

function countOnes(flags: Uint8Array): number {
  let c = 0;
  for (const f of flags) c += f;
  return c;
}
