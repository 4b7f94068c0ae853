import { defineCommand } from '../command.js';
import { defined } from '../options.js';

/** `pipeline networks`: list the built-in networks, or write one as a starting file. */
export const networksCommand = defineCommand({
  command: 'networks',
  describe: 'list the built-in networks with their descriptions; --export NAME writes one as a file to start your own from',
  options: {
    export: { type: 'string', describe: 'write this built-in network as a JSON file (default name: NAME.json)' },
    out: { type: 'string', describe: 'with --export: the file to write (never over an existing file)' },
  },
  examples: [['$0 networks --export oscillator --out my-oscillator.json', 'start a network of your own from the oscillator']],
  run: async (a, { output }) => {
    const { runNetworks } = await import('../../tasks/networks.js');
    return runNetworks(defined({ export: a.export, out: a.out }), output);
  },
});

/** `pipeline validate <file>`: check a network file. */
export const validateCommand = defineCommand({
  command: 'validate <file>',
  describe: 'check a network file and report every problem with its JSON path',
  positionals: { file: { type: 'string', demandOption: true, describe: 'network JSON file (or a built-in name)' } },
  run: async (a, { output }) => {
    const { runValidate } = await import('../../tasks/networks.js');
    return runValidate({ file: a.file }, output);
  },
});
