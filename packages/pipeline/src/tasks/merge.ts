import { InputError } from '../errors.js';
import { checkOutputPath } from '../io/atomic.js';
import { processOutput, type Output } from '../io/output.js';
import { datasetRows, datasetSchema, readDataset, writeDatasetRows, type DatasetMetadata } from '../dataset/arrow.js';
import { METADATA_KEYS } from '../dataset/schema.js';

/** Options of {@link runMerge} (`pipeline merge a.arrow b.arrow ... --out all.arrow`). */
export interface MergeCommandOptions {
  /** Shard datasets (`--shard i/n` outputs of one sweep). */
  inputs: string[];
  /** Output dataset (`.arrow`). */
  out: string;
}

/** What {@link runMerge} wrote. */
export interface MergeCommandResult {
  path: string;
  rows: number;
  /** Whether every shard of the sweep was given (the file is then the unsharded one). */
  complete: boolean;
}

/**
 * Joins shards of one sweep (`pipeline merge a.arrow b.arrow ... --out all.arrow`) into the
 * file one unsharded run would have written (byte for byte when every shard is given). The
 * shards must come from the same network, sweep, grid, solver and normalisation.
 */
export async function runMerge(options: MergeCommandOptions, output: Output = processOutput): Promise<MergeCommandResult> {
  const { inputs, out } = options;
  if (inputs.length === 0) throw new InputError('merge: give the shard files to join');
  if (!out.toLowerCase().endsWith('.arrow')) throw new InputError(`--out ${out}: expected a .arrow file name`);
  checkOutputPath(out, '--out');
  const datasets = inputs.map((p) => readDataset(p, []));
  const first = datasets[0]!;
  // Everything but the shard marker must agree.
  const signature = (m: Map<string, string>) => JSON.stringify([...m].filter(([k]) => k !== METADATA_KEYS.shard).sort());
  const fields = (d: typeof first) => JSON.stringify(d.table.schema.fields.map((f) => [f.name, String(f.type)]));
  for (const d of datasets.slice(1)) {
    if (signature(d.rawMetadata) !== signature(first.rawMetadata)) {
      throw new InputError(`${d.path}: not a shard of the same sweep as ${first.path} (network, sweep, grid, solver or normalisation differ)`);
    }
    if (fields(d) !== fields(first)) throw new InputError(`${d.path}: columns differ from ${first.path}`);
  }
  const shards = datasets.map((d) => d.meta.shard);
  const counts = new Set(shards.map((s) => s?.split('/')[1]));
  if (shards.some((s) => s === undefined) || counts.size !== 1) {
    throw new InputError(`merge: every input must be a shard (--shard i/n) of the same n; found ${shards.map((s, i) => `${inputs[i]}: ${s ?? 'not a shard'}`).join(', ')}`);
  }
  const n = Number([...counts][0]);
  const indices = shards.map((s) => Number(s!.split('/')[0]));
  const duplicate = indices.find((i, k) => indices.indexOf(i) !== k);
  if (duplicate !== undefined) throw new InputError(`merge: shard ${duplicate}/${n} is given twice`);
  const rows = datasets.flatMap((d) => datasetRows(d));
  const ids = new Set<number>();
  for (const r of rows) {
    if (ids.has(r.sampleId)) throw new InputError(`merge: sample ${r.sampleId} appears in more than one input`);
    ids.add(r.sampleId);
  }
  const complete = indices.length === n;
  const meta: DatasetMetadata = { ...first.meta };
  if (complete) delete meta.shard;
  else meta.shard = `${[...indices].sort((a, b) => a - b).join(',')}/${n}`;
  await writeDatasetRows(out, datasetSchema(first.layout, meta), first.layout, rows);
  output.err(`wrote ${out}: ${rows.length} rows from ${inputs.length} shard${inputs.length > 1 ? 's' : ''}${complete ? ' (complete sweep)' : ` (partial: shards ${meta.shard})`}`);
  return { path: out, rows: rows.length, complete };
}
