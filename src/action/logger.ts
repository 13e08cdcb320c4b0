/** The Logger on a GitHub runner: log groups per stage, warnings/errors as file annotations. */
import * as core from '@actions/core';
import type { SourceLocation } from '../errors.js';
import type { Logger } from '../log.js';
import { neutraliseCommands } from './workflow-commands.js';

function annotation(where?: SourceLocation): core.AnnotationProperties | undefined {
  return where ? { file: where.file, startLine: where.line } : undefined;
}

export function runnerLogger(): Logger {
  return {
    // Plain lines reach the runner's command parser as they are: pip's, compileall's,
    // serverless's and a handler's output go through here, so none of it may run as a command.
    // (warning, error, debug and group escape their text themselves: one command, data only.)
    info: (message) => core.info(neutraliseCommands(message)),
    warn: (message, where) => core.warning(message, annotation(where)),
    error: (message, where) => core.error(message, annotation(where)),
    debug: (message) => core.debug(message),
    group: (title, work) => core.group(title, work),
  };
}
