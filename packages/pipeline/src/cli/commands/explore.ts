import { defineCommand } from '../command.js';
import { BACKEND_OPTION, defined, NORMALIZATION_OPTIONS, parseNumberList, SEED_OPTION, SOLVER_OPTIONS, TIME_GRID_OPTIONS } from '../options.js';

/** `pipeline explore`: a quality-diversity search for the behaviours a network can show. */
export const exploreCommand = defineCommand({
  command: 'explore',
  describe:
    'search the varied quantities for every behaviour a network can show: batches of simulations alternate with training a 2-D VAE on them, and new samples are mutated from the elites of its latent grid; writes the archive (one elite per filled cell) and every simulation as datasets',
  options: {
    network: { type: 'string', demandOption: true, describe: 'built-in name (see `pipeline networks`) or a network JSON file' },
    vary: {
      type: 'string',
      array: true,
      demandOption: true,
      describe: "'path=min:max[:uniform|log]' (repeatable; see `pipeline sweep-paths`): the quantities searched, in their ranges",
    },
    out: { type: 'string', demandOption: true, describe: 'archive dataset (.arrow); every simulation goes to <name>-simulations.arrow beside it' },
    budget: { type: 'number', describe: 'simulations in all (default 5000)' },
    batch: { type: 'number', describe: 'simulations per batch after the first (default 5 % of the budget, at least 20)' },
    initial: { type: 'number', describe: "simulations of the first batch: the random sweep's first samples (default 10 % of the budget)" },
    cells: { type: 'number', describe: 'cells per side of the latent grid (default 32)' },
    ...SEED_OPTION,
    workers: { type: 'number', describe: 'worker threads (default: one per core; 0 runs in the main thread)' },
    resume: { type: 'boolean', describe: 'continue an interrupted search (its <name>.explore-state folder)' },
    progress: { type: 'boolean', describe: 'print a line per batch (default; --no-progress to silence)' },
    ...BACKEND_OPTION,
    ...TIME_GRID_OPTIONS,
    ...SOLVER_OPTIONS,
    ...NORMALIZATION_OPTIONS,
  },
  examples: [
    [
      "$0 explore --network oscillator --vary 'templates[a->a].concentration=5:100:log' --vary 'templates[b->i].concentration=10:200:log' --vary 'parameters.exoVm=100:1000:log' --vary 'parameters.polVm=300:3000:log' --budget 5000 --out datasets/osc-explore.arrow",
      'find the oscillator behaviours over four quantities',
    ],
  ],
  run: async (a, { output, signal }) => {
    const { runExplore } = await import('../../tasks/explore.js');
    return runExplore(
      {
        network: a.network,
        vary: a.vary,
        out: a.out,
        signal,
        ...defined({
          tEnd: a.tEnd,
          step: a.step,
          solver: a.solver,
          rtol: a.rtol,
          atol: a.atol,
          maxSteps: a.maxSteps,
          budget: a.budget,
          batch: a.batch,
          initial: a.initial,
          cells: a.cells,
          seed: a.seed,
          workers: a.workers,
          resume: a.resume,
          progress: a.progress,
          backend: a.backend,
          strand: a.strand,
          window: a.window,
          length: a.length,
          scaling: a.scale,
        }),
      },
      output,
    );
  },
});

/** `pipeline explore-compare`: explore against a random sweep and a Latin hypercube of the same budget. */
export const exploreCompareCommand = defineCommand({
  command: 'explore-compare',
  describe:
    'run `explore`, a random sweep and a Latin hypercube with the same budget for each seed, and write a report (HTML, PNG/SVG): cells filled against simulations, the latent map, distinct behaviours and oscillating sets per method, the search overhead',
  options: {
    network: { type: 'string', demandOption: true, describe: 'built-in name (see `pipeline networks`) or a network JSON file' },
    vary: { type: 'string', array: true, demandOption: true, describe: "'path=min:max[:uniform|log]' (repeatable): the quantities, as for explore" },
    out: { type: 'string', demandOption: true, describe: 'report folder (e.g. reports/explore-osc)' },
    seeds: {
      type: 'string',
      coerce: (text: string) => parseNumberList(text, '--seeds'),
      describe: 'seeds, comma-separated: one search and one sweep of each design per seed (default 1,2,3,4,5)',
    },
    budget: { type: 'number', describe: 'simulations per run (default 5000)' },
    batch: { type: 'number', describe: 'explore: simulations per batch after the first (default 5 % of the budget)' },
    initial: { type: 'number', describe: 'explore: simulations of the first, random batch (default 10 % of the budget)' },
    cells: { type: 'number', describe: 'cells per side of the latent grids (default 32)' },
    workers: { type: 'number', describe: 'worker threads (default: one per core; 0 runs in the main thread)' },
    ...BACKEND_OPTION,
    ...TIME_GRID_OPTIONS,
    ...SOLVER_OPTIONS,
    ...NORMALIZATION_OPTIONS,
  },
  examples: [
    [
      "$0 explore-compare --network oscillator --vary 'templates[a->a].concentration=5:100:log' --vary 'templates[a->b].concentration=0.05:5:log' --vary 'templates[b->i].concentration=10:200:log' --vary 'parameters.exoVm=100:1000:log' --out reports/explore-osc",
      'five seeds of 5000 simulations per method',
    ],
  ],
  run: async (a, { output, signal }) => {
    const { runExploreCompare } = await import('../../tasks/explore-compare.js');
    return runExploreCompare(
      {
        network: a.network,
        vary: a.vary,
        out: a.out,
        signal,
        ...defined({
          seeds: a.seeds,
          tEnd: a.tEnd,
          step: a.step,
          solver: a.solver,
          rtol: a.rtol,
          atol: a.atol,
          maxSteps: a.maxSteps,
          budget: a.budget,
          batch: a.batch,
          initial: a.initial,
          cells: a.cells,
          workers: a.workers,
          backend: a.backend,
          strand: a.strand,
          window: a.window,
          length: a.length,
          scaling: a.scale,
        }),
      },
      output,
    );
  },
});
