/**
 * Command-line options for the `twokey` subcommands: Node's `util.parseArgs` in strict mode,
 * with its errors turned into one short usage message (`unknown option --x`, `--cwd needs a
 * value`) that each subcommand prints after its own name, with its usage, and exit 64.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A mistake in the command line: the subcommand prints the message and its usage, exit 64. */
export class UsageError extends Error {}

type Parsed<T extends ParseArgsConfig> = ReturnType<typeof parseArgs<T>>;

/** `parseArgs` in strict mode (its default); a bad command line throws a UsageError that says what is wrong. */
export function parseCommandLine<T extends Omit<ParseArgsConfig, 'strict'>>(config: T): Parsed<T> {
  try {
    return parseArgs(config);
  } catch (e) {
    throw toUsageError(e);
  }
}

/**
 * Options, then a command taken as it is: everything from the first word that is not an option
 * (or after `--`), even words that look like options (`twokey check rm -rf x`).
 */
export function parseWithCommandTail<T extends NonNullable<ParseArgsConfig['options']>>(
  args: string[],
  options: T,
): { values: Parsed<{ options: T; args: string[] }>['values']; tail: string[]; terminator: boolean } {
  const { tokens } = parseArgs({ args, options, strict: false, allowPositionals: true, tokens: true });
  const first = tokens.find((t) => t.kind === 'positional' || t.kind === 'option-terminator');
  const head = first ? args.slice(0, first.index) : args;
  const terminator = first?.kind === 'option-terminator';
  const tail = first ? args.slice(first.index + (terminator ? 1 : 0)) : [];
  const { values } = parseCommandLine({ args: head, options });
  return { values, tail, terminator };
}

function toUsageError(e: unknown): unknown {
  const code = (e as { code?: unknown }).code;
  if (typeof code !== 'string' || !code.startsWith('ERR_PARSE_ARGS_')) return e;
  const message = (e as Error).message;
  // Node names the offending word in quotes; keep only the word itself.
  const word = /'([^']*)'/.exec(message)?.[1]?.replace(/ <value>$/, '');
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return new UsageError(`unknown option ${word}`);
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return new UsageError(`unexpected argument '${word}'`);
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (/does not take an argument/.test(message)) return new UsageError(`${word} takes no value`);
      return new UsageError(`${word} needs a value${/ambiguous/.test(message) ? ` (write ${word}=VALUE for a value that starts with -)` : ''}`);
    default:
      return new UsageError(message.split('\n')[0]);
  }
}
