/**
 * Bytecode for the target interpreter. Lambda's /opt is read-only, so a .pyc that is missing,
 * stale or for another Python is compiled again, in memory, on every cold start. We remove
 * whatever bytecode the install left (pip compiles with the interpreter that ran it, with
 * timestamp pycs the zip's fixed timestamps would invalidate) and compile every .py (but a
 * package's tests) with an interpreter of exactly the target's minor version, as unchecked
 * hash-based pycs (PEP 552): the import system loads them without looking at the source's mtime.
 */
import { existsSync, statSync } from 'node:fs';
import { readdir, rm, rmdir } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../log.js';
import { countOf } from '../report.js';
import { findInterpreter } from '../resolve/interpreters.js';
import type { Target } from '../target.js';
import { type CompilePool, isCompiledSource, startCompilePool } from './compile-pool.js';
import type { BytecodeReport } from './types.js';
import { restoreWheelBytecode, storeWheelBytecode, wheelBytecodeKey } from './wheel-bytecode.js';

export { LAMBDA_PYTHON_DIR } from './compile-pool.js';

export interface BytecodeOptions {
  /** Interpreter of exactly the target's minor version (found on the host when absent). */
  readonly interpreter?: string;
  readonly env?: NodeJS.ProcessEnv;
  /**
   * The per-wheel bytecode cache (wheel-bytecode.ts): its folder, and for each .py under
   * python/ ('/'-separated) that a wheel put there, that wheel's sha256.
   */
  readonly wheelCache?: { readonly dir: string; readonly owners: ReadonlyMap<string, string> };
  /** Sources compiled while the wheels were unpacked (layer/index.ts starts that pool). */
  readonly early?: EarlyBytecode;
}

export interface EarlyBytecode {
  /** The interpreter the pool runs: its pycs are kept only if this stage finds the same one. */
  readonly interpreter: string;
  /** Sources (relative to python/) handed to the pool. */
  readonly sources: ReadonlySet<string>;
  readonly pool: CompilePool;
}

/** The target pyc of a source (both relative to python/, '/'-separated), as compileall names it. */
function pycOf(source: string, cacheTag: string): string {
  const slash = source.lastIndexOf('/');
  return `${source.slice(0, slash + 1)}__pycache__/${source.slice(slash + 1, -3)}.${cacheTag}.pyc`;
}

/**
 * Removes every .pyc the layer should not ship (all but the absolute paths in `keep`: target
 * pycs already compiled); returns how many were removed.
 */
export async function removeBytecode(pythonDir: string, keep?: ReadonlySet<string>): Promise<number> {
  let removed = 0;
  async function walk(dir: string): Promise<void> {
    const entries = await readdir(dir, { withFileTypes: true });
    const names = new Set(entries.map((e) => e.name));
    for (const entry of entries) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name === '__pycache__') {
          // PEP 3147: bytecode in __pycache__ is only ever used next to its source, so all of
          // it can go: the target's is compiled again below, anything else is dead weight.
          for (const cached of await readdir(full)) {
            if (/\.py[co]$/.test(cached) && !keep?.has(join(full, cached))) {
              await rm(join(full, cached), { force: true });
              removed++;
            }
          }
          await rmdir(full).catch(() => undefined); // only when now empty
        } else {
          await walk(full);
        }
      } else if (/\.py[co]$/.test(entry.name) && names.has(entry.name.slice(0, -1))) {
        // A legacy foo.pyc next to foo.py is never imported (the source wins). A foo.pyc with
        // no foo.py is a sourceless module: the only copy of that code, so it stays.
        await rm(full, { force: true });
        removed++;
      }
    }
  }
  await walk(pythonDir);
  return removed;
}

/**
 * Every .py file compileall would visit under python/ that gets bytecode, with its size and
 * expected pyc; and how many were left as source because they are a package's tests.
 */
async function sourceFiles(
  pythonDir: string,
  cacheTag: string,
): Promise<{ found: { layerPath: string; relative: string; bytes: number; pyc: string }[]; tests: number }> {
  const found: { layerPath: string; relative: string; bytes: number; pyc: string }[] = [];
  let tests = 0;
  async function walk(dir: string, prefix: string): Promise<void> {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      // compileall does not descend into symlinked directories; neither do we (Dirent is lstat).
      if (entry.isDirectory()) {
        // compileall skips __pycache__ folders as well.
        if (entry.name !== '__pycache__') await walk(join(dir, entry.name), `${prefix}${entry.name}/`);
      } else if (entry.name.endsWith('.py')) {
        const relative = `${prefix}${entry.name}`;
        if (!isCompiledSource(relative)) {
          tests++;
          continue;
        }
        found.push({
          layerPath: `python/${relative}`,
          relative,
          // Synchronous, as the existence checks below: thousands of cheap calls.
          bytes: statSync(join(dir, entry.name)).size,
          pyc: join(pythonDir, pycOf(relative, cacheTag)),
        });
      }
    }
  }
  await walk(pythonDir, '');
  return { found, tests };
}

/** Below this many sources per interpreter, starting another costs more than it saves. */
const SOURCES_PER_WORKER = 48;

/**
 * Removes bytecode not for the target, then compiles every .py under `pythonDir` but those of
 * packages' test suites (package-tests.ts: never imported on Lambda, and on the data workload
 * 1,362 of 2,368 modules, over half the compile time) with an interpreter of exactly the target's
 * Python version. With no such interpreter it ships no
 * bytecode (never the wrong bytecode) and says so. Files that do not compile (Python 2 syntax
 * in a package's templates, say) are listed as warnings, not failures: Python would fail on
 * them at import time on Lambda just the same, and most are never imported.
 */
export async function compileBytecode(
  pythonDir: string,
  target: Target,
  options: BytecodeOptions,
  log: Logger,
): Promise<BytecodeReport> {
  const started = Date.now();
  // The early pool writes into the tree: it finishes before anything here reads or removes.
  const earlyFailures = options.early ? await options.early.pool.finish() : [];
  const interpreter = await findInterpreter(target.pythonVersion, options.interpreter, {
    log,
    env: options.env,
    inputName: 'bytecode-python',
  });
  const cacheTag = `cpython-${target.pythonVersion.replace('.', '')}`;
  // The pool's work counts only if it ran the interpreter this stage uses: its failures are
  // final (compiling them again fails again), its pycs are kept.
  const early = options.early && interpreter?.path === options.early.interpreter ? options.early : undefined;
  const earlyTried: ReadonlySet<string> = early?.sources ?? new Set();
  const failedEarly = new Set(earlyFailures.map((failure) => failure.path));
  const earlyCompiled = [...earlyTried].filter((source) => !failedEarly.has(source));
  const removed = await removeBytecode(
    pythonDir,
    new Set(earlyCompiled.map((source) => join(pythonDir, pycOf(source, cacheTag)))),
  );
  if (!interpreter) {
    const reason =
      `no Python ${target.pythonVersion} interpreter found on PATH, in the runner tool cache or in pyenv; ` +
      `the layer ships without bytecode and ${target.runtime} compiles modules on every cold start`;
    log.warn(
      `${reason} (install Python ${target.pythonVersion}, e.g. with actions/setup-python, or pass --bytecode-python)`,
    );
    return { compiled: 0, mode: 'none', reason, removed };
  }

  const { found: sources, tests } = await sourceFiles(pythonDir, cacheTag);
  const cache = options.wheelCache
    ? await restoreFromWheelCache(options.wheelCache, pythonDir, sources, interpreter.version, cacheTag)
    : undefined;
  const toCompile = sources.filter(
    (source) => !cache?.restoredSources.has(source.relative) && !earlyTried.has(source.relative),
  );
  const failures = early ? [...earlyFailures] : [];
  if (toCompile.length > 0) {
    const pool = startCompilePool(
      interpreter.path,
      pythonDir,
      options.env ?? process.env,
      log,
      Math.min(availableParallelism(), Math.ceil(toCompile.length / SOURCES_PER_WORKER)),
    );
    pool.add([...toCompile].sort((a, b) => b.bytes - a.bytes));
    failures.push(...(await pool.finish()));
  }
  if (cache) await cache.storeMisses();
  // Ground truth is the file system: a source either has its target pyc now or it does not.
  const failed: string[] = [];
  let compiled = 0;
  // Synchronous: thousands of checks, each cheaper than an async round trip through the threadpool.
  for (const source of sources) {
    if (existsSync(source.pyc)) compiled++;
    else failed.push(source.layerPath);
  }
  const fromCache = cache?.restored ?? 0;
  // Accounting for --verbose (and the benchmark); a failure to compile is a warning below.
  log.debug(
    `Compiled ${compiled} of ${sources.length} modules to ${cacheTag} unchecked-hash bytecode with Python ${interpreter.version} (${interpreter.path}) in ${((Date.now() - started) / 1000).toFixed(1)}s${early ? ` (${earlyCompiled.length} while the wheels unpacked)` : ''}${cache ? ` (${fromCache} from the per-wheel cache, ${cache.hitWheels} of ${cache.wheels} wheels)` : ''}; removed ${removed} stale .pyc`,
  );
  if (tests > 0)
    log.info(
      `${countOf(tests, 'module', 'modules')} of packages' tests/ folders ship as source only (no bytecode)`,
    );
  if (failed.length > 0) {
    const shown = failed.slice(0, 10).join(', ');
    log.warn(
      `${failed.length} file(s) are not valid Python ${target.pythonVersion} and ship without bytecode (importing them would fail on Lambda too): ${shown}${failed.length > 10 ? `, ... (${failed.length - 10} more)` : ''}`,
    );
    const shownFailures = new Set(failed);
    for (const failure of failures)
      if (shownFailures.has(`python/${failure.path}`)) log.debug(`${failure.path}: ${failure.error}`);
  }
  return {
    compiled,
    interpreter: { path: interpreter.path, version: interpreter.version },
    mode: 'unchecked-hash',
    removed,
    ...(failed.length > 0 ? { failed } : {}),
    ...(cache ? { fromCache } : {}),
    ...(tests > 0 ? { testModules: tests } : {}),
  };
}

/**
 * Restores the pycs of every wheel whose entry is in the per-wheel cache; returns what is left
 * to compile (top-level names under python/) and how to store the wheels that missed.
 */
async function restoreFromWheelCache(
  wheelCache: NonNullable<BytecodeOptions['wheelCache']>,
  pythonDir: string,
  sources: readonly { relative: string }[],
  pythonVersion: string,
  cacheTag: string,
): Promise<{
  restored: number;
  wheels: number;
  hitWheels: number;
  /** Sources (relative to python/) whose pyc came from the cache: the rest is compiled. */
  restoredSources: Set<string>;
  storeMisses(): Promise<void>;
}> {
  const pycPath = (source: string): string => pycOf(source, cacheTag);
  const byWheel = new Map<string, string[]>();
  for (const { relative: source } of sources) {
    const owner = wheelCache.owners.get(source);
    if (!owner) continue; // not from a wheel (a local project pip built): always compiled
    const owned = byWheel.get(owner);
    if (owned) owned.push(source);
    else byWheel.set(owner, [source]);
  }
  const misses: [string, string[]][] = [];
  const restoredSources = new Set<string>();
  let restored = 0;
  for (const [wheel, owned] of byWheel) {
    const key = wheelBytecodeKey(wheel, pythonVersion, 'unchecked-hash');
    const index = await restoreWheelBytecode(wheelCache.dir, key, pythonDir, pycPath, owned);
    if (!index) {
      misses.push([key, owned]);
      continue;
    }
    // A source that failed to compile before fails again: it is not compiled a second time.
    const failed = new Set(index.failed);
    for (const source of owned) restoredSources.add(source);
    restored += owned.filter((source) => !failed.has(source)).length;
  }
  return {
    restored,
    wheels: byWheel.size,
    hitWheels: byWheel.size - misses.length,
    restoredSources,
    storeMisses: async () => {
      for (const [key, owned] of misses)
        await storeWheelBytecode(wheelCache.dir, key, pythonDir, pycPath, owned);
    },
  };
}
