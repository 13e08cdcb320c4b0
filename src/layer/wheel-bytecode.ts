/**
 * Per-wheel bytecode cache. A target pyc compiled here is a function of the source's bytes, its
 * path under python/, the interpreter's version and the invalidation mode (compileBytecode pins
 * the rest: PYTHONHASHSEED=0, /opt/python as the recorded path). A wheel fixes both the bytes and
 * the paths of its files, so the pycs of the files a wheel put in the layer are cached under
 * sha256(wheel sha256, Python version, mode): a rebuild after one pin changes compiles only the
 * changed wheels' modules and copies the rest.
 *
 * Entry: <dir>/<key>/index.json ({ pycs: { "<pyc path>": "<sha256>" }, failed: [<py path>] })
 * and the pycs under <dir>/<key>/files/. Written to a temp folder and renamed into place; a
 * pyc whose sha256 no longer matches the index (a damaged cache) makes the whole entry a miss,
 * removed and written again after compiling.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { linkOrCopy, markEntryUsed, writeEntryFolder } from '../cache/entry-folder.js';

/** Bump when what an entry holds, or how a pyc is compiled, changes. */
const FORMAT = 1;

export interface CacheIndex {
  /** pyc path under python/ -> sha256 of its bytes. */
  readonly pycs: Record<string, string>;
  /** Sources under python/ that did not compile (listed again on a hit). */
  readonly failed: readonly string[];
}

export function wheelBytecodeKey(wheelSha256: string, pythonVersion: string, mode: string): string {
  return createHash('sha256')
    .update(JSON.stringify({ format: FORMAT, wheel: wheelSha256, python: pythonVersion, mode }))
    .digest('hex');
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** An entry's index, or undefined when there is none or it does not parse as one. */
export async function readBytecodeIndex(entry: string): Promise<CacheIndex | undefined> {
  try {
    const index = JSON.parse(await readFile(join(entry, 'index.json'), 'utf8')) as CacheIndex;
    return typeof index.pycs === 'object' && index.pycs !== null && Array.isArray(index.failed)
      ? index
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Copies a cached entry's pycs into `pythonDir` (only those whose source is in `sources`, the
 * .py paths this wheel still has in the layer). Returns the entry's index, or undefined when
 * there is no entry or it is damaged (then it is removed).
 */
export async function restoreWheelBytecode(
  dir: string,
  key: string,
  pythonDir: string,
  pycOf: (source: string) => string,
  sources: readonly string[],
): Promise<CacheIndex | undefined> {
  const entry = join(dir, key);
  const index = await readBytecodeIndex(entry);
  if (!index) {
    if (existsSync(entry)) await rm(entry, { recursive: true, force: true });
    return undefined;
  }
  // Read and check everything before writing anything into the layer.
  const failed = new Set(index.failed);
  const restored: [string, Buffer][] = [];
  for (const source of sources) {
    if (failed.has(source)) continue;
    const pyc = pycOf(source);
    const expected = index.pycs[pyc];
    const bytes = expected ? readFileSyncOrUndefined(join(entry, 'files', pyc)) : undefined;
    if (!bytes || sha256(bytes) !== expected) {
      await rm(entry, { recursive: true, force: true });
      return undefined;
    }
    restored.push([pyc, bytes]);
  }
  // Synchronous, as src/wheel/install.ts writes files. A hard link to the checked file costs a
  // directory entry where a new file costs an inode too (see src/wheel/tree-cache.ts); the
  // bytes are written only where links are refused.
  const made = new Set<string>();
  for (const [pyc, bytes] of restored) {
    const target = join(pythonDir, pyc);
    if (!made.has(dirname(target))) {
      mkdirSync(dirname(target), { recursive: true });
      made.add(dirname(target));
    }
    try {
      linkOrCopy(join(entry, 'files', pyc), target);
    } catch {
      writeFileSync(target, bytes);
    }
  }
  await markEntryUsed(join(entry, 'index.json'));
  return index;
}

function readFileSyncOrUndefined(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

/** Stores the pycs of one wheel's sources (compiled in `pythonDir`) under `key`. */
export async function storeWheelBytecode(
  dir: string,
  key: string,
  pythonDir: string,
  pycOf: (source: string) => string,
  sources: readonly string[],
): Promise<void> {
  await writeEntryFolder(dir, key, async (partial) => {
    const pycs: Record<string, string> = {};
    const failed: string[] = [];
    for (const source of sources) {
      const pyc = pycOf(source);
      const bytes = readFileSyncOrUndefined(join(pythonDir, pyc));
      if (!bytes) {
        failed.push(source);
        continue;
      }
      pycs[pyc] = sha256(bytes);
      const target = join(partial, 'files', pyc);
      await mkdir(dirname(target), { recursive: true });
      // The tree's pyc is never written again (the build only adds and removes files): the
      // entry can share it.
      linkOrCopy(join(pythonDir, pyc), target);
    }
    await writeFile(join(partial, 'index.json'), JSON.stringify({ pycs, failed } satisfies CacheIndex));
  });
}
