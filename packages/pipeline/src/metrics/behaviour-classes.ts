/**
 * Distinct behaviours, as the exploration issue counts them: a class is a behaviour label
 * (`analyzeSeries`: oscillating, damped-oscillation, settles-high, ...) x a period decile x an
 * amplitude decile, the deciles taken over the union of every method's finds with that label
 * (so no method's own distribution sets the bins). Labels without a period (a switch, a
 * decay) have one period bin; their "amplitude" is the final level, the switching level a
 * researcher reads off such a trace. Deciles are quantiles: the count does not depend on
 * whether periods are measured in minutes or hours, or amplitudes on a log scale.
 */
import type { BehaviourClass } from '../report/explore-types.js';
import { finalLevel } from './behaviour.js';

/** What the classes are made from, for one converged trace. */
export interface BehaviourSummary {
  label: string;
  /** Period (time units of the grid), for oscillating labels. */
  period: number | null;
  /** Oscillation amplitude, or the final level for labels without oscillation (the strand's units). */
  amplitude: number;
}

const WITH_PERIOD = new Set(['oscillating', 'damped-oscillation']);

/**
 * The summary of a converged row (its window as series x scale + offset), or null for a row
 * without a trace.
 */
export function summarizeBehaviour(row: {
  behaviour: string | null;
  period: number | null;
  amplitude: number | null;
  series: Float32Array | null;
  offset: number | null;
  scale: number | null;
}): BehaviourSummary | null {
  if (row.behaviour === null || !row.series || row.offset === null || row.scale === null) return null;
  if (WITH_PERIOD.has(row.behaviour) && row.period !== null && row.amplitude !== null) {
    return { label: row.behaviour, period: row.period, amplitude: row.amplitude };
  }
  return { label: row.behaviour, period: null, amplitude: finalLevel(row.series) * row.scale + row.offset };
}

/** Decile edges per label (the 10th, 20th, ..., 90th percentiles). */
export type ClassEdges = Map<string, { period: number[] | null; amplitude: number[] }>;

/** The 9 inner decile edges of values (linear interpolation between order statistics). */
function decileEdges(values: number[]): number[] {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (v.length === 0) return [];
  return Array.from({ length: 9 }, (_, k) => {
    const pos = ((k + 1) / 10) * (v.length - 1);
    const lo = Math.floor(pos);
    const f = pos - lo;
    return v[lo]! * (1 - f) + v[Math.min(v.length - 1, lo + 1)]! * f;
  });
}

/** Decile edges per label over every summary given (the union of all methods' finds). */
export function fitClassEdges(summaries: Iterable<BehaviourSummary>): ClassEdges {
  const byLabel = new Map<string, { period: number[]; amplitude: number[] }>();
  for (const s of summaries) {
    let entry = byLabel.get(s.label);
    if (!entry) byLabel.set(s.label, (entry = { period: [], amplitude: [] }));
    if (s.period !== null) entry.period.push(s.period);
    entry.amplitude.push(s.amplitude);
  }
  const edges: ClassEdges = new Map();
  for (const [label, e] of byLabel) edges.set(label, { period: WITH_PERIOD.has(label) ? decileEdges(e.period) : null, amplitude: decileEdges(e.amplitude) });
  return edges;
}

/** Decile (1-10) of v: 1 + the number of edges below it. */
function binOf(edges: readonly number[], v: number): number {
  let k = 0;
  while (k < edges.length && v > edges[k]!) k++;
  return k + 1;
}

/** The class of one summary; its label must be among the edges' labels. */
export function classOf(edges: ClassEdges, s: BehaviourSummary): BehaviourClass {
  const e = edges.get(s.label);
  if (!e) throw new Error(`classOf: no decile edges for the label "${s.label}" (fit them on a set that contains it)`);
  return { label: s.label, periodBin: e.period && s.period !== null ? binOf(e.period, s.period) : null, amplitudeBin: binOf(e.amplitude, s.amplitude) };
}

/** A class as one string, for sets and sorting: `label|period bin|amplitude bin`. */
export function classKey(c: BehaviourClass): string {
  return `${c.label}|${c.periodBin ?? '-'}|${c.amplitudeBin}`;
}
