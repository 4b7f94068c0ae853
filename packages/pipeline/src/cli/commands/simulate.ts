import type { Argv, CommandModule } from 'yargs';
import type { SolverName } from '@penvae/simulator';
import type { Output } from '../../io/output.js';
import { DESIGNS, type Design } from '../../dataset/sweep-spec.js';
import { defined, parseWindow, withNormalization, withSeed, withSolver, withTimeGrid } from '../options.js';

/** `pipeline simulate`: one network, or a sweep of it when --samples or --sweep is given. */
export function simulateCommand(output: Output): CommandModule {
  return {
    command: 'simulate',
    describe: 'simulate a network: print a summary, write CSV/JSON, or (with --samples/--sweep) write an Arrow dataset of a parameter sweep',
    builder: (y: Argv) =>
      withNormalization(withSeed(withSolver(withTimeGrid(y))))
        .option('network', { type: 'string', demandOption: true, describe: 'built-in name (see `pipeline networks`) or a network JSON file' })
        .option('out', { type: 'string', describe: 'output file: .csv/.json for one simulation, .arrow for a sweep; without it a summary is printed' })
        .option('states', { type: 'boolean', default: false, describe: 'one simulation: also write every template state <template>.<state>' })
        .option('samples', { type: 'number', describe: 'sweep: number of samples' })
        .option('vary', { type: 'string', array: true, describe: "sweep: 'path=min:max[:uniform|log][:levels]' (repeatable; see `pipeline sweep-paths`)" })
        .option('sweep', { type: 'string', describe: 'sweep: a JSON file {"samples", "design", "seed", "vary": [{"path", "min", "max", "distribution", "levels"}]}' })
        .option('design', { choices: DESIGNS, describe: 'sweep: random (default), grid or lhs (Latin hypercube)' })
        .option('workers', { type: 'number', describe: 'sweep: worker threads (default: one per core; 0 runs in the main thread)' })
        .option('shard', { type: 'string', describe: 'sweep: run only the i-th of n slices (i/n, 1-based) — for batch schedulers; join with `pipeline merge`' })
        .option('max-steps', { type: 'number', describe: 'sweep: step budget per simulation (default 200000)' })
        .option('progress', { type: 'boolean', default: true, describe: 'sweep: show progress (--no-progress to silence)' })
        .example('$0 simulate --network oscillator', 'print min/max/final, period and amplitude per strand')
        .example('$0 simulate --network my-net.json --out runs/my-net.csv --states', 'write the full trajectory')
        .example("$0 simulate --network oscillator --samples 2000 --vary 'templates[a->a].concentration=20:80:log' --vary 'parameters.exoVm=200:400' --seed 7 --out datasets/osc.arrow", 'a sweep on every core'),
    handler: async (argv) => {
      const a = argv as Record<string, unknown>;
      const common = defined({
        tEnd: a.tEnd as number | undefined,
        step: a.step as number | undefined,
        solver: a.solver as SolverName | undefined,
        rtol: a.rtol as number | undefined,
        atol: a.atol as number | undefined,
      });
      if (a.samples !== undefined || a.sweep !== undefined || a.vary !== undefined) {
        const { runSweep } = await import('../../tasks/sweep.js');
        await runSweep(
          {
            network: a.network as string,
            out: (a.out as string | undefined) ?? '',
            ...common,
            ...defined({
              samples: a.samples as number | undefined,
              vary: a.vary as string[] | undefined,
              sweep: a.sweep as string | undefined,
              design: a.design as Design | undefined,
              seed: a.seed as number | undefined,
              workers: a.workers as number | undefined,
              shard: a.shard as string | undefined,
              maxSteps: a.maxSteps as number | undefined,
              strand: a.strand as string | undefined,
              window: parseWindow(a.window as string | undefined),
              length: a.length as number | undefined,
              scaling: a.scale as 'minmax' | 'zscore' | 'global' | undefined,
            }),
            progress: Boolean(a.progress),
          },
          output,
        );
        return;
      }
      const { runSimulate } = await import('../../tasks/simulate.js');
      runSimulate({ network: a.network as string, ...common, ...defined({ out: a.out as string | undefined }), states: Boolean(a.states) }, output);
    },
  };
}
