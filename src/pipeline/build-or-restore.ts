/**
 * The cached build: compute the key from everything that shapes the layer, take the layer from
 * the store when it is there and intact, else build it and save it. Shared by the action
 * (GitHub Actions cache) and the CLI (a local cache directory).
 */

import { cacheKey } from '../cache/key.js';
import { restoreLayer, saveLayer } from '../cache/layer-cache.js';
import type { LayerStore } from '../cache/store.js';
import type { WheelCacheStore } from '../cache/wheel-store.js';
import { type BuildContext, type BuildResult, buildLayer, inputParams } from '../layer/index.js';
import type { BuildOptions } from '../layer/types.js';
import type { Logger } from '../log.js';
import { checkFindLinks, fingerprintFindLinks } from '../resolve/find-links.js';
import { readBuildInput } from '../resolve/layer-input.js';
import { directReferences, fingerprintReferences } from '../resolve/local-sources.js';
import { PINNED_PIP } from '../resolve/pinned-pip.js';
import { type RequirementsSnapshot, writtenAtText } from '../resolve/requirements.js';
import { TOOL_VERSION } from '../version.js';
import { warnOnEmptyRequirements } from './empty-requirements.js';
import { checkOutDir } from './out-dir.js';
import { warnOnUnpassedVariables } from './unpassed-variables.js';

export interface CacheSettings {
  /** undefined: no cache at all. */
  readonly store?: LayerStore;
  /** Skip the lookup but still save the fresh build. */
  readonly forceRebuild: boolean;
  /** The per-wheel caches kept between runs (the action), restored and saved around a build. */
  readonly wheels?: WheelCacheStore;
}

export interface CachedBuildResult extends BuildResult {
  readonly cacheHit: boolean;
  readonly cacheKey: string;
}

/** The key of a layer: everything that shapes it (see cache/key.ts). */
export function layerCacheKey(
  options: BuildOptions,
  snapshot: RequirementsSnapshot,
  directSourcesHash: string,
  findLinksContentHash: string,
): string {
  return cacheKey({
    toolVersion: TOOL_VERSION,
    pipVersion: PINNED_PIP.version,
    target: options.target,
    requirementsHash: snapshot.requirementsHash,
    directSourcesHash,
    bytecode: options.bytecode,
    slim: options.slim,
    sdist: options.sdist,
    indexUrl: options.indexUrl,
    extraIndexUrls: options.extraIndexUrls,
    findLinks: options.findLinks,
    findLinksContentHash,
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
  const snapshot = await readBuildInput(options.requirementsFile, inputParams(options), log);
  warnOnEmptyRequirements(snapshot, log);
  warnOnUnpassedVariables(snapshot, log);
  // Local projects and archives the requirements name are part of the key by content.
  const sources = fingerprintReferences(directReferences(snapshot, options.projectDir ?? process.cwd()));
  // So are the wheels in local --find-links folders: one rebuilt under the same name differs.
  const key = layerCacheKey(options, snapshot, sources.digest, await fingerprintFindLinks(options.findLinks));
  let store = cache.store;
  const unpinned = sources.unpinned[0];
  const remoteInclude = snapshot.remoteIncludes?.[0];
  if (store && unpinned) {
    log.info(
      `Not using the layer cache: ${writtenAtText(unpinned.line)} installs from a URL without a pinned hash, so its content can change under the same text (add #sha256=... or --hash to cache it)`,
    );
    store = undefined;
  } else if (store && remoteInclude) {
    // pip fetches it during the build: reading it here too could hash other bytes than pip
    // installs from (and send the index credentials twice). Not cached beats cached stale.
    log.info(
      `Not using the layer cache: ${writtenAtText(remoteInclude)} includes a requirements file from a URL, whose content can change under the same text (download it next to your requirements and include it by path to cache the build)`,
    );
    store = undefined;
  }
  if (store && !cache.forceRebuild) {
    const restored = await restoreLayer(store, key, options.outDir, log);
    if (restored) return { ...restored, cacheHit: true, cacheKey: key };
  } else if (store) {
    log.info('force-rebuild: not looking in the cache');
  }
  const wheels = store ? cache.wheels : undefined;
  await wheels?.restore(log);
  const built = await buildLayer(options, log, {
    ...context,
    snapshot,
    ...(wheels ? { wheelCacheDir: wheels.dir } : {}),
  });
  if (store) await saveLayer(store, key, options.outDir, log);
  await wheels?.save(log);
  return { ...built, cacheHit: false, cacheKey: key };
}
