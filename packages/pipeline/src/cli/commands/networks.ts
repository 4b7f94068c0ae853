import type { Argv, CommandModule } from 'yargs';
import type { Output } from '../../io/output.js';
import { runNetworks, runValidate } from '../../tasks/networks.js';

/** `pipeline networks`: list the built-in networks. */
export function networksCommand(output: Output): CommandModule {
  return {
    command: 'networks',
    describe: 'list the built-in networks with their descriptions',
    handler: () => void runNetworks(output),
  };
}

/** `pipeline validate <file>`: check a network file. */
export function validateCommand(output: Output): CommandModule {
  return {
    command: 'validate <file>',
    describe: 'check a network file and report every problem with its JSON path',
    builder: (y: Argv) => y.positional('file', { type: 'string', describe: 'network JSON file (or a built-in name)' }),
    handler: (argv) => void runValidate((argv as Record<string, unknown>).file as string, output),
  };
}
