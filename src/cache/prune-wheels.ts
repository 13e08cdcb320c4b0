/**
 * Keeps the CLI's per-wheel cache folder (<cache-dir>/wheels: bytecode and verification facts
 * by wheel sha256) from growing with every wheel version ever built: after a
 * build, entries no build has used for UNUSED_DAYS are removed, and so are temp folders a build
 * killed mid-write left behind and damaged entries set aside, once a day old (younger ones may be
 * a running build's). An entry's use is its index file's time (touched on every hit); a build
 * reads what it uses whole, or through a hard link of its own (wheel-deflated.ts), before it
 * relies on it, so removing an entry never takes bytes from under a running build.
 * Removing an entry only costs a later build the time it saved. (The action's copy is pruned to
 * what the build used before each save instead: cache/wheel-store.ts.)
 */
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../log.js';
import { entryLastUsed, tempFolderTime, WHEEL_ENTRY_FOLDERS } from './entry-folder.js';

export const UNUSED_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;
/** A temp folder older than this belongs to no running build. */
const PARTIAL_MS = DAY_MS;

const KINDS = Object.values(WHEEL_ENTRY_FOLDERS);
/**
 * Folders of entries no build reads any more, removed whole: `trees` held each wheel's installed
 * files for builds that hard-linked them into a tree on the disk, until the tree moved to RAM
 * (layer/staging.ts), where unpacking is cheaper than linking was.
 */
const OBSOLETE_FOLDERS = ['trees'];

export async function pruneWheelCache(
  dir: string,
  log: Logger,
  now = Date.now(),
): Promise<{ removed: number; kept: number }> {
  let removed = 0;
  let kept = 0;
  for (const obsolete of OBSOLETE_FOLDERS) {
    const folder = join(dir, obsolete);
    const names = await readdir(folder).catch(() => undefined);
    if (!names) continue;
    await rm(folder, { recursive: true, force: true });
    removed += names.length;
  }
  for (const kind of KINDS) {
    const folder = join(dir, kind);
    const names = await readdir(folder).catch(() => [] as string[]);
    for (const name of names) {
      const entry = join(folder, name);
      try {
        // Temp folders (a build filling one, or killed while it did) and damaged entries set aside.
        const partial = name.startsWith('.');
        const used = partial ? await tempFolderTime(entry, name) : await entryLastUsed(entry);
        if (now - used > (partial ? PARTIAL_MS : UNUSED_DAYS * DAY_MS)) {
          await rm(entry, { recursive: true, force: true });
          removed++;
        } else kept++;
      } catch (error) {
        // Another build removed or replaced it meanwhile: nothing to do.
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
  }
  if (removed > 0)
    log.info(
      `Per-wheel cache: removed ${removed} entries no build used for ${UNUSED_DAYS} days (${kept} kept)`,
    );
  return { removed, kept };
}
