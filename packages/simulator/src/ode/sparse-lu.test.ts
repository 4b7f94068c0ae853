import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadBuiltin } from '../../test-support/index.js';
import { randomSystem, randomVector, relativeError, solveDense, type RandomCase } from '../../test-support/linear-algebra.js';
import type { BuiltinNetworkName } from '../builtin.js';
import { OptionsError } from '../errors.js';
import { compileNetwork } from '../network/compile.js';
import { makeTimeGrid, simulate } from '../simulate.js';
import { integrateRosenbrock, RODAS5P } from './rosenbrock.js';
import { createSparseSolverFactory, MAX_GENERATED_OPERATIONS } from './sparse-lu.js';

describe('createSparseSolverFactory', () => {
  const cases: RandomCase[] = [
    { n: 1, density: 0, dominant: true, seed: 1 },
    { n: 5, density: 0.4, dominant: true, seed: 2 },
    { n: 5, density: 0.4, dominant: false, seed: 3 },
    { n: 19, density: 0.2, dominant: true, seed: 4 },
    { n: 19, density: 0.2, dominant: false, seed: 5 },
    { n: 19, density: 0.5, dominant: false, seed: 6 },
    { n: 40, density: 0.1, dominant: true, seed: 7 },
    { n: 40, density: 0.1, dominant: false, seed: 8 },
    { n: 80, density: 0.05, dominant: false, seed: 9 },
    { n: 80, density: 0.3, dominant: true, seed: 10 },
  ];
  describe.each([true, false])('codegen %s', (codegen) => {
    it.each(cases)('random n=$n density=$density dominant=$dominant seed=$seed matches the dense LU', (c) => {
      const { pattern, J, fac } = randomSystem(c);
      const factory = createSparseSolverFactory(pattern, c.n, { codegen, codegenAfter: 0 });
      // n = 80 at density 0.3 fills in to more than the generator takes: loops either way.
      expect(factory.generated).toBe(codegen && factory.analysis.factorOperations <= MAX_GENERATED_OPERATIONS);
      const solver = factory(c.n);
      expect(solver.kind).toBe('sparse');
      expect(solver.factor(J, fac)).toBe(true);
      for (let k = 0; k < 3; k++) {
        const b = randomVector(c.n, 100 * c.seed + k);
        const x = Float64Array.from(b);
        solver.solve(x);
        expect(relativeError(x, solveDense(J, fac, b))).toBeLessThan(1e-10);
      }
      expect(solver.factorizations).toBe(1);
    });
  });

  it('switches from the loops to generated code after codegenAfter factorisations', () => {
    const { pattern, J, fac } = randomSystem({ n: 12, density: 0.3, dominant: true, seed: 15 });
    const factory = createSparseSolverFactory(pattern, 12, { codegenAfter: 3 });
    const solvers = [factory(12), factory(12)];
    const b = randomVector(12, 16);
    const expected = solveDense(J, fac, b);
    const tiers: boolean[] = [];
    for (let k = 0; k < 3; k++) {
      for (const solver of solvers) {
        expect(solver.factor(J, fac)).toBe(true);
        const x = Float64Array.from(b);
        solver.solve(x);
        expect(relativeError(x, expected)).toBeLessThan(1e-12);
        tiers.push(factory.generated);
      }
    }
    // Counted over both solvers: the third factorisation generates the code.
    expect(tiers).toEqual([false, false, true, true, true, true]);
    expect(factory.factorizations).toBe(6);
    expect(createSparseSolverFactory(pattern, 12, { codegen: false, codegenAfter: 0 }).generated).toBe(false);
  });

  it('needs no fill-in on an arrowhead matrix: the hub is eliminated at the end', () => {
    // Row and column 0 are full. Natural order fills the whole matrix; Markowitz takes the
    // leaves first and creates nothing.
    const n = 10;
    const pattern = new Uint8Array(n * n);
    for (let i = 0; i < n; i++) {
      pattern[i * n + i] = 1;
      pattern[i] = 1;
      pattern[i * n] = 1;
    }
    const { analysis } = createSparseSolverFactory(pattern, n);
    expect(analysis.fillIn).toBe(0);
    expect(analysis.nonZeros).toBe(3 * n - 2);
    expect(analysis.luNonZeros).toBe(3 * n - 2);
    // The last two are a dense 2 x 2 either way: the hub is one of them.
    expect(analysis.order.indexOf(0)).toBeGreaterThanOrEqual(n - 2);
    expect(analysis.factorOperations).toBe(n - 1);
    expect([...analysis.order].sort((a, b) => a - b)).toEqual([...Array(n).keys()]);
  });

  describe('Markowitz order: the sparse-set implementation picks what the dense definition picks', () => {
    /**
     * The definition, on a dense boolean matrix (O(n^3)): at each step the active pivot with the
     * least (r - 1)(c - 1), then the least r + c, then the lowest index; its elimination marks
     * the fill. Returns the order and the number of entries of L + U.
     */
    function referenceOrder(pattern: Uint8Array, n: number): { order: number[]; luNonZeros: number } {
      const s = Uint8Array.from(pattern, (v) => (v ? 1 : 0));
      for (let i = 0; i < n; i++) s[i * n + i] = 1;
      const active = new Uint8Array(n).fill(1);
      const order: number[] = [];
      for (let step = 0; step < n; step++) {
        let best = -1;
        let bestKey = [Infinity, Infinity];
        for (let k = 0; k < n; k++) {
          if (!active[k]) continue;
          let r = 0;
          let c = 0;
          for (let j = 0; j < n; j++) {
            if (!active[j] || j === k) continue;
            r += s[k * n + j]!;
            c += s[j * n + k]!;
          }
          if (r * c < bestKey[0]! || (r * c === bestKey[0] && r + c < bestKey[1]!)) {
            best = k;
            bestKey = [r * c, r + c];
          }
        }
        order.push(best);
        active[best] = 0;
        for (let i = 0; i < n; i++) {
          if (!active[i] || !s[i * n + best]) continue;
          for (let j = 0; j < n; j++) if (active[j] && s[best * n + j]) s[i * n + j] = 1;
        }
      }
      return { order, luNonZeros: s.reduce((a, v) => a + v, 0) };
    }

    const patterns: [string, Uint8Array, number][] = [];
    for (let c = 0; c < 30; c++) {
      const n = 2 + ((c * 7) % 45);
      patterns.push([
        `random n=${n} density ${(0.02 + (c % 6) * 0.06).toFixed(2)}`,
        randomSystem({ n, density: 0.02 + (c % 6) * 0.06, dominant: true, seed: 100 + c }).pattern,
        n,
      ]);
    }
    for (const name of ['oscillator', 'switch', 'oscillator-montagne2011'] as BuiltinNetworkName[]) {
      const model = compileNetwork(loadBuiltin(name));
      patterns.push([name, model.jacobianPattern, model.size]);
    }
    it.each(patterns)('%s', (_label, pattern, n) => {
      const expected = referenceOrder(pattern, n);
      const { analysis } = createSparseSolverFactory(pattern, n);
      expect(Array.from(analysis.order)).toEqual(expected.order);
      expect(analysis.luNonZeros).toBe(expected.luNonZeros);
    });
  });

  it('interprets factorisations too large to generate', () => {
    const n = 40; // dense: sum of k^2 for k < 40 = 20540 multiply-adds
    const { pattern, J, fac } = randomSystem({ n, density: 1, dominant: false, seed: 11 });
    const factory = createSparseSolverFactory(pattern, n, { codegenAfter: 0 });
    expect(factory.analysis.factorOperations).toBeGreaterThan(MAX_GENERATED_OPERATIONS);
    expect(factory.generated).toBe(false);
    const solver = factory(n);
    expect(solver.factor(J, fac)).toBe(true);
    const b = randomVector(n, 12);
    const x = Float64Array.from(b);
    solver.solve(x);
    expect(relativeError(x, solveDense(J, fac, b))).toBeLessThan(1e-10);
  });

  describe('dense fallback', () => {
    const pattern = Uint8Array.from([1, 1, 1, 1]);
    // fac * I - J for fac = 1 and the J below.
    const fallbackCases = [
      { name: 'a zero pivot (permutation matrix)', J: [1, -1, -1, 1], b: [2, 3], x: [3, 2] },
      { name: 'a tiny pivot on a well-conditioned matrix', J: [1 - 1e-12, -1, -1, 0], b: [1, 2], x: [1 / (1 - 1e-12), (1 - 2e-12) / (1 - 1e-12)] },
    ];
    it.each(fallbackCases)('pivots densely on $name and is exact', ({ J, b, x }) => {
      for (const codegen of [true, false]) {
        const factory = createSparseSolverFactory(pattern, 2, { codegen, codegenAfter: 0 });
        expect(factory.generated).toBe(codegen);
        const solver = factory(2);
        expect(solver.factor(Float64Array.from(J), 1)).toBe(true);
        expect(solver.fallbacks).toBe(1);
        expect(factory.fallbacks).toBe(1);
        const v = Float64Array.from(b);
        solver.solve(v);
        expect(v[0]).toBeCloseTo(x[0]!, 14);
        expect(v[1]).toBeCloseTo(x[1]!, 14);

        // The next factorisation is sparse again.
        expect(solver.factor(Float64Array.from([0, 1, 1, 0]), 4)).toBe(true);
        expect(solver.fallbacks).toBe(1);
        expect(solver.factorizations).toBe(2);
        const w = Float64Array.from([3, 3]);
        solver.solve(w); // [[4, -1], [-1, 4]] w = [3, 3]
        expect(w[0]).toBeCloseTo(1, 14);
        expect(w[1]).toBeCloseTo(1, 14);
      }
    });

    it('reports a singular matrix as the dense LU does', () => {
      const solver = createSparseSolverFactory(pattern, 2)(2);
      expect(solver.factor(Float64Array.from([0, -1, -1, 0]), 1)).toBe(false); // [[1, 1], [1, 1]]
      expect(solver.fallbacks).toBe(1);
    });

    it('falls back on non-finite Jacobian entries and reports failure', () => {
      const solver = createSparseSolverFactory(pattern, 2)(2);
      expect(solver.factor(Float64Array.from([Number.NaN, 0, 0, 1]), 3)).toBe(false);
    });

    it('honours pivotTolerance', () => {
      const J = Float64Array.from([0, -1, -1, 0]); // fac * I - J = [[2, 1], [1, 2]]: pivots 2 and 1.5
      const strict = createSparseSolverFactory(pattern, 2, { pivotTolerance: 0.6 })(2);
      expect(strict.factor(J, 2)).toBe(true);
      expect(strict.fallbacks).toBe(1); // 1.5 < 0.6 * (1 + 2)
      const lax = createSparseSolverFactory(pattern, 2, { pivotTolerance: 0.4 })(2);
      expect(lax.factor(J, 2)).toBe(true);
      expect(lax.fallbacks).toBe(0);
    });
  });

  describe('the PEN oscillator', () => {
    const model = compileNetwork(loadBuiltin('oscillator'));
    const n = model.size;
    const run = simulate(model, { tEnd: 1000, step: 50 });
    const states = [0, 2, 5, 11, 20].map((k) => run.y.slice(k * n, (k + 1) * n));

    it('has a Jacobian inside its pattern', () => {
      const J = new Float64Array(n * n);
      for (const y of states) {
        model.jacobian(0, y, J);
        for (let i = 0; i < n * n; i++) if (J[i] !== 0) expect(model.jacobianPattern[i]).toBe(1);
      }
    });

    // fac = 1 / (h gamma) for steps from 1e-3 to 1e3 minutes.
    const facs = [1e-3, 1e-1, 10, 1e3].map((h) => 1 / (h * RODAS5P.gamma));
    it.each(facs)('solves like the dense LU at fac = %d', (fac) => {
      for (const codegen of [true, false]) {
        const factory = createSparseSolverFactory(model.jacobianPattern, n, { codegen, codegenAfter: 0 });
        expect(factory.generated).toBe(codegen);
        const solver = factory(n);
        const J = new Float64Array(n * n);
        states.forEach((y, s) => {
          model.jacobian(0, y, J);
          expect(solver.factor(J, fac)).toBe(true);
          const b = randomVector(n, s + 1);
          const x = Float64Array.from(b);
          solver.solve(x);
          expect(relativeError(x, solveDense(J, fac, b))).toBeLessThan(1e-10);
        });
        expect(factory.fallbacks).toBe(0);
      }
    });
  });

  it.each<BuiltinNetworkName>(['oscillator', 'switch', 'oscillator-montagne2011'])('integrates %s like the dense LU (1e-9 of range)', (name) => {
    const model = compileNetwork(loadBuiltin(name));
    const n = model.size;
    const grid = makeTimeGrid(model.time!.end, model.time!.step);
    const integrate = (linearSolver?: ReturnType<typeof createSparseSolverFactory>) => {
      const out = new Float64Array(grid.length * n);
      const options = { rtol: 1e-7, atol: 1e-14, nonNegative: true };
      const result = integrateRosenbrock(model, model.y0, grid, out, linearSolver ? { ...options, linearSolver } : options);
      expect(result.outcome).toBe('converged');
      return { out, result };
    };
    const dense = integrate();
    // Switches from the loops to generated code a third of the way through the run.
    const codegenAfter = Math.floor(dense.result.stats.decompositions / 3);
    const factory = createSparseSolverFactory(model.jacobianPattern, n, { codegenAfter });
    const sparse = integrate(factory);
    expect(factory.generated).toBe(true);
    expect(factory.factorizations).toBe(sparse.result.stats.decompositions);
    expect(sparse.result.stats.steps).toBe(dense.result.stats.steps);
    let worst = 0;
    for (let i = 0; i < n; i++) {
      let lo = Infinity;
      let hi = -Infinity;
      for (let k = 0; k < grid.length; k++) {
        lo = Math.min(lo, dense.out[k * n + i]!);
        hi = Math.max(hi, dense.out[k * n + i]!);
      }
      const range = hi - lo || 1;
      for (let k = 0; k < grid.length; k++) worst = Math.max(worst, Math.abs(sparse.out[k * n + i]! - dense.out[k * n + i]!) / range);
    }
    expect(worst).toBeLessThan(1e-9);
  });

  describe('without code generation', () => {
    afterEach(() => {
      vi.unstubAllGlobals();
    });
    it('uses the loops when new Function is refused (Content-Security-Policy)', () => {
      vi.stubGlobal('Function', function refuse() {
        throw new EvalError('Code generation from strings disallowed for this context');
      });
      const { pattern, J, fac } = randomSystem({ n: 8, density: 0.3, dominant: true, seed: 13 });
      const factory = createSparseSolverFactory(pattern, 8, { codegenAfter: 0 });
      vi.unstubAllGlobals();
      expect(factory.generated).toBe(false);
      const solver = factory(8);
      expect(solver.factor(J, fac)).toBe(true);
      const b = randomVector(8, 14);
      const x = Float64Array.from(b);
      solver.solve(x);
      expect(relativeError(x, solveDense(J, fac, b))).toBeLessThan(1e-10);
    });
  });

  describe('options', () => {
    it.each([
      { what: 'a pattern of the wrong length', call: () => createSparseSolverFactory(new Uint8Array(5), 2), message: /5 entries, expected n \* n = 4/ },
      { what: 'a size of 0', call: () => createSparseSolverFactory(new Uint8Array(0), 0), message: /size n >= 1/ },
      { what: 'a negative pivotTolerance', call: () => createSparseSolverFactory(new Uint8Array(4), 2, { pivotTolerance: -1 }), message: /pivotTolerance/ },
      { what: 'a pivotTolerance of 1', call: () => createSparseSolverFactory(new Uint8Array(4), 2, { pivotTolerance: 1 }), message: /pivotTolerance/ },
      { what: 'a negative codegenAfter', call: () => createSparseSolverFactory(new Uint8Array(4), 2, { codegenAfter: -1 }), message: /codegenAfter/ },
      { what: 'a solver of another size', call: () => createSparseSolverFactory(new Uint8Array(4), 2)(3), message: /built for 2 states, asked for 3/ },
    ])('rejects $what', ({ call, message }) => {
      expect(call).toThrow(OptionsError);
      expect(call).toThrow(message);
    });
  });
});
