/**
 * Lists what goes into a layer zip: every directory and regular file under a root, as archive
 * names relative to it with `/` separators, sorted bytewise so the archive order never depends
 * on the file system's readdir order.
 *
 * Symlinks are followed only while they stay inside the tree (a layer is extracted under /opt,
 * where a link to the build machine's files would dangle or, worse, leak them): the entry takes
 * the link's path and the target's content. Links pointing outside and special files (sockets,
 * FIFOs, devices) are refused with an error naming the file.
 */
import type { Dirent } from 'node:fs';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../errors.js';

export interface TreeEntry {
  /** Archive name: relative to the root, `/`-separated, directories end in `/`. */
  readonly name: string;
  /** UTF-8 bytes of `name`: what goes in the headers and what the order is defined on. */
  readonly nameBytes: Buffer;
  readonly isDirectory: boolean;
  /** Path to read the content from (for a followed symlink, the link itself). */
  readonly sourcePath: string;
  /** Size in bytes when listed (0 for directories); the writer uses what it actually reads. */
  readonly size: number;
  /** st_mode of the file (of the link's target for a followed symlink). */
  readonly statMode: number;
  /** The file's identity and last change when listed (regular files that are not links). */
  readonly witness?: FileWitness;
}

/**
 * What identifies a file's content without reading it: its inode, size and last modification
 * and status-change times. Writing to the file changes mtime and ctime; ctime cannot be set
 * back (utimes sets mtime, and itself changes ctime), so an equal witness means nobody wrote to
 * it since it was taken (but in the same few milliseconds: the kernel's clock tick for file
 * times; the build's later stages start long after).
 */
export interface FileWitness {
  readonly ino: number;
  readonly size: number;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
}

export function witnessOf(stat: fs.Stats): FileWitness {
  return { ino: stat.ino, size: stat.size, mtimeMs: stat.mtimeMs, ctimeMs: stat.ctimeMs };
}

export function sameWitness(a: FileWitness | undefined, b: FileWitness | undefined): boolean {
  return (
    a !== undefined &&
    b !== undefined &&
    a.ino === b.ino &&
    a.size === b.size &&
    a.mtimeMs === b.mtimeMs &&
    a.ctimeMs === b.ctimeMs
  );
}

/** Lists the tree under `root`, sorted by the UTF-8 bytes of the archive names. */
export function listTree(root: string): TreeEntry[] {
  let realRoot: string;
  try {
    realRoot = fs.realpathSync(root);
  } catch (error) {
    throw new UserError(`Cannot read the layer directory ${root}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const entries: TreeEntry[] = [];
  walk(root, '', [realRoot], realRoot, entries);
  entries.sort((a, b) => Buffer.compare(a.nameBytes, b.nameBytes));
  return entries;
}

function walk(
  dir: string,
  prefix: string,
  // Real paths of the directories from the root down to `dir`: a followed link to any of them is a cycle.
  ancestors: readonly string[],
  realRoot: string,
  out: TreeEntry[],
): void {
  for (const child of fs.readdirSync(dir, { withFileTypes: true }))
    visit(child, dir, prefix, ancestors, realRoot, out);
}

function visit(
  child: Dirent,
  dir: string,
  prefix: string,
  ancestors: readonly string[],
  realRoot: string,
  out: TreeEntry[],
): void {
  const sourcePath = path.join(dir, child.name);
  const name = prefix + child.name;
  if (child.name.includes('\uFFFD')) {
    throw new UserError(`File name is not valid UTF-8: ${sourcePath}`, {
      hint: 'Rename the file; ZIP names in a layer are stored as UTF-8.',
    });
  }
  if (child.isDirectory()) {
    out.push(entry(`${name}/`, true, sourcePath, 0, 0o40755));
    const real = path.join(ancestors[ancestors.length - 1] as string, child.name);
    walk(sourcePath, `${name}/`, [...ancestors, real], realRoot, out);
    return;
  }
  if (child.isFile()) {
    const stat = fs.statSync(sourcePath);
    out.push({ ...entry(name, false, sourcePath, stat.size, stat.mode), witness: witnessOf(stat) });
    return;
  }
  if (child.isSymbolicLink()) {
    visitSymlink(sourcePath, name, ancestors, realRoot, out);
    return;
  }
  throw new UserError(
    `Cannot put special file ${sourcePath} in the layer zip (not a file, directory or link)`,
    {
      hint: 'Remove sockets, FIFOs and device files from the layer directory.',
    },
  );
}

function visitSymlink(
  sourcePath: string,
  name: string,
  ancestors: readonly string[],
  realRoot: string,
  out: TreeEntry[],
): void {
  const target = fs.readlinkSync(sourcePath);
  let real: string;
  try {
    real = fs.realpathSync(sourcePath);
  } catch {
    throw new UserError(`Symlink ${sourcePath} -> ${target} is broken`, {
      hint: 'Remove the link or make it point at a file inside the layer directory.',
    });
  }
  if (real !== realRoot && !real.startsWith(realRoot + path.sep)) {
    throw new UserError(`Symlink ${sourcePath} -> ${target} points outside the layer directory`, {
      hint: 'Layers are extracted under /opt, where that target does not exist: copy the file into the layer instead.',
    });
  }
  const stat = fs.statSync(real);
  if (stat.isFile()) {
    out.push(entry(name, false, sourcePath, stat.size, stat.mode));
    return;
  }
  if (stat.isDirectory()) {
    if (ancestors.includes(real)) {
      throw new UserError(`Symlink ${sourcePath} -> ${target} makes a directory cycle`, {
        hint: 'Remove the link; it points at one of its own parent directories.',
      });
    }
    out.push(entry(`${name}/`, true, sourcePath, 0, stat.mode));
    walk(real, `${name}/`, [...ancestors, real], realRoot, out);
    return;
  }
  throw new UserError(`Symlink ${sourcePath} -> ${target} points at a special file`, {
    hint: 'Remove sockets, FIFOs and device files from the layer directory.',
  });
}

function entry(
  name: string,
  isDirectory: boolean,
  sourcePath: string,
  size: number,
  statMode: number,
): TreeEntry {
  return { name, nameBytes: Buffer.from(name, 'utf8'), isDirectory, sourcePath, size, statMode };
}
