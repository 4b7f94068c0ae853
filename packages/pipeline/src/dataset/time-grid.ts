import { OptionsError, resolveTimeGrid, type TimeGrid } from '@penvae/simulator';
import { checkNumber } from '../check-options.js';
import { InputError } from '../errors.js';
import type { TimeGridSpec } from './schema.js';

/**
 * The raw time grid of a simulation or sweep from `--t-end` / `--step` and the network's own
 * `time`, by the simulator's rule (`resolveTimeGrid`): one definition for single simulations
 * and sweeps. Flags are checked first so messages name them.
 * @throws InputError naming --t-end / --step, or the network without a time grid
 */
export function resolveGridSpec(
  network: { name: string; time?: TimeGrid | undefined },
  options: { tEnd?: number | undefined; step?: number | undefined },
  source: string,
): TimeGridSpec {
  if (options.tEnd !== undefined) checkNumber(options.tEnd, '--t-end', 0, true);
  if (options.step !== undefined) checkNumber(options.step, '--step', 0, true);
  const tEnd = options.tEnd ?? network.time?.end;
  if (tEnd === undefined) throw new InputError(`${source} has no "time" grid: give --t-end (and --step)`);
  if (options.step !== undefined && options.step > tEnd) throw new InputError(`--step ${options.step}: expected a step <= the last time (${tEnd} min)`);
  let grid: Float64Array;
  try {
    grid = resolveTimeGrid(network, { tEnd, ...(options.step !== undefined ? { step: options.step } : {}) });
  } catch (error) {
    if (error instanceof OptionsError)
      throw new InputError(`--t-end ${tEnd}${options.step !== undefined ? ` --step ${options.step}` : ''}: ${error.message.replace(/^option \w+: /, '')}`, {
        cause: error,
      });
    throw error;
  }
  return { start: 0, step: grid[1]! - grid[0]!, points: grid.length };
}

/** The times of a grid: t_k = start + k * step (computed, never accumulated). */
export function gridTimes(spec: TimeGridSpec): Float64Array {
  const t = new Float64Array(spec.points);
  for (let k = 0; k < t.length; k++) t[k] = spec.start + k * spec.step;
  return t;
}

/** The times of a normalised series: `length` points spread evenly over the window, both ends included. */
export function windowTimes(window: readonly [number, number], length: number): number[] {
  const [t0, t1] = window;
  return Array.from({ length }, (_, j) => t0 + ((t1 - t0) * j) / (length - 1));
}
