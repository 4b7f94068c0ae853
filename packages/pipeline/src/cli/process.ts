/**
 * The CLI as a process: what `bin/pipeline.js` runs. Everything that touches the process
 * (signals, a closed stdout, the exit code) is here, so `main` stays a plain function.
 */
import { EXIT_CODES, InterruptedError } from '../errors.js';
import { removeOpenTemporaries } from '../io/atomic.js';
import { processOutput } from '../io/output.js';
import { main } from './main.js';

/**
 * How long a command may take to stop after Ctrl-C before the process exits anyway (partial
 * outputs are still removed): commands check the signal between samples, batches and steps,
 * so this only fires when one is stuck.
 */
const FORCED_EXIT_MS = 1000;

/**
 * Runs `pipeline` with the process's arguments and sets `process.exitCode`. SIGINT/SIGTERM
 * abort the command (a second one, or a command that does not stop within a second, exits at
 * once after removing partial outputs); a reader that closes stdout (`| head`) ends output
 * quietly.
 */
export async function runProcess(argv: string[] = process.argv.slice(2)): Promise<void> {
  const controller = new AbortController();
  const forceExit = (signal: string) => {
    removeOpenTemporaries();
    process.stderr.write(`\npipeline: interrupted (${signal}); partial outputs removed\n`);
    process.exit(EXIT_CODES.interrupted);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) return forceExit(signal);
    controller.abort(new InterruptedError(`interrupted (${signal})`));
    setTimeout(() => forceExit(signal), FORCED_EXIT_MS).unref();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // `pipeline networks | head`: a closed pipe is the reader's choice, not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
  const code = await main(argv, processOutput, { signal: controller.signal });
  // A signal that arrived while the last step ran is delivered on the next turn of the event
  // loop; without this turn the process could exit 0 with the signal never handled.
  await new Promise((resolve) => setImmediate(resolve));
  process.exitCode = code === EXIT_CODES.ok && controller.signal.aborted ? EXIT_CODES.interrupted : code;
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
}
