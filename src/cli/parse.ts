/** Argument parsing shared by the commands: node's parseArgs with errors that name the flag. */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UserError } from '../errors.js';

/** A usage mistake: the CLI prints the message and the command's usage, exit code 2. */
export class UsageError extends UserError {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

export function parseCommandArgs<T extends Options>(
  argv: readonly string[],
  options: T,
  allowPositionals = false,
) {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals, strict: true });
  } catch (error) {
    // parseArgs messages already name the flag ("Unknown option '--foo'").
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}
