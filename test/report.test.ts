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
    expect(md).toContain('## Lambda layer: python3.11 x86_64');
    expect(md).toContain('cache miss (built)');
    expect(md).toMatch(/\| flask \| 3\.1\.3 \| `any` \| 293\.0 KiB \| █{20} \|/);
    expect(md).toContain('`manylinux2014_x86_64`');
    expect(md).toContain('(built from source)');
    expect(md).toContain('**Verification passed**');
    expect(md).toContain('150 files compiled by /usr/bin/python3.11');
    expect(md).toContain(
      'Import proof: flask, google.protobuf (2 distributions) imported by Python 3.11.2 /sysroot/usr/bin/python3.11 under /usr/bin/qemu-aarch64-static (aarch64) in 1.8 s.',
    );
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
    const text = cliSummary({ ...result, cacheHit: true });
    expect(text).toContain('Restored from cache /tmp/out/layer.zip for python3.11 x86_64');
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
});
