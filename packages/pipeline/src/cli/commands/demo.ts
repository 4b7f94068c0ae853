import { defineCommand } from '../command.js';
import { defined } from '../options.js';

/** `pipeline demo` (what `npm start` runs). */
export const demoCommand = defineCommand({
  command: 'demo',
  describe: 'run the whole chain on a small default: sweeps, baseline, two VAEs, comparison report',
  options: {
    name: { type: 'string', describe: 'folder name under datasets/, runs/ and reports/ (default demo; a name, not a path)' },
    'sample-factor': { type: 'number', describe: 'multiply every sample count (default 1; e.g. 0.1 for a quick smoke run, at least 8 samples each)' },
    epochs: { type: 'number', describe: 'training epochs of both VAEs (default 300; early stopping may end sooner)' },
    workers: { type: 'number', describe: 'worker threads of the sweeps (default: one per core)' },
    'browser-check': { type: 'boolean', describe: 'open the report in headless Chromium when installed (default; --no-browser-check to skip)' },
  },
  run: async (a, { output, signal }) => {
    const { runDemo } = await import('../../tasks/demo.js');
    return runDemo({ signal, ...defined({ name: a.name, sampleFactor: a.sampleFactor, epochs: a.epochs, workers: a.workers, browserCheck: a.browserCheck }) }, output);
  },
});

/** `pipeline check-report <dir>`: open a report in headless Chromium. */
export const checkReportCommand = defineCommand({
  command: 'check-report <dir>',
  describe: 'open a report in headless Chromium: it must render, every image must load, no console errors; saves screenshot.png beside it',
  positionals: { dir: { type: 'string', demandOption: true, describe: 'report directory' } },
  run: async (a, { output }) => {
    const { runCheckReport } = await import('../../tasks/check-report.js');
    return runCheckReport({ dir: a.dir }, output);
  },
});
