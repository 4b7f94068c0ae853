import { NetworkValidationError, type NetworkIssue } from '../errors.js';
import { DEFAULT_PEN_PARAMETERS, STRICTLY_POSITIVE_PARAMETERS } from './defaults.js';
import {
  NETWORK_SCHEMA_VERSION,
  type Network,
  type PenNetwork,
  type PenParameters,
  type Reaction,
  type ReactionsNetwork,
  type Species,
  type Strand,
  type Template,
  type TimeGrid,
} from './types.js';

/**
 * Names of strands, species, pools and reactions become column names (`raw.<name>` in
 * datasets, CSV headers, `<template>.<state>` columns) and sweep paths (`strands[<name>].K`,
 * `pools.<pool>.<species>`), so they exclude every character that separates those: no
 * whitespace, `.`, `[`, `]`, `,`, `"` or `>` (template names are `<input>-><output>`). Letters
 * are Unicode letters (`α` is one); combining marks may follow a first character.
 * Documented in packages/simulator/README.md ("Names"); keep the two in step.
 */
// eslint-disable-next-line no-useless-escape -- `\-` keeps the hyphen literal when a character is added after it (as in TEMPLATE_NAME_PATTERN)
const NAME_PATTERN = /^[\p{L}\p{N}_][\p{L}\p{M}\p{N}_'+\-]*$/u;
const NAME_FORM = 'a name made of letters, digits and _ \' + -, starting with a letter, digit or _ (no spaces, ".", ">", brackets or commas)';
/** Template names may also hold `<` and `>`, as the default `<input>-><output>` does. */
const TEMPLATE_NAME_PATTERN = /^[\p{L}\p{N}_][\p{L}\p{M}\p{N}_'+\-<>]*$/u;
const TEMPLATE_NAME_FORM = 'a template name made of letters, digits and _ \' + - < >, starting with a letter, digit or _ (no spaces, ".", brackets or commas)';
/** A network's `name` is a label (datasets' `network` column, reports): any text. */
const LABEL_FORM = 'a non-empty label (any text)';

const PEN_FIELDS = ['schemaVersion', 'kind', 'name', 'description', 'strands', 'templates', 'parameters', 'time'];
const REACTIONS_FIELDS = ['schemaVersion', 'kind', 'name', 'description', 'species', 'pools', 'reactions', 'time'];
const STRAND_FIELDS = ['name', 'type', 'K', 'initial'];
const TEMPLATE_FIELDS = ['name', 'input', 'output', 'concentration', 'inhibitor', 'stack', 'dangleL', 'dangleR'];
const SPECIES_FIELDS = ['name', 'initial'];
const REACTION_FIELDS = ['id', 'reactants', 'products', 'k', 'kr', 'pool'];
const TIME_FIELDS = ['end', 'step'];
const PARAMETER_NAMES = Object.keys(DEFAULT_PEN_PARAMETERS) as (keyof PenParameters)[];

/** Largest number of output points a network's own time grid may ask for. */
export const MAX_GRID_POINTS = 1_000_000;

/** Describes a JSON value's type for messages: `string "abc"`, `number -1`, `array`, `null`. */
function describeJsonValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string': {
      const s = value.length > 40 ? `${value.slice(0, 37)}...` : value;
      return `string ${JSON.stringify(s)}`;
    }
    case 'number':
      return `${String(value)}`;
    case 'boolean':
      return `boolean ${String(value)}`;
    case 'undefined':
      return 'nothing';
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}

/** Levenshtein distance, for "did you mean" hints on misspelt field names. */
function editDistance(a: string, b: string): number {
  const al = a.toLowerCase();
  const bl = b.toLowerCase();
  const prev = new Array<number>(bl.length + 1);
  for (let j = 0; j <= bl.length; j++) prev[j] = j;
  for (let i = 1; i <= al.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= bl.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (al[i - 1] === bl[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[bl.length]!;
}

/** The closest candidate to `name` if it is plausibly a misspelling of it. */
export function suggestName(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(name, c);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  // Short names are too close to everything: "j" is one edit from "a" but not a typo of it.
  return best !== undefined && bestD <= Math.max(1, Math.floor(best.length / 3)) && bestD < Math.min(name.length, best.length) ? best : undefined;
}

function listNames(names: Iterable<string>): string {
  const all = [...names];
  if (all.length === 0) return 'none declared';
  const shown = all.slice(0, 12).join(', ');
  return all.length > 12 ? `${shown}, ... (${all.length} in all)` : shown;
}

/**
 * An empty record for data indexed by names from a file: without a prototype, a name such as
 * `__proto__`, `constructor` or `toString` is an ordinary key.
 */
export function nameRecord<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Collects issues while walking a document; every check records and moves on. */
class Checker {
  readonly issues: NetworkIssue[] = [];

  add(path: string, message: string): void {
    this.issues.push({ path, message });
  }

  object(v: unknown, path: string, what: string): v is Record<string, unknown> {
    if (isRecord(v)) return true;
    this.add(path, `expected ${what} (a JSON object), found ${describeJsonValue(v)}`);
    return false;
  }

  array(v: unknown, path: string, what: string): v is unknown[] {
    if (Array.isArray(v)) return true;
    this.add(path, `expected ${what} (a JSON array), found ${describeJsonValue(v)}`);
    return false;
  }

  unknownFields(obj: Record<string, unknown>, path: string, allowed: readonly string[]): void {
    for (const key of Object.keys(obj)) {
      if (allowed.includes(key)) continue;
      const hint = suggestName(key, allowed);
      this.add(join(path, key), `unknown field${hint ? ` (did you mean "${hint}"?)` : ''}; allowed fields: ${allowed.join(', ')}`);
    }
  }

  name(v: unknown, path: string, pattern = NAME_PATTERN, form = NAME_FORM): v is string {
    if (typeof v !== 'string') {
      this.add(path, v === undefined ? `missing; expected ${form}` : `expected ${form}, found ${describeJsonValue(v)}`);
      return false;
    }
    if (!pattern.test(v)) {
      this.add(path, `expected ${form}, found ${describeJsonValue(v)}`);
      return false;
    }
    return true;
  }

  /**
   * A finite number with a lower bound. `strict` makes the bound exclusive. Missing values are
   * an error unless `optional`.
   */
  number(v: unknown, path: string, opts: { min: number; strict?: boolean; optional?: boolean; unit?: string }): v is number {
    const bound = `${opts.strict ? '>' : '>='} ${opts.min}`;
    const form = `a finite number ${bound}${opts.unit ? ` (${opts.unit})` : ''}`;
    if (v === undefined) {
      if (!opts.optional) this.add(path, `missing; expected ${form}`);
      return false;
    }
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      this.add(path, `expected ${form}, found ${describeJsonValue(v)}`);
      return false;
    }
    if (opts.strict ? !(v > opts.min) : !(v >= opts.min)) {
      this.add(path, `expected ${form}, found ${describeJsonValue(v)}`);
      return false;
    }
    return true;
  }
}

function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  const safe = /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? key : JSON.stringify(key);
  if (!path) return safe.startsWith('"') ? `[${safe}]` : safe;
  return safe.startsWith('"') ? `${path}[${safe}]` : `${path}.${safe}`;
}

/**
 * Checks a parsed JSON document against the network specification and returns a typed copy
 * holding only the specified fields (defaults are not filled in: that is the compiler's job,
 * so the copy round-trips to the same file).
 *
 * Every problem is collected before throwing, so a user fixes a file in one pass.
 *
 * @param input  the parsed JSON document
 * @param source where it came from, used as the prefix of every message (e.g. `oscillator.json`)
 * @throws NetworkValidationError listing every problem with its JSON path
 * @example
 * const net = validateNetwork(JSON.parse(text), 'my-net.json');
 */
export function validateNetwork(input: unknown, source = 'network'): Network {
  const c = new Checker();
  const net = checkNetwork(c, input);
  if (c.issues.length > 0 || net === undefined) {
    throw new NetworkValidationError(source, c.issues.length ? c.issues : [{ path: '', message: 'invalid network' }]);
  }
  return net;
}

/**
 * Parses network JSON text (a leading byte-order mark is ignored) and validates it; a JSON
 * syntax error is reported like any other issue (with the position the parser gives).
 * @throws NetworkValidationError
 */
export function parseNetwork(text: string, source = 'network'): Network {
  let doc: unknown;
  try {
    // A UTF-8 byte-order mark (editors on Windows write one) is not part of the JSON.
    doc = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new NetworkValidationError(source, [{ path: '', message: `not valid JSON: ${message}` }], { cause: err });
  }
  return validateNetwork(doc, source);
}

function checkNetwork(c: Checker, input: unknown): Network | undefined {
  if (!c.object(input, '', 'a network document')) return undefined;
  const doc = input;
  let ok = true;
  if (doc.schemaVersion === undefined) {
    c.add('schemaVersion', `missing; expected ${NETWORK_SCHEMA_VERSION}`);
    ok = false;
  } else if (doc.schemaVersion !== NETWORK_SCHEMA_VERSION) {
    c.add('schemaVersion', `unsupported version ${describeJsonValue(doc.schemaVersion)}; this simulator reads version ${NETWORK_SCHEMA_VERSION}`);
    ok = false;
  }
  if (doc.kind !== 'pen' && doc.kind !== 'reactions') {
    if (doc.kind === undefined) c.add('kind', 'missing; expected "pen" or "reactions"');
    else c.add('kind', `expected "pen" or "reactions", found ${describeJsonValue(doc.kind)}`);
    // Without a kind the rest cannot be interpreted; report only the unknown fields common to neither.
    return undefined;
  }
  if (typeof doc.name !== 'string' || doc.name.trim() === '') {
    c.add('name', doc.name === undefined ? `missing; expected ${LABEL_FORM}` : `expected ${LABEL_FORM}, found ${describeJsonValue(doc.name)}`);
    ok = false;
  }
  if (doc.description !== undefined && typeof doc.description !== 'string') {
    c.add('description', `expected a string, found ${describeJsonValue(doc.description)}`);
    ok = false;
  }
  const time = doc.time === undefined ? undefined : checkTime(c, doc.time);
  if (doc.kind === 'pen') {
    c.unknownFields(doc, '', PEN_FIELDS);
    const net = checkPen(c, doc);
    if (!net || !ok || (doc.time !== undefined && !time)) return undefined;
    if (time) net.time = time;
    if (typeof doc.description === 'string') net.description = doc.description;
    return net;
  }
  c.unknownFields(doc, '', REACTIONS_FIELDS);
  const net = checkReactions(c, doc);
  if (!net || !ok || (doc.time !== undefined && !time)) return undefined;
  if (time) net.time = time;
  if (typeof doc.description === 'string') net.description = doc.description;
  return net;
}

function checkTime(c: Checker, v: unknown): TimeGrid | undefined {
  if (!c.object(v, 'time', 'a time grid {"end": minutes, "step": minutes}')) return undefined;
  c.unknownFields(v, 'time', TIME_FIELDS);
  const endOk = c.number(v.end, 'time.end', { min: 0, strict: true, unit: 'minutes' });
  const stepOk = c.number(v.step, 'time.step', { min: 0, strict: true, unit: 'minutes' });
  if (!endOk || !stepOk) return undefined;
  const end = v.end as number;
  const step = v.step as number;
  if (step > end) {
    c.add('time.step', `expected a step <= time.end (${end}), found ${step}`);
    return undefined;
  }
  if (end / step > MAX_GRID_POINTS) {
    c.add('time.step', `the grid would have ${Math.floor(end / step) + 1} points; at most ${MAX_GRID_POINTS} are allowed (use a larger step)`);
    return undefined;
  }
  return { end, step };
}

function checkPen(c: Checker, doc: Record<string, unknown>): PenNetwork | undefined {
  const before = c.issues.length;
  const strands: Strand[] = [];
  const strandByName = new Map<string, Strand>();
  if (doc.strands === undefined) c.add('strands', 'missing; expected an array of strands');
  else if (c.array(doc.strands, 'strands', 'an array of strands')) {
    if (doc.strands.length === 0) c.add('strands', 'empty; a PEN network needs at least one strand');
    doc.strands.forEach((s, i) => {
      const path = `strands[${i}]`;
      if (!c.object(s, path, 'a strand {"name", "type", "K", "initial"}')) return;
      c.unknownFields(s, path, STRAND_FIELDS);
      const nameOk = c.name(s.name, `${path}.name`);
      if (s.type !== 'signal' && s.type !== 'inhibitor') {
        c.add(
          `${path}.type`,
          `${s.type === undefined ? 'missing; expected' : 'expected'} "signal" or "inhibitor"${s.type === undefined ? '' : `, found ${describeJsonValue(s.type)}`}`,
        );
      }
      const kOk = c.number(s.K, `${path}.K`, { min: 0, strict: true, unit: 'nM' });
      const initOk = s.initial === undefined || c.number(s.initial, `${path}.initial`, { min: 0, unit: 'nM' });
      if (typeof s.name === 'string' && strandByName.has(s.name)) {
        c.add(`${path}.name`, `duplicate strand name "${s.name}"`);
        return;
      }
      if (nameOk && (s.type === 'signal' || s.type === 'inhibitor') && kOk && initOk) {
        const strand: Strand = { name: s.name as string, type: s.type, K: s.K as number };
        if (s.initial !== undefined) strand.initial = s.initial as number;
        strands.push(strand);
        strandByName.set(strand.name, strand);
      } else if (typeof s.name === 'string') {
        // Keep the name, even a malformed one, so references to it are not reported as well:
        // one mistake, one message.
        strandByName.set(s.name, { name: s.name, type: s.type === 'inhibitor' ? 'inhibitor' : 'signal', K: 1 });
      }
    });
  }
  const strandNames = () => listNames(strandByName.keys());

  const templates: Template[] = [];
  const templateNames = new Set<string>();
  const blockedBy = new Map<string, number>();
  if (doc.templates === undefined) c.add('templates', 'missing; expected an array of templates');
  else if (c.array(doc.templates, 'templates', 'an array of templates')) {
    if (doc.templates.length === 0) c.add('templates', 'empty; a PEN network needs at least one template');
    doc.templates.forEach((t, i) => {
      const path = `templates[${i}]`;
      if (!c.object(t, path, 'a template {"input", "output", "concentration", ...}')) return;
      c.unknownFields(t, path, TEMPLATE_FIELDS);
      let ok = true;
      const ref = (field: 'input' | 'output' | 'inhibitor', allowed: ReadonlyArray<Strand['type']>): string | undefined => {
        const v = t[field];
        if (v === undefined) {
          if (field !== 'inhibitor') {
            c.add(`${path}.${field}`, `missing; expected the name of a ${allowed.join(' or ')} strand (strands: ${strandNames()})`);
            ok = false;
          }
          return undefined;
        }
        if (typeof v !== 'string') {
          c.add(`${path}.${field}`, `expected the name of a ${allowed.join(' or ')} strand, found ${describeJsonValue(v)}`);
          ok = false;
          return undefined;
        }
        const strand = strandByName.get(v);
        if (!strand) {
          const hint = suggestName(v, [...strandByName.keys()]);
          c.add(`${path}.${field}`, `unknown strand "${v}"${hint ? ` (did you mean "${hint}"?)` : ''} (strands: ${strandNames()})`);
          ok = false;
          return undefined;
        }
        if (!allowed.includes(strand.type)) {
          const why =
            field === 'input'
              ? `a template's input must be a signal strand; "${v}" is an inhibitor strand`
              : `expected an inhibitor strand; "${v}" is a signal strand`;
          c.add(`${path}.${field}`, why);
          ok = false;
          return undefined;
        }
        return v;
      };
      const input = ref('input', ['signal']);
      const output = ref('output', ['signal', 'inhibitor']);
      const inhibitor = ref('inhibitor', ['inhibitor']);
      if (!c.number(t.concentration, `${path}.concentration`, { min: 0, unit: 'nM' })) ok = false;
      for (const f of ['stack', 'dangleL', 'dangleR'] as const) {
        if (t[f] !== undefined && !c.number(t[f], `${path}.${f}`, { min: 0, strict: f !== 'stack', optional: true })) ok = false;
      }
      let name: string | undefined;
      if (t.name !== undefined) {
        if (c.name(t.name, `${path}.name`, TEMPLATE_NAME_PATTERN, TEMPLATE_NAME_FORM)) name = t.name;
        else ok = false;
      } else if (input && output) {
        name = `${input}->${output}`;
      }
      if (name !== undefined) {
        if (templateNames.has(name)) {
          c.add(
            t.name !== undefined ? `${path}.name` : path,
            `duplicate template name "${name}"${t.name === undefined ? ' (the default name is "<input>-><output>"; give one of them a "name")' : ''}`,
          );
          ok = false;
        }
        templateNames.add(name);
      }
      if (inhibitor !== undefined) {
        const other = blockedBy.get(inhibitor);
        if (other !== undefined) {
          c.add(`${path}.inhibitor`, `inhibitor strand "${inhibitor}" already blocks templates[${other}]; an inhibitor strand blocks at most one template`);
          ok = false;
        } else blockedBy.set(inhibitor, i);
      }
      if (!ok || input === undefined || output === undefined) return;
      const tpl: Template = { input, output, concentration: t.concentration as number };
      if (t.name !== undefined) tpl.name = t.name as string;
      if (inhibitor !== undefined) tpl.inhibitor = inhibitor;
      for (const f of ['stack', 'dangleL', 'dangleR'] as const) if (t[f] !== undefined) tpl[f] = t[f] as number;
      templates.push(tpl);
    });
  }

  let parameters: Partial<PenParameters> | undefined;
  if (doc.parameters !== undefined && c.object(doc.parameters, 'parameters', 'an object of kinetic parameters')) {
    parameters = {};
    for (const [key, value] of Object.entries(doc.parameters)) {
      const path = join('parameters', key);
      if (!(PARAMETER_NAMES as string[]).includes(key)) {
        const hint = suggestName(key, PARAMETER_NAMES);
        c.add(path, `unknown parameter${hint ? ` (did you mean "${hint}"?)` : ''}; known: ${PARAMETER_NAMES.join(', ')}`);
        continue;
      }
      const name = key as keyof PenParameters;
      if (c.number(value, path, { min: 0, strict: STRICTLY_POSITIVE_PARAMETERS.has(name) })) parameters[name] = value;
    }
  }

  if (c.issues.length > before) return undefined;
  const net: PenNetwork = { schemaVersion: 1, kind: 'pen', name: doc.name as string, strands, templates };
  if (parameters) net.parameters = parameters;
  return net;
}

function checkReactions(c: Checker, doc: Record<string, unknown>): ReactionsNetwork | undefined {
  const before = c.issues.length;
  const species: Species[] = [];
  const declared = new Set<string>();
  if (doc.species === undefined) c.add('species', 'missing; expected an array of species');
  else if (c.array(doc.species, 'species', 'an array of species')) {
    if (doc.species.length === 0) c.add('species', 'empty; a reactions network needs at least one species');
    doc.species.forEach((s, i) => {
      const path = `species[${i}]`;
      if (!c.object(s, path, 'a species {"name", "initial"}')) return;
      c.unknownFields(s, path, SPECIES_FIELDS);
      const nameOk = c.name(s.name, `${path}.name`);
      const initOk = s.initial === undefined || c.number(s.initial, `${path}.initial`, { min: 0, unit: 'nM' });
      if (typeof s.name !== 'string') return;
      if (declared.has(s.name)) {
        c.add(`${path}.name`, `duplicate species name "${s.name}"`);
        return;
      }
      // A malformed name is declared too, so references to it are not reported as well.
      declared.add(s.name);
      if (nameOk && initOk) {
        const sp: Species = { name: s.name as string };
        if (s.initial !== undefined) sp.initial = s.initial as number;
        species.push(sp);
      }
    });
  }
  const speciesRef = (v: unknown, path: string): v is string => {
    if (typeof v !== 'string') {
      c.add(path, `expected a species name, found ${describeJsonValue(v)}`);
      return false;
    }
    if (!declared.has(v)) {
      const hint = suggestName(v, [...declared]);
      c.add(path, `unknown species "${v}"${hint ? ` (did you mean "${hint}"?)` : ''} (species: ${listNames(declared)})`);
      return false;
    }
    return true;
  };

  // Names index these records: no prototype, so `__proto__` or `toString` are names like any other.
  let pools: Record<string, Record<string, number>> | undefined;
  if (doc.pools !== undefined && c.object(doc.pools, 'pools', 'an object: pool name -> {species: Km}')) {
    pools = nameRecord();
    for (const [poolName, members] of Object.entries(doc.pools)) {
      const path = join('pools', poolName);
      if (!NAME_PATTERN.test(poolName)) c.add(path, `expected a pool name: ${NAME_FORM}`);
      if (!c.object(members, path, 'an object: species -> Km (nM)')) continue;
      const entries = Object.entries(members);
      if (entries.length === 0) c.add(path, 'empty; a pool needs at least one species with its Km');
      const pool = nameRecord<number>();
      for (const [sp, km] of entries) {
        const mpath = join(path, sp);
        const known = speciesRef(sp, mpath);
        if (c.number(km, mpath, { min: 0, strict: true, unit: 'Km, nM' }) && known) pool[sp] = km;
      }
      pools[poolName] = pool;
    }
  }

  const reactions: Reaction[] = [];
  const ids = new Set<string>();
  if (doc.reactions === undefined) c.add('reactions', 'missing; expected an array of reactions');
  else if (c.array(doc.reactions, 'reactions', 'an array of reactions')) {
    if (doc.reactions.length === 0) c.add('reactions', 'empty; a reactions network needs at least one reaction');
    doc.reactions.forEach((r, i) => {
      const path = `reactions[${i}]`;
      if (!c.object(r, path, 'a reaction {"id", "reactants", "products", "k", ...}')) return;
      c.unknownFields(r, path, REACTION_FIELDS);
      let ok = c.name(r.id, `${path}.id`);
      if (ok && ids.has(r.id as string)) {
        c.add(`${path}.id`, `duplicate reaction id "${r.id as string}"`);
        ok = false;
      }
      if (typeof r.id === 'string') ids.add(r.id);
      const list = (field: 'reactants' | 'products'): string[] | undefined => {
        const v = r[field];
        if (v === undefined) {
          c.add(`${path}.${field}`, 'missing; expected an array of species names ([] for none)');
          return undefined;
        }
        if (!c.array(v, `${path}.${field}`, 'an array of species names')) return undefined;
        let all = true;
        v.forEach((s, j) => {
          if (!speciesRef(s, `${path}.${field}[${j}]`)) all = false;
        });
        return all ? (v as string[]) : undefined;
      };
      const reactants = list('reactants');
      const products = list('products');
      if (reactants && products && reactants.length === 0 && products.length === 0) {
        c.add(path, 'a reaction needs at least one reactant or product');
        ok = false;
      }
      if (!c.number(r.k, `${path}.k`, { min: 0 })) ok = false;
      if (r.kr !== undefined && !c.number(r.kr, `${path}.kr`, { min: 0 })) ok = false;
      if (r.pool !== undefined) {
        if (typeof r.pool !== 'string') {
          c.add(`${path}.pool`, `expected a pool name, found ${describeJsonValue(r.pool)}`);
          ok = false;
        } else if (!pools || !Object.hasOwn(pools, r.pool)) {
          const names = pools ? Object.keys(pools) : [];
          const hint = suggestName(r.pool, names);
          c.add(`${path}.pool`, `unknown pool "${r.pool}"${hint ? ` (did you mean "${hint}"?)` : ''} (pools: ${listNames(names)})`);
          ok = false;
        }
      }
      if (!ok || !reactants || !products) return;
      const reaction: Reaction = { id: r.id as string, reactants: [...reactants], products: [...products], k: r.k as number };
      if (r.kr !== undefined) reaction.kr = r.kr as number;
      if (r.pool !== undefined) reaction.pool = r.pool as string;
      reactions.push(reaction);
    });
  }
  if (c.issues.length > before) return undefined;
  const net: ReactionsNetwork = { schemaVersion: 1, kind: 'reactions', name: doc.name as string, species, reactions };
  if (pools) net.pools = pools;
  return net;
}
