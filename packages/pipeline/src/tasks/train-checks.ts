import { realpathSync, statSync } from 'node:fs';
import { assertTrainableOnBackend, initBackend, resolveVaeConfig } from '@penvae/vae';
import { checkChoice, checkInteger, checkNumber, checkSeed } from '../check-options.js';
import { InputError } from '../errors.js';
import { checkOutputPath } from '../io/atomic.js';
import { readDataset } from '../dataset/arrow.js';
import { hashFile } from '../dataset/labelled-series.js';
import type { TrainCommandOptions } from './train.js';
import { ARCHITECTURE_CHOICES, BACKEND_CHOICES, LINEAR_PATH_CHOICES, TRAIN_COMMAND_DEFAULTS } from './train-options.js';

/** What {@link checkTrainInput} checks: the options of `pipeline train` that can be wrong. */
export type TrainInputOptions = Omit<TrainCommandOptions, 'resume' | 'verbose' | 'signal'>;

/**
 * Sizes of the split parts for `n` rows, by the same rounding as `splitRows`
 * (dataset/labelled-series.ts): train round(f_train n), validation round(f_val n), test the rest.
 */
function splitSizes(n: number, fractions: readonly [number, number, number]): [number, number, number] {
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

/** Refuses a --data file given twice: the same path (or link), or a copy under another name. */
function checkDistinctFiles(paths: readonly string[]): void {
  const seen = new Map<string, string>();
  for (const path of paths) {
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
  for (const path of paths) {
    const size = statSync(path).size;
    bySize.set(size, [...(bySize.get(size) ?? []), path]);
  }
  for (const group of bySize.values()) {
    const hashes = new Map<string, string>();
    for (const path of group.length > 1 ? group : []) {
      const hash = hashFile(path);
      const same = hashes.get(hash);
      if (same !== undefined)
        throw new InputError(`--data ${path}: has the same contents as ${same} (SHA-256 ${hash.slice(0, 12)}...); its rows would count twice`);
      hashes.set(hash, path);
    }
  }
}

/**
 * Checks everything `pipeline train` is given before anything is written: every option, the
 * output folder, the datasets (readable, no file given twice, enough rows for every part of
 * the split) and that the backend can train the architecture. A bad option used to leave a
 * half-made run folder that blocked every retry and `--resume`.
 * @throws InputError naming the flag or file; BackendError when the backend cannot train the architecture
 */
export async function checkTrainInput(options: TrainInputOptions): Promise<void> {
  checkOutputPath(options.out, '--out', 'folder');
  if (options.latent !== undefined) checkInteger(options.latent, '--latent', 1, 4096);
  if (typeof options.epochs === 'number') checkInteger(options.epochs, '--epochs', 1, 1_000_000);
  if (options.batch !== undefined) checkInteger(options.batch, '--batch', 1, 1_000_000);
  if (options.seed !== undefined) checkSeed(options.seed);
  const backend = checkChoice(options.backend ?? 'auto', '--backend', BACKEND_CHOICES);
  const architecture = checkChoice(options.architecture ?? TRAIN_COMMAND_DEFAULTS.architecture, '--architecture', ARCHITECTURE_CHOICES);
  if (options.linearPath !== undefined) checkChoice(options.linearPath, '--linear-path', LINEAR_PATH_CHOICES);
  for (const [flag, sizes] of [
    ['--hidden', options.hidden],
    ['--filters', options.filters],
  ] as const) {
    if (sizes === undefined) continue;
    if (sizes.length === 0) throw new InputError(`${flag}: expected layer sizes such as 32,16`);
    sizes.forEach((h) => checkInteger(h, flag, 1, 65_536));
  }
  if (options.beta !== undefined) checkNumber(options.beta, '--beta', 0);
  if (options.warmup !== undefined) checkInteger(options.warmup, '--warmup', 0);
  if (options.freeBits !== undefined) checkNumber(options.freeBits, '--free-bits', 0);
  if (typeof options.sigma === 'number') checkNumber(options.sigma, '--sigma', 0, true);
  if (options.learningRate !== undefined) checkNumber(options.learningRate, '--learning-rate', 0, true, 10);
  if (options.patience !== undefined) checkInteger(options.patience, '--patience', 1);
  const split = checkSplit(options.split ?? TRAIN_COMMAND_DEFAULTS.split);

  if (options.data.length === 0) throw new InputError('--data: give at least one dataset (.arrow)');
  checkDistinctFiles(options.data);
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
  if (architecture === 'conv') {
    const info = await initBackend(backend);
    const conv = options.filters ? { conv: { filters: options.filters } } : {};
    assertTrainableOnBackend(resolveVaeConfig({ seriesLength: length ?? 2, encoder: architecture, decoder: architecture, ...conv }), info.backend);
  }
}
