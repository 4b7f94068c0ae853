/**
 * Shards: the slices of one sweep that `--shard i/n` writes (on a cluster, one per Slurm array
 * task). Merging and training take a set of them; this module checks that a set belongs to one
 * sweep, orders it, and names what is missing.
 */
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { RecordBatchStreamReader, type Schema } from 'apache-arrow';
import { InputError } from '../errors.js';
import type { DatasetHeader } from './arrow.js';
import { METADATA_KEYS } from './schema.js';
import { shardRange } from './sweep-spec.js';

/**
 * Dataset paths with folders replaced by the `.arrow` files in them (not hidden ones, such as
 * an unfinished run's temporary), in name order: `pipeline merge datasets/big.slurm/shards`.
 * @throws InputError for a folder without datasets
 */
export function expandDatasetPaths(paths: readonly string[]): string[] {
  return paths.flatMap((path) => {
    let isFolder = false;
    try {
      isFolder = statSync(path).isDirectory();
    } catch {
      return [path]; // the reader names a missing file
    }
    if (!isFolder) return [path];
    const files = readdirSync(path)
      .filter((n) => n.toLowerCase().endsWith('.arrow') && !n.startsWith('.'))
      .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
      .map((n) => join(path, n));
    if (files.length === 0) throw new InputError(`${path}: a folder without datasets (.arrow files)`);
    return files;
  });
}

/** Which shards of an n-shard sweep a file holds (1-based; several after a partial merge). */
interface ShardMarker {
  indices: number[];
  count: number;
}

/**
 * Parses the `penvae.shard` metadata value: `i/n`, or `i,j,.../n` for a partial merge.
 * @returns undefined when the text is not a shard marker
 */
function parseShardMarker(text: string | undefined): ShardMarker | undefined {
  const m = text === undefined ? null : /^(\d+(?:,\d+)*)\/(\d+)$/.exec(text);
  if (!m) return undefined;
  const count = Number(m[2]);
  const indices = m[1]!.split(',').map(Number);
  if (!(count >= 1) || indices.some((i) => !(i >= 1 && i <= count))) return undefined;
  return { indices, count };
}

/** `1, 3-5, 9` from sorted indices. */
export function formatIndexRanges(indices: readonly number[]): string {
  const parts: string[] = [];
  for (let k = 0; k < indices.length;) {
    let j = k;
    while (j + 1 < indices.length && indices[j + 1] === indices[j]! + 1) j++;
    parts.push(j > k ? `${indices[k]}-${indices[j]}` : String(indices[k]));
    k = j + 1;
  }
  return parts.join(', ');
}

/** A checked set of shards of one sweep. */
export interface ShardSet {
  /** Shards per sweep (the n of i/n). */
  count: number;
  /** Samples of the whole sweep. */
  samples: number;
  /** Which file holds each shard index that is present. */
  owners: Map<number, DatasetHeader>;
  /** Shard indices present / missing, ascending. */
  present: number[];
  missing: number[];
}

/** Everything in a dataset's metadata but the shard marker: equal for shards of one sweep. */
function sweepSignature(header: DatasetHeader): string {
  return JSON.stringify([...header.rawMetadata].filter(([k]) => k !== METADATA_KEYS.shard).sort());
}

function columnSignature(header: DatasetHeader): string {
  return JSON.stringify(header.schema.fields.map((f) => [f.name, String(f.type)]));
}

/**
 * Checks that the files are shards of one sweep (same network, sweep, grid, solver and
 * normalisation; same columns; each shard once) and says which are missing.
 * @throws InputError naming the offending file
 */
export function checkShardSet(headers: readonly DatasetHeader[]): ShardSet {
  const first = headers[0];
  if (!first) throw new InputError('give the shard files of a sweep');
  for (const h of headers.slice(1)) {
    if (sweepSignature(h) !== sweepSignature(first)) {
      throw new InputError(`${h.path}: not a shard of the same sweep as ${first.path} (network, sweep, grid, solver or normalisation differ)`);
    }
    if (columnSignature(h) !== columnSignature(first)) throw new InputError(`${h.path}: columns differ from ${first.path}`);
  }
  const markers = headers.map((h) => parseShardMarker(h.meta.shard));
  const counts = new Set(markers.map((m) => m?.count));
  if (markers.some((m) => m === undefined) || counts.size !== 1) {
    throw new InputError(
      `every input must be a shard (--shard i/n) of the same n; found ${headers.map((h) => `${h.path}: ${h.meta.shard ?? 'not a shard'}`).join(', ')}`,
    );
  }
  const count = markers[0]!.count;
  const owners = new Map<number, DatasetHeader>();
  headers.forEach((h, k) => {
    for (const i of markers[k]!.indices) {
      const other = owners.get(i);
      if (other) throw new InputError(`shard ${i}/${count} is given twice (${other.path} and ${h.path})`);
      owners.set(i, h);
    }
  });
  const samples = (first.meta.sweep as { samples?: unknown } | undefined)?.samples;
  if (typeof samples !== 'number' || !Number.isInteger(samples) || samples < 1) {
    throw new InputError(`${first.path}: schema metadata "${METADATA_KEYS.sweep}" has no sample count; cannot place its shards`);
  }
  const present = [...owners.keys()].sort((a, b) => a - b);
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !owners.has(i));
  return { count, samples, owners, present, missing };
}

/**
 * Datasets in the order to read them: the shards of each sweep together, in sample order (so
 * reading them gives the rows of the merged file, in its order), where the sweep's first shard
 * was given; other datasets stay where they are. Each sweep's set must be complete.
 * @throws InputError naming the missing shards, or files that clash
 */
export function orderShardSets<T extends DatasetHeader>(datasets: readonly T[]): T[] {
  const groups = new Map<string, T[]>();
  for (const d of datasets) {
    if (d.meta.shard === undefined) continue;
    const key = sweepSignature(d);
    groups.set(key, [...(groups.get(key) ?? []), d]);
  }
  const placed = new Set<string>();
  const ordered: T[] = [];
  for (const d of datasets) {
    if (d.meta.shard === undefined) {
      ordered.push(d);
      continue;
    }
    const key = sweepSignature(d);
    if (placed.has(key)) continue;
    placed.add(key);
    const group = groups.get(key)!;
    const set = checkShardSet(group);
    if (set.missing.length) {
      throw new InputError(
        `${describeMissingShards(set, findUnfinishedShards(set, group))} of the sweep of ${group[0]!.path}; ` +
          `give every shard (a folder of them works), or join the ones you have with \`pipeline merge --partial\``,
      );
    }
    ordered.push(...[...new Set(set.present.map((i) => set.owners.get(i)! as T))]);
  }
  return ordered;
}

/** Sample ids [start, end) of shard i (1-based) of a set. */
export function shardSamples(set: ShardSet, index: number): { start: number; end: number } {
  return shardRange(set.samples, { index: index - 1, count: set.count });
}

/** A shard whose run started but never finished: its writer's temporary file is still there. */
export interface UnfinishedShard {
  index: number;
  /** The temporary file (hidden, beside where the shard would be). */
  temporary: string;
}

/**
 * Looks beside the given shard files for temporaries that runs of the missing shards of this
 * sweep left behind: a killed, crashed or timed-out run writes its rows to a hidden
 * `.<name>.tmp-<pid>-<n>` and never renames it. Only temporaries of the same sweep count.
 */
export function findUnfinishedShards(set: ShardSet, headers: readonly DatasetHeader[]): UnfinishedShard[] {
  const first = headers[0]!;
  const signature = sweepSignature(first);
  const missing = new Set(set.missing);
  const found: UnfinishedShard[] = [];
  for (const dir of new Set(headers.map((h) => dirname(h.path)))) {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names.filter((n) => /^\..+\.tmp-\d+-\d+$/.test(n)).sort()) {
      const temporary = join(dir, name);
      const schema = readLeadingSchema(temporary);
      if (!schema) continue;
      const marker = parseShardMarker(schema.metadata.get(METADATA_KEYS.shard));
      const same = JSON.stringify([...schema.metadata].filter(([k]) => k !== METADATA_KEYS.shard).sort()) === signature;
      if (!marker || !same || marker.count !== set.count) continue;
      for (const index of marker.indices) if (missing.has(index)) found.push({ index, temporary });
    }
  }
  return found.sort((a, b) => a.index - b.index);
}

/**
 * The schema at the start of a dataset file that may be incomplete: the writer puts the
 * schema message right after the leading magic (dataset/arrow.ts), so it is readable as soon as
 * the file exists. Undefined when it is not there.
 */
function readLeadingSchema(path: string): Schema | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const head = Buffer.alloc(16);
    if (readSync(fd, head, 0, 16, 0) < 16 || head.subarray(0, 6).toString('latin1') !== 'ARROW1') return undefined;
    // Magic (6) + padding (2), then the message: continuation marker (-1), metadata length.
    const length = head.readInt32LE(12);
    if (head.readInt32LE(8) !== -1 || !(length > 0 && length < 64 * 1024 * 1024)) return undefined;
    const message = Buffer.alloc(8 + length);
    if (readSync(fd, message, 0, message.length, 8) < message.length) return undefined;
    return RecordBatchStreamReader.from(message).open().schema;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * The message for a shard set with missing shards: which ones, which were started but not
 * finished (and where they left their temporary), and what to do.
 */
export function describeMissingShards(set: ShardSet, unfinished: readonly UnfinishedShard[]): string {
  const lines = [
    `missing shard${set.missing.length > 1 ? 's' : ''} ${formatIndexRanges(set.missing)} of ${set.count} (${set.present.length} of ${set.count} given)`,
  ];
  for (const u of unfinished)
    lines.push(`shard ${u.index}/${set.count} started but did not finish (killed, out of time or failed): ${basename(u.temporary)} is its unfinished output`);
  return lines.join('\n');
}
