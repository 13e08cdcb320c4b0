/**
 * The per-wheel caches' folder (bytecode and verification facts by wheel sha256, see
 * layer/wheel-bytecode.ts and layer/wheel-elf-facts.ts) kept between GitHub Actions runs. The
 * layer's key changes with any requirement, so this folder is saved under its own key, named by
 * what it holds, and restored by prefix (restore-keys): a run whose requirements changed still
 * finds the entries of the wheels it keeps. Before saving, entries this build did not use (their
 * index files are touched when used) are dropped, so the saved folder follows the current layer
 * instead of growing with every release ever built. A cache failure is a warning, never an error.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../log.js';
import { entryLastUsed, WHEEL_ENTRY_FOLDERS } from './entry-folder.js';

/** The two calls of @actions/cache used here (injected: tests pass their own). */
export interface CacheClient {
  restoreCache(paths: string[], primaryKey: string, restoreKeys?: string[]): Promise<string | undefined>;
  saveCache(paths: string[], key: string): Promise<number>;
}

export interface WheelCacheStore {
  /** The folder the build reads and writes (BuildContext.wheelCacheDir). */
  readonly dir: string;
  /** Restores the newest saved folder with this store's prefix, if any. */
  restore(log: Logger): Promise<void>;
  /** Drops entries the build did not use and saves the folder under a key naming its entries. */
  save(log: Logger): Promise<void>;
}

/** The kinds of entries the build keeps, one subfolder each. */
const KINDS = Object.values(WHEEL_ENTRY_FOLDERS);

/**
 * The tool cache inside the saved folder (the action's BuildContext.toolCacheDir): the pinned pip,
 * unpacked and compiled, travels with the per-wheel entries, so a job on a fresh runner neither
 * fetches nor compiles it again. It is checked file by file before it runs
 * (resolve/pinned-pip-check.ts) like any tool cache.
 */
export const TOOLS_FOLDER = 'tools';

async function entryNames(dir: string): Promise<string[]> {
  const names: string[] = [];
  // The pip versions it holds are part of what the saved folder is named by.
  for (const name of await readdir(join(dir, TOOLS_FOLDER)).catch(() => [] as string[]))
    if (!name.startsWith('.')) names.push(`${TOOLS_FOLDER}/${name}`);
  for (const kind of KINDS) {
    const folder = join(dir, kind);
    if (!existsSync(folder)) continue;
    for (const name of await readdir(folder)) if (!name.startsWith('.')) names.push(`${kind}/${name}`);
  }
  return names.sort();
}

/**
 * @param dir the folder handed to the toolkit: the same path on every run (the Actions cache
 *   versions entries by path).
 * @param prefix e.g. "lambda-layer-wheels-python3.11-x86_64-": one family of entries per target.
 */
export function actionsWheelStore(dir: string, prefix: string, client: CacheClient): WheelCacheStore {
  let restoredAt = Date.now();
  return {
    dir,
    async restore(log) {
      restoredAt = Date.now();
      await mkdir(dir, { recursive: true });
      try {
        // No entry is ever saved under this primary key: the prefix finds the newest one.
        const hit = await client.restoreCache([dir], `${prefix}restore`, [prefix]);
        log.info(
          hit
            ? `Per-wheel cache restored from ${hit} (${(await entryNames(dir)).length} entries)`
            : 'No per-wheel cache saved yet for this target',
        );
      } catch (error) {
        log.warn(`Per-wheel cache not restored: ${messageOf(error)}`);
      }
    },
    async save(log) {
      try {
        for (const name of await entryNames(dir)) {
          if (name.startsWith(`${TOOLS_FOLDER}/`)) continue; // used by every build
          const path = join(dir, name);
          // Used by this build = its index file touched (hit) or written (stored) since the restore.
          if ((await entryLastUsed(path)) < restoredAt) await rm(path, { recursive: true, force: true });
        }
        const names = await entryNames(dir);
        if (names.length === 0) return;
        const key = `${prefix}${createHash('sha256').update(names.join('\n')).digest('hex').slice(0, 32)}`;
        const id = await client.saveCache([dir], key);
        if (id === -1)
          log.warn(
            'Per-wheel cache not saved: the cache service did not store it (its reason is logged above)',
          );
        else log.debug(`Per-wheel cache saved as ${key} (${names.length} entries)`);
      } catch (error) {
        // An existing key holds the same entries: an earlier run saved them.
        if (error instanceof Error && error.name === 'ReserveCacheError') return;
        log.warn(`Per-wheel cache not saved: ${messageOf(error)}`);
      }
    },
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
