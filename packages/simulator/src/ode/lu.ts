/**
 * Dense LU decomposition with partial pivoting, in place, row-major, allocation-free.
 * Small systems (tens of states) are what the PEN networks give; for them a dense LU
 * costs a few microseconds and the simple loops JIT well.
 */

/**
 * Factors the n x n row-major matrix `a` in place into L (unit lower, below the diagonal)
 * and U (on and above it), recording row swaps in `pivot`.
 * @returns false if a pivot is exactly zero or not finite (singular matrix)
 */
export function decomposeLu(a: Float64Array, n: number, pivot: Int32Array): boolean {
  for (let k = 0; k < n; k++) {
    // Pivot: the largest magnitude in column k at or below the diagonal.
    let p = k;
    let max = Math.abs(a[k * n + k]!);
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(a[i * n + k]!);
      if (v > max) {
        max = v;
        p = i;
      }
    }
    pivot[k] = p;
    if (!(max > 0) || !Number.isFinite(max)) return false;
    if (p !== k) {
      const rp = p * n;
      const rk = k * n;
      for (let j = 0; j < n; j++) {
        const tmp = a[rk + j]!;
        a[rk + j] = a[rp + j]!;
        a[rp + j] = tmp;
      }
    }
    const rk = k * n;
    const inv = 1 / a[rk + k]!;
    for (let i = k + 1; i < n; i++) {
      const ri = i * n;
      const lik = a[ri + k]! * inv;
      if (lik === 0) continue; // the Jacobians here are sparse: skip empty rows cheaply
      a[ri + k] = lik;
      for (let j = k + 1; j < n; j++) a[ri + j]! -= lik * a[rk + j]!;
    }
  }
  return true;
}

/** Solves A x = b in place (`b` becomes x) with the factors from {@link decomposeLu}. */
export function solveLu(lu: Float64Array, n: number, pivot: Int32Array, b: Float64Array): void {
  for (let k = 0; k < n; k++) {
    const p = pivot[k]!;
    if (p !== k) {
      const tmp = b[k]!;
      b[k] = b[p]!;
      b[p] = tmp;
    }
  }
  for (let i = 1; i < n; i++) {
    const ri = i * n;
    let s = b[i]!;
    for (let j = 0; j < i; j++) s -= lu[ri + j]! * b[j]!;
    b[i] = s;
  }
  for (let i = n - 1; i >= 0; i--) {
    const ri = i * n;
    let s = b[i]!;
    for (let j = i + 1; j < n; j++) s -= lu[ri + j]! * b[j]!;
    b[i] = s / lu[ri + i]!;
  }
}
