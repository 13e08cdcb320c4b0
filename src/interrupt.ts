/**
 * What an interrupt (Ctrl-C, `kill`, a cancelled GitHub job: SIGINT, then SIGTERM) must undo.
 * Children run in process groups of their own (src/process.ts), so the terminal's SIGINT never
 * reaches them; and temp folders are removed in `finally` blocks that a signal never runs.
 * Both register here while they exist; on the first SIGINT/SIGTERM the handler stops every
 * child group, removes every registered path, and exits 130 / 143.
 */
import { rmdirSync, rmSync } from 'node:fs';

/** pip and the bytecode compilers clean up their own temp files on SIGINT (KeyboardInterrupt); they get this long. */
const CHILD_GRACE_MS = 3_000;
/** The runner sends SIGTERM 7.5 s after SIGINT and then kills: everything must be done before. */

const EXIT_CODES: Readonly<Record<string, number>> = { SIGINT: 130, SIGTERM: 143 };

interface ChildGroup {
  readonly pid: number;
  exited: boolean;
}

const children = new Set<ChildGroup>();
/** Paths in registration order; removed newest first (a temp dir before the folder holding it). */
const paths: { path: string; kind: 'tree' | 'empty-dir' }[] = [];
let interruptedBy: NodeJS.Signals | undefined;

/** The signal that interrupted this process, once one has. */
export function interruptSignal(): NodeJS.Signals | undefined {
  return interruptedBy;
}

/** An error for work that would start after an interrupt (a new child, a next stage). */
export class InterruptedError extends Error {
  constructor(readonly signal: NodeJS.Signals) {
    super(`interrupted by ${signal}`);
    this.name = 'InterruptedError';
  }
}

/** Registers a running child's process group; call the result when it has exited. */
export function trackChildGroup(pid: number): () => void {
  const entry: ChildGroup = { pid, exited: false };
  children.add(entry);
  return () => {
    entry.exited = true;
    children.delete(entry);
  };
}

/**
 * Registers a path to remove on interrupt: `tree` is removed with its contents, `empty-dir` only
 * when empty (a folder this run created for outputs). Call the result once the path is gone or
 * is kept on purpose.
 */
export function removeOnInterrupt(path: string, kind: 'tree' | 'empty-dir' = 'tree'): () => void {
  const entry = { path, kind };
  paths.push(entry);
  return () => {
    const at = paths.indexOf(entry);
    if (at >= 0) paths.splice(at, 1);
  };
}

function signalGroups(signal: NodeJS.Signals): void {
  for (const child of children) {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // Already gone.
    }
  }
}

function removeRegisteredPaths(): void {
  for (const { path, kind } of [...paths].reverse()) {
    try {
      if (kind === 'tree') rmSync(path, { recursive: true, force: true });
      else rmdirSync(path);
    } catch {
      // Not empty (the user's files) or already gone: leave it.
    }
  }
  paths.length = 0;
}

async function waitForChildren(ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (children.size > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
}

/**
 * Stops the children, removes the registered paths and returns the exit code for `signal`.
 * Exposed for the handler and for tests; a second call does nothing more.
 */
export async function stopForSignal(signal: NodeJS.Signals): Promise<number> {
  if (!interruptedBy) {
    interruptedBy = signal;
    // SIGINT first: pip turns it into KeyboardInterrupt and removes its own temp folders.
    signalGroups('SIGINT');
    await waitForChildren(CHILD_GRACE_MS);
    signalGroups('SIGKILL');
    removeRegisteredPaths();
  }
  return EXIT_CODES[signal] ?? 1;
}

let installed = false;

/**
 * Makes SIGINT and SIGTERM stop the children, remove temp files and exit 130 / 143. `say`
 * prints the one line explaining it (stderr for the CLI, the runner log for the action).
 */
export function exitCleanlyOnSignals(say: (message: string) => void): void {
  if (installed) return;
  installed = true;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (interruptedBy) return; // the second Ctrl-C or the runner's SIGTERM: already stopping
      const running = children.size;
      void stopForSignal(signal).then((code) => {
        say(
          `interrupted by ${signal}: stopped ${running} running ${running === 1 ? 'process' : 'processes'} and removed the temporary files; outputs from earlier runs are unchanged`,
        );
        process.exit(code);
      });
    });
  }
}
