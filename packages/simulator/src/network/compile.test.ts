import { describe, expect, it } from 'vitest';
import { loadBuiltin } from '../../test-support/index.js';
import { BUILTIN_NETWORKS } from '../builtin.js';
import { NetworkTooLargeError, StructureMismatchError } from '../errors.js';
import { makeChainNetwork } from './chain.js';
import { compileNetwork, generateNetworkSource, LARGE_NETWORK_MIN_STATES, MAX_STATE_VARIABLES } from './compile.js';
import { DEFAULT_PEN_PARAMETERS } from './defaults.js';
import type { Network, PenNetwork, ReactionsNetwork } from './types.js';
import { validateNetwork } from './validate.js';

/** Park–Miller minimal standard generator: deterministic test states. */
function rng(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 16807) % 2147483647) / 2147483647;
}

/**
 * The template-state model written out directly from section 3 of the model doc, state by
 * state, with no reactions and no pools: an independent implementation to check the
 * expansion + compiler against. Returns d/dt of every named state.
 */
function directPenRhs(net: PenNetwork, x: Map<string, number>): Map<string, number> {
  const p = { ...DEFAULT_PEN_PARAMETERS, ...net.parameters };
  const k = p.kduplex;
  const K = new Map(net.strands.map((s) => [s.name, s.K]));
  const type = new Map(net.strands.map((s) => [s.name, s.type]));
  const v = (name: string) => x.get(name) ?? 0;
  const pos = (a: number) => Math.max(a, 0);
  const name = (t: (typeof net.templates)[number]) => t.name ?? `${t.input}->${t.output}`;
  // 3.1 shared enzymes
  let sPol = 1;
  let sNick = 1;
  let sExo = 1;
  for (const t of net.templates) {
    sPol += pos(v(`${name(t)}.input`)) / p.polKm + pos(v(`${name(t)}.both`)) / p.polKmBoth;
    sNick += pos(v(`${name(t)}.extended`)) / p.nickKm;
  }
  for (const s of net.strands) sExo += pos(v(s.name)) / (s.type === 'signal' ? p.exoKmSimple : p.exoKmInhib);
  const pol = (p.polConc * p.polVm) / (p.polKm * sPol);
  const polboth = (p.polConc * p.polVm) / (p.polKmBoth * sPol);
  const nick = (p.nickConc * p.nickVm) / (p.nickKm * sNick);
  const d = new Map<string, number>();
  const add = (key: string, val: number) => d.set(key, (d.get(key) ?? 0) + val);
  for (const s of net.strands) {
    const km = s.type === 'signal' ? p.exoKmSimple : p.exoKmInhib;
    add(s.name, -(p.exoConc * p.exoVm * v(s.name)) / (km * sExo));
  }
  for (const t of net.templates) {
    const T = name(t);
    const [u, o, h] = [t.input, t.output, t.inhibitor];
    const xu = v(u),
      xo = v(o),
      xh = h ? v(h) : 0;
    const Ku = K.get(u)!,
      Ko = K.get(o)!,
      Kh = h ? K.get(h)! : 0;
    const st = t.stack ?? p.stack,
      dL = t.dangleL ?? p.dangleL,
      dR = t.dangleR ?? p.dangleR;
    const producer = h ? net.templates.find((q) => q.output === h) : undefined;
    const alpha = p.alphaBase * p.inhibDangleSlowdown * (producer ? (producer.dangleR ?? p.dangleR) : 1);
    const A = v(`${T}.alone`),
      I = v(`${T}.input`),
      O = v(`${T}.output`),
      B = v(`${T}.both`),
      E = v(`${T}.extended`);
    const H = h ? v(`${T}.inhibited`) : 0;
    const pd = type.get(o) === 'inhibitor' ? p.displ * polboth : pol;
    const rL = p.ratioLeft,
      rR = p.ratioRight;
    add(`${T}.alone`, k * (dL * Ku * I + dR * Ko * O - A * (xu + xo) + alpha * Kh * H - xh * A));
    add(`${T}.input`, k * (xu * A + (st / dL) * Ko * B - I * (dL * Ku + xo) + rL * xu * H - xh * I) - pol * I);
    add(`${T}.output`, k * (xo * A + (st / dR) * Ku * B - O * (dR * Ko + xu) + rR * xo * H - xh * O));
    add(`${T}.both`, k * (xu * O + xo * I - B * ((st / dR) * Ku + (st / dL) * Ko)) + nick * E - pd * B);
    add(`${T}.extended`, pol * I + pd * B - nick * E);
    if (h) add(`${T}.inhibited`, k * (xh * (A + I + O) - alpha * Kh * H - H * (rL * xu + rR * xo)));
    add(u, k * (Ku * (dL * I + (st / dR) * B) + xh * I - xu * (A + O + rL * H)));
    add(o, k * (Ko * (dR * O + (st / dL) * B) + xh * O - xo * (A + I + rR * H)) + pd * B);
    if (h) add(h, k * (alpha * Kh * H - xh * (A + I + O) + H * (rL * xu + rR * xo)));
  }
  return d;
}

/** A network with other topologies and per-template overrides than the built-ins. */
const CUSTOM: PenNetwork = validateNetwork(
  {
    schemaVersion: 1,
    kind: 'pen',
    name: 'custom',
    strands: [
      { name: 'x', type: 'signal', K: 50, initial: 3 },
      { name: 'y', type: 'signal', K: 90 },
      { name: 'z', type: 'signal', K: 20, initial: 1 },
      { name: 'hx', type: 'inhibitor', K: 0.4 },
      { name: 'hz', type: 'inhibitor', K: 0.1 },
    ],
    templates: [
      { input: 'x', output: 'x', concentration: 25, inhibitor: 'hx', stack: 0.35, dangleL: 1.4 },
      { input: 'x', output: 'y', concentration: 10, dangleR: 0.7 },
      { input: 'y', output: 'hx', concentration: 30, dangleR: 2.5 },
      { name: 'z-amp', input: 'z', output: 'z', concentration: 15, inhibitor: 'hz' },
      { input: 'y', output: 'hz', concentration: 5, stack: 0.05 },
      { name: 'y-leak', input: 'y', output: 'z', concentration: 2 },
    ],
    parameters: { kduplex: 0.15, polVm: 900, nickKm: 25, exoConc: 0.8, displ: 0.3, ratioLeft: 0.01 },
    time: { end: 500, step: 1 },
  },
  'custom.json',
) as PenNetwork;

const PEN_CASES: [string, PenNetwork][] = [
  ['oscillator', loadBuiltin('oscillator') as PenNetwork],
  ['switch', loadBuiltin('switch') as PenNetwork],
  ['amplifier', loadBuiltin('amplifier') as PenNetwork],
  ['custom (overrides, two inhibitors, named templates)', CUSTOM],
];

describe('compileNetwork', () => {
  describe.each(PEN_CASES)('%s: expansion + compiled rhs equals the section-3 equations', (_label, net) => {
    it.each([true, false])('codegen=%s', (codegen) => {
      const model = compileNetwork(net, { codegen });
      const random = rng(7);
      const dy = new Float64Array(model.size);
      for (let trial = 0; trial < 20; trial++) {
        const y = new Float64Array(model.size);
        // Include exact zeros and (tiny) negatives: the pools clamp at 0.
        for (let i = 0; i < y.length; i++) y[i] = trial === 0 ? model.y0[i]! : random() < 0.1 ? -1e-6 * random() : 60 * random();
        model.rhs(0, y, dy);
        const direct = directPenRhs(net, new Map(model.stateNames.map((s, i) => [s, y[i]!])));
        model.stateNames.forEach((s, i) => {
          const expected = direct.get(s)!;
          expect(Math.abs(dy[i]! - expected)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(expected)));
        });
      }
    });
  });

  it.each(BUILTIN_NETWORKS)('%s: analytic Jacobian matches central differences', (name) => {
    const model = compileNetwork(loadBuiltin(name));
    const n = model.size;
    const random = rng(11);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) y[i] = 0.1 + 50 * random();
    const J = new Float64Array(n * n);
    model.jacobian(0, y, J);
    const fp = new Float64Array(n);
    const fm = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      const h = 1e-5 * Math.max(1, Math.abs(y[j]!));
      const yp = y.slice();
      const ym = y.slice();
      yp[j]! += h;
      ym[j]! -= h;
      model.rhs(0, yp, fp);
      model.rhs(0, ym, fm);
      for (let i = 0; i < n; i++) {
        const fd = (fp[i]! - fm[i]!) / (2 * h);
        // Central differences are accurate to ~h^2 * f''' (~1e-7 relative here).
        expect(Math.abs(fd - J[i * n + j]!)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(fd)));
        // The declared sparsity pattern covers every non-zero.
        if (J[i * n + j] !== 0) expect(model.jacobianPattern[i * n + j]).toBe(1);
      }
    }
  });

  it('generated and interpreted back ends agree on rhs and Jacobian', () => {
    const a = compileNetwork(CUSTOM, { codegen: true });
    const b = compileNetwork(CUSTOM, { codegen: false });
    const random = rng(3);
    const y = Float64Array.from({ length: a.size }, () => 40 * random());
    const [da, db] = [new Float64Array(a.size), new Float64Array(a.size)];
    const [ja, jb] = [new Float64Array(a.size ** 2), new Float64Array(a.size ** 2)];
    a.rhs(0, y, da);
    b.rhs(0, y, db);
    a.jacobian(0, y, ja);
    b.jacobian(0, y, jb);
    for (let i = 0; i < da.length; i++) expect(da[i]).toBeCloseTo(db[i]!, 10);
    for (let i = 0; i < ja.length; i++) expect(ja[i]).toBeCloseTo(jb[i]!, 10);
  });

  it('exposes the generated source: run on its own numbers it is the interpreted model, in a vocabulary C shares', () => {
    const source = generateNetworkSource(CUSTOM);
    const interpreted = compileNetwork(CUSTOM, { codegen: false });
    expect(source.size).toBe(interpreted.size);
    expect(source.stateNames).toEqual(interpreted.stateNames);
    expect(Array.from(source.y0)).toEqual(Array.from(interpreted.y0));
    const rhs = new Function('y', 'v', 'dy', source.rhs) as (y: Float64Array, v: Float64Array, dy: Float64Array) => void;
    const jacobian = new Function('y', 'v', 'J', source.jacobian) as (y: Float64Array, v: Float64Array, J: Float64Array) => void;
    const random = rng(5);
    const y = Float64Array.from({ length: source.size }, () => 40 * random());
    const [da, db] = [new Float64Array(source.size), new Float64Array(source.size)];
    const [ja, jb] = [new Float64Array(source.size ** 2).fill(Number.NaN), new Float64Array(source.size ** 2)];
    rhs(y, source.values, da);
    interpreted.rhs(0, y, db);
    jacobian(y, source.values, ja);
    interpreted.jacobian(0, y, jb);
    for (let i = 0; i < da.length; i++) expect(da[i]).toBeCloseTo(db[i]!, 10);
    for (let i = 0; i < ja.length; i++) expect(ja[i]).toBeCloseTo(jb[i]!, 10);
    // bench/simulator.js translates these statements to C word for word: only these words may appear.
    const words = new Set(`${source.rhs}\n${source.jacobian}`.match(/[A-Za-z_]\w*/g));
    const allowed = /^(const|if|y|v|dy|J|fill|w|iD\d+|r\d+|d\d+_\d+|u\d+_\d+)$/;
    expect([...words].filter((word) => !allowed.test(word))).toEqual([]);
  });

  it('names states as in the reference traces and initialises templates alone', () => {
    const model = compileNetwork(loadBuiltin('oscillator'));
    expect(model.observables).toEqual(['a', 'b', 'i']);
    expect(model.stateNames).toContain('a->a.inhibited');
    expect(model.stateNames).not.toContain('a->b.inhibited');
    expect(model.y0[model.stateNames.indexOf('a->a.alone')]).toBe(40);
    expect(model.y0[model.stateNames.indexOf('a')]).toBe(5);
    expect(model.templates.map((t) => t.name)).toEqual(['a->a', 'a->b', 'b->i']);
  });

  it('takes new values without recompiling, and refuses another structure', () => {
    const net = loadBuiltin('oscillator') as PenNetwork;
    const model = compileNetwork(net);
    const rhsBefore = model.rhs;
    const changed = structuredClone(net);
    changed.templates[0]!.concentration = 55;
    changed.strands[0]!.initial = 7;
    changed.parameters = { exoVm: 250 };
    model.setValues(changed);
    expect(model.rhs).toBe(rhsBefore);
    const fresh = compileNetwork(changed);
    expect(Array.from(model.y0)).toEqual(Array.from(fresh.y0));
    const y = Float64Array.from(fresh.y0, (v, i) => v + i);
    const [d1, d2] = [new Float64Array(model.size), new Float64Array(model.size)];
    model.rhs(0, y, d1);
    fresh.rhs(0, y, d2);
    expect(Array.from(d1)).toEqual(Array.from(d2));

    const other = structuredClone(net);
    delete other.templates[0]!.inhibitor;
    expect(() => model.setValues(other)).toThrow(StructureMismatchError);
  });

  describe('the sparse + low-rank Jacobian (networks compiled for size)', () => {
    const cases: [string, Network][] = [
      ...BUILTIN_NETWORKS.map((name): [string, Network] => [name, loadBuiltin(name)]),
      ['custom', CUSTOM],
      ['chain of 12 strands', makeChainNetwork({ strands: 12 })],
    ];
    it.each(cases)('%s: S + sum a_q b_q^T equals the row-major Jacobian', (_label, net) => {
      const model = compileNetwork(net, { jacobianStorage: 'dense' });
      const n = model.size;
      const { layout, evaluate } = model.sparseLowRankJacobian;
      const nnz = layout.col.length;
      const random = rng(5);
      const values = new Float64Array(nnz + 2 * layout.rank * n);
      const J = new Float64Array(n * n);
      for (let trial = 0; trial < 5; trial++) {
        // Zeros and small negatives too: the pools' clamp decides which b_q entries vanish.
        const y = Float64Array.from({ length: n }, () => (random() < 0.15 ? -1e-6 * random() : random() < 0.1 ? 0 : 50 * random()));
        model.jacobian(0, y, J);
        evaluate(0, y, values);
        const rebuilt = new Float64Array(n * n);
        for (let i = 0; i < n; i++) for (let e = layout.rowStart[i]!; e < layout.rowStart[i + 1]!; e++) rebuilt[i * n + layout.col[e]!] = values[e]!;
        for (let q = 0; q < layout.rank; q++) {
          for (let i = 0; i < n; i++) {
            const a = values[nnz + q * n + i]!;
            if (a !== 0) for (let j = 0; j < n; j++) rebuilt[i * n + j]! += a * values[nnz + (layout.rank + q) * n + j]!;
          }
        }
        for (let k = 0; k < n * n; k++) expect(Math.abs(rebuilt[k]! - J[k]!)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(J[k]!)));
      }
      // S holds the mass-action structure only: far fewer entries than the row-major pattern.
      let dense = 0;
      for (const v of model.jacobianPattern) dense += v;
      expect(nnz).toBeLessThanOrEqual(dense);
    });

    it(`compiles networks of ${LARGE_NETWORK_MIN_STATES} states and more for size, smaller ones with generated code`, () => {
      const small = compileNetwork(makeChainNetwork({ strands: 10 }));
      expect(small.size).toBeLessThan(LARGE_NETWORK_MIN_STATES);
      expect([small.jacobianStorage, small.generated]).toEqual(['dense', true]);
      const large = compileNetwork(makeChainNetwork({ strands: 20 }));
      expect(large.size).toBeGreaterThanOrEqual(LARGE_NETWORK_MIN_STATES);
      expect([large.jacobianStorage, large.generated]).toEqual(['sparse-low-rank', false]);
      // Same model either way.
      const forced = compileNetwork(makeChainNetwork({ strands: 20 }), { jacobianStorage: 'dense' });
      const y = Float64Array.from(large.y0, (v, i) => v + (i % 7));
      const [d1, d2] = [new Float64Array(large.size), new Float64Array(large.size)];
      large.rhs(0, y, d1);
      forced.rhs(0, y, d2);
      for (let i = 0; i < d1.length; i++) expect(d1[i]).toBeCloseTo(d2[i]!, 12);
    });

    it('grows with the non-zeros: a chain of 1000 strands (5995 states) has sparse factors', () => {
      const model = compileNetwork(makeChainNetwork({ strands: 1000 }));
      expect(model.size).toBe(5995);
      const { layout } = model.sparseLowRankJacobian;
      expect(layout.col.length).toBeLessThan(12 * model.size);
      const { analysis } = model.sparseSolver;
      expect(analysis.luNonZeros).toBeLessThan(12 * model.size);
      expect(analysis.factorOperations).toBeLessThan(20 * model.size);
    });
  });

  it(`refuses networks of more than ${MAX_STATE_VARIABLES} state variables before building anything`, () => {
    const huge: ReactionsNetwork = {
      schemaVersion: 1,
      kind: 'reactions',
      name: 'huge',
      species: Array.from({ length: MAX_STATE_VARIABLES + 1 }, (_, i) => ({ name: `x${i}` })),
      reactions: [{ id: 'r', reactants: ['x0'], products: [], k: 1 }],
    };
    expect(() => compileNetwork(huge)).toThrow(NetworkTooLargeError);
    expect(() => compileNetwork(huge)).toThrow(`network "huge" has ${MAX_STATE_VARIABLES + 1} state variables; at most ${MAX_STATE_VARIABLES}`);
    const chain = makeChainNetwork({ strands: Math.ceil(MAX_STATE_VARIABLES / 6) + 1 });
    expect(() => compileNetwork(chain)).toThrow(NetworkTooLargeError);
  });
});
