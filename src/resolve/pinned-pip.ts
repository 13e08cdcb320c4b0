/**
 * The one pip the build runs, whatever the host has: fetched once from the user's own indexes
 * (pip's configuration plus the build's index inputs), checked against the sha256 pinned here,
 * unpacked into the tool cache (beside the layer cache), its files checked before every use
 * (pinned-pip-check.ts), and run from there by any host Python the pinned pip supports. Pinning pip makes the resolver, and the patch level of every rule it
 * applies, the same on every machine.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, mkdir, mkdtemp, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { removeOnInterrupt } from '../interrupt.js';
import type { Logger } from '../log.js';
import { programPath } from '../programs.js';
import type { PythonInterpreter } from './interpreters.js';
import { checkPinnedPip, sealPinnedPip } from './pinned-pip-check.js';
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
const NO_PIP_EXIT = 3;
/**
 * A temp or set-aside folder (`.pip-*`) older than this belongs to no running build: removed by
 * the next build that gets the pinned pip. Younger ones may be another build's, filling or running.
 */
const STALE_MS = 24 * 60 * 60 * 1000;

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Compiles the unpacked pip's modules once, before it is sealed. pip imports some 300 of them on
 * every run; without bytecode beside them each run compiles them again, and where
 * PYTHONDONTWRITEBYTECODE is set (common in containers, and on this project's build machines)
 * Python never writes any: each pip run then took 0.71 s instead of 0.33 s. Best effort.
 */
async function compilePip(home: string, params: PinnedPipParams): Promise<void> {
  // unchecked-hash: Python never compares these pycs with their source's mtime (lost or changed
  // by a copy, the Actions cache's archive...) nor rewrites them; pinned-pip-check.ts checks
  // sources and pycs against the sha256 recorded for each before every run instead.
  const args = [
    '-m',
    'compileall',
    '-q',
    '-j',
    '0',
    '--invalidation-mode',
    'unchecked-hash',
    join(home, 'pip'),
  ];
  const run = await runPython(params.python.path, args, {
    log: params.log,
    env: params.env,
    timeoutMs: 120_000,
    quiet: true,
  }).catch((error: unknown) => ({ code: -1, output: String(error) }));
  if (run.code !== 0) params.log.debug(`pip's bytecode not compiled (${lastLines(run.output)})`);
}

/** EROFS, EACCES...: the folder cannot take a new entry (the build goes on without it). */
function cannotWrite(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return ['EROFS', 'EACCES', 'EPERM', 'ENOTDIR', 'EEXIST', 'ENOENT', 'ENOSPC', 'EDQUOT'].includes(code ?? '');
}

/**
 * Where the pinned pip goes when the tool cache cannot be written: a folder of this user's under
 * the temp folder, kept for the next build that meets the same cache.
 */
function fallbackToolCache(): string {
  const user = typeof process.getuid === 'function' ? process.getuid() : 'user';
  return join(tmpdir(), `lambda-layer-tools-${user}`);
}

/**
 * The pinned pip, from the tool cache or fetched into it. Its files are checked before it runs
 * (pinned-pip-check.ts); a damaged one is fetched again. A fetched wheel whose sha256 is not the
 * pinned one is refused (pip checks it, then this function again before unpacking).
 *
 * Any number of builds may run this at once on one tool cache: a pip appears only by renaming a
 * complete, checked folder into place; a build that loses that race uses the winner's; a pip is
 * only ever renamed aside (when damaged), never removed while another build may run it.
 */
export async function ensurePinnedPip(params: PinnedPipParams): Promise<PinnedPip> {
  const release = params.release ?? PINNED_PIP;
  const home = join(params.toolCacheDir, `pip-${release.version}`);
  const check = await checkPinnedPip(home, release.sha256);
  if (check.ok) {
    params.log.debug(`Using pip ${release.version} from the tool cache ${home}`);
    if (check.full) params.log.debug(`pip ${release.version}'s files were checked against their sha256`);
    return { version: release.version, home, python: params.python };
  }
  const exists = await lstat(home).then(
    () => true,
    () => false,
  );
  if (exists && check.unsealed) {
    params.log.info(
      `The pip in ${home} has no list of its files to check it against (an older lambda-layer unpacked it): fetching pip ${release.version} again`,
    );
  } else if (exists) {
    params.log.warn(
      `The pinned pip in ${home} is damaged (${check.reason}); fetching pip ${release.version} again`,
    );
  }
  try {
    return await installPinnedPip(home, release, params);
  } catch (error) {
    if (!(error instanceof ToolCacheNotWritable)) throw error;
    const fallback = fallbackToolCache();
    params.log.warn(
      `The cache folder ${params.toolCacheDir} cannot be written (${error.code}): pip ${release.version} goes to ${fallback} instead; the build goes on`,
    );
    if (fallback === params.toolCacheDir) throw error.cause;
    return ensurePinnedPip({ ...params, toolCacheDir: fallback });
  }
}

class ToolCacheNotWritable extends Error {
  constructor(
    readonly code: string,
    cause: unknown,
  ) {
    super(code, { cause });
  }
}

async function installPinnedPip(
  home: string,
  release: PinnedPipRelease,
  params: PinnedPipParams,
): Promise<PinnedPip> {
  const pinned = { version: release.version, home, python: params.python };
  let partial: string;
  try {
    await mkdir(params.toolCacheDir, { recursive: true });
    // Fill a private folder, then rename it into place: concurrent builds never see half a pip.
    partial = await mkdtemp(join(params.toolCacheDir, `.pip-${release.version}-`));
  } catch (error) {
    if (cannotWrite(error))
      throw new ToolCacheNotWritable((error as NodeJS.ErrnoException).code ?? '', error);
    throw error;
  }
  const forget = removeOnInterrupt(partial);
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
    await sealPinnedPip(unpacked, release.sha256);
    await putInPlace(unpacked, home, release, params);
    params.log.info(`Fetched pip ${release.version} (sha256 ${release.sha256}) into the tool cache ${home}`);
    await removeStale(params.toolCacheDir);
    return pinned;
  } finally {
    await rm(partial, { recursive: true, force: true });
    forget();
  }
}

/**
 * Renames the sealed `unpacked` to `home`. When another build put a pip there first, its pip is
 * used when it checks out (ours is dropped); a damaged one is renamed aside first, never removed
 * (a build may still be running it: removeStale takes it a day later).
 */
async function putInPlace(
  unpacked: string,
  home: string,
  release: PinnedPipRelease,
  params: PinnedPipParams,
): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await rename(unpacked, home);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST' && code !== 'ENOTDIR' && code !== 'EISDIR') throw error;
      if (attempt >= 3) throw error;
    }
    if ((await checkPinnedPip(home, release.sha256)).ok) return; // another build's, as good as ours
    const aside = join(params.toolCacheDir, `.pip-${release.version}-damaged-${Date.now()}-${process.pid}`);
    await rename(home, aside).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error; // ENOENT: another build set it aside already
    });
  }
}

/** Removes temp and set-aside pip folders no running build can still be using. */
async function removeStale(toolCacheDir: string, now = Date.now()): Promise<void> {
  const names = await readdir(toolCacheDir).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith('.pip-')) continue;
    const path = join(toolCacheDir, name);
    // A damaged one's name says when it was set aside (a rename keeps the folder's own times).
    const asideAt = /-damaged-(\d+)-\d+$/.exec(name)?.[1];
    const since = asideAt ? Number(asideAt) : (await stat(path).catch(() => undefined))?.mtimeMs;
    if (since !== undefined && now - since > STALE_MS)
      await rm(path, { recursive: true, force: true }).catch(() => undefined);
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
