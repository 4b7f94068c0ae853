import type { Output } from '../io/output.js';

/**
 * A progress report: count, rate and ETA. On a terminal it redraws one line in place; otherwise
 * (CI logs, files) it prints a plain line at most every `intervalMs`, and always at the end.
 */
export class Progress {
  readonly #output: Output;
  readonly #label: string;
  readonly #total: number;
  readonly #intervalMs: number;
  readonly #start = performance.now();
  #last = -Infinity;
  #done = 0;

  constructor(output: Output, label: string, total: number, intervalMs = 5000) {
    this.#output = output;
    this.#label = label;
    this.#total = total;
    this.#intervalMs = output.isTTY ? 100 : intervalMs;
  }

  /** Sets the number of items done; redraws when due. */
  update(done: number): void {
    this.#done = done;
    if (done >= this.#total) return; // finish() prints the last line
    const now = performance.now();
    if (now - this.#last < this.#intervalMs && done < this.#total) return;
    this.#last = now;
    this.#draw(now, false);
  }

  /** Final line. */
  finish(): void {
    this.#draw(performance.now(), true);
  }

  #draw(now: number, final: boolean): void {
    const seconds = (now - this.#start) / 1000;
    const rate = seconds > 0 ? this.#done / seconds : 0;
    const eta = rate > 0 ? (this.#total - this.#done) / rate : Infinity;
    const pct = this.#total ? (100 * this.#done) / this.#total : 100;
    const width = 24;
    const filled = Math.round((width * pct) / 100);
    const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
    const text = `${this.#label} ${bar} ${this.#done}/${this.#total} (${pct.toFixed(0)}%) ${rate.toFixed(1)}/s ${final ? `done in ${formatDuration(seconds)}` : `ETA ${formatDuration(eta)}`}`;
    if (this.#output.isTTY && this.#output.status) {
      this.#output.status(text);
      if (final) this.#output.err('');
    } else this.#output.err(text);
  }
}

/** 75 -> "1m15s", 3.2 -> "3.2s". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 59.95) return `${seconds.toFixed(1)}s`;
  // Round to whole seconds first, so 239.7 s reads 4m00s, not 3m60s.
  const whole = Math.round(seconds);
  const m = Math.floor(whole / 60);
  if (m < 60) return `${m}m${String(whole - 60 * m).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
