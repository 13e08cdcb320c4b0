/**
 * The output folder is checked before anything is built: a build that would end in a folder it
 * cannot write should fail in a second with the path named, not after minutes of pip with an
 * operating-system error. Nothing is created here (a failed build leaves no new folder).
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { UserError } from '../errors.js';

/** Linux's limits (PATH_MAX, NAME_MAX). */
const MAX_PATH_BYTES = 4095;
const MAX_NAME_BYTES = 255;
const HINT = 'choose another output folder (CLI --out DIR, action input output-dir)';

/** The path itself or the nearest ancestor that exists, and whether it is a folder. */
async function nearestExisting(path: string): Promise<{ path: string; isDirectory: boolean }> {
  let current = path;
  for (;;) {
    try {
      return { path: current, isDirectory: (await stat(current)).isDirectory() };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ELOOP') {
        throw new UserError(`output folder ${path} goes through a symbolic link that points to itself`, {
          hint: HINT,
        });
      }
      // ENOTDIR: an ancestor is a file; going up finds it.
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
      const parent = dirname(current);
      if (parent === current) return { path: current, isDirectory: true };
      current = parent;
    }
  }
}

/** Throws a UserError naming `outDir` when layer.zip cannot be written into it. */
export async function checkOutDir(outDir: string): Promise<void> {
  const path = resolve(outDir);
  const longName = path.split('/').some((part) => Buffer.byteLength(part) > MAX_NAME_BYTES);
  if (longName || Buffer.byteLength(path) > MAX_PATH_BYTES) {
    const limit = longName ? `a folder name over ${MAX_NAME_BYTES} bytes` : `over ${MAX_PATH_BYTES} bytes`;
    throw new UserError(`output folder ${path.slice(0, 100)}... is too long a path (${limit})`, {
      hint: HINT,
    });
  }
  const existing = await nearestExisting(path);
  const where =
    existing.path === path
      ? `output folder ${path}`
      : `output folder ${path} cannot be created: ${existing.path}`;
  if (!existing.isDirectory) {
    throw new UserError(`${where} is a file, not a folder`, {
      hint: existing.path === path ? `remove or rename the file, or ${HINT}` : HINT,
    });
  }
  try {
    await access(existing.path, constants.W_OK | constants.X_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'EROFS' ? 'is on a read-only file system' : 'is not writable by this user';
    throw new UserError(`${where} ${why} (${code})`, { hint: HINT });
  }
}
