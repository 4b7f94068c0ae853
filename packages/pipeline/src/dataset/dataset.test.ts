import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC, tableToIPC, tableFromArrays } from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../errors.js';
import { datasetRows, DatasetWriter, readDataset, readSeriesMatrix, writeDatasetRows, type DatasetMetadata } from './arrow.js';
import { BASELINE_FAMILIES, generateBaselineRow, resolveBaselineSpec } from './baseline.js';
import { fitGlobalScaling, fitScaling, normalizeRow, resampleSeries, resolveNormalization } from './normalize.js';
import { BATCH_ROWS, METADATA_KEYS, type DatasetLayout, type DatasetRow, type NormalizationSpec, type TimeGridSpec } from './schema.js';

const dir = mkdtempSync(join(tmpdir(), 'penvae-dataset-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('normalisation', () => {
  const grid: TimeGridSpec = { start: 0, step: 2, points: 51 }; // t = 0..100

  it('resamples a linear ramp exactly, both window ends included', () => {
    const raw = Float32Array.from({ length: 51 }, (_, k) => 3 + 0.5 * (2 * k));
    const r = resampleSeries(raw, grid, [10, 90], 5);
    expect(Array.from(r)).toEqual([8, 18, 28, 38, 48]); // raw = 3 + t/2 at t = 10, 30, 50, 70, 90
  });

  it.each([
    ['minmax', [2, 4, 6], { offset: 2, scale: 4 }],
    ['zscore', [2, 4, 6], { offset: 4, scale: Math.sqrt(8 / 3) }],
    ['minmax', [5, 5, 5], { offset: 5, scale: 1 }],
  ] as const)('%s of %j', (scaling, x, expected) => {
    const fit = fitScaling(x, scaling);
    expect(fit.offset).toBeCloseTo(expected.offset, 12);
    expect(fit.scale).toBeCloseTo(expected.scale, 12);
  });

  it('fills series, offset/scale (series * scale + offset = nM) and behaviour labels; failed rows stay null', () => {
    const spec = resolveNormalization({ length: 11 }, ['x'], grid);
    const raw = Float32Array.from({ length: 51 }, (_, k) => 10 + 5 * Math.sin((2 * Math.PI * 2 * k) / 50));
    const row = baselineLikeRow(raw);
    normalizeRow(row, spec, ['x'], grid);
    expect(row.series!.length).toBe(11);
    expect(Math.min(...row.series!)).toBeCloseTo(0, 6);
    expect(Math.max(...row.series!)).toBeCloseTo(1, 6);
    const back = Array.from(row.series!, (v) => v * row.scale! + row.offset!);
    expect(back[0]).toBeCloseTo(10, 4);
    const failed = { ...baselineLikeRow(raw), outcome: 'max-steps' };
    normalizeRow(failed, spec, ['x'], grid);
    expect(failed.series).toBeNull();
    expect(failed.behaviour).toBeNull();
  });

  it('global scaling uses one offset and scale for every row', () => {
    const spec: NormalizationSpec = { ...resolveNormalization({ length: 11, scaling: 'global' }, ['x'], grid) };
    const rows = [1, 3].map((a) => baselineLikeRow(Float32Array.from({ length: 51 }, (_, k) => a * k)));
    spec.global = fitGlobalScaling(rows, spec, ['x'], grid);
    expect(spec.global).toEqual({ offset: 0, scale: 150 });
    for (const r of rows) normalizeRow(r, spec, ['x'], grid);
    expect(rows[0]!.series!.at(-1)).toBeCloseTo(50 / 150, 6);
    expect(rows[1]!.series!.at(-1)).toBeCloseTo(1, 6);
  });

  it.each([
    [{ strand: 'q' }, /--strand q: not an observed series of this data \(observed: x\)/],
    [{ window: [50, 20] as [number, number] }, /--window 50:20: expected start:end with 0 <= start < end <= 100/],
    [{ length: 1 }, /--length 1: expected an integer from 2 to 100000/],
  ])('rejects %j', (options, message) => {
    expect(() => resolveNormalization(options, ['x'], grid)).toThrow(message);
  });
});

function baselineLikeRow(raw: Float32Array): DatasetRow {
  return {
    sampleId: 0,
    network: 'n',
    family: 'f',
    seed: 1,
    outcome: 'converged',
    message: '',
    stats: null,
    parameters: new Float64Array(0),
    raw: [raw],
    series: null,
    offset: null,
    scale: null,
    behaviour: null,
    period: null,
    amplitude: null,
  };
}

describe('the baseline generator', () => {
  const spec = resolveBaselineSpec({ samples: 600, length: 200, seed: 5 });

  it('draws all three families, deterministically by index', () => {
    const rows = Array.from({ length: 600 }, (_, i) => generateBaselineRow(spec, i));
    const families = new Set(rows.map((r) => r.family));
    expect([...families].sort()).toEqual([...BASELINE_FAMILIES].sort());
    expect(Array.from(generateBaselineRow(spec, 17).raw[0]!)).toEqual(Array.from(rows[17]!.raw[0]!));
  });

  it('sin curves have 0.5 to 4 cycles per window (counted by zero crossings of the centred curve)', () => {
    for (let i = 0; i < 300; i++) {
      const row = generateBaselineRow(spec, i);
      if (row.family !== 'sin') continue;
      const [f, , amplitude, sign] = row.parameters;
      expect(f).toBeGreaterThanOrEqual(0.5);
      expect(f).toBeLessThanOrEqual(4);
      expect(Math.abs(sign!)).toBe(1);
      const offset = row.parameters[8]!;
      const y = Array.from(row.raw[0]!, (v) => v - offset);
      let crossings = 0;
      for (let k = 1; k < y.length; k++) if (Math.sign(y[k]!) !== Math.sign(y[k - 1]!) && y[k] !== 0) crossings++;
      // 2 crossings per cycle, give or take one at the window ends.
      expect(Math.abs(crossings - 2 * f!)).toBeLessThanOrEqual(1.01);
      expect(Math.max(...y)).toBeLessThanOrEqual(amplitude! + 1e-6);
    }
  });

  it('rejects bad options by name', () => {
    expect(() => resolveBaselineSpec({ samples: 0 })).toThrow('--samples 0: expected an integer >= 1');
    expect(() => resolveBaselineSpec({ samples: 3, families: ['cos'] })).toThrow('--families cos: expected some of sin, sigmoid, sin+sigmoid');
  });
});

describe('Arrow dataset files', () => {
  const grid: TimeGridSpec = { start: 0, step: 0.5, points: 9 };
  const layout: DatasetLayout = { parameters: ['p.a', 'p.b'], observables: ['x', 'y'], rawLength: 9, seriesLength: 4 };
  const meta: DatasetMetadata = {
    kind: 'simulation',
    packageVersion: '9.9.9',
    network: '{"name":"toy"}',
    sweep: { samples: 600, seed: 3 },
    timeGrid: grid,
    solver: { name: 'rosenbrock', rtol: 1e-7, atol: 1e-14 },
    normalization: { strand: 'x', window: [0, 4], length: 4, scaling: 'minmax' },
    // As `pipeline explore` writes it (any JSON; read back as written).
    explore: { settings: { budget: 600 }, elites: [{ sampleId: 3, cell: 17, z: [0.5, -1.25] }] },
  };
  const rows: DatasetRow[] = Array.from({ length: 600 }, (_, i) => ({
    sampleId: i,
    network: 'toy',
    family: i % 2 ? 'toy' : 'ÿøü', // non-ASCII survives
    seed: 4294967295 - i,
    outcome: i % 7 === 3 ? 'max-steps' : 'converged',
    message: i % 7 === 3 ? 'the step budget ran out' : '',
    stats: i % 5 === 0 ? null : { steps: i, rejectedSteps: 1, rhsCalls: 8 * i, jacobianCalls: i },
    parameters: Float64Array.from([i / 3, i % 11 ? i : Number.NaN]),
    raw: i % 7 === 3 ? [null, null] : [Float32Array.from({ length: 9 }, (_, k) => i + k), Float32Array.from({ length: 9 }, (_, k) => -k)],
    series: i % 7 === 3 ? null : Float32Array.from([0, 0.25, 0.5, 1]),
    offset: i % 7 === 3 ? null : i,
    scale: i % 7 === 3 ? null : 8,
    behaviour: i % 7 === 3 ? null : 'monotone-growth',
    period: null,
    amplitude: i % 7 === 3 ? null : 1.5,
  }));

  it('round-trips every column and every metadata key, in batches of BATCH_ROWS', async () => {
    const path = join(dir, 'toy.arrow');
    await writeDatasetRows(path, layout, meta, [...rows].reverse());
    expect(readdirSync(dir)).toEqual(['toy.arrow']);
    const ds = readDataset(path);
    expect(ds.table.numRows).toBe(600);
    expect(ds.table.batches.map((b) => b.numRows)).toEqual([BATCH_ROWS, BATCH_ROWS, 600 - 2 * BATCH_ROWS]);
    expect(ds.layout).toEqual(layout);
    expect(ds.meta).toEqual(meta);
    for (const key of Object.values(METADATA_KEYS).filter((k) => k !== METADATA_KEYS.shard)) expect(ds.rawMetadata.has(key), key).toBe(true);
    const back = datasetRows(ds);
    // NaN parameters are stored as nulls and read back as NaN; everything else is exact.
    expect(back).toEqual(rows);
    const m = readSeriesMatrix(ds);
    expect(m.n).toBe(600 - rows.filter((r) => r.outcome !== 'converged').length);
    expect(m.skipped).toBe(rows.filter((r) => r.outcome !== 'converged').length);
    expect(Array.from(m.x.subarray(0, 4))).toEqual([0, 0.25, 0.5, 1]);
  });

  it('embeds a valid IPC stream after the file magic (schema message first)', async () => {
    const path = join(dir, 'stream.arrow');
    await writeDatasetRows(path, layout, meta, rows.slice(0, 10));
    const bytes = readFileSync(path);
    const asStream = tableFromIPC(bytes.subarray(8));
    expect(asStream.numRows).toBe(10);
    expect(asStream.schema.metadata.get(METADATA_KEYS.kind)).toBe('simulation');
  });

  it('writes a valid file with zero rows', async () => {
    const path = join(dir, 'empty.arrow');
    await writeDatasetRows(path, layout, meta, []);
    expect(readDataset(path).table.numRows).toBe(0);
  });

  it.each([
    ['a missing file', 'nope.arrow', null, /nope\.arrow: cannot read the file \(ENOENT\)/],
    ['a text file', 'text.arrow', 'hello, not arrow', /text\.arrow: not an Arrow IPC file/],
    ['a foreign Arrow file', 'foreign.arrow', 'foreign', /foreign\.arrow: an Arrow file, but not a penvae dataset/],
  ])('rejects %s with a message naming it', (_label, name, content, message) => {
    const path = join(dir, name);
    if (content === 'foreign') writeFileSync(path, tableToIPC(tableFromArrays({ a: Float64Array.from([1, 2]) }), 'file'));
    else if (content !== null) writeFileSync(path, content);
    expect(() => readDataset(path)).toThrow(InputError);
    expect(() => readDataset(path)).toThrow(message);
  });
});

describe('DatasetWriter back-pressure', () => {
  const layout: DatasetLayout = { parameters: ['p'], observables: ['x'], rawLength: 64, seriesLength: 16 };
  const meta: DatasetMetadata = {
    kind: 'simulation',
    packageVersion: '9.9.9',
    sweep: { samples: 1000 },
    timeGrid: { start: 0, step: 1, points: 64 },
    normalization: { strand: 'x', window: [0, 63], length: 16, scaling: 'minmax' },
  };
  const row = (i: number): DatasetRow => ({
    sampleId: i,
    network: 'toy',
    family: 'toy',
    seed: i,
    outcome: 'converged',
    message: '',
    stats: null,
    parameters: Float64Array.of(i),
    raw: [new Float32Array(64).fill(i)],
    series: new Float32Array(16),
    offset: 0,
    scale: 1,
    behaviour: 'flat',
    period: null,
    amplitude: null,
  });

  /** A sink that takes each write only when the test releases it, like a disk that is slow. */
  function heldSink() {
    const writes: { bytes: number; release: () => void }[] = [];
    let received = 0;
    return {
      writes,
      received: () => received,
      sink: {
        write: (bytes: Uint8Array) =>
          new Promise<void>((release) => {
            received += bytes.byteLength;
            writes.push({ bytes: bytes.byteLength, release });
          }),
        commit: () => undefined,
        abort: () => undefined,
      },
    };
  }

  it('resolves add() for a batch-completing row only once its bytes are written, and holds at most one batch', async () => {
    const held = heldSink();
    const writer = new DatasetWriter(join(dir, 'never-written.arrow'), layout, meta, { sink: held.sink });
    // Rows before the end of a batch go in at once.
    for (let i = 0; i < BATCH_ROWS - 1; i++) await writer.add(row(i));
    expect(held.writes.length).toBe(1); // the schema
    held.writes[0]!.release();
    let done = false;
    const last = writer.add(row(BATCH_ROWS - 1)).then(() => (done = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(held.writes.length).toBe(2); // the batch went to the sink...
    expect(held.writes[1]!.bytes).toBeGreaterThan(BATCH_ROWS * 64 * 4); // ...all of it (raw x alone is 64 KB)
    expect(done).toBe(false); // ...but the producer waits until the disk took it
    held.writes[1]!.release();
    await last;
    expect(done).toBe(true);
    expect(writer.bytes).toBe(held.received());
  });

  it('a producer that awaits add() never has more than one batch in flight, however slow the sink', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const slow = {
      write: async () => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((r) => setTimeout(r, 5));
        inFlight--;
      },
      commit: () => undefined,
      abort: () => undefined,
    };
    const writer = new DatasetWriter(join(dir, 'never-written-2.arrow'), layout, meta, { sink: slow });
    for (let i = 0; i < 5 * BATCH_ROWS; i++) await writer.add(row(i));
    await writer.commit();
    expect(maxInFlight).toBe(1);
  });

  it('refuses rows out of order (they would make batches that depend on arrival order)', async () => {
    const writer = new DatasetWriter(join(dir, 'order.arrow'), layout, meta);
    await writer.add(row(5));
    await expect(writer.add(row(5))).rejects.toThrow(/sample 5 after 5/);
    await writer.abort();
    expect(readdirSync(dir).filter((n) => n.includes('order.arrow'))).toEqual([]);
  });
});
