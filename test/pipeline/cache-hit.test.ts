/**
 * A cache hit describes this build: `build -r sub/requirements-prod.txt` with the same
 * requirements as a file built before under another name takes the layer from the cache, and
 * its manifest and output name this build's file, say what came from the cache and from which
 * build, and claim no import proof timing for a proof that did not run. The real CLI, a real
 * local cache folder, real pip against a generated index.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Manifest } from '../../src/layer/types.js';
import { runCli } from '../support/cli-process.js';
import { createPackageIndex, isolatedPipEnv, type PackageIndex } from '../support/package-index.js';
import { seedPinnedPip } from '../support/pinned-pip-setup.js';

let index: PackageIndex;
let work: string;
beforeAll(async () => {
  index = await createPackageIndex({ wheels: [{ name: 'webby', version: '1.0.0' }] });
  work = await mkdtemp(join(tmpdir(), 'cache-hit-'));
  await seedPinnedPip(join(work, 'cache'));
}, 120_000);
afterAll(async () => {
  await index?.cleanup();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('a cache hit under another file name', () => {
  it('names this build’s input, says what came from the cache, and prints no proof timing', async () => {
    await writeFile(join(work, 'flask.txt'), 'webby==1.0.0\n');
    await mkdir(join(work, 'sub'));
    await writeFile(join(work, 'sub', 'requirements-prod.txt'), 'webby==1.0.0\n');
    const build = (file: string, out: string) =>
      runCli(['build', '-r', file, '--index-url', index.indexUrl, '--cache-dir', 'cache', '--out', out], {
        cwd: work,
        env: isolatedPipEnv(),
      });

    const first = await build('flask.txt', 'out-a');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/Import proof: webby \(1 distribution\) imported by .* in \d+\.\d s/);

    const second = await build('sub/requirements-prod.txt', 'out-b');
    expect(second.code).toBe(0);
    const manifest = JSON.parse(await readFile(join(work, 'out-b', 'manifest.json'), 'utf8')) as Manifest;
    expect(manifest.input).toEqual({ file: 'sub/requirements-prod.txt', format: 'requirements' });
    expect(manifest.cache).toMatchObject({
      hit: true,
      builtFrom: { file: 'flask.txt', format: 'requirements' },
      taken: ['layer.zip', 'packages', 'resolver', 'bytecode', 'verification', 'importProof'],
    });
    expect(second.stdout).toContain('Input: sub/requirements-prod.txt (requirements file).');
    expect(second.stdout).not.toContain('Input: flask.txt');
    expect(second.stdout).toContain('Cached layer built from flask.txt');
    expect(second.stdout).toContain('Import proof: passed when the cached layer was built: webby');
    expect(second.stdout).not.toMatch(/Import proof.* in \d+\.\d s/);
    expect(second.stderr).toContain('Took layer.zip from the cache (built from flask.txt)');

    // The cache's own manifest still describes the build that made it: a third build under the
    // first name reads flask.txt back as its own input.
    const third = await build('flask.txt', 'out-c');
    const again = JSON.parse(await readFile(join(work, 'out-c', 'manifest.json'), 'utf8')) as Manifest;
    expect(third.code).toBe(0);
    expect(again.input?.file).toBe('flask.txt');
    expect(again.cache?.builtFrom?.file).toBe('flask.txt');
  }, 180_000);
});
