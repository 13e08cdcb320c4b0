/**
 * The deflated bytes of a wheel's pycs, kept beside them in its per-wheel bytecode entry
 * (./wheel-bytecode.ts), so a rebuild after one pin changes deflates only the changed wheels'
 * pycs: the others are copied into layer.zip as they were compressed before, as the wheels' own
 * files are (zip/writer.ts `compressed`). Deflating the pycs is most of the zip writer's CPU
 * (53 MB of pycs in the data benchmark's layer).
 *
 * The bytes are taken from a finished layer.zip, so they are exactly what the writer produces
 * for that pyc (deflated, or stored when deflate does not shrink it). They are a function of the
 * pyc, the zlib level and the zlib build (Node bundles its own): an entry records both and is
 * used only by the same ones. Folder <entry>/deflated, written whole and renamed into place
 * (cache/entry-folder.ts): bytes.bin (the bytes, one pyc after another) and index.json ({ zlib,
 * level, sha256 of bytes.bin, sha256 of the placement table, pycs: { "<pyc path>": [offset,
 * compressedSize, method, crc32, size] } }).
 *
 * Nothing from it reaches the zip unproven: both digests must match, and every span the build
 * takes must inflate to `size` bytes with that `crc32` (the zip writer then copies it only when
 * the pyc in the tree, itself checked against its sha256 by wheel-bytecode.ts, has that same
 * size and CRC-32). A damaged folder is set aside and stored again after the zip is written.
 * The build reads the bytes through a hard link of its own, so no other build's pruning or
 * repair can take them away between the check and the copy.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { linkOrCopy, setAside, TEMP_PREFIX, writeEntryFolder } from '../cache/entry-folder.js';
import { removeOnInterrupt } from '../interrupt.js';
import { crc32, METHOD_DEFLATED, METHOD_STORED } from '../zip/format.js';
import { withZipArchive } from '../zip/reader.js';
import { type CompressedSource, DEFAULT_ZIP_LEVEL } from '../zip/writer.js';
import { readBytecodeIndex, sha256, wheelBytecodeKey } from './wheel-bytecode.js';

type Placed = [offset: number, compressedSize: number, method: number, crc32: number, size: number];

interface DeflatedIndex {
  readonly zlib: string;
  readonly level: number;
  /** sha256 of bytes.bin. */
  readonly sha256: string;
  /** sha256 of JSON.stringify(pycs): the placement table is proven as the bytes are. */
  readonly table: string;
  readonly pycs: Record<string, Placed>;
}

const FOLDER = 'deflated';
const BYTES = 'bytes.bin';
const INDEX = 'index.json';

export interface DeflatedPycs {
  /** Compressed sources for the zip writer, by archive name (python/...). */
  readonly sources: Map<string, CompressedSource>;
  /** Entries whose deflated bytes failed a check (path: why): deflated again and stored again. */
  readonly damaged: readonly string[];
  /** Wheels whose pycs were deflated from scratch: stores their bytes from the finished zip. */
  storeMisses(zipPath: string): Promise<void>;
}

/** `pkg/__pycache__/mod.cpython-311.pyc` -> `pkg/mod.py`. */
function sourceOf(pyc: string): string {
  const match = /^(.*?)__pycache__\/([^/]+?)\.[^./]+\.pyc$/.exec(pyc);
  return match ? `${match[1]}${match[2]}.py` : pyc;
}

/** Why `bytes` is not the span `placed` says it is, or undefined when it inflates to exactly that. */
function spanProblem(bytes: Buffer, placed: Placed): string | undefined {
  const [, compressedSize, method, crc, size] = placed;
  if (bytes.length !== compressedSize) return 'it lies outside the bytes';
  let data: Buffer;
  try {
    if (method === METHOD_STORED) data = bytes;
    else if (method === METHOD_DEFLATED) data = inflateRawSync(bytes, { maxOutputLength: Math.max(size, 1) });
    else return `method ${method}`;
  } catch {
    return 'it does not inflate';
  }
  if (data.length !== size || crc32(data) !== crc) return 'it does not inflate to its size and CRC-32';
  return undefined;
}

/**
 * The entry's deflated bytes (read through `link`, a hard link of this build's own to them),
 * when present, made by this zlib at this level, and intact; else undefined (a damaged folder is
 * set aside: `reason` says why).
 */
async function readDeflated(
  bytecodeDir: string,
  entry: string,
  link: string,
  wanted: readonly string[],
): Promise<{ index: DeflatedIndex } | { reason?: string }> {
  const folder = join(entry, FOLDER);
  const text = await readFile(join(folder, INDEX), 'utf8').catch(() => undefined);
  if (text === undefined) return {};
  let reason: string;
  try {
    const index = JSON.parse(text) as DeflatedIndex;
    if (index.zlib !== process.versions.zlib || index.level !== DEFAULT_ZIP_LEVEL) return {};
    linkOrCopy(join(folder, BYTES), link); // a copy where the file system has no hard links
    const bytes = await readFile(link);
    if (sha256(bytes) !== index.sha256) reason = `${BYTES} does not match its sha256`;
    else if (sha256(Buffer.from(JSON.stringify(index.pycs))) !== index.table)
      reason = 'its placement table does not match its sha256';
    else {
      const bad = wanted.find((pyc) => {
        const placed = index.pycs[pyc];
        return placed && spanProblem(bytes.subarray(placed[0], placed[0] + placed[1]), placed);
      });
      if (!bad) return { index };
      reason = `the bytes placed for ${bad} are not that pyc's`;
    }
  } catch (error) {
    reason = `unreadable (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
  }
  await setAside(folder, bytecodeDir).catch(() => undefined);
  return { reason };
}

/**
 * The cached deflated pycs of every wheel in `owners` (python/-relative path -> wheel sha256)
 * whose bytecode entry has them, each proven; the rest are stored from the zip by storeMisses,
 * which also lets go of this build's links to the bytes. `damaged` names the entries that failed
 * their checks (and why): set aside, their pycs deflated again and stored again.
 */
export async function loadDeflatedPycs(
  bytecodeDir: string,
  owners: ReadonlyMap<string, string>,
  pythonVersion: string,
): Promise<DeflatedPycs> {
  const sources = new Map<string, CompressedSource>();
  const misses: { entry: string; pycs: string[] }[] = [];
  const damaged: string[] = [];
  // In the cache folder itself, so a hard link always works: removed by storeMisses, or by
  // pruning a day later when the build died before (cache/prune-wheels.ts).
  const links = await mkdtemp(join(bytecodeDir, TEMP_PREFIX)).catch(() => undefined);
  const forgetLinks = links ? removeOnInterrupt(links) : () => undefined;
  let linked = 0;
  for (const wheel of new Set(owners.values())) {
    const entry = join(bytecodeDir, wheelBytecodeKey(wheel, pythonVersion, 'unchecked-hash'));
    const index = await readBytecodeIndex(entry);
    if (!index) continue; // no bytecode entry: nothing to add to
    const pycs = Object.keys(index.pycs);
    // Only pycs of sources this wheel's copy provides (a later wheel may have replaced one).
    const wanted = pycs.filter((pyc) => owners.get(sourceOf(pyc)) === wheel);
    const file = links && join(links, `${linked++}.bin`);
    const deflated = file ? await readDeflated(bytecodeDir, entry, file, wanted) : {};
    if (!('index' in deflated)) {
      if ('reason' in deflated && deflated.reason) damaged.push(`${entry}: ${deflated.reason}`);
      misses.push({ entry, pycs });
      continue;
    }
    for (const pyc of wanted) {
      const placed = deflated.index.pycs[pyc];
      if (!placed || !file) continue;
      const [dataStart, compressedSize, method, crc32, size] = placed;
      sources.set(`python/${pyc}`, { file, dataStart, compressedSize, method, crc32, size });
    }
  }
  return {
    sources,
    damaged,
    storeMisses: async (zipPath) => {
      try {
        if (misses.length > 0) await storeFromZip(zipPath, misses);
      } finally {
        if (links) await rm(links, { recursive: true, force: true });
        forgetLinks();
      }
    },
  };
}

/** Stores each missed entry's deflated pycs, taken from the finished zip (see the file comment). */
async function storeFromZip(
  zipPath: string,
  misses: readonly { entry: string; pycs: string[] }[],
): Promise<void> {
  await withZipArchive(zipPath, async (archive) => {
    const byName = new Map(archive.entries.map((e) => [e.name, e]));
    const fd = openSync(zipPath, 'r');
    try {
      for (const { entry, pycs } of misses) {
        const chunks: Buffer[] = [];
        const placed: Record<string, Placed> = {};
        let offset = 0;
        for (const pyc of pycs) {
          const zipped = byName.get(`python/${pyc}`);
          if (!zipped || zipped.size === 0) continue;
          const bytes = Buffer.allocUnsafe(zipped.compressedSize);
          const at = await archive.dataStart(zipped);
          if (readSync(fd, bytes, 0, bytes.length, at) !== bytes.length)
            throw new Error(`${zipPath} is short`);
          chunks.push(bytes);
          placed[pyc] = [offset, zipped.compressedSize, zipped.method, zipped.crc32, zipped.size];
          offset += bytes.length;
        }
        const data = Buffer.concat(chunks);
        const index: DeflatedIndex = {
          zlib: process.versions.zlib ?? '',
          level: DEFAULT_ZIP_LEVEL,
          sha256: sha256(data),
          table: sha256(Buffer.from(JSON.stringify(placed))),
          pycs: placed,
        };
        // Both files in a folder renamed into place whole: a reader sees both or neither.
        await writeEntryFolder(entry, FOLDER, async (partial) => {
          await writeFile(join(partial, BYTES), data);
          await writeFile(join(partial, INDEX), JSON.stringify(index));
        });
      }
    } finally {
      closeSync(fd);
    }
  });
}
