/**
 * Restore and save finished layers through a LayerStore. A restored zip is trusted only when
 * its sha256 matches the manifest saved with it; any cache trouble is a warning and the build
 * goes on without the cache.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { removeOnInterrupt } from '../interrupt.js';
import type { Manifest } from '../layer/types.js';
import type { Logger } from '../log.js';
import { linkOrCopy } from './entry-folder.js';
import { CACHED_FILES, type LayerStore } from './store.js';
import { checkZipEntries } from './zip-check.js';

export interface RestoredLayer {
  readonly manifest: Manifest;
  readonly zipPath: string;
  readonly manifestPath: string;
}

/** 1 MiB reads: with the stream's default 64 KiB a 60 MB zip took ~900 trips through the threadpool. */
const HASH_READ_BYTES = 1024 * 1024;

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: HASH_READ_BYTES }))
    hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export async function restoreLayer(
  store: LayerStore,
  key: string,
  outDir: string,
  log: Logger,
): Promise<RestoredLayer | undefined> {
  const scratch = await mkdtemp(join(tmpdir(), 'lambda-layer-restore-'));
  const forgetScratch = removeOnInterrupt(scratch);
  try {
    let hit: boolean;
    try {
      hit = await store.restore(key, scratch);
    } catch (error) {
      log.warn(`${store.description}: ${messageOf(error)}; building without the cache`);
      return undefined;
    }
    if (!hit) {
      log.info(`Cache miss (${store.description}): ${key}`);
      return undefined;
    }
    const manifest = JSON.parse(await readFile(join(scratch, 'manifest.json'), 'utf8')) as Manifest;
    const actual = await sha256File(join(scratch, 'layer.zip'));
    if (actual !== manifest.layer?.sha256) {
      log.warn(
        `Cached layer.zip does not match its manifest (sha256 ${actual} vs ${manifest.layer?.sha256}); rebuilding`,
      );
      return undefined;
    }
    // Move into outDir only once verified, so a bad cache entry never replaces a user's files.
    await mkdir(outDir, { recursive: true });
    for (const file of CACHED_FILES) {
      const partial = join(outDir, `.${file}.partial`);
      await rm(partial, { force: true });
      // A link to the checked file where the file systems allow (the cache keeps its own name
      // for it; a layer.zip later rewritten in place fails the check above next time).
      linkOrCopy(join(scratch, file), partial);
      await rename(partial, join(outDir, file));
    }
    log.info(`Cache hit (${store.description}): ${key}`);
    return { manifest, zipPath: join(outDir, 'layer.zip'), manifestPath: join(outDir, 'manifest.json') };
  } catch (error) {
    log.warn(`Could not use the cached layer (${messageOf(error)}); rebuilding`);
    return undefined;
  } finally {
    await rm(scratch, { recursive: true, force: true });
    forgetScratch();
  }
}

/**
 * Reads every entry of the zip back, inflated, against its CRC-32 and size (what `lambda-layer
 * verify` checks first when it unpacks a zip): the layer cache never keeps a zip that fails it.
 * Throws a UserError naming the first entry that fails.
 */
export async function checkLayerZip(zipPath: string): Promise<void> {
  try {
    await checkZipEntries(zipPath);
  } catch (error) {
    throw new UserError(`${zipPath} fails its own check (${messageOf(error)}): it is not cached`, {
      hint: 'build again with --no-cache (or remove the per-wheel cache folder <cache-dir>/wheels), and report this',
    });
  }
}

export async function saveLayer(
  store: LayerStore,
  key: string,
  outDir: string,
  log: Logger,
): Promise<boolean> {
  const started = performance.now();
  await checkLayerZip(join(outDir, 'layer.zip'));
  log.debug(`layer.zip read back against its CRCs in ${Math.round(performance.now() - started)} ms`);
  try {
    const declined = await store.save(key, outDir);
    if (declined) {
      log.info(`Did not save the layer to the ${store.description}: ${declined}; the build itself succeeded`);
      return false;
    }
    log.info(`Saved the layer to the ${store.description}: ${key}`);
    return true;
  } catch (error) {
    log.warn(
      `${store.description}: could not save the layer (${messageOf(error)}); the build itself succeeded`,
    );
    return false;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
