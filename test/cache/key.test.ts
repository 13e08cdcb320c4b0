import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CacheKeyInputs, cacheKey } from '../../src/cache/key.js';
import { readRequirements } from '../../src/resolve/requirements.js';
import { resolveTarget } from '../../src/target.js';

const base: CacheKeyInputs = {
  toolVersion: '1.0.0',
  pipVersion: '26.2.1',
  target: resolveTarget('python3.11', 'x86_64'),
  requirementsHash: 'a'.repeat(64),
  directSourcesHash: 'c'.repeat(64),
  bytecode: true,
  sdist: 'pure',
  extraIndexUrls: [],
  findLinks: [],
  findLinksContentHash: 'e'.repeat(64),
};

async function hashOf(files: Record<string, string>): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'key-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return (await readRequirements(join(dir, 'requirements.txt'))).requirementsHash;
}

describe('cacheKey', () => {
  it('is stable and under the 512-character limit', () => {
    expect(cacheKey(base)).toBe(cacheKey({ ...base }));
    expect(cacheKey(base).length).toBeLessThan(512);
    expect(cacheKey(base)).toMatch(/^lambda-layer-1\.0\.0-python3\.11-x86_64-[0-9a-f]{64}$/);
  });

  it.each<[string, Partial<CacheKeyInputs>]>([
    ['tool version', { toolVersion: '1.0.1' }],
    ['runtime (python version)', { target: resolveTarget('python3.12', 'x86_64') }],
    ['runtime with the same glibc', { target: resolveTarget('python3.10', 'x86_64') }],
    ['architecture', { target: resolveTarget('python3.11', 'arm64') }],
    ['requirements', { requirementsHash: 'b'.repeat(64) }],
    ['content of local projects and archives', { directSourcesHash: 'd'.repeat(64) }],
    ['bytecode', { bytecode: false }],
    ['slim', { slim: { exclude: [], keep: [] } }],
    ['slim patterns', { slim: { exclude: ['**/*.md'], keep: [] } }],
    ['sdist policy', { sdist: 'never' }],
    ['index url', { indexUrl: 'https://pypi.example/simple' }],
    ['extra index urls', { extraIndexUrls: ['https://extra.example/simple'] }],
    ['find-links', { findLinks: ['./wheels'] }],
    ['content of local find-links folders', { findLinksContentHash: 'f'.repeat(64) }],
  ])('changes with the %s', (_, change) => {
    expect(cacheKey({ ...base, ...change })).not.toBe(cacheKey(base));
  });

  it('never shows index URLs (they may hold credentials)', () => {
    const key = cacheKey({ ...base, indexUrl: 'https://user:secret@pypi.example/simple' });
    expect(key).not.toContain('secret');
  });
});

describe('requirements hash as a key ingredient', () => {
  it('ignores comments, blank lines and trailing spaces', async () => {
    const plain = await hashOf({ 'requirements.txt': 'flask==3.1.3\nrequests==2.32.3\n' });
    const noisy = await hashOf({
      'requirements.txt': '# web\nflask==3.1.3   \n\n\nrequests==2.32.3  # http\n',
    });
    expect(noisy).toBe(plain);
  });

  it('changes when a pin or an included file changes', async () => {
    const a = await hashOf({
      'requirements.txt': '-r base.txt\nflask==3.1.3\n',
      'base.txt': 'six==1.16.0\n',
    });
    const b = await hashOf({
      'requirements.txt': '-r base.txt\nflask==3.1.3\n',
      'base.txt': 'six==1.17.0\n',
    });
    const c = await hashOf({
      'requirements.txt': '-r base.txt\nflask==3.1.2\n',
      'base.txt': 'six==1.16.0\n',
    });
    expect(new Set([a, b, c]).size).toBe(3);
  });
});
