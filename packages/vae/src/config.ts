/**
 * Model and loss configuration. {@link resolveVaeConfig} turns a loose {@link VaeConfig} into a
 * complete, checked {@link ResolvedVaeConfig} once; builders, loss and training never branch on
 * missing options. The resolved form is plain JSON and is stored with every saved model.
 */
import { VaeConfigError } from './errors.js';

/** Hidden-layer nonlinearity. */
export type Activation = 'relu' | 'elu' | 'tanh';

/** Encoder architecture. */
export type EncoderKind = 'dense' | 'conv';

/** Decoder architecture. */
export type DecoderKind = 'dense' | 'conv';

/** Linear path beside the networks (see `VaeConfig.linearPath`). */
export type LinearPath = 'pca' | 'none';

/** Settings of the Conv1D stack of a `conv` encoder and its mirror in a `conv` decoder. */
interface ConvConfig {
  /** Filters of each Conv1D layer, first to last. @default [16, 32] */
  filters?: readonly number[];
  /** Kernel width in time steps. @default 5 */
  kernelSize?: number;
  /** Stride of each Conv1D layer ('same' padding, so each layer divides the length by it). @default 2 */
  strides?: number;
}

/** Configuration of a VAE for series of a fixed length. Every field but `seriesLength` is optional. */
export interface VaeConfig {
  /** Number of time steps L of every series. Required. */
  seriesLength: number;
  /** Dimension of the latent space (the paper used 10). @default 10 */
  latentDim?: number;
  /**
   * Encoder architecture: `dense` (an MLP) or `conv` (Conv1D stack, then the dense layers).
   * On the wasm backend the convolution gradients are this package's own GEMM kernels
   * (`useGemmConvGradients`): TensorFlow.js 4.22's wasm backend has no Conv2DBackpropFilter.
   * @default 'dense'
   */
  encoder?: EncoderKind;
  /**
   * Decoder architecture: `dense` (an MLP mirroring the encoder) or `conv` (the dense layers, then
   * the mirror of the Conv1D stack: nearest-neighbour upsampling by the stride and a convolution
   * per layer, then a linear 1-channel convolution). A convolutional decoder draws sharp,
   * repeated features (oscillation peaks a few samples wide) with weights shared along time,
   * which a dense output layer must learn separately for every position.
   * @default 'dense'
   */
  decoder?: DecoderKind;
  /**
   * `pca`: encoder and decoder each get a linear path beside the network, z_mean = A (x - m) +
   * net(x) and x_mean = m + B z + net(z), initialised by {@link trainVae} to the training set's
   * whitened PCA (A projects onto the first latentDim principal components scaled to unit
   * variance, B maps back) with the networks' last layers at zero: training starts from
   * probabilistic PCA (Tipping & Bishop 1999, the linear VAE) and the networks learn what PCA
   * cannot. Without it, a family PCA captures almost exactly (a 2-parameter amplifier sweep:
   * PCA(10) relative MSE 1e-6) is one a network trained from random weights does not reach.
   * `none`: the networks alone (random initialisation).
   * @default 'none'
   */
  linearPath?: LinearPath;
  /** Units of the encoder's hidden dense layers; the decoder mirrors them. @default [256, 128] */
  hiddenUnits?: readonly number[];
  /** Hidden-layer activation. @default 'elu' */
  activation?: Activation;
  /** Conv1D settings for `encoder: 'conv'`. @default { filters: [16, 32], kernelSize: 5, strides: 2 } */
  conv?: ConvConfig;
  /**
   * Standard deviation of the Gaussian decoder p(x|z) = N(decoder(z), sigma^2 I), in the units
   * of the (normalised) data, or `'learned'` for a trainable log-sigma scalar shared by all time
   * steps (the "sigma-VAE" of Rybkin et al. 2021, which balances reconstruction and KL itself:
   * at the optimum sigma^2 equals the mean squared reconstruction error), or `'per-series'`: each
   * series gets its own optimal sigma, sigma_i^2 = max(MSE_i, sigmaFloor^2) (Rybkin et al.'s
   * analytic optimum taken per series), so the reconstruction term is (L/2) log MSE_i + const.
   * With one shared sigma, a mixture of easy and hard families is fitted only as precisely as
   * the hardest one needs (its MSE sets sigma); per series, halving the error of a smooth switch
   * trace is worth as much as halving that of an oscillator.
   * @default 'learned'
   */
  decoderSigma?: number | 'learned' | 'per-series';
  /**
   * Names of groups of series (e.g. the network each series was simulated from) that get a
   * learned sigma each, with `decoderSigma: 'learned'`; training data then carries each row's
   * group (`SeriesSet.group`). A mixture of networks is then fitted as precisely as each network
   * allows: one shared sigma is set by the hardest family's error, and a smooth family is fitted
   * no better than that (measured: a switch fitted to relative MSE 1e-3 beside oscillators,
   * when its own PCA reaches 9e-4). Empty: one sigma for every series.
   * @default []
   */
  sigmaGroups?: readonly string[];
  /**
   * Lower bound of the per-series sigma (normalised units): a series reconstructed better than
   * this gains nothing more, which keeps the loss bounded. Used by `decoderSigma: 'per-series'`,
   * and as the floor of each group's learned sigma with `sigmaGroups` (a group's reconstruction
   * gradient scales as 1 / sigma^2: without a floor, smooth families fitted to sigma ~1e-3 pulled
   * ~10^4 times harder on the shared weights than the predator-prey's ~0.15).
   * @default 0.001
   */
  sigmaFloor?: number;
  /**
   * With `sigmaGroups`: each group's sigma is floored at the largest group's sigma divided by
   * this, so no group pulls on the shared weights more than ratio^2 times harder than another
   * (its reconstruction gradient scales as 1 / sigma^2). A floor relative to the data, where
   * `sigmaFloor` is in its units. 0 turns it off.
   * @default 0
   */
  groupSigmaRatio?: number;
  /** Weight of the KL term (beta-VAE, Higgins et al. 2017); 1 gives the ELBO. @default 1 */
  beta?: number;
  /**
   * KL warm-up (Bowman et al. 2016; Sønderby et al. 2016): the KL weight used in epoch e
   * (0-based) is beta * min(1, e / klWarmupEpochs). 0 disables the warm-up.
   * @default 10
   */
  klWarmupEpochs?: number;
  /**
   * Free bits (Kingma et al. 2016, IAF paper, eq. 15), in nats per latent dimension: the
   * batch-averaged KL of each dimension enters the training loss as max(KL_d, freeBits).
   * 0 disables it.
   * @default 0
   */
  freeBits?: number;
  /** Seed of every random choice (initial weights, shuffling, noise). Unsigned 32-bit. @default 1 */
  seed?: number;
}

/** A checked {@link VaeConfig} with every field present. Plain JSON. */
export interface ResolvedVaeConfig {
  readonly seriesLength: number;
  readonly latentDim: number;
  readonly encoder: EncoderKind;
  readonly decoder: DecoderKind;
  readonly linearPath: LinearPath;
  readonly hiddenUnits: readonly number[];
  readonly activation: Activation;
  readonly conv: { readonly filters: readonly number[]; readonly kernelSize: number; readonly strides: number };
  readonly decoderSigma: number | 'learned' | 'per-series';
  readonly sigmaFloor: number;
  readonly groupSigmaRatio: number;
  readonly sigmaGroups: readonly string[];
  readonly beta: number;
  readonly klWarmupEpochs: number;
  readonly freeBits: number;
  readonly seed: number;
}

/** Defaults of every optional {@link VaeConfig} field (see each field's `@default`). */
export const VAE_CONFIG_DEFAULTS = Object.freeze({
  latentDim: 10,
  encoder: 'dense' as EncoderKind,
  decoder: 'dense' as DecoderKind,
  linearPath: 'none' as LinearPath,
  hiddenUnits: Object.freeze([256, 128]) as readonly number[],
  activation: 'elu' as Activation,
  conv: Object.freeze({ filters: Object.freeze([16, 32]) as readonly number[], kernelSize: 5, strides: 2 }),
  decoderSigma: 'learned' as number | 'learned' | 'per-series',
  sigmaFloor: 0.001,
  groupSigmaRatio: 0,
  sigmaGroups: Object.freeze([]) as readonly string[],
  beta: 1,
  klWarmupEpochs: 10,
  freeBits: 0,
  seed: 1,
});

const CONFIG_KEYS = new Set<string>([
  'seriesLength',
  'latentDim',
  'encoder',
  'decoder',
  'linearPath',
  'hiddenUnits',
  'activation',
  'conv',
  'decoderSigma',
  'sigmaFloor',
  'groupSigmaRatio',
  'sigmaGroups',
  'beta',
  'klWarmupEpochs',
  'freeBits',
  'seed',
]);
const CONV_KEYS = new Set<string>(['filters', 'kernelSize', 'strides']);

/** Render a found value for an error message. */
export function describeValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || v == null) return String(v);
  try {
    const s = JSON.stringify(v);
    return s.length > 80 ? `${s.slice(0, 77)}...` : s;
  } catch {
    return Object.prototype.toString.call(v);
  }
}

/** Check an integer option and return it. */
export function checkInteger(field: string, v: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in [${min}, ${max}]`;
    throw new VaeConfigError(field, `expected an integer ${range}; got ${describeValue(v)}`);
  }
  return v;
}

/** Check a finite number option (lower bound inclusive unless `exclusive`) and return it. */
export function checkNumber(field: string, v: unknown, min: number, exclusive = false): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || (exclusive && v === min)) {
    throw new VaeConfigError(field, `expected a finite number ${exclusive ? '>' : '>='} ${min}; got ${describeValue(v)}`);
  }
  return v;
}

function checkOneOf<T extends string>(field: string, v: unknown, allowed: readonly T[]): T {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw new VaeConfigError(field, `expected one of ${allowed.map((a) => `'${a}'`).join(', ')}; got ${describeValue(v)}`);
  }
  return v as T;
}

function checkIntList(field: string, v: unknown, allowEmpty: boolean): number[] {
  if (!Array.isArray(v)) {
    throw new VaeConfigError(field, `expected an array of positive integers, e.g. [256, 128]; got ${describeValue(v)}`);
  }
  if (!allowEmpty && v.length === 0) {
    throw new VaeConfigError(field, 'expected at least one entry; got []');
  }
  return v.map((u, i) => checkInteger(`${field}[${i}]`, u, 1));
}

function checkKeys(field: string, obj: object, allowed: Set<string>): void {
  for (const k of Object.keys(obj)) {
    if (!allowed.has(k)) {
      throw new VaeConfigError(`${field}.${k}`, `unknown option; expected one of ${[...allowed].join(', ')}`);
    }
  }
}

/**
 * Validate a {@link VaeConfig} and fill in defaults. Unknown keys are rejected (a misspelt
 * option would otherwise be silently ignored).
 * @throws {VaeConfigError} naming the first invalid field, what was expected and what was found.
 * @example
 * const config = resolveVaeConfig({ seriesLength: 128, latentDim: 3 });
 */
export function resolveVaeConfig(partial: VaeConfig): ResolvedVaeConfig {
  if (partial == null || typeof partial !== 'object') {
    throw new VaeConfigError('config', `expected an object such as { seriesLength: 128 }; got ${describeValue(partial)}`);
  }
  checkKeys('config', partial, CONFIG_KEYS);
  const d = VAE_CONFIG_DEFAULTS;
  const seriesLength = checkInteger('config.seriesLength', partial.seriesLength, 2);
  const latentDim = checkInteger('config.latentDim', partial.latentDim ?? d.latentDim, 1);
  const encoder = checkOneOf('config.encoder', partial.encoder ?? d.encoder, ['dense', 'conv'] as const);
  const decoder = checkOneOf('config.decoder', partial.decoder ?? d.decoder, ['dense', 'conv'] as const);
  const linearPath = checkOneOf('config.linearPath', partial.linearPath ?? d.linearPath, ['pca', 'none'] as const);
  const hiddenUnits = checkIntList('config.hiddenUnits', partial.hiddenUnits ?? d.hiddenUnits, true);
  const activation = checkOneOf('config.activation', partial.activation ?? d.activation, ['relu', 'elu', 'tanh'] as const);
  const convIn = partial.conv ?? {};
  if (convIn == null || typeof convIn !== 'object' || Array.isArray(convIn)) {
    throw new VaeConfigError('config.conv', `expected an object such as { filters: [16, 32], kernelSize: 5, strides: 2 }; got ${describeValue(convIn)}`);
  }
  checkKeys('config.conv', convIn, CONV_KEYS);
  const conv = {
    filters: checkIntList('config.conv.filters', convIn.filters ?? d.conv.filters, false),
    kernelSize: checkInteger('config.conv.kernelSize', convIn.kernelSize ?? d.conv.kernelSize, 1),
    strides: checkInteger('config.conv.strides', convIn.strides ?? d.conv.strides, 1),
  };
  const sigmaIn = partial.decoderSigma ?? d.decoderSigma;
  const decoderSigma =
    sigmaIn === 'learned' || sigmaIn === 'per-series'
      ? sigmaIn
      : (() => {
          if (typeof sigmaIn !== 'number') {
            throw new VaeConfigError('config.decoderSigma', `expected a number > 0, 'learned' or 'per-series'; got ${describeValue(sigmaIn)}`);
          }
          return checkNumber('config.decoderSigma', sigmaIn, 0, true);
        })();
  const sigmaFloor = checkNumber('config.sigmaFloor', partial.sigmaFloor ?? d.sigmaFloor, 0, true);
  const groupSigmaRatio = checkNumber('config.groupSigmaRatio', partial.groupSigmaRatio ?? d.groupSigmaRatio, 0);
  const groupsIn = partial.sigmaGroups ?? d.sigmaGroups;
  if (!Array.isArray(groupsIn) || groupsIn.some((g) => typeof g !== 'string' || g === '') || new Set(groupsIn).size !== groupsIn.length) {
    throw new VaeConfigError('config.sigmaGroups', `expected distinct non-empty names, e.g. ['oscillator', 'switch']; got ${describeValue(groupsIn)}`);
  }
  if (groupsIn.length > 0 && decoderSigma !== 'learned') {
    throw new VaeConfigError('config.sigmaGroups', `a sigma per group is learned: it needs decoderSigma 'learned' (got ${describeValue(decoderSigma)})`);
  }
  const sigmaGroups = [...groupsIn];
  const beta = checkNumber('config.beta', partial.beta ?? d.beta, 0);
  const klWarmupEpochs = checkInteger('config.klWarmupEpochs', partial.klWarmupEpochs ?? d.klWarmupEpochs, 0);
  const freeBits = checkNumber('config.freeBits', partial.freeBits ?? d.freeBits, 0);
  const seed = checkInteger('config.seed', partial.seed ?? d.seed, 0, 0xffffffff);
  return {
    seriesLength,
    latentDim,
    encoder,
    decoder,
    linearPath,
    hiddenUnits,
    activation,
    conv,
    decoderSigma,
    sigmaFloor,
    groupSigmaRatio,
    sigmaGroups,
    beta,
    klWarmupEpochs,
    freeBits,
    seed,
  };
}

/**
 * Names of the fields in which two resolved configs differ (deep comparison), in field order.
 * Used to refuse resuming a checkpoint under another configuration.
 */
export function configDifferences(a: ResolvedVaeConfig, b: ResolvedVaeConfig): string[] {
  const out: string[] = [];
  for (const k of Object.keys(a) as (keyof ResolvedVaeConfig)[]) {
    if (JSON.stringify(a[k]) !== JSON.stringify(b[k])) out.push(k);
  }
  return out;
}
