// Helpers shared by the benchmark scripts.

/** Column ranges of a row-major trajectory (max - min per column; 1 for a constant column). */
export function columnRanges(y, n, rows) {
  const range = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let k = 0; k < rows; k++) {
      const v = y[k * n + i];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    range[i] = hi - lo > 0 ? hi - lo : 1;
  }
  return range;
}

/** max over columns and times of |y - ref| / range(ref column); NaN anywhere gives Infinity. */
export function maxErrorOverRange(y, ref, range, n, rows) {
  let worst = 0;
  for (let k = 0; k < rows; k++) {
    for (let i = 0; i < n; i++) {
      const e = Math.abs(y[k * n + i] - ref[k * n + i]) / range[i];
      if (!(e <= worst)) worst = Number.isNaN(e) ? Infinity : e;
    }
  }
  return worst;
}

/** Min, median and max of a list of numbers. */
export function summary(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { min: sorted[0], median, max: sorted[sorted.length - 1] };
}

/** A Markdown table (header row, then rows of cells). */
export function table(header, rows) {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => String(r[c]).length)));
  const line = (cells) => `| ${cells.map((cell, c) => String(cell).padEnd(widths[c])).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

/** Milliseconds for people: `12.3 ms`, `1.23 s`. */
export const fmtMs = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : ms >= 10 ? `${ms.toFixed(1)} ms` : `${ms.toFixed(2)} ms`);
