/**
 * uv.lock (https://docs.astral.sh/uv/concepts/projects/layout/#the-lockfile; the format is uv's
 * own, versioned by `version`/`revision`): the packages reachable from the project for the
 * target. The project is the package whose source is the lock's own directory (`virtual`,
 * `editable` or `directory` "."); it is the function's code and is not installed. From it the
 * walk follows `dependencies`, the chosen `optional-dependencies` (extras) and
 * `dev-dependencies` (groups), evaluating every edge's `marker` for the target; an edge that
 * names an extra (`extra = [...]`) adds that package's optional dependencies. When one name is
 * locked in several versions (a fork), the edge's `version`/`source` pick one, else the
 * package's `resolution-markers`. Virtual workspace members contribute their dependencies;
 * editable, directory, path, git and URL sources are refused with the reason.
 */
import { UserError } from '../../errors.js';
import { satisfies } from '../../pep440.js';
import { markerEnvironment, type Target } from '../../target.js';
import { normalizeProjectName } from '../requirements.js';
import type { MarkerContext } from './markers.js';
import { markerHolds } from './pylock.js';
import { arrayTableLines, asArray, asString, asStrings, asTable, parseTomlFile } from './toml-lines.js';
import type { LockedFile, LockedPackage, LockSelection, SelectionChoices } from './types.js';

interface UvPackage {
  readonly table: Record<string, unknown>;
  readonly name: string;
  readonly version?: string;
  readonly source: Record<string, unknown>;
  readonly line?: number;
}

interface Edge {
  readonly name: string;
  readonly version?: string;
  readonly source?: unknown;
  readonly marker?: string;
  readonly extras: readonly string[];
}

function edgesOf(value: unknown): Edge[] {
  return asArray(value).flatMap((item) => {
    const table = asTable(item);
    const name = asString(table?.name);
    if (!table || !name) return [];
    return [
      {
        name: normalizeProjectName(name),
        version: asString(table.version),
        source: table.source,
        marker: asString(table.marker),
        extras: asStrings(table.extra).map(normalizeProjectName),
      },
    ];
  });
}

function lockedFile(value: unknown): LockedFile | undefined {
  const table = asTable(value);
  const url = asString(table?.url) ?? asString(table?.path) ?? asString(table?.filename);
  if (!table || !url) return undefined;
  const filename = decodeURIComponent(url.split(/[/\\]/).pop() ?? '');
  const hash = asString(table.hash);
  const sha256 = hash?.startsWith('sha256:') ? hash.slice(7).toLowerCase() : undefined;
  return { filename, ...(sha256 ? { sha256 } : {}) };
}

const sourceKind = (pkg: UvPackage): string => Object.keys(pkg.source)[0] ?? 'registry';
const isProjectRoot = (pkg: UvPackage): boolean =>
  ['virtual', 'editable', 'directory'].some((kind) => pkg.source[kind] === '.');

/** The root's dependency groups and extras as the user chose them, checked against the lock. */
function rootEdges(root: UvPackage, choices: SelectionChoices, file: string): Edge[] {
  const optional = asTable(root.table['optional-dependencies']) ?? {};
  const dev = asTable(root.table['dev-dependencies']) ?? {};
  const location = { file, ...(root.line ? { line: root.line } : {}) };
  const byNormalized = (table: Record<string, unknown>) =>
    new Map(Object.entries(table).map(([key, value]) => [normalizeProjectName(key), value]));
  const extras = byNormalized(optional);
  const groups = byNormalized(dev);
  const edges = edgesOf(root.table.dependencies);
  for (const extra of choices.extras) {
    if (!extras.has(extra)) {
      throw new UserError(
        `${file}: ${root.name} has no extra "${extra}" in the lock (it has: ${[...extras.keys()].join(', ') || 'none'})`,
        {
          hint: 'choose one of those extras, or add it to pyproject.toml and run `uv lock`',
          location,
        },
      );
    }
    edges.push(...edgesOf(extras.get(extra)));
  }
  for (const group of choices.groups) {
    if (!groups.has(group)) {
      throw new UserError(
        `${file}: ${root.name} has no dependency group "${group}" in the lock (it has: ${[...groups.keys()].join(', ') || 'none'})`,
        {
          hint: 'choose one of those groups, or add it to pyproject.toml and run `uv lock`',
          location,
        },
      );
    }
    edges.push(...edgesOf(groups.get(group)));
  }
  return edges;
}

export function selectFromUvLock(
  text: string,
  file: string,
  target: Target,
  choices: SelectionChoices,
): LockSelection {
  const lock = parseTomlFile(text, file, 'uv.lock');
  const lockVersion = lock.version;
  if (lockVersion !== 1) {
    throw new UserError(`${file}: uv.lock version ${String(lockVersion)} is not one this tool reads (1)`, {
      hint: 'write it again with a uv release that writes version 1 (`uv lock`)',
      location: { file, line: 1 },
    });
  }
  const environment = markerEnvironment(target);
  const context: MarkerContext = { environment };
  const requiresPython = asString(lock['requires-python']);
  if (requiresPython && !satisfies(target.pythonFullVersion, requiresPython)) {
    throw new UserError(
      `${file}: the lock's requires-python "${requiresPython}" excludes ${target.runtime} (Python ${target.pythonFullVersion})`,
      {
        hint: 'choose a runtime inside that range, or widen requires-python in pyproject.toml and run `uv lock`',
        location: { file },
      },
    );
  }
  const lines = arrayTableLines(text, 'package');
  const packages: UvPackage[] = asArray(lock.package).flatMap((entry, index) => {
    const table = asTable(entry);
    const name = asString(table?.name);
    if (!table || !name) return [];
    return [
      {
        table,
        name: normalizeProjectName(name),
        version: asString(table.version),
        source: asTable(table.source) ?? {},
        ...(lines[index] ? { line: lines[index] } : {}),
      },
    ];
  });
  const root = packages.find(isProjectRoot);
  if (!root) {
    throw new UserError(`${file}: no package in the lock is the project itself (source "." )`, {
      hint: 'point the build at the uv.lock in your project directory (beside its pyproject.toml)',
      location: { file },
    });
  }
  const locate = (pkg: UvPackage) => ({ file, ...(pkg.line ? { line: pkg.line } : {}) });
  const resolveEdge = (edge: Edge, from: UvPackage): UvPackage => {
    let candidates = packages.filter((p) => p.name === edge.name);
    if (edge.version) candidates = candidates.filter((p) => p.version === edge.version);
    if (edge.source !== undefined && candidates.length > 1) {
      const wanted = JSON.stringify(edge.source);
      candidates = candidates.filter((p) => JSON.stringify(p.source) === wanted);
    }
    if (candidates.length > 1) {
      candidates = candidates.filter((p) => {
        const forks = asStrings(p.table['resolution-markers']);
        return forks.length === 0 || forks.some((m) => markerHolds(m, context, locate(p)));
      });
    }
    const [only] = candidates;
    if (!only || candidates.length > 1) {
      throw new UserError(
        `${file}${from.line ? `:${from.line}` : ''}: ${from.name} depends on ${edge.name}${edge.version ? ` ${edge.version}` : ''}, which the lock ${only ? 'holds more than once for this target' : 'does not hold'}`,
        { hint: 'the lock is inconsistent: run `uv lock` again', location: locate(from) },
      );
    }
    return only;
  };

  const selected = new Map<UvPackage, Set<string>>();
  const queue: { pkg: UvPackage; extras: readonly string[] }[] = [];
  const visit = (edges: readonly Edge[], from: UvPackage): void => {
    for (const edge of edges) {
      if (!markerHolds(edge.marker, context, locate(from))) continue;
      queue.push({ pkg: resolveEdge(edge, from), extras: edge.extras });
    }
  };
  visit(rootEdges(root, choices, file), root);
  const direct = new Set<string>();
  for (const item of queue) direct.add(item.pkg.name);
  while (queue.length > 0) {
    const { pkg, extras } = queue.shift() as (typeof queue)[number];
    const seen = selected.get(pkg);
    const fresh = seen ? extras.filter((e) => !seen.has(e)) : extras;
    if (seen && fresh.length === 0) continue;
    const all = seen ?? new Set<string>();
    for (const extra of fresh) all.add(extra);
    selected.set(pkg, all);
    if (!seen) visit(edgesOf(pkg.table.dependencies), pkg);
    const optional = asTable(pkg.table['optional-dependencies']) ?? {};
    for (const [extra, edges] of Object.entries(optional)) {
      if (fresh.includes(normalizeProjectName(extra))) visit(edgesOf(edges), pkg);
    }
  }

  const chosen: LockedPackage[] = [];
  for (const pkg of selected.keys()) {
    const kind = sourceKind(pkg);
    if (kind === 'virtual') continue; // a workspace member without a build: only its dependencies count
    if (kind !== 'registry') {
      const where = String(pkg.source[kind]);
      throw new UserError(
        `${file}${pkg.line ? `:${pkg.line}` : ''}: ${pkg.name} comes from ${kind === 'git' ? 'a git checkout' : kind === 'url' ? 'a URL' : `the local ${kind === 'path' ? 'path' : 'project'}`} "${where}": the layer installs index files checked against the lock's hashes, and a ${kind} source has none that pip can check beside them`,
        {
          hint:
            kind === 'editable' || kind === 'directory'
              ? 'build it into a wheel (uv build), publish it to your index or pass its folder with --find-links, depend on it by version and run `uv lock`; or export the requirements (uv export --no-hashes) and build from that file'
              : 'publish it to an index and depend on it by version, then run `uv lock`',
          location: locate(pkg),
        },
      );
    }
    const sdist = lockedFile(pkg.table.sdist);
    chosen.push({
      name: pkg.name,
      version: pkg.version ?? '',
      wheels: asArray(pkg.table.wheels).flatMap((w) => lockedFile(w) ?? []),
      ...(sdist ? { sdist } : {}),
      location: locate(pkg),
    });
  }
  chosen.sort((a, b) => a.name.localeCompare(b.name));
  return { format: 'uv-lock', file, packages: chosen, direct: [...direct].sort() };
}
