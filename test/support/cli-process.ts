/**
 * The CLI from source in a process of its own (`node --import tsx src/cli.ts`), for what only a
 * real process shows: its exact stdout and stderr, its exit code, and how it answers signals.
 * One node process (no wrapper in between), in its own process group so a test can always kill
 * whatever is left; bounded by a timeout.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = join(import.meta.dirname, '..', '..');
// By path: a bare "tsx" would be resolved from the (temporary) working directory.
const tsxLoader = pathToFileURL(join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

export interface CliRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunningCli {
  readonly child: ChildProcess;
  /** Everything written so far. */
  readonly output: () => { stdout: string; stderr: string };
  /** Resolves when the process has exited. */
  readonly done: Promise<CliRun>;
}

export interface CliOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly timeoutMs?: number;
  /** A command the CLI runs under, e.g. setpriv to run it as another user. */
  readonly wrapper?: readonly string[];
}

export function startCli(args: readonly string[], options: CliOptions): RunningCli {
  const command = [process.execPath, '--import', tsxLoader, join(root, 'src', 'cli.ts'), ...args];
  const [program, ...programArgs] = [...(options.wrapper ?? []), ...command] as [string, ...string[]];
  const child = spawn(program, programArgs, {
    cwd: options.cwd,
    env: { ...options.env, NODE_OPTIONS: '', FORCE_COLOR: '0', NO_COLOR: '1' },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const timer = setTimeout(() => {
    if (child.pid) process.kill(-child.pid, 'SIGKILL');
  }, options.timeoutMs ?? 180_000);
  const done = new Promise<CliRun>((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { child, output: () => ({ stdout, stderr }), done };
}

export function runCli(args: readonly string[], options: CliOptions): Promise<CliRun> {
  return startCli(args, options).done;
}
