/**
 * Argument parsing shared by every command: node's parseArgs, with pip's spellings of the same
 * options accepted, and one-line usage errors that name the flag and suggest the closest one.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UserError } from '../errors.js';
import { didYouMean } from './did-you-mean.js';

/**
 * A usage mistake (an unknown command or option, a missing or extra argument, a bad flag
 * value): the CLI prints the message in one line and exits with code 2.
 */
export class UsageError extends UserError {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * pip's names for options a command has under another name. Only where the meaning is the same
 * and the name is free: pip's `-r/--requirement` is our `--requirements`, `-i` is `--index-url`,
 * `-f` is `--find-links`.
 */
const PIP_SPELLINGS: Readonly<Record<string, string>> = {
  '--requirement': '--requirements',
  '-i': '--index-url',
  '-f': '--find-links',
};

/** argv with pip's spellings replaced by the command's own, where the command has that option. */
function withOwnSpellings(argv: readonly string[], options: Options): string[] {
  const out: string[] = [];
  for (const [i, arg] of argv.entries()) {
    if (arg === '--') return [...out, ...argv.slice(i)];
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const own = PIP_SPELLINGS[flag];
    const known = own !== undefined && options[own.slice(2)] !== undefined && !isOption(flag, options);
    out.push(known ? `${own}${eq > 0 ? arg.slice(eq) : ''}` : arg);
  }
  return out;
}

function optionFor(flag: string, options: Options): Options[string] | undefined {
  if (flag.startsWith('--')) return options[flag.slice(2)];
  return Object.values(options).find((o) => o.short === flag.slice(1));
}

function isOption(flag: string, options: Options): boolean {
  return optionFor(flag, options) !== undefined;
}

/** The first option the command does not have, said in one line with the closest it has. */
function checkOptionsKnown(argv: readonly string[], options: Options): void {
  const names = Object.keys(options).map((name) => `--${name}`);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') return;
    if (!arg.startsWith('-') || arg === '-') continue;
    // --flag=value, and -rFILE / -abc groups (the first letter decides, as parseArgs reads them).
    const long = arg.startsWith('--');
    const flag = long ? (arg.split('=')[0] as string) : arg.slice(0, 2);
    const option = optionFor(flag, options);
    if (!option) throw new UsageError(`unknown option ${flag}${didYouMean(flag, names)}`);
    // A value in the next argument is not an option, even when it starts with a dash.
    const valueAttached = long ? arg.includes('=') : arg.length > 2;
    if (option.type === 'string' && !valueAttached) i++;
  }
}

export function parseCommandArgs<T extends Options>(
  argv: readonly string[],
  options: T,
  allowPositionals = false,
) {
  const args = withOwnSpellings(argv, options);
  checkOptionsKnown(args, options);
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (error) {
    const code = (error as { code?: string }).code;
    const message = error instanceof Error ? error.message : String(error);
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
      const arg = /'([^']*)'/.exec(message)?.[1] ?? '';
      throw new UsageError(`unexpected argument "${arg}" (options start with --)`);
    }
    // "Option '--out <value>' argument missing": already names the flag; said in our style.
    const missing = /^Option '(-\w, )?(--[\w-]+) <value>' argument missing/.exec(message);
    if (missing) throw new UsageError(`${missing[2]} needs a value`);
    throw new UsageError(message.split('\n')[0] ?? message);
  }
}
