/**
 * pylock.toml (PEP 751, https://packaging.python.org/en/latest/specifications/pylock-toml/):
 * every package whose `marker` holds for the target, with `extras` and `dependency_groups` as
 * the sets the user chose (default: the lock's `default-groups`). The lock is refused when its
 * `environments` or `requires-python` exclude the target, or when a selected package comes from
 * a directory, VCS checkout or archive URL (only index files can be hash-checked here). The one
 * exception is the project itself: `pip lock .` writes the project being locked as a directory
 * package at the lock's own folder (`[packages.directory] path = "."`). That is the function's
 * code, not a dependency, so it is skipped and its dependencies installed, as for uv.lock's root.
 */
import { dirname, resolve } from 'node:path';
import { UserError } from '../../errors.js';
import { satisfies } from '../../pep440.js';
import { markerEnvironment, type Target } from '../../target.js';
import { normalizeProjectName } from '../requirements.js';
import { evaluateMarker, type MarkerContext, MarkerSyntaxError } from './markers.js';
import { arrayTableLines, asArray, asString, asStrings, asTable, parseTomlFile } from './toml-lines.js';
import type { LockedFile, LockedPackage, LockSelection, SelectionChoices } from './types.js';

function lockedFile(value: unknown): LockedFile | undefined {
  const table = asTable(value);
  if (!table) return undefined;
  const url = asString(table.url) ?? asString(table.path);
  const filename =
    asString(table.name) ?? (url ? decodeURIComponent(url.split(/[/\\]/).pop() ?? '') : undefined);
  if (!filename) return undefined;
  const sha256 = asString(asTable(table.hashes)?.sha256)?.toLowerCase();
  return { filename, ...(sha256 ? { sha256 } : {}) };
}

/** Evaluates a marker from the lock, turning a syntax error into one located UserError. */
export function markerHolds(
  marker: string | undefined,
  context: MarkerContext,
  location: { file: string; line?: number },
): boolean {
  try {
    return evaluateMarker(marker, context);
  } catch (error) {
    if (!(error instanceof MarkerSyntaxError)) throw error;
    throw new UserError(`${location.file}${location.line ? `:${location.line}` : ''}: ${error.message}`, {
      hint: 'fix the marker or write the lock again with the tool that made it',
      location,
    });
  }
}

/** A `[packages.directory]` whose path is the lock's own folder: the project that was locked. */
function isLockedProject(table: Record<string, unknown>, file: string): boolean {
  const path = asString(asTable(table.directory)?.path);
  if (path === undefined) return false;
  const folder = dirname(resolve(file));
  return resolve(folder, path) === folder;
}

export function selectFromPylock(
  text: string,
  file: string,
  target: Target,
  choices: SelectionChoices,
): LockSelection {
  const lock = parseTomlFile(text, file, 'pylock.toml');
  const version = asString(lock['lock-version']);
  if (!version || !/^1(\.|$)/.test(version)) {
    throw new UserError(
      `${file}: lock-version "${version ?? '(missing)'}" is not a pylock.toml version this tool reads (1.x)`,
      {
        hint: 'write the lock with a PEP 751 tool (pip lock, uv export --format pylock.toml, pdm export -f pylock)',
        location: { file, line: 1 },
      },
    );
  }
  const environment = markerEnvironment(target);
  const fileContext: MarkerContext = { environment };
  const targetName = `${target.runtime} ${target.architecture}`;
  const requiresPython = asString(lock['requires-python']);
  if (requiresPython && !satisfies(target.pythonFullVersion, requiresPython)) {
    throw new UserError(
      `${file}: the lock's requires-python "${requiresPython}" excludes ${targetName} (Python ${target.pythonFullVersion})`,
      {
        hint: 'choose a runtime inside that range, or lock again for this Python',
        location: { file },
      },
    );
  }
  const environments = asStrings(lock.environments);
  if (environments.length > 0 && !environments.some((marker) => markerHolds(marker, fileContext, { file }))) {
    throw new UserError(
      `${file}: none of the lock's environments (${environments.join('; ')}) is ${targetName}`,
      {
        hint: 'lock again including Linux on this architecture and Python version',
        location: { file },
      },
    );
  }
  const known = new Set(asStrings(lock['dependency-groups']).map(normalizeProjectName));
  const knownExtras = new Set(asStrings(lock.extras).map(normalizeProjectName));
  for (const group of choices.groups) {
    if (!known.has(group)) {
      throw new UserError(
        `${file}: the lock has no dependency group "${group}" (it has: ${[...known].join(', ') || 'none'})`,
        {
          hint: 'choose groups the lock was made with (input "groups" / --groups)',
          location: { file },
        },
      );
    }
  }
  for (const extra of choices.extras) {
    if (!knownExtras.has(extra)) {
      throw new UserError(
        `${file}: the lock has no extra "${extra}" (it has: ${[...knownExtras].join(', ') || 'none'})`,
        {
          hint: 'choose extras the lock was made with (input "extras" / --extras)',
          location: { file },
        },
      );
    }
  }
  const groups = choices.groups.length > 0 ? choices.groups : asStrings(lock['default-groups']);
  const context: MarkerContext = {
    environment,
    extras: new Set(choices.extras),
    dependencyGroups: new Set(groups.map(normalizeProjectName)),
  };
  const lines = arrayTableLines(text, 'packages');
  const packages: LockedPackage[] = [];
  asArray(lock.packages).forEach((entry, index) => {
    const table = asTable(entry) ?? {};
    const location = { file, ...(lines[index] ? { line: lines[index] } : {}) };
    const name = asString(table.name);
    if (!name) {
      throw new UserError(
        `${file}${location.line ? `:${location.line}` : ''}: a [[packages]] entry has no name`,
        {
          hint: 'write the lock again with the tool that made it',
          location,
        },
      );
    }
    if (!markerHolds(asString(table.marker), context, location)) return;
    if (isLockedProject(table, file)) return;
    const packageRequiresPython = asString(table['requires-python']);
    if (packageRequiresPython && !satisfies(target.pythonFullVersion, packageRequiresPython)) return;
    const source = ['vcs', 'directory', 'archive'].find((key) => table[key] !== undefined);
    const pkgVersion = asString(table.version);
    if (source || !pkgVersion) {
      throw new UserError(
        `${file}${location.line ? `:${location.line}` : ''}: ${name} comes from ${source ? `a ${source === 'vcs' ? 'VCS checkout' : source}` : 'a source without a version'}, which the layer build cannot hash-check against an index`,
        {
          hint: 'publish it to an index (or build a wheel and pass its folder with --find-links) and lock again, or list it in a requirements file',
          location,
        },
      );
    }
    const wheels = asArray(table.wheels).flatMap((w) => lockedFile(w) ?? []);
    const sdist = lockedFile(table.sdist);
    packages.push({
      name: normalizeProjectName(name),
      version: pkgVersion,
      wheels,
      ...(sdist ? { sdist } : {}),
      location,
    });
  });
  return { format: 'pylock', file, packages };
}
