/**
 * python3.15 builds: pip selects pure and abi3 wheels for CPython 3.15 on Amazon Linux 2023
 * (glibc 2.34), evaluates markers at 3.15.0, and with no 3.15 interpreter on this machine the
 * layer ships without bytecode and without an import proof, each saying why.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { memoryLogger } from '../../src/log.js';
import { createPackageIndex, isolatedPipEnv, type PackageIndex } from '../support/package-index.js';
import { seedPinnedPip } from '../support/pinned-pip-setup.js';

let index: PackageIndex;
let cwd: string;

beforeAll(async () => {
  index = await createPackageIndex({
    wheels: [
      {
        name: 'app-core',
        version: '2.0',
        requiresDist: [
          'fastjson>=1',
          'modern; python_full_version >= "3.15.0"',
          'legacy; python_version < "3.12"',
        ],
      },
      // The stable ABI for CPython 3.9 and later, for glibc 2.34: fits python3.15.
      { name: 'fastjson', version: '1.1', tags: 'cp39-abi3-manylinux_2_34_x86_64' },
      // Only for CPython 3.11: must not be chosen (fastjson's other file).
      { name: 'fastjson', version: '1.2', tags: 'cp311-cp311-manylinux_2_17_x86_64' },
      { name: 'modern', version: '1.0' },
      { name: 'legacy', version: '1.0' },
    ],
  });
  cwd = await mkdtemp(join(tmpdir(), 'cli-py315-'));
  await writeFile(join(cwd, 'requirements.txt'), 'app-core==2.0\n');
  await seedPinnedPip(join(cwd, '.cache', 'lambda-layer'));
}, 120_000);

afterAll(async () => {
  await index?.cleanup();
  if (cwd) await rm(cwd, { recursive: true, force: true });
});

describe('lambda-layer build --runtime python3.15', () => {
  it('selects 3.15 wheels, evaluates 3.15 markers, and skips bytecode and import proof without a 3.15 interpreter', async () => {
    const stdout = new PassThrough();
    let out = '';
    stdout.on('data', (chunk) => {
      out += chunk;
    });
    const log = memoryLogger();
    // PATH without any python3.15 (this machine has none; the assertion below would say so).
    const env = { ...isolatedPipEnv(), XDG_CACHE_HOME: join(cwd, '.cache') };
    const code = await main(
      ['build', '--runtime', 'python3.15', '--index-url', index.indexUrl, '--no-cache'],
      {
        stdout,
        log,
        env,
        cwd,
      },
    );
    const logged = log.lines.join('\n');
    expect(code, logged).toBe(0);
    expect(out).toContain('for python3.15 x86_64 (Amazon Linux 2023, glibc 2.34)');
    expect(logged).toContain('no Python 3.15 interpreter found');
    expect(logged).not.toMatch(/deprecated/);

    const manifest = JSON.parse(await readFile(join(cwd, 'layer-out', 'manifest.json'), 'utf8'));
    const packages = Object.fromEntries(
      manifest.packages.map((p: { name: string; version: string; tags: string }) => [
        p.name,
        `${p.version} ${p.tags}`,
      ]),
    );
    expect(packages).toEqual({
      'app-core': '2.0 py3-none-any',
      fastjson: '1.1 cp39-abi3-manylinux_2_34_x86_64',
      modern: '1.0 py3-none-any',
    });
    expect(manifest.target).toMatchObject({ runtime: 'python3.15', os: 'Amazon Linux 2023', glibc: '2.34' });
    expect(manifest.resolver.markerEnvironment).toMatchObject({
      python_version: '3.15',
      python_full_version: '3.15.0',
    });
    expect(manifest.bytecode).toMatchObject({ mode: 'none', compiled: 0 });
    expect(manifest.bytecode.reason).toContain('no Python 3.15 interpreter found');
    expect(manifest.importProof.status).toBe('skipped');
    const sbom = JSON.parse(await readFile(join(cwd, 'layer-out', 'layer.cdx.json'), 'utf8'));
    const runtime = sbom.metadata.component.properties.find(
      (p: { name: string }) => p.name === 'lambda-layer:runtime',
    );
    expect(runtime.value).toBe('python3.15');
  }, 240_000);
});
