/**
 * Checks of command options, shared by the tasks so that every flag is refused the same way
 * before any work starts: the message names the flag the user typed, what was expected and
 * what was found.
 */
import { InputError, InterruptedError } from './errors.js';

/** Largest seed: seeds are unsigned 32-bit (the generators and the dataset's `seed` column). */
export const MAX_SEED = 0xffffffff;

/** How a value a user gave reads in a message (`NaN` from a non-number says so). */
export function describeFound(value: unknown): string {
  if (typeof value === 'number' && Number.isNaN(value)) return 'NaN (not a number)';
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `${value.length} values (${value.map((v) => String(v)).join(', ')}); give it once`;
  return String(value);
}

/**
 * An integer option within [min, max].
 * @throws InputError `--flag 1.5: expected an integer from 1 to 100`
 */
export function checkInteger(value: unknown, flag: string, min: number, max = Number.MAX_SAFE_INTEGER, why = ''): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
    throw new InputError(`${flag} ${describeFound(value)}: expected an integer ${range}${why}`);
  }
  return value;
}

/**
 * A finite number option, > min (exclusive) or >= min.
 * @throws InputError naming the flag
 */
export function checkNumber(value: unknown, flag: string, min: number, exclusive = false, max = Infinity): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || (exclusive ? value <= min : value < min) || value > max) {
    const bound = `${exclusive ? '>' : '>='} ${min}${max < Infinity ? ` and <= ${max}` : ''}`;
    throw new InputError(`${flag} ${describeFound(value)}: expected a finite number ${bound}`);
  }
  return value;
}

/**
 * A seed: a non-negative integer up to 2^32 - 1. Anything else used to be wrapped silently
 * (1.5 gave the data of 1, -1 that of 4294967295) while the metadata recorded what was typed.
 * @throws InputError naming the flag
 */
export function checkSeed(value: unknown, flag = '--seed'): number {
  return checkInteger(value, flag, 0, MAX_SEED, ' (seeds are unsigned 32-bit)');
}

/**
 * One of a list of choices.
 * @throws InputError naming the flag and the choices
 */
export function checkChoice<T extends string>(value: unknown, flag: string, choices: readonly T[]): T {
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    throw new InputError(`${flag} ${describeFound(value)}: expected one of ${choices.join(', ')}`);
  }
  return value as T;
}

/**
 * A name that becomes one segment of a path (`demo --name`): letters, digits, `.`, `_` and
 * `-`, not starting with a dot. Refuses paths (`/abs/path`, `a/b`, `..`).
 * @throws InputError naming the flag
 */
export function checkPathSegment(value: string, flag: string): string {
  if (!/^[A-Za-z0-9_-][A-Za-z0-9._-]*$/.test(value) || value.length > 100) {
    throw new InputError(`${flag} ${JSON.stringify(value)}: expected a folder name (letters, digits, '.', '_', '-'; not starting with '.'), not a path`);
  }
  return value;
}

/** Throws {@link InterruptedError} if the signal was aborted (Ctrl-C): the caller's cleanup runs on the way out. */
export function throwIfInterrupted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason instanceof InterruptedError ? signal.reason : new InterruptedError('interrupted');
}

/**
 * Lets the event loop run (signals, progress, stream writes) and then checks the signal: the
 * pause that keeps long synchronous loops responsive to Ctrl-C.
 */
export async function yieldToEventLoop(signal: AbortSignal | undefined): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
  throwIfInterrupted(signal);
}
