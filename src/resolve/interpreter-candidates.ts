/**
 * Where Python interpreters live on Linux, macOS and Windows hosts, as commands to try in order.
 * Only the layout: nothing here runs a candidate (interpreters.ts probes each one). The host
 * (platform, CPU, environment, file system) is a parameter, so the Windows and macOS layouts are
 * tested on any machine over a fake file system.
 */
import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access, readdir } from 'node:fs/promises';
import { posix, win32 } from 'node:path';
import { toolEnvironment } from '../child-env.js';
import { compareVersions } from '../pep440.js';

/** A command that starts an interpreter: a path, or a launcher with its version flag (`py -3.11`). */
export interface Candidate {
  readonly command: string;
  readonly args: readonly string[];
}

export interface DiscoveryHost {
  readonly platform: NodeJS.Platform;
  /** process.arch of the machine (x64, arm64). */
  readonly arch: string;
  readonly env: NodeJS.ProcessEnv;
  /** Entry names of a directory; [] when it cannot be read. */
  readdir(dir: string): Promise<string[]>;
  isExecutable(path: string): Promise<boolean>;
  /** Output of `pyenv root` for the pyenv executable found on PATH. */
  pyenvRoot(pyenv: string): Promise<string | undefined>;
}

const PROBE_TIMEOUT_MS = 20_000;

/** The machine this process runs on. */
export function currentHost(env: NodeJS.ProcessEnv = process.env): DiscoveryHost {
  return {
    platform: process.platform,
    arch: process.arch,
    env,
    readdir: (dir) => readdir(dir).catch(() => []),
    isExecutable: (path) =>
      access(path, constants.X_OK).then(
        () => true,
        () => false,
      ),
    pyenvRoot: (pyenv) =>
      new Promise((resolve) => {
        execFile(
          pyenv,
          ['root'],
          { env: toolEnvironment(env), timeout: PROBE_TIMEOUT_MS, killSignal: 'SIGKILL' },
          (error, stdout) => resolve(error ? undefined : stdout.trim() || undefined),
        );
      }),
  };
}

const isWindows = (host: DiscoveryHost): boolean => host.platform === 'win32';
const pathModule = (host: DiscoveryHost) => (isWindows(host) ? win32 : posix);
const path = (command: string): Candidate => ({ command, args: [] });

/** An environment variable; Windows names are case-insensitive (a copied env keeps "Path"). */
function envValue(host: DiscoveryHost, name: string): string | undefined {
  if (host.env[name] !== undefined || !isWindows(host)) return host.env[name];
  const key = Object.keys(host.env).find((k) => k.toUpperCase() === name);
  return key ? host.env[key] : undefined;
}

function newestFirst(a: string, b: string): number {
  return compareVersions(b, a);
}

/** Every executable `name` on PATH, in PATH order (`name.exe` on Windows). */
async function onPath(host: DiscoveryHost, name: string): Promise<string[]> {
  const { join, delimiter } = pathModule(host);
  const file = isWindows(host) ? `${name}.exe` : name;
  const found: string[] = [];
  for (const dir of (envValue(host, 'PATH') ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(dir, file);
    if (await host.isExecutable(candidate)) found.push(candidate);
  }
  return found;
}

/** Version directory names ("3.11.7") under `dir` starting with `prefix`, newest first. */
async function versionDirs(host: DiscoveryHost, dir: string, prefix: string): Promise<string[]> {
  const names = await host.readdir(dir);
  return names.filter((n) => /^\d+\.\d+/.test(n) && n.startsWith(prefix)).sort(newestFirst);
}

/**
 * actions/setup-python's tool cache: RUNNER_TOOL_CACHE/Python/<version>/<arch>/bin/python3 on
 * Linux and macOS, RUNNER_TOOL_CACHE\Python\<version>\<arch>\python.exe on Windows.
 */
async function toolCache(host: DiscoveryHost, prefix: string): Promise<string[]> {
  const cache = envValue(host, 'RUNNER_TOOL_CACHE');
  if (!cache) return [];
  const { join } = pathModule(host);
  const arches = host.arch === 'arm64' ? ['arm64', 'x64'] : ['x64', 'arm64'];
  const root = join(cache, 'Python');
  const tail = isWindows(host) ? ['python.exe'] : ['bin', 'python3'];
  return (await versionDirs(host, root, prefix)).flatMap((v) => arches.map((a) => join(root, v, a, ...tail)));
}

/** pyenv (versions/<v>/bin/python3) and pyenv-win (versions\<v>\python.exe). */
async function pyenv(host: DiscoveryHost, prefix: string): Promise<string[]> {
  let root = envValue(host, 'PYENV_ROOT');
  if (!root) {
    const [executable] = await onPath(host, 'pyenv');
    root = executable ? await host.pyenvRoot(executable) : undefined;
  }
  if (!root) return [];
  const { join } = pathModule(host);
  const tail = isWindows(host) ? ['python.exe'] : ['bin', 'python3'];
  return (await versionDirs(host, join(root, 'versions'), prefix)).map((v) =>
    join(root, 'versions', v, ...tail),
  );
}

/**
 * python.org installers that did not put Python on PATH (the Windows default): per user in
 * %LOCALAPPDATA%\Programs\Python\Python311, for all users in %ProgramFiles%\Python311; the macOS
 * framework in /Library/Frameworks/Python.framework/Versions/3.11.
 */
async function pythonOrgInstalls(host: DiscoveryHost, minor?: string): Promise<string[]> {
  if (isWindows(host)) {
    const roots = [
      envValue(host, 'LOCALAPPDATA') &&
        win32.join(envValue(host, 'LOCALAPPDATA') ?? '', 'Programs', 'Python'),
      envValue(host, 'ProgramFiles'),
    ].filter((r): r is string => Boolean(r));
    const wanted = minor ? `Python${minor.replace('.', '')}` : undefined;
    const found: string[] = [];
    for (const root of roots) {
      const names = (await host.readdir(root)).filter((n) => /^Python3\d+$/.test(n));
      for (const name of names.sort((a, b) => b.localeCompare(a, 'en', { numeric: true }))) {
        if (!wanted || name === wanted) found.push(win32.join(root, name, 'python.exe'));
      }
    }
    return found;
  }
  if (host.platform === 'darwin') {
    const root = '/Library/Frameworks/Python.framework/Versions';
    const versions = (await host.readdir(root)).filter((v) => /^3\.\d+$/.test(v) && (!minor || v === minor));
    return versions.sort(newestFirst).map((v) => posix.join(root, v, 'bin', 'python3'));
  }
  return [];
}

/**
 * Interpreters of exactly `minor` ("3.11"), most likely first: python3.11 on PATH (`py -3.11` on
 * Windows), the runner tool cache, pyenv, python.org installs. Lazy: later places are only
 * looked at when the earlier ones had nothing that runs.
 */
export async function* candidatesForVersion(minor: string, host: DiscoveryHost): AsyncIterable<Candidate> {
  if (isWindows(host)) {
    for (const launcher of await onPath(host, 'py')) yield { command: launcher, args: [`-${minor}`] };
  } else {
    for (const found of await onPath(host, `python${minor}`)) yield path(found);
  }
  for (const found of await toolCache(host, `${minor}.`)) yield path(found);
  for (const found of await pyenv(host, `${minor}.`)) yield path(found);
  for (const found of await pythonOrgInstalls(host, minor)) yield path(found);
}

/** Any Python 3, most likely first: python3/python on PATH (`py -3` on Windows), then the rest. */
export async function* anyCandidates(host: DiscoveryHost): AsyncIterable<Candidate> {
  for (const name of ['python3', 'python']) for (const found of await onPath(host, name)) yield path(found);
  if (isWindows(host)) {
    for (const launcher of await onPath(host, 'py')) yield { command: launcher, args: ['-3'] };
  }
  for (const found of await toolCache(host, '')) yield path(found);
  for (const found of await pyenv(host, '')) yield path(found);
  for (const found of await pythonOrgInstalls(host)) yield path(found);
}

/** The candidate as a person would type it. */
export const displayCandidate = (candidate: Candidate): string =>
  [candidate.command, ...candidate.args].join(' ');
