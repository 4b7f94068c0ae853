/**
 * Every error the pipeline throws. Only the CLI (src/cli/) maps them to exit codes:
 * - 2 ({@link EXIT_CODES.input}): the user's input is wrong (a file, a field, an option), or
 *   the user's environment refused (disk full, read-only, no permission): the message says
 *   which file or option and what was expected;
 * - 3 ({@link EXIT_CODES.numerical}): a computation failed numerically (nothing is written);
 * - 130: interrupted;
 * - 1: anything else (a bug: the message asks for a report).
 */

/** Exit codes of the `pipeline` CLI. */
export const EXIT_CODES = Object.freeze({ ok: 0, internal: 1, input: 2, numerical: 3, interrupted: 130 });

/** Base class of the pipeline's own errors. */
export class PipelineError extends Error {
  override name = 'PipelineError';
}

/**
 * Bad input: a command-line option, a file that cannot be read or parsed, a dataset without
 * the expected columns. The message names the file/option/field and the expected form.
 */
export class InputError extends PipelineError {
  override name = 'InputError';
}

/**
 * The environment refused a file operation (disk full, read-only file system, permission
 * denied, a path component that is a file): not a bug, and not fixable by other options. The
 * message names the final path (never a temporary) and the reason; `code` is the errno code.
 */
export class FileSystemError extends InputError {
  override name = 'FileSystemError';
  /** The errno code, e.g. `ENOSPC`. */
  readonly code: string;
  /** The path the user named (a temporary's final name). */
  readonly path: string;
  constructor(path: string, code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.path = path;
    this.code = code;
  }
}

/** The command was interrupted (Ctrl-C, SIGTERM, or an aborted signal); partial outputs were removed. */
export class InterruptedError extends PipelineError {
  override name = 'InterruptedError';
}

/** A simulation or a training run failed numerically; nothing was written as if it were data. */
export class NumericalError extends PipelineError {
  override name = 'NumericalError';
}

/** Base class of plotting failures. */
export class PlotError extends PipelineError {
  override name = 'PlotError';
}

/** Data given to a chart builder is malformed (the message names the item and the field). */
export class PlotInputError extends PlotError {
  override name = 'PlotInputError';
}

/**
 * A chart could not be compiled (vega-lite), rendered (vega, resvg) or written; the original
 * error is the `cause`. No file is left under the requested name when this is thrown.
 */
export class PlotRenderError extends PlotError {
  override name = 'PlotRenderError';
}

/**
 * An argument given to a metric is invalid; the message names the argument. Degenerate but
 * well-formed input gives NaN in the result instead.
 */
export class MetricInputError extends PipelineError {
  override name = 'MetricInputError';
}
