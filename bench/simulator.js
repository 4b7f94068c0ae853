#!/usr/bin/env node
/**
 * Simulator benchmark: work and accuracy of our integrators on the built-in PEN `oscillator`
 * (19 states, 6000 minutes, output every minute), against scipy's LSODA and SUNDIALS CVODE
 * measured in the same run on the same machine. See bench/README.md, section "Simulator".
 *
 *   node bench/simulator.js [--quick]     (after `npm run build`)
 *
 * Prints a table and, last, one JSON line. `run()` returns the same JSON-serialisable result
 * for bench/run.js. Needs nothing beyond Node; LSODA needs `python3` with scipy, CVODE needs
 * gcc and the SUNDIALS headers (`apt-get install -y libsundials-dev`): each is skipped, with
 * the reason, when missing. Generated C and binaries live in a temp dir that is removed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as simulator from '@penvae/simulator';
import { columnRanges, maxErrorOverRange, table } from './common.js';

const {
  builtinNetworkUrl, compileNetwork, integrateOdex, integrateRosenbrock, makeTimeGrid, validateNetwork, BUILTIN_NETWORKS,
  createSparseSolverFactory, createDenseSolver, RODAS4, RODAS5P, SPARSE_SOLVER_MIN_STATES,
} = simulator;

const HERE = path.dirname(fileURLToPath(import.meta.url));
const TRACE = path.resolve(HERE, '../../shared/reference/traces/oscillator.csv');
const NETWORK = 'oscillator';
const T_END = 6000;
const STEP = 1;
const REFERENCE = { rtol: 1e-12, atol: 1e-16 };

// ---------------------------------------------------------------------------------------------
// Small helpers

function loadBuiltin(name) {
  const url = builtinNetworkUrl(name);
  return validateNetwork(JSON.parse(readFileSync(new URL(url), 'utf8')), `built-in "${name}"`);
}

function summary(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { min: sorted[0], median };
}

const fmtTol = (x) => x.toExponential().replace(/\.0+e/, 'e');
const fmtMs = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : ms >= 10 ? `${ms.toFixed(1)} ms` : `${ms.toFixed(2)} ms`);
const fmtE = (x) => (x === undefined || x === null ? '-' : Number.isFinite(x) ? x.toExponential(1) : String(x));
const fmtX = (x) => (x === undefined || x === null || !Number.isFinite(x) ? '-' : x >= 100 ? `${x.toFixed(0)}x` : `${x.toFixed(x >= 10 ? 1 : 2)}x`);

// ---------------------------------------------------------------------------------------------
// The DACCAD trace: the reference's cross-check

/** The trace's columns in `names` order (CRLF or LF lines); missing columns are left out. */
function readTrace(file, names) {
  const lines = readFileSync(file, 'utf8').trim().split(/\r?\n/);
  const header = lines[0].split(',').map((h) => h.trim());
  const columns = names.map((name) => header.indexOf(name)).filter((c) => c >= 0);
  const rows = lines.length - 1;
  const m = columns.length;
  const y = new Float64Array(rows * m);
  for (let k = 0; k < rows; k++) {
    const cells = lines[k + 1].split(',');
    columns.forEach((c, i) => {
      y[k * m + i] = Number(cells[c]);
    });
  }
  return { rows, columns: columns.map((c) => header[c]), y };
}

// ---------------------------------------------------------------------------------------------
// Work per call: rhs (generated vs interpreted) and the linear algebra of one step

/** Calls per second of fn over the states, best of `repeats` rounds of ~`budgetMs`. */
function callsPerSecond(fn, states, repeats, budgetMs) {
  const count = states.length;
  let calls = count;
  for (;;) {
    const t0 = performance.now();
    for (let c = 0; c < calls; c++) fn(states[c % count]);
    if (performance.now() - t0 > budgetMs / 4) break;
    calls *= 2;
  }
  let best = Infinity;
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    for (let c = 0; c < calls; c++) fn(states[c % count]);
    best = Math.min(best, (performance.now() - t0) / calls);
  }
  return 1000 / best;
}

function measureRhs(net, states, repeats) {
  const generated = compileNetwork(net);
  const interpreted = compileNetwork(net, { codegen: false });
  const n = generated.size;
  const dy = new Float64Array(n);
  const J = new Float64Array(n * n);
  const budget = 150;
  // Interleaved so both see the same machine load.
  const rhs = { generated: 0, interpreted: 0 };
  const jac = { generated: 0, interpreted: 0 };
  for (let round = 0; round < 2; round++) {
    for (const [kind, model] of [['generated', generated], ['interpreted', interpreted]]) {
      rhs[kind] = Math.max(rhs[kind], callsPerSecond((y) => model.rhs(0, y, dy), states, repeats, budget));
      jac[kind] = Math.max(jac[kind], callsPerSecond((y) => model.jacobian(0, y, J), states, repeats, budget));
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
 */
function measureLinearAlgebra(repeats) {
  const results = [];
  for (const name of BUILTIN_NETWORKS) {
    const net = loadBuiltin(name);
    const model = compileNetwork(net);
    const n = model.size;
    const grid = makeTimeGrid(net.time.end, net.time.end / 200);
    const out = new Float64Array(grid.length * n);
    const run = integrateRosenbrock(model, model.y0, grid, out, { rtol: 1e-7, atol: 1e-14, nonNegative: true });
    const jacobians = [];
    for (let k = 0; k < grid.length; k += 5) {
      const J = new Float64Array(n * n);
      model.jacobian(0, out.subarray(k * n, (k + 1) * n), J);
      jacobians.push(J);
    }
    // A typical step size of that run sets fac = 1/(h gamma).
    const fac = 1 / ((net.time.end / run.stats.steps) * RODAS5P.gamma);
    // Analysis + code generation, once per structure: the first call (cold JIT) and the best of 5.
    const creation = [];
    let generated;
    for (let r = 0; r < 6; r++) {
      const t0 = performance.now();
      generated = createSparseSolverFactory(model.jacobianPattern, n, { codegenAfter: 0 });
      creation.push(performance.now() - t0);
    }
    const factoryMs = { first: creation[0], min: Math.min(...creation.slice(1)) };
    const interpreted = createSparseSolverFactory(model.jacobianPattern, n, { codegen: false });
    const solvers = { dense: createDenseSolver(n), sparse: generated(n), sparseInterpreted: interpreted(n) };
    const b = new Float64Array(n);
    const step = (s, J) => {
      s.factor(J, fac);
      for (let q = 0; q < 8; q++) {
        b.fill(1);
        s.solve(b);
      }
    };
    const factorOnly = (s, J) => s.factor(J, fac);
    const us = {};
    const factorUs = {};
    for (let round = 0; round < 3; round++) {
      for (const [kind, s] of Object.entries(solvers)) {
        const perStep = 1000 / callsPerSecond((J) => step(s, J), jacobians, repeats, 60);
        const perFactor = 1000 / callsPerSecond((J) => factorOnly(s, J), jacobians, repeats, 40);
        us[kind] = Math.min(us[kind] ?? Infinity, perStep * 1000);
        factorUs[kind] = Math.min(factorUs[kind] ?? Infinity, perFactor * 1000);
      }
    }
    const { analysis } = generated;
    results.push({
      network: name,
      n,
      nonZeros: analysis.nonZeros,
      luNonZeros: analysis.luNonZeros,
      fillIn: analysis.fillIn,
      factorOperations: analysis.factorOperations,
      stepUs: us,
      factorUs,
      solveUs: Object.fromEntries(Object.keys(us).map((k) => [k, (us[k] - factorUs[k]) / 8])),
      denseOverSparse: us.dense / us.sparse,
      factoryMs,
      fallbacks: generated.fallbacks + interpreted.fallbacks,
    });
  }
  return results;
}

// ---------------------------------------------------------------------------------------------
// Cold start: consecutive simulations in a fresh process, JIT warm-up included

const ONE_SHOT_MODES = {
  dense: {},
  'sparse (default: loops, then generated after 20k factorisations)': { sparse: {} },
  'sparse, generated at once': { sparse: { codegenAfter: 0 } },
  'sparse, loops only': { sparse: { codegen: false } },
};
const ONE_SHOT_RUNS = 8;

/** In a child process: compile, build the solver, run ONE_SHOT_RUNS default simulations. */
function oneShot(mode) {
  const start = performance.now();
  const model = compileNetwork(loadBuiltin(NETWORK));
  const grid = makeTimeGrid(T_END, STEP);
  const out = new Float64Array(grid.length * model.size);
  const { sparse } = ONE_SHOT_MODES[mode];
  const factory = sparse ? createSparseSolverFactory(model.jacobianPattern, model.size, sparse) : undefined;
  const ms = [];
  for (let r = 0; r < ONE_SHOT_RUNS; r++) {
    const t0 = performance.now();
    integrateRosenbrock(model, model.y0, grid, out, { rtol: 1e-7, atol: 1e-14, nonNegative: true, ...(factory ? { linearSolver: factory } : {}) });
    ms.push(performance.now() - t0);
  }
  return { mode, ms, setupMs: ms.length ? performance.now() - start - ms.reduce((a, b) => a + b, 0) : 0 };
}

/** Each mode twice, in fresh processes taking turns; the better of the two per mode. */
function measureColdStarts() {
  const self = fileURLToPath(import.meta.url);
  const best = {};
  for (let round = 0; round < 2; round++) {
    for (const mode of Object.keys(ONE_SHOT_MODES)) {
      const r = spawnSync(process.execPath, [self, '--one-shot', mode], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`one-shot run failed: ${r.stderr}`);
      const result = JSON.parse(r.stdout.trim().split('\n').pop());
      const total = result.ms.reduce((a, b) => a + b, 0);
      if (!best[mode] || total < best[mode].totalMs) best[mode] = { ...result, totalMs: total };
    }
  }
  return Object.values(best);
}

// ---------------------------------------------------------------------------------------------
// External solvers

function which(cmd) {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : '';
}

function runLsoda(reactionsFile, dir, repeats) {
  if (!which('python3')) return { status: 'skipped', reason: 'python3 not found' };
  const probe = spawnSync('python3', ['-c', 'import scipy, numpy'], { encoding: 'utf8' });
  if (probe.status !== 0) return { status: 'skipped', reason: 'python3 has no scipy/numpy (pip install scipy)' };
  const args = [path.join(HERE, 'scipy_lsoda.py'), reactionsFile, dir, '--t-end', String(T_END), '--step', String(STEP), '--rtol', '1e-8'];
  for (const run of ['loop:1e-6', 'loop:1e-10', 'vectorised:1e-10']) args.push('--run', run);
  args.push('--repeats', String(repeats));
  const r = spawnSync('python3', args, { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) return { status: 'failed', reason: r.stderr.trim().split('\n').slice(-3).join(' ') };
  const parsed = JSON.parse(r.stdout.trim().split('\n').pop());
  return { status: 'ok', version: `scipy ${parsed.scipy}, numpy ${parsed.numpy}`, runs: parsed.runs };
}

/** A double as a C literal that round-trips and is never an integer literal (no 1/5 == 0). */
function cNumber(x) {
  const s = String(x);
  return /[.eE]/.test(s) ? s : `${s}.0`;
}

/** C source of y' = f(y) and its analytic dense Jacobian for a reactions network, for CVODE. */
function generateC(reactions) {
  const names = reactions.species.map((s) => s.name);
  const index = new Map(names.map((name, i) => [name, i]));
  const n = names.length;
  const poolNames = Object.keys(reactions.pools ?? {});
  const poolMembers = poolNames.map((q) => Object.entries(reactions.pools[q]).map(([s, km]) => [index.get(s), 1 / km]));
  const product = (coef, idx, skip = -1) => [cNumber(coef), ...idx.filter((_, a) => a !== skip).map((j) => `y[${j}]`)].join(' * ');
  const denominators = poolMembers.map(
    (members, q) => `  const double D${q} = 1.0${members.map(([j, inv]) => ` + (y[${j}] > 0.0 ? y[${j}] * ${cNumber(inv)} : 0.0)`).join('')};`,
  );
  const rhs = [...denominators];
  const jac = [...denominators];
  const dy = Array.from({ length: n }, () => []);
  reactions.reactions.forEach((r, ri) => {
    const reac = r.reactants.map((s) => index.get(s));
    const prod = r.products.map((s) => index.get(s));
    const q = r.pool === undefined ? -1 : poolNames.indexOf(r.pool);
    const numerator = `${product(r.k, reac)}${r.kr !== undefined ? ` - ${product(r.kr, prod)}` : ''}`;
    rhs.push(`  const double v${ri} = (${numerator})${q >= 0 ? ` / D${q}` : ''};`);
    const change = new Map();
    for (const j of reac) change.set(j, (change.get(j) ?? 0) - 1);
    for (const j of prod) change.set(j, (change.get(j) ?? 0) + 1);
    const stoich = [...change].filter(([, c]) => c !== 0);
    for (const [i, c] of stoich) dy[i].push(`${c < 0 ? '-' : '+'} ${Math.abs(c) === 1 ? '' : `${Math.abs(c)}.0 * `}v${ri}`);
    // dv/dy_j = (dN/dy_j) / D - N / D^2 * [y_j > 0] / K_j
    const partials = new Map();
    const add = (idx, coef, sign) =>
      idx.forEach((j, a) => {
        partials.set(j, [...(partials.get(j) ?? []), `${sign} ${product(coef, idx, a)}`]);
      });
    add(reac, r.k, '+');
    if (r.kr !== undefined) add(prod, r.kr, '-');
    const body = [`    const double iD = ${q >= 0 ? `1.0 / D${q}` : '1.0'};`];
    for (const [j, terms] of partials) {
      body.push(`    { const double g = (${terms.join(' ')}) * iD;`);
      for (const [i, c] of stoich) body.push(`      JE(${i}, ${j}) += ${cNumber(c)} * g;`);
      body.push('    }');
    }
    if (q >= 0) {
      body.push(`    const double h = -(${numerator}) * iD * iD;`);
      for (const [j, inv] of poolMembers[q]) {
        body.push(`    if (y[${j}] > 0.0) {`);
        for (const [i, c] of stoich) body.push(`      JE(${i}, ${j}) += ${cNumber(c)} * h * ${cNumber(inv)};`);
        body.push('    }');
      }
    }
    jac.push('  {', ...body, '  }');
  });
  rhs.push(...dy.map((terms, i) => `  dy[${i}] = ${terms.length ? terms.join(' ').replace(/^\+ /, '') : '0.0'};`));
  const y0 = reactions.species.map((s) => cNumber(s.initial ?? 0));
  return `/* Generated by bench/simulator.js from the expanded "${reactions.name}" network. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <cvode/cvode.h>
#include <nvector/nvector_serial.h>
#include <sunmatrix/sunmatrix_dense.h>
#include <sunlinsol/sunlinsol_dense.h>
#include <sundials/sundials_config.h>

#define N ${n}
#define JE(i, j) SM_ELEMENT_D(J, i, j)
static const double Y0[N] = { ${y0.join(', ')} };

static int rhs(sunrealtype t, N_Vector yv, N_Vector dyv, void *user) {
  (void)t; (void)user;
  const sunrealtype *y = N_VGetArrayPointer(yv);
  sunrealtype *dy = N_VGetArrayPointer(dyv);
${rhs.join('\n')}
  return 0;
}

static int jacobian(sunrealtype t, N_Vector yv, N_Vector fy, SUNMatrix J, void *user, N_Vector t1, N_Vector t2, N_Vector t3) {
  (void)t; (void)fy; (void)user; (void)t1; (void)t2; (void)t3;
  const sunrealtype *y = N_VGetArrayPointer(yv);
  SUNMatZero(J);
${jac.join('\n')}
  return 0;
}

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec * 1e-6;
}

/* usage: cvode RTOL ATOL ANALYTIC_JACOBIAN(0|1) REPEATS T_END STEP OUT.bin */
int main(int argc, char **argv) {
  if (argc != 8) { fprintf(stderr, "usage: %s rtol atol jac repeats tEnd step out.bin\\n", argv[0]); return 2; }
  const double rtol = atof(argv[1]), atol = atof(argv[2]), tEnd = atof(argv[5]), step = atof(argv[6]);
  const int useJac = atoi(argv[3]), repeats = atoi(argv[4]);
  const long rows = (long)(tEnd / step + 1e-9) + 1;
  double *out = malloc(sizeof(double) * rows * N);
  SUNContext ctx;
  if (SUNContext_Create(NULL, &ctx)) return 3;
  long nst = 0, nfe = 0, nfeLS = 0, nje = 0, nsetups = 0, netf = 0, nni = 0;
  int flag = 0;
  printf("{\\"version\\": \\"%s\\", \\"ms\\": [", SUNDIALS_VERSION);
  for (int rep = 0; rep < repeats; rep++) {
    const double start = now_ms();
    N_Vector y = N_VNew_Serial(N, ctx);
    double *yd = N_VGetArrayPointer(y);
    for (int i = 0; i < N; i++) yd[i] = Y0[i];
    void *mem = CVodeCreate(CV_BDF, ctx);
    CVodeInit(mem, rhs, 0.0, y);
    CVodeSStolerances(mem, rtol, atol);
    SUNMatrix A = SUNDenseMatrix(N, N, ctx);
    SUNLinearSolver LS = SUNLinSol_Dense(y, A, ctx);
    CVodeSetLinearSolver(mem, LS, A);
    if (useJac) CVodeSetJacFn(mem, jacobian);
    CVodeSetMaxNumSteps(mem, 10000000);
    for (int i = 0; i < N; i++) out[i] = Y0[i];
    double t = 0.0;
    flag = 0;
    for (long k = 1; k < rows && flag >= 0; k++) {
      flag = CVode(mem, k * step, y, &t, CV_NORMAL);
      for (int i = 0; i < N; i++) out[k * N + i] = yd[i];
    }
    const double ms = now_ms() - start;
    CVodeGetNumSteps(mem, &nst);
    CVodeGetNumRhsEvals(mem, &nfe);
    CVodeGetNumLinRhsEvals(mem, &nfeLS);
    CVodeGetNumJacEvals(mem, &nje);
    CVodeGetNumLinSolvSetups(mem, &nsetups);
    CVodeGetNumErrTestFails(mem, &netf);
    CVodeGetNumNonlinSolvIters(mem, &nni);
    CVodeFree(&mem);
    SUNLinSolFree(LS);
    SUNMatDestroy(A);
    N_VDestroy(y);
    printf("%s%.6f", rep ? ", " : "", ms);
  }
  FILE *f = fopen(argv[7], "wb");
  fwrite(out, sizeof(double), rows * N, f);
  fclose(f);
  printf("], \\"flag\\": %d, \\"steps\\": %ld, \\"rhsCalls\\": %ld, \\"rhsCallsJacobian\\": %ld, \\"jacobianCalls\\": %ld, "
         "\\"setups\\": %ld, \\"errorTestFailures\\": %ld, \\"newtonIterations\\": %ld}\\n",
         flag, nst, nfe, nfeLS, nje, nsetups, netf, nni);
  SUNContext_Free(&ctx);
  free(out);
  return 0;
}
`;
}

const CVODE_SETTINGS = [
  { rtol: 1e-6, atol: 1e-14, jacobian: false },
  { rtol: 1e-7, atol: 1e-14, jacobian: false },
  { rtol: 1e-8, atol: 1e-14, jacobian: false },
  { rtol: 1e-8, atol: 1e-14, jacobian: true },
  { rtol: 1e-9, atol: 1e-14, jacobian: false },
  { rtol: 1e-10, atol: 1e-14, jacobian: false },
  { rtol: 1e-11, atol: 1e-14, jacobian: false },
];

/** Generates and compiles the CVODE driver; `{ status: 'ok', binary }` or why it was skipped. */
function buildCvode(reactions, dir) {
  const install = 'apt-get install -y libsundials-dev (Debian bookworm: SUNDIALS 6.4.1)';
  if (!which('gcc')) return { status: 'skipped', reason: `gcc not found (apt-get install -y gcc; ${install})` };
  if (!existsSync('/usr/include/cvode/cvode.h')) return { status: 'skipped', reason: `SUNDIALS headers not found: ${install}` };
  const source = path.join(dir, 'cvode_oscillator.c');
  const binary = path.join(dir, 'cvode_oscillator');
  writeFileSync(source, generateC(reactions));
  const libs = ['-lsundials_cvode', '-lsundials_nvecserial', '-lsundials_sunmatrixdense', '-lsundials_sunlinsoldense', '-lm'];
  const cc = spawnSync('gcc', ['-O2', '-o', binary, source, ...libs], { encoding: 'utf8' });
  if (cc.status !== 0) return { status: 'skipped', reason: `gcc failed (${install}?): ${cc.stderr.trim().split('\n').slice(0, 3).join(' ')}` };
  return { status: 'ok', binary };
}

/**
 * One CVODE measurement: the driver integrates twice in one process and the second (warm)
 * run's time is kept; the trajectory goes to `file`.
 */
function runCvodeOnce(binary, s, file) {
  const r = spawnSync(binary, [s.rtol, s.atol, s.jacobian ? 1 : 0, 2, T_END, STEP, file].map(String), { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`CVODE driver failed: ${r.stderr.trim()}`);
  const parsed = JSON.parse(r.stdout);
  return { ...parsed, ms: parsed.ms[1] };
}

// ---------------------------------------------------------------------------------------------
// Main

/**
 * Runs the whole simulator benchmark and returns a JSON-serialisable result.
 * @param {{ repeats?: number, lsodaRepeats?: number, external?: boolean, log?: (line: string) => void }} [options]
 *   repeats: timed runs per configuration after one warm-up (default 5); lsodaRepeats
 *   (default 3); external: run LSODA and CVODE (default true); log: where the table goes.
 */
export async function run(options = {}) {
  const repeats = options.repeats ?? 5;
  const lsodaRepeats = options.lsodaRepeats ?? 3;
  const external = options.external ?? true;
  const log = options.log ?? ((line) => console.log(line));
  const started = performance.now();

  const net = loadBuiltin(NETWORK);
  const model = compileNetwork(net);
  const n = model.size;
  const grid = makeTimeGrid(T_END, STEP);
  const rows = grid.length;
  log(`Simulator bench: built-in "${NETWORK}" (${n} states), 0..${T_END} min, output every ${STEP} min; ` +
    `node ${process.version}, ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}`);

  // The reference: RODAS5P at rtol 1e-12 / atol 1e-16; its own uncertainty from rtol 1e-11.
  const yRef = new Float64Array(rows * n);
  let t0 = performance.now();
  const refRun = integrateRosenbrock(model, model.y0, grid, yRef, { ...REFERENCE, nonNegative: true });
  const referenceMs = performance.now() - t0;
  if (refRun.outcome !== 'converged') throw new Error(`the reference run failed: ${refRun.message}`);
  const range = columnRanges(yRef, n, rows);
  const yCheck = new Float64Array(rows * n);
  integrateRosenbrock(model, model.y0, grid, yCheck, { rtol: 1e-11, atol: 1e-15, nonNegative: true });
  const referenceSelfCheck = maxErrorOverRange(yCheck, yRef, range, n, rows);
  let vsTrace = null;
  if (existsSync(TRACE)) {
    const trace = readTrace(TRACE, model.stateNames);
    const m = trace.columns.length;
    const traceRows = Math.min(trace.rows, rows);
    const refColumns = new Float64Array(traceRows * m);
    const index = trace.columns.map((name) => model.stateNames.indexOf(name));
    for (let k = 0; k < traceRows; k++) index.forEach((i, c) => (refColumns[k * m + c] = yRef[k * n + i]));
    vsTrace = { maxErrOverRange: maxErrorOverRange(trace.y, refColumns, columnRanges(trace.y, m, traceRows), m, traceRows), columns: m, rows: traceRows };
  }
  const reference = {
    solver: 'rosenbrock rodas5p, dense LU',
    ...REFERENCE,
    ms: referenceMs,
    steps: refRun.stats.steps,
    rhsCalls: refRun.stats.rhsCalls,
    vsRtol1e11: referenceSelfCheck,
    vsDaccadTrace: vsTrace,
  };
  log(`reference: RODAS5P rtol ${REFERENCE.rtol} atol ${REFERENCE.atol}: ${refRun.stats.steps} steps, ${fmtMs(referenceMs)}; ` +
    `vs rtol 1e-11: ${fmtE(referenceSelfCheck)} of range; vs the DACCAD trace: ${fmtE(vsTrace?.maxErrOverRange)} of range over ${vsTrace?.columns} states (its stated accuracy ~1.5e-4)`);

  // rhs and Jacobian calls per second, generated vs interpreted.
  const states = [];
  for (let k = 0; k < rows; k += 10) states.push(yRef.slice(k * n, (k + 1) * n));
  const rhs = measureRhs(net, states, repeats);
  log(`rhs calls/s: generated ${(rhs.rhsCallsPerSecond.generated / 1e6).toFixed(2)} M, interpreted ` +
    `${(rhs.rhsCallsPerSecond.interpreted / 1e6).toFixed(2)} M: ${rhs.rhsRatio.toFixed(1)}x; Jacobian ${rhs.jacobianRatio.toFixed(1)}x`);

  // Linear algebra per step on every built-in network.
  const linearAlgebra = measureLinearAlgebra(repeats);
  log('\nLinear algebra of one RODAS5P step (1 factorisation + 8 solves), best of repeats, us:');
  log(table(
    ['network', 'n', 'nnz', 'L+U', 'dense', 'sparse', 'sparse (no codegen)', 'dense/sparse', 'analysis+codegen'],
    linearAlgebra.map((r) => [r.network, r.n, r.nonZeros, r.luNonZeros, r.stepUs.dense.toFixed(2), r.stepUs.sparse.toFixed(2),
      r.stepUs.sparseInterpreted.toFixed(2), fmtX(r.denseOverSparse), `${fmtMs(r.factoryMs.min)} (first ${fmtMs(r.factoryMs.first)})`]),
  ));

  const coldStarts = measureColdStarts();
  log(`\nCold start: ${ONE_SHOT_RUNS} consecutive default simulations (rtol 1e-7, 7396 steps each) in a fresh process, ms (better of 2 processes):`);
  log(table(
    ['linear solver', 'run 1', 'run 2', 'run 3', `runs 4-${ONE_SHOT_RUNS} (each)`, 'total'],
    coldStarts.map((c) => [c.mode, c.ms[0].toFixed(0), c.ms[1].toFixed(0), c.ms[2].toFixed(0),
      c.ms.slice(3).map((x) => x.toFixed(0)).join(' '), c.totalMs.toFixed(0)]),
  ));

  // Our solvers, round-robin so every configuration sees the same machine load.
  // Generated code from the start: this table is about steady state (see the cold-start table).
  const sparseFactory = createSparseSolverFactory(model.jacobianPattern, n, { codegenAfter: 0 });
  const configs = [];
  // rtol 1e-5 only for sparse: the low-accuracy end of the work-precision diagram, where CVODE's errors are.
  for (const [linear, rtols] of [['dense', [1e-6, 1e-7, 1e-8]], ['sparse', [1e-5, 1e-6, 1e-7, 1e-8]]]) {
    for (const rtol of rtols) configs.push({ solver: 'rosenbrock', method: RODAS5P, linear, rtol, atol: 1e-14 });
  }
  configs.push({ solver: 'rosenbrock', method: RODAS4, linear: 'sparse', rtol: 1e-7, atol: 1e-14 });
  configs.push({ solver: 'rosenbrock', method: RODAS4, linear: 'sparse', rtol: 1e-8, atol: 1e-14 });
  configs.push({ solver: 'odex', linear: '-', rtol: 1e-9, atol: 1e-13 });
  const out = new Float64Array(rows * n);
  let ours = [];
  let sparseFallbacks = 0;
  const runOne = (c) => {
    const start = performance.now();
    const o = { rtol: c.rtol, atol: c.atol, nonNegative: true };
    const r = c.solver === 'odex'
      ? integrateOdex(model, model.y0, grid, out, o)
      : integrateRosenbrock(model, model.y0, grid, out, { ...o, method: c.method, ...(c.linear === 'sparse' ? { linearSolver: sparseFactory } : {}) });
    return { ms: performance.now() - start, r };
  };
  const dir = mkdtempSync(path.join(os.tmpdir(), 'penvae-bench-'));
  let lsoda = { status: 'skipped', reason: 'external solvers disabled' };
  let cvode = { status: 'skipped', reason: 'external solvers disabled' };
  const externalRows = [];
  try {
    // CVODE runs in the same rounds as ours, so both see the same machine load.
    const cvodeBuild = external ? buildCvode(model.reactions, dir) : cvode;
    const cvodeFile = (s) => path.join(dir, `cvode-${s.rtol}-${s.atol}-${s.jacobian ? 'jac' : 'dq'}.bin`);
    const cvodeTimes = CVODE_SETTINGS.map(() => []);
    const cvodeStats = [];
    const times = configs.map(() => []);
    const results = [];
    configs.forEach((c) => {
      const { r } = runOne(c); // warm-up, and the accuracy of this configuration
      results.push({ stats: r.stats, outcome: r.outcome, error: maxErrorOverRange(out, yRef, range, n, rows) });
    });
    for (let rep = 0; rep < repeats; rep++) {
      configs.forEach((c, i) => times[i].push(runOne(c).ms));
      if (cvodeBuild.status === 'ok') {
        CVODE_SETTINGS.forEach((s, i) => {
          const r = runCvodeOnce(cvodeBuild.binary, s, cvodeFile(s));
          cvodeTimes[i].push(r.ms);
          cvodeStats[i] = r;
        });
      }
    }
    ours = configs.map((c, i) => {
      const { min, median } = summary(times[i]);
      return {
        solver: c.solver === 'odex' ? 'odex (GBS extrapolation, JS)' : `rosenbrock ${c.method.name}, ${c.linear} LU`,
        settings: `rtol ${fmtTol(c.rtol)} atol ${fmtTol(c.atol)}`,
        rtol: c.rtol,
        atol: c.atol,
        msMin: min,
        msMedian: median,
        steps: results[i].stats.steps,
        rejectedSteps: results[i].stats.rejectedSteps,
        rhsCalls: results[i].stats.rhsCalls,
        outcome: results[i].outcome,
        maxErrOverRange: results[i].error,
        ours: true,
        // simulate()'s defaults: RODAS5P, rtol 1e-7, and the sparse LU from SPARSE_SOLVER_MIN_STATES states.
        default: c.solver === 'rosenbrock' && c.method === RODAS5P && c.rtol === 1e-7 && c.linear === (n >= SPARSE_SOLVER_MIN_STATES ? 'sparse' : 'dense'),
      };
    });
    sparseFallbacks = sparseFactory.fallbacks;
    if (external) {
      const reactionsFile = path.join(dir, 'oscillator-reactions.json');
      writeFileSync(reactionsFile, JSON.stringify(model.reactions));
      lsoda = runLsoda(reactionsFile, dir, lsodaRepeats);
      if (lsoda.status === 'ok') {
        for (const r of lsoda.runs) {
          const y = new Float64Array(readFileSync(r.trajectory).buffer.slice(0));
          const { min, median } = summary(r.seconds.map((s) => s * 1000));
          externalRows.push({
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
            maxErrOverRange: r.rows === rows ? maxErrorOverRange(y, yRef, range, n, rows) : Infinity,
            external: 'lsoda',
            rhs: r.rhs,
          });
        }
      }
      cvode = cvodeBuild.status === 'ok'
        ? { status: 'ok', version: `SUNDIALS ${cvodeStats[0].version}, gcc -O2`, runs: CVODE_SETTINGS.map((s, i) => ({ ...s, ...cvodeStats[i], ms: cvodeTimes[i], trajectory: cvodeFile(s) })) }
        : cvodeBuild;
      if (cvode.status === 'ok') {
        for (const r of cvode.runs) {
          const y = new Float64Array(readFileSync(r.trajectory).buffer.slice(0));
          const { min, median } = summary(r.ms);
          externalRows.push({
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
            maxErrOverRange: maxErrorOverRange(y, yRef, range, n, rows),
            external: 'cvode',
            analyticJacobian: r.jacobian,
          });
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (lsoda.runs) for (const r of lsoda.runs) delete r.trajectory;
  if (cvode.runs) for (const r of cvode.runs) delete r.trajectory;

  // Ratios: against LSODA at rtol 1e-8 / atol 1e-10 and CVODE at rtol 1e-8 / atol 1e-14 (DQ).
  const lsodaRef = externalRows.find((r) => r.external === 'lsoda' && r.rhs === 'loop' && r.atol === 1e-10);
  const cvodeRef = externalRows.find((r) => r.external === 'cvode' && r.rtol === 1e-8 && !r.analyticJacobian);
  const all = [...ours, ...externalRows];
  for (const r of all) {
    r.lsodaOverThis = lsodaRef ? lsodaRef.msMin / r.msMin : null;
    r.cvodeOverThis = cvodeRef ? cvodeRef.msMin / r.msMin : null;
  }

  // Work-precision: for each external run, our fastest Rosenbrock run at equal or better
  // accuracy, and our time interpolated (log-log) on the RODAS5P sparse curve at its accuracy.
  const curve = ours
    .filter((o) => o.solver === 'rosenbrock rodas5p, sparse LU')
    .map((o) => [Math.log(o.maxErrOverRange), Math.log(o.msMin)])
    .sort((a, b) => a[0] - b[0]);
  const interpolateMs = (err) => {
    const e = Math.log(err);
    for (let i = 1; i < curve.length; i++) {
      const [e0, t0] = curve[i - 1];
      const [e1, t1] = curve[i];
      if (e >= e0 && e <= e1) return Math.exp(t0 + ((t1 - t0) * (e - e0)) / (e1 - e0));
    }
    return null;
  };
  const comparisons = externalRows.map((x) => {
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

  log(`\nOscillator, 6000 min, output every minute; error = max over states and times of |y - y_ref| / range, ` +
    `y_ref = RODAS5P rtol 1e-12 atol 1e-16. Times: min / median of ${repeats} runs after a warm-up ` +
    `(LSODA: ${lsodaRepeats} runs). LSODA/this and CVODE/this: time of LSODA (rtol 1e-8 atol 1e-10) and of CVODE (rtol 1e-8 atol 1e-14, DQ Jacobian) over this row's (min times).`);
  log(table(
    ['solver', 'settings', 'ms min', 'ms median', 'steps', 'rhs calls', 'max err/range', 'LSODA/this', 'CVODE/this'],
    all.map((r) => [r.solver + (r.default ? ' (default)' : ''), r.settings, r.msMin.toFixed(1), r.msMedian.toFixed(1), r.steps ?? '-', r.rhsCalls,
      fmtE(r.maxErrOverRange), fmtX(r.lsodaOverThis), fmtX(r.cvodeOverThis)]),
  ));
  if (lsoda.status !== 'ok') log(`LSODA: ${lsoda.status}: ${lsoda.reason}`);
  if (cvode.status !== 'ok') log(`CVODE: ${cvode.status}: ${cvode.reason}`);
  if (comparisons.length) {
    log('\nAt equal or better accuracy (our fastest Rosenbrock run whose error is <= the external run\'s; and our time ' +
      'interpolated log-log on the RODAS5P sparse curve at exactly its error):');
    for (const c of comparisons) {
      log(c.ours
        ? `  ${c.external}: ${fmtMs(c.externalMs)}, err ${fmtE(c.externalErr)} -> ${c.ours}: ${fmtMs(c.oursMs)}, err ${fmtE(c.oursErr)}: ${fmtX(c.speedup)}` +
          (c.oursInterpolatedMs ? `; interpolated at equal error: ${fmtMs(c.oursInterpolatedMs)}, ${fmtX(c.speedupInterpolated)}` : '')
        : `  ${c.external}: ${fmtMs(c.externalMs)}, err ${fmtE(c.externalErr)} -> none of our runs is that accurate`);
    }
  }
  log(`sparse LU dense fallbacks over all timed runs: ${sparseFallbacks}; total bench time ${((performance.now() - started) / 1000).toFixed(0)} s`);

  return {
    bench: 'simulator',
    network: NETWORK,
    states: n,
    tEndMin: T_END,
    stepMin: STEP,
    node: process.version,
    cpu: `${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}`,
    repeats,
    reference,
    rhs,
    linearAlgebra,
    coldStarts,
    runs: all,
    sparseFallbacks,
    lsoda: { status: lsoda.status, ...(lsoda.reason ? { reason: lsoda.reason } : {}), ...(lsoda.version ? { version: lsoda.version } : {}) },
    cvode: { status: cvode.status, ...(cvode.reason ? { reason: cvode.reason } : {}), ...(cvode.version ? { version: cvode.version } : {}) },
    comparisons,
    seconds: (performance.now() - started) / 1000,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href && process.argv[2] === '--one-shot') {
  console.log(JSON.stringify(oneShot(process.argv[3])));
} else if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const quick = process.argv.includes('--quick');
  const result = await run(quick ? { repeats: 3, lsodaRepeats: 1 } : {});
  console.log(JSON.stringify(result));
}
