/**
 * The cached build: compute the key from everything that shapes the layer, take the layer from
 * the store when it is there and intact, else build it and save it. Shared by the action
 * (GitHub Actions cache) and the CLI (a local cache directory).
 */

import { cacheKey } from '../cache/key.js';
import { restoreLayer, saveLayer } from '../cache/layer-cache.js';
import type { LayerStore } from '../cache/store.js';
import { type BuildContext, type BuildResult, buildLayer } from '../layer/index.js';
import type { BuildOptions } from '../layer/types.js';
import type { Logger } from '../log.js';
import { checkFindLinks } from '../resolve/find-links.js';
import { type RequirementsSnapshot, readRequirements } from '../resolve/requirements.js';
import { TOOL_VERSION } from '../version.js';
import { warnOnEmptyRequirements } from './empty-requirements.js';
import { checkOutDir } from './out-dir.js';

export interface CacheSettings {
  /** undefined: no cache at all. */
  readonly store?: LayerStore;
  /** Skip the lookup but still save the fresh build. */
  readonly forceRebuild: boolean;
}

export interface CachedBuildResult extends BuildResult {
  readonly cacheHit: boolean;
  readonly cacheKey: string;
}

/** The key of a layer: everything that shapes it (see cache/key.ts). */
export function layerCacheKey(options: BuildOptions, snapshot: RequirementsSnapshot): string {
  return cacheKey({
    toolVersion: TOOL_VERSION,
    target: options.target,
    requirementsHash: snapshot.requirementsHash,
    bytecode: options.bytecode,
    slim: options.slim,
    sdist: options.sdist,
    indexUrl: options.indexUrl,
    extraIndexUrls: options.extraIndexUrls,
    findLinks: options.findLinks,
  });
}

export async function buildOrRestore(
  options: BuildOptions,
  cache: CacheSettings,
  log: Logger,
  context: BuildContext = {},
): Promise<CachedBuildResult> {
  await checkOutDir(options.outDir);
  checkFindLinks(options.findLinks);
  // Read once: the key needs the requirements, and so does the build on a miss.
  const snapshot = await readRequirements(options.requirementsFile);
  warnOnEmptyRequirements(snapshot, log);
  const key = layerCacheKey(options, snapshot);
  if (cache.store && !cache.forceRebuild) {
    const restored = await restoreLayer(cache.store, key, options.outDir, log);
    if (restored) return { ...restored, cacheHit: true, cacheKey: key };
  } else if (cache.store) {
    log.info('force-rebuild: not looking in the cache');
  }
  const built = await buildLayer(options, log, { ...context, snapshot });
  if (cache.store) await saveLayer(cache.store, key, options.outDir, log);
  return { ...built, cacheHit: false, cacheKey: key };
}
