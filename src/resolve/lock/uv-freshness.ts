/**
 * Does a uv.lock still belong to its pyproject.toml? uv records what it locked from: the
 * project's `[package.metadata] requires-dist` (optional dependencies carry `extra == '...'`
 * markers) and `requires-dev` (dependency groups, include-group expanded). Each requirement of
 * pyproject.toml must be recorded there with the same name, extras and version specifier, and
 * nothing else may be recorded; markers are not compared (uv rewrites their spelling). A lock
 * without `[package.metadata]` (uv can write one) is not checked.
 */
import { UserError } from '../../errors.js';
import { normalizeProjectName } from '../requirements.js';
import { dependencyGroupEntries } from './poetry-lock.js';
import { normalizeSpecifier, parseRequirementSpec } from './requirement-spec.js';
import {
  arrayTableLines,
  asArray,
  asString,
  asStrings,
  asTable,
  escapeRegExp,
  lineOf,
  parseTomlFile,
} from './toml-lines.js';

const key = (name: string, extras: readonly string[], specifier: string, scope: string): string =>
  `${scope}: ${name}${extras.length ? `[${[...extras].sort().join(',')}]` : ''}${specifier ? ` ${specifier}` : ''}`;

function recordedKeys(metadata: Record<string, unknown>): Set<string> {
  const keys = new Set<string>();
  const add = (item: unknown, scope?: string): void => {
    const table = asTable(item);
    const name = asString(table?.name);
    if (!table || !name) return;
    const marker = asString(table.marker) ?? '';
    const extra = /extra\s*==\s*['"]([^'"]+)['"]/.exec(marker)?.[1];
    const where = scope ?? (extra ? `extra ${normalizeProjectName(extra)}` : 'dependencies');
    keys.add(
      key(
        normalizeProjectName(name),
        asStrings(table.extras).map(normalizeProjectName),
        normalizeSpecifier(asString(table.specifier) ?? ''),
        where,
      ),
    );
  };
  for (const item of asArray(metadata['requires-dist'])) add(item);
  for (const [group, items] of Object.entries(asTable(metadata['requires-dev']) ?? {})) {
    for (const item of asArray(items)) add(item, `group ${normalizeProjectName(group)}`);
  }
  return keys;
}

function declaredKeys(pyproject: Record<string, unknown>): Map<string, string> {
  const project = asTable(pyproject.project) ?? {};
  const keys = new Map<string, string>();
  const add = (text: string, scope: string): void => {
    const spec = parseRequirementSpec(text);
    if (spec) keys.set(key(spec.name, spec.extras, spec.specifier, scope), text);
  };
  for (const text of asStrings(project.dependencies)) add(text, 'dependencies');
  for (const [extra, list] of Object.entries(asTable(project['optional-dependencies']) ?? {})) {
    for (const text of asStrings(list)) add(text, `extra ${normalizeProjectName(extra)}`);
  }
  const groups = asTable(pyproject['dependency-groups']) ?? {};
  for (const group of Object.keys(groups)) {
    const name = normalizeProjectName(group);
    for (const text of dependencyGroupEntries(groups, name)) add(text, `group ${name}`);
  }
  return keys;
}

/** Throws when uv.lock's record of the project differs from pyproject.toml. */
export function checkUvLockFresh(
  lockText: string,
  lockFile: string,
  pyprojectText: string,
  pyprojectFile: string,
): void {
  const lock = parseTomlFile(lockText, lockFile, 'uv.lock');
  const pyproject = parseTomlFile(pyprojectText, pyprojectFile, 'pyproject.toml');
  const projectName = asString(asTable(pyproject.project)?.name);
  const packages = asArray(lock.package);
  const index = packages.findIndex((p) => {
    const source = asTable(asTable(p)?.source) ?? {};
    return ['virtual', 'editable', 'directory'].some((k) => source[k] === '.');
  });
  const root = asTable(packages[index]);
  const rootLine = arrayTableLines(lockText, 'package')[index];
  const stale = (detail: string, line?: number, file = lockFile): never => {
    throw new UserError(`${lockFile}: uv.lock no longer matches ${pyprojectFile}: ${detail}`, {
      hint: 'run `uv lock` and commit the updated uv.lock',
      location: { file, ...(line ? { line } : {}) },
    });
  };
  if (!root) return;
  if (projectName && normalizeProjectName(projectName) !== asString(root.name)) {
    stale(`the project is named "${projectName}", the lock's project "${String(root.name)}"`, rootLine);
  }
  const lockPython = asString(lock['requires-python']);
  const projectPython = asString(asTable(pyproject.project)?.['requires-python']);
  if (projectPython && lockPython && normalizeSpecifier(projectPython) !== normalizeSpecifier(lockPython)) {
    stale(
      `requires-python is "${projectPython}" in pyproject.toml and "${lockPython}" in the lock`,
      lineOf(lockText, /^requires-python\s*=/),
    );
  }
  // Newer uv releases can write a lock without [package.metadata]: nothing recorded to compare.
  const metadata = asTable(root.metadata);
  if (!metadata) return;
  const recorded = recordedKeys(metadata);
  const declared = declaredKeys(pyproject);
  for (const [k, text] of declared) {
    if (!recorded.has(k)) {
      const line = lineOf(pyprojectText, new RegExp(`["']${escapeRegExp(text)}["']`));
      stale(`"${text}" (${k.split(':')[0]}) is not in the lock as written`, line, pyprojectFile);
    }
  }
  for (const k of recorded) {
    if (!declared.has(k)) stale(`the lock records ${k}, which pyproject.toml no longer declares`, rootLine);
  }
}
