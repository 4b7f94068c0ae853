import type { Argv, CommandModule } from 'yargs';
import type { Output } from '../../io/output.js';
import { defined, withSeed } from '../options.js';

/** `pipeline compare`: evaluate trained runs, draw the paper's figures, write a report. */
export function compareCommand(output: Output): CommandModule {
  return {
    command: 'compare',
    describe: "evaluate trained runs (own test split, each other's data, extra datasets), draw the paper's figures 3-6 and write a report (index.html, report.md, metrics.json)",
    builder: (y: Argv) =>
      withSeed(y)
        .option('run', { type: 'string', array: true, demandOption: true, describe: 'run directory from `pipeline train` (repeatable)' })
        .option('data', { type: 'string', array: true, describe: 'extra dataset(s) every model is evaluated on' })
        .option('out', { type: 'string', demandOption: true, describe: 'report directory, e.g. reports/sim-vs-baseline' })
        .option('backend', { choices: ['auto', 'tensorflow', 'wasm', 'cpu'] as const, default: 'auto' as const, describe: 'TensorFlow.js backend' })
        .example('$0 compare --run runs/sim --run runs/baseline --out reports/sim-vs-baseline', ''),
    handler: async (argv) => {
      const a = argv as Record<string, unknown>;
      const { runCompare } = await import('../../tasks/compare.js');
      await runCompare(
        {
          runs: a.run as string[],
          out: a.out as string,
          ...defined({ data: a.data as string[] | undefined, seed: a.seed as number | undefined, backend: a.backend as 'auto' | 'tensorflow' | 'wasm' | 'cpu' | undefined }),
        },
        output,
      );
    },
  };
}
