/**
 * Error classes of `@penvae/vae`, in one place (as changesets keeps them), so a CLI can map each
 * class to an exit code with a single top-level catch. Every message says which field or file is
 * at fault, what was expected and what was found; the original error, if any, is chained as
 * `cause`. Library code throws these and never calls `process.exit`.
 */

/** Base class of every error this package throws on purpose. */
export class VaeError extends Error {
  override name = 'VaeError';
}

/**
 * A {@link VaeConfig} or training option is invalid.
 * `field` is the dotted path of the offending option, e.g. `config.hiddenUnits[1]`.
 */
export class VaeConfigError extends VaeError {
  override name = 'VaeConfigError';
  /** Dotted path of the option at fault. */
  readonly field: string;
  constructor(field: string, message: string, options?: ErrorOptions) {
    super(`${field}: ${message}`, options);
    this.field = field;
  }
}

/**
 * Input series are unusable: wrong length, empty set, non-finite values, size mismatch.
 * `field` names the data set (e.g. `train`, `validation`, `x`).
 */
export class VaeDataError extends VaeError {
  override name = 'VaeDataError';
  /** Name of the data set or argument at fault. */
  readonly field: string;
  constructor(field: string, message: string, options?: ErrorOptions) {
    super(`${field}: ${message}`, options);
    this.field = field;
  }
}

/**
 * A saved model or checkpoint directory cannot be read: missing file, other format version,
 * malformed JSON, weight shapes that do not match the recorded configuration.
 * `file` is the path of the file at fault.
 */
export class ModelFormatError extends VaeError {
  override name = 'ModelFormatError';
  /** Path of the file at fault. */
  readonly file: string;
  constructor(file: string, message: string, options?: ErrorOptions) {
    super(`${file}: ${message}`, options);
    this.file = file;
  }
}

/**
 * A TensorFlow.js backend cannot be used for what was asked: not installed, failed to
 * initialise, or lacking a kernel that training needs (e.g. conv backprop on wasm).
 */
export class BackendError extends VaeError {
  override name = 'BackendError';
  /** The backend at fault (`tensorflow`, `wasm`, `cpu`, ...). */
  readonly backend: string;
  constructor(backend: string, message: string, options?: ErrorOptions) {
    super(`backend '${backend}': ${message}`, options);
    this.backend = backend;
  }
}
