import { InputError } from '../errors.js';
import { checkOutputPath } from '../io/atomic.js';
import { processOutput, type Output } from '../io/output.js';
import { DatasetWriter, readDatasetHeader, readDatasetRows, type DatasetHeader, type DatasetMetadata } from '../dataset/arrow.js';
import type { DatasetRow } from '../dataset/schema.js';
import { checkShardSet, describeMissingShards, expandDatasetPaths, findUnfinishedShards, formatIndexRanges, shardSamples } from '../dataset/shards.js';

/** Options of {@link runMerge} (`pipeline merge a.arrow b.arrow ... --out all.arrow`). */
export interface MergeCommandOptions {
  /** Shard files (`--shard i/n` outputs, or partial merges), in any order, or folders of them. */
  inputs: string[];
  /** Output dataset (`.arrow`). */
  out: string;
  /** Write the shards given even when some are missing (the file records which it holds). @default false */
  partial?: boolean;
}

/** What {@link runMerge} did. */
export interface MergeCommandResult {
  rows: number;
  /** Whether every shard of the sweep was given (the file is the sweep's). */
  complete: boolean;
  /** Shard indices (1-based) that were not given. */
  missing: number[];
}

/** Reads a file's rows one at a time, with a look at the next one. */
class RowCursor {
  readonly #batches: AsyncGenerator<DatasetRow[]>;
  #rows: DatasetRow[] = [];
  #at = 0;

  constructor(header: DatasetHeader) {
    this.#batches = readDatasetRows(header);
  }

  async peek(): Promise<DatasetRow | undefined> {
    while (this.#at >= this.#rows.length) {
      const next = await this.#batches.next();
      if (next.done) return undefined;
      this.#rows = next.value;
      this.#at = 0;
    }
    return this.#rows[this.#at];
  }

  take(): void {
    this.#at++;
  }

  async close(): Promise<void> {
    await this.#batches.return(undefined);
  }
}

/**
 * Joins shards of one sweep into the file one unsharded run would have written (byte for byte
 * when every shard is given). The shards must come from the same network, sweep, grid, solver
 * and normalisation. Rows stream through one batch at a time, so memory does not grow with the
 * sweep. An incomplete set is refused with the missing shards named (and those whose run
 * started but did not finish), unless `partial` is set.
 * @throws InputError naming the offending file, or the missing shards
 */
export async function runMerge(options: MergeCommandOptions, output: Output = processOutput): Promise<MergeCommandResult> {
  const { out } = options;
  if (options.inputs.length === 0) throw new InputError('merge: give the shard files to join');
  const inputs = expandDatasetPaths(options.inputs);
  if (!out.toLowerCase().endsWith('.arrow')) throw new InputError(`--out ${out}: expected a .arrow file name`);
  checkOutputPath(out, '--out');
  const headers: DatasetHeader[] = [];
  for (const path of inputs) headers.push(await readDatasetHeader(path));
  const set = (() => {
    try {
      return checkShardSet(headers);
    } catch (error) {
      throw error instanceof InputError ? new InputError(`merge: ${error.message}`, { cause: error }) : error;
    }
  })();
  const complete = set.missing.length === 0;
  if (!complete && !options.partial) {
    const message = describeMissingShards(set, findUnfinishedShards(set, headers));
    throw new InputError(
      `merge: ${message}\n` +
        `Run the missing shards again (the same command with --shard i/${set.count}; after \`pipeline slurm\`, \`pipeline slurm-resubmit <folder>\` does it) and merge all ${set.count}, ` +
        'or pass --partial to write the rows of the shards given.',
    );
  }
  const meta: DatasetMetadata = { ...headers[0]!.meta };
  if (complete) delete meta.shard;
  else meta.shard = `${set.present.join(',')}/${set.count}`;
  const writer = new DatasetWriter(out, headers[0]!.layout, meta);
  const cursors = new Map<DatasetHeader, RowCursor>();
  try {
    // Shards in sample order; a partial merge among the inputs is read in pieces, in order.
    for (const index of set.present) {
      const owner = set.owners.get(index)!;
      let cursor = cursors.get(owner);
      if (!cursor) cursors.set(owner, (cursor = new RowCursor(owner)));
      const { start, end } = shardSamples(set, index);
      let expected = start;
      for (let row = await cursor.peek(); row && row.sampleId < end; row = await cursor.peek()) {
        if (row.sampleId !== expected) break;
        cursor.take();
        await writer.add(row);
        expected++;
      }
      if (expected !== end) {
        throw new InputError(
          `merge: ${owner.path}: shard ${index}/${set.count} should hold samples ${start}..${end - 1}, but ${expected === start ? 'does not start there' : `stops at ${expected - 1}`} (a damaged file, or not written by this pipeline)`,
        );
      }
    }
    await writer.commit();
  } catch (error) {
    await writer.abort();
    throw error;
  } finally {
    for (const cursor of cursors.values()) await cursor.close();
  }
  const files = `${inputs.length} file${inputs.length > 1 ? 's' : ''}`;
  output.err(
    `wrote ${out}: ${writer.rows} rows from ${files}${complete ? ' (complete sweep)' : ` (partial: shards ${formatIndexRanges(set.present)} of ${set.count}; missing ${formatIndexRanges(set.missing)})`}`,
  );
  return { rows: writer.rows, complete, missing: set.missing };
}
