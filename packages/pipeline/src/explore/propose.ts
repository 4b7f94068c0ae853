/**
 * Proposals of the search: new parameter sets from the archive's elites. All in the unit cube
 * of the varied quantities (log ranges on a log scale, as a sweep draws them), so one step size
 * fits quantities of any range.
 *
 * - Selection favours rare elites whose children found new cells. An elite is picked with
 *   weight 2^c / n: n the samples in its cell (a behaviour seen once is picked far more often
 *   than one seen a hundred times), c its curiosity score (AURORA, Cully 2019: +1 for each
 *   child that filled an empty cell, -0.5 for each that did not; clamped to [-4, 6]), which
 *   makes the search dwell where behaviours are rich: a rare oscillation's children land in
 *   new cells (another period, another amplitude) while a settling trace's children repeat it.
 *   On the oligator over six wide ranges (1.7 % of random samples oscillate; 2 000
 *   simulations, one seed) the weight 1 / (1 + filled neighbours) without curiosity gave 36
 *   oscillating sets (random: 34), with curiosity 28; 1 / n with curiosity 79, and 123 with
 *   the smaller step below.
 * - Variation is Iso+LineDD (Vassiliades & Mouret 2018, "Discovering the elite hypervolume by
 *   leveraging interspecies correlation"): child = a + sigma_iso N(0, I) + sigma_line N(0, 1) (b - a)
 *   with b a second elite. The line term moves along directions between elites, which is how
 *   behaviours are laid out in parameter space when quantities act together (a template
 *   concentration against an enzyme rate); the iso term explores around them.
 * - A fraction of every batch is drawn uniformly at random, so regions no elite is near still
 *   get visited (the archive only knows what has been seen).
 * Coordinates leaving [0, 1] are reflected back in.
 */

/** Settings of {@link proposeBatch}. */
export interface ProposalSettings {
  /** Isotropic mutation step, in unit-cube coordinates. */
  sigmaIso: number;
  /** Step along the line to a second elite. */
  sigmaLine: number;
  /** Fraction of each batch drawn uniformly at random. */
  randomFraction: number;
}

/**
 * The defaults. Vassiliades & Mouret used 0.01 / 0.2; an isotropic step of 0.02 of each range
 * kept more children of a rare oscillating elite oscillating than 0.05 did (123 against 79
 * oscillating sets in the run of the module comment).
 */
export const PROPOSAL_DEFAULTS: Readonly<ProposalSettings> = Object.freeze({ sigmaIso: 0.02, sigmaLine: 0.2, randomFraction: 0.1 });

/** One elite as the proposer sees it: its parameters in the unit cube, how rare and how curious it is. */
export interface EliteView {
  unit: Float64Array;
  /** Curiosity score (see the module comment); 0 for an elite with no children yet. @default 0 */
  curiosity?: number;
  /** Passed through to the proposals: which elite each child came from (e.g. its sample id). */
  id?: number;
  /** Samples in the elite's cell (1 if not given). */
  count?: number;
}

/** A proposed point and the elite it was mutated from (-1: drawn at random). */
export interface Proposal {
  unit: Float64Array;
  parent: number;
}

/** Bounds of the curiosity exponent: no elite is picked 2^10 times more often than another. */
const CURIOSITY_RANGE = [-4, 6] as const;

/** Standard normal deviate from a uniform generator (Box–Muller; one of the pair is enough here). */
function normal(random: () => number): number {
  const u = 1 - random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** Reflects x into [0, 1]. */
function reflect(x: number): number {
  let v = x;
  for (let k = 0; k < 4 && (v < 0 || v > 1); k++) v = v < 0 ? -v : 2 - v;
  return Math.min(1, Math.max(0, v));
}

/**
 * `count` new points of the unit cube (dimension `dims`) from the elites. Deterministic for a
 * given `random` generator; an empty archive gives uniform random points.
 */
export function proposeBatch(
  elites: readonly EliteView[],
  count: number,
  dims: number,
  random: () => number,
  settings: ProposalSettings = PROPOSAL_DEFAULTS,
): Proposal[] {
  const weights = elites.map((e) => 2 ** Math.min(CURIOSITY_RANGE[1], Math.max(CURIOSITY_RANGE[0], e.curiosity ?? 0)) / (e.count ?? 1));
  const cumulative: number[] = [];
  let total = 0;
  for (const w of weights) cumulative.push((total += w));
  const pick = (): EliteView => {
    const r = random() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! > r) hi = mid;
      else lo = mid + 1;
    }
    return elites[lo]!;
  };
  const out: Proposal[] = [];
  const randomCount = elites.length === 0 ? count : Math.round(count * settings.randomFraction);
  for (let k = 0; k < count; k++) {
    const child = new Float64Array(dims);
    let parent = -1;
    if (k < randomCount) {
      for (let d = 0; d < dims; d++) child[d] = random();
    } else {
      const a = pick();
      const b = pick();
      const line = normal(random) * settings.sigmaLine;
      for (let d = 0; d < dims; d++) child[d] = reflect(a.unit[d]! + settings.sigmaIso * normal(random) + line * (b.unit[d]! - a.unit[d]!));
      parent = a.id ?? -1;
    }
    out.push({ unit: child, parent });
  }
  return out;
}
