/**
 * The layer zip takes each unchanged file in the compressed form its wheel holds it (only what
 * the build creates, bytecode and the dist-info files written at install, is deflated here), and
 * stays reproducible: the Flask example built twice in different folders gives the same bytes.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLayer } from '../../src/layer/index.js';
import { memoryLogger } from '../../src/log.js';
import { resolveTarget } from '../../src/target.js';
import { listZip, type ZipEntryInfo } from '../../src/zip/reader.js';
import { machineMirror } from '../support/mirror.js';
import { isolatedPipEnv } from '../support/package-index.js';

const FLASK_EXAMPLE = join(import.meta.dirname, '..', '..', 'examples', 'flask-api', 'requirements.txt');
const mirror = machineMirror();
let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'zip-from-wheels-'));
});
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

async function build(name: string) {
  return buildLayer(
    {
      requirementsFile: FLASK_EXAMPLE,
      target: resolveTarget('python3.11', 'x86_64'),
      outDir: join(work, name, 'out'),
      indexUrl: mirror?.indexUrl,
      extraIndexUrls: mirror?.extraIndexUrls ?? [],
      findLinks: mirror?.findLinks ?? [],
      sdist: 'never',
      bytecode: true,
    },
    memoryLogger(),
    { env: isolatedPipEnv(), keepStaging: true },
  );
}

describe.skipIf(!mirror)('layer.zip from the wheels', () => {
  it("copies the wheels' compressed entries and gives the same zip in two folders", async () => {
    const [a, b] = [await build('a'), await build('b')];
    try {
      expect(b.manifest.layer.sha256).toBe(a.manifest.layer.sha256);
      const layer = new Map((await listZip(a.zipPath)).map((e) => [e.name, e]));
      const wheelDir = join(a.stagingDir as string, 'work', 'wheels');
      const copied: string[] = [];
      let compared = 0;
      for (const wheel of await readdir(wheelDir)) {
        for (const entry of await listZip(join(wheelDir, wheel))) {
          if (
            entry.isDirectory ||
            entry.size === 0 ||
            /\.dist-info\/(RECORD|INSTALLER|REQUESTED)$/.test(entry.name)
          ) {
            continue;
          }
          const inLayer = layer.get(`python/${entry.name}`) as ZipEntryInfo | undefined;
          if (!inLayer) continue;
          compared += 1;
          if (inLayer.compressedSize === entry.compressedSize && inLayer.crc32 === entry.crc32)
            copied.push(entry.name);
        }
      }
      expect(compared).toBeGreaterThan(100);
      expect(copied.length).toBe(compared);
      // What the build made is deflated here: bytecode is in the zip, never in a wheel.
      expect([...layer.keys()].some((n) => n.endsWith('.cpython-311.pyc'))).toBe(true);
    } finally {
      for (const r of [a, b]) {
        for (const dir of [r.stagingDir, r.layerDir && dirname(r.layerDir)])
          if (dir) await rm(dir, { recursive: true, force: true });
      }
    }
  }, 300_000);
});
