/** A LayerStore on the local disk, for the CLI: <cacheDir>/<key>/{layer.zip,manifest.json}. */
import { mkdir, mkdtemp, readFile, rename, rm, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { removeOnInterrupt } from '../interrupt.js';
import type { Manifest } from '../layer/types.js';
import { linkOrCopy, TEMP_PREFIX } from './entry-folder.js';
import { CACHED_FILES, type LayerStore } from './store.js';

/** $XDG_CACHE_HOME/lambda-layer, or ~/.cache/lambda-layer (%LOCALAPPDATA% on Windows). */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, 'lambda-layer');
  if (process.platform === 'win32' && env.LOCALAPPDATA)
    return join(env.LOCALAPPDATA, 'lambda-layer', 'cache');
  return join(homedir(), '.cache', 'lambda-layer');
}

/**
 * The per-wheel caches' folder inside the CLI's cache folder (bytecode and verification facts
 * by wheel sha256, see layer/wheel-bytecode.ts and layer/wheel-elf-facts.ts). Layer entries are
 * named by their 64-hex key, so the names never meet.
 */
export const WHEEL_CACHE_DIR = 'wheels';

/**
 * Why new entries cannot be written in `cacheDir` (the error code: EROFS, EACCES, ENOTDIR...),
 * or undefined when they can. Tried by making and removing a temp folder, as a save would.
 */
export async function unwritableReason(cacheDir: string): Promise<string | undefined> {
  try {
    await mkdir(cacheDir, { recursive: true });
    await rm(await mkdtemp(join(cacheDir, TEMP_PREFIX)), { recursive: true, force: true });
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code ? `${code} in ${(error as NodeJS.ErrnoException).syscall ?? 'mkdir'}` : String(error);
  }
}

/**
 * @param readOnly why the folder cannot be written (unwritableReason): layers are still
 *   restored from it, and save says that reason instead of failing.
 */
export function directoryStore(cacheDir: string, readOnly?: string): LayerStore {
  return {
    description: `local cache ${cacheDir}`,
    async restore(key, dir) {
      const entry = join(cacheDir, key);
      try {
        for (const file of CACHED_FILES) await stat(join(entry, file));
      } catch {
        return false;
      }
      await mkdir(dir, { recursive: true });
      // Linked as save links them (no 60 MB copy); the caller checks the zip's sha256.
      for (const file of CACHED_FILES) linkOrCopy(join(entry, file), join(dir, file));
      return true;
    },
    async save(key, dir) {
      if (readOnly) return `${cacheDir} cannot be written (${readOnly})`;
      await mkdir(cacheDir, { recursive: true });
      // Fill a temp folder, then rename: a reader never sees a half-written entry.
      const partial = await mkdtemp(join(cacheDir, TEMP_PREFIX));
      const forgetPartial = removeOnInterrupt(partial);
      try {
        // A hard link where the file system allows it: saving a 70 MB zip is then free. The
        // entry shares the file with the build's output; were that rewritten in place, restore's
        // sha256 check against the manifest would refuse the entry (src/cache/layer-cache.ts).
        for (const file of CACHED_FILES) linkOrCopy(join(dir, file), join(partial, file));
        await putEntry(cacheDir, key, partial, join(dir, 'manifest.json'));
        return undefined;
      } finally {
        await rm(partial, { recursive: true, force: true });
        forgetPartial();
      }
    },
  };
}

/** The layer sha256 a manifest names, or undefined. */
async function manifestSha(path: string): Promise<string | undefined> {
  try {
    return (JSON.parse(await readFile(path, 'utf8')) as Manifest).layer?.sha256;
  } catch {
    return undefined;
  }
}

/**
 * Renames `partial` to <cacheDir>/<key>. When another build stored the same layer there first
 * (the same sha256), its entry stays and ours is dropped. Another entry under the key (damaged,
 * or older bytes a --force-rebuild replaces) is renamed aside first and then removed: a build
 * restoring it links its files before checking them, so it keeps what it linked or, when the
 * entry went first, misses and builds.
 */
async function putEntry(cacheDir: string, key: string, partial: string, ourManifest: string): Promise<void> {
  const entry = join(cacheDir, key);
  for (let attempt = 0; ; attempt++) {
    try {
      await rename(partial, entry);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if ((code !== 'ENOTEMPTY' && code !== 'EEXIST') || attempt >= 3) throw error;
    }
    const theirs = await manifestSha(join(entry, 'manifest.json'));
    if (theirs !== undefined && theirs === (await manifestSha(ourManifest))) return;
    const aside = `${partial}-replaced`;
    await rename(entry, aside).then(
      () => rm(aside, { recursive: true, force: true }),
      (error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
      },
    );
  }
}
