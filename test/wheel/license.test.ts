import { describe, expect, it } from 'vitest';
import type { PackageEntry } from '../../src/resolve/types.js';
import { deniedPackages } from '../../src/sbom/license-policy.js';
import { licenseOf } from '../../src/wheel/license.js';
import { parseMetadataHeaders } from '../../src/wheel/metadata.js';

const license = (...lines: string[]) =>
  licenseOf(parseMetadataHeaders(`Metadata-Version: 2.4\nName: x\nVersion: 1\n${lines.join('\n')}\n\nbody`));

describe('licenseOf (PEP 639 order)', () => {
  it('takes License-Expression first, as SPDX spells it', () => {
    expect(
      license(
        'License-Expression: mit',
        'License: BSD',
        'Classifier: License :: OSI Approved :: MIT License',
      ),
    ).toEqual({
      spdx: 'MIT',
      from: 'License-Expression',
    });
    expect(license('License-Expression: Apache-2.0 OR BSD-3-Clause')).toEqual({
      spdx: 'Apache-2.0 OR BSD-3-Clause',
      from: 'License-Expression',
    });
  });

  it('a License field that is an SPDX id or expression is SPDX; words are kept as a name', () => {
    expect(license('License: Apache-2.0')).toEqual({ spdx: 'Apache-2.0', from: 'License' });
    expect(license('License: BSD')).toEqual({ name: 'BSD', from: 'License' });
    expect(license('License: UNKNOWN')).toBeUndefined();
  });

  it('maps a classifier only where it names exactly one SPDX licence', () => {
    expect(license('License: Some words', 'Classifier: License :: OSI Approved :: MIT License')).toEqual({
      spdx: 'MIT',
      from: 'Classifier',
    });
    // No version, no "only/or later": a name, never a guess.
    expect(license('Classifier: License :: OSI Approved :: Apache Software License')).toEqual({
      name: 'Apache Software License',
      from: 'Classifier',
    });
    expect(
      license(
        'Classifier: License :: OSI Approved :: MIT License',
        'Classifier: License :: OSI Approved :: Apache Software License',
      ),
    ).toEqual({ name: 'Apache Software License, MIT License', from: 'Classifier' });
  });

  it('a whole licence text in License keeps its first line as the name', () => {
    expect(license('License: Copyright (c) 2024 Someone', '        All rights reserved.')).toEqual({
      name: 'Copyright (c) 2024 Someone',
      from: 'License',
    });
    expect(license(`License: ${'x'.repeat(300)}`)?.name).toHaveLength(120);
  });
});

describe('deniedPackages', () => {
  const pkg = (name: string, spdx?: string, nameOnly?: string): PackageEntry => ({
    name,
    version: '1.0',
    wheel: `${name}-1.0-py3-none-any.whl`,
    tags: 'py3-none-any',
    size: 1,
    requested: true,
    ...(spdx ? { license: { spdx, from: 'License-Expression' as const } } : {}),
    ...(nameOnly ? { license: { name: nameOnly, from: 'License' as const } } : {}),
  });
  it('denies what no choice avoids; OR offers a way out, AND does not; names and unknowns pass', () => {
    const packages = [
      pkg('a', 'GPL-3.0-only'),
      pkg('b', 'MIT OR GPL-3.0-only'),
      pkg('c', 'MIT AND GPL-3.0-only'),
      pkg('d', '(GPL-3.0-only OR AGPL-3.0-only) AND MIT'),
      pkg('e', 'GPL-3.0-or-later'),
      pkg('f', undefined, 'GPL'),
      pkg('g'),
    ];
    expect(
      deniedPackages(packages, ['GPL-3.0-only', 'AGPL-3.0-only']).map((p) => [p.name, p.denied]),
    ).toEqual([
      ['a', ['GPL-3.0-only']],
      ['c', ['GPL-3.0-only']],
      ['d', ['GPL-3.0-only', 'AGPL-3.0-only']],
    ]);
  });
});
