/**
 * The one pip the build runs, whatever the host has: fetched once from the user's own indexes
 * (pip's configuration plus the build's index inputs), checked against the sha256 pinned here,
 * unpacked into the tool cache (beside the layer cache) and run from there by any host Python
 * the pinned pip supports. Pinning pip makes the resolver, and the patch level of every rule it
 * applies, the same on every machine.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import type { Logger } from '../log.js';
import { programPath } from '../programs.js';
import type { PythonInterpreter } from './interpreters.js';
import { runPython } from './run-python.js';

export interface PinnedPipRelease {
  readonly version: string;
  readonly filename: string;
  /** sha256 of the wheel, as PyPI lists it. */
  readonly sha256: string;
  /** The release's Requires-Python lower bound: the oldest host Python that can run it. */
  readonly minimumPython: string;
}

// pip 26.2.1 from PyPI (https://pypi.org/project/pip/26.2.1/#files); its METADATA says
// Requires-Python >=3.10 (it uses dataclass(slots=True)), so that is the oldest host Python.
export const PINNED_PIP: PinnedPipRelease = {
  version: '26.2.1',
  filename: 'pip-26.2.1-py3-none-any.whl',
  sha256: '71138adf1f4ca900cdb7d289c21b7494329f2332b6d85f0e1c42108c0384ed3e',
  minimumPython: '3.10',
};

/** A pinned pip ready to run: `python <home>/pip ...`, or imported with `home` on sys.path. */
export interface PinnedPip {
  readonly version: string;
  /** Directory holding the unpacked wheel (pip/ and its dist-info). */
  readonly home: string;
  /** The host interpreter that runs it. */
  readonly python: PythonInterpreter;
}

export interface PinnedPipParams {
  readonly python: PythonInterpreter;
  /** The tool cache: the pinned pip lives in <toolCacheDir>/pip-<version>. */
  readonly toolCacheDir: string;
  /** Index options of the build (--index-url etc.), added to pip's own configuration. */
  readonly indexFlags: readonly string[];
  readonly log: Logger;
  readonly env?: NodeJS.ProcessEnv;
  readonly timeoutMs?: number;
  /** For tests: another release to pin (a hash mismatch, an index without it). */
  readonly release?: PinnedPipRelease;
}

const BOOTSTRAP_TIMEOUT_MS = 5 * 60_000;
/** Written last into a complete unpacked pip: its presence means the directory is whole. */
const COMPLETE = 'lambda-layer-pip.sha256';
const NO_PIP_EXIT = 3;

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Compiles the unpacked pip's modules once. pip imports some 300 of them on every run; without
 * bytecode beside them each run compiles them again, and where PYTHONDONTWRITEBYTECODE is set
 * (common in containers, and on this project's build machines) Python never writes any: each pip
 * run then took 0.71 s instead of 0.33 s. Best effort: a read-only tool cache only costs time.
 */
async function compilePip(home: string, params: PinnedPipParams): Promise<void> {
  const run = await runPython(params.python.path, ['-m', 'compileall', '-q', '-j', '0', join(home, 'pip')], {
    log: params.log,
    env: params.env,
    timeoutMs: 120_000,
    quiet: true,
  }).catch((error: unknown) => ({ code: -1, output: String(error) }));
  if (run.code !== 0) params.log.debug(`pip's bytecode not compiled (${lastLines(run.output)})`);
}

/** The cached pinned pip when it is there and whole, else undefined. */
async function cachedPip(home: string, release: PinnedPipRelease): Promise<boolean> {
  const stamp = await readFile(join(home, COMPLETE), 'utf8').catch(() => undefined);
  return stamp?.trim() === release.sha256 && existsSync(join(home, 'pip', '__main__.py'));
}

/**
 * The pinned pip, from the tool cache or fetched into it. A fetched wheel whose sha256 is not
 * the pinned one is refused (pip checks it, then this function again before unpacking).
 */
export async function ensurePinnedPip(params: PinnedPipParams): Promise<PinnedPip> {
  const release = params.release ?? PINNED_PIP;
  const home = join(params.toolCacheDir, `pip-${release.version}`);
  const pinned = { version: release.version, home, python: params.python };
  if (await cachedPip(home, release)) {
    params.log.debug(`Using pip ${release.version} from the tool cache ${home}`);
    // A tool cache filled before pip was compiled there.
    if (!existsSync(join(home, 'pip', '__pycache__'))) await compilePip(home, params);
    return pinned;
  }
  await mkdir(params.toolCacheDir, { recursive: true });
  // Fill a private folder, then rename it into place: concurrent builds never see half a pip.
  const partial = await mkdtemp(join(params.toolCacheDir, `.pip-${release.version}-`));
  try {
    const wheel = await downloadPip(release, partial, params);
    const actual = await sha256File(wheel);
    if (actual !== release.sha256) throw hashMismatch(release, actual);
    const unpacked = join(partial, 'unpacked');
    const unpack = await runPython(
      params.python.path,
      [programPath('resolve/pip_bootstrap.py'), 'unpack', wheel, unpacked],
      { log: params.log, env: params.env, timeoutMs: 60_000, quiet: true },
    );
    if (unpack.code !== 0) {
      throw new UserError(
        `cannot unpack ${release.filename} into ${unpacked}:\n${lastLines(unpack.output)}`,
        {
          hint: `check that ${params.toolCacheDir} is writable and has free space`,
        },
      );
    }
    await compilePip(unpacked, params);
    await writeFile(join(unpacked, COMPLETE), `${release.sha256}\n`);
    await rm(home, { recursive: true, force: true });
    try {
      await rename(unpacked, home);
    } catch (error) {
      // Another build put the same pip there first: use it.
      if (!(await cachedPip(home, release))) throw error;
    }
    params.log.info(`Fetched pip ${release.version} (sha256 ${release.sha256}) into the tool cache ${home}`);
    return pinned;
  } finally {
    await rm(partial, { recursive: true, force: true });
  }
}

/** Runs pip_bootstrap.py download; returns the wheel's path or throws one clear UserError. */
async function downloadPip(release: PinnedPipRelease, dir: string, params: PinnedPipParams): Promise<string> {
  const requirements = join(dir, 'pinned-pip.txt');
  await writeFile(requirements, `pip==${release.version} --hash=sha256:${release.sha256}\n`);
  const dest = join(dir, 'download');
  const timeoutMs = params.timeoutMs ?? BOOTSTRAP_TIMEOUT_MS;
  params.log.info(`Fetching pip ${release.version} once, from the configured package indexes`);
  const run = await runPython(
    params.python.path,
    [programPath('resolve/pip_bootstrap.py'), 'download', dest, requirements, ...params.indexFlags],
    { log: params.log, env: params.env, cwd: dir, timeoutMs, quiet: true },
  );
  const needed = `the build runs pip ${release.version} (${release.filename}, sha256 ${release.sha256})`;
  if (run.timedOut) {
    throw new UserError(`fetching pip ${release.version} did not finish within ${timeoutMs / 1000} s`, {
      hint: 'check that the package indexes answer and try again',
    });
  }
  if (run.code === NO_PIP_EXIT) {
    throw new UserError(
      `${params.python.path} has no pip to fetch pip ${release.version} with (no pip module, no ensurepip wheel)`,
      {
        hint: `install pip for it (e.g. apt-get install python3-pip), pass another interpreter with --python, or put ${release.filename} in a --find-links directory`,
      },
    );
  }
  if (run.code !== 0) {
    if (/DO NOT MATCH THE HASHES/.test(run.output)) throw hashMismatch(release);
    if (
      /No matching distribution found for pip|Could not find a version that satisfies the requirement pip/.test(
        run.output,
      )
    ) {
      throw new UserError(`no configured package index offers pip ${release.version}: ${needed}`, {
        hint: `add an index that has it (--index-url / --extra-index-url or pip's configuration), or download ${release.filename} and pass its directory with --find-links DIR`,
      });
    }
    throw new UserError(`fetching pip ${release.version} failed:\n${lastLines(run.output)}`, {
      hint: `${needed}; check the package index settings (pip config list) and the network`,
    });
  }
  const wheel = (await readdir(dest).catch(() => [] as string[])).find((f) => f === release.filename);
  if (!wheel) {
    throw new UserError(`pip ${release.version} was fetched but ${release.filename} is not among the files`, {
      hint: `${needed}; pass a directory holding that file with --find-links DIR`,
    });
  }
  return join(dest, wheel);
}

function hashMismatch(release: PinnedPipRelease, actual?: string): UserError {
  return new UserError(
    `the ${release.filename} the package index served does not have the pinned sha256 ${release.sha256}` +
      (actual ? ` (it has ${actual})` : '') +
      '; the build refuses to run it',
    {
      hint: 'the index serves a different file under that name: fix or replace the index (or its cache), never the pin',
    },
  );
}

function lastLines(output: string, count = 12): string {
  return output.trim().split('\n').slice(-count).join('\n');
}
