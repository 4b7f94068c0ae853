import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readBuiltinJson } from '../../test-support/index.js';
import { BUILTIN_NETWORKS } from '../builtin.js';
import { NetworkValidationError } from '../errors.js';
import { simulate } from '../simulate.js';
import { validateNetwork } from './validate.js';

type Json = unknown;

/** Every path in a JSON tree (arrays by index, objects by key), the root excluded. */
function paths(node: Json, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [];
  if (Array.isArray(node)) node.forEach((v, i) => out.push([...prefix, i], ...paths(v, [...prefix, i])));
  else if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) out.push([...prefix, k], ...paths(v, [...prefix, k]));
  return out;
}

const REPLACEMENTS: Json[] = [
  null,
  true,
  'x',
  '',
  'a',
  'i',
  -1,
  0,
  -0,
  1e308,
  -1e308,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  1e-300,
  3.5,
  [],
  {},
  ['a'],
  { name: 'a' },
  2 ** 53,
];

type Mutation =
  | { op: 'delete'; at: number }
  | { op: 'replace'; at: number; value: number }
  | { op: 'rename'; at: number; name: string }
  | { op: 'negate'; at: number }
  | { op: 'scale'; at: number; factor: number }
  | { op: 'duplicate'; at: number }
  | { op: 'swap-names'; at: number; other: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('replace' as const), at: fc.nat(), value: fc.nat({ max: REPLACEMENTS.length - 1 }) }),
  fc.record({
    op: fc.constant('rename' as const),
    at: fc.nat(),
    name: fc.constantFrom('nme', 'K ', 'inhibitor', 'k', 'kr', 'pool', 'stack', 'extra', 'Input'),
  }),
  fc.record({ op: fc.constant('negate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('scale' as const), at: fc.nat(), factor: fc.constantFrom(0, 1e-12, 1e3, 1e12, 1e200) }),
  fc.record({ op: fc.constant('duplicate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('swap-names' as const), at: fc.nat(), other: fc.nat() }),
);

/** Applies one mutation at the `at`-th path (mod the number of paths) of the document. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a fuzzer walks and edits arbitrary JSON
function mutate(doc: any, m: Mutation): void {
  const all = paths(doc);
  if (all.length === 0) return;
  const path = all[m.at % all.length]!;
  const key = path[path.length - 1]!;
  let parent = doc;
  for (const p of path.slice(0, -1)) parent = parent[p];
  const value = parent[key];
  switch (m.op) {
    case 'delete':
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key];
      break;
    case 'replace':
      parent[key] = structuredClone(REPLACEMENTS[m.value]);
      break;
    case 'rename':
      if (!Array.isArray(parent)) {
        delete parent[key];
        parent[m.name] = value;
      }
      break;
    case 'negate':
      if (typeof value === 'number') parent[key] = -value;
      break;
    case 'scale':
      if (typeof value === 'number') parent[key] = value * m.factor;
      break;
    case 'duplicate':
      if (Array.isArray(parent)) parent.splice(key as number, 0, structuredClone(value));
      break;
    case 'swap-names': {
      // Point a reference at another name of the document (unknown/forbidden references).
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as in mutate: arbitrary JSON
      const strings = all.map((p) => p.reduce((n: any, k) => n?.[k], doc)).filter((v): v is string => typeof v === 'string');
      if (typeof value === 'string' && strings.length) parent[key] = strings[m.other % strings.length];
      break;
    }
  }
}

describe('network files under random mutation (fast-check)', () => {
  it('every mutated built-in network either simulates or is rejected with located messages', () => {
    let simulated = 0;
    let rejected = 0;
    fc.assert(
      fc.property(fc.constantFrom(...BUILTIN_NETWORKS), fc.array(mutation, { minLength: 1, maxLength: 3 }), (name, mutations) => {
        const doc = readBuiltinJson(name);
        for (const m of mutations) mutate(doc, m);
        let net;
        try {
          net = validateNetwork(doc, `${name}.json`);
        } catch (err) {
          // The only acceptable failure: a validation error whose every line names the file
          // and a message (and, but for the document root, a JSON path).
          expect(err).toBeInstanceOf(NetworkValidationError);
          const e = err as NetworkValidationError;
          expect(e.issues.length).toBeGreaterThan(0);
          for (const issue of e.issues) expect(issue.message.length).toBeGreaterThan(5);
          for (const line of e.message.split('\n')) expect(line.startsWith(`${name}.json: `)).toBe(true);
          rejected++;
          return;
        }
        // A valid network must simulate without throwing; numerical trouble is an outcome.
        // The step budget keeps every case short (a mutated time grid may be enormous).
        // `time` is optional in a file (the caller then gives the grid, as the CLI's --t-end does).
        const result = simulate(net, net.time ? { maxSteps: 400 } : { maxSteps: 400, tEnd: 100 });
        expect(['converged', 'max-steps', 'non-finite', 'step-too-small', 'singular']).toContain(result.outcome);
        if (result.outcome === 'converged') for (const v of result.y) expect(Number.isFinite(v)).toBe(true);
        simulated++;
      }),
      { numRuns: 1000, seed: 20261127 },
    );
    // Both branches must actually be exercised.
    expect(simulated).toBeGreaterThan(50);
    expect(rejected).toBeGreaterThan(200);
  }, 300_000);
});
