/**
 * A LayerStore on the GitHub Actions cache. The toolkit itself turns an unreachable cache
 * service into a warning and a miss; errors that still escape are wrapped so the caller warns.
 * Keys are immutable there: saving an existing key is success (an earlier run saved these bytes).
 * The toolkit reports most save failures by logging "Failed to save: ..." and returning -1
 * instead of throwing: that return value is what says whether anything was saved.
 */

import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import * as cache from '@actions/cache';
import { CACHED_FILES, CacheUnavailableError, type LayerStore } from './store.js';

/**
 * @param cachePath the folder handed to the toolkit. The Actions cache versions entries by
 *   path, so it must be the same path on every run (e.g. under RUNNER_TEMP).
 */
export function actionsStore(cachePath: string): LayerStore {
  return {
    description: 'GitHub Actions cache',
    async restore(key, dir) {
      let hit: string | undefined;
      try {
        hit = await cache.restoreCache([cachePath], key);
      } catch (error) {
        throw new CacheUnavailableError(`cache restore failed: ${messageOf(error)}`, { cause: error });
      }
      if (hit !== key) return false;
      await mkdir(dir, { recursive: true });
      for (const file of CACHED_FILES) await copyFile(join(cachePath, file), join(dir, file));
      return true;
    },
    async save(key, dir) {
      await mkdir(cachePath, { recursive: true });
      for (const file of CACHED_FILES) await copyFile(join(dir, file), join(cachePath, file));
      let cacheId: number;
      try {
        cacheId = await cache.saveCache([cachePath], key);
      } catch (error) {
        if (error instanceof Error && error.name === 'ReserveCacheError') return undefined;
        throw new CacheUnavailableError(`cache save failed: ${messageOf(error)}`, { cause: error });
      }
      // -1: the toolkit caught the failure and logged its reason ("Failed to save: ...") itself.
      return cacheId === -1 ? 'the cache service did not store it (its reason is logged above)' : undefined;
    },
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
