/**
 * Where commands write what a person reads. Commands take an {@link Output} so tests can
 * capture it; the CLI passes {@link processOutput}.
 */
export interface Output {
  /** A line for stdout (results). */
  out(line: string): void;
  /** A line for stderr: progress and what was done (silenced by `--quiet`). */
  err(line: string): void;
  /** A warning for stderr, printed as `warning: <line>` (kept under `--quiet`). */
  warn(line: string): void;
  /** Whether stderr is an interactive terminal (progress bars redraw in place only then). */
  readonly isTTY: boolean;
  /** Rewrites the current stderr line (progress bars on a terminal). */
  status?(line: string): void;
}

/** Writes to the process's stdout/stderr. */
export const processOutput: Output = {
  out: (line) => void process.stdout.write(`${line}\n`),
  err: (line) => void process.stderr.write(`${line}\n`),
  warn: (line) => void process.stderr.write(`warning: ${line}\n`),
  isTTY: Boolean(process.stderr.isTTY),
  status: (line) => void process.stderr.write(`\r\x1b[2K${line}`),
};

/** An Output that records everything (for tests and for library callers who want quiet). */
export function captureOutput(): Output & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l) => void lines.push(l), err: (l) => void errors.push(l), warn: (l) => void errors.push(`warning: ${l}`), isTTY: false };
}

/** `output` without progress and informational lines (`--quiet`): results and warnings only. */
export function quietOutput(output: Output): Output {
  return { out: (l) => output.out(l), err: () => undefined, warn: (l) => output.warn(l), isTTY: false };
}

/** Formats rows as an aligned plain-text table (first row = header). */
export function formatTable(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) =>
    row
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
}

/**
 * A number for people, in the terminal and in reports: `digits` significant digits, no
 * exponent for ordinary magnitudes (1e-3 to 1e6), `-` when missing.
 * @example formatNumber(0.012345) // '0.01235'; formatNumber(2.5e-7, 3) // '2.50e-7'
 */
export function formatNumber(v: number | null | undefined, digits = 4): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '-';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e-3 && a < 1e6) return Number(v.toPrecision(digits)).toString();
  return v.toExponential(digits - 1);
}
