#!/usr/bin/env node
/**
 * Scaling benchmark: what `pipeline validate` and `pipeline simulate --t-end 100` cost on PEN
 * chains s0 -> s1 -> ... -> s(N-1) (makeChainNetwork: N strands, templates at 10 nM, 6N - 5
 * states) from N = 10 to 2000, against the Jacobian's non-zeros; where the compiler switches
 * from generated code to loops (LARGE_NETWORK_MIN_STATES); and that small networks kept their
 * speed and accuracy. See bench/README.md, section "Large networks".
 *
 *   node bench/scaling.js [--quick]       (after `npm run build`; or `node bench/run.js scaling`)
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
import { fileURLToPath } from 'node:url';
import * as simulator from '@penvae/simulator';
import { columnRanges, fmtMs, maxErrorOverRange, summary, table } from './common.js';

const { builtinNetworkUrl, compileNetwork, createSparseLowRankSolverFactory, LARGE_NETWORK_MIN_STATES, makeChainNetwork, parseNetwork, simulate } = simulator;
const HERE = fileURLToPath(import.meta.url);
const T_END = 100;

// ---------------------------------------------------------------------------------------------
// Processes: the CLI as users run it, and the default before, each with its peak memory

const CLI = fileURLToPath(new URL('../packages/pipeline/bin/pipeline.js', import.meta.url));
/** Preloaded into every measured process: its peak resident set size, on stderr at exit. */
const REPORT_RSS = 'data:text/javascript,process.on("exit",()=>process.stderr.write("\\nSCALING-RSS "+process.resourceUsage().maxRSS+"\\n"))';

/** Runs node with `args` (after the preload); wall time measured here, Node start-up included. */
function measureProcess(args) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--import', REPORT_RSS, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const wallMs = performance.now() - t0;
  const rss = /SCALING-RSS (\d+)/.exec(r.stderr);
  if (r.status !== 0 || !rss) throw new Error(`node ${args.join(' ').slice(0, 200)} failed (exit ${r.status}): ${r.stderr.slice(-2000)}`);
  return { wallMs, maxRssMb: Number(rss[1]) / 1024, stdout: r.stdout };
}

/** `pipeline ...args` through the committed bin shim, exactly as `npx pipeline` runs it. */
const runCli = (args) => measureProcess([CLI, ...args]);

/**
 * compileNetwork + simulate in a process of its own (this script in `--library` mode), with
 * the Jacobian storage given: `dense` is the default before large networks were compiled for
 * size (row-major Jacobian, generated code, its sparse LU); `auto` is the default now.
 */
const runLibrary = (storage, file) => measureProcess([HERE, '--library', storage, file]);

function simulateFile(storage, file) {
  const options = storage === 'auto' ? {} : { jacobianStorage: storage };
  const model = compileNetwork(parseNetwork(readFileSync(file, 'utf8'), file), options);
  const result = simulate(model, { tEnd: T_END });
  if (result.outcome !== 'converged') throw new Error(`${file}: ${result.outcome}: ${result.message}`);
}

// ---------------------------------------------------------------------------------------------
// Structure: what the Jacobian holds, row-major and as sparse + low rank

/** Non-zeros of the row-major Jacobian, counted row by row without an n x n array. */
function rowMajorNonZeros(model) {
  const { layout } = model.sparseLowRankJacobian;
  const n = model.size;
  const index = new Map(model.stateNames.map((name, i) => [name, i]));
  const pools = Object.entries(model.reactions.pools ?? {}).map(([name, members]) => ({
    name,
    members: Object.keys(members).map((s) => index.get(s)),
    rows: new Set(),
  }));
  for (const r of model.reactions.reactions) {
    const pool = pools.find((p) => p.name === r.pool);
    if (!pool) continue;
    const change = new Map();
    for (const s of r.reactants) change.set(s, (change.get(s) ?? 0) - 1);
    for (const s of r.products) change.set(s, (change.get(s) ?? 0) + 1);
    for (const [s, c] of change) if (c !== 0) pool.rows.add(index.get(s));
  }
  const mark = new Int32Array(n).fill(-1);
  let count = 0;
  for (let i = 0; i < n; i++) {
    for (let e = layout.rowStart[i]; e < layout.rowStart[i + 1]; e++) {
      mark[layout.col[e]] = i;
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

function measureCrossover(sizes, repeats) {
  return sizes.map((strands) => {
    const net = makeChainNetwork({ strands, time: { end: 1000, step: 1 } });
    const row = { strands, states: 0 };
    for (const storage of ['dense', 'sparse-low-rank']) {
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
      row[storage] = { firstMs: fresh[0], freshMs: summary(fresh.slice(1)).min, reusedMs: summary(reused).min };
    }
    return row;
  });
}

// ---------------------------------------------------------------------------------------------
// Small networks: speed and accuracy of the default, and of the same network compiled for size

function measureSmall(name, repeats) {
  const net = parseNetwork(readFileSync(new URL(builtinNetworkUrl(name)), 'utf8'), name);
  const referenceModel = compileNetwork(net);
  const reference = simulate(referenceModel, { rtol: 1e-12, atol: 1e-16 });
  const n = referenceModel.size;
  const rows = reference.t.length;
  const range = columnRanges(reference.y, n, rows);
  const out = { network: name, states: n };
  for (const storage of ['dense', 'sparse-low-rank']) {
    // As bench/simulator.js times the default: the model and its solver built once, the sparse
    // LU's code generated at once, warm-up runs, then the best of `repeats`.
    const model = compileNetwork(net, { jacobianStorage: storage, sparseCodegenAfter: 0 });
    const warm = simulate(model);
    // TurboFan needs a few runs to optimise the generated kernels (the switch: ~4).
    for (let r = 0; r < 4; r++) simulate(model);
    const times = [];
    for (let r = 0; r < repeats; r++) {
      const t0 = performance.now();
      simulate(model);
      times.push(performance.now() - t0);
    }
    out[storage] = { ...summary(times), steps: warm.stats.steps, maxErrOverRange: maxErrorOverRange(warm.y, reference.y, range, n, rows) };
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

export async function run(options = {}) {
  const quick = options.quick ?? false;
  const log = options.log ?? ((line) => console.log(line));
  const started = performance.now();
  const sizes = quick ? [10, 100, 300] : [10, 20, 50, 100, 200, 300, 500, 1000, 2000];
  const denseSizes = quick ? [10, 20] : [10, 20, 50, 100];
  const repeats = quick ? 3 : 5;
  log(`Scaling bench: PEN chains of N strands, simulate --t-end ${T_END}; node ${process.version}, ` +
    `${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);

  const dir = mkdtempSync(path.join(os.tmpdir(), 'penvae-scaling-'));
  const files = new Map();
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
      const validate = runCli(['validate', files.get(n)]);
      const sim = runCli(['simulate', '--network', files.get(n), '--t-end', String(T_END)]);
      const steps = Number(/: (\d+) steps/.exec(sim.stdout)?.[1]);
      const row = { ...structure, validate: { wallMs: validate.wallMs, maxRssMb: validate.maxRssMb }, simulate: { wallMs: sim.wallMs, maxRssMb: sim.maxRssMb, steps } };
      log(`N = ${n}: ${row.states} states, validate ${fmtMs(validate.wallMs)} ${validate.maxRssMb.toFixed(0)} MB, simulate ${fmtMs(sim.wallMs)} ${sim.maxRssMb.toFixed(0)} MB`);
      return row;
    });
    log('\nScaling curve (CLI, one process per command; wall time includes the start-up above):');
    log(table(
      ['N strands', 'states', 'compiled as', 'J non-zeros (row-major)', 'S non-zeros + rank', 'L+U of S', 'validate', 'peak MB', 'simulate', 'peak MB', 'steps', 'us per step and state'],
      curve.map((r) => [r.strands, r.states, r.storage === 'dense' ? 'generated' : 'loops', r.rowMajorNonZeros, `${r.sparseNonZeros} + ${r.rank}`, r.luNonZeros,
        fmtMs(r.validate.wallMs), r.validate.maxRssMb.toFixed(0), fmtMs(r.simulate.wallMs), r.simulate.maxRssMb.toFixed(0), r.simulate.steps,
        ((1000 * Math.max(0, r.simulate.wallMs - startupMs)) / r.simulate.steps / r.states).toFixed(2)]),
    ));
    log('(us per step and state: simulate time less the start-up, per integration step and state variable)');

    const dense = denseSizes.map((n) => {
      const before = runLibrary('dense', files.get(n));
      const now = runLibrary('auto', files.get(n));
      return { strands: n, states: 6 * n - 5, before: { wallMs: before.wallMs, maxRssMb: before.maxRssMb }, now: { wallMs: now.wallMs, maxRssMb: now.maxRssMb } };
    });
    log('\nThe default before (row-major Jacobian, generated code) against now: compileNetwork + simulate, one process each, same run:');
    log(table(
      ['N strands', 'states', 'before', 'before: peak MB', 'now', 'now: peak MB', 'before/now'],
      dense.map((r) => [r.strands, r.states, fmtMs(r.before.wallMs), r.before.maxRssMb.toFixed(0), fmtMs(r.now.wallMs), r.now.maxRssMb.toFixed(0), `${(r.before.wallMs / r.now.wallMs).toFixed(1)}x`]),
    ));

    const crossover = measureCrossover(quick ? [4, 8, 12] : [4, 6, 8, 10, 11, 12, 14], repeats);
    log(`\nGenerated code (dense) vs loops (sparse-low-rank) by size, 0..1000 min, in this process; the compiler picks loops from ${LARGE_NETWORK_MIN_STATES} states:`);
    log(table(
      ['N strands', 'states', 'dense: first', 'dense: one-off', 'dense: reused', 'loops: first', 'loops: one-off', 'loops: reused', 'reused dense/loops'],
      crossover.map((r) => [r.strands, r.states, fmtMs(r.dense.firstMs), fmtMs(r.dense.freshMs), fmtMs(r.dense.reusedMs), fmtMs(r['sparse-low-rank'].firstMs),
        fmtMs(r['sparse-low-rank'].freshMs), fmtMs(r['sparse-low-rank'].reusedMs), `${(r.dense.reusedMs / r['sparse-low-rank'].reusedMs).toFixed(2)}x`]),
    ));

    const small = ['oscillator', 'switch', 'oscillator-montagne2011'].map((name) => measureSmall(name, repeats));
    log('\nSmall networks (default settings, model reused, best of repeats; error: max |y - y_ref| / range, y_ref at rtol 1e-12):');
    log(table(
      ['network', 'states', 'default (dense, generated) ms min', 'median', 'error', 'compiled for size ms min', 'median', 'error'],
      small.map((r) => [r.network, r.states, r.dense.min.toFixed(1), r.dense.median.toFixed(1), r.dense.maxErrOverRange.toExponential(1),
        r['sparse-low-rank'].min.toFixed(1), r['sparse-low-rank'].median.toFixed(1), r['sparse-low-rank'].maxErrOverRange.toExponential(1)]),
    ));

    const result = { quick, tEnd: T_END, largeNetworkMinStates: LARGE_NETWORK_MIN_STATES, startupMs, curve, dense, crossover, small, seconds: (performance.now() - started) / 1000 };
    log(JSON.stringify(result));
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const libraryAt = process.argv.indexOf('--library');
if (libraryAt >= 0) simulateFile(process.argv[libraryAt + 1], process.argv[libraryAt + 2]);
else if (process.argv[1] === HERE) await run({ quick: process.argv.includes('--quick') });
