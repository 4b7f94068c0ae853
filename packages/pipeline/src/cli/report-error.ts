/**
 * How the CLI reports an error: its exit code (by the class of error, `instanceof` each
 * package's base class) and the lines it prints (flags the user typed, never internal field
 * names or temporary paths).
 */
import { SimulatorError } from '@penvae/simulator';
import { EXIT_CODES, InterruptedError, NumericalError, PipelineError, PlotError, PlotRenderError } from '../errors.js';
import { errnoCode, hideTemporaryPaths } from '../io/atomic.js';

/** Whether an error means "stopped on request" (ours, or a DOM AbortError from an aborted signal). */
function isInterruption(error: unknown): boolean {
  return error instanceof InterruptedError || (error instanceof Error && error.name === 'AbortError');
}

/**
 * The vae package's error classes. Imported when an error is reported, not with the CLI: the
 * package loads TensorFlow.js (half a second per command). Its errors can only come from a
 * command that loaded it, so for them the import is already done.
 */
async function vaeErrors() {
  const { BackendError, VaeConfigError, VaeError } = await import('@penvae/vae');
  return { BackendError, VaeConfigError, VaeError };
}

/**
 * The exit code of an error (see {@link EXIT_CODES}):
 * - 130 interrupted;
 * - 3 numerical failure;
 * - 2 the user's input or environment: every PipelineError, SimulatorError and VaeError (bad
 *   option, file, network, dataset, model folder, a backend the user chose that cannot do what
 *   was asked) and any file-system refusal (disk full, read-only, permission);
 * - 1 a bug: a chart that cannot be drawn (PlotError without a file-system cause), no backend
 *   at all under `auto`, anything else.
 */
export async function exitCodeFor(error: unknown): Promise<number> {
  if (isInterruption(error)) return EXIT_CODES.interrupted;
  if (error instanceof NumericalError) return EXIT_CODES.numerical;
  if (error instanceof PlotError) return error instanceof PlotRenderError && errnoCode(error) ? EXIT_CODES.input : EXIT_CODES.internal;
  if (error instanceof PipelineError || error instanceof SimulatorError) return EXIT_CODES.input;
  if (errnoCode(error)) return EXIT_CODES.input;
  if (!(error instanceof Error)) return EXIT_CODES.internal;
  const { BackendError, VaeError } = await vaeErrors();
  if (error instanceof BackendError) return error.backend === 'auto' ? EXIT_CODES.internal : EXIT_CODES.input;
  if (error instanceof VaeError) return EXIT_CODES.input;
  return EXIT_CODES.internal;
}

/** The flags behind the vae package's option fields (`VaeConfigError.field`). */
const VAE_FIELD_FLAGS: Record<string, string> = {
  'config.latentDim': '--latent',
  'config.encoder': '--encoder',
  'config.hiddenUnits': '--hidden',
  'config.decoderSigma': '--sigma',
  'config.beta': '--beta',
  'config.klWarmupEpochs': '--warmup',
  'config.freeBits': '--free-bits',
  'config.seed': '--seed',
  'config.seriesLength': 'the series length (--length of the datasets)',
  'options.epochs': '--epochs',
  'options.batchSize': '--batch',
  'options.learningRate': '--learning-rate',
  'options.patience': '--patience',
};

/** The flags behind the simulator's option names (`option tEnd: ...`). */
const SIMULATOR_OPTION_FLAGS: Record<string, string> = {
  tEnd: '--t-end',
  step: '--step',
  solver: '--solver',
  rtol: '--rtol',
  atol: '--atol',
  maxSteps: '--max-steps',
};

/** An error's message as the user should read it: flags for internal names, final names for temporaries. */
export async function userMessage(error: unknown): Promise<string> {
  let message = error instanceof Error ? error.message : String(error);
  const fromVae = error instanceof Error && !(error instanceof PipelineError) && !(error instanceof SimulatorError) && !errnoCode(error);
  if (fromVae && error instanceof (await vaeErrors()).VaeConfigError) {
    const base = error.field.replace(/\[\d+\]$/, '');
    const flag = VAE_FIELD_FLAGS[base];
    if (flag && message.startsWith(`${error.field}:`)) message = `${flag}:${message.slice(error.field.length + 1)}`;
  }
  if (error instanceof SimulatorError) message = message.replace(/\boption (\w+)\b/g, (m, name: string) => SIMULATOR_OPTION_FLAGS[name] ?? m);
  if (isInterruption(error)) message = `${error instanceof InterruptedError ? message : 'interrupted'}; partial outputs removed`;
  return hideTemporaryPaths(message);
}

/** Prints an error: `pipeline: <line>` per line; for bugs, how to get the stack trace. */
export async function reportError(error: unknown, err: (line: string) => void): Promise<number> {
  const code = await exitCodeFor(error);
  const message = await userMessage(error);
  if (code === EXIT_CODES.internal) {
    err(`pipeline: internal error: ${message}`);
    if (process.env.PENVAE_DEBUG === '1' && error instanceof Error && error.stack) err(error.stack);
    else err('(this is a bug; run with PENVAE_DEBUG=1 for the stack trace and report it)');
  } else {
    for (const line of message.split('\n')) err(`pipeline: ${line}`);
  }
  return code;
}
