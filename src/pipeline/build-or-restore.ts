/**
 * The cached build: compute the key from everything that shapes the layer, take the layer from
 * the store when it is there and intact, else build it and save it. Shared by the action
 * (GitHub Actions cache) and the CLI (a local cache directory).
 */

import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { cacheKey } from '../cache/key.js';
import { restoreLayer, saveLayer } from '../cache/layer-cache.js';
import type { LayerStore } from '../cache/store.js';
import type { WheelCacheStore } from '../cache/wheel-store.js';
import {
  type BuildContext,
  type BuildResult,
  buildLayer,
  describeInput,
  inputParams,
} from '../layer/index.js';
import type { BuildOptions, Manifest } from '../layer/types.js';
import type { Logger } from '../log.js';
import { checkFindLinks, fingerprintFindLinks } from '../resolve/find-links.js';
import { readBuildInput } from '../resolve/layer-input.js';
import { directReferences, fingerprintReferences } from '../resolve/local-sources.js';
import { PINNED_PIP } from '../resolve/pinned-pip.js';
import { type RequirementsSnapshot, writtenAtText } from '../resolve/requirements.js';
import { SBOM_FILE, writeSbom } from '../sbom/cyclonedx.js';
import { checkLicenses } from '../sbom/license-policy.js';
import { runtimeLifecycleWarning } from '../target.js';
import { TOOL_VERSION } from '../version.js';
import { manifestForHit, rewriteManifest } from './cache-hit.js';
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

/** Fails naming each distribution whose licence the --deny-licenses / deny-licenses list denies. */
function checkLicensePolicy(options: BuildOptions, packages: Manifest['packages']): void {
  if (options.licensePolicy) checkLicenses(packages, options.licensePolicy.deny, options.licensePolicy.input);
}

/**
 * With the SBOM turned off, an SBOM left by an earlier build would sit beside a layer.zip it
 * does not describe: it goes (it is this tool's own output, not the user's file).
 */
async function removeStaleSbom(outDir: string, log: Logger): Promise<void> {
  const path = join(outDir, SBOM_FILE);
  if (!existsSync(path)) return;
  await rm(path, { force: true });
  log.info(`Removed ${path} from an earlier build: --no-sbom writes no SBOM`);
}

export async function buildOrRestore(
  options: BuildOptions,
  cache: CacheSettings,
  log: Logger,
  context: BuildContext = {},
): Promise<CachedBuildResult> {
  // Before anything runs: a runtime Lambda no longer updates functions on fails here.
  const lifecycle = runtimeLifecycleWarning(options.target, {
    ...(context.today ? { today: context.today } : {}),
    allowDeprecated: options.allowDeprecatedRuntime ?? false,
  });
  if (lifecycle) log.warn(lifecycle);
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
  if (options.sbom === false) await removeStaleSbom(options.outDir, log);
  if (store && !cache.forceRebuild) {
    const restored = await restoreLayer(store, key, options.outDir, log);
    if (restored) {
      const manifest = manifestForHit(restored.manifest, describeInput(snapshot, options), key);
      await rewriteManifest(restored.manifestPath, manifest);
      const from = manifest.cache?.builtFrom;
      log.info(
        `Took layer.zip from the cache${from ? ` (built from ${from.file})` : ''}: nothing resolved, compiled, verified or imported again`,
      );
      // The SBOM is a function of the manifest just checked against the zip: written from it,
      // nothing unchecked comes from the cache, and a cached entry made with --no-sbom still has one.
      const sbomPath =
        options.sbom === false
          ? undefined
          : await writeSbom(manifest, options.outDir, {
              sourceDateEpoch: (context.env ?? process.env).SOURCE_DATE_EPOCH,
            });
      checkLicensePolicy(options, manifest.packages);
      return { ...restored, manifest, ...(sbomPath ? { sbomPath } : {}), cacheHit: true, cacheKey: key };
    }
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
  checkLicensePolicy(options, built.manifest.packages);
  return { ...built, cacheHit: false, cacheKey: key };
}
