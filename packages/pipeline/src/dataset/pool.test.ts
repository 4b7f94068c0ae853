import { describe, expect, it } from 'vitest';
import { loadNetwork } from '../io/network-source.js';
import { resolveNormalization } from './normalize.js';
import { runSweepRows } from './pool.js';
import type { SweepJob } from './run-sample.js';
import { prepareSweep } from './sweep-spec.js';

// Worker threads run the built worker (dist/), as in every sweep test: vitest's global setup builds it first.
describe('runSweepRows with a slow consumer (back-pressure)', () => {
  const loaded = loadNetwork('amplifier');
  const grid = { start: 0, step: 1, points: 21 };
  const job: SweepJob = {
    networkText: loaded.text,
    networkSource: loaded.source,
    sweep: prepareSweep(loaded.network, { samples: 700, seed: 2, vary: [{ path: 'strands[a].K', min: 30, max: 150 }] }).spec,
    grid,
    solver: { name: 'rosenbrock', rtol: 1e-7, atol: 1e-14, maxSteps: 100_000 },
    observables: ['a'],
    normalization: resolveNormalization({ length: 8 }, ['a'], grid),
  };

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
