import { extname } from 'node:path';
import {
  analyzeSeries,
  compileNetwork,
  extractSeries,
  DEFAULT_SOLVER,
  simulate,
  solverDefinition,
  SOLVERS,
  type SeriesAnalysis,
  type SimulationResult,
  type SolverName,
} from '@penvae/simulator';
import { checkChoice, checkInteger, checkNumber } from '../check-options.js';
import { InputError, NumericalError } from '../errors.js';
import { checkOutputPath, writeFileAtomic } from '../io/atomic.js';
import { loadNetwork } from '../io/network-source.js';
import { formatNumber, formatTable, processOutput, type Output } from '../io/output.js';
import { resolveGridSpec } from '../dataset/time-grid.js';

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
  /** Step budget. @default the solver's (see solvers.ts) */
  maxSteps?: number;
  /** Draw the observed series over time into this `.svg` or `.png`. */
  plot?: string;
}

/** What {@link runSimulate} did. */
export interface SimulateCommandResult {
  result: SimulationResult;
  /** Per observed series (strand/species): range, behaviour, period and amplitude. */
  summary: { name: string; analysis: SeriesAnalysis }[];
  /** The file written with --out, if any. */
  written?: string;
  /** The picture written with --plot, if any. */
  plot?: string;
}

/**
 * Simulates one network and writes its trajectory (CSV with the reference traces' column
 * names, or JSON), or prints a summary. A failed integration is reported as a
 * {@link NumericalError} and nothing is written.
 */
export async function runSimulate(options: SimulateCommandOptions, output: Output = processOutput): Promise<SimulateCommandResult> {
  const format = options.out === undefined ? undefined : extname(options.out).toLowerCase();
  if (format !== undefined && format !== '.csv' && format !== '.json') {
    throw new InputError(`--out ${options.out}: expected a .csv or .json file name`);
  }
  if (options.out !== undefined) checkOutputPath(options.out, '--out');
  const plotFormat = options.plot === undefined ? undefined : extname(options.plot).toLowerCase();
  if (plotFormat !== undefined && plotFormat !== '.svg' && plotFormat !== '.png')
    throw new InputError(`--plot ${options.plot}: expected a .svg or .png file name`);
  if (options.plot !== undefined) checkOutputPath(options.plot, '--plot');
  if (options.states && options.out === undefined)
    throw new InputError('--states: applies to the trajectory written with --out (.csv or .json); the summary shows the observed series only');
  const solver = checkChoice(options.solver ?? DEFAULT_SOLVER, '--solver', SOLVERS);
  const defaults = solverDefinition(solver);
  const simOptions: Parameters<typeof simulate>[1] = {
    solver,
    rtol: options.rtol === undefined ? defaults.rtol : checkNumber(options.rtol, '--rtol', 0, true, 1),
    atol: options.atol === undefined ? defaults.atol : checkNumber(options.atol, '--atol', 0, true),
    maxSteps: options.maxSteps === undefined ? defaults.maxSteps : checkInteger(options.maxSteps, '--max-steps', 1),
  };
  const { network, source } = loadNetwork(options.network);
  resolveGridSpec(network, options, source); // checks --t-end / --step against the network's grid
  if (options.tEnd !== undefined) simOptions.tEnd = options.tEnd;
  if (options.step !== undefined) simOptions.step = options.step;
  const model = compileNetwork(network);
  const result = simulate(model, simOptions);
  if (result.outcome !== 'converged') {
    throw new NumericalError(
      `simulation of ${source} failed (${result.outcome}): ${result.message}; nothing was written. ` + 'Try --solver odex, or tighter --rtol/--atol.',
    );
  }
  const summary = model.observables.map((name) => ({ name, analysis: analyzeSeries(result.t, extractSeries(result, name)) }));
  const stats = result.stats;
  const work = `${result.solver.name} rtol ${result.solver.rtol} atol ${result.solver.atol}: ${stats.steps} steps, ${stats.rejectedSteps} rejected, ${stats.rhsCalls} rhs calls, ${stats.jacobianCalls} Jacobians`;
  const plot = options.plot === undefined ? {} : { plot: await plotTrajectory(result, model.observables, source, options.plot) };
  if (plot.plot) output.err(`wrote ${plot.plot}`);
  if (options.out === undefined) {
    output.out(`${network.name} (${source}): ${result.t.length} points, t = 0..${result.t.at(-1)} min; ${work}`);
    const rows = [['series', 'min', 'max', 'final', 'behaviour', 'period (min)', 'amplitude']];
    for (const { name, analysis: a } of summary) {
      rows.push([name, formatNumber(a.min), formatNumber(a.max), formatNumber(a.final), a.behaviour, formatNumber(a.period), formatNumber(a.amplitude)]);
    }
    for (const line of formatTable(rows)) output.out(line);
    return { result, summary, ...plot };
  }
  const columns = options.states ? [...result.names] : [...model.observables];
  const text = format === '.csv' ? trajectoryCsv(result, columns) : trajectoryJson(result, columns, network.name, source);
  writeFileAtomic(options.out, text);
  output.err(`wrote ${options.out} (${result.t.length} rows x ${columns.length + 1} columns; ${work})`);
  return { result, summary, written: options.out, ...plot };
}

/** Draws the observed series of one simulation over time, as SVG or PNG by the file's extension. */
async function plotTrajectory(result: SimulationResult, observables: readonly string[], source: string, path: string): Promise<string> {
  // Loaded only for --plot: the charting libraries take a few hundred milliseconds to load.
  const { buildTraceGridSpec, renderChart } = await import('../plot/index.js');
  const traces = observables.map((name) => ({ group: result.network, label: name, t: result.t, y: extractSeries(result, name) }));
  const spec = buildTraceGridSpec(traces, {
    title: `${result.network}: concentrations over time`,
    subtitle: `${source}; ${result.solver.name}, rtol ${result.solver.rtol}, atol ${result.solver.atol}`,
    xTitle: 'time (min)',
    yTitle: 'concentration (nM)',
    colorTitle: 'strand',
    columns: 1,
    panelWidth: 560,
    panelHeight: 280,
  });
  await renderChart(spec, extname(path).toLowerCase() === '.png' ? { pngPath: path } : { svgPath: path });
  return path;
}

/**
 * CSV with header `t,<names>` (`t (min)` when a column is itself named `t`: no strand or
 * species name has a space); numbers in shortest round-trip form.
 */
function trajectoryCsv(result: SimulationResult, columns: readonly string[]): string {
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
