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
