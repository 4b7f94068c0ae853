import { realpathSync, statSync } from 'node:fs';
import { assertTrainableOnBackend, BACKENDS, initBackend, resolveVaeConfig, type BackendChoice, type EncoderKind } from '@penvae/vae';
import { checkChoice, checkInteger, checkNumber, checkSeed, describeFound } from '../check-options.js';
import { InputError } from '../errors.js';
import { checkOutputPath } from '../io/atomic.js';
import { readDataset } from '../dataset/arrow.js';
import { hashFile } from '../dataset/labelled-series.js';
import type { TrainCommandOptions } from './train.js';

/** `--backend` choices: `auto`, then the vae package's backends. */
export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', ...BACKENDS];

/** `--encoder` choices (the vae package's EncoderKind). */
export const ENCODER_CHOICES = ['dense', 'conv'] as const satisfies readonly EncoderKind[];
// Fails to compile if the vae package adds an encoder kind this list lacks.
const everyEncoderListed: Exclude<EncoderKind, (typeof ENCODER_CHOICES)[number]> extends never ? true : never = true;
void everyEncoderListed;

/** The default train / validation / test fractions. */
export const DEFAULT_SPLIT: [number, number, number] = [0.8, 0.1, 0.1];

/** What {@link checkTrainInput} checks: the options of `pipeline train` that can be wrong. */
export type TrainInputOptions = Omit<TrainCommandOptions, 'resume' | 'verbose' | 'signal'>;

/**
 * Sizes of the split parts for `n` rows, by the same rounding as `splitRows`
 * (dataset/labelled-series.ts): train round(f_train n), validation round(f_val n), test the rest.
 */
export function splitSizes(n: number, fractions: readonly [number, number, number]): [number, number, number] {
  const train = Math.round(fractions[0] * n);
  const validation = Math.round(fractions[1] * n);
  return [train, validation, n - train - validation];
}

function checkSplit(split: readonly number[]): [number, number, number] {
  const [ft, fv, fs] = split;
  if (split.length !== 3 || split.some((f) => !(f >= 0 && f <= 1)) || Math.abs(ft! + fv! + fs! - 1) > 1e-9) {
    throw new InputError(`--split ${split.join(',')}: expected three fractions train,validation,test from 0 to 1 that sum to 1, e.g. 0.8,0.1,0.1`);
  }
  if (!(fs! > 0)) throw new InputError(`--split ${split.join(',')}: the test fraction must be > 0 (test metrics are never computed on training rows)`);
  return [ft!, fv!, fs!];
}

/**
 * Checks everything `pipeline train` is given before anything is written: every option, the
 * output folder, the datasets (readable, one series length, no file given twice, enough rows
 * for every part of the split) and that the backend can train the encoder. A bad option used
 * to leave a half-made run folder that blocked every retry and `--resume`.
 * @throws InputError naming the flag or file; BackendError when the backend cannot train the encoder
 */
export async function checkTrainInput(options: TrainInputOptions): Promise<void> {
  checkOutputPath(options.out, '--out', 'folder');
  if (options.latent !== undefined) checkInteger(options.latent, '--latent', 1, 4096);
  if (options.epochs !== undefined) checkInteger(options.epochs, '--epochs', 1, 1_000_000);
  if (options.batch !== undefined) checkInteger(options.batch, '--batch', 1, 1_000_000);
  if (options.seed !== undefined) checkSeed(options.seed);
  const backend = checkChoice(options.backend ?? 'auto', '--backend', BACKEND_CHOICES);
  const encoder = checkChoice(options.encoder ?? 'dense', '--encoder', ENCODER_CHOICES);
  if (options.hidden !== undefined) {
    if (options.hidden.length === 0) throw new InputError('--hidden: expected layer sizes such as 256,128');
    options.hidden.forEach((h) => checkInteger(h, '--hidden', 1, 65_536));
  }
  if (options.beta !== undefined) checkNumber(options.beta, '--beta', 0);
  if (options.warmup !== undefined) checkInteger(options.warmup, '--warmup', 0);
  if (options.freeBits !== undefined) checkNumber(options.freeBits, '--free-bits', 0);
  if (options.sigma !== undefined && options.sigma !== 'learned') checkNumber(options.sigma, '--sigma', 0, true);
  if (options.learningRate !== undefined) checkNumber(options.learningRate, '--learning-rate', 0, true, 10);
  if (options.patience !== undefined) checkInteger(options.patience, '--patience', 1);
  const split = checkSplit(options.split ?? DEFAULT_SPLIT);

  if (options.data.length === 0) throw new InputError('--data: give at least one dataset (.arrow)');
  const seen = new Map<string, string>();
  for (const path of options.data) {
    let real: string;
    try {
      real = realpathSync(path);
    } catch (error) {
      throw new InputError(`--data ${path}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? String(error)})`, { cause: error });
    }
    const same = seen.get(real);
    if (same !== undefined) throw new InputError(`--data ${path}: the same file is given twice (as ${same} and ${path}); its rows would count twice`);
    seen.set(real, path);
  }
  // Copies under other names: equal size, then equal SHA-256.
  const bySize = new Map<number, string[]>();
  for (const path of options.data) bySize.set(statSync(path).size, [...(bySize.get(statSync(path).size) ?? []), path]);
  for (const group of bySize.values()) {
    if (group.length < 2) continue;
    const hashes = new Map<string, string>();
    for (const path of group) {
      const hash = hashFile(path);
      const same = hashes.get(hash);
      if (same !== undefined) throw new InputError(`--data ${path}: has the same contents as ${same} (SHA-256 ${hash.slice(0, 12)}...); its rows would count twice`);
      hashes.set(hash, path);
    }
  }

  let rows = 0;
  let length: number | undefined;
  for (const path of options.data) {
    const dataset = readDataset(path, ['series']);
    const outcome = dataset.table.getChild('outcome')!;
    const series = dataset.table.getChild('series')!;
    for (let i = 0; i < dataset.table.numRows; i++) if (outcome.get(i) === 'converged' && series.isValid(i)) rows++;
    length ??= dataset.layout.seriesLength;
  }
  const [nTrain, nValidation, nTest] = splitSizes(rows, split);
  if (nTrain < 1 && !(split[0] > 0)) throw new InputError(`--split ${split.join(',')}: the training split of ${rows} rows is empty`);
  if (nTrain < 1 || nTest < 1 || (split[1] > 0 && nValidation < 1)) {
    let needed = rows + 1;
    while (needed < 1_000_000) {
      const [a, b, c] = splitSizes(needed, split);
      if (a >= 1 && c >= 1 && (split[1] === 0 || b >= 1)) break;
      needed++;
    }
    throw new InputError(
      `--data: ${rows} usable row${rows === 1 ? '' : 's'} (converged, with a series) cannot be split ${split.join(',')} ` +
        `(train ${nTrain}, validation ${nValidation}, test ${nTest}); every part needs at least one row: give at least ${needed} rows, or another --split`,
    );
  }
  if (encoder === 'conv') {
    const info = await initBackend(backend);
    assertTrainableOnBackend(resolveVaeConfig({ seriesLength: length ?? 2, encoder }), info.backend);
  }
}

/** Parses `--sigma`: a number > 0 or `learned`. */
export function parseSigma(text: string): number | 'learned' {
  if (text === 'learned') return 'learned';
  const sigma = Number(text);
  if (!(sigma > 0) || !Number.isFinite(sigma)) throw new InputError(`--sigma ${describeFound(text)}: expected a number > 0 or "learned"`);
  return sigma;
}
