// @ts-check
/**
 * Preload for bench/sweep.js: runs the real CLI unchanged and reports, at exit, what the
 * process used. Loaded with `node --import ./bench/sweep-report.js packages/pipeline/bin/pipeline.js ...`.
 *
 * At exit it writes one line `SWEEP-REPORT {json}` to stderr:
 * - resourceUsage: maxRSS (kB; worker threads share the process, so it covers them), user and
 *   system CPU (all threads), and the main thread's event-loop utilisation;
 * - RSS and the main isolate's heap / external / ArrayBuffer bytes, sampled every 100 ms;
 * - per-thread CPU (Linux, /proc/self/task, 10 ms ticks) sampled every 100 ms: the main thread,
 *   and every other thread (the sweep workers, V8's background compiler/GC threads, libuv);
 * - with PENVAE_BENCH_DISK_MBPS=r, the dataset is written as if to a disk of r MB/s (below);
 * - with PENVAE_SWEEP_TIMELINE=1, the row timeline: stderr is presented as a terminal, so the
 *   CLI's progress redraws every 100 ms with the rows delivered so far; those redraws are
 *   swallowed and kept as [ms since process start, rows, bytes of the dataset's temporary file
 *   on disk]. The CLI must then run without
 *   --no-progress. Other stderr lines (the final "wrote ..." line) pass through.
 */
import fs, { existsSync, readdirSync, readFileSync, statSync, writeSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { basename, dirname, join } from 'node:path';

/*
 * With PENVAE_BENCH_DISK_MBPS=r, a disk that takes r MB/s: every asynchronous fs.write (the
 * dataset writer's) completes only when a device of that speed would have finished it. The
 * writer must then slow the sweep down instead of holding rows in memory.
 */
if (process.env.PENVAE_BENCH_DISK_MBPS) {
  const bytesPerMs = (Number(process.env.PENVAE_BENCH_DISK_MBPS) * 1e6) / 1000;
  const write = fs.write;
  let busyUntil = 0;
  // fs.write has many overloads; the wrapper passes every argument through untouched.
  /** @type {any} */ (fs).write = (/** @type {number} */ fd, /** @type {NodeJS.ArrayBufferView} */ buffer, /** @type {any[]} */ ...rest) => {
    const callback = rest.pop();
    /** @type {any} */ (write)(fd, buffer, ...rest, (/** @type {Error | null} */ error, /** @type {number} */ written, /** @type {unknown[]} */ ...more) => {
      const now = performance.now();
      busyUntil = Math.max(now, busyUntil) + (written ?? 0) / bytesPerMs;
      setTimeout(() => callback(error, written, ...more), busyUntil - now);
    });
  };
  syncBuiltinESMExports();
}

const TICK_MS = 10; // USER_HZ is 100 on Linux
const hasProc = existsSync('/proc/self/task');
/** @type {Map<string, { cpuMs: number, firstMs: number, lastMs: number }>} */
const threads = new Map();
let peakRssSampled = 0;
const peakMain = { heapTotal: 0, heapUsed: 0, external: 0, arrayBuffers: 0 }; // the main isolate's
/** @type {[number, number, number, number][]} [ms, rss bytes, main heapTotal, main external], every 100 ms */
const rssTimeline = [];

/** @param {string} tid */
function threadCpu(tid) {
  try {
    const s = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * TICK_MS;
  } catch {
    return null; // the thread ended
  }
}

function sample() {
  const now = performance.now();
  const m = process.memoryUsage();
  if (m.rss > peakRssSampled) peakRssSampled = m.rss;
  for (const key of /** @type {(keyof typeof peakMain)[]} */ (Object.keys(peakMain))) if (m[key] > peakMain[key]) peakMain[key] = m[key];
  rssTimeline.push([Math.round(now), m.rss, m.heapTotal, m.external]);
  if (!hasProc) return;
  for (const tid of readdirSync('/proc/self/task')) {
    const cpuMs = threadCpu(tid);
    if (cpuMs === null) continue;
    const t = threads.get(tid);
    if (t) {
      t.cpuMs = cpuMs;
      t.lastMs = now;
    } else threads.set(tid, { cpuMs, firstMs: now, lastMs: now });
  }
}

// The dataset being written: bytes on disk of its temporary file (io/atomic.ts names it
// `.<name>.tmp-<pid>-<n>` next to --out), to see whether the file keeps pace with the rows.
const outArg = process.argv.indexOf('--out');
const out = outArg > 0 ? process.argv[outArg + 1] : undefined;
function bytesOnDisk() {
  if (!out) return null;
  try {
    const prefix = `.${basename(out)}.tmp-${process.pid}-`;
    const dir = dirname(out);
    let bytes = 0;
    for (const f of readdirSync(dir)) if (f.startsWith(prefix)) bytes = Math.max(bytes, statSync(join(dir, f)).size);
    return bytes;
  } catch {
    return null;
  }
}

/** @type {[number, number, number | null][]} [ms, rows delivered, bytes of the dataset on disk] */
const timeline = [];
/** @type {number | null} */
let mainCpuAtFirstRow = null;
if (process.env.PENVAE_SWEEP_TIMELINE === '1') {
  process.stderr.isTTY = true;
  const write = process.stderr.write.bind(process.stderr);
  /** @type {any} */ (process.stderr).write = (/** @type {unknown} */ chunk, /** @type {any[]} */ ...rest) => {
    const text = String(chunk);
    if (text.startsWith('\r\x1b[2K')) {
      const m = / (\d+)\/(\d+) \(/.exec(text);
      if (m) {
        if (mainCpuAtFirstRow === null && hasProc) mainCpuAtFirstRow = threadCpu(String(process.pid));
        timeline.push([performance.now(), Number(m[1]), bytesOnDisk()]);
      }
      return true;
    }
    return /** @type {any} */ (write)(chunk, ...rest);
  };
}

sample();
setInterval(sample, 100).unref();

process.on('exit', () => {
  sample();
  const ru = process.resourceUsage();
  const main = hasProc ? threadCpu(String(process.pid)) : null;
  const others = [...threads.entries()]
    .filter(([tid]) => tid !== String(process.pid))
    .map(([tid, t]) => ({ tid: Number(tid), cpuMs: t.cpuMs, startMs: Math.round(t.firstMs), endMs: Math.round(t.lastMs) }))
    .filter((t) => t.cpuMs > 0)
    .sort((a, b) => b.cpuMs - a.cpuMs);
  const report = {
    wallMs: performance.now(),
    maxRssKb: ru.maxRSS,
    peakRssSampledKb: Math.round(peakRssSampled / 1024),
    peakMainKb: Object.fromEntries(Object.entries(peakMain).map(([k, v]) => [k, Math.round(v / 1024)])),
    userCpuMs: ru.userCPUTime / 1000,
    systemCpuMs: ru.systemCPUTime / 1000,
    mainEventLoopUtilization: performance.eventLoopUtilization().utilization,
    mainThreadCpuMs: main,
    mainThreadCpuMsAtFirstRow: mainCpuAtFirstRow,
    otherThreads: hasProc ? others : null,
    timeline,
    rssTimeline,
  };
  writeSync(2, `\nSWEEP-REPORT ${JSON.stringify(report)}\n`);
});
