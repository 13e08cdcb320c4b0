/**
 * The interpreters that compile a layer's sources (compile_pycs.py, one per core), fed while
 * they run: the bytecode stage hands them every source at once, and on the wheels path the
 * install stage hands them each wheel's sources as soon as its files are written, so compiling
 * (CPU) overlaps unpacking (mostly the file system creating thousands of files). Each source
 * goes to the interpreter with the fewest bytes queued so far: given largest first, that is the
 * classic longest-processing-time split.
 */
import { availableParallelism } from 'node:os';
import { PassThrough } from 'node:stream';
import type { Logger } from '../log.js';
import { type RunResult, runProcess } from '../process.js';
import { programPath } from '../programs.js';
import { isInPackageTests } from './package-tests.js';

/** Where Lambda mounts a layer's python/ directory: tracebacks should show these paths. */
export const LAMBDA_PYTHON_DIR = '/opt/python';

const COMPILE_TIMEOUT_MS = 15 * 60_000;

/** A source to compile: its path relative to python/ ('/'-separated) and its size. */
export interface Source {
  readonly relative: string;
  readonly bytes: number;
}

export interface CompileFailure {
  readonly path: string;
  readonly error: string;
}

export interface CompilePool {
  /** Queues sources; their pycs are written as the interpreters get to them. */
  add(sources: readonly Source[]): void;
  /** Waits for every source queued; returns those that did not compile, with Python's reason. */
  finish(): Promise<CompileFailure[]>;
}

/**
 * The environment the interpreters run in. PYTHONHASHSEED=0 makes the pycs reproducible:
 * without it string hashing is randomized per process, and the order in which marshal writes a
 * frozenset constant (`x in {"a", "b"}`) changes from run to run. Variables that would change
 * where or what is written (PYTHONPYCACHEPREFIX, PYTHONOPTIMIZE, ...) are dropped. We cannot use
 * -I/-E instead: they would make the interpreter ignore PYTHONHASHSEED too.
 */
function compileEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const clean: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(env)) {
    if (!key.startsWith('PYTHON')) clean[key] = value;
  }
  clean.PYTHONHASHSEED = '0';
  return clean;
}

/**
 * Starts `processes` interpreters (default: one per core) compiling sources under `pythonDir`
 * for /opt/python/<path>, exactly as compileall would (compile_pycs.py says how).
 */
export function startCompilePool(
  interpreter: string,
  pythonDir: string,
  env: NodeJS.ProcessEnv,
  log: Logger,
  processes = availableParallelism(),
): CompilePool {
  const args = ['-s', programPath('layer/compile_pycs.py'), pythonDir, LAMBDA_PYTHON_DIR];
  log.debug(`${interpreter} ${args.join(' ')} (sources on stdin, ${processes} processes)`);
  const workers = Array.from({ length: Math.max(1, processes) }, () => {
    const input = new PassThrough();
    // Each runs in its own process group: a timeout or an interrupt takes it down.
    const run = runProcess(interpreter, args, {
      env: compileEnv(env),
      timeoutMs: COMPILE_TIMEOUT_MS,
      inputStream: input,
    });
    // Awaited in finish(); until then a failure to start must not be an unhandled rejection.
    run.catch(() => undefined);
    return { input, run, queued: 0 };
  });
  let finished = false;
  return {
    add(sources) {
      if (finished) throw new Error('compile pool: add() after finish()');
      for (const source of sources) {
        const least = workers.reduce((min, w) => (w.queued < min.queued ? w : min));
        least.input.write(`${source.relative}\n`);
        least.queued += Math.max(1, source.bytes);
      }
    },
    async finish() {
      finished = true;
      for (const worker of workers) worker.input.end();
      const failed: CompileFailure[] = [];
      for (const worker of workers) {
        const run: RunResult = await worker.run;
        if (run.code !== 0) {
          throw new Error(
            `${interpreter} ${args.join(' ')} ${run.timedOut ? 'timed out' : `exited with ${run.code ?? run.signal}`}:\n${run.output}`,
          );
        }
        for (const line of run.stdout.split('\n')) {
          if (line.trim()) failed.push(JSON.parse(line) as CompileFailure);
        }
      }
      return failed;
    },
  };
}

/**
 * Whether the layer ships bytecode for a file under python/: a source compileall would compile
 * (not in a __pycache__), unless it belongs to a package's test suite.
 */
export function isCompiledSource(relative: string): boolean {
  return (
    relative.endsWith('.py') && !relative.split('/').includes('__pycache__') && !isInPackageTests(relative)
  );
}
