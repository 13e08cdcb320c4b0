/**
 * Per-wheel bytecode cache. A target pyc compiled here is a function of the source's bytes, its
 * path under python/, the interpreter's version and the invalidation mode (compileBytecode pins
 * the rest: PYTHONHASHSEED=0, /opt/python as the recorded path). A wheel fixes both the bytes and
 * the paths of its files, so the pycs of the files a wheel put in the layer are cached under
 * sha256(wheel sha256, Python version, mode): a rebuild after one pin changes compiles only the
 * changed wheels' modules and copies the rest.
 *
 * Entry: <dir>/<key>/index.json ({ pycs: { "<pyc path>": [offset, length, sha256] }, failed:
 * [<py path>] }) and the pycs one after another in <dir>/<key>/pycs.bin. Written to a temp
 * folder and renamed into place; a pyc whose sha256 no longer matches the index (a damaged
 * cache) makes the whole entry a miss, set aside (cache/entry-folder.ts) and written again after
 * compiling. Nothing reaches the layer before every pyc it takes is checked.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { markEntryUsed, setAside, writeEntryFolder } from '../cache/entry-folder.js';

/** Bump when what an entry holds, or how a pyc is compiled, changes. */
const FORMAT = 2;
/**
 * The entry's pycs, one after another: one file per wheel, where a file per pyc cost the first
 * build ~0.8 ms each to create on the benchmark machine's disk (1,006 pycs for the data layer).
 */
const BUNDLE = 'pycs.bin';

type Placed = [offset: number, length: number, sha256: string];

export interface CacheIndex {
  /** pyc path under python/ -> where its bytes sit in the bundle, and their sha256. */
  readonly pycs: Record<string, Placed>;
  /** Sources under python/ that did not compile (listed again on a hit). */
  readonly failed: readonly string[];
}

export function wheelBytecodeKey(wheelSha256: string, pythonVersion: string, mode: string): string {
  return createHash('sha256')
    .update(JSON.stringify({ format: FORMAT, wheel: wheelSha256, python: pythonVersion, mode }))
    .digest('hex');
}

export function sha256(bytes: Buffer): string {
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
 * Writes a cached entry's pycs into `pythonDir` (only those whose source is in `sources`, the
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
  const bundle = index && readFileSyncOrUndefined(join(entry, BUNDLE));
  if (!index || !bundle) {
    if (existsSync(entry)) await setAside(entry, dir);
    return undefined;
  }
  // Check everything before writing anything into the layer.
  const failed = new Set(index.failed);
  const restored: [string, Buffer][] = [];
  for (const source of sources) {
    if (failed.has(source)) continue;
    const pyc = pycOf(source);
    const placed = index.pycs[pyc];
    const bytes = placed && bundle.subarray(placed[0], placed[0] + placed[1]);
    if (!placed || !bytes || bytes.length !== placed[1] || sha256(bytes) !== placed[2]) {
      await setAside(entry, dir);
      return undefined;
    }
    restored.push([pyc, bytes]);
  }
  // Synchronous, as src/wheel/install.ts writes files.
  const made = new Set<string>();
  for (const [pyc, bytes] of restored) {
    const target = join(pythonDir, pyc);
    if (!made.has(dirname(target))) {
      mkdirSync(dirname(target), { recursive: true });
      made.add(dirname(target));
    }
    writeFileSync(target, bytes);
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
    const pycs: Record<string, Placed> = {};
    const failed: string[] = [];
    const parts: Buffer[] = [];
    let offset = 0;
    for (const source of sources) {
      const pyc = pycOf(source);
      const bytes = readFileSyncOrUndefined(join(pythonDir, pyc));
      if (!bytes) {
        failed.push(source);
        continue;
      }
      pycs[pyc] = [offset, bytes.length, sha256(bytes)];
      parts.push(bytes);
      offset += bytes.length;
    }
    await writeFile(join(partial, BUNDLE), Buffer.concat(parts));
    await writeFile(join(partial, 'index.json'), JSON.stringify({ pycs, failed } satisfies CacheIndex));
  });
}
