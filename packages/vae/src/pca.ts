/**
 * Principal component analysis, the linear baseline of the VAE. Plain TypeScript in double
 * precision, no TensorFlow.js.
 *
 * fitPca centres the data on the per-time-step mean, forms the L x L covariance
 * C = X_c^T X_c / n (maximum-likelihood divisor n), and diagonalises it with the cyclic Jacobi
 * method (Golub & Van Loan, "Matrix Computations", 4th ed., sec. 8.5; rotations in the stable
 * form of Numerical Recipes, 3rd ed., sec. 11.1). Jacobi is slow for large L but accurate to
 * working precision for symmetric matrices, including clustered and zero eigenvalues, which is
 * what a baseline needs; at L = 128 it takes a few milliseconds.
 */
import { VaeDataError } from './errors.js';

/** A fitted PCA. */
export interface PcaModel {
  /** Series length L. */
  readonly length: number;
  /** Number of components k. */
  readonly k: number;
  /** Per-time-step mean of the training data, length L. */
  readonly mean: Float64Array;
  /**
   * Principal axes, row-major [k, L], unit length, by decreasing eigenvalue. Sign convention:
   * the entry of largest magnitude of each axis is positive (makes fits reproducible).
   */
  readonly components: Float64Array;
  /** Eigenvalues of the covariance (variance along each axis, divisor n), decreasing, length k. */
  readonly eigenvalues: Float64Array;
  /** Trace of the covariance: total variance about the per-time-step mean (divisor n). */
  readonly totalVariance: number;
}

/** Eigen-decomposition of a symmetric matrix. */
export interface SymmetricEigen {
  /** Eigenvalues, decreasing. */
  readonly values: Float64Array;
  /** Eigenvectors as rows, row-major [N, N], in the order of `values`. */
  readonly vectors: Float64Array;
  /** Jacobi sweeps used. */
  readonly sweeps: number;
}

/**
 * Eigen-decomposition of a symmetric N x N matrix (row-major; only symmetry is assumed, the
 * input is not modified) by cyclic Jacobi rotations, until the off-diagonal Frobenius norm is
 * below 1e-15 of the whole norm.
 * @throws {VaeDataError} if `a` is not N x N or holds a non-finite value.
 */
export function symmetricEigen(a: ArrayLike<number>, N: number): SymmetricEigen {
  if (a.length !== N * N) throw new VaeDataError('matrix', `expected ${N} x ${N} = ${N * N} values; got ${a.length}`);
  const A = Float64Array.from(a);
  for (let i = 0; i < A.length; i++) {
    if (!Number.isFinite(A[i]!)) throw new VaeDataError('matrix', `non-finite value at (${Math.floor(i / N)}, ${i % N})`);
  }
  const V = new Float64Array(N * N);
  for (let i = 0; i < N; i++) V[i * N + i] = 1;
  let norm = 0;
  for (let i = 0; i < A.length; i++) norm += A[i]! * A[i]!;
  const tol = 1e-30 * norm; // (1e-15 * ||A||_F)^2
  let sweeps = 0;
  for (; sweeps < 100; sweeps++) {
    let off = 0;
    for (let p = 0; p < N; p++) for (let q = p + 1; q < N; q++) off += 2 * A[p * N + q]! ** 2;
    if (off <= tol) break;
    for (let p = 0; p < N - 1; p++) {
      for (let q = p + 1; q < N; q++) {
        const apq = A[p * N + q]!;
        if (apq === 0) continue;
        // Rotation angle that zeroes A[p][q]: theta = cot(2 phi) = (a_qq - a_pp) / (2 a_pq);
        // t = tan(phi) as the smaller root of t^2 + 2 t theta - 1 = 0 (NR eq. 11.1.8), which
        // keeps |phi| <= pi/4 and the rotation well conditioned.
        const theta = (A[q * N + q]! - A[p * N + p]!) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        const tau = s / (1 + c);
        A[p * N + p] = A[p * N + p]! - t * apq;
        A[q * N + q] = A[q * N + q]! + t * apq;
        A[p * N + q] = 0;
        A[q * N + p] = 0;
        for (let r = 0; r < N; r++) {
          if (r === p || r === q) continue;
          const g = A[r * N + p]!;
          const h = A[r * N + q]!;
          const rp = g - s * (h + g * tau);
          const rq = h + s * (g - h * tau);
          A[r * N + p] = rp;
          A[p * N + r] = rp;
          A[r * N + q] = rq;
          A[q * N + r] = rq;
        }
        for (let r = 0; r < N; r++) {
          const g = V[r * N + p]!;
          const h = V[r * N + q]!;
          V[r * N + p] = g - s * (h + g * tau);
          V[r * N + q] = h + s * (g - h * tau);
        }
      }
    }
  }
  const order = Array.from({ length: N }, (_, i) => i).sort((i, j) => A[j * N + j]! - A[i * N + i]!);
  const values = new Float64Array(N);
  const vectors = new Float64Array(N * N);
  order.forEach((col, row) => {
    values[row] = A[col * N + col]!;
    for (let r = 0; r < N; r++) vectors[row * N + r] = V[r * N + col]!;
  });
  return { values, vectors, sweeps };
}

function checkData(x: ArrayLike<number>, n: number, L: number, name: string): void {
  if (!Number.isInteger(n) || n < 1) throw new VaeDataError(name, `expected n >= 1 series; got ${String(n)}`);
  if (!Number.isInteger(L) || L < 1) throw new VaeDataError(name, `expected a series length >= 1; got ${String(L)}`);
  if (x.length !== n * L) throw new VaeDataError(name, `expected n * L = ${n} * ${L} = ${n * L} values; got ${x.length}`);
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]!)) {
      throw new VaeDataError(name, `value ${String(x[i])} at series ${Math.floor(i / L)}, time step ${i % L}; all values must be finite`);
    }
  }
}

/**
 * Fit a k-component PCA to n series of length L (row-major).
 * @param k components to keep, 0 <= k <= L (0 keeps only the mean).
 * @throws {VaeDataError} on inconsistent sizes, non-finite values, or k out of range.
 * @example
 * const pca = fitPca(train.x, train.n, 128, 10);
 * const rel = relativeMse(test.x, pcaReconstruct(pca, test.x, test.n), 128);
 */
export function fitPca(x: ArrayLike<number>, n: number, L: number, k: number): PcaModel {
  checkData(x, n, L, 'x');
  if (!Number.isInteger(k) || k < 0 || k > L) throw new VaeDataError('k', `expected an integer in [0, ${L}]; got ${String(k)}`);
  const mean = new Float64Array(L);
  for (let i = 0; i < n; i++) for (let t = 0; t < L; t++) mean[t]! += x[i * L + t]!;
  for (let t = 0; t < L; t++) mean[t]! /= n;
  const cov = new Float64Array(L * L);
  const row = new Float64Array(L);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < L; t++) row[t] = x[i * L + t]! - mean[t]!;
    for (let s = 0; s < L; s++) {
      const rs = row[s]!;
      if (rs === 0) continue;
      for (let t = s; t < L; t++) cov[s * L + t]! += rs * row[t]!;
    }
  }
  for (let s = 0; s < L; s++) {
    for (let t = s; t < L; t++) {
      const v = cov[s * L + t]! / n;
      cov[s * L + t] = v;
      cov[t * L + s] = v;
    }
  }
  let totalVariance = 0;
  for (let t = 0; t < L; t++) totalVariance += cov[t * L + t]!;
  const eig = symmetricEigen(cov, L);
  const components = eig.vectors.slice(0, k * L);
  for (let c = 0; c < k; c++) {
    let arg = 0;
    for (let t = 1; t < L; t++) if (Math.abs(components[c * L + t]!) > Math.abs(components[c * L + arg]!)) arg = t;
    if (components[c * L + arg]! < 0) for (let t = 0; t < L; t++) components[c * L + t] = -components[c * L + t]!;
  }
  return { length: L, k, mean, components, eigenvalues: eig.values.slice(0, k), totalVariance };
}

/**
 * Scores of n series on the principal axes: (x - mean) V^T, row-major [n, k].
 * @throws {VaeDataError} if x does not hold n series of the model's length.
 */
export function pcaTransform(pca: PcaModel, x: ArrayLike<number>, n: number): Float64Array {
  const L = pca.length;
  checkData(x, n, L, 'x');
  const scores = new Float64Array(n * pca.k);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < pca.k; c++) {
      let s = 0;
      for (let t = 0; t < L; t++) s += (x[i * L + t]! - pca.mean[t]!) * pca.components[c * L + t]!;
      scores[i * pca.k + c] = s;
    }
  }
  return scores;
}

/** Series from scores: mean + scores V, row-major [n, L]. */
export function pcaInverseTransform(pca: PcaModel, scores: ArrayLike<number>, n: number): Float64Array {
  const L = pca.length;
  if (scores.length !== n * pca.k) throw new VaeDataError('scores', `expected n * k = ${n} * ${pca.k} values; got ${scores.length}`);
  const out = new Float64Array(n * L);
  for (let i = 0; i < n; i++) {
    out.set(pca.mean, i * L);
    for (let c = 0; c < pca.k; c++) {
      const s = scores[i * pca.k + c]!;
      for (let t = 0; t < L; t++) out[i * L + t]! += s * pca.components[c * L + t]!;
    }
  }
  return out;
}

/** Projection of n series onto the k-dimensional principal subspace (through the mean), [n, L]. */
export function pcaReconstruct(pca: PcaModel, x: ArrayLike<number>, n: number): Float64Array {
  return pcaInverseTransform(pca, pcaTransform(pca, x, n), n);
}

/**
 * Relative mean squared error of a reconstruction:
 *
 *   relMSE = sum_{i,t} (x_it - xhat_it)^2 / sum_{i,t} (x_it - m_t)^2,  m_t = (1/n) sum_i x_it
 *
 * i.e. the MSE over all n * L entries divided by the variance of x about the per-time-step mean
 * of the same set (both with divisor n * L). 0 is perfect; 1 is what predicting each time step's
 * mean achieves (PCA with k = 0); it is 1 - R^2 in the sense of explained variance.
 * Returns NaN when x has zero variance.
 * @param length series length L; x and xhat hold x.length / L series.
 * @throws {VaeDataError} on mismatched sizes.
 */
export function relativeMse(x: ArrayLike<number>, xhat: ArrayLike<number>, length: number): number {
  if (x.length !== xhat.length) throw new VaeDataError('xhat', `expected ${x.length} values like x; got ${xhat.length}`);
  if (!Number.isInteger(length) || length < 1 || x.length % length !== 0 || x.length === 0) {
    throw new VaeDataError('length', `expected a positive divisor of x.length = ${x.length}; got ${String(length)}`);
  }
  const n = x.length / length;
  const mean = new Float64Array(length);
  for (let i = 0; i < n; i++) for (let t = 0; t < length; t++) mean[t]! += x[i * length + t]!;
  for (let t = 0; t < length; t++) mean[t]! /= n;
  let sse = 0;
  let sst = 0;
  for (let i = 0; i < x.length; i++) {
    const d = x[i]! - xhat[i]!;
    const c = x[i]! - mean[i % length]!;
    sse += d * d;
    sst += c * c;
  }
  return sst === 0 ? Number.NaN : sse / sst;
}
