/**
 * The parts of a PEP 508 dependency specifier that lock selection needs: name, extras, version
 * specifier (also the old parenthesized form Poetry writes in [package.extras]), direct URL and
 * marker. pip parses the lines it installs itself; this only walks lock graphs and compares a
 * lock's recorded requirements with its pyproject.toml.
 */
import { normalizeProjectName } from '../requirements.js';

export interface RequirementSpec {
  /** PEP 503 normalized. */
  readonly name: string;
  readonly extras: readonly string[];
  /** Clauses without spaces, e.g. ">=1.2,<2"; empty when any version. */
  readonly specifier: string;
  readonly url?: string;
  readonly marker?: string;
}

const NAME = /^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*/;

/** Undefined when the text does not start with a project name. */
export function parseRequirementSpec(text: string): RequirementSpec | undefined {
  const name = NAME.exec(text);
  if (!name?.[1]) return undefined;
  let rest = text.slice(name[0].length);
  let marker: string | undefined;
  const semicolon = rest.indexOf(';');
  if (semicolon !== -1) {
    marker = rest.slice(semicolon + 1).trim() || undefined;
    rest = rest.slice(0, semicolon);
  }
  let extras: string[] = [];
  const extrasMatch = /^\[([^\]]*)\]\s*/.exec(rest);
  if (extrasMatch) {
    extras = (extrasMatch[1] ?? '')
      .split(',')
      .map((e) => normalizeProjectName(e.trim()))
      .filter(Boolean);
    rest = rest.slice(extrasMatch[0].length);
  }
  rest = rest.trim();
  if (rest.startsWith('@')) {
    return { name: normalizeProjectName(name[1]), extras, specifier: '', url: rest.slice(1).trim(), marker };
  }
  const specifier = normalizeSpecifier(rest.replace(/^\((.*)\)$/, '$1'));
  return { name: normalizeProjectName(name[1]), extras, specifier, marker };
}

/** ">= 1.2, <2" -> ">=1.2,<2", clauses sorted: two spellings of one set compare equal. */
export function normalizeSpecifier(specifier: string): string {
  return specifier
    .split(',')
    .map((clause) => clause.replace(/\s+/g, ''))
    .filter(Boolean)
    .sort()
    .join(',');
}
