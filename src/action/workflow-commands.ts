/**
 * Keeps text we print on a runner from being executed as a workflow command. The runner reads
 * a line as a command when it starts with "::" after leading whitespace is trimmed, or (the
 * legacy form) contains "##[" anywhere, so indenting child output does not help. Such text is
 * wrapped in `::stop-commands::TOKEN` ... `::TOKEN::` (the toolkit's own mechanism) with a
 * random token the text cannot know, so it cannot end the block early.
 */
import { randomBytes } from 'node:crypto';

/** True when the runner could read one of the lines of `text` as a command. */
export function mayBeCommand(text: string): boolean {
  return text.split(/\r\n|\r|\n/).some((line) => line.trimStart().startsWith('::') || line.includes('##['));
}

/** `text` as it can be printed safely: unchanged, or inside a stop-commands block. */
export function neutraliseCommands(text: string, token = randomBytes(16).toString('hex')): string {
  if (!mayBeCommand(text)) return text;
  return `::stop-commands::${token}\n${text}\n::${token}::`;
}
