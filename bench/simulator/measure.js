// @ts-check
// The simulator benchmark's measurements (bench/simulator.js prints them): each function
// measures one thing and returns plain data.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  BUILTIN_NETWORKS,
  builtinNetworkUrl,
  compileNetwork,
  createDenseSolver,
  createSparseSolverFactory,
  generateNetworkSource,
  integrateOdex,
  integrateRosenbrock,
  makeTimeGrid,
  RODAS4,
  RODAS5P,
  SPARSE_SOLVER_MIN_STATES,
  validateNetwork,
} from '@penvae/simulator';
import { columnRanges, fmtTol, lastJsonLine, lsodaUnavailable, maxErrorOverRange, readFloat64, runLsoda, summary } from '../common.js';
import { buildCvode, CVODE_SETTINGS, runCvodeOnce } from './cvode.js';

/** @typedef {import('@penvae/simulator').CompiledNetwork} CompiledNetwork */
/** @typedef {import('@penvae/simulator').Network} Network */
/** @typedef {import('@penvae/simulator').RosenbrockTableau} RosenbrockTableau */
/** @typedef {import('@penvae/simulator').IterationMatrixSolver} IterationMatrixSolver */

/** The problem: the built-in oscillator, 0..6000 min, output every minute. */
export const PROBLEM = { network: 'oscillator', tEnd: 6000, step: 1 };
/** The reference's tolerances. */
export const REFERENCE = { rtol: 1e-12, atol: 1e-16 };
const TRACE = new URL('../../../shared/reference/traces/oscillator.csv', import.meta.url);

/**
 * A built-in network, validated.
 * @param {string} name
 * @returns {Network}
 */
function loadBuiltin(name) {
  return validateNetwork(JSON.parse(readFileSync(new URL(builtinNetworkUrl(name)), 'utf8')), `built-in "${name}"`);
}

/**
 * The oscillator compiled, and its output grid.
 */
export function setUpProblem() {
  const net = loadBuiltin(PROBLEM.network);
  const model = compileNetwork(net);
  const grid = makeTimeGrid(PROBLEM.tEnd, PROBLEM.step);
  return { net, model, grid, n: model.size, rows: grid.length };
}

/** @typedef {ReturnType<typeof setUpProblem>} Problem */

// ---------------------------------------------------------------------------------------------
// The reference, and the DACCAD trace as its cross-check

/**
 * The trace's columns in `names` order (CRLF or LF lines); missing columns are left out.
 * @param {URL} file
 * @param {readonly string[]} names
 */
function readTrace(file, names) {
  const lines = readFileSync(file, 'utf8').trim().split(/\r?\n/);
  const header = (lines[0] ?? '').split(',').map((h) => h.trim());
  const columns = names.map((name) => header.indexOf(name)).filter((c) => c >= 0);
  const rows = lines.length - 1;
  const m = columns.length;
  const y = new Float64Array(rows * m);
  for (let k = 0; k < rows; k++) {
    const cells = (lines[k + 1] ?? '').split(',');
    columns.forEach((c, i) => {
      y[k * m + i] = Number(cells[c]);
    });
  }
  return { rows, columns: columns.map((c) => /** @type {string} */ (header[c])), y };
}

/**
 * RODAS5P at the reference tolerances, its own uncertainty (against rtol 1e-11) and its
 * distance from the DACCAD trace (when the shared reference traces are there).
 * @param {Problem} problem
 */
export function measureReference({ model, grid, n, rows }) {
  const yRef = new Float64Array(rows * n);
  const t0 = performance.now();
  const run = integrateRosenbrock(model, model.y0, grid, yRef, { ...REFERENCE, nonNegative: true });
  const ms = performance.now() - t0;
  if (run.outcome !== 'converged') throw new Error(`the reference run failed: ${run.message}`);
  const range = columnRanges(yRef, n, rows);
  const yCheck = new Float64Array(rows * n);
  integrateRosenbrock(model, model.y0, grid, yCheck, { rtol: 1e-11, atol: 1e-15, nonNegative: true });
  /** @type {{ maxErrOverRange: number, columns: number, rows: number } | null} */
  let vsTrace = null;
  if (existsSync(TRACE)) {
    const trace = readTrace(TRACE, model.stateNames);
    const m = trace.columns.length;
    const traceRows = Math.min(trace.rows, rows);
    const refColumns = new Float64Array(traceRows * m);
    const index = trace.columns.map((name) => model.stateNames.indexOf(name));
    for (let k = 0; k < traceRows; k++) index.forEach((i, c) => (refColumns[k * m + c] = /** @type {number} */ (yRef[k * n + i])));
    vsTrace = { maxErrOverRange: maxErrorOverRange(trace.y, refColumns, columnRanges(trace.y, m, traceRows), m, traceRows), columns: m, rows: traceRows };
  }
  return {
    yRef,
    range,
    reference: {
      solver: 'rosenbrock rodas5p, dense LU',
      ...REFERENCE,
      ms,
      steps: run.stats.steps,
      rhsCalls: run.stats.rhsCalls,
      vsRtol1e11: maxErrorOverRange(yCheck, yRef, range, n, rows),
      vsDaccadTrace: vsTrace,
    },
  };
}

/** @typedef {ReturnType<typeof measureReference>} Reference */

// ---------------------------------------------------------------------------------------------
// Work per call: rhs (generated vs interpreted) and the linear algebra of one step

/**
 * Calls per second of fn over the inputs, best of `repeats` rounds of ~`budgetMs`.
 * @template T
 * @param {(input: T) => void} fn
 * @param {readonly T[]} inputs
 * @param {number} repeats
 * @param {number} budgetMs
 */
function callsPerSecond(fn, inputs, repeats, budgetMs) {
  const count = inputs.length;
  const at = (/** @type {number} */ c) => /** @type {T} */ (inputs[c % count]);
  let calls = count;
  for (;;) {
    const t0 = performance.now();
    for (let c = 0; c < calls; c++) fn(at(c));
    if (performance.now() - t0 > budgetMs / 4) break;
    calls *= 2;
  }
  let best = Infinity;
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    for (let c = 0; c < calls; c++) fn(at(c));
    best = Math.min(best, (performance.now() - t0) / calls);
  }
  return 1000 / best;
}

/**
 * rhs and Jacobian calls per second, generated code against the interpreted loops, on states
 * along the reference trajectory (every 10th output time).
 * @param {Network} net
 * @param {Float64Array} yRef
 * @param {number} repeats
 */
export function measureRhs(net, yRef, repeats) {
  const generated = compileNetwork(net);
  const interpreted = compileNetwork(net, { codegen: false });
  const n = generated.size;
  const states = [];
  for (let k = 0; k < yRef.length / n; k += 10) states.push(yRef.slice(k * n, (k + 1) * n));
  const dy = new Float64Array(n);
  const J = new Float64Array(n * n);
  const budget = 150;
  // Interleaved so both see the same machine load.
  const rhs = { generated: 0, interpreted: 0 };
  const jac = { generated: 0, interpreted: 0 };
  for (let round = 0; round < 2; round++) {
    for (const [kind, model] of /** @type {const} */ ([
      ['generated', generated],
      ['interpreted', interpreted],
    ])) {
      rhs[kind] = Math.max(
        rhs[kind],
        callsPerSecond((y) => model.rhs(0, y, dy), states, repeats, budget),
      );
      jac[kind] = Math.max(
        jac[kind],
        callsPerSecond((y) => model.jacobian(0, y, J), states, repeats, budget),
      );
    }
  }
  return {
    rhsCallsPerSecond: rhs,
    rhsRatio: rhs.generated / rhs.interpreted,
    jacobianCallsPerSecond: jac,
    jacobianRatio: jac.generated / jac.interpreted,
  };
}

/**
 * Time of one RODAS5P step's linear algebra (1 factorisation + 8 solves) on Jacobians taken
 * along each built-in network's own trajectory, for the dense LU and both sparse variants.
 * @param {number} repeats
 */
export function measureLinearAlgebra(repeats) {
  return BUILTIN_NETWORKS.map((name) => {
    const net = loadBuiltin(name);
    const model = compileNetwork(net);
    const n = model.size;
    const end = /** @type {NonNullable<Network['time']>} */ (net.time).end;
    const grid = makeTimeGrid(end, end / 200);
    const out = new Float64Array(grid.length * n);
    const run = integrateRosenbrock(model, model.y0, grid, out, { rtol: 1e-7, atol: 1e-14, nonNegative: true });
    const jacobians = [];
    for (let k = 0; k < grid.length; k += 5) {
      const J = new Float64Array(n * n);
      model.jacobian(0, out.subarray(k * n, (k + 1) * n), J);
      jacobians.push(J);
    }
    // A typical step size of that run sets fac = 1/(h gamma).
    const fac = 1 / ((end / run.stats.steps) * RODAS5P.gamma);
    // Analysis + code generation, once per structure: the first call (cold JIT) and the best of 5.
    const creation = [];
    /** @type {import('@penvae/simulator').SparseSolverFactory | undefined} */
    let factory;
    for (let r = 0; r < 6; r++) {
      const t0 = performance.now();
      factory = createSparseSolverFactory(model.jacobianPattern, n, { codegenAfter: 0 });
      creation.push(performance.now() - t0);
    }
    const generated = /** @type {import('@penvae/simulator').SparseSolverFactory} */ (factory);
    const factoryMs = { first: /** @type {number} */ (creation[0]), min: Math.min(...creation.slice(1)) };
    const interpreted = createSparseSolverFactory(model.jacobianPattern, n, { codegen: false });
    /** @type {Record<'dense' | 'sparse' | 'sparseInterpreted', IterationMatrixSolver>} */
    const solvers = { dense: createDenseSolver(n), sparse: generated(n), sparseInterpreted: interpreted(n) };
    const b = new Float64Array(n);
    const step = (/** @type {IterationMatrixSolver} */ s, /** @type {Float64Array} */ J) => {
      s.factor(J, fac);
      for (let q = 0; q < 8; q++) {
        b.fill(1);
        s.solve(b);
      }
    };
    /** @type {Record<string, number>} */
    const us = {};
    /** @type {Record<string, number>} */
    const factorUs = {};
    for (let round = 0; round < 3; round++) {
      for (const [kind, s] of Object.entries(solvers)) {
        const perStep = 1000 / callsPerSecond((J) => step(s, J), jacobians, repeats, 60);
        const perFactor = 1000 / callsPerSecond((J) => s.factor(J, fac), jacobians, repeats, 40);
        us[kind] = Math.min(us[kind] ?? Infinity, perStep * 1000);
        factorUs[kind] = Math.min(factorUs[kind] ?? Infinity, perFactor * 1000);
      }
    }
    const { analysis } = generated;
    return {
      network: name,
      n,
      nonZeros: analysis.nonZeros,
      luNonZeros: analysis.luNonZeros,
      fillIn: analysis.fillIn,
      factorOperations: analysis.factorOperations,
      stepUs: /** @type {Record<keyof typeof solvers, number>} */ (us),
      factorUs,
      solveUs: Object.fromEntries(Object.keys(us).map((k) => [k, ((us[k] ?? 0) - (factorUs[k] ?? 0)) / 8])),
      denseOverSparse: (us['dense'] ?? NaN) / (us['sparse'] ?? NaN),
      factoryMs,
      fallbacks: generated.fallbacks + interpreted.fallbacks,
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Cold start: consecutive simulations in a fresh process, JIT warm-up included

/** @type {Record<string, { sparse?: import('@penvae/simulator').SparseSolverOptions }>} */
const ONE_SHOT_MODES = {
  dense: {},
  'sparse (default: loops, then generated after 20k factorisations)': { sparse: {} },
  'sparse, generated at once': { sparse: { codegenAfter: 0 } },
  'sparse, loops only': { sparse: { codegen: false } },
};
export const ONE_SHOT_RUNS = 8;

/**
 * In a child process: compile, build the solver, run ONE_SHOT_RUNS default simulations.
 * @param {string} mode a key of ONE_SHOT_MODES
 */
export function oneShot(mode) {
  const start = performance.now();
  const model = compileNetwork(loadBuiltin(PROBLEM.network));
  const grid = makeTimeGrid(PROBLEM.tEnd, PROBLEM.step);
  const out = new Float64Array(grid.length * model.size);
  const sparse = ONE_SHOT_MODES[mode]?.sparse;
  const factory = sparse ? createSparseSolverFactory(model.jacobianPattern, model.size, sparse) : undefined;
  const ms = [];
  for (let r = 0; r < ONE_SHOT_RUNS; r++) {
    const t0 = performance.now();
    integrateRosenbrock(model, model.y0, grid, out, { rtol: 1e-7, atol: 1e-14, nonNegative: true, ...(factory ? { linearSolver: factory } : {}) });
    ms.push(performance.now() - t0);
  }
  return { mode, ms, setupMs: ms.length ? performance.now() - start - ms.reduce((a, b) => a + b, 0) : 0 };
}

/**
 * Each mode twice, in fresh processes (`script --one-shot <mode>`) taking turns; the better of
 * the two per mode.
 * @param {string} script the bench script, which runs {@link oneShot} with `--one-shot`
 */
export function measureColdStarts(script) {
  /** @type {Record<string, ReturnType<typeof oneShot> & { totalMs: number }>} */
  const best = {};
  for (let round = 0; round < 2; round++) {
    for (const mode of Object.keys(ONE_SHOT_MODES)) {
      const r = spawnSync(process.execPath, [script, '--one-shot', mode], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`one-shot run failed: ${r.stderr}`);
      /** @type {ReturnType<typeof oneShot>} */
      const result = lastJsonLine(r.stdout);
      const total = result.ms.reduce((a, b) => a + b, 0);
      const kept = best[mode];
      if (!kept || total < kept.totalMs) best[mode] = { ...result, totalMs: total };
    }
  }
  return Object.values(best);
}

// ---------------------------------------------------------------------------------------------
// Our solvers, CVODE and LSODA on the problem

/**
 * @typedef {object} SolverConfig One of our integrator settings.
 * @property {'rosenbrock' | 'odex'} solver
 * @property {RosenbrockTableau} [method]
 * @property {'dense' | 'sparse' | '-'} linear the linear solver (Rosenbrock)
 * @property {number} rtol
 * @property {number} atol
 */

/** Our configurations: the work-precision curves of RODAS5P (dense and sparse LU), RODAS4 and odex. */
function solverConfigs() {
  /** @type {SolverConfig[]} */
  const configs = [];
  // rtol 1e-5 only for sparse: the low-accuracy end of the work-precision diagram, where CVODE's errors are.
  for (const [linear, rtols] of /** @type {const} */ ([
    ['dense', [1e-6, 1e-7, 1e-8]],
    ['sparse', [1e-5, 1e-6, 1e-7, 1e-8]],
  ])) {
    for (const rtol of rtols) configs.push({ solver: 'rosenbrock', method: RODAS5P, linear, rtol, atol: 1e-14 });
  }
  configs.push({ solver: 'rosenbrock', method: RODAS4, linear: 'sparse', rtol: 1e-7, atol: 1e-14 });
  configs.push({ solver: 'rosenbrock', method: RODAS4, linear: 'sparse', rtol: 1e-8, atol: 1e-14 });
  configs.push({ solver: 'odex', linear: '-', rtol: 1e-9, atol: 1e-13 });
  return configs;
}

/**
 * @typedef {object} RunRow A row of the work-precision table (ours or an external solver's).
 * @property {string} solver
 * @property {string} settings
 * @property {number} rtol
 * @property {number} atol
 * @property {number} msMin
 * @property {number} msMedian
 * @property {number | null} steps
 * @property {number} rhsCalls
 * @property {number} [rejectedSteps]
 * @property {number} [jacobianCalls]
 * @property {string} outcome
 * @property {number} maxErrOverRange
 * @property {boolean} [ours]
 * @property {boolean} [default]
 * @property {'lsoda' | 'cvode'} [external]
 * @property {string} [rhs]
 * @property {boolean} [analyticJacobian]
 * @property {number | null} [lsodaOverThis]
 * @property {number | null} [cvodeOverThis]
 */

/**
 * Our configurations and CVODE's settings, timed in the same rounds (so that they see the same
 * machine load) after a warm-up run of each that also gives its accuracy.
 * @param {Problem} problem
 * @param {Reference} ref
 * @param {{ repeats: number, external: boolean, dir: string }} options
 */
function measureOursAndCvode({ model, grid, n, rows }, { yRef, range }, { repeats, external, dir }) {
  // Generated code from the start: this table is about steady state (see the cold-start table).
  const sparseFactory = createSparseSolverFactory(model.jacobianPattern, n, { codegenAfter: 0 });
  const configs = solverConfigs();
  const out = new Float64Array(rows * n);
  const runOne = (/** @type {SolverConfig} */ c) => {
    const start = performance.now();
    const o = { rtol: c.rtol, atol: c.atol, nonNegative: true };
    const r =
      c.solver === 'odex'
        ? integrateOdex(model, model.y0, grid, out, o)
        : integrateRosenbrock(model, model.y0, grid, out, {
            ...o,
            ...(c.method ? { method: c.method } : {}),
            ...(c.linear === 'sparse' ? { linearSolver: sparseFactory } : {}),
          });
    return { ms: performance.now() - start, r };
  };
  /** @type {import('./cvode.js').CvodeBuild} */
  const cvodeBuild = external
    ? buildCvode(PROBLEM.network, generateNetworkSource(loadBuiltin(PROBLEM.network)), dir)
    : { status: 'skipped', reason: 'external solvers disabled' };
  const cvodeFile = (/** @type {import('./cvode.js').CvodeSetting} */ s) => path.join(dir, `cvode-${s.rtol}-${s.atol}-${s.jacobian ? 'jac' : 'dq'}.bin`);
  /** @type {number[][]} */
  const cvodeTimes = CVODE_SETTINGS.map(() => []);
  /** @type {import('./cvode.js').CvodeRun[]} */
  const cvodeStats = [];
  /** @type {number[][]} */
  const times = configs.map(() => []);
  const results = configs.map((c) => {
    const { r } = runOne(c); // warm-up, and the accuracy of this configuration
    return { stats: r.stats, outcome: r.outcome, error: maxErrorOverRange(out, yRef, range, n, rows) };
  });
  for (let rep = 0; rep < repeats; rep++) {
    configs.forEach((c, i) => times[i]?.push(runOne(c).ms));
    if (cvodeBuild.status === 'ok') {
      CVODE_SETTINGS.forEach((s, i) => {
        const r = runCvodeOnce(cvodeBuild.binary, s, PROBLEM, cvodeFile(s));
        cvodeTimes[i]?.push(r.ms);
        cvodeStats[i] = r;
      });
    }
  }
  /** @type {RunRow[]} */
  const ours = configs.map((c, i) => {
    const { min, median } = summary(times[i] ?? []);
    const result = /** @type {(typeof results)[number]} */ (results[i]);
    return {
      solver: c.solver === 'odex' ? 'odex (GBS extrapolation, JS)' : `rosenbrock ${c.method?.name}, ${c.linear} LU`,
      settings: `rtol ${fmtTol(c.rtol)} atol ${fmtTol(c.atol)}`,
      rtol: c.rtol,
      atol: c.atol,
      msMin: min,
      msMedian: median,
      steps: result.stats.steps,
      rejectedSteps: result.stats.rejectedSteps,
      rhsCalls: result.stats.rhsCalls,
      outcome: result.outcome,
      maxErrOverRange: result.error,
      ours: true,
      // simulate()'s defaults: RODAS5P, rtol 1e-7, and the sparse LU from SPARSE_SOLVER_MIN_STATES states.
      default: c.solver === 'rosenbrock' && c.method === RODAS5P && c.rtol === 1e-7 && c.linear === (n >= SPARSE_SOLVER_MIN_STATES ? 'sparse' : 'dense'),
    };
  });
  const cvode =
    cvodeBuild.status === 'ok'
      ? /** @type {const} */ ({
          status: 'ok',
          version: `SUNDIALS ${cvodeStats[0]?.version}, gcc -O2`,
          runs: CVODE_SETTINGS.map((s, i) => ({
            ...s,
            .../** @type {import('./cvode.js').CvodeRun} */ (cvodeStats[i]),
            ms: cvodeTimes[i] ?? [],
            trajectory: cvodeFile(s),
          })),
        })
      : cvodeBuild;
  /** @type {RunRow[]} */
  const cvodeRows =
    cvode.status === 'ok'
      ? cvode.runs.map((r) => {
          const { min, median } = summary(r.ms);
          return {
            solver: `CVODE BDF, dense LU (C), ${r.jacobian ? 'analytic' : 'DQ'} Jacobian`,
            settings: `rtol ${fmtTol(r.rtol)} atol ${fmtTol(r.atol)}`,
            rtol: r.rtol,
            atol: r.atol,
            msMin: min,
            msMedian: median,
            steps: r.steps,
            rhsCalls: r.rhsCalls + r.rhsCallsJacobian,
            jacobianCalls: r.jacobianCalls,
            outcome: r.flag >= 0 ? 'converged' : `flag ${r.flag}`,
            maxErrOverRange: maxErrorOverRange(readFloat64(r.trajectory), yRef, range, n, rows),
            external: 'cvode',
            analyticJacobian: r.jacobian,
          };
        })
      : [];
  return { ours, cvode, cvodeRows, sparseFallbacks: sparseFactory.fallbacks };
}

/**
 * scipy's LSODA (bench/scipy_lsoda.py) on the expanded network: a Python-loop right-hand side
 * at atol 1e-6 and 1e-10, and a vectorised one at 1e-10, rtol 1e-8.
 * @param {Problem} problem
 * @param {Reference} ref
 * @param {{ repeats: number, dir: string }} options
 */
function measureLsoda({ model, n, rows }, { yRef, range }, { repeats, dir }) {
  const unavailable = lsodaUnavailable();
  if (unavailable) return { lsoda: /** @type {import('../common.js').LsodaResult} */ ({ status: 'skipped', reason: unavailable }), lsodaRows: [] };
  const reactionsFile = path.join(dir, 'oscillator-reactions.json');
  writeFileSync(reactionsFile, JSON.stringify(model.reactions));
  const lsoda = runLsoda({
    reactionsFile,
    dir,
    tEnd: PROBLEM.tEnd,
    step: PROBLEM.step,
    rtol: 1e-8,
    runs: ['loop:1e-6', 'loop:1e-10', 'vectorised:1e-10'],
    repeats,
  });
  /** @type {RunRow[]} */
  const lsodaRows =
    lsoda.status === 'ok'
      ? lsoda.runs.map((r) => {
          const { min, median } = summary(r.seconds.map((s) => s * 1000));
          return {
            solver: `scipy LSODA (${r.rhs === 'loop' ? 'Python loop' : 'vectorised numpy'} rhs, FD Jacobian)`,
            settings: `rtol ${fmtTol(r.rtol)} atol ${fmtTol(r.atol)}`,
            rtol: r.rtol,
            atol: r.atol,
            msMin: min,
            msMedian: median,
            steps: null,
            rhsCalls: r.nfev,
            jacobianCalls: r.njev,
            outcome: r.status === 0 ? 'converged' : r.message,
            maxErrOverRange: r.rows === rows ? maxErrorOverRange(readFloat64(r.trajectory), yRef, range, n, rows) : Infinity,
            external: 'lsoda',
            rhs: r.rhs,
          };
        })
      : [];
  return { lsoda, lsodaRows };
}

/**
 * Every solver on the problem: ours and CVODE in turns, then LSODA; generated files go to a
 * temp dir that is removed.
 * @param {Problem} problem
 * @param {Reference} ref
 * @param {{ repeats: number, lsodaRepeats: number, external: boolean }} options
 */
export function measureSolvers(problem, ref, { repeats, lsodaRepeats, external }) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'penvae-bench-'));
  try {
    const { ours, cvode, cvodeRows, sparseFallbacks } = measureOursAndCvode(problem, ref, { repeats, external, dir });
    const { lsoda, lsodaRows } = external
      ? measureLsoda(problem, ref, { repeats: lsodaRepeats, dir })
      : { lsoda: /** @type {import('../common.js').LsodaResult} */ ({ status: 'skipped', reason: 'external solvers disabled' }), lsodaRows: [] };
    const all = [...ours, ...lsodaRows, ...cvodeRows];
    // Ratios: against LSODA at rtol 1e-8 / atol 1e-10 and CVODE at rtol 1e-8 / atol 1e-14 (DQ).
    const lsodaRef = lsodaRows.find((r) => r.rhs === 'loop' && r.atol === 1e-10);
    const cvodeRef = cvodeRows.find((r) => r.rtol === 1e-8 && !r.analyticJacobian);
    for (const r of all) {
      r.lsodaOverThis = lsodaRef ? lsodaRef.msMin / r.msMin : null;
      r.cvodeOverThis = cvodeRef ? cvodeRef.msMin / r.msMin : null;
    }
    return { ours, external: [...lsodaRows, ...cvodeRows], all, lsoda, cvode, sparseFallbacks };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Work-precision: for each external run, our fastest Rosenbrock run at equal or better
 * accuracy, and our time interpolated (log-log) on the RODAS5P sparse curve at its accuracy.
 * @param {RunRow[]} ours
 * @param {RunRow[]} external
 */
export function compareAtEqualAccuracy(ours, external) {
  const curve = ours
    .filter((o) => o.solver === 'rosenbrock rodas5p, sparse LU')
    .map((o) => [Math.log(o.maxErrOverRange), Math.log(o.msMin)])
    .sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0));
  const interpolateMs = (/** @type {number} */ err) => {
    const e = Math.log(err);
    for (let i = 1; i < curve.length; i++) {
      const [e0 = NaN, t0 = NaN] = curve[i - 1] ?? [];
      const [e1 = NaN, t1 = NaN] = curve[i] ?? [];
      if (e >= e0 && e <= e1) return Math.exp(t0 + ((t1 - t0) * (e - e0)) / (e1 - e0));
    }
    return null;
  };
  return external.map((x) => {
    const candidates = ours.filter((o) => o.solver.startsWith('rosenbrock') && o.maxErrOverRange <= x.maxErrOverRange);
    const best = candidates.sort((a, b) => a.msMin - b.msMin)[0];
    const interpolated = interpolateMs(x.maxErrOverRange);
    return {
      external: `${x.solver} ${x.settings}`,
      externalMs: x.msMin,
      externalErr: x.maxErrOverRange,
      ours: best ? `${best.solver} ${best.settings}` : null,
      oursMs: best?.msMin ?? null,
      oursErr: best?.maxErrOverRange ?? null,
      speedup: best ? x.msMin / best.msMin : null,
      oursInterpolatedMs: interpolated,
      speedupInterpolated: interpolated ? x.msMin / interpolated : null,
    };
  });
}
