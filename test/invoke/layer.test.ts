/** prepareLayer: every accepted layer shape ends up as an /opt-like dir holding python/. */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareLayer } from '../../src/invoke/layer.js';

let work: string;

/** A real zip written by Python's zipfile, entries as given. */
function zipOf(path: string, entries: Record<string, string>): string {
  execFileSync(
    'python3',
    [
      '-I',
      '-c',
      'import json,sys,zipfile\nwith zipfile.ZipFile(sys.argv[1],"w") as z:\n for n,t in json.loads(sys.argv[2]).items(): z.writestr(n,t)',
      path,
      JSON.stringify(entries),
    ],
    { timeout: 30_000 },
  );
  return path;
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'prepare-layer-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('prepareLayer', () => {
  it('extracts layer.zip under <work>/opt and reads the manifest next to it', async () => {
    const out = join(work, 'out');
    mkdirSync(out);
    zipOf(join(out, 'layer.zip'), { 'python/greet.py': 'X = 1\n' });
    writeFileSync(
      join(out, 'manifest.json'),
      JSON.stringify({ target: { runtime: 'python3.12', architecture: 'x86_64' } }),
    );
    for (const given of [join(out, 'layer.zip'), out]) {
      const dest = await mkdtemp(join(work, 'w-'));
      const layer = await prepareLayer(given, dest);
      expect(layer.optDir).toBe(join(dest, 'opt'));
      expect(existsSync(join(dest, 'opt', 'python', 'greet.py'))).toBe(true);
      expect(layer.manifest?.target?.runtime).toBe('python3.12');
    }
  });

  it('uses an extracted layer in place, given its root or its python/ dir', async () => {
    const root = join(work, 'tree');
    mkdirSync(join(root, 'python'), { recursive: true });
    expect((await prepareLayer(root, work)).optDir).toBe(root);
    expect((await prepareLayer(join(root, 'python'), work)).optDir).toBe(root);
  });

  it('names the problem for a zip without python/, a non-zip file, a missing path', async () => {
    const flat = zipOf(join(work, 'flat.zip'), { 'flask/__init__.py': '' });
    await expect(prepareLayer(flat, await mkdtemp(join(work, 'w-')))).rejects.toThrow(
      `Input "layer": ${flat} has no python/ folder at its root, so Lambda would not find its packages`,
    );
    writeFileSync(join(work, 'notes.txt'), 'x');
    await expect(prepareLayer(join(work, 'notes.txt'), work)).rejects.toThrow(
      'is neither a .zip nor a directory',
    );
    await expect(prepareLayer(join(work, 'nope'), work)).rejects.toThrow('does not exist');
    mkdirSync(join(work, 'empty'));
    await expect(prepareLayer(join(work, 'empty'), work)).rejects.toThrow(
      'holds neither python/ nor layer.zip',
    );
  });
});
