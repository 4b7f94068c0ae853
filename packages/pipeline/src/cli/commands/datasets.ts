import type { Argv, CommandModule } from 'yargs';
import { listSweepPaths } from '../../dataset/sweep-spec.js';
import { loadNetwork } from '../../io/network-source.js';
import type { Output } from '../../io/output.js';
import { defined, parseWindow, withNormalization, withSeed } from '../options.js';

/** `pipeline baseline`: the paper's sin/sigmoid curves as a dataset. */
export function baselineCommand(output: Output): CommandModule {
  return {
    command: 'baseline',
    describe: "write the paper's sin / sigmoid / sin+sigmoid baseline as an Arrow dataset (same schema as sweeps)",
    builder: (y: Argv) =>
      withSeed(y)
        .option('samples', { type: 'number', demandOption: true, describe: 'number of curves' })
        .option('length', { type: 'number', default: 128, describe: 'points per curve (L)' })
        .option('out', { type: 'string', demandOption: true, describe: 'output dataset (.arrow)' })
        .option('families', { type: 'string', array: true, describe: 'families to draw from (default: sin sigmoid sin+sigmoid)' })
        .option('scale', { choices: ['minmax', 'zscore', 'global'] as const, describe: 'normalisation (default minmax per series)' })
        .example('$0 baseline --samples 2000 --length 128 --seed 1 --out datasets/baseline.arrow', ''),
    handler: async (argv) => {
      const a = argv as Record<string, unknown>;
      const { runBaseline } = await import('../../tasks/baseline.js');
      await runBaseline(
        {
          samples: a.samples as number,
          out: a.out as string,
          ...defined({
            length: a.length as number | undefined,
            seed: a.seed as number | undefined,
            families: a.families as string[] | undefined,
            scaling: a.scale as 'minmax' | 'zscore' | 'global' | undefined,
          }),
        },
        output,
      );
    },
  };
}

/** `pipeline normalize`: recompute the normalised series of a dataset. */
export function normalizeCommand(output: Output): CommandModule {
  return {
    command: 'normalize <input>',
    describe: 'recompute the normalised series of a dataset from its raw columns (strand, window, length, scaling)',
    builder: (y: Argv) =>
      withNormalization(y)
        .positional('input', { type: 'string', describe: 'dataset (.arrow)' })
        .option('out', { type: 'string', demandOption: true, describe: 'output dataset (.arrow; may be the input)' }),
    handler: async (argv) => {
      const a = argv as Record<string, unknown>;
      const { runNormalize } = await import('../../tasks/normalize.js');
      await runNormalize(
        {
          input: a.input as string,
          out: a.out as string,
          ...defined({
            strand: a.strand as string | undefined,
            window: parseWindow(a.window as string | undefined),
            length: a.length as number | undefined,
            scaling: a.scale as 'minmax' | 'zscore' | 'global' | undefined,
          }),
        },
        output,
      );
    },
  };
}

/** `pipeline inspect`: describe a dataset, optionally plot examples. */
export function inspectCommand(output: Output): CommandModule {
  return {
    command: 'inspect <file>',
    describe: 'rows, columns, families, outcomes and provenance of a dataset; --plot draws example traces per family',
    builder: (y: Argv) =>
      y
        .positional('file', { type: 'string', describe: 'dataset (.arrow)' })
        .option('plot', { type: 'string', describe: 'write example traces per family (figure 3) to this .svg (and a .png beside it)' }),
    handler: async (argv) => {
      const a = argv as Record<string, unknown>;
      const { runInspect } = await import('../../tasks/inspect.js');
      await runInspect(a.file as string, defined({ plot: a.plot as string | undefined }), output);
    },
  };
}

/** `pipeline merge`: join shards. */
export function mergeCommand(output: Output): CommandModule {
  return {
    command: 'merge <inputs..>',
    describe: 'join the shards of a sweep (--shard i/n) into the file one run would have written',
    builder: (y: Argv) =>
      y
        .positional('inputs', { type: 'string', array: true, describe: 'shard datasets' })
        .option('out', { type: 'string', demandOption: true, describe: 'output dataset (.arrow)' })
        .option('partial', { type: 'boolean', default: false, describe: 'write the shards given even if some are missing (otherwise: an error naming them)' }),
    handler: async (argv) => {
      const a = argv as Record<string, unknown>;
      const { runMerge } = await import('../../tasks/merge.js');
      await runMerge({ inputs: a.inputs as string[], out: a.out as string, partial: Boolean(a.partial) }, output);
    },
  };
}

/** `pipeline sweep-paths`: what a sweep may vary in a network. */
export function sweepPathsCommand(output: Output): CommandModule {
  return {
    command: 'sweep-paths',
    describe: 'list every quantity of a network a sweep may vary (--vary paths)',
    builder: (y: Argv) => y.option('network', { type: 'string', demandOption: true, describe: 'built-in name or network JSON file' }),
    handler: (argv) => {
      for (const p of listSweepPaths(loadNetwork((argv as Record<string, unknown>).network as string).network)) output.out(p);
    },
  };
}
