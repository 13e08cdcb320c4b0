/**
 * `deploy-args` arrives as one string (an action input); it becomes an argv array with
 * shell-like quoting but no shell: nothing is expanded, substituted or executed.
 */
import { InputError } from '../errors.js';

/**
 * Splits `text` into arguments: whitespace separates; '...' keeps everything literally;
 * "..." keeps everything but lets \" and \\ escape; a backslash outside quotes escapes the next
 * character. An unterminated quote is an InputError naming `inputName`.
 */
export function splitArgs(text: string, inputName = 'deploy-args'): string[] {
  const args: string[] = [];
  let current = '';
  let inArg = false;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < text.length; i++) {
    const char = text.charAt(i);
    if (quote === "'") {
      if (char === "'") quote = undefined;
      else current += char;
      continue;
    }
    if (quote === '"') {
      if (char === '"') quote = undefined;
      else if (char === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\')) current += text.charAt(++i);
      else current += char;
      continue;
    }
    if (/\s/.test(char)) {
      if (inArg) args.push(current);
      current = '';
      inArg = false;
      continue;
    }
    inArg = true;
    if (char === "'" || char === '"') quote = char;
    else if (char === '\\' && i + 1 < text.length) current += text.charAt(++i);
    else current += char;
  }
  if (quote) throw new InputError(inputName, `unterminated ${quote} quote in: ${text}`);
  if (inArg) args.push(current);
  return args;
}

/** Options the deploy sets itself: passing them again would deploy somewhere else than reported. */
const RESERVED: Record<string, string> = {
  '--stage': 'stage',
  '-s': 'stage',
  '--region': 'region',
  '-r': 'region',
};

/** Rejects extra arguments that would contradict the stage, region or layer ARN the deploy reports. */
export function checkDeployArgs(args: readonly string[], inputName = 'deploy-args'): void {
  for (const arg of args) {
    const flag = arg.split('=')[0] ?? arg;
    const owner = RESERVED[flag];
    if (owner) {
      throw new InputError(inputName, (n) => {
        // The action says "the stage input", the CLI "--stage".
        const setting = n.name(owner) === owner ? `the ${owner} input` : n.name(owner);
        return `"${arg}" sets the ${owner}; use ${setting} instead`;
      });
    }
  }
  for (let i = 0; i < args.length; i++) {
    const value =
      args[i] === '--param' ? args[i + 1] : args[i]?.startsWith('--param=') ? args[i]?.slice(8) : undefined;
    if (value?.replace(/^["']/, '').startsWith('layerArn=')) {
      throw new InputError(inputName, `"${value}" would replace the layer ARN this run publishes`, {
        hint: 'remove it: the deploy passes --param layerArn=<the published layer version>',
      });
    }
  }
}
