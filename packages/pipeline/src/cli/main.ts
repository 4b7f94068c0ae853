import yargs from 'yargs';
import { SimulatorError } from '@penvae/simulator';
import { EXIT_CODES, InputError, NumericalError, PipelineError } from '../errors.js';
import { removeOpenTemporaries } from '../io/atomic.js';
import { processOutput, type Output } from '../io/output.js';
import { PACKAGE_VERSION } from '../version.js';
import { networksCommand, validateCommand } from './commands/networks.js';
import { baselineCommand, inspectCommand, mergeCommand, normalizeCommand, sweepPathsCommand } from './commands/datasets.js';
import { simulateCommand } from './commands/simulate.js';
import { trainCommand } from './commands/train.js';
import { compareCommand } from './commands/compare.js';
import { checkReportCommand, demoCommand, experimentCommand } from './commands/demo.js';
import { slurmCommand, slurmResubmitCommand, slurmStatusCommand } from './commands/slurm.js';

/** Maps an error to the CLI's exit code (see {@link EXIT_CODES}). */
export function exitCodeFor(error: unknown): number {
  if (error instanceof NumericalError) return EXIT_CODES.numerical;
  if (error instanceof PipelineError || error instanceof SimulatorError) return EXIT_CODES.input;
  // Errors of @penvae/vae (config, data, model format, backend) are all about the user's input.
  if (error instanceof Error && /^(Vae|ModelFormat|Backend)\w*Error$/.test(error.name)) return EXIT_CODES.input;
  return EXIT_CODES.internal;
}

let signalsInstalled = false;

/**
 * Deletes temporaries still being written when the process is interrupted, so an interrupted
 * run leaves nothing under a final name (nor, after SIGINT/SIGTERM, a temporary).
 */
function installSignalHandlers(output: Output): void {
  if (signalsInstalled) return;
  signalsInstalled = true;
  // `pipeline networks | head`: a closed pipe is the reader's choice, not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(EXIT_CODES.ok);
    throw error;
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      removeOpenTemporaries();
      output.err(`\npipeline: interrupted (${signal}); partial outputs removed`);
      process.exit(EXIT_CODES.interrupted);
    });
  }
}

/**
 * The `pipeline` CLI. Parses `argv`, runs the command, prints errors as `pipeline: <message>`
 * (no stack trace unless PENVAE_DEBUG=1) and returns the exit code.
 */
export async function main(argv: string[], output: Output = processOutput): Promise<number> {
  installSignalHandlers(output);
  const commands = [
    simulateCommand, networksCommand, validateCommand, sweepPathsCommand, baselineCommand, normalizeCommand, inspectCommand,
    mergeCommand, trainCommand, compareCommand, checkReportCommand, demoCommand, experimentCommand, slurmCommand, slurmStatusCommand, slurmResubmitCommand,
  ].map((make) => make(output));
  const parser = yargs(argv)
    .scriptName('pipeline')
    .usage('$0 <command> [options]\n\nPEN DNA toolbox simulator, Arrow datasets and a VAE for concentration time series.')
    .command(commands)
    .demandCommand(1, 'give a command (see --help)')
    .strict()
    .recommendCommands()
    .version(PACKAGE_VERSION)
    .help()
    .alias('h', 'help')
    .wrap(Math.min(110, process.stdout.columns || 100))
    .exitProcess(false)
    .fail((message, error) => {
      // Usage problems (unknown option, missing argument) are input errors; exceptions from a
      // command pass through unchanged.
      throw error ?? new InputError(`${message}\nRun "pipeline --help" or "pipeline <command> --help" for usage.`);
    });
  try {
    await parser.parseAsync();
    return EXIT_CODES.ok;
  } catch (error) {
    const code = exitCodeFor(error);
    const message = error instanceof Error ? error.message : String(error);
    if (code === EXIT_CODES.internal) {
      output.err(`pipeline: internal error: ${message}`);
      if (process.env.PENVAE_DEBUG === '1' && error instanceof Error && error.stack) output.err(error.stack);
      else output.err('(this is a bug; run with PENVAE_DEBUG=1 for the stack trace and report it)');
    } else {
      for (const line of message.split('\n')) output.err(`pipeline: ${line}`);
    }
    return code;
  }
}
