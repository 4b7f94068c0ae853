import { OptionsError } from '../errors.js';
import type { IntegrateOptions } from './types.js';

/** {@link IntegrateOptions} checked and completed with defaults. */
export type ResolvedIntegrateOptions = Required<IntegrateOptions>;

/** Defaults of {@link IntegrateOptions}. */
const DEFAULT_INTEGRATE_OPTIONS: Readonly<ResolvedIntegrateOptions> = Object.freeze({
  rtol: 1e-6,
  atol: 1e-9,
  maxSteps: 1_000_000,
  initialStep: 0,
  maxStep: 0,
  nonNegative: false,
});

function positive(name: string, v: number, max = Infinity): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || !(v > 0) || v > max) {
    throw new OptionsError(`option ${name}: expected a finite number > 0${max < Infinity ? ` and <= ${max}` : ''}, found ${String(v)}`);
  }
  return v;
}

function nonNegativeNumber(name: string, v: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
    throw new OptionsError(`option ${name}: expected a finite number >= 0, found ${String(v)}`);
  }
  return v;
}

/**
 * Checks integrator options once and fills in defaults, so integrators never branch on
 * option shapes.
 * @throws OptionsError naming the offending option
 */
export function resolveIntegrateOptions(options: IntegrateOptions = {}): ResolvedIntegrateOptions {
  const o = { ...DEFAULT_INTEGRATE_OPTIONS };
  if (options.rtol !== undefined) o.rtol = positive('rtol', options.rtol, 1);
  if (options.atol !== undefined) o.atol = positive('atol', options.atol);
  if (options.maxSteps !== undefined) {
    if (!Number.isInteger(options.maxSteps) || options.maxSteps < 1) {
      throw new OptionsError(`option maxSteps: expected an integer >= 1, found ${String(options.maxSteps)}`);
    }
    o.maxSteps = options.maxSteps;
  }
  if (options.initialStep !== undefined) o.initialStep = nonNegativeNumber('initialStep', options.initialStep);
  if (options.maxStep !== undefined) o.maxStep = nonNegativeNumber('maxStep', options.maxStep);
  if (options.nonNegative !== undefined) o.nonNegative = Boolean(options.nonNegative);
  // Below ~1e-13 relative accuracy double precision cannot deliver what is asked.
  if (o.rtol < 1e-13) throw new OptionsError(`option rtol: ${o.rtol} is below what double precision can deliver (use >= 1e-13)`);
  return o;
}

/**
 * Checks an output grid: finite, non-decreasing, at least one point.
 * @throws OptionsError
 */
export function checkGrid(grid: Float64Array): void {
  if (grid.length === 0) throw new OptionsError('output grid: expected at least one time point');
  for (let i = 0; i < grid.length; i++) {
    if (!Number.isFinite(grid[i]!)) throw new OptionsError(`output grid: time ${i} is ${grid[i]}, expected a finite number`);
    if (i > 0 && !(grid[i]! >= grid[i - 1]!)) {
      throw new OptionsError(`output grid: times must not decrease (t[${i - 1}] = ${grid[i - 1]}, t[${i}] = ${grid[i]})`);
    }
  }
}
