import type { ArgumentsCamelCase, Argv, CommandModule, InferredOptionType, Options, PositionalOptions } from 'yargs';
import { InputError } from '../errors.js';
import { quietOutput, type Output } from '../io/output.js';

/** What a command's `run` gets besides its arguments. */
interface CommandContext {
  /** Where to print (already quiet when `--quiet` was given). */
  output: Output;
  /** Aborted on Ctrl-C / SIGTERM: tasks stop, remove partial outputs and throw InterruptedError. */
  signal: AbortSignal;
}

/** Options every command takes. */
const COMMON_OPTIONS = {
  quiet: { type: 'boolean', default: false, describe: 'print only results, warnings and errors (no progress)' },
} as const satisfies Record<string, Options>;

type OptionTable = Record<string, Options>;
type PositionalTable = Record<string, PositionalOptions>;

/** The parsed arguments of a command: option names as typed (kebab) and in camelCase, with their types inferred from the table. */
type CommandArgs<O extends OptionTable, P extends PositionalTable> = ArgumentsCamelCase<
  { [K in keyof O]: InferredOptionType<O[K]> } & { [K in keyof P]: InferredOptionType<P[K]> } & {
    [K in keyof typeof COMMON_OPTIONS]: InferredOptionType<(typeof COMMON_OPTIONS)[K]>;
  }
>;

/** A command: its yargs wiring and a `run` that turns the arguments into one task call. */
export interface CommandDefinition<O extends OptionTable, P extends PositionalTable> {
  /** yargs command string, e.g. `inspect <file>`. */
  command: string;
  describe: string;
  /** Positional arguments named in `command`. */
  positionals?: P;
  options?: O;
  examples?: readonly (readonly [string, string])[];
  /** Extra yargs parser settings of this command (e.g. `{ 'populate--': true }`). */
  parserConfiguration?: Record<string, boolean>;
  /** A usage line replacing yargs' own. */
  usage?: string;
  /** Builds the task's options from the arguments and runs it. */
  run(args: CommandArgs<O, P>, context: CommandContext): Promise<unknown>;
}

/** A command bound to a context: what `main` hands to yargs. */
export type Command = (context: CommandContext) => CommandModule;

/**
 * Defines a CLI command from tables of options (yargs `Options`), so the handler's argument
 * types are inferred from the same table that builds the parser: no casts, one place per flag.
 * Options that take a value require one (`--out` alone is an error, not an empty string).
 */
export function defineCommand<const O extends OptionTable = Record<never, never>, const P extends PositionalTable = Record<never, never>>(
  definition: CommandDefinition<O, P>,
): Command {
  return (context) => ({
    command: definition.command,
    describe: definition.describe,
    builder: (y: Argv) => {
      let b = definition.parserConfiguration ? y.parserConfiguration(definition.parserConfiguration) : y;
      if (definition.usage) b = b.usage(definition.usage);
      for (const [name, spec] of Object.entries(definition.positionals ?? {})) b = b.positional(name, spec);
      for (const [name, spec] of Object.entries({ ...(definition.options ?? {}), ...COMMON_OPTIONS })) {
        b = b.option(name, spec.type === 'boolean' || spec.type === 'count' ? spec : { requiresArg: true, ...spec });
      }
      for (const [example, text] of definition.examples ?? []) b = b.example(example, text);
      return b;
    },
    handler: async (argv) => {
      // `--samples 3 --samples 4` reaches us as an array: a mistake to report, not a value to pass on.
      for (const [name, spec] of Object.entries({ ...(definition.options ?? {}), ...COMMON_OPTIONS })) {
        const value: unknown = argv[name];
        // (Coerced options parse the value themselves: a repeated one reaches its parser as a list and fails there.)
        if (Array.isArray(value) && !('array' in spec && spec.array) && !('coerce' in spec))
          throw new InputError(`--${name}: given ${value.length} times (${value.join(', ')}); give it once`);
      }
      const args = argv as CommandArgs<O, P>; // the builder above declared exactly these options
      const output = args.quiet ? quietOutput(context.output) : context.output;
      await definition.run(args, { output, signal: context.signal });
    },
  });
}
