/**
 * Spawning the measured commands through the project's process runner (own process group, hard
 * timeout): wall time from spawn to exit, and each output line stamped with its arrival time so
 * stage boundaries can be read from a tool's progress output.
 */
import { type RunResult, runProcess } from '../src/process.js';

export interface StampedLine {
  /** Milliseconds after spawn at which the line arrived. */
  readonly atMs: number;
  readonly stream: 'stdout' | 'stderr';
  readonly text: string;
}

export interface TimedRun {
  readonly command: string;
  readonly code: number | null;
  readonly wallMs: number;
  readonly lines: readonly StampedLine[];
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
}

export interface RunOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly timeoutMs: number;
}

/** Shell-like rendering of a command line, for reports and error messages. */
export function renderCommand(file: string, args: readonly string[]): string {
  const quote = (part: string): string =>
    /^[\w@%+=:,./-]+$/.test(part) ? part : `'${part.replace(/'/g, `'\\''`)}'`;
  return [file, ...args].map(quote).join(' ');
}

export async function runTimed(
  file: string,
  args: readonly string[],
  options: RunOptions,
): Promise<TimedRun> {
  const command = renderCommand(file, args);
  const started = performance.now();
  const lines: StampedLine[] = [];
  let stderr = '';
  let result: RunResult;
  try {
    result = await runProcess(file, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      timeoutMs: options.timeoutMs,
      onLine: (text, stream) => {
        lines.push({ atMs: performance.now() - started, stream, text });
        if (stream === 'stderr') stderr += `${text}\n`;
      },
    });
  } catch (error) {
    throw new Error(`cannot run ${command}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const wallMs = performance.now() - started;
  return {
    command,
    code: result.code,
    wallMs,
    lines,
    stdout: result.stdout,
    stderr,
    timedOut: result.timedOut,
  };
}

/** runTimed, failing with the command's output when it does not exit 0. */
export async function runChecked(
  file: string,
  args: readonly string[],
  options: RunOptions,
): Promise<TimedRun> {
  const run = await runTimed(file, args, options);
  if (run.code !== 0 || run.timedOut) {
    const tail = `${run.stdout}\n${run.stderr}`.trim().split('\n').slice(-40).join('\n');
    throw new Error(`${run.timedOut ? 'timed out' : `exited with ${run.code}`}: ${run.command}\n${tail}`);
  }
  return run;
}
