import { describe, expect, it } from 'vitest';
import { compareVersions, isAtLeast } from '../src/pep440.js';

describe('the one version comparison', () => {
  it.each([
    ['2.26', '2.34', -1],
    ['2.34', '2.5', 1],
    ['3.4.29', '3.4.24', 1],
    ['3.4', '3.4.0', 0],
    ['22.2', '22.10', -1],
    ['3.12.0b1', '3.12.0', -1],
    ['1.0.post1', '1.0', 1],
    ['1.0.dev1', '1.0a1', -1],
  ])('%s vs %s', (a, b, sign) => {
    expect(Math.sign(compareVersions(a, b))).toBe(sign);
  });

  it('isAtLeast: glibc, pip and Python minimums', () => {
    expect(isAtLeast('22.2', '22.2')).toBe(true);
    expect(isAtLeast('21.3.1', '22.2')).toBe(false);
    expect(isAtLeast('3.8.10', '3.8')).toBe(true);
    expect(isAtLeast('3.7.17', '3.8')).toBe(false);
  });
});
