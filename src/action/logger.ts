/** The Logger on a GitHub runner: log groups per stage, warnings/errors as file annotations. */
import { isAbsolute, relative } from 'node:path';
import * as core from '@actions/core';
import type { SourceLocation } from '../errors.js';
import type { Logger } from '../log.js';
import { neutraliseCommands } from './workflow-commands.js';

/** GitHub links an annotation to a file by its path relative to the workspace. */
function annotation(where?: SourceLocation): core.AnnotationProperties | undefined {
  if (!where) return undefined;
  const workspace = process.env.GITHUB_WORKSPACE;
  const inside = workspace && isAbsolute(where.file) ? relative(workspace, where.file) : undefined;
  const file = inside && !inside.startsWith('..') ? inside : where.file;
  return { file, startLine: where.line };
}

export function runnerLogger(): Logger {
  return {
    // Plain lines reach the runner's command parser as they are: pip's, the bytecode compiler's,
    // serverless's and a handler's output go through here, so none of it may run as a command.
    // (warning, error, debug and group escape their text themselves: one command, data only.)
    info: (message) => core.info(neutraliseCommands(message)),
    warn: (message, where) => core.warning(message, annotation(where)),
    error: (message, where) => core.error(message, annotation(where)),
    debug: (message) => core.debug(message),
    group: (title, work) => core.group(title, work),
  };
}
