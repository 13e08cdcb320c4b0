/**
 * The per-wheel cache of verification facts: a rebuild reads and parses no binary of a wheel it
 * has seen (markupsafe's extension module, in the Flask example), reaches the same verdict, and a
 * damaged entry is read again from the layer and stored again.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLayer } from '../../src/layer/index.js';
import { memoryLogger } from '../../src/log.js';
import { resolveTarget } from '../../src/target.js';
import { machineMirror } from '../support/mirror.js';
import { isolatedPipEnv } from '../support/package-index.js';

const FLASK_EXAMPLE = join(import.meta.dirname, '..', '..', 'examples', 'flask-api', 'requirements.txt');
const mirror = machineMirror();
let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'wheel-elf-facts-'));
});
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

let counter = 0;
async function build(cache: string) {
  const log = memoryLogger();
  const result = await buildLayer(
    {
      requirementsFile: FLASK_EXAMPLE,
      target: resolveTarget('python3.11', 'x86_64'),
      outDir: join(work, `out-${counter++}`),
      indexUrl: mirror?.indexUrl,
      extraIndexUrls: mirror?.extraIndexUrls ?? [],
      findLinks: mirror?.findLinks ?? [],
      bytecode: false,
      sdist: 'never',
      importProof: false,
    },
    log,
    { env: isolatedPipEnv(), wheelCacheDir: cache },
  );
  const line = log.lines.find((l) => l.includes('from the per-wheel cache')) ?? '';
  return { manifest: result.manifest, line };
}

describe.skipIf(!mirror)('per-wheel verification facts', () => {
  it('a rebuild parses no known binary; a damaged entry is parsed and stored again', async () => {
    const cache = join(work, 'cache');
    const cold = await build(cache);
    expect(cold.line).toMatch(
      /ELF headers of 0 binaries from the per-wheel cache \(0 of 7 wheels\); [1-9]\d* read/,
    );
    const binaries = cold.manifest.verification?.checkedBinaries ?? 0;
    expect(binaries).toBeGreaterThan(0);

    const warm = await build(cache);
    expect(warm.line).toBe(
      `debug: ELF headers of ${binaries} binaries from the per-wheel cache (7 of 7 wheels); 0 read`,
    );
    expect(warm.manifest.verification).toEqual(cold.manifest.verification);
    expect(warm.manifest.layer.sha256).toBe(cold.manifest.layer.sha256);

    // Damage the entry that holds facts (markupsafe's): it is read from the layer again.
    let damaged = '';
    for (const key of await readdir(join(cache, 'elf'))) {
      const path = join(cache, 'elf', key, 'elf.json');
      const entry = JSON.parse(await readFile(path, 'utf8'));
      if (Object.keys(entry.facts).length === 0) continue;
      const [first] = Object.keys(entry.facts);
      entry.facts[first as string].machine = 183; // AArch64: wrong, and no longer matching its sha256
      await writeFile(path, JSON.stringify(entry));
      damaged = path;
    }
    expect(damaged).not.toBe('');
    const repaired = await build(cache);
    expect(repaired.line).toBe(
      `debug: ELF headers of 0 binaries from the per-wheel cache (6 of 7 wheels); ${binaries} read`,
    );
    expect(repaired.manifest.verification).toEqual(cold.manifest.verification);
    const again = await build(cache);
    expect(again.line).toContain(`${binaries} binaries from the per-wheel cache (7 of 7 wheels); 0 read`);
  }, 300_000);
});
