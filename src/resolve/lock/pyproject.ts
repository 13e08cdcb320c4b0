/**
 * pyproject.toml without a lock (https://packaging.python.org/en/latest/specifications/pyproject-toml/,
 * PEP 735 for [dependency-groups]): `[project].dependencies`, the chosen
 * `[project.optional-dependencies]` extras and dependency groups (include-group expanded), each
 * string one requirement line that the pinned pip resolves for the target, as it would from a
 * requirements file. The project itself is the function's code and is not installed.
 */
import { UserError } from '../../errors.js';
import { normalizeProjectName } from '../requirements.js';
import { dependencyGroupEntries } from './poetry-lock.js';
import { asStrings, asTable, escapeRegExp, lineOf, parseTomlFile } from './toml-lines.js';
import type { SelectionChoices } from './types.js';

export interface PyprojectRequirement {
  /** The PEP 508 string as written. */
  readonly text: string;
  readonly line?: number;
}

export function pyprojectRequirements(
  text: string,
  file: string,
  choices: SelectionChoices,
): PyprojectRequirement[] {
  const pyproject = parseTomlFile(text, file, 'pyproject.toml');
  const project = asTable(pyproject.project);
  const groups = asTable(pyproject['dependency-groups']) ?? {};
  if (!project && Object.keys(groups).length === 0) {
    const poetry = asTable(asTable(pyproject.tool)?.poetry);
    throw new UserError(
      `${file}: there is no [project] table or [dependency-groups] to take dependencies from`,
      {
        hint: poetry
          ? 'this is a Poetry project: run `poetry lock` and build from poetry.lock'
          : 'list the dependencies in [project] dependencies, or build from a requirements file or lock',
        location: { file },
      },
    );
  }
  if (asStrings(project?.dynamic).includes('dependencies')) {
    throw new UserError(
      `${file}: [project] declares its dependencies dynamic, so only building the project would tell them`,
      {
        hint: 'list them in [project] dependencies, or build from a lock or requirements file',
        location: {
          file,
          ...(lineOf(text, /^\s*dynamic\s*=/) ? { line: lineOf(text, /^\s*dynamic\s*=/) } : {}),
        },
      },
    );
  }
  const extras = asTable(project?.['optional-dependencies']) ?? {};
  const byName = (table: Record<string, unknown>) => new Set(Object.keys(table).map(normalizeProjectName));
  for (const extra of choices.extras) {
    if (!byName(extras).has(extra)) {
      throw new UserError(
        `${file}: [project.optional-dependencies] has no extra "${extra}" (it has: ${[...byName(extras)].join(', ') || 'none'})`,
        {
          hint: 'choose one of those extras (input "extras" / --extras)',
          location: { file },
        },
      );
    }
  }
  for (const group of choices.groups) {
    if (!byName(groups).has(group)) {
      throw new UserError(
        `${file}: [dependency-groups] has no group "${group}" (it has: ${[...byName(groups)].join(', ') || 'none'})`,
        {
          hint: 'choose one of those groups (input "groups" / --groups)',
          location: { file },
        },
      );
    }
  }
  const strings = [
    ...asStrings(project?.dependencies),
    ...Object.entries(extras)
      .filter(([extra]) => choices.extras.includes(normalizeProjectName(extra)))
      .flatMap(([, list]) => asStrings(list)),
    ...choices.groups.flatMap((group) => {
      try {
        return dependencyGroupEntries(groups, group);
      } catch (error) {
        if (error instanceof UserError)
          throw new UserError(`${file}: ${error.message}`, { hint: error.hint, location: { file } });
        throw error;
      }
    }),
  ];
  const lines = text.split(/\r?\n/);
  return [...new Set(strings)].map((requirement) => {
    const pattern = new RegExp(`["']${escapeRegExp(requirement)}["']`);
    const index = lines.findIndex((l) => pattern.test(l));
    return { text: requirement, ...(index !== -1 ? { line: index + 1 } : {}) };
  });
}
