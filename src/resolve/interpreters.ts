/**
 * Finds Python interpreters on the host: one to run the pinned pip (any CPython the pinned pip
 * supports; see pinned-pip.ts) and, for bytecode, one of exactly the target's minor version.
 * Where to look (PATH, `py` launcher, tool cache, pyenv, python.org installs) is
 * interpreter-candidates.ts; every candidate is verified here by running it: pyenv shims exist
 * for versions that are not active and fail when run, Windows has Store stubs named python.exe.
 */
import { execFile } from 'node:child_process';
import { isAbsolute } from 'node:path';
import { toolEnvironment } from '../child-env.js';
import { InputError, UserError } from '../errors.js';
import type { Logger } from '../log.js';
import { isAtLeast } from '../pep440.js';
import { programSource } from '../programs.js';
import {
  anyCandidates,
  type Candidate,
  candidatesForVersion,
  currentHost,
  type DiscoveryHost,
  displayCandidate,
} from './interpreter-candidates.js';
import { PINNED_PIP } from './pinned-pip.js';

export interface PythonInterpreter {
  readonly path: string;
  /** Full version, e.g. "3.11.7". */
  readonly version: string;
}

export interface FindPythonOptions {
  readonly log?: Logger;
  readonly env?: NodeJS.ProcessEnv;
  /** Input name blamed when an explicit path is wrong (default "python"). */
  readonly inputName?: string;
  /** The machine to look on (tests pass a fake layout); default this one. */
  readonly host?: DiscoveryHost;
}

const MIN_PYTHON = PINNED_PIP.minimumPython;
const PROBE_TIMEOUT_MS = 20_000;

interface Probe {
  readonly version: string;
  /**
   * The interpreter itself. A pyenv shim is a shell script that costs ~0.2 s per start and
   * resolves versions at run time, `py -3.11` is a launcher: the build runs (and records) the
   * binary they resolve to.
   */
  readonly executable: string;
}

// Each candidate is probed once per process: the build looks up interpreters for pip and for
// bytecode, and the action once more up front.
const probes = new Map<string, Promise<Probe | undefined>>();

function runProbe(candidate: Candidate, env: NodeJS.ProcessEnv): Promise<Probe | undefined> {
  const key = [displayCandidate(candidate), env.PATH, env.PYENV_VERSION, env.VIRTUAL_ENV].join('\0');
  let probe = probes.get(key);
  if (!probe) {
    probe = probeInterpreter(candidate, env);
    probes.set(key, probe);
  }
  return probe;
}

function probeInterpreter(candidate: Candidate, env: NodeJS.ProcessEnv): Promise<Probe | undefined> {
  return new Promise((resolve) => {
    execFile(
      candidate.command,
      [...candidate.args, '-c', programSource('resolve/probe_interpreter.py')],
      { env: toolEnvironment(env), timeout: PROBE_TIMEOUT_MS, killSignal: 'SIGKILL' },
      (error, stdout) => {
        const [version, executable] = stdout.trim().split(/\r?\n/);
        if (error || !version || !/^\d+\.\d+\.\d+$/.test(version)) {
          resolve(undefined);
          return;
        }
        resolve({
          version,
          executable: executable && isAbsolute(executable) ? executable : candidate.command,
        });
      },
    );
  });
}

const minorOf = (version: string): string => version.split('.').slice(0, 2).join('.');

async function firstMatching<T>(
  candidates: AsyncIterable<Candidate>,
  check: (probe: Probe) => T | undefined,
  env: NodeJS.ProcessEnv,
  log?: Logger,
): Promise<T | undefined> {
  const tried = new Set<string>();
  for await (const candidate of candidates) {
    const shown = displayCandidate(candidate);
    if (tried.has(shown)) continue;
    tried.add(shown);
    const probe = await runProbe(candidate, env);
    if (!probe) {
      log?.debug(`python candidate ${shown}: does not run`);
      continue;
    }
    const result = check(probe);
    log?.debug(`python candidate ${shown}: ${probe.version}${result ? ' (chosen)' : ''}`);
    if (result) return result;
  }
  return undefined;
}

const WHERE_LOOKED =
  'on PATH, through the py launcher, in the runner tool cache, in pyenv or in python.org install folders';

/**
 * A host Python to run the pinned pip (Python >= the pinned pip's minimum; its version does not
 * matter otherwise: markers and Requires-Python are evaluated for the target). `explicit` when
 * given (it must qualify), else python3/python on PATH, `py -3`, the runner tool cache, pyenv.
 */
/** The interpreter the user named (an input or flag), which must run. */
async function probeExplicit(explicit: string, input: string, env: NodeJS.ProcessEnv): Promise<Probe> {
  const probe = await runProbe({ command: explicit, args: [] }, env);
  if (!probe) throw new InputError(input, `${explicit} does not run as a Python interpreter`);
  return probe;
}

export async function findPipPython(
  explicit?: string,
  options: FindPythonOptions = {},
): Promise<PythonInterpreter> {
  const env = options.env ?? options.host?.env ?? process.env;
  const check = (probe: Probe): PythonInterpreter | undefined =>
    isAtLeast(probe.version, MIN_PYTHON) ? { path: probe.executable, version: probe.version } : undefined;
  const needs = `the build runs pip ${PINNED_PIP.version}, which needs Python >= ${MIN_PYTHON}`;
  if (explicit) {
    const input = options.inputName ?? 'python';
    const probe = await probeExplicit(explicit, input, env);
    const found = check(probe);
    if (!found) {
      throw new InputError(input, `${explicit} is Python ${probe.version}; ${needs}`, {
        hint: `pass a Python ${MIN_PYTHON} or newer (any version: it only runs pip)`,
      });
    }
    options.log?.info(`Using Python ${found.version} at ${found.path} to run pip`);
    return found;
  }
  const host = options.host ?? currentHost(env);
  const found = await firstMatching(anyCandidates(host), check, env, options.log);
  if (!found) {
    throw new UserError(`no Python >= ${MIN_PYTHON} found ${WHERE_LOOKED}; ${needs}`, {
      hint: (n) =>
        `install one (actions/setup-python in a workflow, python.org or your package manager) or set ${n.name('python')} to its path`,
    });
  }
  options.log?.info(`Using Python ${found.version} at ${found.path} to run pip`);
  return found;
}

/**
 * An interpreter of exactly `minorVersion` ("3.11"): `explicit` when given (an InputError when
 * it is another version), else python3.11 on PATH (`py -3.11` on Windows), the runner tool
 * cache, pyenv's versions, python.org installs. Undefined when the host has none.
 */
export async function findInterpreter(
  minorVersion: string,
  explicit?: string,
  options: FindPythonOptions = {},
): Promise<PythonInterpreter | undefined> {
  const env = options.env ?? options.host?.env ?? process.env;
  const check = (probe: Probe): PythonInterpreter | undefined =>
    minorOf(probe.version) === minorVersion ? { path: probe.executable, version: probe.version } : undefined;
  if (explicit) {
    const input = options.inputName ?? 'python';
    const probe = await probeExplicit(explicit, input, env);
    const found = check(probe);
    if (!found) {
      throw new InputError(
        input,
        `${explicit} is Python ${probe.version}; the target needs Python ${minorVersion}`,
      );
    }
    options.log?.info(`Using Python ${found.version} at ${found.path} for Python ${minorVersion}`);
    return found;
  }
  const host = options.host ?? currentHost(env);
  const found = await firstMatching(candidatesForVersion(minorVersion, host), check, env, options.log);
  if (found) options.log?.info(`Using Python ${found.version} at ${found.path} for Python ${minorVersion}`);
  else options.log?.debug(`no Python ${minorVersion} interpreter found ${WHERE_LOOKED}`);
  return found;
}
