import { defineCommand } from '../command.js';
import { BACKEND_OPTION, defined, SEED_OPTION } from '../options.js';

/** `pipeline compare`: evaluate trained runs, draw the paper's figures, write a report. */
export const compareCommand = defineCommand({
  command: 'compare',
  describe:
    "evaluate trained runs (own test split, each other's data, extra datasets), draw the paper's figures 3-6 and write a report (index.html, report.md, metrics.json)",
  options: {
    ...SEED_OPTION,
    run: { type: 'string', array: true, demandOption: true, describe: 'run directory from `pipeline train` (repeatable)' },
    data: { type: 'string', array: true, describe: 'extra dataset(s) every model is evaluated on' },
    out: { type: 'string', demandOption: true, describe: 'report directory, e.g. reports/sim-vs-baseline' },
    ...BACKEND_OPTION,
  },
  examples: [['$0 compare --run runs/sim --run runs/baseline --out reports/sim-vs-baseline', '']],
  run: async (a, { output, signal }) => {
    const { runCompare } = await import('../../tasks/compare.js');
    return runCompare({ runs: a.run, out: a.out, signal, ...defined({ data: a.data, seed: a.seed, backend: a.backend }) }, output);
  },
});
