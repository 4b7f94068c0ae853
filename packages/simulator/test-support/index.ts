/**
 * Helpers shared by the simulator's tests (not part of the package: outside src/, never built).
 * Reading files is allowed here; the library itself does no IO.
 */
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { builtinNetworkUrl, type BuiltinNetworkName } from '../src/builtin.js';
import type { Network } from '../src/network/types.js';
import { validateNetwork } from '../src/network/validate.js';

/** Raw JSON of a built-in network (a fresh copy each call, safe to mutate). */
export function readBuiltinJson(name: BuiltinNetworkName): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(builtinNetworkUrl(name)), 'utf8')) as Record<string, unknown>;
}

/** A validated built-in network. */
export function loadBuiltin(name: BuiltinNetworkName): Network {
  return validateNetwork(readBuiltinJson(name), `${name}.json`);
}

/** The shared reference directory beside the repository, when this checkout has it. */
const SHARED_TRACES = new URL('../../../../shared/reference/traces/', import.meta.url);
/** Committed copies (every 5th row, gzipped) so the tests also run where ../shared is absent. */
const FIXTURE_TRACES = new URL('../fixtures/reference/', import.meta.url);

/** A reference trace: column names and rows of numbers, and where it was read from. */
export interface Trace {
  columns: string[];
  rows: number[][];
  source: string;
}

/**
 * Reads a reference trace (`t,<names>...`): the full CSV from ../shared/reference/traces when
 * present, else the committed every-5th-row copy.
 */
export function readTrace(name: string): Trace {
  const full = new URL(`${name}.csv`, SHARED_TRACES);
  let text: string;
  let source: string;
  if (existsSync(full)) {
    text = readFileSync(full, 'utf8');
    source = full.pathname;
  } else {
    const fixture = new URL(`${name}.every5.csv.gz`, FIXTURE_TRACES);
    text = gunzipSync(readFileSync(fixture)).toString('utf8');
    source = fixture.pathname;
  }
  const lines = text.trim().split(/\r?\n/);
  const columns = lines[0]!.split(',').map((c) => c.trim());
  const rows = lines.slice(1).map((l) => l.split(',').map(Number));
  return { columns, rows, source };
}
