// @ts-check
// Training throughput of the @penvae/vae dense VAE on every available TensorFlow.js backend,
// with the arithmetic rate it achieves against a measured matmul peak and the CPU's theoretical
// peak. Run `npx tsc -b` first (imports @penvae/vae from dist). Plain Node ESM; a few minutes at most.
//
//   node bench/vae-train.js [--seconds 4] [--batch 64]
//
// FLOPs per training sample (forward + backward) of the dense VAE, counted from layer sizes:
//   a dense layer a -> b costs 2ab FLOPs forward (multiply-add) and 4ab backward (weight
//   gradient and input gradient), so  F = 6 * sum over dense layers of a*b
//   with layers L->h1, h1->h2, h2->D (z_mean), h2->D (z_log_var), D->h2, h2->h1, h1->L.
//   Biases, activations, the loss and Adam are left out (they are O(sum of b), small next to
//   sum of a*b). The count includes the first layer's input gradient (2*L*h1 = 65,536 FLOPs),
//   which TensorFlow.js does not compute: it over-states the work by ~8 %, kept so that figures
//   stay comparable with earlier runs (bench/README.md).
//   Defaults L=128, [256,128], D=10: sum a*b = 134,912, F = 809,472 FLOPs per sample.
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { argument } from './common.js';
import { Adam, BackendError, createVae, disposeVae, initBackend, resolveVaeConfig, trainStep, useExplicitTransposeMatMul, vaeVariables } from '@penvae/vae';

/** @param {string} name @param {number} dflt */
const arg = (name, dflt) => {
  const value = argument(`--${name}`);
  return value !== undefined ? Number(value) : dflt;
};
const SECONDS = arg('seconds', 4);
const BATCH = arg('batch', 64);
const L = 128;
const config = resolveVaeConfig({ seriesLength: L, latentDim: 10 });
const h = config.hiddenUnits;
const D = config.latentDim;
/** @type {[number, number][]} */
const dims = /** @type {[number, number][]} */ ([
  [L, h[0]],
  [h[0], h[1]],
  [h[1], D],
  [h[1], D],
  [D, h[1]],
  [h[1], h[0]],
  [h[0], L],
]);
const sumAB = dims.reduce((s, [a, b]) => s + a * b, 0);
const FLOPS_PER_SAMPLE = 6 * sumAB;

// Seeded smooth series (sin + sigmoid, min-max normalised), the shape of the real data.
/** @param {number} n */
function makeData(n) {
  let s = 12345;
  const rnd = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
  const x = new Float32Array(n * L);
  for (let i = 0; i < n; i++) {
    const c = 0.5 + 3.5 * rnd(),
      ph = 6.283 * rnd(),
      k = 5 + 35 * rnd(),
      t0 = 0.2 + 0.6 * rnd(),
      w = rnd();
    let lo = Infinity,
      hi = -Infinity;
    const row = x.subarray(i * L, (i + 1) * L);
    for (let t = 0; t < L; t++) {
      const u = t / (L - 1);
      const v = w * Math.sin(6.283 * c * u + ph) + (1 - w) / (1 + Math.exp(-k * (u - t0)));
      row[t] = v;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    for (let t = 0; t < L; t++) row[t] = ((row[t] ?? 0) - lo) / (hi - lo || 1);
  }
  return x;
}
const N = 2048;
const data = makeData(N);

function cpuInfo() {
  let text = '';
  try {
    text = readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    return null;
  }
  const field = (/** @type {string} */ k) => (text.match(new RegExp(`^${k}\\s*:\\s*(.*)$`, 'm')) || [])[1];
  const flags = new Set((field('flags') || '').split(/\s+/));
  const mhz = Number(field('cpu MHz'));
  const lanes = flags.has('avx512f') ? 16 : flags.has('avx2') || flags.has('avx') ? 8 : 4;
  const fma = flags.has('fma') ? 2 : 1;
  // Assumes 2 vector FMA pipes per core (true of Zen 2-5 and Skylake-SP and later server cores);
  // Zen 4 executes 512-bit ops in two halves, so its real AVX-512 peak is half this.
  const perCycle = 2 * lanes * fma;
  return {
    model: field('model name'),
    mhz,
    simdLanesF32: lanes,
    fma: fma === 2,
    peakGflopsPerCore: (mhz * 1e6 * perCycle) / 1e9,
    // WebAssembly SIMD is 128-bit: 4 float32 lanes, at best 2 pipes x (mul + add) per cycle.
    wasmSimdPeakGflopsPerCore: (mhz * 1e6 * 2 * 4 * 2) / 1e9,
  };
}

/** @param {number} size @param {number} seconds */
function matmulGflops(size, seconds) {
  const a = tf.randomNormal([size, size], 0, 1, 'float32', 1);
  const b = tf.randomNormal([size, size], 0, 1, 'float32', 2);
  // Read outside tf.tidy: tidy scans a returned TypedArray element by element (very slow).
  const once = () => {
    const c = tf.matMul(a, b);
    c.dataSync();
    c.dispose();
  };
  once(); // warm-up
  let reps = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    once();
    reps++;
  }
  const s = (performance.now() - t0) / 1000;
  tf.dispose([a, b]);
  return (reps * 2 * size ** 3) / s / 1e9;
}

/** @param {number} seconds */
function trainThroughput(seconds) {
  const model = createVae(config);
  const vars = vaeVariables(model);
  const adam = new Adam(vars, { learningRate: 1e-3 });
  const rows = (/** @type {number} */ i) => {
    const from = (i * BATCH) % (N - BATCH);
    return data.subarray(from * L, (from + BATCH) * L);
  };
  for (let i = 0; i < 3; i++) trainStep(model, vars, adam, rows(i), BATCH, i, 1); // warm-up
  let steps = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    trainStep(model, vars, adam, rows(steps), BATCH, steps, 1);
    steps++;
  }
  const s = (performance.now() - t0) / 1000;
  adam.dispose();
  disposeVae(model);
  return { steps, samplesPerSecond: (steps * BATCH) / s };
}

const cpu = cpuInfo();
/** @type {({ backend: string, available: false, reason: string } | { backend: string, available: true, wasmSimd: boolean | undefined, samplesPerSecond: number, steps: number, achievedGflops: number, matmulSize: number, matmulPeakGflops: number, fractionOfMatmulPeak: number, fractionOfCpuPeak: number | null })[]} */
const results = [];
// 'wasm (stock)' runs tfjs-backend-wasm's own BatchMatMul; then 'wasm' swaps in the
// explicit-transpose kernel that initBackend installs by default (see wasm-kernels.ts).
for (const name of ['tensorflow', 'wasm (stock)', 'wasm', 'cpu']) {
  let info;
  try {
    if (name === 'wasm (stock)') info = await initBackend('wasm', { explicitTransposeMatMul: false });
    else if (name === 'wasm') info = { ...(await initBackend('wasm')), patched: useExplicitTransposeMatMul('wasm') };
    else info = await initBackend(/** @type {import('@penvae/vae').BackendChoice} */ (name));
  } catch (e) {
    if (e instanceof BackendError) {
      results.push({ backend: name, available: false, reason: e.message });
      continue;
    }
    throw e;
  }
  const mmSize = name === 'cpu' ? 384 : 1024;
  const peak = matmulGflops(mmSize, name === 'cpu' ? 2 : SECONDS / 2);
  const t = trainThroughput(name === 'cpu' ? Math.max(2, SECONDS / 2) : SECONDS);
  const achieved = (t.samplesPerSecond * FLOPS_PER_SAMPLE) / 1e9;
  results.push({
    backend: name,
    available: true,
    wasmSimd: info.wasmSimd,
    samplesPerSecond: t.samplesPerSecond,
    steps: t.steps,
    achievedGflops: achieved,
    matmulSize: mmSize,
    matmulPeakGflops: peak,
    fractionOfMatmulPeak: achieved / peak,
    fractionOfCpuPeak: cpu ? achieved / cpu.peakGflopsPerCore : null,
  });
}

const f = (/** @type {number | null | undefined} */ x, d = 1) => (x == null ? '-' : x.toFixed(d));
console.log(
  `VAE training throughput: dense L=${L} [${h.join(', ')}] latent ${D}, batch ${BATCH}, ${FLOPS_PER_SAMPLE.toLocaleString('en')} FLOPs/sample (6 * sum a*b = 6 * ${sumAB})`,
);
if (cpu)
  console.log(
    `CPU: ${cpu.model} @ ${cpu.mhz} MHz, ${cpu.simdLanesF32} f32 lanes${cpu.fma ? ' + FMA' : ''}: theoretical ${f(cpu.peakGflopsPerCore)} GFLOP/s per core (128-bit wasm SIMD ceiling ${f(cpu.wasmSimdPeakGflopsPerCore)})`,
  );
console.log('backend       samples/s  GFLOP/s  matmul peak GFLOP/s (size)  % of matmul peak  % of CPU peak');
for (const r of results) {
  if (!r.available) {
    console.log(`${r.backend.padEnd(12)}  unavailable: ${r.reason}`);
    continue;
  }
  console.log(
    `${r.backend.padEnd(12)}  ${f(r.samplesPerSecond, 0).padStart(9)}  ${f(r.achievedGflops, 2).padStart(7)}  ${f(r.matmulPeakGflops, 2).padStart(19)} (${r.matmulSize})  ${f(100 * r.fractionOfMatmulPeak).padStart(16)}  ${f(r.fractionOfCpuPeak === null ? null : 100 * r.fractionOfCpuPeak).padStart(13)}`,
  );
}
console.log(JSON.stringify({ bench: 'vae-train', tfjs: tf.version.tfjs, batch: BATCH, flopsPerSample: FLOPS_PER_SAMPLE, cpu, results }));
