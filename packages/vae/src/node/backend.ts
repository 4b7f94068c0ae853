/**
 * Choice of the TensorFlow.js backend in Node. With `backend.ts` and `io.ts`, the only module
 * that touches Node-specific things.
 *
 * - `tensorflow`: @tensorflow/tfjs-node (native libtensorflow, multi-threaded). An optional
 *   dependency whose install downloads a binary, so it is often missing: imported dynamically.
 * - `wasm`: @tensorflow/tfjs-backend-wasm (XNNPACK, SIMD; single-threaded in Node, since its
 *   threaded build needs browser workers). In Node 20 its Node bundle finds its .wasm files next
 *   to itself, so `setWasmPaths` is not needed; `wasmPath` overrides that for bundled setups.
 *   It cannot train the conv encoder (no Conv2DBackpropFilter kernel). Its transposed matMul is
 *   slow, so by default `initBackend` swaps in an explicit-transpose BatchMatMul
 *   (see wasm-kernels.ts; about 2x faster training).
 * - `cpu`: the plain JavaScript backend; always available, slowest.
 */
import * as tf from '@tensorflow/tfjs';
import { BackendError } from '../errors.js';
import { useExplicitTransposeMatMul, useGemmConvGradients } from '../wasm-kernels.js';

/** Backend request: a specific backend, or `auto` = first available of tensorflow, wasm, cpu. */
export type BackendChoice = 'auto' | 'tensorflow' | 'wasm' | 'cpu';

/** Names of the concrete backends, in `auto`'s order of preference. */
const BACKENDS = ['tensorflow', 'wasm', 'cpu'] as const;

/** What {@link initBackend} set up. */
export interface BackendInfo {
  /** The active backend (`tf.getBackend()`); store it with a trained model. */
  readonly backend: string;
  /** What was asked for. */
  readonly requested: BackendChoice;
  /** Backends tried before the active one (`auto` only), in order; empty when none failed. */
  readonly fellBackFrom: string[];
  /** Why each backend in `fellBackFrom` could not be used, in the same order. */
  readonly reasons: string[];
  /** TensorFlow.js version (`tf.version.tfjs`). */
  readonly tfjsVersion: string;
  /** For wasm: whether the SIMD build is in use. */
  readonly wasmSimd?: boolean;
}

/** Options of {@link initBackend}. */
export interface InitBackendOptions {
  /**
   * Folder (with trailing slash) or URL prefix holding tfjs-backend-wasm's .wasm files, passed to
   * `setWasmPaths`. Not needed with the package installed normally.
   */
  wasmPath?: string;
  /**
   * On wasm, replace BatchMatMul by a wrapper that transposes operands explicitly
   * (see `useExplicitTransposeMatMul`); results agree to float32 rounding.
   * @default true
   */
  explicitTransposeMatMul?: boolean;
  /**
   * On wasm, register this package's GEMM convolution gradients (see `useGemmConvGradients`):
   * without them a convolutional model cannot train there. Off only to measure the stock kernels.
   * @default true
   */
  gemmConvGradients?: boolean;
}

// Kept in a variable so TypeScript does not try to resolve the optional package at build time.
const TFJS_NODE = '@tensorflow/tfjs-node';

function reasonOf(e: unknown): string {
  const err = e as { code?: string; message?: string };
  if (err?.code === 'ERR_MODULE_NOT_FOUND' || err?.code === 'MODULE_NOT_FOUND') return `${TFJS_NODE} is not installed`;
  return err?.message?.split('\n')[0] ?? String(e);
}

async function tryTensorflow(): Promise<void> {
  try {
    await import(TFJS_NODE);
  } catch (e) {
    throw new BackendError('tensorflow', `${reasonOf(e)} (install it with npm install ${TFJS_NODE}; its install step downloads libtensorflow)`, { cause: e });
  }
  if (!(await tf.setBackend('tensorflow'))) {
    throw new BackendError('tensorflow', `${TFJS_NODE} loaded but the backend failed to initialise`);
  }
}

async function tryWasm(options: InitBackendOptions): Promise<void> {
  let wasm: typeof import('@tensorflow/tfjs-backend-wasm');
  try {
    wasm = await import('@tensorflow/tfjs-backend-wasm');
  } catch (e) {
    throw new BackendError('wasm', `@tensorflow/tfjs-backend-wasm could not be loaded: ${reasonOf(e)}`, { cause: e });
  }
  if (options.wasmPath !== undefined) wasm.setWasmPaths(options.wasmPath);
  let ok: boolean;
  try {
    ok = await tf.setBackend('wasm');
  } catch (e) {
    throw new BackendError('wasm', `initialisation failed: ${reasonOf(e)}`, { cause: e });
  }
  if (!ok) throw new BackendError('wasm', 'initialisation failed (are the .wasm files reachable? see the wasmPath option)');
  if (options.explicitTransposeMatMul ?? true) useExplicitTransposeMatMul('wasm');
  // Without these the wasm backend cannot train a convolutional model at all (no filter gradient).
  if (options.gemmConvGradients ?? true) useGemmConvGradients('wasm');
}

async function tryCpu(): Promise<void> {
  if (!(await tf.setBackend('cpu'))) throw new BackendError('cpu', 'the JavaScript backend failed to initialise');
}

/**
 * Select and initialise a TensorFlow.js backend (global to the tfjs engine).
 * @param choice a backend, or `auto` to try tensorflow, then wasm, then cpu. @default 'auto'
 * @throws {BackendError} when an explicitly chosen backend is unavailable, saying why.
 * @example
 * const info = await initBackend('auto');
 * if (info.fellBackFrom.length) console.warn(`using ${info.backend}: ${info.reasons.join('; ')}`);
 */
export async function initBackend(choice: BackendChoice = 'auto', options: InitBackendOptions = {}): Promise<BackendInfo> {
  const order: string[] = choice === 'auto' ? [...BACKENDS] : [choice];
  if (choice !== 'auto' && !(BACKENDS as readonly string[]).includes(choice)) {
    throw new BackendError(String(choice), `unknown backend; expected one of auto, ${BACKENDS.join(', ')}`);
  }
  const fellBackFrom: string[] = [];
  const reasons: string[] = [];
  for (const name of order) {
    try {
      if (name === 'tensorflow') await tryTensorflow();
      else if (name === 'wasm') await tryWasm(options);
      else await tryCpu();
    } catch (e) {
      if (choice !== 'auto' || !(e instanceof BackendError)) throw e;
      fellBackFrom.push(name);
      reasons.push(e.message);
      continue;
    }
    await tf.ready();
    const info: BackendInfo = { backend: tf.getBackend(), requested: choice, fellBackFrom, reasons, tfjsVersion: tf.version.tfjs };
    if (name === 'wasm') return { ...info, wasmSimd: Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) };
    return info;
  }
  // Unreachable in practice: cpu always initialises.
  throw new BackendError('auto', `no backend could be initialised: ${reasons.join('; ')}`);
}
