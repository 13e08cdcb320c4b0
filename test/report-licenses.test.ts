import { describe, expect, it } from 'vitest';
import type { Manifest } from '../src/layer/types.js';
import { licenseTable, summaryMarkdown } from '../src/report.js';

const pkg = (name: string, license?: Manifest['packages'][number]['license']) => ({
  name,
  version: '1.0',
  wheel: `${name}-1.0-py3-none-any.whl`,
  tags: 'py3-none-any',
  size: 10,
  requested: false,
  ...(license ? { license } : {}),
});

const manifest: Manifest = {
  schemaVersion: 1,
  tool: { name: 'lambda-layer', version: '0.1.0' },
  target: {
    runtime: 'python3.12',
    architecture: 'arm64',
    pythonVersion: '3.12',
    os: 'Amazon Linux 2023',
    glibc: '2.34',
    platformTags: [],
  },
  requirementsHash: 'f'.repeat(64),
  packages: [
    pkg('flask', { spdx: 'BSD-3-Clause', from: 'License-Expression' }),
    pkg('werkzeug', { spdx: 'BSD-3-Clause', from: 'License-Expression' }),
    pkg('blinker', { spdx: 'MIT', from: 'Classifier' }),
    pkg('odd', { name: 'Fancy | Licence', from: 'License' }),
    pkg('nothing'),
  ],
  layer: {
    file: 'layer.zip',
    sha256: 'a'.repeat(64),
    codeSha256: 'q',
    zipSize: 1,
    unzippedSize: 1,
    fileCount: 1,
  },
  bytecode: { compiled: 0, mode: 'none', removed: 0 },
};

describe('licence table', () => {
  it('groups distributions by licence, most used first, and names the SBOM', () => {
    expect(licenseTable(manifest, 'out/layer.cdx.json')).toEqual([
      '| Licence | Distributions |',
      '|---|---|',
      '| BSD-3-Clause | flask 1.0, werkzeug 1.0 |',
      '| Fancy \\| Licence | odd 1.0 |',
      '| MIT | blinker 1.0 |',
      '| unknown | nothing 1.0 |',
      '',
      'SBOM (CycloneDX): `out/layer.cdx.json`',
    ]);
    expect(summaryMarkdown({ manifest, zipPath: 'layer.zip', cacheHit: false })).toContain(
      '| BSD-3-Clause | flask 1.0, werkzeug 1.0 |',
    );
  });

  it('is left out for a manifest from before licences were recorded', () => {
    const old = { ...manifest, packages: [pkg('flask')] };
    expect(licenseTable(old)).toBeUndefined();
    expect(summaryMarkdown({ manifest: old, zipPath: 'layer.zip', cacheHit: false })).not.toContain(
      'Licence',
    );
  });
});
