/**
 * Real PyPI wheels from the machine's mirror (found through pip's configuration). Without a
 * mirror these tests are skipped loudly, never passed silently.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildLayer } from '../../src/layer/index.js';
import { memoryLogger } from '../../src/log.js';
import { resolveTarget } from '../../src/target.js';
import { machineMirror, NO_MIRROR_MESSAGE } from '../support/mirror.js';

const mirror = machineMirror();
if (!mirror) console.warn(NO_MIRROR_MESSAGE);

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function buildFromMirror(requirements: string, runtime = 'python3.11') {
  const dir = await mkdtemp(join(tmpdir(), 'mirror-build-'));
  dirs.push(dir);
  await writeFile(join(dir, 'requirements.txt'), requirements);
  const log = memoryLogger();
  const started = Date.now();
  const result = await buildLayer(
    {
      requirementsFile: join(dir, 'requirements.txt'),
      target: resolveTarget(runtime, 'x86_64'),
      outDir: join(dir, 'out'),
      indexUrl: mirror?.indexUrl,
      extraIndexUrls: mirror?.extraIndexUrls ?? [],
      findLinks: mirror?.findLinks ?? [],
      bytecode: false,
      sdist: 'never',
    },
    log,
    // The user's pip configuration applies (as in production); no waiting on retries.
    { env: { ...process.env, PIP_RETRIES: '0' } },
  );
  return { ...result, dir, log, seconds: (Date.now() - started) / 1000 };
}

const tagsOf = (packages: readonly { name: string; tags: string }[], name: string) =>
  packages.find((p) => p.name.toLowerCase() === name)?.tags ?? '';

describe('builds from the machine wheel mirror', () => {
  it.skipIf(!mirror)('flask: a layer that imports in a clean interpreter', async () => {
    const { manifest, zipPath, dir, seconds } = await buildFromMirror('Flask==3.1.3\n');
    console.info(`flask layer built in ${seconds.toFixed(1)} s, zip ${manifest.layer.zipSize} bytes`);
    expect(manifest.packages.map((p) => p.name.toLowerCase())).toEqual(
      expect.arrayContaining([
        'flask',
        'werkzeug',
        'jinja2',
        'markupsafe',
        'click',
        'itsdangerous',
        'blinker',
      ]),
    );
    const extracted = join(dir, 'opt');
    // Python's own zipfile reads the archive (independent of our writer); -I -S: no site-packages.
    execFileSync(
      'python3',
      [
        '-I',
        '-c',
        'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])',
        zipPath,
        extracted,
      ],
      { timeout: 60_000 },
    );
    const where = execFileSync(
      'python3',
      [
        '-I',
        '-S',
        '-c',
        'import sys; sys.path.insert(0, sys.argv[1]); import flask, markupsafe._speedups; print(flask.__file__)',
        join(extracted, 'python'),
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    expect(where.trim()).toBe(join(extracted, 'python', 'flask', '__init__.py'));
  });

  it.skipIf(!mirror)(
    'numpy unpinned: python3.11 gets a version whose wheel is manylinux_2_17/2014',
    async () => {
      const { manifest } = await buildFromMirror('numpy\n');
      const tags = tagsOf(manifest.packages, 'numpy');
      expect(tags).toMatch(/manylinux_2_17_x86_64|manylinux2014_x86_64/);
      expect(tags).not.toMatch(/manylinux_2_2[7-9]|manylinux_2_3/);
    },
  );

  it.skipIf(!mirror)(
    'argon2-cffi-bindings: the manylinux_2_26 wheel is accepted for python3.11',
    async () => {
      const { manifest } = await buildFromMirror('argon2-cffi-bindings\n');
      expect(tagsOf(manifest.packages, 'argon2-cffi-bindings')).toContain('manylinux_2_26_x86_64');
      expect(manifest.packages.map((p) => p.name.toLowerCase())).toEqual(
        expect.arrayContaining(['cffi', 'pycparser']),
      );
    },
  );
});
