/**
 * The layer's input, whatever its format: a requirements file, a pyproject.toml or a lock file
 * (pylock.toml, uv.lock, poetry.lock, Pipfile.lock), named by the user or found in the project
 * directory. Every format becomes one RequirementsSnapshot: a requirements file as pip reads it;
 * a lock as the hash-pinned lines of exactly what it selects for the target (installed with
 * --no-deps); a pyproject.toml as its dependency strings (resolved by pip). Its hash is the
 * cache key's, so a lock change that selects nothing new for the target (a dev group, another
 * platform's wheel) keeps the cached layer.
 */
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { InputError, UserError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Target } from '../target.js';
import { lockedRequirementLine } from './lock/artifacts.js';
import { selectFromPipfileLock } from './lock/pipfile-lock.js';
import { selectFromPoetryLock } from './lock/poetry-lock.js';
import { selectFromPylock } from './lock/pylock.js';
import { pyprojectRequirements } from './lock/pyproject.js';
import type { InputFormat, LockSelection, SelectionChoices } from './lock/types.js';
import { checkUvLockFresh } from './lock/uv-freshness.js';
import { selectFromUvLock } from './lock/uv-lock.js';
import {
  normalizeProjectName,
  normalizeRequirements,
  type RequirementLine,
  type RequirementsSnapshot,
  readRequirements,
} from './requirements.js';
import type { SdistPolicy } from './types.js';

/** What the format of a file is, by its name; undefined when the name says nothing. */
export function inputFormat(file: string): InputFormat | undefined {
  const name = basename(file);
  if (name === 'pyproject.toml') return 'pyproject';
  if (name === 'pylock.toml' || /^pylock\.[^.]+\.toml$/.test(name)) return 'pylock';
  if (name === 'uv.lock') return 'uv-lock';
  if (name === 'poetry.lock') return 'poetry-lock';
  if (name === 'Pipfile.lock') return 'pipfile-lock';
  if (/\.txt$|\.in$/.test(name) || /^requirements/.test(name)) return 'requirements';
  return undefined;
}

export const FORMAT_LABEL: Record<InputFormat, string> = {
  requirements: 'requirements file',
  pyproject: 'pyproject.toml (resolved by pip)',
  pylock: 'pylock.toml (PEP 751)',
  'uv-lock': 'uv.lock',
  'poetry-lock': 'poetry.lock',
  'pipfile-lock': 'Pipfile.lock',
};

/**
 * The order the build looks for its input when none is named. requirements.txt first: a project
 * that keeps one beside a lock has written it for this purpose, and builds made before locks
 * were read keep building from the same file. Then the standard lock, the tools' locks, and
 * last pyproject.toml, the only input that still needs resolving.
 */
export const AUTO_DETECT_ORDER = [
  'requirements.txt',
  'pylock.toml',
  'uv.lock',
  'poetry.lock',
  'Pipfile.lock',
  'pyproject.toml',
] as const;

export interface DetectedInput {
  readonly file: string;
  /** Other candidates present in the directory, in order, not chosen. */
  readonly alsoPresent: readonly string[];
}

/**
 * The first file of AUTO_DETECT_ORDER in the first of `dirs` that has one (the action looks in
 * the service path, then the workspace root, where the input was looked for before); throws
 * naming every file and folder looked in.
 */
export function detectInput(dirs: readonly string[]): DetectedInput {
  for (const dir of dirs) {
    const present = AUTO_DETECT_ORDER.filter((name) => {
      const path = join(dir, name);
      return existsSync(path) && statSync(path).isFile();
    });
    const [first, ...rest] = present;
    if (first) return { file: join(dir, first), alsoPresent: rest };
  }
  throw new InputError(
    'requirements',
    `no input found in ${dirs.join(' or ')}: looked for ${AUTO_DETECT_ORDER.join(', ')}`,
    {
      hint: (n) => `set ${n.name('requirements')} to the file, or run from the project directory`,
    },
  );
}

export interface LayerInputParams {
  readonly target: Target;
  readonly sdist: SdistPolicy;
  readonly choices: SelectionChoices;
  /** Where else to look when `requirements` is a directory without an input (the workspace root). */
  readonly fallbackDir?: string;
}

function lockSnapshot(selection: LockSelection, params: LayerInputParams): RequirementsSnapshot {
  if (selection.packages.length === 0) {
    throw new UserError(
      `${selection.file}: the lock selects no package for ${params.target.runtime} ${params.target.architecture} (main dependencies${params.choices.extras.length ? `, extras ${params.choices.extras.join(', ')}` : ''}${params.choices.groups.length ? `, groups ${params.choices.groups.join(', ')}` : ''})`,
      {
        hint: (n) =>
          `choose the extras or dependency groups that hold the function's dependencies (${n.name('extras')} / ${n.name('groups')})`,
        location: { file: selection.file },
      },
    );
  }
  const generated = generatedPath(selection.file);
  const requirements: RequirementLine[] = selection.packages.map((pkg, index) => ({
    file: generated,
    line: index + 1,
    text: lockedRequirementLine(pkg, params.target, params.sdist),
    name: pkg.name,
    kind: 'requirement',
    source: pkg.location,
  }));
  return generatedSnapshot(selection.file, selection.format, requirements, {
    locked: true,
    ...(selection.direct ? { direct: selection.direct } : {}),
  });
}

/** Where the generated requirements are written before pip runs (materializeInput). */
function generatedPath(file: string): string {
  return join(dirname(file), `${basename(file)}.lambda-layer-requirements.txt`);
}

function generatedSnapshot(
  file: string,
  format: InputFormat,
  requirements: RequirementLine[],
  extra: { locked: boolean; direct?: readonly string[] },
): RequirementsSnapshot {
  const content = requirements.map((r) => `${r.text}\n`).join('');
  // What is selected, and from which kind of input (the manifest restored from the cache names it).
  const hash = createHash('sha256')
    .update(`--- ${format} ${basename(file)}\n${normalizeRequirements(content)}`)
    .digest('hex');
  const path = generatedPath(file);
  return {
    file: path,
    files: [{ path, content }],
    requirements,
    requirementsHash: hash,
    input: { file, format, ...extra },
  };
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(
      'requirements',
      `${file} ${code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${code})`}`,
      { hint: `name a requirements file, pyproject.toml or lock file (${AUTO_DETECT_ORDER.join(', ')})` },
    );
  }
}

/** The pyproject.toml beside a lock that needs it (uv.lock to check freshness, poetry.lock for its roots). */
async function pyprojectBeside(
  lock: string,
  required: boolean,
): Promise<{ path: string; text: string } | undefined> {
  const path = join(dirname(lock), 'pyproject.toml');
  if (!existsSync(path)) {
    if (!required) return undefined;
    throw new UserError(`${lock}: there is no pyproject.toml beside it (${path})`, {
      hint: 'a poetry.lock is read with its pyproject.toml: keep both in the project directory',
      location: { file: lock },
    });
  }
  return { path, text: await readFile(path, 'utf8') };
}

function refuseChoices(file: string, choices: SelectionChoices, format: string): void {
  if (choices.extras.length === 0 && choices.groups.length === 0) return;
  throw new InputError(
    choices.extras.length ? 'extras' : 'groups',
    `a ${format} (${file}) has no extras or dependency groups to choose`,
    {
      hint: (n) =>
        `leave ${n.name('extras')} and ${n.name('groups')} out, or build from pyproject.toml or a lock`,
    },
  );
}

/** Reads the input `file` (format by name) into the snapshot the build installs. */
export async function readLayerInput(file: string, params: LayerInputParams): Promise<RequirementsSnapshot> {
  const format = inputFormat(file) ?? 'requirements';
  const choices: SelectionChoices = {
    extras: params.choices.extras.map(normalizeProjectName),
    groups: params.choices.groups.map(normalizeProjectName),
  };
  if (format === 'requirements') {
    refuseChoices(file, choices, 'requirements file');
    return readRequirements(file);
  }
  const text = await readText(file);
  const target = params.target;
  switch (format) {
    case 'pylock':
      return lockSnapshot(selectFromPylock(text, file, target, choices), params);
    case 'uv-lock': {
      const pyproject = await pyprojectBeside(file, false);
      if (pyproject) checkUvLockFresh(text, file, pyproject.text, pyproject.path);
      return lockSnapshot(selectFromUvLock(text, file, target, choices), params);
    }
    case 'poetry-lock': {
      const pyproject = (await pyprojectBeside(file, true)) as { path: string; text: string };
      return lockSnapshot(
        selectFromPoetryLock(text, file, pyproject.text, pyproject.path, target, choices),
        params,
      );
    }
    case 'pipfile-lock':
      return lockSnapshot(selectFromPipfileLock(text, file, target, choices), params);
    case 'pyproject': {
      const generated = generatedPath(file);
      const requirements: RequirementLine[] = pyprojectRequirements(text, file, choices).map((r, index) => ({
        file: generated,
        line: index + 1,
        text: r.text,
        name: normalizeProjectName(/^[A-Za-z0-9._-]+/.exec(r.text)?.[0] ?? ''),
        kind: 'requirement',
        source: { file, ...(r.line ? { line: r.line } : {}) },
      }));
      if (requirements.length === 0) {
        throw new UserError(
          `${file}: no dependencies to install (none in [project] dependencies or the chosen extras and groups)`,
          {
            hint: /^\[tool\.poetry\.(dependencies|group)/m.test(text)
              ? 'the dependencies are in [tool.poetry]: run `poetry lock` and build from poetry.lock'
              : "add the function's dependencies to [project] dependencies, or choose extras/groups",
            location: { file },
          },
        );
      }
      return generatedSnapshot(file, format, requirements, { locked: false });
    }
  }
}

/**
 * The build's input: `requirements` is a file (format by name) or a directory to look in
 * (AUTO_DETECT_ORDER), in which case the log says which file was chosen and which others were
 * there.
 */
export async function readBuildInput(
  requirements: string,
  params: LayerInputParams,
  log: Logger,
): Promise<RequirementsSnapshot> {
  let file = requirements;
  if (existsSync(requirements) && statSync(requirements).isDirectory()) {
    const dirs = [
      requirements,
      ...(params.fallbackDir && params.fallbackDir !== requirements ? [params.fallbackDir] : []),
    ];
    const detected = detectInput(dirs);
    file = detected.file;
    const others = detected.alsoPresent.length
      ? ` (also present, not used: ${detected.alsoPresent.join(', ')}; name one with -r / "requirements" to use it)`
      : '';
    log.info(
      `Building from ${file}, a ${FORMAT_LABEL[inputFormat(file) ?? 'requirements']}, found in ${requirements}${others}`,
    );
  }
  const snapshot = await readLayerInput(file, params);
  if (snapshot.input) {
    const what = snapshot.input.locked ? 'locked packages selected' : 'requirements';
    log.info(
      `${FORMAT_LABEL[snapshot.input.format]} ${file}: ${snapshot.requirements.length} ${what} for ${params.target.runtime} ${params.target.architecture}`,
    );
  }
  return snapshot;
}

/**
 * A generated snapshot's requirements written into `dir` (the build's scratch folder), with
 * every path rebased there; a requirements file's snapshot is returned as it is.
 */
export async function materializeInput(
  snapshot: RequirementsSnapshot,
  dir: string,
): Promise<RequirementsSnapshot> {
  if (!snapshot.input) return snapshot;
  await mkdir(dir, { recursive: true });
  const path = join(dir, 'layer-input-requirements.txt');
  await writeFile(path, snapshot.files[0]?.content ?? '');
  return {
    ...snapshot,
    file: path,
    files: [{ path, content: snapshot.files[0]?.content ?? '' }],
    requirements: snapshot.requirements.map((r) => ({ ...r, file: path })),
  };
}
