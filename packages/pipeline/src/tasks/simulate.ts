import { extname } from 'node:path';
import {
  analyzeSeries,
  compileNetwork,
  extractSeries,
  simulate,
  type SeriesAnalysis,
  type SimulationResult,
  type SolverName,
} from '@penvae/simulator';
import { InputError, NumericalError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic.js';
import { loadNetwork } from '../io/network-source.js';
import { formatNumber, formatTable, processOutput, type Output } from '../io/output.js';

/** Options of {@link runSimulate} (the `pipeline simulate` command for one network). */
export interface SimulateCommandOptions {
  /** Built-in network name or a network JSON file. */
  network: string;
  /** Output file: `.csv` or `.json`. Without it a summary is printed. */
  out?: string;
  /** Last output time, minutes. @default the network's time.end */
  tEnd?: number;
  /** Output spacing, minutes. @default the network's time.step */
  step?: number;
  /** Also write every template state (`<template>.<state>`). @default false */
  states?: boolean;
  /** Integrator. @default 'rosenbrock' */
  solver?: SolverName;
  /** Relative tolerance. @default the solver's (see the simulator's DEFAULT_TOLERANCES) */
  rtol?: number;
  /** Absolute tolerance, nM. @default the solver's */
  atol?: number;
}

/** What {@link runSimulate} did. */
export interface SimulateCommandResult {
  result: SimulationResult;
  /** Per observed series (strand/species): range, behaviour, period and amplitude. */
  summary: { name: string; analysis: SeriesAnalysis }[];
  /** The file written, if any. */
  written?: string;
}

/**
 * Simulates one network and writes its trajectory (CSV with the reference traces' column
 * names, or JSON), or prints a summary. A failed integration is reported as a
 * {@link NumericalError} and nothing is written.
 */
export function runSimulate(options: SimulateCommandOptions, output: Output = processOutput): SimulateCommandResult {
  const format = options.out === undefined ? undefined : extname(options.out).toLowerCase();
  if (format !== undefined && format !== '.csv' && format !== '.json') {
    throw new InputError(`--out ${options.out}: expected a .csv or .json file name`);
  }
  const { network, source } = loadNetwork(options.network);
  const model = compileNetwork(network);
  const simOptions: Parameters<typeof simulate>[1] = {};
  if (options.tEnd !== undefined) simOptions.tEnd = options.tEnd;
  if (options.step !== undefined) simOptions.step = options.step;
  if (options.solver !== undefined) simOptions.solver = options.solver;
  if (options.rtol !== undefined) simOptions.rtol = options.rtol;
  if (options.atol !== undefined) simOptions.atol = options.atol;
  if (!network.time && options.tEnd === undefined) {
    throw new InputError(`${source} has no "time" grid: give --t-end (and --step)`);
  }
  const result = simulate(model, simOptions);
  if (result.outcome !== 'converged') {
    throw new NumericalError(
      `simulation of ${source} failed (${result.outcome}): ${result.message}; nothing was written. ` +
        'Try --solver odex, or tighter --rtol/--atol.',
    );
  }
  const summary = model.observables.map((name) => ({ name, analysis: analyzeSeries(result.t, extractSeries(result, name)) }));
  const stats = result.stats;
  const work = `${result.solver.name} rtol ${result.solver.rtol} atol ${result.solver.atol}: ${stats.steps} steps, ${stats.rejectedSteps} rejected, ${stats.rhsCalls} rhs calls, ${stats.jacobianCalls} Jacobians`;
  if (options.out === undefined) {
    output.out(`${network.name} (${source}): ${result.t.length} points, t = 0..${result.t.at(-1)} min; ${work}`);
    const rows = [['series', 'min', 'max', 'final', 'behaviour', 'period (min)', 'amplitude']];
    for (const { name, analysis: a } of summary) {
      rows.push([name, formatNumber(a.min), formatNumber(a.max), formatNumber(a.final), a.behaviour, formatNumber(a.period), formatNumber(a.amplitude)]);
    }
    for (const line of formatTable(rows)) output.out(line);
    return { result, summary };
  }
  const columns = options.states ? [...result.names] : [...model.observables];
  const text = format === '.csv' ? trajectoryCsv(result, columns) : trajectoryJson(result, columns, network.name, source);
  writeFileAtomic(options.out, text);
  output.err(`wrote ${options.out} (${result.t.length} rows x ${columns.length + 1} columns; ${work})`);
  return { result, summary, written: options.out };
}

/**
 * CSV with header `t,<names>` (`t (min)` when a column is itself named `t`: no strand or
 * species name has a space); numbers in shortest round-trip form.
 */
export function trajectoryCsv(result: SimulationResult, columns: readonly string[]): string {
  const n = result.names.length;
  const idx = columns.map((c) => result.names.indexOf(c));
  const lines = [[columns.includes('t') ? 't (min)' : 't', ...columns].join(',')];
  for (let k = 0; k < result.t.length; k++) {
    const row = [String(result.t[k])];
    for (const i of idx) row.push(String(result.y[k * n + i]!));
    lines.push(row.join(','));
  }
  return `${lines.join('\n')}\n`;
}

function trajectoryJson(result: SimulationResult, columns: readonly string[], name: string, source: string): string {
  const series: Record<string, number[]> = {};
  const n = result.names.length;
  for (const c of columns) {
    const i = result.names.indexOf(c);
    series[c] = Array.from(result.t, (_, k) => result.y[k * n + i]!);
  }
  return `${JSON.stringify({ network: name, source, solver: result.solver, outcome: result.outcome, stats: result.stats, t: Array.from(result.t), series })}\n`;
}
