import { describe, expect, it } from 'vitest';
import {
  parsePipSources,
  parseUnavailableInConflict,
  parseUnresolvable,
} from '../../src/resolve/diagnose.js';

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

describe('parseUnavailableInConflict', () => {
  // pip 26.2.1's text for matplotlib -> contourpy when no contourpy wheel fits the target.
  const output = [
    'ERROR: Cannot install -r requirements.txt (line 1) because these package versions have conflicting dependencies.',
    'The conflict is caused by:',
    '    matplotlib 3.10.6 depends on contourpy>=1.0.1',
    '    matplotlib 3.10.5 depends on contourpy>=1.0.1',
    '    matplotlib 3.10.5 depends on kiwisolver>=1.3.1',
    'Additionally, some packages in these conflicts have no matching distributions available for your environment:',
    '    contourpy',
    '',
    'To fix this you could try to:',
    'ERROR: ResolutionImpossible: for help visit https://pip.pypa.io/en/latest/topics/dependency-resolution/',
  ].join('\n');

  it('names the dependency pip found nothing for, with its specifier and who asked', () => {
    expect(parseUnavailableInConflict(output)).toEqual([
      { requirement: 'contourpy>=1.0.1', name: 'contourpy', specifier: '>=1.0.1', requiredBy: 'matplotlib' },
    ]);
  });

  it('uses no specifier when the parents ask for different ones, and nothing for a real conflict', () => {
    const differing = output.replace(
      'matplotlib 3.10.5 depends on contourpy>=1.0.1',
      'matplotlib 3.10.5 depends on contourpy>=1.0',
    );
    expect(parseUnavailableInConflict(differing)[0]).toMatchObject({ name: 'contourpy', specifier: '' });
    const realConflict = output.slice(0, output.indexOf('Additionally'));
    expect(parseUnavailableInConflict(realConflict)).toEqual([]);
  });
});
