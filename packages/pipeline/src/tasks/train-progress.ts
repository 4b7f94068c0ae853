import type { BatchProgress, EpochLog } from '@penvae/vae';
import { formatNumber, type Output } from '../io/output.js';
import { formatDuration } from '../dataset/progress.js';

/** The full line of one epoch (what `--verbose` prints for every epoch). */
function formatEpochLine(log: EpochLog, epochs: number, latentDim: number): string {
  return (
    `epoch ${log.epoch}/${epochs}  loss ${formatNumber(log.loss)}  recon ${formatNumber(log.recon)}  kl ${formatNumber(log.kl)} (beta ${formatNumber(log.beta)})` +
    `  val ${formatNumber(log.valLoss ?? undefined)}  active ${log.activeUnits}/${latentDim}  sigma ${formatNumber(log.sigma)}  ${log.seconds.toFixed(1)}s` +
    `  kl/dim ${log.klPerDim.map((k) => k.toFixed(2)).join(' ')}`
  );
}

/**
 * Training progress: a bar over the epochs with the latest numbers (loss, validation loss,
 * active units, sigma) and an ETA. On a terminal it redraws one line, batch by batch; in a log
 * it prints the latest epoch at most every `intervalMs` and the last one. `verbose` prints
 * every epoch's full line instead.
 */
export class TrainProgress {
  readonly #output: Output;
  readonly #epochs: number;
  readonly #latentDim: number;
  readonly #verbose: boolean;
  readonly #intervalMs: number;
  readonly #start = performance.now();
  #lastPrint = -Infinity;
  #printedEpoch: number | undefined;
  #latest: EpochLog | undefined;
  #firstEpoch: number | undefined;

  constructor(output: Output, epochs: number, latentDim: number, verbose = false, intervalMs = 5000) {
    this.#output = output;
    this.#epochs = epochs;
    this.#latentDim = latentDim;
    this.#verbose = verbose;
    this.#intervalMs = intervalMs;
  }

  /** After each batch: redraws the bar on a terminal. */
  batch(p: BatchProgress): void {
    if (!this.#output.isTTY || !this.#output.status) return;
    this.#output.status(this.#bar(p.epoch - 1 + p.batch / p.batches, ` batch ${p.batch}/${p.batches} loss ${formatNumber(p.loss)}`));
  }

  /** After each epoch: the full line with `verbose`, else the bar (terminal) or a line when due (log). */
  epoch(log: EpochLog): void {
    this.#latest = log;
    this.#firstEpoch ??= log.epoch;
    if (this.#verbose) {
      if (this.#output.isTTY && this.#output.status) this.#output.status('');
      this.#output.err(formatEpochLine(log, this.#epochs, this.#latentDim));
      return;
    }
    if (this.#output.isTTY && this.#output.status) {
      this.#output.status(this.#bar(log.epoch, ''));
      return;
    }
    const now = performance.now();
    if (now - this.#lastPrint >= this.#intervalMs || log.epoch === this.#epochs) {
      this.#lastPrint = now;
      this.#printedEpoch = log.epoch;
      this.#output.err(this.#bar(log.epoch, ''));
    }
  }

  /** Ends the bar (the last epoch's numbers stay on screen). */
  finish(): void {
    const log = this.#latest;
    if (this.#verbose || !log) return;
    if (this.#output.isTTY && this.#output.status) {
      this.#output.status(this.#bar(log.epoch, ''));
      this.#output.err('');
    } else if (this.#printedEpoch !== log.epoch) {
      this.#printedEpoch = log.epoch;
      this.#output.err(this.#bar(log.epoch, ''));
    }
  }

  #bar(done: number, extra: string): string {
    const width = 20;
    const fraction = Math.min(1, Math.max(0, done / this.#epochs));
    const filled = Math.round(width * fraction);
    const seconds = (performance.now() - this.#start) / 1000;
    const epochsRun = done - ((this.#firstEpoch ?? 1) - 1);
    const eta = epochsRun > 0 ? ((this.#epochs - done) * seconds) / epochsRun : Infinity;
    const log = this.#latest;
    const numbers = log
      ? ` | loss ${formatNumber(log.loss)} val ${formatNumber(log.valLoss ?? undefined)} recon ${formatNumber(log.recon)} kl ${formatNumber(log.kl)} active ${log.activeUnits}/${this.#latentDim} sigma ${formatNumber(log.sigma)}`
      : '';
    return `train [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] epoch ${Math.floor(done)}/${this.#epochs}${extra}${numbers} ETA ${formatDuration(eta)} (early stopping may end sooner)`;
  }
}
