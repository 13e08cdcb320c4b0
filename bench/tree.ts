/** File-tree helpers: sizes, installed distributions, bytecode stripping, read-only trees. */
import { chmod, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

export interface TreeStats {
  /** Sum of regular file sizes. */
  readonly bytes: number;
  readonly files: number;
  /** Of which .pyc files. */
  readonly pycFiles: number;
}

export async function treeStats(dir: string): Promise<TreeStats> {
  let bytes = 0;
  let files = 0;
  let pycFiles = 0;
  async function walk(current: string): Promise<void> {
    for (const entry of await readdir(current, { withFileTypes: true })) {
      const full = join(current, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile()) {
        bytes += (await stat(full)).size;
        files++;
        if (entry.name.endsWith('.pyc')) pycFiles++;
      }
    }
  }
  await walk(dir);
  return { bytes, files, pycFiles };
}

/** PEP 503 normalized project name. */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/** name -> version of every distribution installed in a --target dir, from its .dist-info dirs. */
export async function installedDistributions(pythonDir: string): Promise<Record<string, string>> {
  const found: Record<string, string> = {};
  for (const entry of await readdir(pythonDir)) {
    const match = /^(.+?)-([^-]+)\.dist-info$/.exec(entry);
    if (match) found[normalizeName(match[1] as string)] = match[2] as string;
  }
  return Object.fromEntries(Object.entries(found).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Removes every __pycache__ dir and stray .pyc/.pyo: the same packages with no bytecode at all. */
export async function stripBytecode(dir: string): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === '__pycache__') await rm(full, { recursive: true, force: true });
      else await stripBytecode(full);
    } else if (/\.py[co]$/.test(entry.name)) {
      await rm(full, { force: true });
    }
  }
}

/**
 * chmod a-w on the whole tree, like Lambda's read-only /opt. (Root may still write; the import
 * runs also use -B / PYTHONDONTWRITEBYTECODE=1 and the harness checks no file appeared.)
 */
export async function makeReadOnly(dir: string): Promise<void> {
  await setWritable(dir, false);
}

export async function makeWritable(dir: string): Promise<void> {
  await setWritable(dir, true);
}

async function setWritable(dir: string, writable: boolean): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  if (writable) await chmod(dir, 0o755);
  for (const entry of entries) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) await setWritable(full, writable);
    else if (entry.isFile()) {
      const mode = (await stat(full)).mode & 0o777;
      await chmod(full, writable ? mode | 0o200 : mode & ~0o222);
    }
  }
  if (!writable) await chmod(dir, 0o555);
}

/** Removes a tree made read-only by makeReadOnly. */
export async function removeTree(dir: string): Promise<void> {
  await makeWritable(dir).catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
}
