/**
 * How every per-wheel cache entry (bytecode, ELF facts) is written: filled in a
 * temp folder beside it and renamed into place, so a reader never sees half an entry. Another
 * build may store the same entry meanwhile: its copy is as good as ours.
 */
import { copyFileSync, existsSync, linkSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';

export async function writeEntryFolder(
  dir: string,
  name: string,
  fill: (partial: string) => Promise<void>,
): Promise<void> {
  await mkdir(dir, { recursive: true });
  const partial = await mkdtemp(join(dir, '.partial-'));
  try {
    await fill(partial);
    await rm(join(dir, name), { recursive: true, force: true });
    await rename(partial, join(dir, name)).catch(async (error: NodeJS.ErrnoException) => {
      if (!existsSync(join(dir, name))) throw error;
      await rm(partial, { recursive: true, force: true });
    });
  } catch (error) {
    await rm(partial, { recursive: true, force: true });
    throw error;
  }
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
