import type { Argv, CommandModule } from 'yargs';
import { InputError } from '../../errors.js';
import type { Output } from '../../io/output.js';
import { defined } from '../options.js';

/** `pipeline demo` (what `npm start` runs). */
export function demoCommand(output: Output): CommandModule {
  return {
    command: 'demo',
    describe: 'run the whole chain on a small default: sweeps, baseline, two VAEs, comparison report',
    builder: (y: Argv) =>
      y
        .option('name', { type: 'string', default: 'demo', describe: 'folder under datasets/, runs/ and reports/' })
        .option('scale', { type: 'number', default: 1, describe: 'multiply every sample count (e.g. 0.1 for a quick smoke run)' })
        .option('epochs', { type: 'number', describe: 'maximum training epochs of both VAEs (default: auto, a step budget sized to the data)' })
        .option('workers', { type: 'number', describe: 'worker threads of the sweeps (default: one per core)' })
        .option('browser-check', { type: 'boolean', default: true, describe: 'open the report in headless Chromium when installed' }),
    handler: async (argv) => {
      const a = argv as Record<string, unknown>;
      const { runDemo } = await import('../../tasks/demo.js');
      await runDemo(
        {
          ...defined({ name: a.name as string | undefined, samplesScale: a.scale as number | undefined, epochs: a.epochs as number | undefined, workers: a.workers as number | undefined }),
          browserCheck: Boolean(a.browserCheck),
        },
        output,
      );
    },
  };
}

/** `pipeline experiment`: the full-size study (5 200 traces of four networks). */
export function experimentCommand(output: Output): CommandModule {
  return {
    command: 'experiment',
    describe: 'the full-size study: sweeps of the oscillator, switch, amplifier and predator-prey (5 200 traces), one VAE with default options, its report (about 30 minutes on 2 cores)',
    builder: (y: Argv) =>
      y
        .option('name', { type: 'string', default: 'experiment', describe: 'folder under datasets/, runs/ and reports/' })
        .option('scale', { type: 'number', default: 1, describe: 'multiply every sample count' })
        .option('epochs', { type: 'number', describe: 'maximum training epochs (default: auto)' })
        .option('workers', { type: 'number', describe: 'worker threads of the sweeps (default: one per core)' })
        .option('browser-check', { type: 'boolean', default: true, describe: 'open the report in headless Chromium when installed' }),
    handler: async (argv) => {
      const a = argv as Record<string, unknown>;
      const { runExperiment } = await import('../../tasks/demo.js');
      await runExperiment(
        {
          ...defined({ name: a.name as string | undefined, samplesScale: a.scale as number | undefined, epochs: a.epochs as number | undefined, workers: a.workers as number | undefined }),
          browserCheck: Boolean(a.browserCheck),
        },
        output,
      );
    },
  };
}

/** `pipeline check-report <dir>`: open a report in headless Chromium. */
export function checkReportCommand(output: Output): CommandModule {
  return {
    command: 'check-report <dir>',
    describe: 'open a report in headless Chromium: it must render, every image must load, no console errors; saves screenshot.png beside it',
    builder: (y: Argv) => y.positional('dir', { type: 'string', describe: 'report directory' }),
    handler: async (argv) => {
      const { checkReportInBrowser } = await import('../../report/browser-check.js');
      const r = await checkReportInBrowser((argv as Record<string, unknown>).dir as string);
      output.out(`${r.title}: ${r.images.loaded}/${r.images.total} images loaded, ${r.errors.length} errors; screenshot ${r.screenshot}`);
      for (const e of r.errors) output.out(`  ${e}`);
      if (r.errors.length || r.images.loaded !== r.images.total) {
        throw new InputError(`the report does not render cleanly (${r.images.total - r.images.loaded} broken images: ${r.images.broken.join(', ') || 'none'}; ${r.errors.length} errors)`);
      }
    },
  };
}
