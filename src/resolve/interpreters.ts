/**
 * Finds Python interpreters on the host: one to drive pip (any CPython >= 3.8 with pip >= 20.3)
 * and, for bytecode, one of exactly the target's minor version. Every candidate is verified by
 * running it: pyenv shims exist for versions that are not active and fail when run.
 */
import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access, readdir } from 'node:fs/promises';
import { delimiter, isAbsolute, join } from 'node:path';
import { InputError, UserError } from '../errors.js';
import type { Logger } from '../log.js';
import { compareVersions, isAtLeast } from '../pep440.js';
import { programSource } from '../programs.js';

export interface PythonInterpreter {
  readonly path: string;
  /** Full version, e.g. "3.11.7". */
  readonly version: string;
}

export interface PipPython extends PythonInterpreter {
  readonly pipVersion: string;
}

export interface FindPythonOptions {
  readonly log?: Logger;
  readonly env?: NodeJS.ProcessEnv;
  /** Input name blamed when an explicit path is wrong (default "python"). */
  readonly inputName?: string;
}

const MIN_PYTHON = '3.8';
const MIN_PIP = '20.3';
const PROBE_TIMEOUT_MS = 20_000;

interface Probe {
  readonly version: string;
  readonly pipVersion?: string;
  /**
   * The interpreter itself. A pyenv shim is a shell script that costs ~0.2 s per start and
   * resolves versions at run time; the build runs (and records) the binary it resolved to.
   */
  readonly executable: string;
}

// Each candidate is probed once per process: the build looks up interpreters for pip and for
// bytecode, and the action once more up front.
const probes = new Map<string, Promise<Probe | undefined>>();

function runProbe(path: string, env: NodeJS.ProcessEnv): Promise<Probe | undefined> {
  const key = [path, env.PATH, env.PYENV_VERSION, env.VIRTUAL_ENV].join('\0');
  let probe = probes.get(key);
  if (!probe) {
    probe = probeInterpreter(path, env);
    probes.set(key, probe);
  }
  return probe;
}

function probeInterpreter(path: string, env: NodeJS.ProcessEnv): Promise<Probe | undefined> {
  return new Promise((resolve) => {
    execFile(
      path,
      ['-c', programSource('resolve/probe_interpreter.py')],
      { env, timeout: PROBE_TIMEOUT_MS, killSignal: 'SIGKILL' },
      (error, stdout) => {
        const [version, pip, executable] = stdout.trim().split('\n');
        if (error || !version || !/^\d+\.\d+\.\d+$/.test(version)) {
          resolve(undefined);
          return;
        }
        resolve({
          version,
          pipVersion: pip && pip !== '-' ? pip : undefined,
          executable: executable && isAbsolute(executable) ? executable : path,
        });
      },
    );
  });
}

const minorOf = (version: string): string => version.split('.').slice(0, 2).join('.');

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Every `name` on PATH, in PATH order. */
async function onPath(name: string, env: NodeJS.ProcessEnv): Promise<string[]> {
  const dirs = (env.PATH ?? '').split(delimiter).filter(Boolean);
  const found: string[] = [];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    if (await isExecutable(candidate)) found.push(candidate);
  }
  return found;
}

/** Version directory names under `dir` whose name starts with `prefix`, newest first. */
async function versionDirs(dir: string, prefix = ''): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => /^\d+\.\d+/.test(n) && n.startsWith(prefix))
    .sort((a, b) => compareVersions(b, a));
}

/** Pythons from actions/setup-python's tool cache: $RUNNER_TOOL_CACHE/Python/<version>/<arch>/bin. */
async function toolCachePythons(env: NodeJS.ProcessEnv, prefix = ''): Promise<string[]> {
  const cache = env.RUNNER_TOOL_CACHE;
  if (!cache) return [];
  const arches = process.arch === 'arm64' ? ['arm64', 'x64'] : ['x64', 'arm64'];
  const root = join(cache, 'Python');
  const versions = await versionDirs(root, prefix);
  return versions.flatMap((v) => arches.map((arch) => join(root, v, arch, 'bin', 'python3')));
}

/** The pyenv root: $PYENV_ROOT, else `pyenv root` when pyenv is on PATH. */
async function pyenvRoot(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  if (env.PYENV_ROOT) return env.PYENV_ROOT;
  const [pyenv] = await onPath('pyenv', env);
  if (!pyenv) return undefined;
  return new Promise((resolve) => {
    execFile(pyenv, ['root'], { env, timeout: PROBE_TIMEOUT_MS, killSignal: 'SIGKILL' }, (error, stdout) =>
      resolve(error ? undefined : stdout.trim() || undefined),
    );
  });
}

async function pyenvPythons(env: NodeJS.ProcessEnv, prefix = ''): Promise<string[]> {
  const root = await pyenvRoot(env);
  if (!root) return [];
  const versions = await versionDirs(join(root, 'versions'), prefix);
  return versions.map((v) => join(root, 'versions', v, 'bin', 'python3'));
}

async function firstMatching<T>(
  candidates: AsyncIterable<string>,
  check: (path: string, probe: Probe) => T | undefined,
  env: NodeJS.ProcessEnv,
  log?: Logger,
): Promise<T | undefined> {
  const tried = new Set<string>();
  for await (const path of candidates) {
    if (tried.has(path)) continue;
    tried.add(path);
    const probe = await runProbe(path, env);
    if (!probe) {
      log?.debug(`python candidate ${path}: does not run`);
      continue;
    }
    const result = check(path, probe);
    log?.debug(
      `python candidate ${path}: ${probe.version}, pip ${probe.pipVersion ?? 'none'}${result ? ' (chosen)' : ''}`,
    );
    if (result) return result;
  }
  return undefined;
}

async function* pipCandidates(env: NodeJS.ProcessEnv, preferMinor?: string): AsyncIterable<string> {
  // Same minor as the target first: pip evaluates environment markers for the interpreter that
  // runs it, not for --python-version, so a matching driver gets python_version markers right.
  if (preferMinor) yield* interpreterCandidates(preferMinor, env);
  for (const name of ['python3', 'python']) yield* await onPath(name, env);
  yield* await toolCachePythons(env);
  yield* await pyenvPythons(env);
}

/** Lazily, so pyenv is not asked when PATH already has the interpreter. */
async function* interpreterCandidates(minor: string, env: NodeJS.ProcessEnv): AsyncIterable<string> {
  yield* await onPath(`python${minor}`, env);
  yield* await toolCachePythons(env, `${minor}.`);
  yield* await pyenvPythons(env, `${minor}.`);
}

function pipPythonFrom(_path: string, probe: Probe): PipPython | undefined {
  if (!isAtLeast(probe.version, MIN_PYTHON) || !probe.pipVersion || !isAtLeast(probe.pipVersion, MIN_PIP))
    return undefined;
  return { path: probe.executable, version: probe.version, pipVersion: probe.pipVersion };
}

/**
 * A Python >= 3.8 with pip >= 20.3 to drive the install: `explicit` when given (it must
 * qualify), else, preferring `preferMinor` (the target's version), python3/python on PATH, the
 * runner tool cache and pyenv's versions.
 */
export async function findPipPython(
  explicit?: string,
  options: FindPythonOptions & { preferMinor?: string } = {},
): Promise<PipPython> {
  const env = options.env ?? process.env;
  if (explicit) {
    const probe = await runProbe(explicit, env);
    const input = options.inputName ?? 'python';
    if (!probe) throw new InputError(input, `${explicit} does not run as a Python interpreter`);
    const found = pipPythonFrom(explicit, probe);
    if (!found) {
      throw new InputError(
        input,
        `${explicit} is Python ${probe.version} with ${probe.pipVersion ? `pip ${probe.pipVersion}` : 'no pip'}; ` +
          'the build needs Python >= 3.8 with pip >= 20.3',
        { hint: `upgrade pip (${explicit} -m pip install -U pip) or pass another interpreter` },
      );
    }
    options.log?.info(`Using Python ${found.version} (pip ${found.pipVersion}) at ${found.path} to run pip`);
    return found;
  }
  const found = await firstMatching(pipCandidates(env, options.preferMinor), pipPythonFrom, env, options.log);
  if (!found) {
    throw new UserError(
      'no Python >= 3.8 with pip >= 20.3 found on PATH, in the runner tool cache or in pyenv',
      {
        hint: 'install one (actions/setup-python in a workflow) or pass its path with --python / input "python"',
      },
    );
  }
  options.log?.info(`Using Python ${found.version} (pip ${found.pipVersion}) at ${found.path} to run pip`);
  return found;
}

/**
 * An interpreter of exactly `minorVersion` ("3.11"): `explicit` when given (an InputError when
 * it is another version), else python3.11 on PATH, the runner tool cache, pyenv's versions.
 * Undefined when the host has none.
 */
export async function findInterpreter(
  minorVersion: string,
  explicit?: string,
  options: FindPythonOptions = {},
): Promise<PythonInterpreter | undefined> {
  const env = options.env ?? process.env;
  const check = (_path: string, probe: Probe): PythonInterpreter | undefined =>
    minorOf(probe.version) === minorVersion ? { path: probe.executable, version: probe.version } : undefined;
  if (explicit) {
    const probe = await runProbe(explicit, env);
    const input = options.inputName ?? 'python';
    if (!probe) throw new InputError(input, `${explicit} does not run as a Python interpreter`);
    const found = check(explicit, probe);
    if (!found) {
      throw new InputError(
        input,
        `${explicit} is Python ${probe.version}; the target needs Python ${minorVersion}`,
      );
    }
    options.log?.info(`Using Python ${found.version} at ${found.path} for Python ${minorVersion}`);
    return found;
  }
  const found = await firstMatching(interpreterCandidates(minorVersion, env), check, env, options.log);
  if (found) options.log?.info(`Using Python ${found.version} at ${found.path} for Python ${minorVersion}`);
  else
    options.log?.debug(
      `no Python ${minorVersion} interpreter found on PATH, in the runner tool cache or in pyenv`,
    );
  return found;
}
