#!/usr/bin/env node
/** CLI entry: `lambda-layer <command> [options]`. Thin: parse, dispatch, report errors. */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CliIO } from './cli/command.js';
import { COMMANDS } from './cli/commands.js';
import { didYouMean } from './cli/did-you-mean.js';
import { CLI_NAMING } from './cli/naming.js';
import { UsageError } from './cli/parse.js';
import { InputError } from './errors.js';
import { exitCleanlyOnSignals, interruptSignal } from './interrupt.js';
import { redactingLogger, streamLogger } from './log.js';
import { pipEnvUrls, rememberUrlSecrets } from './redact.js';
import { explainError } from './system-errors.js';
import { TOOL_NAME, TOOL_VERSION } from './version.js';

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length), 4);
  return [
    `${TOOL_NAME} ${TOOL_VERSION}: build, verify, publish and deploy Python layers for AWS Lambda`,
    '',
    `Usage: ${TOOL_NAME} <command> [options]   (${TOOL_NAME} <command> --help for its options)`,
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
  ].join('\n');
}

export async function main(argv: readonly string[], io?: Partial<CliIO>): Promise<number> {
  const verbose = argv.includes('--verbose');
  const env = io?.env ?? process.env;
  // Credentials in index URLs (--index-url URL or --index-url=URL, pip's PIP_* settings) are
  // remembered before anything runs, so every line printed after this is redacted.
  rememberUrlSecrets([...argv.flatMap((arg) => [arg, arg.slice(arg.indexOf('=') + 1)]), ...pipEnvUrls(env)]);
  const fullIO: CliIO = {
    stdout: io?.stdout ?? process.stdout,
    log: redactingLogger(io?.log ?? streamLogger({ verbose })),
    env,
    cwd: io?.cwd ?? process.cwd(),
  };
  const [name, ...rest] = argv;
  // `help build` is `build --help`.
  if (name === 'help' && rest[0] && !rest[0].startsWith('-')) return main([rest[0], '--help'], io);
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    fullIO.stdout.write(`${overview()}\n`);
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-v') {
    fullIO.stdout.write(`${TOOL_VERSION}\n`);
    return 0;
  }
  const entry = COMMANDS.find((c) => c.name === name);
  if (!entry) {
    const known = COMMANDS.map((c) => c.name);
    const what = name.startsWith('-') ? `option ${name} before a command` : `command "${name}"`;
    fullIO.log.error(
      `unknown ${what}${didYouMean(name, known)} (${TOOL_NAME} --help lists the commands: ${known.join(', ')})`,
    );
    return 2;
  }
  const command = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    fullIO.stdout.write(`${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(rest, fullIO);
  } catch (error) {
    // Stopped by Ctrl-C: the failure of the stopped step is not news; the handler says what happened.
    if (interruptSignal()) return 1;
    if (error instanceof UsageError) {
      // One line: the usage is one --help away, not 40 lines under the mistake.
      fullIO.log.error(`${error.message} (${TOOL_NAME} ${name} --help lists the options)`);
      return 2;
    }
    // One line, never a stack (that goes to --verbose): exit 1, the documented code for a problem;
    // 2 for a bad flag value (a usage error too). Inputs are named as the flags the user types.
    const explained = explainError(error, CLI_NAMING);
    if (explained.detail) fullIO.log.debug(explained.detail);
    fullIO.log.error(explained.message);
    return error instanceof InputError ? 2 : 1;
  }
}

// Run only when executed directly (bundled dist/cli.js or `tsx src/cli.ts`), not when imported by tests.
const invokedPath = process.argv[1] ? realpathSync(process.argv[1]) : '';
if (invokedPath === realpathSync(fileURLToPath(import.meta.url))) {
  exitCleanlyOnSignals((message) => process.stderr.write(`${message}\n`));
  process.exitCode = await main(process.argv.slice(2));
}
