import type { Argv } from 'yargs';
import { SOLVERS } from '@penvae/simulator';

/** Reusable option group: solver choice and tolerances. */
export function withSolver<T>(y: Argv<T>) {
  return y
    .option('solver', { choices: SOLVERS, default: 'rosenbrock' as const, describe: 'integrator: stiff Rosenbrock (RODAS5P) or odex (GBS)' })
    .option('rtol', { type: 'number', describe: 'relative tolerance (default: rosenbrock 1e-7, odex 1e-9)' })
    .option('atol', { type: 'number', describe: 'absolute tolerance, nM (default: rosenbrock 1e-14, odex 1e-13)' });
}

/** Reusable option group: the output time grid. */
export function withTimeGrid<T>(y: Argv<T>) {
  return y
    .option('t-end', { type: 'number', describe: 'last output time, minutes (default: the network file\'s time.end)' })
    .option('step', { type: 'number', describe: 'output spacing, minutes (default: the network file\'s time.step)' });
}

/** Reusable option group: the seed of every random choice. */
export function withSeed<T>(y: Argv<T>, fallback = 1) {
  return y.option('seed', { type: 'number', default: fallback, describe: 'seed of every random choice (same seed, same bytes)' });
}

/** Drops undefined values so `exactOptionalPropertyTypes` option objects can be built from argv. */
export function defined<T extends Record<string, unknown>>(o: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]: Exclude<T[K], undefined> };
}
