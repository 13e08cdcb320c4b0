/**
 * Errors nobody anticipated, said in one line. An operating-system error (a path that is a
 * file, a read-only disk, a name too long) names the path and what it means; anything else is
 * its message, with the stack left for --verbose / debug: a stack is never the message.
 */
import { statfs } from 'node:fs/promises';
import { sep } from 'node:path';
import { ACTION_NAMING, describeError, type InputNaming, UserError } from './errors.js';

const ERRNO_MEANING: Readonly<Record<string, string>> = {
  ENOENT: 'does not exist',
  EACCES: 'is not writable or readable by this user (permission denied)',
  EPERM: 'cannot be changed by this user (operation not permitted)',
  EROFS: 'is on a read-only file system',
  ENOSPC: 'cannot be written: the disk is full',
  EDQUOT: 'cannot be written: the disk quota is exceeded',
  ENAMETOOLONG: 'is too long a path for this system',
  ENOTDIR: 'has a file where a folder is expected',
  EISDIR: 'is a folder where a file is expected',
  EEXIST: 'already exists',
  ELOOP: 'has too many levels of symbolic links (a link pointing to itself?)',
  EMFILE: 'cannot be opened: too many open files',
};

interface SystemError {
  readonly code: string;
  readonly path?: string;
  readonly syscall?: string;
}

function systemError(error: unknown): SystemError | undefined {
  const e = error as { code?: unknown; path?: unknown; syscall?: unknown };
  if (typeof e?.code !== 'string' || !(e.code in ERRNO_MEANING)) return undefined;
  return {
    code: e.code,
    path: typeof e.path === 'string' ? e.path : undefined,
    syscall: typeof e.syscall === 'string' ? e.syscall : undefined,
  };
}

/** One line for an error the user sees; the stack (for a bug) is `detail`, shown only in debug. */
export function explainError(
  error: unknown,
  naming: InputNaming = ACTION_NAMING,
): { message: string; detail?: string; expected: boolean } {
  if (error instanceof UserError) return { message: describeError(error, naming), expected: true };
  const system = systemError(error);
  if (system) {
    const what = system.path ?? 'a file';
    return {
      message: `${what} ${ERRNO_MEANING[system.code]} (${system.code}${system.syscall ? ` in ${system.syscall}` : ''})`,
      detail: error instanceof Error ? error.stack : undefined,
      expected: true,
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return {
    message: `unexpected error: ${message.split('\n')[0]} (a bug in lambda-layer; the trace is in the debug output: --verbose, or the runner's step debug logging)`,
    detail: error instanceof Error ? error.stack : undefined,
    expected: false,
  };
}

/** A folder the build writes to, as a message names it when its disk fills up. */
export interface WrittenFolder {
  readonly dir: string;
  /** What it is, e.g. "the output folder /work/out". */
  readonly what: string;
  /** What to do when it is full. */
  readonly hint: string;
}

/** A folder with less than this free is taken to be the one that filled (an error without a path). */
const NEARLY_FULL_BYTES = 64 * 1024 ** 2;

async function freeBytes(dir: string): Promise<number | undefined> {
  const stats = await statfs(dir).catch(() => undefined);
  return stats ? stats.bavail * stats.bsize : undefined;
}

function mib(bytes: number): string {
  return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
}

/**
 * A full disk (ENOSPC, EDQUOT) said as which of the build's folders filled and what to do. The
 * folder is the one holding the error's path, or, for a write through an open file (no path),
 * the first nearly full one. Any other error, or one no folder explains, passes through.
 */
export async function explainNoSpace(error: unknown, folders: readonly WrittenFolder[]): Promise<unknown> {
  const e = error as { code?: unknown; path?: unknown; dest?: unknown };
  if (e?.code !== 'ENOSPC' && e?.code !== 'EDQUOT') return error;
  const path = typeof e.dest === 'string' ? e.dest : typeof e.path === 'string' ? e.path : undefined;
  let folder: WrittenFolder | undefined;
  if (path !== undefined) {
    folder = [...folders]
      .filter((f) => path === f.dir || path.startsWith(f.dir.endsWith(sep) ? f.dir : f.dir + sep))
      .sort((a, b) => b.dir.length - a.dir.length)[0];
  } else {
    for (const candidate of folders) {
      const free = await freeBytes(candidate.dir);
      if (free !== undefined && free < NEARLY_FULL_BYTES) {
        folder = candidate;
        break;
      }
    }
  }
  if (!folder) return error;
  const free = await freeBytes(folder.dir);
  const why = e.code === 'EDQUOT' ? 'the disk quota is exceeded' : 'its disk is full';
  return new UserError(
    `${folder.what} cannot be written: ${why} (${e.code}${free !== undefined ? `, ${mib(free)} free` : ''})`,
    { hint: folder.hint, cause: error },
  );
}
