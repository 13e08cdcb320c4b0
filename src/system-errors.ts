/**
 * Errors nobody anticipated, said in one line. An operating-system error (a path that is a
 * file, a read-only disk, a name too long) names the path and what it means; anything else is
 * its message, with the stack left for --verbose / debug: a stack is never the message.
 */
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
