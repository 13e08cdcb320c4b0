/**
 * The small logger every stage receives. Only the action's and the CLI's implementations
 * know where the text goes (runner log commands, or stderr so `--json` stdout stays clean).
 */
import type { SourceLocation } from './errors.js';
import { redact } from './redact.js';

export interface Logger {
  info(message: string): void;
  warn(message: string, where?: SourceLocation): void;
  error(message: string, where?: SourceLocation): void;
  debug(message: string): void;
  /** Runs `work` inside a collapsible log section named `title`. */
  group<T>(title: string, work: () => Promise<T>): Promise<T>;
}

/** Writes human-readable lines to a stream (stderr by default). */
export function streamLogger(options: { verbose?: boolean; stream?: NodeJS.WritableStream } = {}): Logger {
  const stream = options.stream ?? process.stderr;
  const write = (line: string): void => {
    stream.write(`${line}\n`);
  };
  const at = (where?: SourceLocation): string =>
    where ? ` (${where.file}${where.line ? `:${where.line}` : ''})` : '';
  return {
    info: (message) => write(message),
    warn: (message, where) => write(`warning${at(where)}: ${message}`),
    error: (message, where) => write(`error${at(where)}: ${message}`),
    debug: (message) => {
      if (options.verbose) write(`debug: ${message}`);
    },
    async group(title, work) {
      write(`== ${title}`);
      return work();
    },
  };
}

/** Collects lines in memory: for tests that assert on what a stage said. */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (m) => lines.push(`info: ${m}`),
    warn: (m) => lines.push(`warn: ${m}`),
    error: (m) => lines.push(`error: ${m}`),
    debug: (m) => lines.push(`debug: ${m}`),
    async group(title, work) {
      lines.push(`group: ${title}`);
      return work();
    },
  };
}

/**
 * `inner` with every message, annotation file and group title passed through `redact`: wraps
 * each logger at the entry (CLI, action), so no stage has to remember to redact.
 */
export function redactingLogger(inner: Logger): Logger {
  const where = (location?: SourceLocation): SourceLocation | undefined =>
    location ? { ...location, file: redact(location.file) } : undefined;
  return {
    info: (message) => inner.info(redact(message)),
    warn: (message, location) => inner.warn(redact(message), where(location)),
    error: (message, location) => inner.error(redact(message), where(location)),
    debug: (message) => inner.debug(redact(message)),
    group: (title, work) => inner.group(redact(title), work),
  };
}
