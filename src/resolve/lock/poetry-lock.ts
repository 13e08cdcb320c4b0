/**
 * poetry.lock (https://python-poetry.org/docs/basic-usage/#installing-with-poetrylock; lock
 * formats 2.0 and 2.1): the packages reachable from the project's dependencies for the target.
 * The roots come from the pyproject.toml beside the lock (Poetry's own installer needs it too):
 * `[project].dependencies` or `[tool.poetry.dependencies]` (main), the chosen extras
 * (`[project.optional-dependencies]` / `[tool.poetry.extras]`) and groups
 * (`[tool.poetry.group.<g>.dependencies]`, PEP 735 `[dependency-groups]`). The walk follows each
 * locked package's `[package.dependencies]` whose `markers` / `python` / `platform` hold for the
 * target, skipping `optional = true` ones unless an extra asked for them (`[package.extras]`).
 * This reads 2.0 locks (no `groups`/`markers` per package) and 2.1 locks alike. The lock must
 * belong to the pyproject.toml: `[metadata] content-hash` is recomputed as Poetry does.
 */
import { createHash } from 'node:crypto';
import { UserError } from '../../errors.js';
import { markerEnvironment, type Target } from '../../target.js';
import { normalizeProjectName } from '../requirements.js';
import type { MarkerContext } from './markers.js';
import { poetryConstraintHolds } from './poetry-constraint.js';
import { markerHolds } from './pylock.js';
import { parseRequirementSpec } from './requirement-spec.js';
import {
  arrayTableLines,
  asArray,
  asString,
  asStrings,
  asTable,
  lineOf,
  parseTomlFile,
} from './toml-lines.js';
import type { LockedFile, LockedPackage, LockSelection, SelectionChoices } from './types.js';

/** One dependency edge: to `name`, with the extras it asks for, when its conditions hold. */
interface Edge {
  readonly name: string;
  readonly extras: readonly string[];
  readonly marker?: string;
  readonly python?: string;
  readonly platform?: string;
  readonly optional: boolean;
  /** A path, git or URL dependency: not an index package. */
  readonly source?: string;
}

/** `name = "^1.0"`, `name = {version, markers, python, platform, extras, optional}` or a list of those. */
function poetryEdges(name: string, spec: unknown): Edge[] {
  const normalized = normalizeProjectName(name);
  if (typeof spec === 'string') return [{ name: normalized, extras: [], optional: false }];
  const variants = Array.isArray(spec) ? spec : [spec];
  return variants.flatMap((variant) => {
    const table = asTable(variant);
    if (!table) return [];
    const source = ['path', 'git', 'url', 'file'].find((key) => table[key] !== undefined);
    return [
      {
        name: normalized,
        extras: asStrings(table.extras).map(normalizeProjectName),
        marker: asString(table.markers),
        python: asString(table.python),
        platform: asString(table.platform),
        optional: table.optional === true,
        ...(source ? { source: `${source} ${String(table[source])}` } : {}),
      },
    ];
  });
}

/** A PEP 508 string (`[project]`, `[package.extras]`, `[dependency-groups]`) as an edge. */
function pep508Edge(text: string): Edge | undefined {
  const spec = parseRequirementSpec(text);
  if (!spec) return undefined;
  return {
    name: spec.name,
    extras: spec.extras,
    optional: false,
    ...(spec.marker ? { marker: spec.marker } : {}),
    ...(spec.url ? { source: `url ${spec.url}` } : {}),
  };
}

/** Python's json.dumps(value, sort_keys=True): the text Poetry hashes into content-hash. */
function pythonJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'string') {
    return JSON.stringify(value).replace(
      /[\u007f-\uffff]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
  }
  if (value instanceof Date) return pythonJson(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(', ')}]`;
  const table = value as Record<string, unknown>;
  const keys = Object.keys(table).sort();
  return `{${keys.map((key) => `${pythonJson(key)}: ${pythonJson(table[key])}`).join(', ')}}`;
}

const LEGACY_KEYS = ['dependencies', 'source', 'extras', 'dev-dependencies'];
const RELEVANT_KEYS = [...LEGACY_KEYS, 'group'];
const PROJECT_KEYS = ['requires-python', 'dependencies', 'optional-dependencies'];

/** Poetry's Locker._get_content_hash (poetry 2.x; 1.x hashed the same keys of [tool.poetry]). */
export function poetryContentHash(pyproject: Record<string, unknown>): string {
  const project = asTable(pyproject.project) ?? {};
  const groups = asTable(pyproject['dependency-groups']);
  const poetry = asTable(asTable(pyproject.tool)?.poetry) ?? {};
  const relevantProject: Record<string, unknown> = {};
  for (const key of PROJECT_KEYS) if (project[key] !== undefined) relevantProject[key] = project[key];
  const hasProject = Object.keys(relevantProject).length > 0;
  const relevantPoetry: Record<string, unknown> = {};
  for (const key of RELEVANT_KEYS) {
    const data = poetry[key];
    if (data === undefined && (!LEGACY_KEYS.includes(key) || hasProject)) continue;
    relevantPoetry[key] = data ?? null;
  }
  let content: Record<string, unknown> = relevantPoetry;
  if (hasProject) {
    content = { project: relevantProject, tool: { poetry: relevantPoetry } };
    if (groups && Object.keys(groups).length > 0) content['dependency-groups'] = groups;
  }
  return createHash('sha256').update(pythonJson(content)).digest('hex');
}

/** PEP 735 groups with include-group expanded. */
export function dependencyGroupEntries(
  groups: Record<string, unknown>,
  group: string,
  seen: readonly string[] = [],
): string[] {
  const entry = Object.entries(groups).find(([key]) => normalizeProjectName(key) === group);
  if (!entry) return [];
  return asArray(entry[1]).flatMap((item) => {
    if (typeof item === 'string') return [item];
    const include = asString(asTable(item)?.['include-group']);
    if (!include) return [];
    const name = normalizeProjectName(include);
    if (seen.includes(name) || name === group) {
      throw new UserError(`dependency group "${group}" includes "${include}", which includes it again`, {
        hint: 'remove one of the include-group entries in [dependency-groups]',
      });
    }
    return dependencyGroupEntries(groups, name, [...seen, group]);
  });
}

interface RootDependencies {
  readonly edges: Edge[];
}

function rootEdges(
  pyproject: Record<string, unknown>,
  choices: SelectionChoices,
  pyprojectFile: string,
): RootDependencies {
  const project = asTable(pyproject.project);
  const poetry = asTable(asTable(pyproject.tool)?.poetry) ?? {};
  const edges: Edge[] = [];
  const poetryDeps = asTable(poetry.dependencies) ?? {};
  const poetryExtras = asTable(poetry.extras) ?? {};
  const projectExtras = asTable(project?.['optional-dependencies']) ?? {};
  const extraNames = new Set(
    [...Object.keys(poetryExtras), ...Object.keys(projectExtras)].map(normalizeProjectName),
  );
  for (const extra of choices.extras) {
    if (!extraNames.has(extra)) {
      throw new UserError(
        `${pyprojectFile}: the project has no extra "${extra}" (it has: ${[...extraNames].join(', ') || 'none'})`,
        {
          hint: 'choose one of those extras (input "extras" / --extras)',
          location: { file: pyprojectFile },
        },
      );
    }
  }
  // Optional [tool.poetry.dependencies] entries are installed only through a chosen extra.
  const fromExtras = new Set(
    Object.entries(poetryExtras)
      .filter(([extra]) => choices.extras.includes(normalizeProjectName(extra)))
      .flatMap(([, names]) => asStrings(names).map((n) => normalizeProjectName(n))),
  );
  if (project && Array.isArray(project.dependencies)) {
    for (const text of asStrings(project.dependencies)) {
      const edge = pep508Edge(text);
      if (edge) edges.push(edge);
    }
    // Poetry 2 lets [tool.poetry.dependencies] add sources, markers and extras to them.
  } else {
    for (const [name, spec] of Object.entries(poetryDeps)) {
      if (name.toLowerCase() === 'python') continue;
      for (const edge of poetryEdges(name, spec)) {
        if (!edge.optional || fromExtras.has(edge.name)) edges.push({ ...edge, optional: false });
      }
    }
  }
  for (const [extra, list] of Object.entries(projectExtras)) {
    if (!choices.extras.includes(normalizeProjectName(extra))) continue;
    for (const text of asStrings(list)) {
      const edge = pep508Edge(text);
      if (edge) edges.push(edge);
    }
  }
  const poetryGroups = asTable(poetry.group) ?? {};
  const pep735 = asTable(pyproject['dependency-groups']) ?? {};
  const legacyDev = asTable(poetry['dev-dependencies']);
  const groupNames = new Set(
    [...Object.keys(poetryGroups), ...Object.keys(pep735), ...(legacyDev ? ['dev'] : [])].map(
      normalizeProjectName,
    ),
  );
  for (const group of choices.groups) {
    if (!groupNames.has(group)) {
      throw new UserError(
        `${pyprojectFile}: the project has no dependency group "${group}" (it has: ${[...groupNames].join(', ') || 'none'})`,
        {
          hint: 'choose one of those groups (input "groups" / --groups)',
          location: { file: pyprojectFile },
        },
      );
    }
    const poetryGroup = Object.entries(poetryGroups).find(
      ([key]) => normalizeProjectName(key) === group,
    )?.[1];
    const deps =
      asTable(asTable(poetryGroup)?.dependencies) ?? (group === 'dev' ? legacyDev : undefined) ?? {};
    for (const [name, spec] of Object.entries(deps)) edges.push(...poetryEdges(name, spec));
    for (const text of dependencyGroupEntries(pep735, group)) {
      const edge = pep508Edge(text);
      if (edge) edges.push(edge);
    }
  }
  return { edges };
}

interface PoetryPackage {
  readonly table: Record<string, unknown>;
  readonly name: string;
  readonly version: string;
  readonly line?: number;
}

function lockedFile(value: unknown): LockedFile | undefined {
  const table = asTable(value);
  const filename = asString(table?.file);
  if (!table || !filename) return undefined;
  const hash = asString(table.hash);
  return { filename, ...(hash?.startsWith('sha256:') ? { sha256: hash.slice(7).toLowerCase() } : {}) };
}

export function selectFromPoetryLock(
  text: string,
  file: string,
  pyprojectText: string,
  pyprojectFile: string,
  target: Target,
  choices: SelectionChoices,
): LockSelection {
  const lock = parseTomlFile(text, file, 'poetry.lock');
  const pyproject = parseTomlFile(pyprojectText, pyprojectFile, 'pyproject.toml');
  const metadata = asTable(lock.metadata) ?? {};
  const lockVersion = asString(metadata['lock-version']) ?? '';
  if (!/^2\./.test(lockVersion)) {
    throw new UserError(
      `${file}: lock-version "${lockVersion || '(missing)'}" is not one this tool reads (2.x)`,
      {
        hint: 'write it again with Poetry 1.5 or newer (`poetry lock`)',
        location: {
          file,
          ...(lineOf(text, /^lock-version\s*=/) ? { line: lineOf(text, /^lock-version\s*=/) } : {}),
        },
      },
    );
  }
  const recorded = asString(metadata['content-hash']);
  const actual = poetryContentHash(pyproject);
  if (recorded !== actual) {
    const line = lineOf(text, /^content-hash\s*=/);
    throw new UserError(
      `${file}${line ? `:${line}` : ''}: poetry.lock no longer matches ${pyprojectFile} (its content-hash is ${recorded ?? 'missing'}; the dependencies in pyproject.toml hash to ${actual})`,
      {
        hint: 'run `poetry lock` and commit the updated poetry.lock',
        location: { file, ...(line ? { line } : {}) },
      },
    );
  }
  const pythonVersions = asString(metadata['python-versions']);
  if (pythonVersions && !poetryConstraintHolds(target.pythonFullVersion, pythonVersions)) {
    const line = lineOf(text, /^python-versions\s*=/);
    throw new UserError(
      `${file}${line ? `:${line}` : ''}: the lock's python-versions "${pythonVersions}" excludes ${target.runtime} (Python ${target.pythonFullVersion})`,
      {
        hint: 'choose a runtime inside that range, or widen the python constraint in pyproject.toml and run `poetry lock`',
        location: { file, ...(line ? { line } : {}) },
      },
    );
  }
  const lines = arrayTableLines(text, 'package');
  const packages = new Map<string, PoetryPackage>();
  asArray(lock.package).forEach((entry, index) => {
    const table = asTable(entry);
    const name = asString(table?.name);
    if (!table || !name) return;
    const pkg = {
      table,
      name: normalizeProjectName(name),
      version: asString(table.version) ?? '',
      ...(lines[index] ? { line: lines[index] } : {}),
    };
    packages.set(pkg.name, pkg);
  });
  const environment = markerEnvironment(target);
  const selected = new Map<PoetryPackage, Set<string>>();
  const locate = (pkg?: PoetryPackage) => ({ file, ...(pkg?.line ? { line: pkg.line } : {}) });
  const holds = (edge: Edge, from?: PoetryPackage): boolean => {
    // `extra == "x"` on a dependency means: when the depending package was asked for with x.
    const context: MarkerContext = {
      environment,
      extras: (from && selected.get(from)) ?? new Set(choices.extras),
    };
    if (edge.python && !poetryConstraintHolds(target.pythonFullVersion, edge.python)) return false;
    if (edge.platform && edge.platform !== environment.sys_platform) return false;
    return markerHolds(edge.marker, context, from ? locate(from) : { file: pyprojectFile });
  };
  const { edges } = rootEdges(pyproject, choices, pyprojectFile);
  const direct = new Set<string>();
  const queue: { pkg: PoetryPackage; extras: readonly string[] }[] = [];
  const follow = (edge: Edge, from?: PoetryPackage): void => {
    if (!holds(edge, from)) return;
    const pkg = packages.get(edge.name);
    if (!pkg) {
      if (edge.source) {
        throw new UserError(
          `${pyprojectFile}: ${edge.name} is a ${edge.source} dependency, which the layer build cannot hash-check`,
          {
            hint: 'publish it to an index and depend on it by version, then run `poetry lock`',
            location: {
              file: pyprojectFile,
              ...(lineOf(pyprojectText, new RegExp(`^\\s*"?${edge.name}`, 'i'))
                ? { line: lineOf(pyprojectText, new RegExp(`^\\s*"?${edge.name}`, 'i')) }
                : {}),
            },
          },
        );
      }
      throw new UserError(
        `${from ? `${file}${from.line ? `:${from.line}` : ''}: ${from.name}` : `${pyprojectFile}: the project`} depends on ${edge.name}, which poetry.lock does not hold`,
        {
          hint: 'run `poetry lock` and commit the updated poetry.lock',
          location: from ? locate(from) : { file: pyprojectFile },
        },
      );
    }
    if (!from) direct.add(pkg.name);
    queue.push({ pkg, extras: edge.extras });
  };
  for (const edge of edges) follow(edge);
  while (queue.length > 0) {
    const { pkg, extras } = queue.shift() as (typeof queue)[number];
    const seen = selected.get(pkg);
    const fresh = seen ? extras.filter((e) => !seen.has(e)) : extras;
    if (seen && fresh.length === 0) continue;
    const all = seen ?? new Set<string>();
    for (const extra of fresh) all.add(extra);
    selected.set(pkg, all);
    // Dependencies that only an extra of this package brings in: "name (spec) ; marker" strings.
    const extraTable = asTable(pkg.table.extras) ?? {};
    const wantedByExtras = new Map<string, Edge>();
    for (const [extra, list] of Object.entries(extraTable)) {
      if (!all.has(normalizeProjectName(extra))) continue;
      for (const text of asStrings(list)) {
        const edge = pep508Edge(text);
        if (edge) wantedByExtras.set(edge.name, edge);
      }
    }
    const deps = asTable(pkg.table.dependencies) ?? {};
    for (const [name, spec] of Object.entries(deps)) {
      for (const edge of poetryEdges(name, spec)) {
        const viaExtra = wantedByExtras.get(edge.name);
        if (edge.optional && !viaExtra) continue;
        follow({ ...edge, extras: [...new Set([...edge.extras, ...(viaExtra?.extras ?? [])])] }, pkg);
      }
    }
  }
  const chosen: LockedPackage[] = [];
  for (const pkg of selected.keys()) {
    const source = asTable(pkg.table.source);
    const kind = asString(source?.type);
    if (kind && kind !== 'legacy') {
      throw new UserError(
        `${file}${pkg.line ? `:${pkg.line}` : ''}: ${pkg.name} comes from a ${kind} source (${asString(source?.url) ?? ''}): the layer installs index files checked against the lock's hashes, and a ${kind} source has none pip can check beside them`,
        {
          hint: 'publish it to an index and depend on it by version, then run `poetry lock`',
          location: locate(pkg),
        },
      );
    }
    const files = asArray(pkg.table.files).flatMap((f) => lockedFile(f) ?? []);
    const sdist = files.find((f) => !f.filename.endsWith('.whl'));
    chosen.push({
      name: pkg.name,
      version: pkg.version,
      wheels: files.filter((f) => f.filename.endsWith('.whl')),
      ...(sdist ? { sdist } : {}),
      location: locate(pkg),
    });
  }
  chosen.sort((a, b) => a.name.localeCompare(b.name));
  return { format: 'poetry-lock', file, packages: chosen, direct: [...direct].sort() };
}
