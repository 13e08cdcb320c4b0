/** `lambda-layer invoke`: run a handler against exactly the built layer before deploying it. */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InputError } from '../errors.js';
import { parseSecondsAsMs } from '../inputs.js';
import { SAMPLE_EVENT_NAMES, type SampleEventName, sampleEvent } from '../invoke/events.js';
import { describeLambdaError, invokeHandler } from '../invoke/index.js';
import { DEFAULT_RUNTIME } from '../target.js';
import { TOOL_NAME } from '../version.js';
import { runtimeChoices } from './choices.js';
import type { CliIO, Command } from './command.js';
import { parseCommandArgs, UsageError } from './parse.js';

const usage = `Usage: ${TOOL_NAME} invoke --layer DIR|layer.zip --handler module.function [options]

Run a Lambda handler locally against exactly the built layer: the layer is placed as Lambda's
/opt, and an isolated interpreter of the runtime's Python version (no site-packages of this
machine) imports the handler from --code and calls it with the event. Prints the response
(or Lambda's error object) as JSON on stdout; the function's own output goes to stderr.

Options:
  --layer PATH          layer.zip, a build output directory, or a directory holding python/ (required)
  --handler NAME        module.function, as the function's Handler setting (required)
  --code DIR            the function code, Lambda's /var/task (default: .)
  --event FILE          event JSON file
  --event-name NAME     a sample event: ${SAMPLE_EVENT_NAMES.join(' | ')}
                        (default: an empty event {})
  --runtime NAME        Lambda runtime (default: the layer manifest's, else ${DEFAULT_RUNTIME}):
                        ${runtimeChoices()}
  --python PATH         interpreter of that runtime's Python version (default: found)
  --timeout SECONDS     function timeout (default: 30)
  --verbose             show debug output`;

async function loadEvent(cwd: string, file?: string, name?: string): Promise<unknown> {
  if (file && name) throw new UsageError('pass --event or --event-name, not both');
  if (name) {
    if (!SAMPLE_EVENT_NAMES.includes(name as SampleEventName)) {
      throw new InputError(
        'event-name',
        `"${name}" is not a sample event; choose ${SAMPLE_EVENT_NAMES.join(', ')}`,
      );
    }
    return sampleEvent(name as SampleEventName);
  }
  if (!file) return {};
  const path = resolve(cwd, file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new InputError('event', `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError('event', `${path} is not valid JSON: ${(error as Error).message}`);
  }
}

async function run(argv: readonly string[], io: CliIO): Promise<number> {
  const { values } = parseCommandArgs(argv, {
    layer: { type: 'string' },
    handler: { type: 'string' },
    code: { type: 'string' },
    event: { type: 'string' },
    'event-name': { type: 'string' },
    runtime: { type: 'string' },
    python: { type: 'string' },
    timeout: { type: 'string' },
    verbose: { type: 'boolean' },
  });
  if (!values.layer) throw new UsageError('--layer is required');
  if (!values.handler) throw new UsageError('--handler is required');
  const timeoutMs = parseSecondsAsMs('timeout', values.timeout);
  const timeout = timeoutMs === undefined ? undefined : timeoutMs / 1000;
  const result = await invokeHandler(
    {
      layer: resolve(io.cwd, values.layer),
      handler: values.handler,
      event: await loadEvent(io.cwd, values.event, values['event-name']),
      codeDir: resolve(io.cwd, values.code ?? '.'),
      runtime: values.runtime,
      python: values.python?.includes('/') ? resolve(io.cwd, values.python) : values.python,
      timeoutSeconds: timeout,
    },
    io.log,
  );
  io.stdout.write(`${JSON.stringify(result.ok ? result.response : result.error, null, 2)}\n`);
  if (!result.ok && result.error) {
    io.log.error(describeLambdaError(result.error));
    return 1;
  }
  io.log.info(
    `Returned in ${result.durationMs} ms (${result.runtime}, Python ${result.interpreter.version})`,
  );
  return 0;
}

export const invokeCommand: Command = {
  usage,
  run,
};
