import { describe, expect, it } from 'vitest';
import { readBuiltinJson } from '../../test-support/index.js';
import { BUILTIN_NETWORKS } from '../builtin.js';
import { NetworkValidationError } from '../errors.js';
import { parseNetwork, validateNetwork } from './validate.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests edit documents at any depth, then the validator judges them
type Json = Record<string, any>;

/** Applies `edit` to a fresh copy of a built-in network and returns the document. */
function edited(name: 'oscillator' | 'predator-prey' | 'switch', edit: (doc: Json) => void): Json {
  const doc = readBuiltinJson(name) as Json;
  edit(doc);
  return doc;
}

/** The message lines of the error `validateNetwork` throws for `doc`. */
function messagesFor(doc: unknown, source = 'net.json'): string[] {
  try {
    validateNetwork(doc, source);
  } catch (err) {
    expect(err).toBeInstanceOf(NetworkValidationError);
    return (err as Error).message.split('\n');
  }
  throw new Error('expected the network to be rejected');
}

// Each case: a malformed file, and one line the error must contain exactly (file, JSON path, message).
const MALFORMED: [string, unknown, string][] = [
  ['not an object', [1, 2], 'net.json: expected a network document (a JSON object), found an array'],
  ['missing schemaVersion', edited('oscillator', (d) => delete d.schemaVersion), 'net.json: schemaVersion: missing; expected 1'],
  [
    'future schemaVersion',
    edited('oscillator', (d) => (d.schemaVersion = 2)),
    'net.json: schemaVersion: unsupported version 2; this simulator reads version 1',
  ],
  ['unknown kind', edited('oscillator', (d) => (d.kind = 'petri')), 'net.json: kind: expected "pen" or "reactions", found string "petri"'],
  [
    'misspelt top-level field',
    edited('oscillator', (d) => (d.tempaltes = [])),
    'net.json: tempaltes: unknown field (did you mean "templates"?); allowed fields: schemaVersion, kind, name, description, strands, templates, parameters, time',
  ],
  [
    'unknown inhibitor strand',
    edited('oscillator', (d) => (d.templates[0].inhibitor = 'j')),
    'net.json: templates[0].inhibitor: unknown strand "j" (strands: a, b, i)',
  ],
  ['unknown input strand', edited('oscillator', (d) => (d.templates[2].input = 'c')), 'net.json: templates[2].input: unknown strand "c" (strands: a, b, i)'],
  [
    'inhibitor as template input',
    edited('oscillator', (d) => (d.templates[1].input = 'i')),
    'net.json: templates[1].input: a template\'s input must be a signal strand; "i" is an inhibitor strand',
  ],
  [
    'signal strand as inhibitor',
    edited('oscillator', (d) => (d.templates[0].inhibitor = 'b')),
    'net.json: templates[0].inhibitor: expected an inhibitor strand; "b" is a signal strand',
  ],
  ['duplicate strand', edited('oscillator', (d) => (d.strands[1].name = 'a')), 'net.json: strands[1].name: duplicate strand name "a"'],
  [
    'duplicate template',
    edited('oscillator', (d) => d.templates.push({ input: 'a', output: 'b', concentration: 1 })),
    'net.json: templates[3]: duplicate template name "a->b" (the default name is "<input>-><output>"; give one of them a "name")',
  ],
  [
    'negative concentration',
    edited('oscillator', (d) => (d.templates[2].concentration = -80)),
    'net.json: templates[2].concentration: expected a finite number >= 0 (nM), found -80',
  ],
  ['K zero', edited('oscillator', (d) => (d.strands[0].K = 0)), 'net.json: strands[0].K: expected a finite number > 0 (nM), found 0'],
  ['K as string', edited('oscillator', (d) => (d.strands[2].K = '0.2')), 'net.json: strands[2].K: expected a finite number > 0 (nM), found string "0.2"'],
  [
    'missing concentration',
    edited('oscillator', (d) => delete d.templates[1].concentration),
    'net.json: templates[1].concentration: missing; expected a finite number >= 0 (nM)',
  ],
  [
    'bad strand type',
    edited('oscillator', (d) => (d.strands[1].type = 'signl')),
    'net.json: strands[1].type: expected "signal" or "inhibitor", found string "signl"',
  ],
  [
    'unknown parameter',
    edited('oscillator', (d) => (d.parameters = { polVM: 1000 })),
    'net.json: parameters.polVM: unknown parameter (did you mean "polVm"?); known: kduplex, polVm, polKm, polKmBoth, displ, nickVm, nickKm, exoVm, exoKmSimple, exoKmInhib, stack, dangleL, dangleR, alphaBase, inhibDangleSlowdown, ratioLeft, ratioRight, polConc, nickConc, exoConc',
  ],
  ['zero Km parameter', edited('oscillator', (d) => (d.parameters = { nickKm: 0 })), 'net.json: parameters.nickKm: expected a finite number > 0, found 0'],
  [
    'negative parameter',
    edited('oscillator', (d) => (d.parameters = { exoConc: -1 })),
    'net.json: parameters.exoConc: expected a finite number >= 0, found -1',
  ],
  [
    'inhibitor blocks two templates',
    edited('switch', (d) => (d.templates[1].inhibitor = 'ia')),
    'net.json: templates[1].inhibitor: inhibitor strand "ia" already blocks templates[0]; an inhibitor strand blocks at most one template',
  ],
  ['empty templates', edited('oscillator', (d) => (d.templates = [])), 'net.json: templates: empty; a PEN network needs at least one template'],
  [
    'empty strands',
    edited('oscillator', (d) => {
      d.strands = [];
      d.templates = [];
    }),
    'net.json: strands: empty; a PEN network needs at least one strand',
  ],
  ['step larger than end', edited('oscillator', (d) => (d.time = { end: 10, step: 20 })), 'net.json: time.step: expected a step <= time.end (10), found 20'],
  ['zero end', edited('oscillator', (d) => (d.time = { end: 0, step: 1 })), 'net.json: time.end: expected a finite number > 0 (minutes), found 0'],
  [
    'too many grid points',
    edited('oscillator', (d) => (d.time = { end: 1e9, step: 1 })),
    'net.json: time.step: the grid would have 1000000001 points; at most 1000000 are allowed (use a larger step)',
  ],
  [
    'unknown template field',
    edited('oscillator', (d) => (d.templates[0].concentraton = 3)),
    'net.json: templates[0].concentraton: unknown field (did you mean "concentration"?); allowed fields: name, input, output, concentration, inhibitor, stack, dangleL, dangleR',
  ],
  ['zero dangle', edited('oscillator', (d) => (d.templates[0].dangleL = 0)), 'net.json: templates[0].dangleL: expected a finite number > 0, found 0'],
  [
    'strand name with a dot',
    edited('oscillator', (d) => (d.strands[1].name = 'b.1')),
    'net.json: strands[1].name: expected a name made of letters, digits and _ \' + -, starting with a letter, digit or _ (no spaces, ".", ">", brackets or commas), found string "b.1"',
  ],
  ['blank network name', edited('oscillator', (d) => (d.name = '  ')), 'net.json: name: expected a non-empty label (any text), found string "  "'],
  ['network name not text', edited('oscillator', (d) => (d.name = 7)), 'net.json: name: expected a non-empty label (any text), found 7'],
  [
    'template name with a space',
    edited('oscillator', (d) => (d.templates[1].name = 'a to b')),
    'net.json: templates[1].name: expected a template name made of letters, digits and _ \' + - < >, starting with a letter, digit or _ (no spaces, ".", brackets or commas), found string "a to b"',
  ],
  [
    'reactions: pool named like an Object member',
    edited('predator-prey', (d) => (d.reactions[2].pool = 'constructor')),
    'net.json: reactions[2].pool: unknown pool "constructor" (pools: replication, exonuclease)',
  ],
  [
    'reactions: unknown species',
    edited('predator-prey', (d) => (d.reactions[1].products = ['P', 'Q'])),
    'net.json: reactions[1].products[1]: unknown species "Q" (species: N, P)',
  ],
  [
    'reactions: unknown pool',
    edited('predator-prey', (d) => (d.reactions[2].pool = 'exonucleas')),
    'net.json: reactions[2].pool: unknown pool "exonucleas" (did you mean "exonuclease"?) (pools: replication, exonuclease)',
  ],
  [
    'reactions: pool with unknown species',
    edited('predator-prey', (d) => (d.pools.exonuclease.X = 3)),
    'net.json: pools.exonuclease.X: unknown species "X" (species: N, P)',
  ],
  [
    'reactions: zero pool Km',
    edited('predator-prey', (d) => (d.pools.exonuclease.P = 0)),
    'net.json: pools.exonuclease.P: expected a finite number > 0 (Km, nM), found 0',
  ],
  ['reactions: negative k', edited('predator-prey', (d) => (d.reactions[0].k = -1.11)), 'net.json: reactions[0].k: expected a finite number >= 0, found -1.11'],
  [
    'reactions: duplicate id',
    edited('predator-prey', (d) => (d.reactions[3].id = 'predation')),
    'net.json: reactions[3].id: duplicate reaction id "predation"',
  ],
  ['reactions: duplicate species', edited('predator-prey', (d) => (d.species[1].name = 'N')), 'net.json: species[1].name: duplicate species name "N"'],
  [
    'reactions: empty reaction',
    edited('predator-prey', (d) => {
      d.reactions[0].reactants = [];
      d.reactions[0].products = [];
    }),
    'net.json: reactions[0]: a reaction needs at least one reactant or product',
  ],
  [
    'reactions: no reactions',
    edited('predator-prey', (d) => (d.reactions = [])),
    'net.json: reactions: empty; a reactions network needs at least one reaction',
  ],
  [
    'reactions: reactants not a list',
    edited('predator-prey', (d) => (d.reactions[0].reactants = 'N')),
    'net.json: reactions[0].reactants: expected an array of species names (a JSON array), found string "N"',
  ],
];

describe('validateNetwork', () => {
  it.each(BUILTIN_NETWORKS)('accepts the built-in network %s unchanged', (name) => {
    const doc = readBuiltinJson(name);
    const net = validateNetwork(doc, `${name}.json`);
    // The typed copy round-trips: nothing added, nothing lost.
    expect(JSON.parse(JSON.stringify(net))).toEqual(doc);
  });

  it(`rejects ${MALFORMED.length} malformed files, each with a located message`, () => {
    expect(MALFORMED.length).toBeGreaterThanOrEqual(20);
  });

  it.each(MALFORMED)('rejects %s', (_label, doc, line) => {
    expect(messagesFor(doc)).toContain(line);
  });

  it('reports every problem of a file at once, in document order', () => {
    const doc = edited('oscillator', (d) => {
      d.strands[0].K = -1;
      d.templates[2].input = 'zz';
      d.time.step = 0;
    });
    const lines = messagesFor(doc);
    expect(lines).toEqual([
      'net.json: time.step: expected a finite number > 0 (minutes), found 0',
      'net.json: strands[0].K: expected a finite number > 0 (nM), found -1',
      'net.json: templates[2].input: unknown strand "zz" (strands: a, b, i)',
    ]);
  });

  it('carries the issues as data (path and message)', () => {
    try {
      validateNetwork(
        edited('oscillator', (d) => (d.templates[0].inhibitor = 'j')),
        'oscillator.json',
      );
      expect.unreachable();
    } catch (err) {
      const e = err as NetworkValidationError;
      expect(e.source).toBe('oscillator.json');
      expect(e.issues).toEqual([{ path: 'templates[0].inhibitor', message: 'unknown strand "j" (strands: a, b, i)' }]);
    }
  });

  it('reports JSON syntax errors with the parser position', () => {
    expect(() => parseNetwork('{"schemaVersion": 1,,}', 'broken.json')).toThrow(/^broken\.json: not valid JSON: .*position/);
  });

  it('accepts per-template stack and dangles, named templates and parameter overrides', () => {
    const doc = edited('oscillator', (d) => {
      d.templates[0].stack = 0.5;
      d.templates[0].dangleL = 2;
      d.templates[1].name = 'leak';
      d.parameters = { polVm: 900, exoConc: 0.5 };
    });
    const net = validateNetwork(doc, 'x.json');
    expect(net.kind === 'pen' && net.templates[1]!.name).toBe('leak');
  });
});
