// @ts-check
// The overhead of `pipeline explore`: how much the search (training its VAE, encoding, building
// the archive, proposing) adds to the simulations it runs, against a random sweep of the same
// budget on the same worker pool, measured in this run. Target (issue "pipeline explore"):
// training + proposal < 30 % of the simulation time at a budget of 5 000. Run `npx tsc -b`
// first (imports @penvae/pipeline from dist).
//
//   node bench/explore.js [--quick] [--budget 5000] [--seed 1]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { captureOutput, runExplore, runSweep } from '@penvae/pipeline';
import { argument, loadAverage } from './common.js';

const quick = process.argv.includes('--quick');
const BUDGET = Number(argument('--budget') ?? (quick ? 1000 : 5000));
const SEED = Number(argument('--seed') ?? 1);
// The oscillator over four quantities: the setting of the first target.
const VARY = [
  'templates[a->a].concentration=5:100:log',
  'templates[a->b].concentration=0.05:5:log',
  'templates[b->i].concentration=10:200:log',
  'parameters.exoVm=100:1000:log',
];
const dir = mkdtempSync(join(tmpdir(), 'penvae-bench-explore-'));
try {
  const load = loadAverage();
  let began = performance.now();
  const sweep = await runSweep(
    { network: 'oscillator', vary: VARY, samples: BUDGET, seed: SEED, out: join(dir, 'random.arrow'), progress: false },
    captureOutput(),
  );
  const sweepWall = (performance.now() - began) / 1000;
  began = performance.now();
  const explore = await runExplore(
    { network: 'oscillator', vary: VARY, budget: BUDGET, seed: SEED, out: join(dir, 'archive.arrow'), progress: false },
    captureOutput(),
  );
  const exploreWall = (performance.now() - began) / 1000;
  const s = explore.seconds;
  const overhead = (s.training + s.proposal) / s.simulation;
  const rows = [
    ['random sweep, wall (simulate + write)', `${sweepWall.toFixed(1)} s`],
    ['explore, wall (everything)', `${exploreWall.toFixed(1)} s  (${(exploreWall / sweepWall).toFixed(2)}x the sweep)`],
    ['  simulating (worker pool)', `${s.simulation.toFixed(1)} s  (sweep's own simulate loop: ${sweep.seconds.toFixed(1)} s)`],
    ['  training the descriptor VAE', `${s.training.toFixed(1)} s`],
    ['  encoding, archive, proposals', `${s.proposal.toFixed(2)} s`],
    ['  search overhead / simulation', `${(100 * overhead).toFixed(1)} %  (target < 30 %)`],
    ['cells filled / oscillating samples', `${explore.cells} / ${explore.labels['oscillating'] ?? 0} of ${explore.simulations}`],
    ['load average before', load],
  ];
  console.log(`explore vs random sweep: oscillator, 4 quantities, budget ${BUDGET}, seed ${SEED}`);
  for (const [k, v] of rows) console.log(`${String(k).padEnd(40)} ${v}`);
  console.log(JSON.stringify({ budget: BUDGET, sweepSeconds: sweepWall, exploreSeconds: exploreWall, ...s, overhead, cells: explore.cells }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
