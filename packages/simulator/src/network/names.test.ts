import { describe, expect, it } from 'vitest';
import { readBuiltinJson } from '../../test-support/index.js';
import { NetworkValidationError } from '../errors.js';
import { simulate } from '../simulate.js';
import { parseNetwork, validateNetwork } from './validate.js';

/**
 * The naming rules of packages/simulator/README.md ("Names"), and names that are also members
 * of Object.prototype: data indexed by names must not care.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests edit documents at any depth, then the validator judges them
type Json = Record<string, any>;

/** The oscillator with strand `a` renamed everywhere it is referenced. */
function oscillatorWithStrand(name: string): Json {
  const doc = readBuiltinJson('oscillator') as Json;
  doc.strands[0].name = name;
  for (const t of doc.templates) for (const f of ['input', 'output']) if (t[f] === 'a') t[f] = name;
  return doc;
}

/** The predator-prey network with species N and pool `replication` renamed everywhere. */
function predatorPreyWith(species: string, pool: string): Json {
  const doc = readBuiltinJson('predator-prey') as Json;
  doc.species[0].name = species;
  const rename = (list: string[]) => list.map((s) => (s === 'N' ? species : s));
  for (const r of doc.reactions) {
    r.reactants = rename(r.reactants);
    r.products = rename(r.products);
    if (r.pool === 'replication') r.pool = pool;
  }
  // Built from parsed JSON text, as a file would be: a literal `__proto__` key would set the prototype.
  doc.pools = JSON.parse(`{${JSON.stringify(pool)}: {${JSON.stringify(species)}: 138.88888888888889}, "exonuclease": {"P": 34.0}}`);
  return doc;
}

function issuesOf(doc: unknown): string[] {
  try {
    validateNetwork(doc, 'net.json');
  } catch (error) {
    expect(error).toBeInstanceOf(NetworkValidationError);
    return (error as NetworkValidationError).issues.map((i) => `${i.path}: ${i.message}`);
  }
  return [];
}

const OBJECT_MEMBERS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'];

describe('names', () => {
  it.each(['oligator-50-0.5-120', 'osc v2', 'α', 'réseau n°3 (draft)', '__proto__'])('a network name is a label: accepts %j', (name) => {
    const doc = readBuiltinJson('oscillator') as Json;
    doc.name = name;
    expect(validateNetwork(doc, 'net.json').name).toBe(name);
  });

  it.each(['α', "a'", 'x+', 'ATP_2', '1a', 'e\u0301', 'Δ-2'])('accepts the strand name %j', (name) => {
    expect(issuesOf(oscillatorWithStrand(name))).toEqual([]);
  });

  it.each(['a b', 'a.b', 'a>b', 'a[1]', 'a,b', '"a"', '', '-a', "'a"])('refuses the strand name %j with one message stating the rule', (name) => {
    // Every template that references the malformed name stays quiet: one mistake, one message.
    expect(issuesOf(oscillatorWithStrand(name))).toEqual([
      `strands[0].name: expected a name made of letters, digits and _ ' + -, starting with a letter, digit or _ (no spaces, ".", ">", brackets or commas), found string ${JSON.stringify(name)}`,
    ]);
  });

  it('a malformed species name gives one message, not one per reaction and pool that uses it', () => {
    expect(issuesOf(predatorPreyWith('N N', 'replication'))).toEqual([
      'species[0].name: expected a name made of letters, digits and _ \' + -, starting with a letter, digit or _ (no spaces, ".", ">", brackets or commas), found string "N N"',
    ]);
  });

  it('accepts a UTF-8 byte-order mark before the JSON', () => {
    const text = JSON.stringify(readBuiltinJson('oscillator'));
    expect(parseNetwork(`\uFEFF${text}`, 'bom.json')).toEqual(parseNetwork(text, 'plain.json'));
  });

  describe.each(OBJECT_MEMBERS)('names that are Object.prototype members: %s', (name) => {
    it('a strand so named gives the same trajectory as an ordinary name', () => {
      const special = simulate(validateNetwork(oscillatorWithStrand(name), 'special.json'), { tEnd: 1500 });
      const plain = simulate(validateNetwork(oscillatorWithStrand('zz'), 'plain.json'), { tEnd: 1500 });
      expect(special.names[0]).toBe(name);
      expect(special.outcome).toBe('converged');
      expect(Array.from(special.y)).toEqual(Array.from(plain.y));
    });

    it('a species and a pool so named give the same trajectory as ordinary names', () => {
      const pool = OBJECT_MEMBERS[(OBJECT_MEMBERS.indexOf(name) + 1) % OBJECT_MEMBERS.length]!;
      const net = validateNetwork(predatorPreyWith(name, pool), 'special.json');
      expect(net.kind === 'reactions' && Object.keys(net.pools![pool]!)).toEqual([name]);
      const special = simulate(net);
      const plain = simulate(validateNetwork(predatorPreyWith('N2', 'growth'), 'plain.json'));
      expect(special.outcome).toBe('converged');
      expect(Array.from(special.y)).toEqual(Array.from(plain.y));
    });
  });
});
