import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { throwIfInterrupted, yieldToEventLoop } from '../check-options.js';
import { InterruptedError } from '../errors.js';
import { createSampleRunner, type SweepJob } from './run-sample.js';
import type { DatasetRow } from './schema.js';
import type { FromWorker, ToWorker } from './sweep-worker.js';

/** Options of {@link runSweepRows}. */
export interface RunSweepRowsOptions {
  job: SweepJob;
  /** First sample index (inclusive). */
  start: number;
  /** Last sample index (exclusive). */
  end: number;
  /** Worker threads; 0 runs in this thread. @default one per core */
  workers?: number;
  /** Receives every row, in sample order, exactly once. */
  onRow: (row: DatasetRow) => void;
  /** Called with the number of rows done so far. */
  onProgress?: (done: number) => void;
  /** Stops the sweep (workers are terminated at once) with an InterruptedError. */
  signal?: AbortSignal;
}

/**
 * How long the main thread simulates (`workers: 0`) before letting the event loop run, so
 * that Ctrl-C, progress and stream writes get through while a sweep runs in this thread.
 */
const MAIN_THREAD_SLICE_MS = 50;

/** The default worker count: one per core. */
export function defaultWorkers(): number {
  return availableParallelism();
}

/**
 * The compiled worker script. Tests run this module from TypeScript source, where no `.js`
 * sibling exists, so they use the built one (npm test builds first).
 */
function workerUrl(): URL {
  const here = new URL(import.meta.url);
  return here.pathname.endsWith('.ts') ? new URL('../../dist/dataset/sweep-worker.js', here) : new URL('./sweep-worker.js', here);
}

/**
 * The worker's Node flags: this process's, without `--conditions source` (which vitest sets so
 * that tests import TypeScript sources): the worker script is compiled JavaScript, and under
 * that condition its imports of the workspace packages would resolve to `.ts` files Node
 * cannot load.
 */
function workerExecArgv(): string[] {
  const args = process.execArgv;
  return args.filter((a, i) => a !== '--conditions=source' && !(a === 'source' && args[i - 1] === '--conditions') && !(a === '--conditions' && args[i + 1] === 'source'));
}

/**
 * Simulates samples [start, end) of a sweep on `workers` threads and delivers the rows in
 * sample order. Work goes out in small chunks to whichever worker is free; rows that arrive
 * early wait in a bounded reorder window, so memory stays flat however long the sweep is.
 * The rows do not depend on the number of workers.
 */
export async function runSweepRows(options: RunSweepRowsOptions): Promise<void> {
  const { job, start, end, onRow, onProgress, signal } = options;
  const total = end - start;
  const workers = Math.max(0, Math.min(options.workers ?? defaultWorkers(), Math.max(1, total)));
  throwIfInterrupted(signal);
  if (total <= 0) return;
  if (workers === 0) {
    const run = createSampleRunner(job);
    let sliceStart = performance.now();
    for (let i = start; i < end; i++) {
      onRow(run(i));
      onProgress?.(i - start + 1);
      if (performance.now() - sliceStart > MAIN_THREAD_SLICE_MS) {
        await yieldToEventLoop(signal);
        sliceStart = performance.now();
      }
    }
    throwIfInterrupted(signal);
    return;
  }
  const chunk = Math.max(1, Math.min(16, Math.ceil(total / (workers * 8))));
  // Dispatch no further ahead of the next row to deliver than this, bounding buffered rows.
  const window = Math.max(256, workers * chunk * 4);
  const pending = new Map<number, DatasetRow>();
  let nextToEmit = start;
  let nextToDispatch = start;
  const threads: Worker[] = [];
  let onAbort: (() => void) | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      let failed = false;
      const fail = (error: unknown) => {
        if (failed) return;
        failed = true;
        reject(error);
      };
      // Ctrl-C rejects at once: the workers are terminated below, mid-simulation.
      onAbort = () => fail(signal?.reason instanceof InterruptedError ? signal.reason : new InterruptedError('interrupted'));
      signal?.addEventListener('abort', onAbort, { once: true });
      const dispatch = (worker: Worker) => {
        if (failed || nextToDispatch >= end || nextToDispatch >= nextToEmit + window) return false;
        const s = nextToDispatch;
        const e = Math.min(end, s + chunk);
        nextToDispatch = e;
        worker.postMessage({ type: 'run', start: s, end: e } satisfies ToWorker);
        return true;
      };
      const idle: Worker[] = [];
      for (let w = 0; w < workers; w++) {
        const worker = new Worker(workerUrl(), { execArgv: workerExecArgv() });
        threads.push(worker);
        worker.on('error', (error) => fail(error));
        worker.on('exit', (code) => {
          if (code !== 0 && nextToEmit < end) fail(new Error(`a sweep worker exited with code ${code}`));
        });
        worker.on('message', (message: FromWorker) => {
          if (message.type === 'error') return fail(Object.assign(new Error(`a sweep worker failed: ${message.message}`), { stack: message.stack }));
          for (const row of message.rows) pending.set(row.sampleId, row);
          try {
            while (pending.has(nextToEmit)) {
              const row = pending.get(nextToEmit)!;
              pending.delete(nextToEmit);
              onRow(row);
              nextToEmit++;
            }
          } catch (error) {
            return fail(error);
          }
          onProgress?.(nextToEmit - start);
          if (nextToEmit >= end) return resolve();
          // This worker is free; delivering rows may also have opened the window for idle ones.
          if (!dispatch(worker)) idle.push(worker);
          while (idle.length && dispatch(idle[idle.length - 1]!)) idle.pop();
        });
        worker.postMessage({ type: 'init', job } satisfies ToWorker);
        if (!dispatch(worker)) idle.push(worker);
      }
    });
  } finally {
    if (onAbort) signal?.removeEventListener('abort', onAbort);
    await Promise.all(threads.map((t) => t.terminate()));
  }
  throwIfInterrupted(signal);
}
