import { describe, expect, it } from 'vitest';
import { loadNetwork } from '../io/network-source.js';
import { resolveNormalization } from './normalize.js';
import { openSweepPool, runSweepRows } from './pool.js';
import { createSampleRunner } from './run-sample.js';
import type { SweepJob } from './run-sample.js';
import { prepareSweep, sampleValues } from './sweep-spec.js';

/** A sweep of the amplifier's K over `samples` samples: 21 time points, fast to simulate. */
function amplifierJob(samples: number, seed: number): SweepJob {
  const loaded = loadNetwork('amplifier');
  const grid = { start: 0, step: 1, points: 21 };
  return {
    networkText: loaded.text,
    networkSource: loaded.source,
    sweep: prepareSweep(loaded.network, { samples, seed, vary: [{ path: 'strands[a].K', min: 30, max: 150 }] }).spec,
    grid,
    solver: { name: 'rosenbrock', rtol: 1e-7, atol: 1e-14, maxSteps: 100_000 },
    observables: ['a'],
    normalization: resolveNormalization({ length: 8 }, ['a'], grid),
  };
}

// Worker threads run the built worker (dist/), as in every sweep test: vitest's global setup builds it first.
describe('runSweepRows with a slow consumer (back-pressure)', () => {
  const job = amplifierJob(700, 2);

  it.each([0, 2])('waits for each row on %i workers: one row in the consumer at a time, at most a window of rows held', async (workers) => {
    const ids: number[] = [];
    let inConsumer = 0;
    let maxInConsumer = 0;
    const result = await runSweepRows({
      job,
      start: 50,
      end: 700,
      workers,
      onRow: async (row) => {
        inConsumer++;
        maxInConsumer = Math.max(maxInConsumer, inConsumer);
        ids.push(row.sampleId);
        // Every 64th row stands for a batch written to a slow disk: the workers are far faster.
        if (row.sampleId % 64 === 63) await new Promise((r) => setTimeout(r, 25));
        inConsumer--;
      },
    });
    expect(ids).toEqual(Array.from({ length: 650 }, (_, i) => 50 + i));
    expect(maxInConsumer).toBe(1);
    // The reorder window (256 rows) plus one chunk per worker; without back-pressure the
    // workers would have run all 650 samples ahead of the slow consumer.
    expect(result.peakHeldRows).toBeLessThanOrEqual(256 + 16 * Math.max(1, workers));
  });
});

describe('openSweepPool: one set of workers for many runs, with given values', () => {
  const job = amplifierJob(100, 4);

  it.each([0, 2])('runs ranges one after another on %i workers; given values replace the design, the seed stays the index', async (workers) => {
    const pool = openSweepPool(job, workers);
    const run = createSampleRunner(job);
    try {
      const first: number[] = [];
      await pool.run({ start: 0, end: 30, onRow: (row) => void first.push(row.sampleId) });
      expect(first).toEqual(Array.from({ length: 30 }, (_, i) => i));
      const given = (i: number) => Float64Array.of(30 + i);
      const rows: { id: number; k: number; seed: number; raw: number[] }[] = [];
      await pool.run({
        start: 30,
        end: 70,
        values: given,
        onRow: (row) => void rows.push({ id: row.sampleId, k: row.parameters[0]!, seed: row.seed, raw: Array.from(row.raw[0]!) }),
      });
      expect(rows.map((r) => r.id)).toEqual(Array.from({ length: 40 }, (_, i) => 30 + i));
      for (const r of rows) {
        expect(r.k).toBe(30 + r.id);
        expect(r.seed).toBe(sampleValues(job.sweep, r.id).seed);
        // The same row as simulating those values in this thread.
        expect(r.raw).toEqual(Array.from(run(r.id, given(r.id)).raw[0]!));
      }
      // Values differ from the design's: a given value really was used.
      expect(rows[0]!.k).not.toBe(sampleValues(job.sweep, 30).values[0]);
    } finally {
      await pool.close();
    }
  });

  it('refuses a second run while one is in progress, and runs after close', async () => {
    const pool = openSweepPool(job, 1);
    const a = pool.run({ start: 0, end: 20, onRow: () => undefined });
    await expect(pool.run({ start: 20, end: 30, onRow: () => undefined })).rejects.toThrow(/while another run/);
    await a;
    await pool.close();
    await expect(pool.run({ start: 0, end: 1, onRow: () => undefined })).rejects.toThrow(/after close/);
  });
});
