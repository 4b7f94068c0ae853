import type { Argv, CommandModule } from 'yargs';
import type { Output } from '../../io/output.js';
import { runSimulate } from '../../tasks/simulate.js';
import { defined, withSolver, withTimeGrid } from '../options.js';

/** `pipeline simulate`: one network (a sweep when --samples or --sweep is given). */
export function simulateCommand(output: Output): CommandModule {
  return {
    command: 'simulate',
    describe: 'simulate a network (built-in name or JSON file); with --out write CSV/JSON, else print a summary',
    builder: (y: Argv) =>
      withSolver(withTimeGrid(y))
        .option('network', { type: 'string', demandOption: true, describe: 'built-in name (see `pipeline networks`) or a network JSON file' })
        .option('out', { type: 'string', describe: 'output file (.csv or .json); without it a summary is printed' })
        .option('states', { type: 'boolean', default: false, describe: 'also write every template state <template>.<state>' })
        .example('$0 simulate --network oscillator', 'print min/max/final, period and amplitude per strand')
        .example('$0 simulate --network my-net.json --out runs/my-net.csv --states', 'write the full trajectory'),
    handler: (argv) => {
      const a = argv as Record<string, unknown>;
      runSimulate(
        {
          network: a.network as string,
          ...defined({
            out: a.out as string | undefined,
            tEnd: a.tEnd as number | undefined,
            step: a.step as number | undefined,
            solver: a.solver as 'rosenbrock' | 'odex' | undefined,
            rtol: a.rtol as number | undefined,
            atol: a.atol as number | undefined,
          }),
          states: Boolean(a.states),
        },
        output,
      );
    },
  };
}
