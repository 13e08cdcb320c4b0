/**
 * How every per-wheel cache entry (bytecode, deflated pycs, ELF facts) is written: filled in a
 * temp folder beside it and renamed into place, so a reader never sees half an entry. Another
 * build may store the same entry meanwhile: the first rename wins and the others use its entry
 * (it is as good as theirs). An entry in place is never removed or rewritten while builds may
 * read it: a damaged one is renamed aside (setAside) and removed by pruning a day later.
 */
import { copyFileSync, linkSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { removeOnInterrupt } from '../interrupt.js';

/** Names of temp and set-aside folders: no reader looks at them; pruning removes them by age. */
export const TEMP_PREFIX = '.partial-';

/**
 * Writes the entry `name` in `dir` through `fill`. Resolves to false when another build's entry
 * was there first (ours is dropped). Errors of the file system (a read-only or full disk) are
 * thrown: callers treat them as a cache that cannot be written.
 */
export async function writeEntryFolder(
  dir: string,
  name: string,
  fill: (partial: string) => Promise<void>,
): Promise<boolean> {
  await mkdir(dir, { recursive: true });
  const partial = await mkdtemp(join(dir, TEMP_PREFIX));
  const forget = removeOnInterrupt(partial);
  try {
    await fill(partial);
    try {
      await rename(partial, join(dir, name));
      return true;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOTEMPTY' || code === 'EEXIST') return false;
      throw error;
    }
  } finally {
    await rm(partial, { recursive: true, force: true });
    forget();
  }
}

/**
 * Renames a damaged entry out of the way (into `dir`, under a temp name carrying the time), so
 * the next store can put a good one in its place. Never removed here: a build may still hold
 * it open; pruning removes it once it is a day old. Gone already (another build set it aside): fine.
 */
export async function setAside(entry: string, dir: string): Promise<void> {
  const aside = join(
    dir,
    `${TEMP_PREFIX}aside-${Date.now()}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
  );
  await rename(entry, aside).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
}

/** When a temp or set-aside folder was made: the time in its name, else its modification time. */
export async function tempFolderTime(path: string, name: string): Promise<number> {
  const named = /-aside-(\d+)-/.exec(name)?.[1];
  return named ? Number(named) : (await stat(path)).mtimeMs;
}

/**
 * A hard link from `to` to `from` (a new directory entry for the same file, no bytes written),
 * or a copy where the file system refuses links (another device, no link support). Both files
 * must never be written in place afterwards: the build only adds and removes files.
 */
export function linkOrCopy(from: string, to: string): void {
  try {
    linkSync(from, to);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EMLINK') throw error;
    copyFileSync(from, to);
  }
}

/**
 * Touches the index file of an entry a build used: entryLastUsed reads it back, and so do the
 * Actions cache store (which saves only what the build used) and the CLI's pruning.
 */
export async function markEntryUsed(indexFile: string): Promise<void> {
  const now = new Date();
  await utimes(indexFile, now, now).catch(() => undefined);
}

/**
 * When an entry was last used: the newest modification time of the files directly in it (its
 * index file, touched on every use: a file's time survives the Actions cache's archive, a
 * folder's is less certain to).
 */
export async function entryLastUsed(entry: string): Promise<number> {
  let newest = 0;
  for (const item of await readdir(entry, { withFileTypes: true })) {
    if (item.isFile()) newest = Math.max(newest, (await stat(join(entry, item.name))).mtimeMs);
  }
  return newest;
}

/**
 * The per-wheel cache's subfolders, one per kind of entry: pycs with their deflated bytes
 * (layer/wheel-bytecode.ts, layer/wheel-deflated.ts), ELF facts (layer/wheel-elf-facts.ts).
 */
export const WHEEL_ENTRY_FOLDERS = { bytecode: 'bytecode', elf: 'elf' } as const;
