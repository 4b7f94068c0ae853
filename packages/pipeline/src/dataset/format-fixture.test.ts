/**
 * The dataset format, byte for byte: small datasets made by the commands in
 * format-fixture.json (explicit options, so changing a default does not change them) must hash
 * to the SHA-256 recorded there. Refactoring the writer, the reader or the column table must
 * not change a byte. A deliberate format or numerical change regenerates the record:
 *   PENVAE_UPDATE_FIXTURE=1 npx vitest run packages/pipeline/src/dataset/format-fixture.test.ts
 * When a hash differs, the message names the columns (and metadata keys) whose contents
 * changed, which tells a format change (every column) from a numerical one (solver columns).
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../cli/main.js';
import { captureOutput } from '../io/output.js';
import { PACKAGE_VERSION } from '../version.js';

interface FixtureFile {
  /** The `pipeline` command line (run in a scratch folder; file names are relative to it). */
  command: string[];
  sha256: string;
  /** SHA-256 of each column's values and of each metadata value: for the failure message only. */
  parts: Record<string, string>;
}

interface FixtureRecord {
  about: string;
  packageVersion: string;
  files: Record<string, FixtureFile>;
}

const RECORD_PATH = fileURLToPath(new URL('./format-fixture.json', import.meta.url));
const record = JSON.parse(readFileSync(RECORD_PATH, 'utf8')) as FixtureRecord;
const updating = process.env.PENVAE_UPDATE_FIXTURE === '1';

function sha256(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Digest of every column's values and every metadata entry of an Arrow file. */
function partDigests(bytes: Uint8Array): Record<string, string> {
  const table = tableFromIPC(bytes);
  const parts: Record<string, string> = {};
  for (const field of table.schema.fields) {
    const column = table.getChild(field.name)!;
    const hash = createHash('sha256').update(`${field.name}:${String(field.type)}:${field.nullable}\n`);
    for (let i = 0; i < table.numRows; i++) {
      const v: unknown = column.get(i);
      hash.update(v !== null && typeof v === 'object' ? Array.from(v as Iterable<number>).join(',') : String(v)).update('\n');
    }
    parts[`column ${field.name}`] = hash.digest('hex');
  }
  for (const [key, value] of table.schema.metadata) parts[`metadata ${key}`] = sha256(value);
  parts['record batches'] = sha256(table.batches.map((b) => b.numRows).join(','));
  return parts;
}

function describeDifference(expected: Record<string, string>, actual: Record<string, string>): string {
  const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])];
  const changed = keys.filter((k) => expected[k] !== actual[k]);
  return changed.length ? `contents differ in: ${changed.join('; ')}` : 'every column and metadata value is the same: only the encoding (bytes) differs';
}

describe('dataset format fixture (byte-identical files for the same commands)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'penvae-format-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const made: Record<string, FixtureFile> = {};

  it('is recorded for this pipeline version', () => {
    if (updating) return;
    expect(record.packageVersion, 'the files embed the pipeline version: a new version needs PENVAE_UPDATE_FIXTURE=1 (see the top of this file)').toBe(PACKAGE_VERSION);
  });

  // In order: later commands read files made by earlier ones.
  it.each(Object.entries(record.files))('%s', async (name, file) => {
    const output = captureOutput();
    const argv = file.command.map((a) => (a.endsWith('.arrow') ? join(dir, a) : a));
    const code = await main(argv, output);
    expect(code, output.errors.join('\n')).toBe(0);
    const bytes = readFileSync(join(dir, name));
    const parts = partDigests(bytes);
    made[name] = { command: file.command, sha256: sha256(bytes), parts };
    if (updating) return;
    expect(sha256(bytes), `${name}: ${describeDifference(file.parts, parts)}`).toBe(file.sha256);
  });

  it('merged shards are the unsharded file, byte for byte', async () => {
    const output = captureOutput();
    const argv = ['merge', join(dir, 'sweep-shard-2of2.arrow'), join(dir, 'sweep-shard-1of2.arrow'), '--out', join(dir, 'merged.arrow')];
    expect(await main(argv, output), output.errors.join('\n')).toBe(0);
    expect(readFileSync(join(dir, 'merged.arrow')).equals(readFileSync(join(dir, 'sweep.arrow')))).toBe(true);
  });

  afterAll(() => {
    if (!updating || Object.keys(made).length !== Object.keys(record.files).length) return;
    const text = JSON.stringify({ ...record, packageVersion: PACKAGE_VERSION, files: made }, null, 2);
    // One command per line, as a person reads it.
    writeFileSync(RECORD_PATH, `${text.replace(/"command": \[((?:\s*"(?:[^"\\]|\\.)*",?)*)\s*\]/g, (_, inner: string) => `"command": [${inner.trim().split(/,\s*\n\s*/).join(', ')}]`)}\n`);
  });
});
