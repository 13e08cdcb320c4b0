/**
 * The SBOM of real builds (real pip, a generated index): valid against the CycloneDX 1.6 JSON
 * schema the library ships, exactly the layer's distributions with their wheels' sha256 and
 * licences, edges as resolved for the target, byte-identical across builds and on a cache hit.
 */
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Spec, Validation } from '@cyclonedx/cyclonedx-library';
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
        name: 'webby',
        version: '1.2.0',
        headers: ['License-Expression: MIT OR Apache-2.0', 'Provides-Extra: fast'],
        requiresDist: [
          'helper>=1',
          // Installed (another package needs it) but not by webby on Linux: no edge.
          'shared; sys_platform == "win32"',
          'fastpath; extra == "fast"',
          'py2only; python_version < "3"',
        ],
      },
      {
        name: 'helper',
        version: '1.0',
        headers: ['Classifier: License :: OSI Approved :: MIT License'],
        requiresDist: ['shared'],
      },
      { name: 'shared', version: '2.0', headers: ['License: GPL-3.0-only'] },
      {
        name: 'fastpath',
        version: '0.1',
        headers: ['License: The Fastpath Licence', 'Classifier: License :: OSI Approved :: BSD License'],
      },
    ],
  });
  cwd = await mkdtemp(join(tmpdir(), 'sbom-build-'));
  await writeFile(join(cwd, 'requirements.txt'), 'webby[fast]==1.2.0\n');
  await seedPinnedPip(join(cwd, '.cache', 'lambda-layer'));
}, 120_000);

afterAll(async () => {
  await index?.cleanup();
  if (cwd) await rm(cwd, { recursive: true, force: true });
});

async function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const stdout = new PassThrough();
  let out = '';
  stdout.on('data', (chunk) => {
    out += chunk;
  });
  const log = memoryLogger();
  const code = await main(['build', '--index-url', index.indexUrl, '--no-import-proof', ...args], {
    stdout,
    log,
    env: { ...isolatedPipEnv(), XDG_CACHE_HOME: join(cwd, '.cache'), ...env },
    cwd,
  });
  return { code, out, log: log.lines.join('\n') };
}

interface CdxComponent {
  name: string;
  version: string;
  purl: string;
  'bom-ref': string;
  hashes?: { alg: string; content: string }[];
  licenses?: ({ license: { id?: string; name?: string } } | { expression: string })[];
}

const readJson = async (path: string) => JSON.parse(await readFile(path, 'utf8'));

describe('layer.cdx.json', () => {
  it('validates, lists exactly the layer with the wheels sha256, licences and target edges, and is byte-identical across builds', async () => {
    const first = await cli(['--out', 'a', '--no-cache']);
    expect(first.code, first.log).toBe(0);
    expect(first.out).toContain('SBOM (CycloneDX): a/layer.cdx.json');
    const second = await cli(['--out', 'b', '--no-cache']);
    expect(second.code, second.log).toBe(0);
    const text = await readFile(join(cwd, 'a', 'layer.cdx.json'), 'utf8');
    expect(await readFile(join(cwd, 'b', 'layer.cdx.json'), 'utf8')).toBe(text);

    const validator = new Validation.JsonStrictValidator(Spec.Version.v1dot6);
    expect(await validator.validate(text)).toBeNull();

    const sbom = JSON.parse(text);
    const manifest = await readJson(join(cwd, 'a', 'manifest.json'));
    expect(sbom.bomFormat).toBe('CycloneDX');
    expect(sbom.specVersion).toBe('1.6');
    expect(sbom.serialNumber).toBeUndefined();
    expect(sbom.metadata.timestamp).toBeUndefined();
    expect(sbom.metadata.tools.components[0].name).toBe('lambda-layer');
    const layer = sbom.metadata.component;
    expect(layer.hashes).toEqual([{ alg: 'SHA-256', content: manifest.layer.sha256 }]);
    const props = Object.fromEntries(
      layer.properties.map((p: { name: string; value: string }) => [p.name, p.value]),
    );
    expect(props['lambda-layer:codeSha256']).toBe(manifest.layer.codeSha256);
    expect(props['lambda-layer:runtime']).toBe('python3.11');
    expect(props['lambda-layer:architecture']).toBe('x86_64');

    const components = sbom.components as CdxComponent[];
    // Exactly the layer's distributions (py2only's marker is false: never installed).
    const distInfos = manifest.packages.map((p: { name: string }) => p.name).sort();
    expect(components.map((c) => c.name).sort()).toEqual(distInfos);
    expect(distInfos).toEqual(['fastpath', 'helper', 'shared', 'webby']);
    for (const file of index.files) {
      const c = components.find((x) => x.purl.startsWith(`pkg:pypi/${file.project}@`));
      expect(c, file.filename).toBeDefined();
      expect(c?.purl).toBe(`pkg:pypi/${file.project}@${c?.version}?file_name=${file.filename}`);
      expect(c?.hashes).toEqual([{ alg: 'SHA-256', content: file.sha256 }]);
    }
    const byName = Object.fromEntries(components.map((c) => [c.name, c]));
    expect(byName.webby?.licenses).toEqual([{ expression: 'MIT OR Apache-2.0' }]);
    expect(byName.helper?.licenses).toEqual([{ license: { id: 'MIT' } }]);
    expect(byName.shared?.licenses).toEqual([{ license: { id: 'GPL-3.0-only' } }]);
    expect(byName.fastpath?.licenses).toEqual([{ license: { name: 'The Fastpath Licence' } }]);

    const edges = Object.fromEntries(
      (sbom.dependencies as { ref: string; dependsOn?: string[] }[]).map((d) => [d.ref, d.dependsOn ?? []]),
    );
    const ref = (name: string) => byName[name]?.['bom-ref'] as string;
    expect(edges.layer).toEqual([ref('webby')]);
    // shared only on win32: no edge; fastpath through the [fast] extra the input asked for.
    expect(edges[ref('webby')]).toEqual([ref('fastpath'), ref('helper')].sort());
    expect(edges[ref('helper')]).toEqual([ref('shared')]);
    expect(manifest.packages.find((p: { name: string }) => p.name === 'webby').license).toEqual({
      spdx: 'MIT OR Apache-2.0',
      from: 'License-Expression',
    });
  }, 240_000);

  it('a cache hit writes the same SBOM; SOURCE_DATE_EPOCH sets its timestamp; --no-sbom writes none', async () => {
    const built = await cli(['--out', 'c1']);
    expect(built.code, built.log).toBe(0);
    const hit = await cli(['--out', 'c2']);
    expect(hit.code, hit.log).toBe(0);
    expect(hit.out).toMatch(/Restored \S*layer\.zip from the cache/);
    const text = await readFile(join(cwd, 'c1', 'layer.cdx.json'), 'utf8');
    expect(await readFile(join(cwd, 'c2', 'layer.cdx.json'), 'utf8')).toBe(text);

    const dated = await cli(['--out', 'c3'], { SOURCE_DATE_EPOCH: '1700000000' });
    expect(dated.code).toBe(0);
    expect((await readJson(join(cwd, 'c3', 'layer.cdx.json'))).metadata.timestamp).toBe(
      '2023-11-14T22:13:20.000Z',
    );

    // An SBOM left from the build before would describe another zip: it goes.
    const off = await cli(['--out', 'c3', '--no-sbom']);
    expect(off.code).toBe(0);
    expect(off.out).not.toContain('SBOM');
    await expect(stat(join(cwd, 'c3', 'layer.cdx.json'))).rejects.toThrow();
    expect((await stat(join(cwd, 'c3', 'layer.zip'))).size).toBeGreaterThan(0);
  }, 240_000);

  it('--deny-licenses fails naming each package and its licence; an OR that offers another licence passes', async () => {
    const denied = await cli(['--out', 'd', '--deny-licenses', 'GPL-3.0-only,Apache-2.0']);
    expect(denied.code, denied.log).toBe(1);
    expect(denied.log).toContain('a distribution in the layer has a licence denied by --deny-licenses:');
    expect(denied.log).toContain('shared 2.0: licence GPL-3.0-only (denied: GPL-3.0-only)');
    // webby is MIT OR Apache-2.0: usable under MIT.
    expect(denied.log).not.toContain('webby 1.2.0');

    const both = await cli([
      '--out',
      'd',
      '--deny-licenses',
      'gpl-3.0-only',
      '--deny-licenses',
      'MIT,Apache-2.0',
    ]);
    expect(both.code).toBe(1);
    expect(both.log).toContain('3 distributions in the layer have a licence denied by --deny-licenses:');
    expect(both.log).toContain('webby 1.2.0: licence MIT OR Apache-2.0 (denied: MIT, Apache-2.0)');
    expect(both.log).toContain('helper 1.0: licence MIT (denied: MIT)');

    const bad = await cli(['--out', 'd', '--deny-licenses', 'GPLv3']);
    // A value that is not an SPDX id is a usage error (exit 2), named as the flag.
    expect(bad.code).toBe(2);
    expect(bad.log).toContain('--deny-licenses: "GPLv3" is not an SPDX licence id');
  }, 240_000);
});
