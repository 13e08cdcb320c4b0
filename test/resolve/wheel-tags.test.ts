import { describe, expect, it } from 'vitest';
import { compareVersions, satisfies } from '../../src/pep440.js';
import { parseWheelFilename, pythonTagFits, wheelVerdict } from '../../src/resolve/wheel-tags.js';
import { resolveTarget } from '../../src/target.js';

const verdict = (filename: string, runtime = 'python3.11', arch = 'x86_64') => {
  const wheel = parseWheelFilename(filename);
  if (!wheel) throw new Error(`not a wheel: ${filename}`);
  return wheelVerdict(wheel.tags, resolveTarget(runtime, arch));
};

describe('wheelVerdict', () => {
  it('accepts what the runtime runs', () => {
    expect(verdict('a-1-cp311-cp311-manylinux_2_26_x86_64.whl').ok).toBe(true);
    expect(verdict('a-1-cp311-cp311-manylinux2014_x86_64.whl').ok).toBe(true);
    expect(verdict('a-1-cp39-abi3-manylinux_2_17_x86_64.manylinux2014_x86_64.whl').ok).toBe(true);
    expect(verdict('a-1-py3-none-any.whl').ok).toBe(true);
    expect(verdict('a-1-py2.py3-none-any.whl').ok).toBe(true);
    expect(verdict('a-1-cp312-cp312-manylinux_2_34_x86_64.whl', 'python3.12').ok).toBe(true);
    expect(verdict('a-1-cp311-cp311-manylinux_2_17_aarch64.whl', 'python3.11', 'arm64').ok).toBe(true);
  });

  it('names the limit a wheel breaks', () => {
    expect(verdict('a-1-cp311-cp311-manylinux_2_28_x86_64.whl')).toMatchObject({
      ok: false,
      kind: 'glibc',
      needs: { major: 2, minor: 28 },
    });
    expect(verdict('a-1-cp311-cp311-manylinux_2_17_aarch64.whl')).toMatchObject({
      kind: 'arch',
      arch: 'aarch64',
    });
    expect(verdict('a-1-cp312-cp312-manylinux_2_17_x86_64.whl')).toMatchObject({ kind: 'python' });
    expect(verdict('a-1-cp311-cp311-win_amd64.whl')).toMatchObject({ kind: 'os', os: 'Windows' });
    expect(verdict('a-1-cp311-cp311-macosx_11_0_arm64.whl')).toMatchObject({ kind: 'os', os: 'macOS' });
    expect(verdict('a-1-cp311-cp311-musllinux_1_1_x86_64.whl')).toMatchObject({ kind: 'libc' });
    expect(verdict('a-1-cp311-cp311-linux_x86_64.whl')).toMatchObject({ kind: 'libc' });
    // abi3 built for a newer Python than the target
    expect(verdict('a-1-cp312-abi3-manylinux_2_17_x86_64.whl')).toMatchObject({ kind: 'python' });
  });

  it('matches interpreter and ABI tags as pip does for CPython', () => {
    const tag = (python: string, abi: string) => ({ python, abi, platform: 'any' });
    expect(pythonTagFits(tag('cp311', 'cp311'), '3.11')).toBe(true);
    expect(pythonTagFits(tag('cp310', 'cp310'), '3.11')).toBe(false);
    expect(pythonTagFits(tag('cp37', 'abi3'), '3.11')).toBe(true);
    expect(pythonTagFits(tag('py310', 'none'), '3.11')).toBe(true);
    expect(pythonTagFits(tag('py312', 'none'), '3.11')).toBe(false);
    expect(pythonTagFits(tag('py2', 'none'), '3.11')).toBe(false);
  });
});

describe('pep440', () => {
  it('orders versions', () => {
    const sorted = ['1.0', '1.0rc1', '1.0.post1', '0.9', '1.0a1', '1.0.dev0', '2.0', '1.10'].sort(
      compareVersions,
    );
    expect(sorted).toEqual(['0.9', '1.0.dev0', '1.0a1', '1.0rc1', '1.0', '1.0.post1', '1.10', '2.0']);
  });

  it('checks specifier sets', () => {
    expect(satisfies('2.0', '>=1,<3')).toBe(true);
    expect(satisfies('3.0', '>=1,<3')).toBe(false);
    expect(satisfies('1.4.7', '~=1.4.5')).toBe(true);
    expect(satisfies('1.5.0', '~=1.4.5')).toBe(false);
    expect(satisfies('1.2.3', '==1.2.*')).toBe(true);
    expect(satisfies('3.0', '')).toBe(true);
    expect(satisfies('3.0rc1', '')).toBe(false);
    expect(satisfies('3.0rc1', '>=3.0rc1')).toBe(true);
  });
});
