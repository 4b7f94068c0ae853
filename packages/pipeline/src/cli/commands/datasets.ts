import { BASELINE_FAMILIES } from '../../dataset/baseline.js';
import { DEFAULT_SERIES_LENGTH, SCALINGS } from '../../dataset/normalize.js';
import { defineCommand } from '../command.js';
import { defined, NORMALIZATION_OPTIONS, SEED_OPTION } from '../options.js';

/** `pipeline baseline`: the paper's sin/sigmoid curves as a dataset. */
export const baselineCommand = defineCommand({
  command: 'baseline',
  describe: "write the paper's sin / sigmoid / sin+sigmoid baseline as an Arrow dataset (same schema as sweeps)",
  options: {
    ...SEED_OPTION,
    samples: { type: 'number', demandOption: true, describe: 'number of curves' },
    length: { type: 'number', describe: `points per curve (L; default ${DEFAULT_SERIES_LENGTH})` },
    out: { type: 'string', demandOption: true, describe: 'output dataset (.arrow)' },
    families: { choices: BASELINE_FAMILIES, array: true, describe: 'families to draw from (default: all)' },
    scale: { choices: SCALINGS, describe: 'normalisation (default minmax per series)' },
    progress: { type: 'boolean', describe: 'show progress (default; --no-progress to silence)' },
  },
  examples: [['$0 baseline --samples 2000 --length 128 --seed 1 --out datasets/baseline.arrow', '']],
  run: async (a, { output, signal }) => {
    const { runBaseline } = await import('../../tasks/baseline.js');
    return runBaseline(
      { samples: a.samples, out: a.out, signal, ...defined({ length: a.length, seed: a.seed, families: a.families, scaling: a.scale, progress: a.progress }) },
      output,
    );
  },
});

/** `pipeline normalize`: recompute the normalised series of a dataset. */
export const normalizeCommand = defineCommand({
  command: 'normalize <input>',
  describe:
    'recompute the normalised series of a dataset from its raw columns (strand, window, length, scaling); what is not given stays as the file records it',
  positionals: { input: { type: 'string', demandOption: true, describe: 'dataset (.arrow)' } },
  options: {
    ...NORMALIZATION_OPTIONS,
    out: { type: 'string', demandOption: true, describe: 'output dataset (.arrow; may be the input)' },
  },
  run: async (a, { output, signal }) => {
    const { runNormalize } = await import('../../tasks/normalize.js');
    return runNormalize({ input: a.input, out: a.out, signal, ...defined({ strand: a.strand, window: a.window, length: a.length, scaling: a.scale }) }, output);
  },
});

/** `pipeline inspect`: describe a dataset, optionally plot examples. */
export const inspectCommand = defineCommand({
  command: 'inspect <file>',
  describe: 'rows, columns, families, outcomes and provenance of a dataset; --plot draws example traces per family',
  positionals: { file: { type: 'string', demandOption: true, describe: 'dataset (.arrow)' } },
  options: {
    plot: { type: 'string', describe: 'write example traces per family (figure 3) to this .svg (and a .png beside it)' },
  },
  run: async (a, { output }) => {
    const { runInspect } = await import('../../tasks/inspect.js');
    return runInspect({ file: a.file, ...defined({ plot: a.plot }) }, output);
  },
});

/** `pipeline merge`: join shards. */
export const mergeCommand = defineCommand({
  command: 'merge <inputs..>',
  describe: 'join the shards of a sweep (--shard i/n) into the file one run would have written',
  positionals: { inputs: { type: 'string', array: true, demandOption: true, describe: 'shard datasets, or folders of them' } },
  options: {
    out: { type: 'string', demandOption: true, describe: 'output dataset (.arrow)' },
    partial: { type: 'boolean', describe: 'write the shards given even if some are missing (otherwise: an error naming them)' },
  },
  run: async (a, { output }) => {
    const { runMerge } = await import('../../tasks/merge.js');
    return runMerge({ inputs: a.inputs, out: a.out, partial: a.partial ?? false }, output);
  },
});

/** `pipeline sweep-paths`: what a sweep may vary in a network. */
export const sweepPathsCommand = defineCommand({
  command: 'sweep-paths',
  describe: 'list every quantity of a network a sweep may vary (--vary paths) with its current value',
  options: {
    network: { type: 'string', demandOption: true, describe: 'built-in name or network JSON file' },
  },
  run: async (a, { output }) => {
    const { runSweepPaths } = await import('../../tasks/networks.js');
    return runSweepPaths({ network: a.network }, output);
  },
});
