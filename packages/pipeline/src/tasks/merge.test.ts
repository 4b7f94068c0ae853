import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../errors.js';
import { captureOutput } from '../io/output.js';
import { DatasetWriter, readDataset, writeDatasetRows, type DatasetMetadata } from '../dataset/arrow.js';
import { BATCH_ROWS, type DatasetLayout, type DatasetRow } from '../dataset/schema.js';
import { loadLabelledSeries } from '../dataset/labelled-series.js';
import { shardRange } from '../dataset/sweep-spec.js';
import { runMerge } from './merge.js';

const dir = mkdtempSync(join(tmpdir(), 'penvae-merge-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SAMPLES = 700;
const layout: DatasetLayout = { parameters: ['p'], observables: ['x'], rawLength: 5, seriesLength: 3 };
const meta: DatasetMetadata = {
  kind: 'simulation',
  packageVersion: '9.9.9',
  network: '{"name":"toy"}',
  sweep: { samples: SAMPLES, seed: 1 },
  timeGrid: { start: 0, step: 1, points: 5 },
  solver: { name: 'rosenbrock', rtol: 1e-7, atol: 1e-14 },
  normalization: { strand: 'x', window: [0, 4], length: 3, scaling: 'minmax' },
};
const rows: DatasetRow[] = Array.from({ length: SAMPLES }, (_, i) => ({
  sampleId: i,
  network: 'toy',
  family: 'toy',
  seed: 1000 + i,
  outcome: i % 9 === 4 ? 'max-steps' : 'converged',
  message: i % 9 === 4 ? 'out of steps' : '',
  stats: { steps: i, rejectedSteps: 0, rhsCalls: 2 * i, jacobianCalls: 1 },
  parameters: Float64Array.of(i / 7),
  raw: i % 9 === 4 ? [null] : [Float32Array.from({ length: 5 }, (_, k) => i + k)],
  series: i % 9 === 4 ? null : Float32Array.of(0, 0.5, 1),
  offset: i % 9 === 4 ? null : i,
  scale: i % 9 === 4 ? null : 4,
  behaviour: i % 9 === 4 ? null : 'monotone-growth',
  period: null,
  amplitude: null,
}));

/** Writes shard i (1-based) of n, as `simulate --shard i/n` would. */
async function writeShard(i: number, n: number, name = `shard-${i}-of-${n}.arrow`): Promise<string> {
  const { start, end } = shardRange(SAMPLES, { index: i - 1, count: n });
  const path = join(dir, name);
  await writeDatasetRows(path, layout, { ...meta, shard: `${i}/${n}` }, rows.slice(start, end));
  return path;
}

const whole = join(dir, 'whole.arrow');

describe('pipeline merge', () => {
  it('joins shards given in any order into the unsharded file, byte for byte (batches re-cut across shard ends)', async () => {
    await writeDatasetRows(whole, layout, meta, rows);
    const shards = [await writeShard(3, 3), await writeShard(1, 3), await writeShard(2, 3)];
    const out = join(dir, 'merged.arrow');
    const output = captureOutput();
    const result = await runMerge({ inputs: shards, out }, output);
    expect(result).toEqual({ rows: SAMPLES, complete: true, missing: [] });
    expect(readFileSync(out).equals(readFileSync(whole))).toBe(true);
    expect(readDataset(out).table.batches.map((b) => b.numRows)).toEqual([BATCH_ROWS, BATCH_ROWS, SAMPLES - 2 * BATCH_ROWS]);
    expect(output.errors.join('\n')).toContain('complete sweep');
  });

  it('refuses an incomplete set, naming the missing shards and what to do; writes nothing', async () => {
    const given = [await writeShard(1, 5), await writeShard(3, 5)];
    const out = join(dir, 'incomplete.arrow');
    const error = await runMerge({ inputs: given, out }, captureOutput()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(/^merge: missing shards 2, 4-5 of 5 \(2 of 5 given\)\n/);
    expect((error as Error).message).toMatch(/--shard i\/5.*pipeline slurm-resubmit.*--partial/s);
    expect(readdirSync(dir).some((n) => n.includes('incomplete'))).toBe(false);
  });

  it('names a shard whose run was killed: its unfinished temporary is beside the others', async () => {
    const given = [await writeShard(1, 4), await writeShard(2, 4), await writeShard(4, 4)];
    // Shard 3's run got as far as its first batch, then died (nothing renamed into place).
    const { start } = shardRange(SAMPLES, { index: 2, count: 4 });
    const killed = new DatasetWriter(join(dir, 'shard-3-of-4.arrow'), layout, { ...meta, shard: '3/4' });
    for (let i = start; i < (Math.floor(start / BATCH_ROWS) + 1) * BATCH_ROWS; i++) await killed.add(rows[i]!);
    try {
      const error = await runMerge({ inputs: given, out: join(dir, 'm.arrow') }, captureOutput()).catch((e: unknown) => e);
      expect((error as Error).message).toMatch(/missing shard 3 of 4/);
      expect((error as Error).message).toMatch(
        /shard 3\/4 started but did not finish \(killed, out of time or failed\): \.shard-3-of-4\.arrow\.tmp-\d+-\d+ is its unfinished output/,
      );
    } finally {
      await killed.abort();
    }
  });

  it('--partial writes what it has and records it; merging that with the rest gives the whole file', async () => {
    const partial = join(dir, 'partial.arrow');
    const result = await runMerge({ inputs: [await writeShard(3, 3), await writeShard(1, 3)], out: partial, partial: true }, captureOutput());
    expect(result).toMatchObject({ complete: false, missing: [2] });
    expect(readDataset(partial).meta.shard).toBe('1,3/3');
    const out = join(dir, 'completed.arrow');
    await runMerge({ inputs: [partial, await writeShard(2, 3)], out }, captureOutput());
    expect(readFileSync(out).equals(readFileSync(whole))).toBe(true);
  });

  it.each([
    ['a shard given twice', async () => [await writeShard(1, 2), await writeShard(1, 2, 'copy.arrow')], /shard 1\/2 is given twice/],
    [
      'a shard of another sweep',
      async () => {
        const other = join(dir, 'other.arrow');
        await writeDatasetRows(other, layout, { ...meta, sweep: { samples: SAMPLES, seed: 2 }, shard: '2/2' }, rows.slice(350));
        return [await writeShard(1, 2), other];
      },
      /other\.arrow: not a shard of the same sweep/,
    ],
    ['a file that is not a shard', async () => [await writeShard(1, 2), whole], /every input must be a shard/],
    [
      'a shard with the wrong rows',
      async () => {
        const wrong = join(dir, 'wrong.arrow');
        await writeDatasetRows(wrong, layout, { ...meta, shard: '2/2' }, rows.slice(300, 650));
        return [await writeShard(1, 2), wrong];
      },
      /wrong\.arrow: shard 2\/2 should hold samples 350\.\.699, but does not start there/,
    ],
  ])('refuses %s', async (_label, inputs, message) => {
    const out = join(dir, 'refused.arrow');
    await expect(runMerge({ inputs: await inputs(), out }, captureOutput())).rejects.toThrow(message);
    expect(readdirSync(dir).some((n) => n.includes('refused'))).toBe(false);
  });
});

describe('reading shards without merging them (what pipeline train does with --data <folder>)', () => {
  it('gives the rows of the merged file, in its order, from files given in any order or as a folder', async () => {
    const folder = join(dir, 'shards-for-training');
    mkdirSync(folder);
    const files = await Promise.all([2, 3, 1].map((i) => writeShard(i, 3, join('shards-for-training', `part-${i}.arrow`))));
    const merged = join(dir, 'for-training.arrow');
    await runMerge({ inputs: files, out: merged }, captureOutput());
    const reference = loadLabelledSeries([merged]);
    for (const given of [[folder], files]) {
      const fromShards = loadLabelledSeries(given);
      expect(fromShards.n).toBe(reference.n);
      expect(fromShards.x).toEqual(reference.x);
      expect(fromShards.behaviour).toEqual(reference.behaviour);
      expect(fromShards.refs.map(([, id]) => id)).toEqual(reference.refs.map(([, id]) => id));
      expect(fromShards.datasets.map((d) => d.path)).toEqual([1, 2, 3].map((i) => join(folder, `part-${i}.arrow`)));
    }
  });

  it('refuses an incomplete set, naming the missing shards', async () => {
    const files = [await writeShard(1, 3, 'lonely-1.arrow'), await writeShard(3, 3, 'lonely-3.arrow')];
    expect(() => loadLabelledSeries(files)).toThrow(
      /^--data: missing shard 2 of 3 \(2 of 3 given\) of the sweep of .*lonely-1\.arrow; give every shard \(a folder of them works\)/,
    );
  });
});
