/**
 * A cache hit's manifest describes this build: the input file is this build's (the cache key is
 * the content, so another file with the same requirements hits the same entry), and `cache` says
 * what came from the cache and which build made it. The records of resolving, compiling,
 * verifying and proving stay: they are that build's, and the zip is byte for byte its zip.
 */
import { rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { serializeManifest } from '../layer/manifest.js';
import type { Manifest } from '../layer/types.js';

/** What a hit takes from the cache instead of doing it. */
export const TAKEN_FROM_CACHE = [
  'layer.zip',
  'packages',
  'resolver',
  'bytecode',
  'verification',
  'importProof',
] as const;

export function manifestForHit(cached: Manifest, input: Manifest['input'], key: string): Manifest {
  const { cache: _previous, ...rest } = cached;
  const builtFrom = cached.cache?.builtFrom ?? cached.input;
  return {
    ...rest,
    ...(input ? { input } : {}),
    cache: {
      hit: true,
      key,
      ...(builtFrom ? { builtFrom } : {}),
      taken: TAKEN_FROM_CACHE.filter((field) => field === 'layer.zip' || field in cached),
    },
  };
}

/**
 * Replaces the restored manifest.json by a new file: the restored one may be a hard link to the
 * cache's own copy (cache/layer-cache.ts), which must keep describing the build that made it.
 */
export async function rewriteManifest(path: string, manifest: Manifest): Promise<void> {
  const partial = join(dirname(path), '.manifest.json.partial');
  try {
    await writeFile(partial, serializeManifest(manifest));
    await rename(partial, path);
  } finally {
    await rm(partial, { force: true });
  }
}
