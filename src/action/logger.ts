/** The Logger on a GitHub runner: log groups per stage, warnings/errors as file annotations. */
import * as core from '@actions/core';
import type { SourceLocation } from '../errors.js';
import type { Logger } from '../log.js';

function annotation(where?: SourceLocation): core.AnnotationProperties | undefined {
  return where ? { file: where.file, startLine: where.line } : undefined;
}

export function runnerLogger(): Logger {
  return {
    info: (message) => core.info(message),
    warn: (message, where) => core.warning(message, annotation(where)),
    error: (message, where) => core.error(message, annotation(where)),
    debug: (message) => core.debug(message),
    group: (title, work) => core.group(title, work),
  };
}
