import { describe, expect, it } from 'vitest';
import { loadBuiltin, readTrace } from '../test-support/index.js';
import { analyzeSeries } from './analysis.js';
import type { BuiltinNetworkName } from './builtin.js';
import { NetworkTooLargeError, OptionsError } from './errors.js';
import { makeChainNetwork } from './network/chain.js';
import { compileNetwork } from './network/compile.js';
import type { Network, PenNetwork, ReactionsNetwork } from './network/types.js';
import { validateNetwork } from './network/validate.js';
import { extractSeries, MAX_TRAJECTORY_VALUES, simulate, type SimulationResult } from './simulate.js';
import { SOLVER_DEFINITIONS, SOLVERS } from './solvers.js';

/** Largest |simulated - reference| / (reference column range) over every column and time. */
function worstError(result: SimulationResult, trace: ReturnType<typeof readTrace>): { error: number; column: string; t: number } {
  const n = result.names.length;
  const step = result.t[1]! - result.t[0]!;
  let worst = { error: 0, column: '', t: 0 };
  trace.columns.slice(1).forEach((column, c) => {
    const i = result.names.indexOf(column);
    expect(i, `column ${column} of the reference is a state of the simulation`).toBeGreaterThanOrEqual(0);
    let min = Infinity;
    let max = -Infinity;
    for (const row of trace.rows) {
      min = Math.min(min, row[c + 1]!);
      max = Math.max(max, row[c + 1]!);
    }
    const range = Math.max(max - min, 1e-12);
    for (const row of trace.rows) {
      const k = Math.round(row[0]! / step);
      const error = Math.abs(result.y[k * n + i]! - row[c + 1]!) / range;
      if (error > worst.error) worst = { error, column, t: row[0]! };
    }
  });
  return worst;
}

const REFERENCES: [BuiltinNetworkName, string][] = [
  ['oscillator', 'oscillator'],
  ['oscillator-damped', 'oligator-30-1-80'],
  ['switch', 'switch-a'],
  ['amplifier', 'amplifier-50'],
  ['predator-prey', 'predator-prey'],
  ['oscillator-montagne2011', 'oscillator-montagne2011'],
];

describe('simulate: the reference traces (../shared/reference/traces)', () => {
  // Criterion: every column within 1e-3 of its range at every time, with default settings.
  // The DACCAD traces themselves agree with a Radau solution to ~1.5e-4 of range.
  describe.each(SOLVERS)('%s, default tolerances', (solver) => {
    it.each(REFERENCES)('%s reproduces %s.csv', (name, file) => {
      const result = simulate(loadBuiltin(name), { solver });
      expect(result.outcome).toBe('converged');
      const trace = readTrace(file);
      expect(result.t.length).toBeGreaterThanOrEqual(Math.round(trace.rows[trace.rows.length - 1]![0]!) + 1);
      const worst = worstError(result, trace);
      expect(worst.error, `${worst.column} at t = ${worst.t}`).toBeLessThan(1e-3);
    });
  });
});

describe('simulate: conservation', () => {
  it.each(['oscillator', 'switch', 'oscillator-damped'] as BuiltinNetworkName[])(
    '%s: every template state sum equals its concentration to 1e-9 relative',
    (name) => {
      const model = compileNetwork(loadBuiltin(name));
      const result = simulate(model);
      const n = model.size;
      model.templates.forEach((template, ti) => {
        const total = model.templateTotals[ti]!;
        for (let k = 0; k < result.t.length; k++) {
          let sum = 0;
          for (const i of template.stateIndices) sum += result.y[k * n + i]!;
          expect(Math.abs(sum - total)).toBeLessThanOrEqual(1e-9 * total);
        }
      });
    },
  );

  it('concentrations never go meaningfully negative', () => {
    for (const name of ['oscillator', 'predator-prey', 'switch'] as BuiltinNetworkName[]) {
      const result = simulate(loadBuiltin(name));
      let min = Infinity;
      for (const v of result.y) min = Math.min(min, v);
      expect(min, name).toBeGreaterThan(-1e-9);
    }
  });
});

/** A reactions network from a few fields. */
function reactions(doc: Omit<ReactionsNetwork, 'schemaVersion' | 'kind' | 'name'>): Network {
  return validateNetwork({ schemaVersion: 1, kind: 'reactions', name: 'closed-form', ...doc }, 'closed-form.json');
}

describe('simulate: closed forms', () => {
  it('first-order decay X -> 0: X0 exp(-k t)', () => {
    const net = reactions({ species: [{ name: 'X', initial: 50 }], reactions: [{ id: 'd', reactants: ['X'], products: [], k: 0.05 }] });
    const result = simulate(net, { tEnd: 200, step: 0.5 });
    result.t.forEach((t, k) => expect(Math.abs(result.y[k]! - 50 * Math.exp(-0.05 * t))).toBeLessThan(1e-6 * 50 * Math.exp(-0.05 * t) + 1e-12));
  });

  it('reversible binding A + B <-> C: the Riccati closed form and its equilibrium', () => {
    const [kf, kr, A0, B0] = [0.2, 3, 20, 35];
    const net = reactions({
      species: [{ name: 'A', initial: A0 }, { name: 'B', initial: B0 }, { name: 'C' }],
      reactions: [{ id: 'bind', reactants: ['A', 'B'], products: ['C'], k: kf, kr }],
    });
    // dC/dt = kf (C - r1)(C - r2) with r1 < r2 the roots of kf C^2 - (kf (A0 + B0) + kr) C + kf A0 B0;
    // with C(0) = 0: C = (r1 - r2 q) / (1 - q), q = (r1/r2) exp(-kf (r2 - r1) t).
    const b = kf * (A0 + B0) + kr;
    const disc = Math.sqrt(b * b - 4 * kf * kf * A0 * B0);
    const [r1, r2] = [(b - disc) / (2 * kf), (b + disc) / (2 * kf)];
    const result = simulate(net, { tEnd: 5, step: 0.01 });
    result.t.forEach((t, k) => {
      const q = (r1 / r2) * Math.exp(-kf * (r2 - r1) * t);
      const C = (r1 - r2 * q) / (1 - q);
      expect(Math.abs(result.y[k * 3 + 2]! - C)).toBeLessThan(1e-6 * r1);
    });
    // At equilibrium kf [A][B] = kr [C].
    const last = result.t.length - 1;
    const [A, B, C] = [result.y[last * 3]!, result.y[last * 3 + 1]!, result.y[last * 3 + 2]!];
    expect(Math.abs(kf * A * B - kr * C) / (kr * C)).toBeLessThan(1e-6);
  });

  it('a saturated pool: X -> 0 at k X / (1 + X/K) follows ln(X/X0) + (X - X0)/K = -k t', () => {
    const [k, K, X0] = [2, 5, 400];
    const net = reactions({
      species: [{ name: 'X', initial: X0 }],
      pools: { enzyme: { X: K } },
      reactions: [{ id: 'd', reactants: ['X'], products: [], k, pool: 'enzyme' }],
    });
    const result = simulate(net, { tEnd: 50, step: 0.25 });
    result.t.forEach((t, i) => {
      const X = result.y[i]!;
      // Zero-order (saturated, slope -k K) while X >> K, first order later: the implicit closed
      // form covers both. Checked while X > 1e-6 nM, where the relative tolerance (not atol) rules.
      if (X > 1e-6) expect(Math.abs(Math.log(X / X0) + (X - X0) / K + k * t)).toBeLessThan(1e-5);
    });
    expect(result.y.at(-1)).toBeLessThan(1e-3);
    // Early on it is saturated: close to the zero-order slope -k K = -10 nM/min.
    expect((X0 - result.y[4]!) / result.t[4]!).toBeGreaterThan(0.95 * k * K);
  });
});

describe('simulate: behaviour', () => {
  it('the oscillator oscillates with a period of ~293 min and free a between 0.088 and 19.45 nM', () => {
    const result = simulate(loadBuiltin('oscillator'));
    const a = extractSeries(result, 'a');
    const late = (k: number) => k >= 3000;
    const analysis = analyzeSeries(
      result.t.filter((_, k) => late(k)),
      a.filter((_, k) => late(k)),
      { skipFraction: 0 },
    );
    expect(analysis.behaviour).toBe('oscillating');
    expect(analysis.period).toBeGreaterThan(293 * 0.98);
    expect(analysis.period).toBeLessThan(293 * 1.02);
    expect(analysis.max).toBeCloseTo(19.45, 1);
    expect(analysis.min).toBeGreaterThan(0.088 * 0.9);
    expect(analysis.min).toBeLessThan(0.088 * 1.1);
    expect(analysis.amplitude).toBeGreaterThan(18);
  });

  it('the damped oligator loses amplitude every cycle', () => {
    const result = simulate(loadBuiltin('oscillator-damped'));
    const analysis = analyzeSeries(result.t, extractSeries(result, 'a'));
    expect(analysis.behaviour).toBe('damped-oscillation');
    expect(analysis.amplitudeRatio).toBeLessThan(0.7);
  });

  it('the switch settles in the state its initial bias selects, and in the mirror state from the opposite bias', () => {
    const net = loadBuiltin('switch') as PenNetwork;
    const aBiased = simulate(net);
    expect(extractSeries(aBiased, 'a').at(-1)).toBeCloseTo(57.31, 1);
    expect(extractSeries(aBiased, 'b').at(-1)).toBeLessThan(0.01);
    const mirror = structuredClone(net);
    mirror.strands.find((s) => s.name === 'a')!.initial = 0.5;
    mirror.strands.find((s) => s.name === 'b')!.initial = 10;
    const bBiased = simulate(mirror);
    // The topology is symmetric, so the b state is the exact mirror of the a state.
    expect(extractSeries(bBiased, 'b').at(-1)).toBeCloseTo(57.31, 1);
    expect(extractSeries(bBiased, 'a').at(-1)).toBeLessThan(0.01);
    expect(analyzeSeries(bBiased.t, extractSeries(bBiased, 'b')).behaviour).toBe('settles-high');
    expect(analyzeSeries(bBiased.t, extractSeries(bBiased, 'a')).behaviour).toBe('settles-low');
  });

  it('the amplifier grows sigmoidally to a plateau of 79.0 nM, half-way at ~7 min', () => {
    const result = simulate(loadBuiltin('amplifier'), { step: 0.1 });
    const a = extractSeries(result, 'a');
    const plateau = a.at(-1)!;
    expect(plateau).toBeCloseTo(79.0, 1);
    // a first drops (strands bind the template), then grows: find the first time past half the plateau.
    const half = result.t[a.findIndex((v) => v >= plateau / 2)]!;
    expect(half).toBeGreaterThan(5);
    expect(half).toBeLessThan(9);
  });
});

describe('simulate: options', () => {
  it('uses the network time grid by default and honours tEnd/step overrides exactly', () => {
    const net = loadBuiltin('amplifier');
    expect(simulate(net).t.length).toBe(301);
    const r = simulate(net, { tEnd: 10, step: 0.25 });
    expect(Array.from(r.t.slice(0, 5))).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(r.t.at(-1)).toBe(10);
  });

  it('reports a step budget that runs out as an outcome and leaves NaN after the last filled row', () => {
    const r = simulate(loadBuiltin('oscillator'), { maxSteps: 50 });
    expect(r.outcome).toBe('max-steps');
    expect(r.filled).toBeLessThan(r.t.length);
    expect(Number.isNaN(r.y[r.y.length - 1]!)).toBe(true);
  });
});

/** Largest |a - b| / (range of a's column, at least `floor`) over every state and time. */
function worstDifference(a: SimulationResult, b: SimulationResult, floor = 1e-9): number {
  const n = a.names.length;
  let worst = 0;
  for (let i = 0; i < n; i++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let k = 0; k < a.t.length; k++) {
      lo = Math.min(lo, a.y[k * n + i]!);
      hi = Math.max(hi, a.y[k * n + i]!);
    }
    const range = Math.max(hi - lo, floor);
    for (let k = 0; k < a.t.length; k++) worst = Math.max(worst, Math.abs(a.y[k * n + i]! - b.y[k * n + i]!) / range);
  }
  return worst;
}

describe('simulate: networks compiled for size (sparse + low-rank Jacobian, Woodbury LU)', () => {
  it.each(REFERENCES)('%s compiled for size reproduces %s.csv', (name, file) => {
    const model = compileNetwork(loadBuiltin(name), { jacobianStorage: 'sparse-low-rank' });
    const result = simulate(model);
    expect(result.outcome).toBe('converged');
    const worst = worstError(result, readTrace(file));
    expect(worst.error, `${worst.column} at t = ${worst.t}`).toBeLessThan(1e-3);
  });

  it('a chain of 30 strands (175 states) agrees with odex at rtol 1e-11 to 1e-5 of each range', () => {
    const net = makeChainNetwork({ strands: 30 });
    const model = compileNetwork(net);
    expect(model.jacobianStorage).toBe('sparse-low-rank');
    const result = simulate(model);
    // odex is explicit: no Jacobian and no linear algebra, an independent solution.
    const reference = simulate(net, { solver: 'odex', rtol: 1e-11, atol: 1e-15 });
    expect([result.outcome, reference.outcome]).toEqual(['converged', 'converged']);
    expect(worstDifference(reference, result)).toBeLessThan(1e-5);
  });

  it('a chain of 300 strands (1795 states) conserves every template and stays non-negative', () => {
    const model = compileNetwork(makeChainNetwork({ strands: 300 }));
    const result = simulate(model);
    expect(result.outcome).toBe('converged');
    expect(model.sparseSolver.fallbacks).toBe(0);
    const n = model.size;
    let min = Infinity;
    for (const v of result.y) min = Math.min(min, v);
    expect(min).toBeGreaterThan(-1e-9);
    model.templates.forEach((template, ti) => {
      const total = model.templateTotals[ti]!;
      for (let k = 0; k < result.t.length; k += 10) {
        let sum = 0;
        for (const i of template.stateIndices) sum += result.y[k * n + i]!;
        expect(Math.abs(sum - total)).toBeLessThanOrEqual(1e-9 * total);
      }
    });
  });
});

describe('simulate: solvers and limits', () => {
  it.each(SOLVER_DEFINITIONS.map((d) => [d.name, d] as const))('%s: defaults come from the registry', (name, definition) => {
    const result = simulate(loadBuiltin('amplifier'), { solver: name, tEnd: 20 });
    expect(result.outcome).toBe('converged');
    expect(result.solver).toEqual({ name, rtol: definition.rtol, atol: definition.atol });
  });

  it.each(['gear', 'constructor', '__proto__'])('refuses the solver %j, listing the registered ones', (solver) => {
    const call = () => simulate(loadBuiltin('amplifier'), { solver: solver as never });
    expect(call).toThrow(OptionsError);
    expect(call).toThrow(`expected one of ${SOLVERS.join(', ')}`);
  });

  it(`refuses a trajectory of more than ${MAX_TRAJECTORY_VALUES} numbers before allocating it`, () => {
    const model = compileNetwork(makeChainNetwork({ strands: 10 }));
    const call = () => simulate(model, { tEnd: 999_999, step: 1 });
    expect(call).toThrow(NetworkTooLargeError);
    expect(call).toThrow(`1000000 output times x ${model.size} state variables`);
  });
});
