#!/usr/bin/env node
// @ts-check
/**
 * Scaling benchmark: what `pipeline validate` and `pipeline simulate --t-end 100` cost on PEN
 * chains s0 -> s1 -> ... -> s(N-1) (makeChainNetwork: N strands, templates at 10 nM, 6N - 5
 * states) from N = 10 to 2000, against the Jacobian's non-zeros; where the compiler switches
 * from generated code to loops (LARGE_NETWORK_MIN_STATES); and that small networks kept their
 * speed and accuracy. See bench/README.md, section "Large networks".
 *
 *   node bench/scaling.js [--quick] [--baseline DIR]   (after `npm run build`; or `node bench/run.js scaling`)
 *
 * `--baseline DIR`: a built checkout of another revision (e.g. `git worktree add /tmp/base main
 * && cd /tmp/base && npm ci`): its simulator's default runs in turns with this one's on the
 * small networks, so "small networks kept their speed" is a ratio measured in one run.
 *
 * Each CLI measurement runs `packages/pipeline/bin/pipeline.js` in a process of its own, so its
 * peak memory is its own: wall time is measured here around the process (Node and CLI start-up
 * included), peak memory is the process's maximum resident set size (reported by a preloaded
 * exit hook). Prints tables and, last, one JSON line.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as simulator from '@penvae/simulator';
import { argument, columnRanges, cpuDescription, fmtMs, lastJsonLine, loadAverage, maxErrorOverRange, PIPELINE_BIN as CLI, summary, table } from './common.js';

const { builtinNetworkUrl, compileNetwork, createSparseLowRankSolverFactory, LARGE_NETWORK_MIN_STATES, makeChainNetwork, parseNetwork, simulate } = simulator;
const HERE = fileURLToPath(import.meta.url);
const T_END = 100;

/** @typedef {'dense' | 'sparse-low-rank'} JacobianStorage */

// ---------------------------------------------------------------------------------------------
// Processes: the CLI as users run it, and the default before, each with its peak memory

/** Preloaded into every measured process: its peak resident set size, on stderr at exit. */
const REPORT_RSS = 'data:text/javascript,process.on("exit",()=>process.stderr.write("\\nSCALING-RSS "+process.resourceUsage().maxRSS+"\\n"))';

/**
 * Runs node with `args` (after the preload); wall time measured here, Node start-up included.
 * @param {string[]} args
 */
function measureProcess(args) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--import', REPORT_RSS, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const wallMs = performance.now() - t0;
  const rss = /SCALING-RSS (\d+)/.exec(r.stderr);
  if (r.status !== 0 || !rss) throw new Error(`node ${args.join(' ').slice(0, 200)} failed (exit ${r.status}): ${r.stderr.slice(-2000)}`);
  return { wallMs, maxRssMb: Number(rss[1]) / 1024, stdout: r.stdout };
}

/** `pipeline ...args` through the committed bin shim, exactly as `npx pipeline` runs it. */
const runCli = (/** @type {string[]} */ args) => measureProcess([CLI, ...args]);

/**
 * compileNetwork + simulate in a process of its own (this script in `--library` mode), with
 * the Jacobian storage given: `dense` is the default before large networks were compiled for
 * size (row-major Jacobian, generated code, its sparse LU); `auto` is the default now.
 * @param {'dense' | 'auto'} storage
 * @param {string} file
 */
const runLibrary = (storage, file) => measureProcess([HERE, '--library', storage, file]);

/**
 * The `--library` mode: compile and simulate `file`.
 * @param {string} storage `auto` or a {@link JacobianStorage}
 * @param {string} file
 */
function simulateFile(storage, file) {
  const options = storage === 'auto' ? {} : { jacobianStorage: /** @type {JacobianStorage} */ (storage) };
  const model = compileNetwork(parseNetwork(readFileSync(file, 'utf8'), file), options);
  const result = simulate(model, { tEnd: T_END });
  if (result.outcome !== 'converged') throw new Error(`${file}: ${result.outcome}: ${result.message}`);
}

// ---------------------------------------------------------------------------------------------
// Structure: what the Jacobian holds, row-major and as sparse + low rank

/**
 * Non-zeros of the row-major Jacobian, counted row by row without an n x n array.
 * @param {simulator.CompiledNetwork} model
 */
function rowMajorNonZeros(model) {
  const { layout } = model.sparseLowRankJacobian;
  const n = model.size;
  const index = new Map(model.stateNames.map((name, i) => [name, i]));
  const pools = Object.entries(model.reactions.pools ?? {}).map(([name, members]) => ({
    name,
    members: Object.keys(members).map((s) => index.get(s) ?? -1),
    /** @type {Set<number>} */
    rows: new Set(),
  }));
  for (const r of model.reactions.reactions) {
    const pool = pools.find((p) => p.name === r.pool);
    if (!pool) continue;
    /** @type {Map<string, number>} */
    const change = new Map();
    for (const s of r.reactants) change.set(s, (change.get(s) ?? 0) - 1);
    for (const s of r.products) change.set(s, (change.get(s) ?? 0) + 1);
    for (const [s, c] of change) if (c !== 0) pool.rows.add(index.get(s) ?? -1);
  }
  const mark = new Int32Array(n).fill(-1);
  let count = 0;
  for (let i = 0; i < n; i++) {
    for (let e = /** @type {number} */ (layout.rowStart[i]); e < /** @type {number} */ (layout.rowStart[i + 1]); e++) {
      mark[/** @type {number} */ (layout.col[e])] = i;
      count++;
    }
    for (const pool of pools) {
      if (!pool.rows.has(i)) continue;
      for (const j of pool.members) {
        if (mark[j] === i) continue;
        mark[j] = i;
        count++;
      }
    }
  }
  return count;
}

/**
 * What the Jacobian of a chain of `strands` holds.
 * @param {number} strands
 */
function structureOf(strands) {
  const model = compileNetwork(makeChainNetwork({ strands }));
  const { layout } = model.sparseLowRankJacobian;
  const { analysis } = createSparseLowRankSolverFactory(layout);
  return {
    strands,
    states: model.size,
    storage: model.jacobianStorage,
    rowMajorNonZeros: rowMajorNonZeros(model),
    sparseNonZeros: layout.col.length,
    rank: layout.rank,
    luNonZeros: analysis.luNonZeros,
    factorOperations: analysis.factorOperations,
  };
}

// ---------------------------------------------------------------------------------------------
// Where generated code stops paying: the same chains compiled both ways, in this process

/**
 * Chains of each size compiled both ways: one-off (compile + simulate) and reused, ms.
 * @param {number[]} sizes
 * @param {number} repeats
 */
function measureCrossover(sizes, repeats) {
  return sizes.map((strands) => {
    const net = makeChainNetwork({ strands, time: { end: 1000, step: 1 } });
    /** @typedef {{ firstMs: number, freshMs: number, reusedMs: number }} Timing */
    /** @type {{ strands: number, states: number } & Record<JacobianStorage, Timing>} */
    const row = { strands, states: 0, dense: { firstMs: NaN, freshMs: NaN, reusedMs: NaN }, 'sparse-low-rank': { firstMs: NaN, freshMs: NaN, reusedMs: NaN } };
    for (const storage of /** @type {JacobianStorage[]} */ (['dense', 'sparse-low-rank'])) {
      // One-off: compile and simulate, as `pipeline simulate` does once per process (the first
      // round also pays V8's compilation of the generated code).
      const fresh = [];
      for (let r = 0; r < repeats; r++) {
        const t0 = performance.now();
        simulate(compileNetwork(net, { jacobianStorage: storage }));
        fresh.push(performance.now() - t0);
      }
      // Reused: one model, sparse LU code generated at once, as in a sweep; after warm-up.
      const model = compileNetwork(net, { jacobianStorage: storage, sparseCodegenAfter: 0 });
      row.states = model.size;
      for (let r = 0; r < 4; r++) simulate(model);
      const reused = [];
      for (let r = 0; r < repeats; r++) {
        const t0 = performance.now();
        simulate(model);
        reused.push(performance.now() - t0);
      }
      row[storage] = { firstMs: fresh[0] ?? NaN, freshMs: summary(fresh.slice(1)).min, reusedMs: summary(reused).min };
    }
    return row;
  });
}

// ---------------------------------------------------------------------------------------------
// Small networks: speed and accuracy of the default, of the same network compiled for size,
// and (with --baseline) of the default of another build of the simulator, in turns

/**
 * The variants measured on each small network: this build's default and the same network
 * compiled for size, plus the default of `baseline` (another build's simulator module).
 * @param {typeof simulator | undefined} baseline
 */
function smallVariants(baseline) {
  /** @type {Record<string, SmallVariant>} */
  const variants = {
    default: { label: 'default', sim: simulator, options: { sparseCodegenAfter: 0 } },
    size: { label: 'compiled for size', sim: simulator, options: { jacobianStorage: 'sparse-low-rank' } },
  };
  if (baseline) variants.baseline = { label: 'baseline default', sim: baseline, options: { sparseCodegenAfter: 0 } };
  return variants;
}

/** @typedef {{ label: string, sim: typeof simulator, options: Parameters<typeof simulator.compileNetwork>[1] }} SmallVariant */

const SMALL_NETWORKS = ['oscillator', 'switch', 'oscillator-montagne2011'];

/**
 * The small networks in a fresh process (`--small`), one group of variants taking turns: an
 * integrator that has also run other kinds of models (the chains above, or the other Jacobian
 * storage) has polymorphic call sites and runs slower, which would not be the variants' own
 * cost. The default and the baseline share a process; compiled for size gets its own.
 * @param {string[]} group keys of {@link smallVariants}
 * @param {number} repeats
 * @param {string | undefined} baselineDir
 * @returns {ReturnType<typeof measureSmall>[]}
 */
function measureSmallInChild(group, repeats, baselineDir) {
  const args = [HERE, '--small', group.join(','), '--repeats', String(repeats), ...(baselineDir ? ['--baseline', baselineDir] : [])];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`small networks (${group.join(', ')}) failed: ${r.stderr.slice(-2000)}`);
  return lastJsonLine(r.stdout);
}

/**
 * The variants on one built-in network, in turns, with their error against a tight reference.
 * @param {string} name
 * @param {number} repeats
 * @param {SmallVariant[]} variants
 */
function measureSmall(name, repeats, variants) {
  const text = readFileSync(new URL(builtinNetworkUrl(name)), 'utf8');
  const reference = simulate(compileNetwork(parseNetwork(text, name)), { rtol: 1e-12, atol: 1e-16 });
  const n = reference.names.length;
  const rows = reference.t.length;
  const range = columnRanges(reference.y, n, rows);
  // As bench/simulator.js times the default: each model and its solver built once (the sparse
  // LU's code generated at once), warm-up runs (TurboFan needs ~4 for the switch's generated
  // kernels), then the variants take turns so that each sees the same machine load.
  const runs = variants.map((v) => {
    const model = v.sim.compileNetwork(v.sim.parseNetwork(text, name), v.options);
    const warm = v.sim.simulate(model);
    for (let r = 0; r < 4; r++) v.sim.simulate(model);
    return { v, model, warm, times: /** @type {number[]} */ ([]) };
  });
  for (let r = 0; r < repeats; r++) {
    for (const run of runs) {
      const t0 = performance.now();
      run.v.sim.simulate(run.model);
      run.times.push(performance.now() - t0);
    }
  }
  return {
    network: name,
    states: n,
    variants: runs.map(({ v, warm, times }) => ({
      label: v.label,
      ...summary(times),
      steps: warm.stats.steps,
      maxErrOverRange: maxErrorOverRange(warm.y, reference.y, range, n, rows),
    })),
  };
}

// ---------------------------------------------------------------------------------------------

/**
 * Runs the whole scaling benchmark; logs, last, the JSON it returns.
 * @param {{ quick?: boolean, log?: (line: string) => void, baselineDir?: string | undefined }} [options]
 * @public (the bench's entry for scripts; `node bench/run.js` runs the file)
 */
export async function run(options = {}) {
  const quick = options.quick ?? false;
  const log = options.log ?? ((line) => console.log(line));
  const started = performance.now();
  const sizes = quick ? [10, 100, 300] : [10, 20, 50, 100, 200, 300, 500, 1000, 2000];
  const denseSizes = quick ? [10, 20] : [10, 20, 50, 100];
  const repeats = quick ? 3 : 5;
  log(`Scaling bench: PEN chains of N strands, simulate --t-end ${T_END}; node ${process.version}, ` + `${cpuDescription()}, load average ${loadAverage()}`);

  const dir = mkdtempSync(path.join(os.tmpdir(), 'penvae-scaling-'));
  /** @type {Map<number, string>} */
  const files = new Map();
  const fileOf = (/** @type {number} */ n) => /** @type {string} */ (files.get(n));
  try {
    for (const n of new Set([...sizes, ...denseSizes])) {
      const file = path.join(dir, `chain-${n}.json`);
      writeFileSync(file, JSON.stringify(makeChainNetwork({ strands: n })));
      files.set(n, file);
    }

    // What every CLI run pays before it does anything: Node, the CLI's imports, a tiny file.
    const startupMs = summary([0, 1, 2].map(() => runCli(['validate', 'amplifier']).wallMs)).min;
    log(`CLI start-up (pipeline validate amplifier, best of 3): ${fmtMs(startupMs)}`);
    const curve = sizes.map((n) => {
      const structure = structureOf(n);
      // Best of 3 (validate) and of 2 (simulate, up to 500 strands): other jobs share the machine.
      const best = (/** @type {ReturnType<typeof runCli>[]} */ runs) => runs.reduce((a, b) => (b.wallMs < a.wallMs ? b : a));
      const validate = best([0, 1, 2].map(() => runCli(['validate', fileOf(n)])));
      const sim = best(Array.from({ length: n <= 500 ? 2 : 1 }, () => runCli(['simulate', '--network', fileOf(n), '--t-end', String(T_END)])));
      const steps = Number(/: (\d+) steps/.exec(sim.stdout)?.[1]);
      const row = {
        ...structure,
        validate: { wallMs: validate.wallMs, maxRssMb: validate.maxRssMb },
        simulate: { wallMs: sim.wallMs, maxRssMb: sim.maxRssMb, steps },
      };
      log(
        `N = ${n}: ${row.states} states, validate ${fmtMs(validate.wallMs)} ${validate.maxRssMb.toFixed(0)} MB, simulate ${fmtMs(sim.wallMs)} ${sim.maxRssMb.toFixed(0)} MB`,
      );
      return row;
    });
    log('\nScaling curve (CLI, one process per command, best of 3 for validate and of 2 for simulate up to N = 500; wall time includes the start-up above):');
    log(
      table(
        [
          'N strands',
          'states',
          'compiled as',
          'J non-zeros (row-major)',
          'S non-zeros + rank',
          'L+U of S',
          'validate',
          'peak MB',
          'simulate',
          'peak MB',
          'steps',
          'us per step and state',
        ],
        curve.map((r) => [
          r.strands,
          r.states,
          r.storage === 'dense' ? 'generated' : 'loops',
          r.rowMajorNonZeros,
          `${r.sparseNonZeros} + ${r.rank}`,
          r.luNonZeros,
          fmtMs(r.validate.wallMs),
          r.validate.maxRssMb.toFixed(0),
          fmtMs(r.simulate.wallMs),
          r.simulate.maxRssMb.toFixed(0),
          r.simulate.steps,
          ((1000 * Math.max(0, r.simulate.wallMs - startupMs)) / r.simulate.steps / r.states).toFixed(2),
        ]),
      ),
    );
    log('(us per step and state: simulate time less the start-up, per integration step and state variable)');

    const dense = denseSizes.map((n) => {
      const before = runLibrary('dense', fileOf(n));
      const now = runLibrary('auto', fileOf(n));
      return {
        strands: n,
        states: 6 * n - 5,
        before: { wallMs: before.wallMs, maxRssMb: before.maxRssMb },
        now: { wallMs: now.wallMs, maxRssMb: now.maxRssMb },
      };
    });
    log('\nThe default before (row-major Jacobian, generated code) against now: compileNetwork + simulate, one process each, same run:');
    log(
      table(
        ['N strands', 'states', 'before', 'before: peak MB', 'now', 'now: peak MB', 'before/now'],
        dense.map((r) => [
          r.strands,
          r.states,
          fmtMs(r.before.wallMs),
          r.before.maxRssMb.toFixed(0),
          fmtMs(r.now.wallMs),
          r.now.maxRssMb.toFixed(0),
          `${(r.before.wallMs / r.now.wallMs).toFixed(1)}x`,
        ]),
      ),
    );

    const crossover = measureCrossover(quick ? [4, 8, 12] : [4, 6, 8, 10, 11, 12, 14], repeats);
    log(
      `\nGenerated code (dense) vs loops (sparse-low-rank) by size, 0..1000 min, in this process; the compiler picks loops from ${LARGE_NETWORK_MIN_STATES} states:`,
    );
    log(
      table(
        ['N strands', 'states', 'dense: first', 'dense: one-off', 'dense: reused', 'loops: first', 'loops: one-off', 'loops: reused', 'reused dense/loops'],
        crossover.map((r) => [
          r.strands,
          r.states,
          fmtMs(r.dense.firstMs),
          fmtMs(r.dense.freshMs),
          fmtMs(r.dense.reusedMs),
          fmtMs(r['sparse-low-rank'].firstMs),
          fmtMs(r['sparse-low-rank'].freshMs),
          fmtMs(r['sparse-low-rank'].reusedMs),
          `${(r.dense.reusedMs / r['sparse-low-rank'].reusedMs).toFixed(2)}x`,
        ]),
      ),
    );

    const groups = [['default', ...(options.baselineDir ? ['baseline'] : [])], ['size']];
    const measured = groups.map((group) => measureSmallInChild(group, repeats, options.baselineDir));
    const small = SMALL_NETWORKS.map((name, i) => ({
      network: name,
      states: measured[0]?.[i]?.states ?? NaN,
      variants: measured.flatMap((m) => m[i]?.variants ?? []),
    }));
    const labels = (small[0]?.variants ?? []).map((v) => v.label);
    log(
      `\nSmall networks: ms per simulation (model reused, best and median of ${repeats}, variants of a process in turns); error: max |y - y_ref| / range, y_ref at rtol 1e-12:`,
    );
    log(
      table(
        ['network', 'states', ...labels.flatMap((label) => [`${label} min`, 'median', 'error'])],
        small.map((r) => [r.network, r.states, ...r.variants.flatMap((v) => [v.min.toFixed(1), v.median.toFixed(1), v.maxErrOverRange.toExponential(1)])]),
      ),
    );

    const result = {
      quick,
      tEnd: T_END,
      largeNetworkMinStates: LARGE_NETWORK_MIN_STATES,
      startupMs,
      curve,
      dense,
      crossover,
      small,
      seconds: (performance.now() - started) / 1000,
    };
    log(JSON.stringify(result));
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const baselineArg = argument('--baseline');
const baselineDir = baselineArg ? path.resolve(baselineArg) : undefined;
const libraryArg = argument('--library');
const smallArg = argument('--small');
if (libraryArg) simulateFile(libraryArg, process.argv[process.argv.indexOf('--library') + 2] ?? '');
else if (smallArg) {
  const baseline = baselineDir ? await import(pathToFileURL(path.join(baselineDir, 'packages/simulator/dist/index.js')).href) : undefined;
  const all = smallVariants(baseline);
  const variants = smallArg.split(',').map((key) => {
    const variant = all[key];
    if (!variant) throw new Error(`--small: unknown variant "${key}"`);
    return variant;
  });
  const repeats = Number(argument('--repeats') ?? 5);
  console.log(JSON.stringify(SMALL_NETWORKS.map((name) => measureSmall(name, repeats, variants))));
} else if (process.argv[1] === HERE) await run({ quick: process.argv.includes('--quick'), baselineDir });
