/**
 * The log tail Lambda returns for `Invoke` with `LogType: Tail` (the last 4 KB of the
 * invocation's log, base64 in X-Amz-Log-Result) and the figures of its REPORT line:
 *   REPORT RequestId: 8f5...\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 1024 MB\t
 *   Max Memory Used: 56 MB\tInit Duration: 234.56 ms[\tStatus: timeout]
 */

export interface LambdaReport {
  readonly durationMs: number;
  readonly billedDurationMs?: number;
  readonly memorySizeMb?: number;
  readonly maxMemoryUsedMb?: number;
  /** Present on a cold start. */
  readonly initDurationMs?: number;
  /** "timeout", "error" on some failures; absent on success. */
  readonly status?: string;
}

/** Decodes X-Amz-Log-Result (base64 UTF-8); undefined stays undefined. */
export function decodeLogResult(logResult: string | undefined): string | undefined {
  if (logResult === undefined) return undefined;
  return Buffer.from(logResult, 'base64').toString('utf8');
}

function figure(line: string, label: string): number | undefined {
  const match = new RegExp(`${label}:\\s*([0-9.]+)`).exec(line);
  return match?.[1] ? Number(match[1]) : undefined;
}

/** The last REPORT line of a log tail, or undefined when the tail holds none (it was cut, or absent). */
export function parseReportLine(tail: string | undefined): LambdaReport | undefined {
  const line = (tail ?? '')
    .split(/\r?\n/)
    .reverse()
    .find((l) => l.startsWith('REPORT RequestId:'));
  if (!line) return undefined;
  // "Billed Duration" and "Init Duration" also end in "Duration": match the plain one at a field start.
  const duration = /(?:^|\t|\s)Duration:\s*([0-9.]+)/.exec(line.replace(/(Billed|Init) Duration/g, ''));
  if (!duration?.[1]) return undefined;
  const status = /Status:\s*(\S+)/.exec(line)?.[1];
  return {
    durationMs: Number(duration[1]),
    billedDurationMs: figure(line, 'Billed Duration'),
    memorySizeMb: figure(line, 'Memory Size'),
    maxMemoryUsedMb: figure(line, 'Max Memory Used'),
    initDurationMs: figure(line, 'Init Duration'),
    ...(status ? { status } : {}),
  };
}

/** The tail without Lambda's START/END/REPORT bookkeeping, for a message: what the function said. */
export function functionOutput(tail: string | undefined, maxLines = 30): string {
  const lines = (tail ?? '')
    .split(/\r?\n/)
    .filter((l) => l.trim() && !/^(START|END|REPORT|INIT_START|INIT_REPORT) /.test(l));
  return lines.slice(-maxLines).join('\n');
}
