/**
 * Interpreter discovery over fake Windows, macOS and Linux layouts. This machine is Linux: the
 * Windows and macOS cases run the real discovery code against an in-memory file system laid out
 * as setup-python, the py launcher, pyenv-win and the python.org installers lay it out there.
 * Whether those interpreters then run is the probe's business (interpreters.ts), exercised for
 * real on Linux here and on the windows-latest/macos-latest CI legs.
 */
import { posix, win32 } from 'node:path';
import { describe, expect, it } from 'vitest';
import { consoleScriptDirs } from '../../src/resolve/install.js';
import {
  anyCandidates,
  type Candidate,
  candidatesForVersion,
  type DiscoveryHost,
  displayCandidate,
} from '../../src/resolve/interpreter-candidates.js';

/** A host whose file system is the given executable files (directories are implied). */
function fakeHost(
  platform: NodeJS.Platform,
  files: readonly string[],
  env: NodeJS.ProcessEnv,
  arch = 'x64',
): DiscoveryHost {
  const path = platform === 'win32' ? win32 : posix;
  const normalized = files.map((f) => path.normalize(f));
  return {
    platform,
    arch,
    env,
    async readdir(dir) {
      const prefix = path.normalize(dir) + path.sep;
      const names = normalized
        .filter((f) => f.startsWith(prefix))
        .map((f) => f.slice(prefix.length).split(path.sep)[0] ?? '');
      return [...new Set(names)];
    },
    isExecutable: async (file) => normalized.includes(path.normalize(file)),
    pyenvRoot: async () => undefined,
  };
}

async function all(candidates: AsyncIterable<Candidate>): Promise<string[]> {
  const shown: string[] = [];
  for await (const candidate of candidates) shown.push(displayCandidate(candidate));
  return shown;
}

describe('Windows layouts', () => {
  const files = [
    'C:\\Windows\\py.exe',
    'C:\\hostedtoolcache\\windows\\Python\\3.11.9\\x64\\python.exe',
    'C:\\hostedtoolcache\\windows\\Python\\3.12.10\\x64\\python.exe',
    'C:\\hostedtoolcache\\windows\\Python\\3.12.10\\arm64\\python.exe',
    'C:\\Users\\dev\\AppData\\Local\\Programs\\Python\\Python311\\python.exe',
    'C:\\Users\\dev\\AppData\\Local\\Programs\\Python\\Python313\\python.exe',
    'C:\\Users\\dev\\.pyenv\\pyenv-win\\versions\\3.11.4\\python.exe',
    'C:\\Tools\\Python\\python.exe',
  ];
  // A copied Windows environment keeps the variable's own spelling ("Path").
  const env = {
    Path: 'C:\\Windows;C:\\Tools\\Python',
    RUNNER_TOOL_CACHE: 'C:\\hostedtoolcache\\windows',
    LOCALAPPDATA: 'C:\\Users\\dev\\AppData\\Local',
    PYENV_ROOT: 'C:\\Users\\dev\\.pyenv\\pyenv-win',
  };
  const host = fakeHost('win32', files, env);

  it('finds py -3.11, the tool cache python.exe, pyenv-win and the python.org per-user install', async () => {
    expect(await all(candidatesForVersion('3.11', host))).toEqual([
      'C:\\Windows\\py.exe -3.11',
      'C:\\hostedtoolcache\\windows\\Python\\3.11.9\\x64\\python.exe',
      'C:\\hostedtoolcache\\windows\\Python\\3.11.9\\arm64\\python.exe',
      'C:\\Users\\dev\\.pyenv\\pyenv-win\\versions\\3.11.4\\python.exe',
      'C:\\Users\\dev\\AppData\\Local\\Programs\\Python\\Python311\\python.exe',
    ]);
  });

  it('any Python: python.exe on PATH first, then py -3, then the other places newest first', async () => {
    expect(await all(anyCandidates(host))).toEqual([
      'C:\\Tools\\Python\\python.exe',
      'C:\\Windows\\py.exe -3',
      'C:\\hostedtoolcache\\windows\\Python\\3.12.10\\x64\\python.exe',
      'C:\\hostedtoolcache\\windows\\Python\\3.12.10\\arm64\\python.exe',
      'C:\\hostedtoolcache\\windows\\Python\\3.11.9\\x64\\python.exe',
      'C:\\hostedtoolcache\\windows\\Python\\3.11.9\\arm64\\python.exe',
      'C:\\Users\\dev\\.pyenv\\pyenv-win\\versions\\3.11.4\\python.exe',
      'C:\\Users\\dev\\AppData\\Local\\Programs\\Python\\Python313\\python.exe',
      'C:\\Users\\dev\\AppData\\Local\\Programs\\Python\\Python311\\python.exe',
    ]);
  });

  it('an arm64 Windows machine tries the arm64 tool-cache build first', async () => {
    const arm = fakeHost('win32', files, env, 'arm64');
    expect((await all(candidatesForVersion('3.12', arm))).slice(1, 3)).toEqual([
      'C:\\hostedtoolcache\\windows\\Python\\3.12.10\\arm64\\python.exe',
      'C:\\hostedtoolcache\\windows\\Python\\3.12.10\\x64\\python.exe',
    ]);
  });

  it('pip --target writes Windows console scripts to Scripts\\: both script folders are dropped', () => {
    expect(consoleScriptDirs('win32')).toEqual(['bin', 'Scripts']);
    expect(consoleScriptDirs('darwin')).toEqual(['bin']);
    expect(consoleScriptDirs('linux')).toEqual(['bin']);
  });
});

describe('macOS and Linux layouts', () => {
  it('macOS: python3.11 on PATH (Homebrew), the tool cache bin/python3, the python.org framework', async () => {
    const host = fakeHost(
      'darwin',
      [
        '/opt/homebrew/bin/python3.11',
        '/Users/runner/hostedtoolcache/Python/3.11.9/arm64/bin/python3',
        '/Library/Frameworks/Python.framework/Versions/3.11/bin/python3',
        '/Library/Frameworks/Python.framework/Versions/3.12/bin/python3',
      ],
      { PATH: '/opt/homebrew/bin:/usr/bin', RUNNER_TOOL_CACHE: '/Users/runner/hostedtoolcache' },
      'arm64',
    );
    expect(await all(candidatesForVersion('3.11', host))).toEqual([
      '/opt/homebrew/bin/python3.11',
      '/Users/runner/hostedtoolcache/Python/3.11.9/arm64/bin/python3',
      '/Users/runner/hostedtoolcache/Python/3.11.9/x64/bin/python3',
      '/Library/Frameworks/Python.framework/Versions/3.11/bin/python3',
    ]);
  });

  it('Linux: no py launcher and no Windows install folders are looked for', async () => {
    const host = fakeHost('linux', ['/usr/bin/python3', '/usr/bin/py', '/usr/bin/python3.12'], {
      PATH: '/usr/bin',
      LOCALAPPDATA: '/nonsense',
    });
    expect(await all(anyCandidates(host))).toEqual(['/usr/bin/python3']);
    expect(await all(candidatesForVersion('3.12', host))).toEqual(['/usr/bin/python3.12']);
  });
});
