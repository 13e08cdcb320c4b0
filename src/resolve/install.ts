/**
 * Runs the pinned pip (pinned-pip.ts) with the target's platform flags and marker environment
 * to resolve and download the requirements' wheels (download_for_target.py), which src/wheel
 * installs into `staging/python` as pip install --target would (or, with assemble "pip", runs pip
 * install --target itself through pip_for_target.py), then describes what was installed from the
 * *.dist-info folders, joined with pip's report for the wheel's file name and sha256.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { UserError } from '../errors.js';
import type { Logger } from '../log.js';
import { programPath } from '../programs.js';
import { explainNoSpace } from '../system-errors.js';
import { markerEnvironment, pipTargetFlags, type Target } from '../target.js';
import type { InstallWheelsOptions, WheelFileSource } from '../wheel/install.js';
import { prepareRequirementCheck, type RequirementCheck } from './check-requirements.js';
import { diagnoseUnresolvable, parseUnavailableInConflict, parseUnresolvable } from './diagnose.js';
import type { PinnedPip } from './pinned-pip.js';
import { NO_INDEX_EXIT_CODE, noIndexAnswers, pipOutput } from './pip-output.js';
import { markRequested } from './requested.js';
import {
  findRequirementLine,
  normalizeProjectName,
  type RequirementsSnapshot,
  writtenAt,
  writtenAtText,
} from './requirements.js';
import { type PythonRun, runPython } from './run-python.js';
import { writeRequirementsWithPins } from './sdist/hash-pins.js';
import { findSdistOnlyRelease, Wheelhouse, withPureHint } from './sdist/wheelhouse.js';
import type { PackageEntry, SdistPolicy } from './types.js';
import { downloadedOnlyWheels, installDownloaded } from './wheel-download.js';
import { parseWheelFilename } from './wheel-tags.js';

export interface InstallParams {
  /** The pinned pip and the host Python that runs it. */
  readonly pip: PinnedPip;
  readonly snapshot: RequirementsSnapshot;
  readonly target: Target;
  /** Directory pip installs into (the layer's python/ folder). */
  readonly pythonDir: string;
  /** Scratch directory outside the layer, for pip's report. */
  readonly workDir: string;
  /** Where pip runs: relative requirement paths resolve here (default: the process's cwd). */
  readonly projectDir?: string;
  readonly indexUrl?: string;
  readonly extraIndexUrls: readonly string[];
  readonly findLinks: readonly string[];
  readonly log: Logger;
  readonly env?: NodeJS.ProcessEnv;
  readonly timeoutMs?: number;
  /**
   * What to do with a requirement that has no wheel at all: "pure" builds its sdist on this
   * host and keeps it when pure Python, "never" fails. Default "never": no package's build code
   * runs unless the caller asks for it.
   */
  readonly sdist?: SdistPolicy;
  /**
   * Who lays out python/: "wheels" (the default: pip resolves and downloads, src/wheel installs
   * the tree pip install --target would, see wheel-download.ts) or "pip" (pip install --target
   * itself, which the equality tests compare against).
   */
  readonly assemble?: 'pip' | 'wheels';
  /**
   * Told, on the wheels path, where each file copied unchanged from a wheel sits in it (by path
   * relative to pythonDir): the zip writer copies those bytes instead of deflating them again.
   */
  readonly onWheelFiles?: (sources: ReadonlyMap<string, WheelFileSource>) => void;
  /** On the wheels path, told as soon as each unpacked wheel's files are written (installWheels). */
  readonly onWheelWritten?: InstallWheelsOptions['onWheelWritten'];
  /** On the wheels path, the most the wheels' files may declare in total (installWheels). */
  readonly sizeLimit?: InstallWheelsOptions['limit'];
}

export const DEFAULT_PIP_TIMEOUT_MS = 20 * 60_000;

export function indexFlags(
  params: Pick<InstallParams, 'indexUrl' | 'extraIndexUrls' | 'findLinks'>,
): string[] {
  return [
    ...(params.indexUrl ? ['--index-url', params.indexUrl] : []),
    ...params.extraIndexUrls.flatMap((url) => ['--extra-index-url', url]),
    ...params.findLinks.flatMap((link) => ['--find-links', link]),
  ];
}

/**
 * The pip command line: pip_for_target.py runs the pinned pip with every environment marker
 * evaluated for the target (markerEnvironment in target.ts), whatever the host's OS, CPU and
 * Python; the platform flags choose the target's wheels and Requires-Python. The user's pip
 * configuration (config files, PIP_* variables) applies, as with any pip call.
 */
export function pipInstallArgs(
  params: InstallParams,
  reportPath?: string,
  check?: RequirementCheck,
): string[] {
  return [
    programPath('resolve/pip_for_target.py'),
    params.pip.home,
    JSON.stringify(markerEnvironment(params.target)),
    ...(check?.args ?? []),
    'install',
    '-r',
    params.snapshot.file,
    '--target',
    params.pythonDir,
    '--no-compile',
    // No --upgrade: the target is empty, so it only decides what happens when a wheel's
    // .data/data item is named like a package folder (share/): pip would delete the package's
    // folder and move the data in; without it pip keeps the package (src/wheel/layout.ts).
    '--no-input',
    '--disable-pip-version-check',
    // pip's conflict check reads every distribution installed beside pip itself (the host's
    // site-packages), which says nothing about a --target layer and cost about 1 s of a 2.2 s
    // pip run on a host with 260 distributions. The resolver already made the layer consistent.
    '--no-warn-conflicts',
    // A lock already chose every package (its lines pin each one with its hashes): no resolution.
    ...(params.snapshot.input?.locked ? ['--no-deps'] : []),
    '--progress-bar',
    'off',
    ...pipTargetFlags(params.target),
    ...indexFlags(params),
    ...(reportPath ? ['--report', reportPath] : []),
  ];
}

/**
 * The pip command line of the wheels path (params.assemble "wheels"): the same resolution as
 * pipInstallArgs (markers, platform flags, indexes, --no-deps for a lock), but pip only downloads
 * into `wheelDir` and download_for_target.py writes the installation plan to `planPath`.
 */
export function pipDownloadArgs(
  params: InstallParams,
  wheelDir: string,
  planPath: string,
  reportPath: string,
  check?: RequirementCheck,
): string[] {
  return [
    programPath('resolve/download_for_target.py'),
    params.pip.home,
    JSON.stringify(markerEnvironment(params.target)),
    planPath,
    reportPath,
    ...(check?.args ?? []),
    'download',
    '-r',
    params.snapshot.file,
    '--dest',
    wheelDir,
    '--no-input',
    '--disable-pip-version-check',
    ...(params.snapshot.input?.locked ? ['--no-deps'] : []),
    '--progress-bar',
    'off',
    ...pipTargetFlags(params.target),
    ...indexFlags(params),
  ];
}

/**
 * Where pip --target puts console scripts: bin/ on Linux and macOS; Scripts\ with .exe
 * launchers (Windows binaries, which verification would refuse) on Windows.
 */
export function consoleScriptDirs(platform: NodeJS.Platform): string[] {
  return platform === 'win32' ? ['bin', 'Scripts'] : ['bin'];
}

/**
 * RECORD lines of the console scripts just removed. Each carries the sha256 of a script whose
 * shebang is the HOST interpreter's path, so keeping them made the layer's bytes depend on the
 * machine that built it; RECORD lists installed files, and these are not installed.
 */
async function dropConsoleScriptRecords(pythonDir: string): Promise<void> {
  const scripts = /^\.\.[/\\]\.\.[/\\](?:bin|Scripts)[/\\]/;
  for (const name of await readdir(pythonDir)) {
    if (!name.endsWith('.dist-info')) continue;
    const record = join(pythonDir, name, 'RECORD');
    const text = await readFile(record, 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    const lines = text.split('\n');
    const kept = lines.filter((line) => !scripts.test(line));
    if (kept.length !== lines.length) await writeFile(record, kept.join('\n'));
  }
}

/**
 * Installs the requirements; returns one entry per installed distribution, sorted by name.
 * With sdist policy "pure", a failed resolution whose cause is a release published only as an
 * sdist builds that sdist into a pure wheel (sdist/wheelhouse.ts) and resolves again with the
 * wheelhouse as an extra --find-links source, until pip succeeds or a package cannot fit.
 */
export async function installRequirements(params: InstallParams): Promise<PackageEntry[]> {
  const reportPath = join(params.workDir, 'pip-report.json');
  const fromWheels = params.assemble !== 'pip';
  const wheelDir = join(params.workDir, 'wheels');
  const planPath = join(params.workDir, 'install-plan.json');
  const timeoutMs = params.timeoutMs ?? DEFAULT_PIP_TIMEOUT_MS;
  const policy = params.sdist ?? 'never';
  const wheelhouse = new Wheelhouse(join(params.workDir, 'sdist-wheelhouse'));
  // The first pip run checks every line with pip's parser before it installs anything.
  let check: RequirementCheck | undefined = await prepareRequirementCheck(params.snapshot, {
    workDir: params.workDir,
    sdist: policy,
  });
  const cwd = params.projectDir ?? process.cwd();
  const output = pipOutput(params.snapshot, params.log, cwd);
  for (;;) {
    const pipParams = await withWheelhouse(params, wheelhouse);
    const args = fromWheels
      ? pipDownloadArgs(pipParams, wheelDir, planPath, reportPath, check)
      : pipInstallArgs(pipParams, reportPath, check);
    params.log.debug(`${params.pip.python.path} ${args.join(' ')}`);
    const run = await runPython(params.pip.python.path, args, {
      log: params.log,
      env: params.env,
      // pip resolves relative paths in requirement lines against its working directory.
      cwd,
      timeoutMs,
      say: output.line,
    });
    if (run.code === NO_INDEX_EXIT_CODE) throw noIndexAnswers(output.unreachable);
    if (check) {
      await check.result(); // throws for bad lines, before pip's own account of them
      check = undefined;
    }
    if (run.timedOut) {
      throw new UserError(`pip did not finish within ${Math.round(timeoutMs / 1000)} s and was stopped`, {
        hint: 'check that the package indexes answer (pip retries unreachable ones) and try again',
      });
    }
    if (run.code === 0) break;
    if (output.findLinksOnly) {
      const pipError = /^ERROR: (.*)$/m.exec(run.output)?.[1];
      throw noIndexAnswers(output.unreachable, pipError);
    }
    const unresolved = parseUnresolvable(run.output);
    const release =
      unresolved &&
      (await findSdistOnlyRelease(unresolved, run.output, {
        snapshot: params.snapshot,
        indexUrls: [...(params.indexUrl ? [params.indexUrl] : []), ...params.extraIndexUrls],
        findLinks: pipParams.findLinks,
      }));
    // A project built once that pip still cannot use is explained by the usual diagnosis
    // (its wheel is now listed, with why it does not fit).
    // Errors name the user's requirements file, not the pinned copy.
    const explained = (): Promise<UserError> =>
      explainPipFailure(run, { ...pipParams, snapshot: params.snapshot });
    if (!release || wheelhouse.has(release.project)) throw await explained();
    if (policy === 'never') throw withPureHint(await explained(), release);
    await wheelhouse.build(release, {
      pip: params.pip,
      target: params.target,
      snapshot: params.snapshot,
      workDir: params.workDir,
      indexUrls: [...(params.indexUrl ? [params.indexUrl] : []), ...params.extraIndexUrls],
      findLinks: params.findLinks,
      indexFlags: indexFlags(params),
      log: params.log,
      env: params.env,
      timeoutMs,
    });
  }
  if (fromWheels && !(await downloadedOnlyWheels(planPath))) {
    params.log.info(
      'A requirement is a local project or an sdist: installing with pip install --target, which builds it',
    );
    return installRequirements({ ...params, assemble: 'pip' });
  }
  if (fromWheels) {
    const sources = await installDownloaded(planPath, wheelDir, params.pythonDir, {
      ...(params.onWheelWritten ? { onWheelWritten: params.onWheelWritten } : {}),
      ...(params.sizeLimit ? { limit: params.sizeLimit } : {}),
    });
    params.onWheelFiles?.(sources);
  }
  // Console scripts have the HOST interpreter in their shebang and /opt/python/bin is not on
  // Lambda's PATH: they cannot run there and would make the zip differ between machines.
  for (const dir of consoleScriptDirs(process.platform)) {
    await rm(join(params.pythonDir, dir), { recursive: true, force: true });
  }
  await dropConsoleScriptRecords(params.pythonDir);
  const report = await readReport(reportPath);
  const described = await describeInstalled(params.pythonDir, report);
  const input = params.snapshot.input;
  const packages = input?.locked ? await markRequested(params.pythonDir, described, input.direct) : described;
  return packages.map((p) => (wheelhouse.has(p.name) ? { ...p, builtFromSource: true } : p));
}

/**
 * The install's parameters for the next pip run: the wheelhouse as one more --find-links
 * source and, when the requirements pin hashes, a copy of them that also pins each built
 * wheel's hash (pip refuses any file whose hash is not on its line).
 */
async function withWheelhouse(params: InstallParams, wheelhouse: Wheelhouse): Promise<InstallParams> {
  if (wheelhouse.size === 0) return params;
  const pinned = await writeRequirementsWithPins(
    params.snapshot,
    wheelhouse.hashPins(),
    join(params.workDir, 'requirements-with-built-hashes'),
  );
  return {
    ...params,
    findLinks: [...params.findLinks, ...wheelhouse.findLinks()],
    snapshot: pinned ? { ...params.snapshot, file: pinned } : params.snapshot,
  };
}

/**
 * pip's account of a full disk (an OSError traceback ending in "[Errno 28] No space left on
 * device: 'SRC' -> 'DEST'"), as one line naming the folder that filled.
 */
async function explainPipNoSpace(output: string, params: InstallParams): Promise<UserError | undefined> {
  const match = /\[Errno (28|122)\] [^\n]*?(?:: '([^'\n]*)'(?: -> '([^'\n]*)')?)?\s*$/m.exec(output);
  if (!match) return undefined;
  const path = match[3] ?? match[2];
  const tempFolder = dirname(dirname(params.workDir));
  const error = { code: match[1] === '122' ? 'EDQUOT' : 'ENOSPC', ...(path ? { path } : {}) };
  const explained = await explainNoSpace(error, [
    {
      dir: tempFolder,
      what: `the temporary folder ${tempFolder} (TMPDIR; pip downloads the wheels there)`,
      hint: 'free space there, or set TMPDIR to a folder on a disk with room for the downloaded wheels and the layer',
    },
  ]);
  if (explained instanceof UserError) return explained;
  return new UserError(`pip ran out of disk space${path ? ` writing ${path}` : ''}`, {
    hint: 'free space on that disk and build again',
  });
}

async function explainPipFailure(run: PythonRun, params: InstallParams): Promise<UserError> {
  const output = run.output;
  const noSpace = await explainPipNoSpace(output, params);
  if (noSpace) return noSpace;
  const unresolved = parseUnresolvable(output);
  if (unresolved) {
    return diagnoseUnresolvable(unresolved, output, {
      target: params.target,
      snapshot: params.snapshot,
      indexUrls: [...(params.indexUrl ? [params.indexUrl] : []), ...params.extraIndexUrls],
      findLinks: params.findLinks,
    });
  }
  const errorLines = output
    .split('\n')
    .filter((l) => /^(ERROR|\s{4})/.test(l))
    .slice(0, 12)
    .join('\n');
  if (/DO NOT MATCH THE HASHES/.test(output)) {
    // pip lists each mismatch as "    name==version from URL:": point at the first one's line.
    const mismatched = /^\s{4}([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==/m.exec(output)?.[1];
    const line = mismatched ? findRequirementLine(params.snapshot, mismatched) : undefined;
    const at = line ? writtenAtText(line) : (params.snapshot.input?.file ?? params.snapshot.file);
    return new UserError(`a downloaded file does not match its --hash pin in ${at}:\n${errorLines}`, {
      hint: params.snapshot.input?.locked
        ? 'the index serves a file the lock does not record: lock again against this index (uv lock, poetry lock, pipenv lock, pip lock), or point the build at the index the lock was made from; never disable the check'
        : 'regenerate the hashes (pip-compile --generate-hashes) or fix the pin; never disable the check',
      ...(line ? { location: writtenAt(line) } : {}),
    });
  }
  if (/Hashes are required in --require-hashes mode/.test(output)) {
    return new UserError(
      `hash-checking mode needs a --hash for every requirement, dependencies included:\n${errorLines}`,
      {
        hint: 'pin every package (dependencies too) with == and --hash, e.g. with pip-compile --generate-hashes',
      },
    );
  }
  if (/ResolutionImpossible|conflict is caused by/.test(output)) {
    // A dependency pip found nothing for is no conflict between pins: explain it as such.
    const [unavailable] = parseUnavailableInConflict(output);
    if (unavailable) {
      return diagnoseUnresolvable(unavailable, output, {
        target: params.target,
        snapshot: params.snapshot,
        indexUrls: [...(params.indexUrl ? [params.indexUrl] : []), ...params.extraIndexUrls],
        findLinks: params.findLinks,
      });
    }
    const conflict = output
      .slice(output.indexOf('The conflict is caused by'))
      .split('\n')
      .slice(0, 8)
      .join('\n');
    return new UserError(`the requirements conflict with each other:\n${conflict}`, {
      hint: `loosen or align the version pins in ${params.snapshot.input?.file ?? params.snapshot.file}`,
    });
  }
  const tail = output.trim().split('\n').slice(-15).join('\n');
  return new UserError(`pip install failed (exit code ${run.code}):\n${tail}`, {
    hint: "read pip's message above; run with --verbose to see the exact pip command",
  });
}

interface ReportEntry {
  readonly url?: string;
  readonly sha256?: string;
  readonly requested?: boolean;
}

async function readReport(path: string): Promise<Map<string, ReportEntry>> {
  const entries = new Map<string, ReportEntry>();
  let report: { install?: unknown[] };
  try {
    report = JSON.parse(await readFile(path, 'utf8'));
  } catch {
    return entries;
  }
  for (const item of report.install ?? []) {
    const i = item as {
      metadata?: { name?: string };
      download_info?: { url?: string; archive_info?: { hash?: string; hashes?: Record<string, string> } };
      requested?: boolean;
    };
    if (!i.metadata?.name) continue;
    const archive = i.download_info?.archive_info;
    const sha256 =
      archive?.hashes?.sha256 ?? (archive?.hash?.startsWith('sha256=') ? archive.hash.slice(7) : undefined);
    entries.set(normalizeProjectName(i.metadata.name), {
      url: i.download_info?.url,
      sha256,
      requested: i.requested,
    });
  }
  return entries;
}

/** "Key: value" headers of an email-style file (METADATA, WHEEL), up to the body. */
function headers(text: string): { get(key: string): string | undefined; all(key: string): string[] } {
  const head = text.split(/\r?\n\r?\n/)[0] ?? '';
  const pairs = head.split(/\r?\n/).flatMap((line) => {
    const m = /^([A-Za-z0-9-]+):\s*(.*)$/.exec(line);
    return m?.[1] ? [[m[1].toLowerCase(), (m[2] ?? '').trim()] as const] : [];
  });
  return {
    get: (key) => pairs.find(([k]) => k === key.toLowerCase())?.[1],
    all: (key) => pairs.filter(([k]) => k === key.toLowerCase()).map(([, v]) => v),
  };
}

/** First column of each RECORD line (CSV; paths with commas are quoted). */
function recordPaths(text: string): { path: string; size?: number }[] {
  return text
    .split(/\r?\n/)
    .filter(Boolean)
    .map((line) => {
      const m = /^(?:"((?:[^"]|"")*)"|([^,]*)),[^,]*,(\d*)\s*$/.exec(line);
      const path = m ? (m[1]?.replace(/""/g, '"') ?? m[2] ?? '') : (line.split(',')[0] ?? '');
      return { path, size: m?.[3] ? Number(m[3]) : undefined };
    });
}

/** "py3-none-any" style compressed tags from WHEEL's Tag lines. */
function compressTags(tags: readonly string[]): string {
  const parts = tags.map((t) => t.split('-'));
  const column = (i: number): string => [...new Set(parts.map((p) => p[i] ?? ''))].join('.');
  return parts.length ? `${column(0)}-${column(1)}-${column(2)}` : 'unknown';
}

/**
 * Bytes a distribution occupies in the layer: the files its RECORD lists that are still there
 * (slimming removes some) plus the bytecode compiled for them (pip's RECORD predates it).
 */
/**
 * Bytes a distribution occupies in the layer: its RECORD's files plus the pycs of its modules.
 * Synchronous stats: a large layer has ~10,000 of them, each cheaper than an async round trip.
 */
async function distributionSize(pythonDir: string, distInfo: string): Promise<number> {
  const record = await readFile(join(pythonDir, distInfo, 'RECORD'), 'utf8').catch(() => '');
  let size = 0;
  // __pycache__ dir -> module names whose .py the distribution owns there.
  const pycaches = new Map<string, Set<string>>();
  for (const entry of recordPaths(record)) {
    const path = resolve(pythonDir, entry.path);
    // Only what is in the layer: scripts outside python/ (../../bin) are not shipped.
    if (!path.startsWith(pythonDir + sep)) continue;
    const info = statSync(path, { throwIfNoEntry: false });
    if (info?.isFile()) size += info.size;
    if (path.endsWith('.py')) {
      const cacheDir = join(dirname(path), '__pycache__');
      const modules = pycaches.get(cacheDir) ?? new Set<string>();
      modules.add(basename(path, '.py'));
      pycaches.set(cacheDir, modules);
    }
  }
  for (const [cacheDir, modules] of pycaches) {
    if (!existsSync(cacheDir)) continue;
    for (const file of readdirSync(cacheDir)) {
      // <module>.<cache tag>.pyc: the tag (cpython-311) has no dot of its own.
      if (!file.endsWith('.pyc')) continue;
      const module = file.slice(0, file.lastIndexOf('.', file.length - 5));
      if (modules.has(module)) size += statSync(join(cacheDir, file), { throwIfNoEntry: false })?.size ?? 0;
    }
  }
  return size;
}

/** Sizes again after slimming and bytecode changed what each distribution occupies. */
export async function measurePackages(
  pythonDir: string,
  packages: readonly PackageEntry[],
): Promise<PackageEntry[]> {
  const sizes = new Map<string, number>();
  for (const distInfo of (await readdir(pythonDir)).filter((name) => name.endsWith('.dist-info'))) {
    const metadata = headers(await readFile(join(pythonDir, distInfo, 'METADATA'), 'utf8').catch(() => ''));
    const name = metadata.get('Name');
    if (name) sizes.set(normalizeProjectName(name), await distributionSize(pythonDir, distInfo));
  }
  return packages.map((p) => ({ ...p, size: sizes.get(normalizeProjectName(p.name)) ?? p.size }));
}

/** One PackageEntry per *.dist-info in `pythonDir`, joined with the report by project name. */
export async function describeInstalled(
  pythonDir: string,
  report: ReadonlyMap<string, ReportEntry>,
): Promise<PackageEntry[]> {
  const distInfos = (await readdir(pythonDir)).filter((name) => name.endsWith('.dist-info')).sort();
  const packages: PackageEntry[] = [];
  for (const distInfo of distInfos) {
    const metadata = headers(await readFile(join(pythonDir, distInfo, 'METADATA'), 'utf8'));
    const wheelInfo = headers(await readFile(join(pythonDir, distInfo, 'WHEEL'), 'utf8').catch(() => ''));
    const name = metadata.get('Name') ?? distInfo.replace(/-[^-]*\.dist-info$/, '');
    const version = metadata.get('Version') ?? '';
    const fromReport = report.get(normalizeProjectName(name));
    const urlFile = fromReport?.url
      ? decodeURIComponent(basename(new URL(fromReport.url).pathname))
      : undefined;
    const wheelFromUrl = urlFile && parseWheelFilename(urlFile) ? urlFile : undefined;
    const tags = wheelFromUrl
      ? (parseWheelFilename(wheelFromUrl)?.tagText ?? '')
      : compressTags(wheelInfo.all('Tag'));
    const requested = fromReport?.requested ?? existsSync(join(pythonDir, distInfo, 'REQUESTED'));
    packages.push({
      name,
      version,
      wheel: wheelFromUrl ?? `${name.replace(/[-.]+/g, '_')}-${version}-${tags}.whl`,
      tags,
      ...(fromReport?.sha256 && wheelFromUrl ? { sha256: fromReport.sha256 } : {}),
      size: await distributionSize(pythonDir, distInfo),
      ...(urlFile && !wheelFromUrl ? { builtFromSource: true } : {}),
      requested,
    });
  }
  return packages.sort((a, b) => normalizeProjectName(a.name).localeCompare(normalizeProjectName(b.name)));
}
