/** Runs a Python tool (pip) with its output streamed into the build log. */
import { UserError } from '../errors.js';
import type { Logger } from '../log.js';
import { runProcess } from '../process.js';

export interface PythonRun {
  readonly code: number | null;
  readonly output: string;
  readonly timedOut: boolean;
}

// Noise that says nothing about this build.
const QUIET = [/^WARNING: Running pip as the 'root' user/, /^\s*$/];
const TRACEBACK = /^\s*(?:Traceback \(most recent call last\):|ERROR: Exception:$)/;

/** Runs python with args in its own process group, streaming each output line to the log. */
export async function runPython(
  python: string,
  args: readonly string[],
  options: {
    log: Logger;
    env?: NodeJS.ProcessEnv;
    cwd?: string;
    timeoutMs: number;
    quiet?: boolean;
    /** Says each line instead of the log (pip-output.ts); the noise above is dropped first. */
    say?: (line: string) => void;
  },
): Promise<PythonRun> {
  // A Python traceback (pip's OSError on a full disk, a crash) is for debugging: the error the
  // build raises says what happened in one line, and keeps the traceback's tail when it cannot.
  let inTraceback = false;
  try {
    const result = await runProcess(python, args, {
      cwd: options.cwd,
      env: { ...(options.env ?? process.env), PYTHONUNBUFFERED: '1' },
      timeoutMs: options.timeoutMs,
      onLine: options.quiet
        ? undefined
        : (line) => {
            if (TRACEBACK.test(line)) inTraceback = true;
            if (inTraceback) options.log.debug(`  ${line}`);
            else if (QUIET.some((q) => q.test(line))) return;
            else if (options.say) options.say(line);
            else options.log.info(`  ${line}`);
          },
    });
    return { code: result.code, output: result.output, timedOut: result.timedOut };
  } catch (error) {
    throw new UserError(`cannot run ${python}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
