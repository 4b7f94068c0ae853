import { defineCommand } from '../command.js';
import { defined } from '../options.js';

/** A study command (`demo`, `experiment`): the same options, another plan. */
function studyCommand(command: 'demo' | 'experiment', describe: string) {
  return defineCommand({
    command,
    describe,
    options: {
      name: { type: 'string', describe: `folder name under datasets/, runs/ and reports/ (default ${command}; a name, not a path)` },
      'sample-factor': { type: 'number', describe: 'multiply every sample count (default 1; e.g. 0.1 for a quick smoke run, at least 8 samples each)' },
      epochs: { type: 'number', describe: 'maximum training epochs of every model (default: auto, a step budget sized to the data)' },
      workers: { type: 'number', describe: 'worker threads of the sweeps (default: one per core)' },
      'browser-check': { type: 'boolean', describe: 'open the report in headless Chromium when installed (default; --no-browser-check to skip)' },
    },
    run: async (a, { output, signal }) => {
      const { runDemo, runExperiment } = await import('../../tasks/demo.js');
      const options = {
        signal,
        ...defined({ name: a.name, sampleFactor: a.sampleFactor, epochs: a.epochs, workers: a.workers, browserCheck: a.browserCheck }),
      };
      return command === 'demo' ? runDemo(options, output) : runExperiment(options, output);
    },
  });
}

/** `pipeline demo` (what `npm start` runs). */
export const demoCommand = studyCommand('demo', 'run the whole chain on a small default: sweeps, baseline, two VAEs, comparison report');

/** `pipeline experiment`: the full-size study (5 200 traces of four networks). */
export const experimentCommand = studyCommand(
  'experiment',
  'the full-size study: sweeps of the oscillator, switch, amplifier and predator-prey (5 200 traces), one VAE with default options, its report (about 30 minutes on 2 cores)',
);

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
