import { describe, expect, it } from 'vitest';
import { parsePipSources, parseUnresolvable } from '../../src/resolve/diagnose.js';

describe('parseUnresolvable', () => {
  it('reads the requirement pip could not satisfy', () => {
    const output = [
      'Looking in indexes: file:///idx/simple, https://user:****@corp.example/simple',
      'Looking in links: /opt/wheels',
      'ERROR: Could not find a version that satisfies the requirement cryptography==50.0.2 (from versions: 49.0.0)',
      'ERROR: No matching distribution found for cryptography==50.0.2',
    ].join('\n');
    expect(parseUnresolvable(output)).toEqual({
      requirement: 'cryptography==50.0.2',
      name: 'cryptography',
      specifier: '==50.0.2',
      requiredBy: undefined,
    });
    expect(parsePipSources(output)).toEqual({
      indexUrls: ['file:///idx/simple', 'https://user:****@corp.example/simple'],
      findLinks: ['/opt/wheels'],
    });
  });

  it('keeps who required a dependency and drops markers and extras', () => {
    const output =
      'ERROR: Could not find a version that satisfies the requirement glibc28[fast]<2,>=1; python_version >= "3.8" (from wantsnew) (from versions: none)';
    expect(parseUnresolvable(output)).toMatchObject({
      name: 'glibc28',
      specifier: '<2,>=1',
      requiredBy: 'wantsnew',
    });
  });

  it('ignores other failures', () => {
    expect(
      parseUnresolvable('ERROR: THESE PACKAGES DO NOT MATCH THE HASHES FROM THE REQUIREMENTS FILE.'),
    ).toBeUndefined();
  });
});
