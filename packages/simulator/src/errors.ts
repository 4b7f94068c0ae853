/**
 * Every error this package throws. Messages are complete sentences a user can act on: they
 * name the file and the JSON path, what was expected and what was found. Numerical failure of
 * a simulation is not an error: it is an {@link IntegrationOutcome} in the result.
 */

/** One problem found in a network file. */
export interface NetworkIssue {
  /** JSON path, e.g. `templates[2].inhibitor` (`""` for the document itself). */
  path: string;
  /** What is wrong, e.g. `unknown strand "j" (strands: a, b, i)`. */
  message: string;
}

/** Base class: lets a CLI tell this package's errors from bugs. */
export class SimulatorError extends Error {
  override name = 'SimulatorError';
}

/** A network file that does not follow the specification; lists every problem found. */
export class NetworkValidationError extends SimulatorError {
  override name = 'NetworkValidationError';
  /** Where the network came from (file name, or a label such as `built-in "oscillator"`). */
  readonly source: string;
  /** Every problem, in document order. */
  readonly issues: readonly NetworkIssue[];

  constructor(source: string, issues: readonly NetworkIssue[], options?: ErrorOptions) {
    super(formatIssues(source, issues), options);
    this.source = source;
    this.issues = issues;
  }
}

/** Formats issues as `source: path: message` lines (the path is omitted for the root). */
function formatIssues(source: string, issues: readonly NetworkIssue[]): string {
  return issues.map((i) => (i.path ? `${source}: ${i.path}: ${i.message}` : `${source}: ${i.message}`)).join('\n');
}

/** Options given to a simulator function are invalid (names the option). */
export class OptionsError extends SimulatorError {
  override name = 'OptionsError';
}

/**
 * New values were given to a compiled network whose structure (species, reactions, pools)
 * differs from the one it was compiled from: recompile instead.
 */
export class StructureMismatchError extends SimulatorError {
  override name = 'StructureMismatchError';
}

/**
 * A network or run too large for this simulator: more state variables than
 * `MAX_STATE_VARIABLES`, a trajectory of more than `MAX_TRAJECTORY_VALUES` numbers, or a
 * sparse LU beyond its non-zero limit. The message says which limit and why it exists.
 */
export class NetworkTooLargeError extends SimulatorError {
  override name = 'NetworkTooLargeError';
}

/** A built-in network name that does not exist. */
export class UnknownNetworkError extends SimulatorError {
  override name = 'UnknownNetworkError';
}
