import { InputError } from '../../errors.js';
import { DESIGNS } from '../../dataset/sweep-spec.js';
import { defineCommand } from '../command.js';
import { defined, NORMALIZATION_OPTIONS, refuseIgnored, SEED_OPTION, SOLVER_OPTIONS, TIME_GRID_OPTIONS } from '../options.js';

/** `pipeline simulate`: one network, or a sweep of it when --samples, --vary or --sweep is given. */
export const simulateCommand = defineCommand({
  command: 'simulate',
  describe: 'simulate a network: print a summary, write CSV/JSON or a picture, or (with --samples/--vary/--sweep) write an Arrow dataset of a parameter sweep',
  options: {
    network: { type: 'string', demandOption: true, describe: 'built-in name (see `pipeline networks`) or a network JSON file' },
    out: { type: 'string', describe: 'output file: .csv/.json for one simulation, .arrow for a sweep; without it a summary is printed' },
    plot: { type: 'string', describe: 'one simulation: draw the observed series over time into this .svg or .png' },
    states: { type: 'boolean', describe: 'one simulation: also write every template state <template>.<state> (with --out)' },
    ...TIME_GRID_OPTIONS,
    ...SOLVER_OPTIONS,
    samples: { type: 'number', describe: 'sweep: number of samples' },
    vary: { type: 'string', array: true, describe: "sweep: 'path=min:max[:uniform|log][:levels]' (repeatable; see `pipeline sweep-paths`)" },
    sweep: { type: 'string', describe: 'sweep: a JSON file {"samples", "design", "seed", "vary": [{"path", "min", "max", "distribution", "levels"}]}' },
    design: { choices: DESIGNS, describe: 'sweep: random (default), grid or lhs (Latin hypercube)' },
    ...SEED_OPTION,
    workers: { type: 'number', describe: 'sweep: worker threads (default: one per core; 0 runs in the main thread; at most one per sample)' },
    shard: { type: 'string', describe: 'sweep: run only the i-th of n slices (i/n, 1-based) — for batch schedulers; join with `pipeline merge`' },
    progress: { type: 'boolean', describe: 'sweep: show progress (default; --no-progress to silence)' },
    ...NORMALIZATION_OPTIONS,
  },
  examples: [
    ['$0 simulate --network oscillator', 'print min/max/final, period and amplitude per strand'],
    ['$0 simulate --network my-net.json --out runs/my-net.csv --states', 'write the full trajectory'],
    ['$0 simulate --network oscillator --plot oscillator.svg', 'draw the trajectory'],
    [
      "$0 simulate --network oscillator --samples 2000 --vary 'templates[a->a].concentration=20:80:log' --vary 'parameters.exoVm=200:400' --seed 7 --out datasets/osc.arrow",
      'a sweep on every core',
    ],
  ],
  run: async (a, { output, signal }) => {
    const solver = defined({ tEnd: a.tEnd, step: a.step, solver: a.solver, rtol: a.rtol, atol: a.atol, maxSteps: a.maxSteps });
    if (a.samples !== undefined || a.vary !== undefined || a.sweep !== undefined) {
      refuseIgnored({ states: a.states, plot: a.plot }, 'apply to one simulation, not to a sweep (`pipeline inspect --plot` draws a dataset)');
      if (a.out === undefined) throw new InputError('--out: a sweep writes an Arrow dataset; give --out <file>.arrow');
      const { runSweep } = await import('../../tasks/sweep.js');
      return runSweep(
        {
          network: a.network,
          out: a.out,
          signal,
          ...solver,
          ...defined({
            samples: a.samples,
            vary: a.vary,
            sweep: a.sweep,
            design: a.design,
            seed: a.seed,
            workers: a.workers,
            shard: a.shard,
            progress: a.progress,
            strand: a.strand,
            window: a.window,
            length: a.length,
            scaling: a.scale,
          }),
        },
        output,
      );
    }
    refuseIgnored(
      {
        design: a.design,
        seed: a.seed,
        workers: a.workers,
        shard: a.shard,
        progress: a.progress,
        strand: a.strand,
        window: a.window,
        length: a.length,
        scale: a.scale,
      },
      'apply to sweeps (give --samples and --vary, or --sweep), not to one simulation',
    );
    const { runSimulate } = await import('../../tasks/simulate.js');
    return runSimulate({ network: a.network, ...solver, ...defined({ out: a.out, plot: a.plot, states: a.states }) }, output);
  },
});
