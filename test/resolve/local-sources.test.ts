import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { directReferences, fingerprintReferences } from '../../src/resolve/local-sources.js';
import { readRequirements } from '../../src/resolve/requirements.js';

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'local-sources-'));
  mkdirSync(join(dir, 'pkg', 'src'), { recursive: true });
  writeFileSync(join(dir, 'pkg', 'pyproject.toml'), '[project]\nname = "pkg"\nversion = "1"\n');
  writeFileSync(join(dir, 'pkg', 'src', 'pkg.py'), 'VALUE = 1\n');
  writeFileSync(join(dir, 'pkg-1.0.tar.gz'), 'archive bytes');
  return dir;
}

async function fingerprint(dir: string, requirements: string) {
  writeFileSync(join(dir, 'requirements.txt'), requirements);
  const snapshot = await readRequirements('requirements.txt', dir);
  return fingerprintReferences(directReferences(snapshot, dir));
}

describe('direct references in a requirements file', () => {
  it('finds paths, file URLs, editables and remote URLs as pip reads them; index names are not references', async () => {
    const dir = project();
    writeFileSync(
      join(dir, 'requirements.txt'),
      [
        'flask==3.1.3',
        './pkg',
        '-e ./pkg',
        `tarball @ ${pathToFileURL(join(dir, 'pkg-1.0.tar.gz')).href}`,
        'six; platform_machine == "aarch64"',
        'remote @ https://example.invalid/remote-1.0-py3-none-any.whl',
        'pinned @ https://example.invalid/pinned-1.0-py3-none-any.whl#sha256=00ff',
        'hashed @ https://example.invalid/hashed-1.0.tar.gz --hash=sha256:00ff',
        'git+https://example.invalid/repo.git@0123456789abcdef0123456789abcdef01234567#egg=repo',
        'git+https://example.invalid/repo.git@main#egg=moving',
      ].join('\n'),
    );
    const refs = directReferences(await readRequirements('requirements.txt', dir), dir);
    expect(refs.map((r) => [r.line.line, r.kind, r.location, r.pinned])).toEqual([
      [2, 'path', join(dir, 'pkg'), true],
      [3, 'path', join(dir, 'pkg'), true],
      [4, 'path', join(dir, 'pkg-1.0.tar.gz'), true],
      [6, 'url', 'https://example.invalid/remote-1.0-py3-none-any.whl', false],
      [7, 'url', 'https://example.invalid/pinned-1.0-py3-none-any.whl#sha256=00ff', true],
      [8, 'url', 'https://example.invalid/hashed-1.0.tar.gz', true],
      [
        9,
        'url',
        'git+https://example.invalid/repo.git@0123456789abcdef0123456789abcdef01234567#egg=repo',
        true,
      ],
      [10, 'url', 'git+https://example.invalid/repo.git@main#egg=moving', false],
    ]);
  });

  it('changes when a local project file changes, not when pip leaves build output or bytecode in it', async () => {
    const dir = project();
    const before = (await fingerprint(dir, './pkg\n')).digest;
    mkdirSync(join(dir, 'pkg', 'build', 'lib'), { recursive: true });
    writeFileSync(join(dir, 'pkg', 'build', 'lib', 'pkg.py'), 'VALUE = 1\n');
    mkdirSync(join(dir, 'pkg', 'src', 'pkg.egg-info'));
    writeFileSync(join(dir, 'pkg', 'src', 'pkg.egg-info', 'PKG-INFO'), 'x');
    mkdirSync(join(dir, 'pkg', 'src', '__pycache__'));
    writeFileSync(join(dir, 'pkg', 'src', '__pycache__', 'pkg.cpython-311.pyc'), 'x');
    expect((await fingerprint(dir, './pkg\n')).digest).toBe(before);
    writeFileSync(join(dir, 'pkg', 'src', 'pkg.py'), 'VALUE = 2\n');
    expect((await fingerprint(dir, './pkg\n')).digest).not.toBe(before);
  });

  it('changes when a local archive changes; the same project elsewhere fingerprints the same', async () => {
    const a = project();
    const b = project();
    const line = './pkg-1.0.tar.gz\n';
    expect((await fingerprint(a, line)).digest).toBe((await fingerprint(b, line)).digest);
    writeFileSync(join(b, 'pkg-1.0.tar.gz'), 'other bytes');
    expect((await fingerprint(a, line)).digest).not.toBe((await fingerprint(b, line)).digest);
  });

  it('lists URLs whose content nothing pins', async () => {
    const dir = project();
    const { unpinned } = await fingerprint(dir, 'flask\nremote @ https://example.invalid/r-1.0.tar.gz\n');
    expect(unpinned.map((r) => r.line.line)).toEqual([2]);
  });
});
