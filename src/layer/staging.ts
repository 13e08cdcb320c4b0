/**
 * Where a build stages its layer tree (pip's downloads and other scratch files stay in the
 * system temp folder). The tree is thousands of small files
 * written once, read by the stages and deleted within seconds: on Linux a RAM file system
 * (/dev/shm) does that at memory speed. On a disk it costs more, and on some file systems much
 * more: on ext4 without a journal, creating a file scans past every inode freed in the last
 * minutes (ext4's recently_deleted()), so a build that follows another one's cleanup took
 * 10-13 s instead of 7 s on the data workload (README, "Speed").
 *
 * RAM is used only when it is plentiful: a tmpfs with STAGING_RAM_MIN_FREE_BYTES free, many
 * times what a Lambda layer may hold unzipped, so a layer too large for Lambda still gets as far
 * as the size check that says so. TMPDIR, when set, is the user's choice and always wins.
 */
import { constants } from 'node:fs';
import { access, readFile, statfs } from 'node:fs/promises';
import { UserError } from '../errors.js';

/** statfs(2) f_type of tmpfs (linux/magic.h). */
const TMPFS_MAGIC = 0x01021994;

/** 2 GiB: eight times Lambda's 250 MB unzipped limit (src/target.ts). */
export const STAGING_RAM_MIN_FREE_BYTES = 2 * 1024 ** 3;

/** Linux's RAM-backed folder for shared memory, a tmpfs on every mainstream distribution. */
export const RAM_STAGING_DIR = '/dev/shm';

export interface StagingChoice {
  /** The RAM folder (a tmpfs) the tree's temp folder goes in; absent: beside the scratch files. */
  readonly ramRoot?: string;
  /** Why, for the debug log. */
  readonly reason: string;
}

export interface StagingOptions {
  readonly env: NodeJS.ProcessEnv;
  /** The RAM folder to consider (tests); default RAM_STAGING_DIR. */
  readonly ramDir?: string;
  /** Free bytes it must have (tests); default STAGING_RAM_MIN_FREE_BYTES. */
  readonly minFreeBytes?: number;
  readonly platform?: NodeJS.Platform;
  /** The mount table (tests); default /proc/self/mounts. */
  readonly mounts?: string;
}

/**
 * The options of the mount holding `dir` (the longest mount point above it; the last such line
 * when mounts are stacked), from a /proc/self/mounts text; undefined when none matches.
 */
export function mountOptionsOf(dir: string, mounts: string): string[] | undefined {
  let best: { point: string; options: string[] } | undefined;
  for (const line of mounts.split('\n')) {
    const [, rawPoint, , options] = line.split(' ');
    if (!rawPoint || !options) continue;
    // The kernel writes space, tab, newline and backslash in octal escapes.
    const point = rawPoint.replace(/\\([0-7]{3})/g, (_, octal: string) =>
      String.fromCharCode(Number.parseInt(octal, 8)),
    );
    const inside = point === '/' || dir === point || dir.startsWith(`${point}/`);
    if (inside && (!best || point.length >= best.point.length)) best = { point, options: options.split(',') };
  }
  return best?.options;
}

/** Where to stage the tree: the RAM folder when allowed and roomy, else the temp folder. */
export async function chooseStagingRoot(options: StagingOptions): Promise<StagingChoice> {
  const disk = (reason: string): StagingChoice => ({ reason });
  if (options.env.TMPDIR) return disk('TMPDIR is set');
  if ((options.platform ?? process.platform) !== 'linux') return disk('no RAM file system here');
  const ramDir = options.ramDir ?? RAM_STAGING_DIR;
  const minFree = options.minFreeBytes ?? STAGING_RAM_MIN_FREE_BYTES;
  try {
    const stats = await statfs(ramDir);
    if (stats.type !== TMPFS_MAGIC) return disk(`${ramDir} is not a tmpfs`);
    const free = stats.bavail * stats.bsize;
    if (free < minFree) return disk(`${ramDir} has ${free} bytes free, under ${minFree}`);
    await access(ramDir, constants.W_OK | constants.X_OK);
    // The import proof loads the layer's extension modules from the tree: mmap with PROT_EXEC,
    // which a noexec mount refuses (hardened hosts mount /dev/shm so).
    const mounts = options.mounts ?? (await readFile('/proc/self/mounts', 'utf8'));
    if (mountOptionsOf(ramDir, mounts)?.includes('noexec')) return disk(`${ramDir} is mounted noexec`);
  } catch {
    return disk(`${ramDir} is missing or not writable`);
  }
  return { ramRoot: ramDir, reason: `${ramDir} is a tmpfs with room` };
}

/** A RAM folder with less than this free is taken to be the one that filled up. */
const NEARLY_FULL_BYTES = 64 * 1024 ** 2;

/**
 * A full RAM folder is the build's own choice, not the user's disk: say so, and how to stage on
 * a disk instead. Other errors pass through. An error without a path (a write through an open
 * file) is the staging's when the RAM folder is nearly full now.
 */
export async function explainStagingFull(
  error: unknown,
  staging: StagingChoice,
  stagingDir: string,
): Promise<unknown> {
  const e = error as { code?: unknown; path?: unknown };
  if (!staging.ramRoot || e?.code !== 'ENOSPC') return error;
  if (typeof e.path === 'string') {
    if (!e.path.startsWith(stagingDir)) return error;
  } else {
    const stats = await statfs(staging.ramRoot).catch(() => undefined);
    if (!stats || stats.bavail * stats.bsize >= NEARLY_FULL_BYTES) return error;
  }
  return new UserError(
    `the build's temporary folder ${stagingDir} ran out of space: ${staging.ramRoot} is RAM (a tmpfs) and is full`,
    { hint: 'set TMPDIR to a folder on a disk with room for the unpacked packages, and build again' },
  );
}
