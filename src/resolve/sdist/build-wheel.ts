/**
 * Builds one wheel from a release's sdist with `pip wheel`: pip downloads the sdist from the
 * same indexes as the install (checking --hash pins when the requirements have them) and
 * builds it in an isolated environment whose build backend (setuptools, hatchling, ...) it
 * installs from those indexes too. This runs the package's build code on this machine.
 */
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../../log.js';
import type { PinnedPip } from '../pinned-pip.js';
import { normalizeProjectName } from '../requirements.js';
import { runPython } from '../run-python.js';
import { parseWheelFilename } from '../wheel-tags.js';

/**
 * 1980-01-01, the earliest time a zip can record: with SOURCE_DATE_EPOCH set, setuptools'
 * bdist_wheel writes fixed timestamps, so the same sdist builds the same wheel bytes.
 */
export const DEFAULT_SOURCE_DATE_EPOCH = '315532800';

export interface WheelBuildRequest {
  /** The pinned pip, run by the host Python with the host's markers: the build runs here. */
  readonly pip: PinnedPip;
  /** PEP 503 normalized project name. */
  readonly project: string;
  readonly version: string;
  /** `sha256:hex` pins the sdist must match (empty: no pins). */
  readonly hashes: readonly string[];
  /** --index-url/--extra-index-url/--find-links flags of the install. */
  readonly indexFlags: readonly string[];
  /** Empty directory that receives the wheel. */
  readonly outDir: string;
  readonly log: Logger;
  readonly env?: NodeJS.ProcessEnv;
  readonly timeoutMs: number;
}

export type WheelBuildResult =
  | { readonly ok: true; readonly wheelPath: string; readonly wheelFile: string }
  | { readonly ok: false; readonly output: string; readonly timedOut: boolean };

/** The `pip wheel` arguments; `requirement` is `name==version` or `-r FILE` (hash pins). */
export function pipWheelArgs(request: WheelBuildRequest, requirement: readonly string[]): string[] {
  return [
    // `python <home>/pip` runs pip's __main__, which puts <home> on sys.path: the pinned pip,
    // also for the build-dependency installs it starts in subprocesses the same way.
    join(request.pip.home, 'pip'),
    'wheel',
    '--no-deps',
    // A fresh build every time: pip's wheel cache could hand back a wheel built elsewhere by
    // another backend version (its WHEEL file would then differ and so would the layer).
    '--no-cache-dir',
    // Only this project from source: its build backend still comes as a wheel.
    '--no-binary',
    request.project,
    '--wheel-dir',
    request.outDir,
    '--no-input',
    '--disable-pip-version-check',
    '--progress-bar',
    'off',
    ...request.indexFlags,
    ...requirement,
  ];
}

export async function buildWheelFromSdist(request: WheelBuildRequest): Promise<WheelBuildResult> {
  await rm(request.outDir, { recursive: true, force: true });
  await mkdir(request.outDir, { recursive: true });
  const pinned = `${request.project}==${request.version}`;
  let requirement = [pinned];
  if (request.hashes.length > 0) {
    // Hash pins can only be given in a requirements file; pip then checks the sdist against them.
    const file = join(request.outDir, '..', `${request.project}-hashes.txt`);
    await writeFile(file, `${pinned} ${request.hashes.map((h) => `--hash=${h}`).join(' ')}\n`);
    requirement = ['-r', file];
  }
  const args = pipWheelArgs(request, requirement);
  request.log.debug(`${request.pip.python.path} ${args.join(' ')}`);
  const base = request.env ?? process.env;
  const run = await runPython(request.pip.python.path, args, {
    log: request.log,
    env: {
      ...base,
      SOURCE_DATE_EPOCH: base.SOURCE_DATE_EPOCH ?? DEFAULT_SOURCE_DATE_EPOCH,
      PYTHONHASHSEED: '0',
    },
    cwd: join(request.outDir, '..'),
    timeoutMs: request.timeoutMs,
  });
  if (run.code !== 0 || run.timedOut) return { ok: false, output: run.output, timedOut: run.timedOut };
  const wheels = (await readdir(request.outDir)).filter(
    (file) => normalizeProjectName(parseWheelFilename(file)?.name ?? '') === request.project,
  );
  const [wheelFile] = wheels;
  if (!wheelFile || wheels.length > 1) {
    return {
      ok: false,
      output: `${run.output}\npip wheel left ${wheels.length} wheels of ${pinned}`,
      timedOut: false,
    };
  }
  return { ok: true, wheelFile, wheelPath: join(request.outDir, wheelFile) };
}
