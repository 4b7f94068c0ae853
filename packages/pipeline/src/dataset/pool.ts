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
  /**
   * Receives every row, in sample order, exactly once. When it returns a promise, the next row
   * waits for it, and no more work goes out than the reorder window allows: a slow consumer
   * (a slow disk) pauses the workers instead of growing memory.
   */
  onRow: (row: DatasetRow) => void | Promise<void>;
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

/** What {@link runSweepRows} observed. */
export interface RunSweepRowsResult {
  /** Most rows held at once: simulated but not yet taken by `onRow` (the reorder window's fill). */
  peakHeldRows: number;
}

/** The default worker count: one per core. */
export function defaultWorkers(): number {
  return availableParallelism();
}

/**
 * A worker's young generation. V8 grows it towards 32 MB (two 16 MB semi-spaces) in the first
 * seconds of a busy isolate; a sweep worker's garbage is short-lived (one simulation's arrays),
 * so 4 MB costs no measurable CPU and keeps a long sweep's memory where a short one's is
 * (bench/README.md, "Memory": 10 000 samples on 2 workers, 193-197 MB peak RSS by default,
 * 148-150 MB with this limit, the same CPU seconds).
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 4 };

/**
 * The compiled worker script. Tests run this module from TypeScript source, where no `.js`
 * sibling exists, so they use the built one (vitest's global setup builds it first, and
 * rebuilds when a source file changed: test/build.ts); it must then resolve the
 * workspace packages to their built code too, so the test runner's `source` export condition
 * is not passed on to it.
 */
function createWorker(): Worker {
  const here = new URL(import.meta.url);
  if (!here.pathname.endsWith('.ts')) return new Worker(new URL('./sweep-worker.js', here), { resourceLimits: WORKER_LIMITS });
  const execArgv: string[] = [];
  for (let k = 0; k < process.execArgv.length; k++) {
    const arg = process.execArgv[k]!;
    if (arg === '--conditions' && process.execArgv[k + 1] === 'source') k++;
    else if (arg !== '--conditions=source') execArgv.push(arg);
  }
  return new Worker(new URL('../../dist/dataset/sweep-worker.js', here), { execArgv, resourceLimits: WORKER_LIMITS });
}

/**
 * Simulates samples [start, end) of a sweep on `workers` threads and delivers the rows in
 * sample order. Work goes out in small chunks to whichever worker is free; rows that arrive
 * early wait in a bounded reorder window, so memory stays flat however long the sweep is.
 * The rows do not depend on the number of workers.
 */
export async function runSweepRows(options: RunSweepRowsOptions): Promise<RunSweepRowsResult> {
  const total = options.end - options.start;
  throwIfInterrupted(options.signal);
  if (total <= 0) return { peakHeldRows: 0 };
  const pool = openSweepPool(options.job, Math.max(0, Math.min(options.workers ?? defaultWorkers(), Math.max(1, total))));
  try {
    return await pool.run(options);
  } finally {
    await pool.close();
  }
}

/** Options of one {@link SweepPool.run}: a range of samples, and optionally their values. */
interface SweepPoolRunOptions extends Omit<RunSweepRowsOptions, 'job' | 'workers'> {
  /**
   * The varied values of sample `index`, in the sweep's `vary` order, instead of the sweep's
   * design (a search proposes its own points: `pipeline explore`). The sample's seed is still
   * derived from its index.
   */
  values?: (index: number) => Float64Array;
}

/**
 * Worker threads kept for many runs of one job: a search simulates batch after batch, and
 * starting the workers (~0.35 s each: module loading and compiling the network) for every
 * batch of 250 samples would cost more than a tenth of the simulation time.
 */
export interface SweepPool {
  /** Simulates one range of samples, as {@link runSweepRows}; one run at a time. */
  run(options: SweepPoolRunOptions): Promise<RunSweepRowsResult>;
  /** Terminates the workers. */
  close(): Promise<void>;
}

/** Handlers of the run in progress, called by the workers' listeners. */
interface ActiveRun {
  message(worker: Worker, message: FromWorker): void;
  fail(error: unknown): void;
  done(): boolean;
}

/**
 * Starts `workers` threads for `job` (0: every run simulates in this thread). The threads start
 * at once and are reused by every {@link SweepPool.run} until {@link SweepPool.close}.
 */
export function openSweepPool(job: SweepJob, workers: number): SweepPool {
  const threads: Worker[] = [];
  let active: ActiveRun | undefined;
  let mainRunner: ((index: number, values?: Float64Array) => DatasetRow) | undefined;
  for (let w = 0; w < workers; w++) {
    const worker = createWorker();
    threads.push(worker);
    worker.on('error', (error) => active?.fail(error));
    worker.on('exit', (code) => {
      if (code !== 0 && active && !active.done()) active.fail(new Error(`a sweep worker exited with code ${code}`));
    });
    worker.on('message', (message: FromWorker) => active?.message(worker, message));
    worker.postMessage({ type: 'init', job } satisfies ToWorker);
  }
  let closed = false;
  return {
    async close() {
      closed = true;
      await Promise.all(threads.map((t) => t.terminate()));
    },
    async run(options) {
      if (closed) throw new Error('SweepPool.run after close');
      if (active) throw new Error('SweepPool.run while another run is in progress');
      const { start, end, onRow, onProgress, signal, values } = options;
      const total = end - start;
      throwIfInterrupted(signal);
      if (total <= 0) return { peakHeldRows: 0 };
      if (workers === 0) {
        const run = (mainRunner ??= createSampleRunner(job));
        let sliceStart = performance.now();
        for (let i = start; i < end; i++) {
          await onRow(run(i, values?.(i)));
          onProgress?.(i - start + 1);
          if (performance.now() - sliceStart > MAIN_THREAD_SLICE_MS) {
            await yieldToEventLoop(signal);
            sliceStart = performance.now();
          }
        }
        throwIfInterrupted(signal);
        return { peakHeldRows: 1 };
      }
      const chunk = Math.max(1, Math.min(16, Math.ceil(total / (workers * 8))));
      // Dispatch no further ahead of the next row to deliver than this, bounding buffered rows.
      const window = Math.max(256, workers * chunk * 4);
      const pending = new Map<number, DatasetRow>();
      let peakHeldRows = 0;
      let nextToEmit = start;
      let nextToDispatch = start;
      let onAbort: (() => void) | undefined;
      // A worker still busy with a chunk of a failed run posts its rows later: they are dropped
      // (`active` is then another run's or none), and the pool must not be reused after a failure.
      let failedRun = false;
      try {
        await new Promise<void>((resolve, reject) => {
          let failed = false;
          const fail = (error: unknown) => {
            if (failed) return;
            failed = failedRun = true;
            reject(error);
          };
          // Ctrl-C rejects at once: the workers are terminated by close(), mid-simulation.
          onAbort = () => fail(signal?.reason instanceof InterruptedError ? signal.reason : new InterruptedError('interrupted'));
          signal?.addEventListener('abort', onAbort, { once: true });
          const dispatch = (worker: Worker) => {
            if (failed || nextToDispatch >= end || nextToDispatch >= nextToEmit + window) return false;
            const s = nextToDispatch;
            const e = Math.min(end, s + chunk);
            nextToDispatch = e;
            const message: ToWorker = { type: 'run', start: s, end: e };
            if (values) message.values = Array.from({ length: e - s }, (_, k) => values(s + k));
            worker.postMessage(message);
            return true;
          };
          const idle: Worker[] = [];
          let delivering = false;
          // Hands the rows that are next in order to onRow, one at a time (awaiting it), then gives
          // idle workers more work. Only one delivery runs at a time; rows arriving meanwhile wait
          // in `pending`, and dispatch stops at the window, so a slow onRow holds the workers.
          const deliver = async () => {
            if (delivering || failed) return;
            delivering = true;
            try {
              while (pending.has(nextToEmit)) {
                const row = pending.get(nextToEmit)!;
                pending.delete(nextToEmit);
                await onRow(row);
                nextToEmit++;
              }
            } catch (error) {
              return fail(error as Error);
            } finally {
              delivering = false;
            }
            onProgress?.(nextToEmit - start);
            if (nextToEmit >= end) return resolve();
            while (idle.length && dispatch(idle[idle.length - 1]!)) idle.pop();
            // Rows that arrived while onRow was busy are delivered now.
            if (pending.has(nextToEmit)) void deliver();
          };
          active = {
            fail,
            done: () => nextToEmit >= end,
            message(worker, message) {
              if (message.type === 'error') return fail(Object.assign(new Error(`a sweep worker failed: ${message.message}`), { stack: message.stack }));
              for (const row of message.rows) pending.set(row.sampleId, row);
              peakHeldRows = Math.max(peakHeldRows, pending.size);
              // This worker is free: more work while onRow catches up, as far as the window allows.
              if (!dispatch(worker)) idle.push(worker);
              void deliver();
            },
          };
          for (const worker of threads) if (!dispatch(worker)) idle.push(worker);
        });
      } finally {
        active = undefined;
        if (onAbort) signal?.removeEventListener('abort', onAbort);
        if (failedRun) await this.close();
      }
      throwIfInterrupted(signal);
      return { peakHeldRows };
    },
  };
}
