/**
 * Runs one child process the way every tool this project starts (pip, python, npm, serverless) must run:
 * no shell, its own process group, output streamed line by line, a hard timeout that kills the
 * whole group (serverless and npm spawn children of their own), and the output kept for the
 * error message.
 */
import { spawn } from 'node:child_process';
import { toolEnvironment } from './child-env.js';
import { InterruptedError, interruptSignal, trackChildGroup } from './interrupt.js';

export interface RunOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /**
   * "tool" (the default): the child gets only the variables of `env` on the tool's allow-list
   * (child-env.ts), so pip and build backends never see credentials. "user": all of `env`, for
   * the user's own configuration and code (serverless.yml's `${env:NAME}`, a handler).
   */
  readonly environment?: 'tool' | 'user';
  readonly timeoutMs: number;
  /** Called with every output line (stdout and stderr interleaved as they arrive). */
  readonly onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Data written to stdin, which is then closed; stdin is closed at once when absent. */
  readonly input?: string;
  /** Piped to stdin instead of `input`, for a child fed while it runs (stdin closes at its end). */
  readonly inputStream?: NodeJS.ReadableStream;
}

export interface RunResult {
  /** Exit code, or null when the process was ended by a signal. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly timedOut: boolean;
  /** stdout and stderr interleaved, the last MAX_KEPT characters at most. */
  readonly output: string;
  readonly stdout: string;
  readonly durationMs: number;
}

/** Output kept per run: enough for Serverless's error block, bounded for a chatty deploy. */
const MAX_KEPT = 2_000_000;
/** After SIGTERM, the group gets this long to exit before SIGKILL. */
const KILL_GRACE_MS = 5_000;

// ESC [ params intermediates final (written with fromCharCode: a literal ESC in a regex trips lint).
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[ -/]*[@-~]`, 'g');

/** Removes terminal colour/cursor codes (FORCE_COLOR on CI runners makes tools emit them). */
export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}

export function runProcess(
  command: string,
  args: readonly string[],
  options: RunOptions,
): Promise<RunResult> {
  const started = Date.now();
  const interrupted = interruptSignal();
  // After Ctrl-C nothing new starts (the sdist fallback would otherwise run pip again).
  if (interrupted) return Promise.reject(new InterruptedError(interrupted));
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], {
      cwd: options.cwd,
      env:
        options.environment === 'user'
          ? (options.env ?? process.env)
          : toolEnvironment(options.env ?? process.env),
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    // Its own group never sees the terminal's Ctrl-C: src/interrupt.ts stops it instead.
    const untrack = child.pid ? trackChildGroup(child.pid) : () => undefined;
    let output = '';
    let stdout = '';
    let timedOut = false;
    const keep = (text: string, which: 'stdout' | 'stderr'): void => {
      output = (output + text).slice(-MAX_KEPT);
      if (which === 'stdout') stdout = (stdout + text).slice(-MAX_KEPT);
    };
    const partial = { stdout: '', stderr: '' };
    const feed = (which: 'stdout' | 'stderr') => (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      keep(text, which);
      // A child stopped by an interrupt prints its traceback: not news to the user.
      if (!options.onLine || interruptSignal()) return;
      const lines = (partial[which] + text).split(/\r?\n/);
      partial[which] = lines.pop() ?? '';
      for (const line of lines) options.onLine(stripAnsi(line), which);
    };
    child.stdout.on('data', feed('stdout'));
    child.stderr.on('data', feed('stderr'));
    child.stdin.on('error', () => {
      // The child may exit without reading its input.
    });
    if (options.inputStream) options.inputStream.pipe(child.stdin);
    else child.stdin.end(options.input ?? '');

    let killTimer: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid, 'SIGTERM');
      killTimer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), KILL_GRACE_MS);
    }, options.timeoutMs);

    child.on('error', (error) => {
      clearTimeout(timer);
      clearTimeout(killTimer);
      untrack();
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      clearTimeout(killTimer);
      // Grandchildren that outlived the leader (a detached server, a stuck npm) go too.
      killGroup(child.pid, 'SIGKILL');
      untrack();
      for (const which of ['stdout', 'stderr'] as const) {
        if (partial[which] && options.onLine) options.onLine(stripAnsi(partial[which]), which);
      }
      resolve({ code, signal, timedOut, output, stdout, durationMs: Date.now() - started });
    });
  });
}
