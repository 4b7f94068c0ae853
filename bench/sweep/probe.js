#!/usr/bin/env node
// @ts-check
// A fresh sweep worker's warm-up, in its own process (bench/sweep/measure.js, measureWarmup):
//   node bench/sweep/probe.js <variant> <samples>
// The worker's module is imported first, alone, so that its load is timed as a worker thread
// pays it; the bench's own modules (which load the whole pipeline entry) come after, untimed.
// Prints the probe's result as one JSON line.
const WORKER = new URL('../../packages/pipeline/dist/dataset/sweep-worker.js', import.meta.url).href;
const t0 = performance.now();
await import(WORKER);
const importMs = performance.now() - t0;
const { probe } = await import('./measure.js');
console.log(JSON.stringify(await probe(process.argv[2] ?? '', Number(process.argv[3]), importMs)));
