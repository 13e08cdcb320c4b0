import { describe, expect, it } from 'vitest';
import { InputError } from '../src/errors.js';
import { pipTargetFlags, platformTags, resolveTarget } from '../src/target.js';

describe('resolveTarget', () => {
  it('defaults to python3.11 on x86_64, Amazon Linux 2, glibc 2.26', () => {
    const t = resolveTarget();
    expect(t).toMatchObject({ runtime: 'python3.11', architecture: 'x86_64', wheelArch: 'x86_64' });
    expect(t.os).toBe('Amazon Linux 2');
    expect(t.glibc).toEqual({ major: 2, minor: 26 });
  });

  it.each([
    ['python3.10', 26],
    ['python3.12', 34],
    ['python3.13', 34],
    ['python3.14', 34],
    ['python3.15', 34],
  ])('%s runs glibc 2.%i', (runtime, minor) => {
    expect(resolveTarget(runtime).glibc.minor).toBe(minor);
  });

  it('accepts python3.9 (deprecated: see target-lifecycle.test.ts) and python3.15 on Amazon Linux 2023', () => {
    expect(resolveTarget('python3.9').lifecycle.deprecation).toBe('2025-12-15');
    expect(resolveTarget('python3.15')).toMatchObject({
      os: 'Amazon Linux 2023',
      pythonVersion: '3.15',
      pythonFullVersion: '3.15.0',
    });
  });

  it('maps arm64 (and its aliases) to the aarch64 wheel arch', () => {
    expect(resolveTarget('python3.11', 'arm64').wheelArch).toBe('aarch64');
    expect(resolveTarget('python3.11', 'aarch64').architecture).toBe('arm64');
  });

  it('names the input in errors', () => {
    expect(() => resolveTarget('python2.7')).toThrow(InputError);
    expect(() => resolveTarget('python2.7')).toThrow(/Input "runtime".*python3\.11/);
    expect(() => resolveTarget('python3.11', 'ppc64le')).toThrow(/Input "architecture"/);
  });
});

describe('platformTags', () => {
  it('lists every manylinux_2_N up to 2.26 for python3.11, plus legacy aliases, newest first', () => {
    const tags = platformTags(resolveTarget('python3.11'));
    expect(tags[0]).toBe('manylinux_2_26_x86_64');
    expect(tags).toContain('manylinux_2_17_x86_64');
    expect(tags).toContain('manylinux2014_x86_64');
    expect(tags).toContain('manylinux2010_x86_64');
    expect(tags).toContain('manylinux1_x86_64');
    expect(tags.at(-1)).toBe('manylinux1_x86_64');
    expect(tags).not.toContain('manylinux_2_27_x86_64');
    expect(tags).not.toContain('manylinux_2_28_x86_64');
    // Each alias follows its PEP 600 equivalent so pip ranks them alike.
    expect(tags.indexOf('manylinux2014_x86_64')).toBe(tags.indexOf('manylinux_2_17_x86_64') + 1);
  });

  it('reaches manylinux_2_34 for python3.12', () => {
    expect(platformTags(resolveTarget('python3.12'))[0]).toBe('manylinux_2_34_x86_64');
  });

  it('starts aarch64 at glibc 2.17 with only the manylinux2014 alias', () => {
    const tags = platformTags(resolveTarget('python3.11', 'arm64'));
    expect(tags.at(-2)).toBe('manylinux_2_17_aarch64');
    expect(tags.at(-1)).toBe('manylinux2014_aarch64');
    expect(tags.every((t) => t.endsWith('_aarch64'))).toBe(true);
    expect(tags.some((t) => t.startsWith('manylinux1'))).toBe(false);
  });
});

describe('pipTargetFlags', () => {
  it('passes one --platform per tag and pins the interpreter', () => {
    const target = resolveTarget('python3.12', 'arm64');
    const flags = pipTargetFlags(target);
    const platforms = flags.filter((_, i) => flags[i - 1] === '--platform');
    expect(platforms).toEqual(platformTags(target));
    expect(flags.join(' ')).toContain(
      '--implementation cp --python-version 3.12.11 --abi cp312 --only-binary=:all:',
    );
  });
});
