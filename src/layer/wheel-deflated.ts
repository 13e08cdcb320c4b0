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
 * used only by the same ones. Files: <entry>/deflated.bin (the bytes, one pyc after another) and
 * <entry>/deflated.json ({ zlib, level, sha256 of deflated.bin, pycs: { "<pyc path>":
 * [offset, compressedSize, method, crc32, size] } }). A file that does not parse or match its
 * sha256 is removed (the pycs themselves stay usable) and written again after the next zip.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { withZipArchive } from '../zip/reader.js';
import { type CompressedSource, DEFAULT_ZIP_LEVEL } from '../zip/writer.js';
import { readBytecodeIndex, sha256, wheelBytecodeKey } from './wheel-bytecode.js';

type Placed = [offset: number, compressedSize: number, method: number, crc32: number, size: number];

interface DeflatedIndex {
  readonly zlib: string;
  readonly level: number;
  readonly sha256: string;
  readonly pycs: Record<string, Placed>;
}

export interface DeflatedPycs {
  /** Compressed sources for the zip writer, by archive name (python/...). */
  readonly sources: Map<string, CompressedSource>;
  /** Wheels whose pycs were deflated from scratch: stores their bytes from the finished zip. */
  storeMisses(zipPath: string): Promise<void>;
}

/** `pkg/__pycache__/mod.cpython-311.pyc` -> `pkg/mod.py`. */
function sourceOf(pyc: string): string {
  const match = /^(.*?)__pycache__\/([^/]+?)\.[^./]+\.pyc$/.exec(pyc);
  return match ? `${match[1]}${match[2]}.py` : pyc;
}

/** The entry's deflated bytes, when present, intact and made by this zlib at this level. */
async function readDeflated(entry: string): Promise<DeflatedIndex | undefined> {
  const text = await readFile(join(entry, 'deflated.json'), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const index = JSON.parse(text) as DeflatedIndex;
    if (index.zlib !== process.versions.zlib || index.level !== DEFAULT_ZIP_LEVEL) return undefined;
    if (sha256(await readFile(join(entry, 'deflated.bin'))) === index.sha256) return index;
  } catch {
    // Damaged: removed below.
  }
  await rm(join(entry, 'deflated.json'), { force: true });
  await rm(join(entry, 'deflated.bin'), { force: true });
  return undefined;
}

/**
 * The cached deflated pycs of every wheel in `owners` (python/-relative path -> wheel sha256)
 * whose bytecode entry has them; the rest are stored from the zip by storeMisses.
 */
export async function loadDeflatedPycs(
  bytecodeDir: string,
  owners: ReadonlyMap<string, string>,
  pythonVersion: string,
): Promise<DeflatedPycs> {
  const sources = new Map<string, CompressedSource>();
  const misses: { entry: string; pycs: string[] }[] = [];
  for (const wheel of new Set(owners.values())) {
    const entry = join(bytecodeDir, wheelBytecodeKey(wheel, pythonVersion, 'unchecked-hash'));
    const index = await readBytecodeIndex(entry);
    if (!index) continue; // no bytecode entry: nothing to add to
    const pycs = Object.keys(index.pycs);
    const deflated = await readDeflated(entry);
    if (!deflated) {
      misses.push({ entry, pycs });
      continue;
    }
    const file = join(entry, 'deflated.bin');
    for (const pyc of pycs) {
      const placed = deflated.pycs[pyc];
      // Only pycs of sources this wheel's copy provides (a later wheel may have replaced one).
      if (!placed || owners.get(sourceOf(pyc)) !== wheel) continue;
      const [dataStart, compressedSize, method, crc32, size] = placed;
      sources.set(`python/${pyc}`, { file, dataStart, compressedSize, method, crc32, size });
    }
  }
  return {
    sources,
    storeMisses: async (zipPath) => {
      if (misses.length === 0) return;
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
              pycs: placed,
            };
            // The .bin first, the .json naming it last: a reader sees both or neither.
            await writeFile(join(entry, 'deflated.bin.partial'), data);
            await rename(join(entry, 'deflated.bin.partial'), join(entry, 'deflated.bin'));
            await writeFile(join(entry, 'deflated.json.partial'), JSON.stringify(index));
            await rename(join(entry, 'deflated.json.partial'), join(entry, 'deflated.json'));
          }
        } finally {
          closeSync(fd);
        }
      });
    },
  };
}
