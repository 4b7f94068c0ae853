#!/usr/bin/env node
// @ts-check
/**
 * Scale-out benchmark: what sizing a cluster sweep needs (README, "Scaling out").
 *
 * 1. One shard of a 10^6-sample oscillator sweep, as a Slurm array task runs it
 *    (`pipeline simulate ... --samples 1000000 --shard 1/1000`, 1 000 samples), on 1 worker and
 *    on every core: simulations/s per core and per node, bytes per row, the shard's file size.
 * 2. `pipeline merge` of a sweep's shards (amplifier, 8 shards) at two sizes: rows/s, MB/s and
 *    peak memory (it streams, so memory should not grow with the rows).
 *
 *   node bench/scale-out.js [--quick]   (after `npx tsc -b`; ~4 min, --quick ~1 min)
 *
 * Prints a table and, last, one JSON line; `run()` returns the same. The CLI runs as a child
 * process with bench/sweep-report.js preloaded (maxRSS). Files go to a temp dir, removed after.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isMain, loadAverage, runReportedPipeline, table } from './common.js';

/** The README's cluster example, one shard of it. */
const BIG = [
  '--network',
  'oscillator',
  '--vary',
  'templates[a->a].concentration=20:80:log',
  '--vary',
  'parameters.exoVm=200:400',
  '--t-end',
  '3000',
  '--step',
  '10',
  '--seed',
  '1',
];
/** A fast sweep to make shards to merge. */
const FAST = [
  '--network',
  'amplifier',
  '--vary',
  'templates[a->a].concentration=20:80:log',
  '--vary',
  'strands[a].K=30:150:log',
  '--t-end',
  '300',
  '--step',
  '1',
  '--seed',
  '1',
];

/**
 * Runs the CLI; returns wall seconds, maxRSS (MB) and stderr.
 * @param {string[]} args
 */
function pipeline(args) {
  const { wallMs, stderr, report } = runReportedPipeline(args);
  return { seconds: wallMs / 1000, maxRssMb: report.maxRssKb / 1024, cpuSeconds: (report.userCpuMs + report.systemCpuMs) / 1000, stderr };
}

/**
 * Runs the whole scale-out benchmark and returns a JSON-serialisable result.
 * @param {{ quick?: boolean, log?: (line: string) => void }} [options]
 * @public (the bench's entry for scripts; `node bench/run.js` runs the file)
 */
export async function run(options = {}) {
  const quick = options.quick ?? false;
  const log = options.log ?? ((line) => console.log(line));
  const cores = os.availableParallelism();
  const cfg = quick ? { shardOf: 10_000, shards: 100, mergeSamples: [8_000, 16_000] } : { shardOf: 1_000_000, shards: 1_000, mergeSamples: [20_000, 80_000] };
  const dir = mkdtempSync(path.join(os.tmpdir(), 'penvae-scale-out-'));
  log(`Scale-out bench${quick ? ' (--quick)' : ''}: node ${process.version}, ${cores} cores, ${os.cpus()[0]?.model ?? 'cpu'}; load average ${loadAverage()}`);
  const started = performance.now();
  try {
    // 1. One shard, as an array task runs it.
    const perShard = cfg.shardOf / cfg.shards;
    const shardRuns = [];
    for (const workers of [1, cores]) {
      const out = path.join(dir, `shard-w${workers}.arrow`);
      const r = pipeline([
        'simulate',
        ...BIG,
        '--samples',
        String(cfg.shardOf),
        '--shard',
        `1/${cfg.shards}`,
        '--workers',
        String(workers),
        '--no-progress',
        '--out',
        out,
      ]);
      const bytes = statSync(out).size;
      shardRuns.push({
        workers,
        samples: perShard,
        seconds: r.seconds,
        simsPerSecond: perShard / r.seconds,
        cpuSeconds: r.cpuSeconds,
        maxRssMb: r.maxRssMb,
        bytes,
        bytesPerRow: bytes / perShard,
      });
    }
    log(
      `\n1. One shard of a ${cfg.shardOf.toLocaleString('en')}-sample oscillator sweep (\`pipeline simulate ${BIG.join(' ')} --samples ${cfg.shardOf} --shard 1/${cfg.shards}\`: ${perShard} samples), wall time of the whole command:`,
    );
    // Per CPU second: what a core of a cluster node, not shared with other jobs, does.
    log(
      table(
        ['workers', 'wall s', 'sims/s', 'CPU s', 'sims per CPU s', 'maxRSS MB', 'file MB', 'bytes/row'],
        shardRuns.map((s) => [
          s.workers,
          s.seconds.toFixed(1),
          s.simsPerSecond.toFixed(1),
          s.cpuSeconds.toFixed(1),
          (s.samples / s.cpuSeconds).toFixed(1),
          s.maxRssMb.toFixed(0),
          (s.bytes / 1e6).toFixed(2),
          s.bytesPerRow.toFixed(0),
        ]),
      ),
    );

    // 2. Merge: shards of a fast sweep at two sizes.
    const merges = [];
    for (const samples of cfg.mergeSamples) {
      const shardsDir = path.join(dir, `shards-${samples}`);
      // The CLI creates missing folders only inside the working directory.
      mkdirSync(shardsDir);
      for (let i = 1; i <= 8; i++) {
        pipeline([
          'simulate',
          ...FAST,
          '--samples',
          String(samples),
          '--shard',
          `${i}/8`,
          '--no-progress',
          '--out',
          path.join(shardsDir, `shard-${i}-of-8.arrow`),
        ]);
      }
      const out = path.join(dir, `merged-${samples}.arrow`);
      const r = pipeline(['merge', shardsDir, '--out', out]);
      const bytes = statSync(out).size;
      const inputBytes = readdirSync(shardsDir).reduce((sum, f) => sum + statSync(path.join(shardsDir, f)).size, 0);
      merges.push({
        samples,
        shards: 8,
        seconds: r.seconds,
        rowsPerSecond: samples / r.seconds,
        mbPerSecond: bytes / 1e6 / r.seconds,
        maxRssMb: r.maxRssMb,
        bytes,
        inputBytes,
      });
      rmSync(shardsDir, { recursive: true, force: true });
      rmSync(out, { force: true });
    }
    log(
      `\n2. \`pipeline merge <shards folder> --out merged.arrow\` of 8 shards of an amplifier sweep (\`${FAST.join(' ')}\`), wall time of the whole command:`,
    );
    log(
      table(
        ['rows', 'merged MB', 'wall s', 'rows/s', 'MB/s written', 'maxRSS MB'],
        merges.map((m) => [
          m.samples,
          (m.bytes / 1e6).toFixed(1),
          m.seconds.toFixed(1),
          m.rowsPerSecond.toFixed(0),
          m.mbPerSecond.toFixed(1),
          m.maxRssMb.toFixed(0),
        ]),
      ),
    );
    const [small, large] = /** @type {[typeof merges[number], typeof merges[number]]} */ (merges);
    log(
      `Merge peak memory, ${large.samples} vs ${small.samples} rows: ${(large.maxRssMb / small.maxRssMb).toFixed(2)}x for ${(large.bytes / small.bytes).toFixed(1)}x the data [target: flat].`,
    );
    const seconds = (performance.now() - started) / 1000;
    log(`\nTotal bench time ${seconds.toFixed(0)} s; load average now ${loadAverage()}`);
    return { bench: 'scale-out', quick, node: process.version, cores, shard: shardRuns, merge: merges, seconds };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) console.log(JSON.stringify(await run({ quick: process.argv.includes('--quick') })));
