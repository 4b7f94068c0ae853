/**
 * A faster BatchMatMul for transposed operands on the wasm backend.
 *
 * tfjs-backend-wasm 4.22 runs matMul(a, b) through XNNPACK, but with transposeA or transposeB
 * set it takes a much slower path. Backpropagation through a dense layer needs exactly those
 * (dW = x^T dy, dx = dy W^T), so training spent most of its time there. Measured on this
 * project's machine (AMD EPYC, Node 20, one thread):
 *   [256,128]^T x [256,256]:  26.1 ms with transposeA, 3.2 ms as transpose + plain matMul
 *   [256,256] x [128,256]^T:  21.7 ms with transposeB, 2.6 ms as transpose + plain matMul
 * The replacement kernel transposes the operand explicitly (one memory pass) and then calls the
 * original kernel untransposed. Same arithmetic, different summation order only.
 */
import * as tf from '@tensorflow/tfjs';

const MARK = 'penvaeExplicitTranspose';

/**
 * Replace the `BatchMatMul` kernel of `backendName` (default wasm) by a wrapper that transposes
 * operands explicitly before calling the original kernel. Idempotent; changes the global tfjs
 * kernel registry, like registering a backend does.
 * @returns true if the wrapper is in place, false if the backend lacks the kernels.
 */
export function useExplicitTransposeMatMul(backendName = 'wasm'): boolean {
  const original = tf.getKernel('BatchMatMul', backendName);
  const transpose = tf.getKernel('Transpose', backendName);
  if (original === undefined || transpose === undefined) return false;
  if ((original.kernelFunc as unknown as Record<string, unknown>)[MARK] === true) return true;
  const base = original.kernelFunc;
  const kernelFunc: tf.KernelFunc = ({ inputs, backend, attrs }) => {
    const { transposeA, transposeB } = attrs as { transposeA?: boolean; transposeB?: boolean };
    if (!transposeA && !transposeB) return base({ inputs, backend, attrs: attrs ?? {} });
    const swapLastTwo = (t: tf.TensorInfo): tf.TensorInfo => {
      const perm = t.shape.map((_, i) => i);
      const r = perm.length;
      [perm[r - 2], perm[r - 1]] = [perm[r - 1]!, perm[r - 2]!];
      return transpose.kernelFunc({ inputs: { x: t }, backend, attrs: { perm } }) as tf.TensorInfo;
    };
    const a = transposeA ? swapLastTwo(inputs['a']!) : inputs['a']!;
    const b = transposeB ? swapLastTwo(inputs['b']!) : inputs['b']!;
    try {
      return base({ inputs: { a, b }, backend, attrs: { ...attrs, transposeA: false, transposeB: false } });
    } finally {
      // Kernel-internal intermediates are released on the backend, as tfjs' own kernels do.
      const owner = backend as { disposeData(dataId: object): unknown };
      if (transposeA) owner.disposeData(a.dataId);
      if (transposeB) owner.disposeData(b.dataId);
    }
  };
  Object.defineProperty(kernelFunc, MARK, { value: true });
  tf.unregisterKernel('BatchMatMul', backendName);
  tf.registerKernel({ ...original, kernelFunc });
  return true;
}

/** What a wasm backend exposes to kernels (not in tfjs' public types). */
interface WasmBackendLike {
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
  disposeData(dataId: object): unknown;
}

interface ConvGeometry {
  readonly batch: number;
  readonly inH: number;
  readonly inW: number;
  readonly inC: number;
  readonly outH: number;
  readonly outW: number;
  readonly outC: number;
  readonly strideH: number;
  readonly strideW: number;
  readonly filterH: number;
  readonly filterW: number;
  readonly padTop: number;
  readonly padLeft: number;
}

function convGeometry(xShape: readonly number[], filterShape: readonly number[], attrs: Record<string, unknown>): ConvGeometry {
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs['strides'] as [number, number] | number,
    1,
    attrs['pad'] as 'same' | 'valid' | number,
    attrs['dimRoundingMode'] as 'floor' | 'round' | 'ceil' | undefined,
    false,
    'channelsLast',
  );
  return {
    batch: info.batchSize,
    inH: info.inHeight,
    inW: info.inWidth,
    inC: info.inChannels,
    outH: info.outHeight,
    outW: info.outWidth,
    outC: info.outChannels,
    strideH: info.strideHeight,
    strideW: info.strideWidth,
    filterH: info.filterHeight,
    filterW: info.filterWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  };
}

/**
 * Every (output position n, filter tap (kh, kw)) pair whose input pixel lies inside the image,
 * as triples [n, offset of that input pixel's channel vector, first patch column of the tap]:
 * the index map shared by im2col (gather) and col2im (scatter-add). Built once per geometry and
 * cached: a training run sees the same few shapes at every step, and flat loops over a table
 * run several times faster than the nested loops with bounds checks.
 */
function tapTable(g: ConvGeometry): Int32Array {
  const key = JSON.stringify(g);
  const cached = tapTables.get(key);
  if (cached) return cached;
  const out: number[] = [];
  let n = 0;
  for (let b = 0; b < g.batch; b++) {
    for (let oh = 0; oh < g.outH; oh++) {
      for (let ow = 0; ow < g.outW; ow++, n++) {
        for (let kh = 0; kh < g.filterH; kh++) {
          const ih = oh * g.strideH + kh - g.padTop;
          if (ih < 0 || ih >= g.inH) continue;
          for (let kw = 0; kw < g.filterW; kw++) {
            const iw = ow * g.strideW + kw - g.padLeft;
            if (iw < 0 || iw >= g.inW) continue;
            out.push(n, ((b * g.inH + ih) * g.inW + iw) * g.inC, (kh * g.filterW + kw) * g.inC);
          }
        }
      }
    }
  }
  const table = Int32Array.from(out);
  if (tapTables.size >= 64) tapTables.clear();
  tapTables.set(key, table);
  return table;
}
const tapTables = new Map<string, Int32Array>();

function isPlainNhwc(attrs: Record<string, unknown>): boolean {
  const format = attrs['dataFormat'];
  const dilations = attrs['dilations'];
  const unitDilation = dilations === undefined || dilations === 1 || (Array.isArray(dilations) && dilations.every((d) => d === 1));
  return (format === undefined || format === 'NHWC' || format === 'channelsLast') && unitDilation;
}

const CONV_MARK = 'penvaeGemmConvGradient';

/**
 * Convolution gradients on the wasm backend as GEMMs, so a Conv1D/Conv2D model trains there.
 *
 * tfjs-backend-wasm 4.22 has no `Conv2DBackpropFilter` kernel at all (tensorflow/tfjs issue 8474),
 * so backpropagation into a convolution's weights fails, and its `Conv2DBackpropInput` is a plain
 * loop, 6x slower than the forward convolution (XNNPACK). Both are matrix products over the
 * "im2col" patch matrix P [N = batch * outH * outW, K = filterH * filterW * inC]:
 *   dW [K, outC] = P^T dy          (filter gradient: gather P^T, one GEMM)
 *   dx           = col2im(dy W^T)  (input gradient: one GEMM, then scatter-add the patches)
 * and the GEMM is the backend's own XNNPACK BatchMatMul. Measured on this project's machine
 * (batch 64, length 128, 16 -> 32 channels, kernel 5, stride 2): filter gradient 2.3 ms (the cpu
 * backend: 1 370 ms; the wasm Conv3DBackpropFilterV2 kernel used as a stand-in: 16.7 ms), input
 * gradient 9.3 ms -> see bench/vae-train.js for the current figure.
 *
 * Only NHWC with unit dilation is handled (what tf.layers' Conv1D/Conv2D produce); other
 * attributes go to the original input-gradient kernel, and the filter gradient throws a clear
 * error for them. Idempotent; changes the global kernel registry like registering a backend.
 * @returns true if the kernels are in place, false if the backend lacks BatchMatMul.
 */
export function useGemmConvGradients(backendName = 'wasm'): boolean {
  const matMul = tf.getKernel('BatchMatMul', backendName);
  if (matMul === undefined) return false;
  const current = tf.getKernel('Conv2DBackpropFilter', backendName);
  if (current && (current.kernelFunc as unknown as Record<string, unknown>)[CONV_MARK] === true) return true;
  // Looked up per call: the BatchMatMul in the registry may itself be replaced later.
  const gemm = (backend: object, a: tf.TensorInfo, b: tf.TensorInfo, transposeA: boolean, transposeB: boolean): tf.TensorInfo =>
    tf.getKernel('BatchMatMul', backendName)!.kernelFunc({ inputs: { a, b }, backend, attrs: { transposeA, transposeB } }) as tf.TensorInfo;

  const filterGradient: tf.KernelFunc = ({ inputs, backend, attrs }) => {
    const a = (attrs ?? {}) as Record<string, unknown>;
    if (!isPlainNhwc(a)) throw new Error('Conv2DBackpropFilter on wasm (penvae): only NHWC data with dilation 1 is supported');
    const x = inputs['x']!;
    const dy = inputs['dy']!;
    const filterShape = a['filterShape'] as number[];
    const g = convGeometry(x.shape, filterShape, a);
    const be = backend as WasmBackendLike;
    const K = g.filterH * g.filterW * g.inC;
    const N = g.batch * g.outH * g.outW;
    // The transposed patch matrix P^T [K, N] is gathered directly: XNNPACK packs the second GEMM
    // operand on every call, so that one must be the small dy [N, outC], and the wasm Transpose
    // kernel (a scalar loop) would cost as much as the GEMM itself on P.
    const patchesT = be.makeOutput([1, K, N], 'float32');
    try {
      // Views are taken after every allocation: growing the wasm heap detaches older views.
      const p = be.typedArrayFromHeap(patchesT);
      const xv = be.typedArrayFromHeap(x);
      p.fill(0);
      const taps = tapTable(g);
      const C = g.inC;
      for (let t = 0; t < taps.length; t += 3) {
        const n = taps[t]!;
        const src = taps[t + 1]!;
        const row = taps[t + 2]!;
        for (let c = 0; c < C; c++) p[(row + c) * N + n] = xv[src + c]!;
      }
      const dw = gemm(backend, patchesT, { dataId: dy.dataId, shape: [1, N, g.outC], dtype: 'float32' }, false, false);
      return { dataId: dw.dataId, shape: filterShape, dtype: 'float32' };
    } finally {
      be.disposeData(patchesT.dataId);
    }
  };

  const originalInput = tf.getKernel('Conv2DBackpropInput', backendName);
  const inputGradient: tf.KernelFunc = (args) => {
    const { inputs, backend, attrs } = args;
    const a = (attrs ?? {}) as Record<string, unknown>;
    if (!isPlainNhwc(a) && originalInput) return originalInput.kernelFunc(args);
    const dy = inputs['dy']!;
    const filter = inputs['filter']!;
    const inShape = a['inputShape'] as number[];
    const g = convGeometry(inShape, filter.shape, a);
    const be = backend as WasmBackendLike;
    const K = g.filterH * g.filterW * g.inC;
    const N = g.batch * g.outH * g.outW;
    // cols [N, K] = dy [N, outC] x W^T, W viewed as [K, outC].
    const cols = gemm(
      backend,
      { dataId: dy.dataId, shape: [1, N, g.outC], dtype: 'float32' },
      { dataId: filter.dataId, shape: [1, K, g.outC], dtype: 'float32' },
      false,
      true,
    );
    try {
      const dx = be.makeOutput(inShape, 'float32');
      const out = be.typedArrayFromHeap(dx);
      const cv = be.typedArrayFromHeap({ dataId: cols.dataId, shape: [N, K], dtype: 'float32' });
      out.fill(0);
      const taps = tapTable(g);
      const C = g.inC;
      for (let t = 0; t < taps.length; t += 3) {
        const src = taps[t]! * K + taps[t + 2]!;
        const dst = taps[t + 1]!;
        for (let c = 0; c < C; c++) out[dst + c]! += cv[src + c]!;
      }
      return dx;
    } finally {
      be.disposeData(cols.dataId);
    }
  };

  for (const [kernelName, kernelFunc] of [
    ['Conv2DBackpropFilter', filterGradient],
    ['Conv2DBackpropInput', inputGradient],
  ] as const) {
    Object.defineProperty(kernelFunc, CONV_MARK, { value: true });
    if (tf.getKernel(kernelName, backendName)) tf.unregisterKernel(kernelName, backendName);
    tf.registerKernel({ kernelName, backendName, kernelFunc });
  }
  return true;
}
