import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { directoryStore } from '../../src/cache/dir-store.js';
import { restoreLayer, saveLayer } from '../../src/cache/layer-cache.js';
import { memoryLogger } from '../../src/log.js';

const temp = (): string => mkdtempSync(join(tmpdir(), 'layer-cache-'));

/** A built layer: a real zip (stored, so its bytes are easy to damage) holding `content`. */
function fakeBuild(dir: string, content: string): Buffer {
  mkdirSync(dir, { recursive: true });
  const zip = join(dir, 'layer.zip');
  execFileSync('python3', [
    '-c',
    'import sys, zipfile\nwith zipfile.ZipFile(sys.argv[1], "w") as z: z.writestr("python/x.txt", sys.argv[2])',
    zip,
    content,
  ]);
  const zipBytes = readFileSync(zip);
  const sha256 = createHash('sha256').update(zipBytes).digest('hex');
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ layer: { file: 'layer.zip', sha256 } }));
  return zipBytes;
}

describe('layer cache on a directory store', () => {
  it('misses, saves, then restores the same bytes into a fresh output folder', async () => {
    const store = directoryStore(temp());
    const log = memoryLogger();
    const out = join(temp(), 'out');
    expect(await restoreLayer(store, 'k1', out, log)).toBeUndefined();
    expect(log.lines.join('\n')).toContain('Cache miss');

    const built = temp();
    const zipBytes = fakeBuild(built, 'zip-bytes-1');
    expect(await saveLayer(store, 'k1', built, log)).toBe(true);

    const restored = await restoreLayer(store, 'k1', out, log);
    expect(restored?.zipPath).toBe(join(out, 'layer.zip'));
    expect(readFileSync(join(out, 'layer.zip'))).toEqual(zipBytes);
    expect(await restoreLayer(store, 'other-key', join(temp(), 'o'), log)).toBeUndefined();
  });

  it('refuses a cached zip that does not match its manifest and leaves the output untouched', async () => {
    const cacheDir = temp();
    const store = directoryStore(cacheDir);
    const built = temp();
    fakeBuild(built, 'good');
    await saveLayer(store, 'k', built, memoryLogger());
    writeFileSync(join(cacheDir, 'k', 'layer.zip'), 'tampered');

    const out = temp();
    writeFileSync(join(out, 'layer.zip'), 'user file');
    const log = memoryLogger();
    expect(await restoreLayer(store, 'k', out, log)).toBeUndefined();
    expect(log.lines.join('\n')).toMatch(/does not match its manifest.*rebuilding/);
    expect(readFileSync(join(out, 'layer.zip'), 'utf8')).toBe('user file');
  });

  it('turns a store failure into a warning, never an exception', async () => {
    const built = temp();
    fakeBuild(built, 'x');
    const log = memoryLogger();
    const failing = {
      description: 'broken cache',
      restore: () => Promise.reject(new Error('boom')),
      save: () => Promise.reject(new Error('boom')),
    };
    expect(await restoreLayer(failing, 'k', temp(), log)).toBeUndefined();
    expect(await saveLayer(failing, 'k', built, log)).toBe(false);
    expect(log.lines.filter((l) => l.startsWith('warn:') && l.includes('broken cache'))).toHaveLength(2);
  });

  it('never stores a zip with an entry that fails its CRC-32; the build is told which', async () => {
    const cacheDir = temp();
    const built = temp();
    const zipBytes = fakeBuild(built, 'content-of-the-entry');
    // Stored data: change one byte of the entry's content, its CRC-32 in the headers stays.
    const at = zipBytes.indexOf('content-of-the-entry');
    zipBytes[at] = 'C'.charCodeAt(0);
    writeFileSync(join(built, 'layer.zip'), zipBytes);
    const log = memoryLogger();
    const error = await saveLayer(directoryStore(cacheDir), 'k', built, log).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(
      /layer\.zip fails its own check \(.*python\/x\.txt.*\): it is not cached/,
    );
    expect(existsSync(join(cacheDir, 'k'))).toBe(false);
  });
});
