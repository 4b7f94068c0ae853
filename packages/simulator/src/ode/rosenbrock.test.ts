import { describe, expect, it } from 'vitest';
import { OptionsError } from '../errors.js';
import { integrateOdex } from './odex.js';
import { integrateRosenbrock, RODAS4, RODAS5P, type RosenbrockTableau } from './rosenbrock.js';
import type { OdeSystem } from './types.js';

/** y' = -k y: y = exp(-k t). */
const decay = (k: number): OdeSystem => ({
  size: 1,
  rhs: (_t, y, d) => {
    d[0] = -k * y[0]!;
  },
  jacobian: (_t, _y, J) => {
    J[0] = -k;
  },
});

/** Harmonic oscillator y'' = -y: (cos t, -sin t). Non-stiff, for convergence orders. */
const harmonic: OdeSystem = {
  size: 2,
  rhs: (_t, y, d) => {
    d[0] = y[1]!;
    d[1] = -y[0]!;
  },
  jacobian: (_t, _y, J) => {
    J.set([0, 1, -1, 0]);
  },
};

/**
 * Robertson's chemical kinetics (Hairer & Wanner II, IV.1): the classic stiff test.
 * Reference values from scipy Radau at rtol 1e-12, atol 1e-20 (t = 40 agrees with the values
 * published by Hairer & Wanner: 0.7158270687, 9.185534765e-6, 0.2841637457).
 */
const robertson: OdeSystem = {
  size: 3,
  rhs: (_t, y, d) => {
    const [a, b, c] = [y[0]!, y[1]!, y[2]!];
    d[0] = -0.04 * a + 1e4 * b * c;
    d[1] = 0.04 * a - 1e4 * b * c - 3e7 * b * b;
    d[2] = 3e7 * b * b;
  },
  jacobian: (_t, y, J) => {
    const [b, c] = [y[1]!, y[2]!];
    J.set([-0.04, 1e4 * c, 1e4 * b, 0.04, -1e4 * c - 6e7 * b, -1e4 * b, 0, 6e7 * b, 0]);
  },
};

function run(system: OdeSystem, y0: number[], grid: number[], options: Parameters<typeof integrateRosenbrock>[4] = {}) {
  const out = new Float64Array(grid.length * system.size);
  const result = integrateRosenbrock(system, Float64Array.from(y0), Float64Array.from(grid), out, options);
  return { out, result };
}

describe('integrateRosenbrock', () => {
  it.each([
    ['rodas5p', RODAS5P],
    ['rodas4', RODAS4],
  ] as [string, RosenbrockTableau][])('%s: exponential decay on an exact grid, dense output within tolerance', (_name, method) => {
    const grid = Array.from({ length: 1001 }, (_, i) => i * 0.005);
    const { out, result } = run(decay(2), [1], grid, { rtol: 1e-7, atol: 1e-12, method });
    expect(result.outcome).toBe('converged');
    expect(result.filled).toBe(1001);
    grid.forEach((t, i) => expect(Math.abs(out[i]! - Math.exp(-2 * t))).toBeLessThan(2e-7 * Math.exp(-2 * t) + 1e-11));
    // Fewer steps than output points: the grid comes from dense output, not from stepping to it.
    expect(result.stats.steps).toBeLessThan(grid.length / 2);
  });

  it.each([
    ['rodas5p', RODAS5P, 5],
    ['rodas4', RODAS4, 4],
  ] as [string, RosenbrockTableau, number][])('%s: work grows like tol^(-1/order) on a smooth problem', (_name, method, order) => {
    const steps = [1e-6, 1e-10].map((tol) => run(harmonic, [1, 0], [0, 20], { rtol: tol, atol: tol, method }).result.stats.steps);
    // 4 decades of tolerance: ratio 10^(4/order), within a factor 1.6.
    const expected = 10 ** (4 / order);
    expect(steps[1]! / steps[0]!).toBeGreaterThan(expected / 1.6);
    expect(steps[1]! / steps[0]!).toBeLessThan(expected * 1.6);
    const { out } = run(harmonic, [1, 0], [0, 20], { rtol: 1e-10, atol: 1e-10, method });
    expect(Math.abs(out[2]! - Math.cos(20))).toBeLessThan(1e-8);
  });

  it('solves the stiff Robertson problem to t = 1e5 and conserves mass', () => {
    // Log-spaced output: the solution moves on every time scale from 1e-5 to 1e5.
    const grid = [0, 40, ...Array.from({ length: 41 }, (_, i) => 10 ** (-5 + i * 0.25))].sort((a, b) => a - b);
    const { out, result } = run(robertson, [1, 0, 0], grid, { rtol: 1e-8, atol: 1e-14 });
    expect(result.outcome).toBe('converged');
    const row = (t: number) => out.subarray(grid.indexOf(t) * 3, grid.indexOf(t) * 3 + 3);
    const check = (t: number, ref: number[]) => {
      const y = row(t);
      ref.forEach((r, i) => expect(Math.abs(y[i]! - r) / r).toBeLessThan(1e-5));
    };
    check(40, [7.15827069e-1, 9.18553476e-6, 2.84163746e-1]);
    check(1e5, [1.78659211e-2, 7.27475147e-8, 9.82134006e-1]);
    for (let k = 0; k < grid.length; k++) expect(Math.abs(out[3 * k]! + out[3 * k + 1]! + out[3 * k + 2]! - 1)).toBeLessThan(1e-12);
    // A stiff solver takes a few hundred steps here, an explicit one would need millions.
    expect(result.stats.steps).toBeLessThan(2000);
  });

  it('reports a blow-up as a non-finite outcome, with the rows it did fill', () => {
    // y' = y^2, y(0) = 1: y = 1/(1-t) blows up at t = 1.
    const system: OdeSystem = {
      size: 1,
      rhs: (_t, y, d) => {
        d[0] = y[0]! * y[0]!;
      },
      jacobian: (_t, y, J) => {
        J[0] = 2 * y[0]!;
      },
    };
    const grid = [0, 0.5, 0.9, 1.5, 2];
    const { out, result } = run(system, [1], grid);
    expect(['non-finite', 'step-too-small']).toContain(result.outcome);
    expect(result.message).not.toBe('');
    expect(result.filled).toBe(3);
    expect(out[1]).toBeCloseTo(2, 5);
    expect(out[2]).toBeCloseTo(10, 4);
  });

  it('stops with max-steps when the budget runs out', () => {
    const { result } = run(harmonic, [1, 0], [0, 1000], { maxSteps: 10 });
    expect(result.outcome).toBe('max-steps');
    expect(result.stats.steps + result.stats.rejectedSteps).toBe(10);
  });

  it('rejects steps that drive a concentration clearly negative when asked', () => {
    // Fast decay to 0 with a loose tolerance: large steps would overshoot below zero.
    const grid = Array.from({ length: 51 }, (_, i) => i);
    const { out, result } = run(decay(50), [100], grid, { rtol: 1e-3, atol: 1e-9, nonNegative: true });
    expect(result.outcome).toBe('converged');
    for (const v of out) expect(v).toBeGreaterThanOrEqual(-1e-6);
  });

  it.each([
    [{ rtol: -1 }, 'option rtol: expected a finite number > 0 and <= 1, found -1'],
    [{ atol: Number.NaN }, 'option atol: expected a finite number > 0, found NaN'],
    [{ maxSteps: 0.5 }, 'option maxSteps: expected an integer >= 1, found 0.5'],
  ])('rejects bad options %j', (options, message) => {
    expect(() => run(harmonic, [1, 0], [0, 1], options)).toThrow(new OptionsError(message));
  });

  it('rejects a decreasing grid', () => {
    expect(() => run(harmonic, [1, 0], [0, 2, 1])).toThrow(/times must not decrease/);
  });
});

describe('integrateOdex', () => {
  it('matches the closed form of the harmonic oscillator on an exact grid', () => {
    const grid = Float64Array.from({ length: 21 }, (_, i) => i);
    const out = new Float64Array(42);
    const result = integrateOdex(harmonic, Float64Array.from([1, 0]), grid, out, { rtol: 1e-10, atol: 1e-10 });
    expect(result.outcome).toBe('converged');
    grid.forEach((t, i) => {
      expect(Math.abs(out[2 * i]! - Math.cos(t))).toBeLessThan(1e-8);
      expect(Math.abs(out[2 * i + 1]! + Math.sin(t))).toBeLessThan(1e-8);
    });
    expect(result.stats.rhsCalls).toBeGreaterThan(0);
  });

  it('stops with max-steps when the budget runs out', () => {
    const out = new Float64Array(4);
    const result = integrateOdex(harmonic, Float64Array.from([1, 0]), Float64Array.from([0, 1e4]), out, { maxSteps: 5 });
    expect(result.outcome).toBe('max-steps');
    expect(result.filled).toBe(1);
  });
});
