import yargs from 'yargs';
import { EXIT_CODES, InputError } from '../errors.js';
import { removeOpenTemporaries } from '../io/atomic.js';
import { processOutput, type Output } from '../io/output.js';
import { PACKAGE_VERSION } from '../version.js';
import type { Command } from './command.js';
import { compareCommand } from './commands/compare.js';
import { exploreCommand, exploreCompareCommand } from './commands/explore.js';
import { baselineCommand, inspectCommand, mergeCommand, normalizeCommand, sweepPathsCommand } from './commands/datasets.js';
import { checkReportCommand, demoCommand, experimentCommand } from './commands/demo.js';
import { networksCommand, validateCommand } from './commands/networks.js';
import { simulateCommand } from './commands/simulate.js';
import { slurmCommand, slurmResubmitCommand, slurmStatusCommand } from './commands/slurm.js';
import { trainCommand } from './commands/train.js';
import { reportError } from './report-error.js';

/** Every command, in the order `--help` lists them. */
const COMMANDS: readonly Command[] = [
  simulateCommand,
  networksCommand,
  validateCommand,
  sweepPathsCommand,
  baselineCommand,
  normalizeCommand,
  inspectCommand,
  mergeCommand,
  exploreCommand,
  exploreCompareCommand,
  trainCommand,
  compareCommand,
  checkReportCommand,
  demoCommand,
  experimentCommand,
  slurmCommand,
  slurmStatusCommand,
  slurmResubmitCommand,
];

/** Options of {@link main}. */
export interface MainOptions {
  /**
   * Aborting it stops the running command (the bin aborts it on SIGINT/SIGTERM): the command
   * removes its partial outputs and main returns 130.
   */
  signal?: AbortSignal;
}

/**
 * The `pipeline` CLI. Parses `argv`, runs the command, prints errors as `pipeline: <message>`
 * (no stack trace unless PENVAE_DEBUG=1) and returns the exit code. It installs no process
 * handlers and never exits the process: tests call it in process.
 */
export async function main(argv: string[], output: Output = processOutput, options: MainOptions = {}): Promise<number> {
  const signal = options.signal ?? new AbortController().signal;
  const context = { output, signal };
  const parser = yargs(argv)
    .scriptName('pipeline')
    .usage('$0 <command> [options]\n\nPEN DNA toolbox simulator, Arrow datasets and a VAE for concentration time series.')
    .command(COMMANDS.map((make) => make(context)))
    .demandCommand(1, 'give a command (see --help)')
    .strict()
    .recommendCommands()
    .version(PACKAGE_VERSION)
    .help()
    .alias('h', 'help')
    .wrap(Math.min(110, process.stdout.columns || 100))
    .exitProcess(false)
    .fail((message, error) => {
      // Usage problems (unknown option, missing argument, a value that does not parse) are input
      // errors; exceptions from a command pass through unchanged.
      if (error && error.name !== 'YError') throw error;
      throw new InputError(`${error?.message ?? message}\nRun "pipeline --help" or "pipeline <command> --help" for usage.`);
    });
  try {
    // With a callback, yargs hands help and version text back instead of printing it.
    await parser.parseAsync(argv, {}, (_error, _argv, text) => {
      if (text) for (const line of text.split('\n')) output.out(line);
    });
  } catch (error) {
    const code = await reportError(error, (line) => output.err(line));
    if (code === EXIT_CODES.interrupted) removeOpenTemporaries();
    return code;
  }
  if (signal.aborted) {
    // Ctrl-C after the last check: the outputs were complete and are kept.
    output.err('pipeline: interrupted after the command had finished; its outputs are complete');
    return EXIT_CODES.interrupted;
  }
  return EXIT_CODES.ok;
}
