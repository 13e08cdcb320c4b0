import { describe, expect, it } from 'vitest';
import type { Manifest } from '../src/layer/types.js';
import { cliSummary, formatBytes, type JobResult, sizeBar, summaryMarkdown } from '../src/report.js';

const manifest: Manifest = {
  schemaVersion: 1,
  tool: { name: 'lambda-layer', version: '0.1.0' },
  target: {
    runtime: 'python3.11',
    architecture: 'x86_64',
    pythonVersion: '3.11',
    os: 'Amazon Linux 2',
    glibc: '2.26',
    platformTags: ['manylinux_2_26_x86_64'],
  },
  requirementsHash: 'f'.repeat(64),
  packages: [
    {
      name: 'flask',
      version: '3.1.3',
      wheel: 'flask-3.1.3-py3-none-any.whl',
      tags: 'py3-none-any',
      size: 300_000,
      requested: true,
    },
    {
      name: 'markupsafe',
      version: '3.0.3',
      wheel: 'markupsafe-3.0.3-cp311-cp311-manylinux2014_x86_64.whl',
      tags: 'cp311-cp311-manylinux2014_x86_64',
      size: 60_000,
      requested: false,
    },
    {
      name: 'tinypure',
      version: '1.0',
      wheel: 'tinypure-1.0-py3-none-any.whl',
      tags: 'py3-none-any',
      size: 1_000,
      requested: false,
      builtFromSource: true,
    },
  ],
  layer: {
    file: 'layer.zip',
    sha256: 'a'.repeat(64),
    codeSha256: 'qqqq',
    zipSize: 1_500_000,
    unzippedSize: 4_200_000,
    fileCount: 321,
  },
  bytecode: {
    compiled: 150,
    interpreter: { path: '/usr/bin/python3.11', version: '3.11.7' },
    mode: 'unchecked-hash',
    removed: 0,
  },
  importProof: {
    status: 'passed',
    mode: 'emulated',
    interpreter: { path: '/sysroot/usr/bin/python3.11', version: '3.11.2', machine: 'aarch64' },
    emulator: { path: '/usr/bin/qemu-aarch64-static', sysroot: '/sysroot' },
    modules: [
      { distribution: 'flask', module: 'flask', ms: 120.5 },
      { distribution: 'protobuf', module: 'google.protobuf', ms: 30 },
    ],
    durationMs: 1840,
  },
  verification: {
    ok: true,
    checkedBinaries: 1,
    findings: [],
    warnings: [],
    largest: [{ name: 'flask', size: 300_000 }],
  },
};

const result: JobResult = {
  manifest,
  zipPath: '/tmp/out/layer.zip',
  cacheHit: false,
  publish: [
    {
      region: 'us-east-1',
      layerVersionArn: 'arn:aws:lambda:us-east-1:123456789012:layer:deps:3',
      version: 3,
      reused: true,
    },
    { region: 'eu-west-1', error: 'AccessDenied' },
  ],
  deploy: {
    stage: 'prod',
    endpoint: 'https://abc.execute-api.us-east-1.amazonaws.com',
    smokeTest: { status: 200, ok: true, url: 'https://abc.execute-api.us-east-1.amazonaws.com/' },
  },
};

describe('report', () => {
  it('formats sizes and bars', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(262_144_000)).toBe('250.0 MiB');
    expect(sizeBar(10, 10, 20)).toHaveLength(20);
    expect(sizeBar(1, 1000, 20)).toHaveLength(1);
    expect(sizeBar(0, 10)).toBe('');
  });

  it('summarizes target, cache, packages, verification, regions and deploy', () => {
    const md = summaryMarkdown(result);
    // The result first: built, verified, proven, published (or not), deployed.
    expect(md.split('\n')[0]).toBe(
      '## Lambda layer: python3.11 x86_64: built, verified, imports proven, publish failed in eu-west-1, deployed to stage prod',
    );
    expect(md).toContain('- **Built**: zip 1.4 MiB, unzipped 4.0 MiB, 321 files.');
    expect(md).toMatch(/\| flask \| 3\.1\.3 \| 293\.0\u00a0KiB \| █{20} \| `any` \|/);
    expect(md).toContain('`manylinux2014_x86_64`');
    expect(md).toContain('(built from source)');
    expect(md).toContain('- **Verified**: 1 binary matches x86_64 and glibc 2.26.');
    expect(md).toContain('150 files compiled by /usr/bin/python3.11');
    expect(md).toContain(
      '- **Import proof**: flask, google.protobuf (2 distributions) imported by Python 3.11.2 /sysroot/usr/bin/python3.11 under /usr/bin/qemu-aarch64-static (aarch64) in 1.8 s.',
    );
    expect(md).toContain('- **Published**: us-east-1 version 3 (reused: same CodeSha256).');
    expect(md).toContain('- **Publish failed**: eu-west-1: AccessDenied.');
    expect(md.indexOf('**Published**')).toBeLessThan(md.indexOf('| Package |'));
    expect(md).toContain(
      '| us-east-1 | `arn:aws:lambda:us-east-1:123456789012:layer:deps:3` | reused (same CodeSha256) |',
    );
    expect(md).toContain('| eu-west-1 | - | failed: AccessDenied |');
    expect(md).toContain('Smoke test GET https://abc.execute-api.us-east-1.amazonaws.com/: 200');
    // Largest package first.
    expect(md.indexOf('| flask')).toBeLessThan(md.indexOf('| markupsafe'));
  });

  it('lists verification findings by file', () => {
    const failed = summaryMarkdown({
      ...result,
      manifest: {
        ...manifest,
        verification: {
          ok: false,
          checkedBinaries: 2,
          findings: [{ file: 'python/x.so', problem: 'needs GLIBC_2.34' }],
          warnings: [],
          largest: [],
        },
      },
    });
    expect(failed).toContain('**Verification failed**: 1 problem(s).');
    expect(failed).toContain('- `python/x.so`: needs GLIBC_2.34');
  });

  it('gives the CLI the zip path, sizes and one row per package', () => {
    const text = cliSummary({ ...result, cacheHit: false });
    expect(text.split('\n')[0]).toBe(
      'Built /tmp/out/layer.zip for python3.11 x86_64 (Amazon Linux 2, glibc 2.26): verified, imports proven, publish failed in eu-west-1, deployed to stage prod',
    );
    expect(text).toContain('/tmp/out/layer.zip');
    expect(text).toContain('CodeSha256 qqqq');
    expect(text.split('\n').filter((l) => /^ {2}(flask|markupsafe|tinypure) /.test(l))).toHaveLength(3);
    expect(text).toContain(
      '  Import proof: flask, google.protobuf (2 distributions) imported by Python 3.11.2',
    );
  });

  it('names the input file and its format in both renderings, and nothing for older manifests', () => {
    const locked = {
      ...result,
      manifest: { ...manifest, input: { file: 'services/api/uv.lock', format: 'uv-lock' as const } },
    };
    expect(summaryMarkdown(locked)).toContain(
      'Input: services/api/uv.lock (uv.lock, locked versions and hashes).',
    );
    expect(cliSummary(locked)).toContain(
      '  Input: services/api/uv.lock (uv.lock, locked versions and hashes).',
    );
    expect(summaryMarkdown(result)).not.toContain('Input:');
  });

  it('says why the import proof did not run, and nothing for manifests from before it existed', () => {
    const skipped = cliSummary({
      ...result,
      manifest: {
        ...manifest,
        importProof: { status: 'skipped', reason: 'no qemu-aarch64-static', modules: [] },
      },
    });
    expect(skipped).toContain('  Import proof: skipped (no qemu-aarch64-static).');
    const { importProof: _, ...older } = manifest;
    expect(summaryMarkdown({ ...result, manifest: older })).not.toContain('Import proof');
  });

  it('a cache hit says the layer and its records came from the cache, with no timing of a proof that did not run', () => {
    const hit: JobResult = {
      manifest: {
        ...manifest,
        input: { file: 'sub/requirements-prod.txt', format: 'requirements' },
        cache: {
          hit: true,
          key: 'k',
          builtFrom: { file: 'flask.txt', format: 'requirements' },
          taken: ['layer.zip', 'importProof'],
        },
      },
      zipPath: 'out/layer.zip',
      cacheHit: true,
    };
    const text = cliSummary(hit);
    expect(text.split('\n')[0]).toBe(
      'Restored out/layer.zip from the cache for python3.11 x86_64 (Amazon Linux 2, glibc 2.26): verified, imports proven',
    );
    expect(text).toContain('  Input: sub/requirements-prod.txt (requirements file).');
    expect(text).toContain(
      '  Cached layer built from flask.txt: nothing resolved, compiled, verified or imported in this run.',
    );
    expect(text).toContain(
      '  Import proof: passed when the cached layer was built: flask, google.protobuf (2 distributions); not run again.',
    );
    expect(text).not.toMatch(/in \d+\.\d s/);
    const md = summaryMarkdown(hit);
    expect(md).toContain('- **From the cache**: layer.zip as built before from `flask.txt`;');
    expect(md).not.toMatch(/in \d+\.\d s/);
  });

  it('one spelling per table (PEP 503 names), one size measure, and a size that cannot wrap', () => {
    const mixed: JobResult = {
      ...result,
      manifest: {
        ...manifest,
        packages: [
          {
            name: 'pydantic_core',
            version: '2.41.5',
            wheel: 'w',
            tags: 'cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64',
            size: 4_800_000,
            requested: false,
          },
          {
            name: 'typing_extensions',
            version: '4.15.0',
            wheel: 'w',
            tags: 'py3-none-any',
            size: 160_000,
            requested: false,
          },
          {
            name: 'typing-inspection',
            version: '0.4.2',
            wheel: 'w',
            tags: 'py3-none-any',
            size: 40_000,
            requested: false,
          },
          {
            name: 'Annotated.Types',
            version: '0.7.0',
            wheel: 'w',
            tags: 'py3-none-any',
            size: 30_000,
            requested: false,
          },
        ],
        verification: {
          ...(manifest.verification as NonNullable<Manifest['verification']>),
          largest: [{ name: 'opentelemetry', size: 414_000 }],
        },
      },
    };
    const md = summaryMarkdown(mixed);
    const names = md
      .split('\n')
      .filter((l) => /^\| [a-z][^|]* \| \d/.test(l))
      .map((l) => l.split(' | ')[0]?.slice(2));
    expect(names).toEqual(['pydantic-core', 'typing-extensions', 'typing-inspection', 'annotated-types']);
    const cli = cliSummary(mixed);
    expect(cli).toContain('  pydantic-core ');
    expect(cli).not.toContain('pydantic_core');
    // No second size measure beside the table (verification's top-level folders disagreed with it).
    expect(md).not.toContain('Largest');
    expect(md).not.toContain('opentelemetry');
    // The size never wraps: a no-break space, and the tag set last, one code span per tag.
    expect(md).toContain('| 4.6\u00a0MiB |');
    expect(md).toContain('| `manylinux_2_17_x86_64` `manylinux2014_x86_64` |');
  });

  it('says the layer was not published and why, and names the extras a proof left out', () => {
    const md = summaryMarkdown({
      manifest: {
        ...manifest,
        importProof: {
          ...(manifest.importProof as NonNullable<Manifest['importProof']>),
          needsExtra: [
            {
              distribution: 'duckdb',
              module: 'adbc_driver_duckdb',
              missing: 'adbc_driver_manager',
              requirement: 'adbc-driver-manager',
              extras: ['all'],
            },
          ],
        },
      },
      zipPath: 'out/layer.zip',
      cacheHit: false,
      notPublished: 'the publish input is false (build only)',
    });
    expect(md.split('\n')[0]).toBe(
      '## Lambda layer: python3.11 x86_64: built, verified, imports proven (1 warning), not published',
    );
    expect(md).toContain('- **Not published**: the publish input is false (build only).');
    expect(md).toContain('not imported: adbc_driver_duckdb needs duckdb[all]');
  });

  it('a pure-Python layer: says there were no binaries to check, not "0 binaries match"', () => {
    const pure: JobResult = {
      manifest: {
        ...manifest,
        verification: { ok: true, checkedBinaries: 0, findings: [], warnings: [], largest: [] },
      },
      zipPath: 'out/layer.zip',
      cacheHit: false,
    };
    expect(summaryMarkdown(pure)).toContain('- **Verified**: no compiled binaries to check (pure Python)');
    expect(cliSummary(pure)).toContain('  Verified: no compiled binaries to check (pure Python)');
    expect(cliSummary(pure)).not.toContain('0 binaries');
  });
});
