import {
  DEFAULT_PEN_PARAMETERS,
  NetworkValidationError,
  resolvePenParameters,
  suggestName,
  templateName,
  validateNetwork,
  type Network,
} from '@penvae/simulator';
import { checkSeed, MAX_SEED } from '../check-options.js';
import { InputError } from '../errors.js';
import { createRandom, deriveIndexedSeed, permutation } from '../random.js';

/** How a varied quantity is drawn between min and max. */
type Distribution = 'uniform' | 'log';

/** How the samples of a sweep are placed. */
export type Design = 'random' | 'grid' | 'lhs';

/** The designs, for option validation and help. */
export const DESIGNS: readonly Design[] = ['random', 'grid', 'lhs'];

/** One varied quantity. */
export interface VarySpec {
  /** Path in the network file, e.g. `templates[a->a].concentration` or `parameters.exoVm`. */
  path: string;
  min: number;
  max: number;
  /** @default 'uniform' */
  distribution?: Distribution;
  /** Grid design only: number of levels of this quantity. @default floor(samples^(1/d)) */
  levels?: number;
}

/** A sweep: what varies, how samples are placed, and the seed. Also the `--sweep` file format. */
export interface SweepSpec {
  /** Number of samples (a grid design may round it: the product of its levels). */
  samples: number;
  /** @default 'random' */
  design?: Design;
  /** @default 1 */
  seed?: number;
  vary: VarySpec[];
}

const VARY_FORM = "'<path>=<min>:<max>[:uniform|log][:levels]', e.g. 'templates[a->a].concentration=20:80:log'";

/**
 * Parses a `--vary` option: `path=min:max[:uniform|log][:levels]`.
 * @throws InputError naming the option and the expected form
 */
export function parseVary(text: string): VarySpec {
  const eq = text.lastIndexOf('=');
  if (eq <= 0) throw new InputError(`--vary ${text}: expected ${VARY_FORM}`);
  const path = text.slice(0, eq).trim();
  const parts = text
    .slice(eq + 1)
    .split(':')
    .map((p) => p.trim());
  if (parts.length < 2 || parts.length > 4) throw new InputError(`--vary ${text}: expected ${VARY_FORM}`);
  const [minText, maxText, ...rest] = parts as [string, string, ...string[]];
  const min = Number(minText);
  const max = Number(maxText);
  if (minText === '' || maxText === '' || !Number.isFinite(min) || !Number.isFinite(max)) {
    throw new InputError(`--vary ${text}: min and max must be finite numbers, found "${minText}" and "${maxText}"`);
  }
  const spec: VarySpec = { path, min, max };
  for (const r of rest) {
    if (r === 'log' || r === 'uniform') spec.distribution = r;
    else if (/^\d+$/.test(r)) spec.levels = Number(r);
    else throw new InputError(`--vary ${text}: unknown distribution "${r}" (expected "uniform" or "log", or a number of grid levels)`);
  }
  return spec;
}

/**
 * Parses and checks a sweep JSON file (`--sweep sweep.json`).
 * @throws InputError naming the file and field
 */
export function parseSweepFile(doc: unknown, source: string): SweepSpec {
  const fail = (field: string, what: string): never => {
    throw new InputError(`${source}: ${field}: ${what}`);
  };
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) fail('(document)', 'expected a JSON object {"samples", "design", "seed", "vary": [...]}');
  const d = doc as Record<string, unknown>;
  for (const key of Object.keys(d)) if (!['samples', 'design', 'seed', 'vary'].includes(key)) fail(key, 'unknown field; allowed: samples, design, seed, vary');
  if (!Number.isInteger(d.samples) || (d.samples as number) < 1) fail('samples', `expected an integer >= 1, found ${JSON.stringify(d.samples)}`);
  if (d.design !== undefined && !DESIGNS.includes(d.design as Design))
    fail('design', `expected one of ${DESIGNS.join(', ')}, found ${JSON.stringify(d.design)}`);
  if (d.seed !== undefined && !(Number.isInteger(d.seed) && (d.seed as number) >= 0 && (d.seed as number) <= MAX_SEED)) {
    fail('seed', `expected an integer from 0 to ${MAX_SEED} (seeds are unsigned 32-bit), found ${JSON.stringify(d.seed)}`);
  }
  if (!Array.isArray(d.vary) || d.vary.length === 0) fail('vary', 'expected a non-empty array of {"path", "min", "max", "distribution", "levels"}');
  const vary = (d.vary as unknown[]).map((v, i) => {
    const at = `vary[${i}]`;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail(at, 'expected an object {"path", "min", "max", ...}');
    const o = v as Record<string, unknown>;
    for (const key of Object.keys(o))
      if (!['path', 'min', 'max', 'distribution', 'levels'].includes(key)) fail(`${at}.${key}`, 'unknown field; allowed: path, min, max, distribution, levels');
    if (typeof o.path !== 'string' || o.path === '') fail(`${at}.path`, 'expected a path string such as "parameters.exoVm"');
    if (typeof o.min !== 'number' || !Number.isFinite(o.min)) fail(`${at}.min`, `expected a finite number, found ${JSON.stringify(o.min)}`);
    if (typeof o.max !== 'number' || !Number.isFinite(o.max)) fail(`${at}.max`, `expected a finite number, found ${JSON.stringify(o.max)}`);
    if (o.distribution !== undefined && o.distribution !== 'uniform' && o.distribution !== 'log')
      fail(`${at}.distribution`, `expected "uniform" or "log", found ${JSON.stringify(o.distribution)}`);
    if (o.levels !== undefined && (!Number.isInteger(o.levels) || (o.levels as number) < 1))
      fail(`${at}.levels`, `expected an integer >= 1, found ${JSON.stringify(o.levels)}`);
    const spec: VarySpec = { path: o.path as string, min: o.min as number, max: o.max as number };
    if (o.distribution !== undefined) spec.distribution = o.distribution as Distribution;
    if (o.levels !== undefined) spec.levels = o.levels as number;
    return spec;
  });
  const spec: SweepSpec = { samples: d.samples as number, vary };
  if (d.design !== undefined) spec.design = d.design as Design;
  if (d.seed !== undefined) spec.seed = d.seed as number;
  return spec;
}

/** A sweepable quantity of a network: its canonical path, aliases, value, and how to set it on a copy. */
interface Target {
  path: string;
  aliases: string[];
  /** Its value in the network (defaults resolved, e.g. a template's stack from parameters.stack). */
  value: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each setter writes one field of the kind of network it was made for, into a copy that is validated again
  set: (net: any, value: number) => void;
}

/** Every quantity of a network a sweep may vary (see {@link listSweepPaths}). */
function targetsOf(network: Network): Target[] {
  const out: Target[] = [];
  if (network.kind === 'pen') {
    const parameters = resolvePenParameters(network);
    network.strands.forEach((s, i) => {
      for (const field of ['K', 'initial'] as const) {
        out.push({ path: `strands[${s.name}].${field}`, aliases: [`strands[${i}].${field}`], value: s[field] ?? 0, set: (n, v) => (n.strands[i][field] = v) });
      }
    });
    network.templates.forEach((t, i) => {
      for (const field of ['concentration', 'stack', 'dangleL', 'dangleR'] as const) {
        const value = field === 'concentration' ? t.concentration : (t[field] ?? parameters[field]);
        out.push({ path: `templates[${templateName(t)}].${field}`, aliases: [`templates[${i}].${field}`], value, set: (n, v) => (n.templates[i][field] = v) });
      }
    });
    for (const p of Object.keys(DEFAULT_PEN_PARAMETERS) as (keyof typeof DEFAULT_PEN_PARAMETERS)[]) {
      out.push({ path: `parameters.${p}`, aliases: [], value: parameters[p], set: (n, v) => ((n.parameters ??= {})[p] = v) });
    }
  } else {
    network.species.forEach((s, i) => {
      out.push({ path: `species[${s.name}].initial`, aliases: [`species[${i}].initial`], value: s.initial ?? 0, set: (n, v) => (n.species[i].initial = v) });
    });
    network.reactions.forEach((r, i) => {
      out.push({ path: `reactions[${r.id}].k`, aliases: [`reactions[${i}].k`], value: r.k, set: (n, v) => (n.reactions[i].k = v) });
      // kr only where the reaction is reversible: adding one would change the structure.
      if (r.kr !== undefined) out.push({ path: `reactions[${r.id}].kr`, aliases: [`reactions[${i}].kr`], value: r.kr, set: (n, v) => (n.reactions[i].kr = v) });
    });
    for (const [pool, members] of Object.entries(network.pools ?? {})) {
      for (const [species, value] of Object.entries(members)) {
        out.push({ path: `pools.${pool}.${species}`, aliases: [], value, set: (n, v) => (n.pools[pool][species] = v) });
      }
    }
  }
  return out;
}

/** Every path a sweep may vary in this network (canonical form, with names in brackets). */
export function listSweepPaths(network: Network): string[] {
  return targetsOf(network).map((t) => t.path);
}

/** Every path a sweep may vary, with its current value in the network (defaults resolved). */
export function listSweepQuantities(network: Network): { path: string; value: number }[] {
  return targetsOf(network).map(({ path, value }) => ({ path, value }));
}

/** Finds the target for a user path (canonical or index form), or explains what exists. */
function findTarget(network: Network, path: string, label: string): Target {
  const targets = targetsOf(network);
  const compact = path.replace(/\s+/g, '');
  const hit = targets.find((t) => t.path === compact || t.aliases.includes(compact));
  if (hit) return hit;
  const paths = targets.map((t) => t.path);
  const close = paths
    .map((p) => ({ p, score: similarity(compact, p) }))
    .sort((a, b) => b.score - a.score)
    .slice(0, 6)
    .map((x) => x.p);
  const hint = suggestName(compact, paths);
  throw new InputError(
    `${label} ${path}: no such quantity in network "${network.name}"${hint ? ` (did you mean "${hint}"?)` : ''}; ` +
      `valid paths near it: ${close.join(', ')} (run \`pipeline sweep-paths --network ...\` for all ${paths.length})`,
  );
}

/** Shared-prefix + shared-token similarity, to list the valid paths nearest to a wrong one. */
function similarity(a: string, b: string): number {
  let prefix = 0;
  while (prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  const tokens = (s: string) => new Set(s.split(/[[\].]+/).filter(Boolean));
  const ta = tokens(a);
  let shared = 0;
  for (const t of tokens(b)) if (ta.has(t)) shared++;
  return prefix + 10 * shared;
}

/** A sweep checked against its network: complete, canonical paths, and how to apply a sample. */
export interface PreparedSweep {
  /** The complete sweep (JSON-serialisable; stored in the dataset's metadata). */
  spec: { samples: number; design: Design; seed: number; vary: { path: string; min: number; max: number; distribution: Distribution; levels: number }[] };
  /** Applies one sample's values to a deep copy of the base network and validates it. */
  apply(values: Float64Array): Network;
}

/**
 * Checks a sweep against its network: every path exists (else an error listing the valid
 * paths near it), ranges are non-empty, log ranges positive, and both ends of every range give
 * a valid network (so no sample can be rejected later).
 * @throws InputError
 */
export function prepareSweep(network: Network, spec: SweepSpec, label = '--vary'): PreparedSweep {
  const design = spec.design ?? 'random';
  if (!DESIGNS.includes(design)) throw new InputError(`--design ${String(design)}: expected one of ${DESIGNS.join(', ')}`);
  if (!Number.isInteger(spec.samples) || spec.samples < 1) throw new InputError(`--samples ${spec.samples}: expected an integer >= 1`);
  if (spec.vary.length === 0) throw new InputError(`${label}: give at least one quantity to vary`);
  const seed = checkSeed(spec.seed ?? 1);
  const seen = new Set<string>();
  const targets = spec.vary.map((v) => {
    const target = findTarget(network, v.path, label);
    if (seen.has(target.path)) throw new InputError(`${label} ${v.path}: ${target.path} is varied twice`);
    seen.add(target.path);
    const text = `${label} ${v.path}=${v.min}:${v.max}`;
    if (!(v.max > v.min)) throw new InputError(`${text}: empty range; expected min < max`);
    const distribution = v.distribution ?? 'uniform';
    if (distribution === 'log' && !(v.min > 0)) throw new InputError(`${text}:log: a log-uniform range needs min > 0`);
    for (const end of [v.min, v.max]) {
      const copy = structuredClone(network);
      target.set(copy, end);
      try {
        validateNetwork(copy, network.name);
      } catch (error) {
        if (error instanceof NetworkValidationError) {
          throw new InputError(`${text}: the value ${end} makes the network invalid: ${error.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
        }
        throw error;
      }
    }
    return { target, path: target.path, min: v.min, max: v.max, distribution, levels: v.levels ?? 0 };
  });
  let samples = spec.samples;
  if (design === 'grid') {
    const auto = Math.max(2, Math.floor(Math.pow(spec.samples, 1 / targets.length) + 1e-9));
    for (const t of targets) t.levels ||= auto;
    samples = targets.reduce((p, t) => p * t.levels, 1);
  } else {
    for (const t of targets) t.levels = 0;
  }
  const resolved = {
    samples,
    design,
    seed,
    vary: targets.map(({ path, min, max, distribution, levels }) => ({ path, min, max, distribution, levels })),
  };
  return {
    spec: resolved,
    apply(values: Float64Array): Network {
      const copy = structuredClone(network);
      targets.forEach((t, d) => t.target.set(copy, values[d]!));
      return validateNetwork(copy, network.name);
    },
  };
}

/** Maps u in [0, 1] onto a range (log-uniform ranges on a log scale). */
export function fromUnit(u: number, min: number, max: number, distribution: Distribution): number {
  const v = distribution === 'log' ? Math.exp(Math.log(min) + u * (Math.log(max) - Math.log(min))) : min + u * (max - min);
  // exp(log(x)) is not always x: keep the ends exact and never step outside the range.
  return u <= 0 ? min : u >= 1 ? max : Math.min(max, Math.max(min, v));
}

/** Inverse of {@link fromUnit}: where a value lies in its range, in [0, 1]. */
export function toUnit(value: number, min: number, max: number, distribution: Distribution): number {
  const u = distribution === 'log' ? (Math.log(value) - Math.log(min)) / (Math.log(max) - Math.log(min)) : (value - min) / (max - min);
  return Math.min(1, Math.max(0, u));
}

/**
 * The varied values of sample `index` (0-based, global over the whole sweep), and that
 * sample's seed. Depends only on (spec, index): independent of workers and shards.
 */
export function sampleValues(spec: PreparedSweep['spec'], index: number): { values: Float64Array; seed: number } {
  const d = spec.vary.length;
  const values = new Float64Array(d);
  const seed = deriveIndexedSeed(spec.seed, index);
  if (spec.design === 'grid') {
    // Row-major over the levels: the last quantity varies fastest.
    let rest = index;
    for (let k = d - 1; k >= 0; k--) {
      const v = spec.vary[k]!;
      const level = rest % v.levels;
      rest = Math.floor(rest / v.levels);
      values[k] = fromUnit(v.levels === 1 ? 0.5 : level / (v.levels - 1), v.min, v.max, v.distribution);
    }
    return { values, seed };
  }
  const random = createRandom(seed);
  spec.vary.forEach((v, k) => {
    let u: number;
    if (spec.design === 'lhs') {
      // Latin hypercube: each quantity's range is cut into N strata, each used exactly once,
      // by a seeded permutation per quantity; the position within the stratum is random.
      const stratum = lhsPermutation(spec, k)[index]!;
      u = (stratum + random()) / spec.samples;
    } else u = random();
    values[k] = fromUnit(u, v.min, v.max, v.distribution);
  });
  return { values, seed };
}

const lhsCache = new WeakMap<object, Int32Array[]>();

function lhsPermutation(spec: PreparedSweep['spec'], k: number): Int32Array {
  let perms = lhsCache.get(spec);
  if (!perms) lhsCache.set(spec, (perms = []));
  return (perms[k] ??= permutation(spec.samples, deriveIndexedSeed(spec.seed, 0x4c4853, k)));
}

/**
 * The contiguous slice of sample indices of shard i of n (0-based i), so shards of one sweep
 * can run anywhere (Slurm array jobs) and merge into the file one run would have written.
 */
export function shardRange(samples: number, shard: { index: number; count: number }): { start: number; end: number } {
  return { start: Math.floor((shard.index * samples) / shard.count), end: Math.floor(((shard.index + 1) * samples) / shard.count) };
}

/**
 * Parses `--shard i/n`: the i-th of n slices, 1 <= i <= n (as Slurm's SLURM_ARRAY_TASK_ID with
 * --array=1-n gives). Returns a 0-based index.
 * @throws InputError
 */
export function parseShard(text: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m) throw new InputError(`--shard ${text}: expected i/n with 1 <= i <= n, e.g. 3/8`);
  const i = Number(m[1]);
  const n = Number(m[2]);
  if (!(n >= 1 && i >= 1 && i <= n)) throw new InputError(`--shard ${text}: expected i/n with 1 <= i <= n, e.g. 3/8`);
  return { index: i - 1, count: n };
}
