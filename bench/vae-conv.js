// @ts-check
// Convolutional VAE on the wasm backend: the GEMM convolution gradients of wasm-kernels.ts
// against what stock tfjs-backend-wasm 4.22 offers (no Conv2DBackpropFilter at all; the wasm
// Conv3DBackpropFilterV2 kernel is the nearest stand-in; its own Conv2DBackpropInput is a plain
// loop) and against the cpu backend, then training throughput of the architectures `pipeline
// train` offers, as ratios to the dense default measured in the same run.
// Run `npx tsc -b` first (imports @penvae/vae from dist). Plain Node ESM; about a minute.
//
//   node bench/vae-conv.js [--seconds 3] [--quick]
import * as tf from '@tensorflow/tfjs';
import { argument } from './common.js';
import { Adam, createVae, disposeVae, initBackend, resolveVaeConfig, trainStep, trainableVariables } from '@penvae/vae';

const quick = process.argv.includes('--quick');
const secondsArg = argument('--seconds');
const SECONDS = secondsArg !== undefined ? Number(secondsArg) : quick ? 1 : 3;
const BATCH = 64;
const L = 128;

/**
 * Mean milliseconds of `fn` (result read back and disposed) over `seconds`, after one warm-up call.
 * @param {() => tf.Tensor | tf.Tensor[]} fn
 * @param {number} [seconds]
 */
function time(fn, seconds = SECONDS / 3) {
  const once = () => {
    const r = /** @type {tf.Tensor} */ (fn());
    r.dataSync();
    r.dispose();
  };
  once();
  let reps = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000 || reps < 3) {
    once();
    reps++;
  }
  return (performance.now() - t0) / reps;
}

// The largest layer of the default conv decoder: batch 64, length 128, 32 -> 16 channels, kernel 5.
/** @type {{ x: [number, number, number, number], f: [number, number, number, number], strides: [number, number] }} */
const SHAPE = { x: [BATCH, L, 1, 32], f: [5, 1, 32, 16], strides: [1, 1] };

/**
 * Forward, filter-gradient and input-gradient times of the backend now in use.
 * @param {string} label
 */
function kernelTimes(label) {
  const x = tf.randomNormal(SHAPE.x, 0, 1, 'float32', 1);
  const f = tf.randomNormal(SHAPE.f, 0, 1, 'float32', 2);
  const dy = tf.randomNormal([...SHAPE.x.slice(0, 3), SHAPE.f[3]], 0, 1, 'float32', 3);
  // dimRoundingMode: undefined, as tf.conv2d's own gradient passes it.
  const attrs = /** @type {import('@tensorflow/tfjs').NamedAttrMap} */ (
    /** @type {unknown} */ ({ strides: SHAPE.strides, pad: 'same', dataFormat: 'NHWC', dimRoundingMode: undefined })
  );
  /** @type {{ kernels: string, forwardMs: number, filterGradMs: number | null, inputGradMs: number }} */
  const row = { kernels: label, forwardMs: 0, filterGradMs: null, inputGradMs: 0 };
  row.forwardMs = time(() => tf.conv2d(/** @type {tf.Tensor4D} */ (x), /** @type {tf.Tensor4D} */ (f), SHAPE.strides, 'same'));
  row.filterGradMs = tf.getKernel('Conv2DBackpropFilter', tf.getBackend())
    ? time(() => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: SHAPE.f }), label === 'cpu' ? 1 : undefined)
    : null;
  row.inputGradMs = time(() => tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: f }, { ...attrs, inputShape: SHAPE.x }));
  tf.dispose([x, f, dy]);
  return row;
}

/** The filter gradient through Conv3DBackpropFilterV2 with a depth of 1: what stock wasm can do. */
function conv3dStandIn() {
  const x = tf.randomNormal(SHAPE.x, 0, 1, 'float32', 1);
  const dy = tf.randomNormal([...SHAPE.x.slice(0, 3), SHAPE.f[3]], 0, 1, 'float32', 3);
  const x5 = x.reshape([BATCH, 1, L, 1, 32]);
  const dy5 = dy.reshape([BATCH, 1, L, 1, 16]);
  const ms = time(() => tf.engine().runKernel('Conv3DBackpropFilterV2', { x: x5, dy: dy5 }, { strides: [1, 1, 1], pad: 'same', filterShape: [1, ...SHAPE.f] }));
  tf.dispose([x, dy, x5, dy5]);
  return ms;
}

/**
 * Training samples per second of a VAE of `config` on the backend now in use.
 * @param {Partial<import('@penvae/vae').VaeConfig>} config
 */
function throughput(config) {
  const model = createVae(resolveVaeConfig({ seriesLength: L, latentDim: 10, ...config }));
  const vars = trainableVariables(model);
  const adam = new Adam(vars, { learningRate: 1e-3 });
  const rows = Float32Array.from({ length: BATCH * L }, (_, k) => Math.sin(k / 7) * Math.cos(k / 131));
  for (let s = 0; s < 3; s++) trainStep(model, vars, adam, rows, BATCH, s, 1);
  let steps = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < SECONDS * 1000) trainStep(model, vars, adam, rows, BATCH, steps++, 1);
  const s = (performance.now() - t0) / 1000;
  adam.dispose();
  disposeVae(model);
  return (steps * BATCH) / s;
}

await initBackend('cpu');
const cpuRow = kernelTimes('cpu');
// Stock kernels first: registering the GEMM ones replaces the stock input gradient for good.
await initBackend('wasm', { gemmConvGradients: false });
const stockRow = kernelTimes('wasm (stock)');
const standIn = conv3dStandIn();
await initBackend('wasm');
const gemmRow = kernelTimes('wasm + penvae GEMM gradients');
const rows = [cpuRow, stockRow, gemmRow];

/** @type {{ name: string, config: Partial<import('@penvae/vae').VaeConfig> }[]} */
const ARCHS = [
  { name: 'dense [256,128] (baseline)', config: { encoder: 'dense', decoder: 'dense' } },
  { name: 'dense + PCA path', config: { encoder: 'dense', decoder: 'dense', linearPath: 'pca' } },
  { name: 'conv [16,32] + PCA path', config: { encoder: 'conv', decoder: 'conv', linearPath: 'pca' } },
  { name: 'conv [8,16] + PCA path', config: { encoder: 'conv', decoder: 'conv', linearPath: 'pca', conv: { filters: [8, 16] } } },
  { name: 'dense encoder, conv [8,16] decoder', config: { encoder: 'dense', decoder: 'conv', linearPath: 'pca', conv: { filters: [8, 16] } } },
];
const archRows = ARCHS.map((a) => ({ name: a.name, samplesPerSecond: throughput(a.config) }));
const base = archRows[0]?.samplesPerSecond ?? NaN;

const f = (/** @type {number | null | undefined} */ x, d = 2) => (x == null ? 'missing' : x.toFixed(d));
console.log(`Conv2D gradients, batch ${BATCH}, length ${L}, 32 -> 16 channels, kernel 5 (ms per call):`);
console.log('kernels                          forward  filter gradient  input gradient');
for (const r of rows) console.log(`${r.kernels.padEnd(32)} ${f(r.forwardMs).padStart(7)}  ${f(r.filterGradMs).padStart(15)}  ${f(r.inputGradMs).padStart(14)}`);
console.log(
  `stock wasm has no Conv2DBackpropFilter; Conv3DBackpropFilterV2 as a stand-in: ${f(standIn)} ms (${f(standIn / (gemmRow.filterGradMs ?? NaN), 1)}x the GEMM kernel); cpu: ${f((cpuRow.filterGradMs ?? NaN) / (gemmRow.filterGradMs ?? NaN), 0)}x; stock input gradient ${f(stockRow.inputGradMs / gemmRow.inputGradMs, 1)}x the GEMM one`,
);
console.log(`\nTraining throughput on wasm, batch ${BATCH}, latent 10 (ratio: to the dense baseline in this run):`);
for (const r of archRows) console.log(`${r.name.padEnd(36)} ${f(r.samplesPerSecond, 0).padStart(7)} samples/s  ${f(r.samplesPerSecond / base)}x`);
console.log(JSON.stringify({ bench: 'vae-conv', tfjs: tf.version.tfjs, kernels: rows, conv3dStandInFilterGradMs: standIn, architectures: archRows }));
