/**
 * Bytecode compiled while the wheels unpack. Unpacking is mostly the file system creating
 * thousands of files (the CPU waits), compiling is CPU: on the wheels path the install stage
 * hands each wheel's sources to a compile pool (./compile-pool.ts) as soon as its files are
 * written, and the bytecode stage only waits for the pool, keeps its pycs and compiles what is
 * left. Only when nothing changes the tree between the two stages (no --slim) and the wheel has
 * no entry in the per-wheel bytecode cache (the bytecode stage restores those). Anything that
 * goes wrong here (no interpreter, an unreadable wheel) only means the bytecode stage compiles
 * that source itself, and says why if it cannot.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../log.js';
import { findInterpreter } from '../resolve/interpreters.js';
import type { Target } from '../target.js';
import { wheelDigest } from '../wheel/digest.js';
import type { EarlyBytecode } from './bytecode.js';
import { type CompilePool, isCompiledSource, startCompilePool } from './compile-pool.js';
import { wheelBytecodeKey } from './wheel-bytecode.js';

export interface EarlyBytecodeStart {
  /** installWheels' onWheelWritten. */
  onWheelWritten(wheel: string, files: readonly { path: string; size: number }[]): void;
  /** What was handed over, once every wheel has been; undefined when nothing was. */
  handOver(): Promise<EarlyBytecode | undefined>;
  /** After a failed install: lets the pool finish, so nothing writes into a tree being removed. */
  abandon(): Promise<void>;
}

export function startEarlyBytecode(params: {
  readonly target: Target;
  /** --bytecode-python, when given. */
  readonly interpreter?: string;
  readonly pythonDir: string;
  /** The per-wheel bytecode cache's folder (layer/wheel-bytecode.ts), when on. */
  readonly bytecodeCacheDir?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly log: Logger;
}): EarlyBytecodeStart {
  // The same (remembered) lookup the bytecode stage makes; its errors are that stage's to report.
  const interpreter = findInterpreter(params.target.pythonVersion, params.interpreter, {
    env: params.env,
  }).catch(() => undefined);
  const sources = new Set<string>();
  let pool: CompilePool | undefined;
  let poolInterpreter = '';
  let queue: Promise<void> = Promise.resolve();

  function poolFor(found: { path: string }): CompilePool {
    if (!pool) {
      pool = startCompilePool(found.path, params.pythonDir, params.env ?? process.env, params.log);
      poolInterpreter = found.path;
    }
    return pool;
  }

  async function hand(wheel: string, files: readonly { path: string; size: number }[]): Promise<void> {
    const found = await interpreter;
    if (!found) return;
    if (params.bytecodeCacheDir) {
      const key = wheelBytecodeKey(await wheelDigest(wheel), found.version, 'unchecked-hash');
      if (existsSync(join(params.bytecodeCacheDir, key, 'index.json'))) return;
    }
    const mine = files.filter((file) => isCompiledSource(file.path));
    if (mine.length === 0) return;
    poolFor(found).add(
      [...mine].sort((a, b) => b.size - a.size).map((file) => ({ relative: file.path, bytes: file.size })),
    );
    for (const file of mine) sources.add(file.path);
  }

  // Without a per-wheel cache every source is compiled here: the interpreters start while pip
  // runs (~30 ms each to start, on the critical path once the first wheel is written).
  if (!params.bytecodeCacheDir) {
    queue = interpreter.then((found) => {
      if (found) poolFor(found);
    });
  }

  return {
    onWheelWritten(wheel, files) {
      queue = queue.then(() => hand(wheel, files)).catch(() => undefined);
    },
    async handOver() {
      await queue;
      return pool ? { interpreter: poolInterpreter, sources, pool } : undefined;
    },
    async abandon() {
      await queue;
      await pool?.finish().catch(() => undefined);
    },
  };
}
