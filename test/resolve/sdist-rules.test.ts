/**
 * The pure rules of the sdist fallback: which failed requirement may be built from source, how
 * hash pins are read and extended, and what counts as compiled code in a built wheel.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRequirements } from '../../src/resolve/requirements.js';
import {
  hashPinsFor,
  lineHashes,
  lineSpecifier,
  sdistOnlyRelease,
  specifiersFor,
} from '../../src/resolve/sdist/candidate.js';
import { addHashPins, writeRequirementsWithPins } from '../../src/resolve/sdist/hash-pins.js';
import { hasPureTags, inspectWheel, isCompiledFile } from '../../src/resolve/sdist/purity.js';
import type { DistributionFile } from '../../src/resolve/simple-index.js';
import { createPackageIndex, type PackageIndex } from '../support/package-index.js';

const files = (...names: string[]): DistributionFile[] =>
  names.map((filename) => ({ filename, source: 'test', yanked: filename.includes('yanked') }));

describe('which release may be built from source', () => {
  it('picks the newest allowed release when it has only an sdist', () => {
    const listing = files('foo-1.0.tar.gz', 'foo-1.0-py3-none-any.whl', 'foo-2.0.tar.gz', 'foo-2.0.zip');
    expect(sdistOnlyRelease('foo', [''], listing)).toEqual({
      project: 'foo',
      version: '2.0',
      sdistFile: 'foo-2.0.tar.gz',
    });
  });

  it('never picks a release that has wheels, even when none fits (compiled code)', () => {
    const listing = files(
      'foo-2.0.tar.gz',
      'foo-2.0-cp311-cp311-manylinux_2_28_x86_64.whl',
      'foo-1.0.tar.gz',
    );
    expect(sdistOnlyRelease('foo', [''], listing)).toBeUndefined();
  });

  it('respects every specifier, skips yanked files and pre-releases', () => {
    const listing = files('foo-1.0.tar.gz', 'foo-2.0.tar.gz', 'foo-3.0rc1.tar.gz', 'foo-1.5.tar.gz#yanked');
    expect(sdistOnlyRelease('foo', ['>=1', '<2'], listing)?.version).toBe('1.0');
    expect(sdistOnlyRelease('foo', [''], listing)?.version).toBe('2.0');
    expect(sdistOnlyRelease('foo', ['>3'], listing)).toBeUndefined();
    expect(sdistOnlyRelease('Foo_Bar', [''], files('foo-bar-1.0.tar.gz'))?.project).toBe('foo-bar');
  });

  it('reads specifiers and hashes from requirement lines', () => {
    expect(lineSpecifier('foo[x] >= 1, <2 ; python_version > "3" --hash=sha256:ab')).toBe('>=1,<2');
    expect(lineSpecifier('foo (>=1)')).toBe('>=1');
    expect(lineSpecifier('foo')).toBe('');
    expect(lineSpecifier('foo @ https://example.com/foo-1.0.tar.gz')).toBeUndefined();
    expect(lineHashes('foo==1 --hash=sha256:AB01 --hash sha256:cd')).toEqual(['sha256:AB01', 'sha256:cd']);
  });
});

describe('hash pins', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sdist-pins-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('adds the built wheel hash to every hash-pinned line of the project, in a copy', async () => {
    const { writeFile, mkdir, readFile } = await import('node:fs/promises');
    await mkdir(join(dir, 'reqs'), { recursive: true });
    await writeFile(
      join(dir, 'requirements.txt'),
      '-r reqs/base.txt\n-c reqs/pins.txt\nfoo==1.0 \\\n    --hash=sha256:aa \\\n    --hash=sha256:bb  # the sdist\n',
    );
    await writeFile(join(dir, 'reqs', 'base.txt'), 'bar==2.0 --hash=sha256:cc\nunpinned\n');
    await writeFile(join(dir, 'reqs', 'pins.txt'), 'foo<2\n');
    const snapshot = await readRequirements(join(dir, 'requirements.txt'));
    expect(specifiersFor(snapshot, 'foo')).toEqual(['<2', '==1.0']);
    expect(hashPinsFor(snapshot, 'foo')).toEqual(['sha256:aa', 'sha256:bb']);

    const pins = new Map([
      ['foo', ['sha256:ff']],
      ['unpinned', ['sha256:ee']],
    ]);
    const edited = addHashPins(snapshot, pins);
    expect(edited.get(join(dir, 'requirements.txt'))).toBe(
      '-r reqs/base.txt\n-c reqs/pins.txt\nfoo==1.0 \\\n    --hash=sha256:aa \\\n    --hash=sha256:bb --hash=sha256:ff  # the sdist\n',
    );
    // Lines without hashes (and other files) stay as they are.
    expect(edited.size).toBe(1);

    const copy = await writeRequirementsWithPins(snapshot, pins, join(dir, 'copy'));
    expect(copy).toBe(join(dir, 'copy', dir, 'requirements.txt'));
    const reread = await readRequirements(copy ?? '');
    expect(hashPinsFor(reread, 'foo')).toEqual(['sha256:aa', 'sha256:bb', 'sha256:ff']);
    expect(reread.requirements.map((r) => r.name)).toEqual(['bar', 'unpinned', 'foo', 'foo']);
    expect(await readFile(join(dir, 'requirements.txt'), 'utf8')).not.toContain('sha256:ff');

    expect(
      await writeRequirementsWithPins(snapshot, new Map([['bar2', ['sha256:00']]]), join(dir, 'x')),
    ).toBe(undefined);
  });
});

describe('pure wheels', () => {
  let index: PackageIndex;
  beforeAll(async () => {
    index = await createPackageIndex({
      wheels: [
        { name: 'clean', version: '1.0' },
        // Tagged pure, but a native library hides inside under an innocent name.
        {
          name: 'sneaky',
          version: '1.0',
          files: {
            'sneaky/data.bin': Buffer.concat([
              Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]),
              Buffer.alloc(64),
            ]),
          },
        },
        { name: 'native', version: '1.0', tags: 'cp311-cp311-linux_x86_64' },
      ],
    });
  }, 60_000);
  afterAll(() => index.cleanup());

  const wheel = (name: string) => index.files.find((f) => f.project === name)?.path ?? '';

  it('accepts only "any platform, no ABI" tags', () => {
    expect(hasPureTags('a-1.0-py3-none-any.whl')).toBe(true);
    expect(hasPureTags('a-1.0-py2.py3-none-any.whl')).toBe(true);
    expect(hasPureTags('a-1.0-cp311-cp311-linux_x86_64.whl')).toBe(false);
    expect(hasPureTags('a-1.0-cp311-abi3-any.whl')).toBe(false);
    expect(hasPureTags('a-1.0-py3-none-manylinux_2_17_x86_64.whl')).toBe(false);
  });

  it('finds native code by name and by magic bytes', () => {
    const text = Buffer.from('print("hi")\n');
    expect(isCompiledFile('pkg/mod.py', text)).toBe(false);
    expect(isCompiledFile('pkg/_x.cpython-311-x86_64-linux-gnu.so', text)).toBe(true);
    expect(isCompiledFile('pkg/libfoo.so.1.2', text)).toBe(true);
    expect(isCompiledFile('pkg/x.pyd', text)).toBe(true);
    expect(isCompiledFile('pkg/x.dylib', text)).toBe(true);
    expect(isCompiledFile('pkg/blob', Buffer.from('!<arch>\nrest'))).toBe(true);
    expect(isCompiledFile('pkg/blob', Buffer.from([0xcf, 0xfa, 0xed, 0xfe, 0, 0, 0, 0]))).toBe(true);
  });

  it('inspects a wheel: tags and content must both be pure', async () => {
    const scratch = await mkdtemp(join(tmpdir(), 'sdist-purity-'));
    try {
      expect(await inspectWheel(wheel('clean'), join(scratch, 'a'))).toMatchObject({
        pure: true,
        compiledFiles: [],
      });
      expect(await inspectWheel(wheel('sneaky'), join(scratch, 'b'))).toMatchObject({
        pure: false,
        pureTags: true,
        compiledFiles: ['sneaky/data.bin'],
      });
      expect(await inspectWheel(wheel('native'), join(scratch, 'c'))).toMatchObject({
        pure: false,
        pureTags: false,
        tagText: 'cp311-cp311-linux_x86_64',
      });
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  });
});
