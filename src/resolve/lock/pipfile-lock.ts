/**
 * Pipfile.lock (https://pipenv.pypa.io/en/latest/pipfile.html; JSON, `_meta.pipfile-spec` 6):
 * the `default` section, each entry's `markers` evaluated for the target and its `version`
 * (`==X`) installed with its `hashes`. The lock records hashes without file names, so the
 * fitting file is pip's choice among them (with the target's platform flags). Entries from git,
 * a path, a file or a URL, and editable ones, are refused: they cannot be hash-checked. The
 * `develop` section is never installed.
 */
import { UserError } from '../../errors.js';
import { markerEnvironment, type Target } from '../../target.js';
import { normalizeProjectName } from '../requirements.js';
import { markerHolds } from './pylock.js';
import { asArray, asString, asTable, escapeRegExp, lineOf } from './toml-lines.js';
import type { LockedPackage, LockSelection, SelectionChoices } from './types.js';

export function selectFromPipfileLock(
  text: string,
  file: string,
  target: Target,
  choices: SelectionChoices,
): LockSelection {
  let lock: Record<string, unknown>;
  try {
    lock = asTable(JSON.parse(text)) ?? {};
  } catch (error) {
    throw new UserError(`${file}: not valid JSON (${(error as Error).message})`, {
      hint: 'write it again with `pipenv lock`',
      location: { file },
    });
  }
  if (choices.groups.length > 0 || choices.extras.length > 0) {
    throw new UserError(
      `${file}: Pipfile.lock installs its "default" section; extras and groups do not apply to it`,
      {
        hint: 'leave the extras and groups inputs empty, or move the packages into [packages] of the Pipfile and run `pipenv lock`',
        location: { file },
      },
    );
  }
  const section = asTable(lock.default);
  if (!section) {
    throw new UserError(`${file}: there is no "default" section`, {
      hint: 'write it again with `pipenv lock`',
      location: { file },
    });
  }
  const sectionLine = lineOf(text, /^\s*"default"\s*:/) ?? 1;
  const environment = markerEnvironment(target);
  const packages: LockedPackage[] = [];
  for (const [name, value] of Object.entries(section)) {
    const entry = asTable(value) ?? {};
    const line = lineOf(text, new RegExp(`^\\s*"${escapeRegExp(name)}"\\s*:\\s*\\{`), sectionLine);
    const location = { file, ...(line ? { line } : {}) };
    if (!markerHolds(asString(entry.markers), { environment }, location)) continue;
    const source = ['git', 'path', 'file', 'editable'].find((key) => entry[key] !== undefined);
    const version = asString(entry.version);
    if (source || !version?.startsWith('==')) {
      throw new UserError(
        `${file}${line ? `:${line}` : ''}: ${name} is ${source ? `a ${source === 'editable' ? 'editable' : source} entry` : 'not pinned with =='}, which the layer build cannot hash-check`,
        { hint: 'publish it to an index, list it by version in the Pipfile and run `pipenv lock`', location },
      );
    }
    const hashes = asArray(entry.hashes).flatMap((h) =>
      typeof h === 'string' && h.startsWith('sha256:') ? [h.slice(7).toLowerCase()] : [],
    );
    if (hashes.length === 0) {
      throw new UserError(`${file}${line ? `:${line}` : ''}: ${name} has no sha256 hashes`, {
        hint: 'write the lock again with `pipenv lock` (it records the hashes of every file)',
        location,
      });
    }
    packages.push({
      name: normalizeProjectName(name),
      version: version.slice(2),
      wheels: [],
      hashesOnly: hashes,
      location,
    });
  }
  packages.sort((a, b) => a.name.localeCompare(b.name));
  return { format: 'pipfile-lock', file, packages };
}
