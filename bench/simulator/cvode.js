// @ts-check
// SUNDIALS CVODE on the simulator's own generated code: the straight-line rhs and Jacobian that
// compileNetwork generates (generateNetworkSource) are translated to C statement by statement,
// wrapped in a small driver, compiled with gcc -O2 in a temp dir and timed inside the C process.
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { which } from '../common.js';

/** @typedef {import('@penvae/simulator').NetworkSource} NetworkSource */

/**
 * @typedef {object} CvodeSetting
 * @property {number} rtol
 * @property {number} atol
 * @property {boolean} jacobian the analytic Jacobian (else CVODE's difference quotients)
 */

/** @type {readonly CvodeSetting[]} */
export const CVODE_SETTINGS = [
  { rtol: 1e-6, atol: 1e-14, jacobian: false },
  { rtol: 1e-7, atol: 1e-14, jacobian: false },
  { rtol: 1e-8, atol: 1e-14, jacobian: false },
  { rtol: 1e-8, atol: 1e-14, jacobian: true },
  { rtol: 1e-9, atol: 1e-14, jacobian: false },
  { rtol: 1e-10, atol: 1e-14, jacobian: false },
  { rtol: 1e-11, atol: 1e-14, jacobian: false },
];

/**
 * A double as a C literal that round-trips and is never an integer literal (no 1/5 == 0).
 * @param {number} x
 */
function cNumber(x) {
  const s = String(x);
  return /[.eE]/.test(s) ? s : `${s}.0`;
}

/**
 * The generated JavaScript statements as C: declarations become doubles, the row-major
 * `J[i * N + j]` becomes SUNDIALS' column-major element (the index is a literal, so the division
 * folds at compile time) and `J.fill(0)` clears the matrix. The simulator's test
 * ("exposes the generated source") keeps the statements to the words this handles.
 * @param {string} statements
 */
function toC(statements) {
  return statements
    .replace(/\bconst (\w+) =/g, 'const double $1 =')
    .replace(/\bJ\.fill\(0\);/g, 'SUNMatZero(J);')
    .replace(/\bJ\[(\d+)\]/g, 'JE($1)');
}

/**
 * C source of the CVODE driver for `source`.
 * @param {string} name the network's name, for the header comment
 * @param {NetworkSource} source
 */
function generateDriver(name, source) {
  const indent = (/** @type {string} */ text) =>
    text
      .split('\n')
      .map((line) => `  ${line}`)
      .join('\n');
  return `/* The "${name}" network as compileNetwork generates it (bench/simulator/cvode.js). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <cvode/cvode.h>
#include <nvector/nvector_serial.h>
#include <sunmatrix/sunmatrix_dense.h>
#include <sunlinsol/sunlinsol_dense.h>
#include <sundials/sundials_config.h>

#define N ${source.size}
#define JE(k) SM_ELEMENT_D(J, (k) / N, (k) % N)
static const double Y0[N] = { ${Array.from(source.y0, cNumber).join(', ')} };
static const double v[] = { ${Array.from(source.values, cNumber).join(', ')} };

static int rhs(sunrealtype t, N_Vector yv, N_Vector dyv, void *user) {
  (void)t; (void)user;
  const sunrealtype *y = N_VGetArrayPointer(yv);
  sunrealtype *dy = N_VGetArrayPointer(dyv);
${indent(toC(source.rhs))}
  return 0;
}

static int jacobian(sunrealtype t, N_Vector yv, N_Vector fy, SUNMatrix J, void *user, N_Vector t1, N_Vector t2, N_Vector t3) {
  (void)t; (void)fy; (void)user; (void)t1; (void)t2; (void)t3;
  const sunrealtype *y = N_VGetArrayPointer(yv);
${indent(toC(source.jacobian))}
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

/**
 * @typedef {{ status: 'ok', binary: string } | { status: 'skipped', reason: string }} CvodeBuild
 */

/**
 * Generates and compiles the CVODE driver in `dir`; `{ status: 'ok', binary }` or why it was skipped.
 * @param {string} name the network's name
 * @param {NetworkSource} source
 * @param {string} dir
 * @returns {CvodeBuild}
 */
export function buildCvode(name, source, dir) {
  const install = 'apt-get install -y libsundials-dev (Debian bookworm: SUNDIALS 6.4.1)';
  if (!which('gcc')) return { status: 'skipped', reason: `gcc not found (apt-get install -y gcc; ${install})` };
  if (!existsSync('/usr/include/cvode/cvode.h')) return { status: 'skipped', reason: `SUNDIALS headers not found: ${install}` };
  const file = path.join(dir, 'cvode_driver.c');
  const binary = path.join(dir, 'cvode_driver');
  writeFileSync(file, generateDriver(name, source));
  const libs = ['-lsundials_cvode', '-lsundials_nvecserial', '-lsundials_sunmatrixdense', '-lsundials_sunlinsoldense', '-lm'];
  const cc = spawnSync('gcc', ['-O2', '-o', binary, file, ...libs], { encoding: 'utf8' });
  if (cc.status !== 0) return { status: 'skipped', reason: `gcc failed (${install}?): ${cc.stderr.trim().split('\n').slice(0, 3).join(' ')}` };
  return { status: 'ok', binary };
}

/**
 * @typedef {object} CvodeRun What the driver reports for one setting.
 * @property {string} version SUNDIALS version
 * @property {number} ms the second (warm) integration's time
 * @property {number} flag CVode's last return flag (negative: failure)
 * @property {number} steps
 * @property {number} rhsCalls
 * @property {number} rhsCallsJacobian right-hand side calls for difference-quotient Jacobians
 * @property {number} jacobianCalls
 */

/**
 * One CVODE measurement: the driver integrates twice in one process and the second (warm)
 * run's time is kept; the trajectory goes to `file`.
 * @param {string} binary
 * @param {CvodeSetting} setting
 * @param {{ tEnd: number, step: number }} grid
 * @param {string} file
 * @returns {CvodeRun}
 */
export function runCvodeOnce(binary, setting, grid, file) {
  const r = spawnSync(binary, [setting.rtol, setting.atol, setting.jacobian ? 1 : 0, 2, grid.tEnd, grid.step, file].map(String), { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`CVODE driver failed: ${r.stderr.trim()}`);
  const parsed = JSON.parse(r.stdout);
  return { ...parsed, ms: parsed.ms[1] };
}
