import type { BackendChoice } from '@penvae/vae';
import type { SolverName } from '@penvae/simulator';
import { defineCommand } from '../command.js';
import { BACKEND_OPTION, defined, NORMALIZATION_OPTIONS, parseNumberList, SEED_OPTION, SOLVER_OPTIONS, TIME_GRID_OPTIONS } from '../options.js';

/** Options of both exploring commands: the network and its quantities, the search, the simulations. */
const SEARCH_OPTIONS = {
  network: { type: 'string', demandOption: true, describe: 'built-in name (see `pipeline networks`) or a network JSON file' },
  vary: {
    type: 'string',
    array: true,
    demandOption: true,
    describe: "'path=min:max[:uniform|log]' (repeatable; see `pipeline sweep-paths`): the quantities searched, in their ranges",
  },
  budget: { type: 'number', describe: 'simulations in all (default 5000)' },
  batch: { type: 'number', describe: 'simulations per batch after the first (default 5 % of the budget, at least 20)' },
  initial: { type: 'number', describe: "simulations of the first batch: the random sweep's first samples (default 10 % of the budget)" },
  cells: { type: 'number', describe: 'cells per side of the latent grid (default 32)' },
  workers: { type: 'number', describe: 'worker threads (default: one per core; 0 runs in the main thread)' },
  ...BACKEND_OPTION,
  ...TIME_GRID_OPTIONS,
  ...SOLVER_OPTIONS,
  ...NORMALIZATION_OPTIONS,
} as const;

/** The parsed {@link SEARCH_OPTIONS} as the tasks take them (undefined ones left out). */
function searchArgs(a: {
  network: string;
  vary: string[];
  tEnd?: number | undefined;
  step?: number | undefined;
  solver?: SolverName | undefined;
  rtol?: number | undefined;
  atol?: number | undefined;
  maxSteps?: number | undefined;
  budget?: number | undefined;
  batch?: number | undefined;
  initial?: number | undefined;
  cells?: number | undefined;
  workers?: number | undefined;
  backend?: BackendChoice | undefined;
  strand?: string | undefined;
  window?: [number, number] | 'auto' | undefined;
  length?: number | undefined;
  scale?: 'minmax' | 'zscore' | 'global' | undefined;
}) {
  return {
    network: a.network,
    vary: a.vary,
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
      workers: a.workers,
      backend: a.backend,
      strand: a.strand,
      window: a.window,
      length: a.length,
      scaling: a.scale,
    }),
  };
}

/** `pipeline explore`: a quality-diversity search for the behaviours a network can show. */
export const exploreCommand = defineCommand({
  command: 'explore',
  describe:
    'search the varied quantities for every behaviour a network can show: batches of simulations alternate with training a 2-D VAE on them, and new samples are mutated from the elites of its latent grid; writes the archive (one elite per filled cell) and every simulation as datasets',
  options: {
    ...SEARCH_OPTIONS,
    out: { type: 'string', demandOption: true, describe: 'archive dataset (.arrow); every simulation goes to <name>-simulations.arrow beside it' },
    ...SEED_OPTION,
    resume: { type: 'boolean', describe: 'continue an interrupted search (its <name>.explore-state folder)' },
    progress: { type: 'boolean', describe: 'print a line per batch (default; --no-progress to silence)' },
  },
  examples: [
    [
      "$0 explore --network oscillator --vary 'templates[a->a].concentration=5:100:log' --vary 'templates[b->i].concentration=10:200:log' --vary 'parameters.exoVm=100:1000:log' --vary 'parameters.polVm=300:3000:log' --budget 5000 --out datasets/osc-explore.arrow",
      'find the oscillator behaviours over four quantities',
    ],
  ],
  run: async (a, { output, signal }) => {
    const { runExplore } = await import('../../tasks/explore.js');
    return runExplore({ ...searchArgs(a), out: a.out, signal, ...defined({ seed: a.seed, resume: a.resume, progress: a.progress }) }, output);
  },
});

/** `pipeline explore-compare`: explore against a random sweep and a Latin hypercube of the same budget. */
export const exploreCompareCommand = defineCommand({
  command: 'explore-compare',
  describe:
    'run `explore`, a random sweep and a Latin hypercube with the same budget for each seed, and write a report (HTML, PNG/SVG): cells filled against simulations, the latent map, distinct behaviours and oscillating sets per method, the search overhead',
  options: {
    ...SEARCH_OPTIONS,
    out: { type: 'string', demandOption: true, describe: 'report folder (e.g. reports/explore-osc)' },
    seeds: {
      type: 'string',
      coerce: (text: string) => parseNumberList(text, '--seeds'),
      describe: 'seeds, comma-separated: one search and one sweep of each design per seed (default 1,2,3,4,5)',
    },
  },
  examples: [
    [
      "$0 explore-compare --network oscillator --vary 'templates[a->a].concentration=5:100:log' --vary 'templates[a->b].concentration=0.05:5:log' --vary 'templates[b->i].concentration=10:200:log' --vary 'parameters.exoVm=100:1000:log' --out reports/explore-osc",
      'five seeds of 5000 simulations per method',
    ],
  ],
  run: async (a, { output, signal }) => {
    const { runExploreCompare } = await import('../../tasks/explore-compare.js');
    return runExploreCompare({ ...searchArgs(a), out: a.out, signal, ...defined({ seeds: a.seeds }) }, output);
  },
});
