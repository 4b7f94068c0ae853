/**
 * Worker-thread entry of a sweep: receives the job once, then ranges of sample indices, and
 * posts rows back.
 */
import { parentPort } from 'node:worker_threads';
import { createSampleRunner, type SweepJob } from './run-sample.js';
import type { DatasetRow } from './schema.js';

/** Messages from the main thread. */
export type ToWorker = { type: 'init'; job: SweepJob } | { type: 'run'; start: number; end: number; values?: Float64Array[] };
/** Messages to the main thread. */
export type FromWorker = { type: 'rows'; rows: DatasetRow[] } | { type: 'error'; message: string; stack: string };

if (parentPort) {
  const port = parentPort;
  let run: ((index: number, values?: Float64Array) => DatasetRow) | undefined;
  port.on('message', (message: ToWorker) => {
    try {
      if (message.type === 'init') {
        run = createSampleRunner(message.job);
        return;
      }
      const rows: DatasetRow[] = [];
      for (let i = message.start; i < message.end; i++) rows.push(run!(i, message.values?.[i - message.start]));
      // Copied, not transferred: detaching an ArrayBuffer in this thread made every later
      // simulation 1.5-2.2x slower (bench/README.md, "Sweeps"), and a row is only a few kB.
      port.postMessage({ type: 'rows', rows } satisfies FromWorker);
    } catch (error) {
      // The stack travels apart from the message: the CLI prints it only with PENVAE_DEBUG=1.
      port.postMessage({
        type: 'error',
        message: error instanceof Error ? error.message : String(error),
        stack: error instanceof Error ? (error.stack ?? '') : '',
      } satisfies FromWorker);
    }
  });
}
