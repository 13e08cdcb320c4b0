/**
 * Decides whether a requirement pip could not resolve is one the build may make from source:
 * its newest release that the requirements allow is published ONLY as a source distribution.
 * A release that has wheels, none of which fit the target, is compiled code built for other
 * platforms: it keeps the usual explanation and is never built here. Pure: callers pass the
 * files the indexes list.
 */
import { compareVersions, satisfies } from '../../pep440.js';
import { normalizeProjectName, type RequirementsSnapshot } from '../requirements.js';
import { type DistributionFile, parseDistributionName } from '../simple-index.js';
import { parseWheelFilename } from '../wheel-tags.js';

/** A release that exists only as an sdist. */
export interface SdistRelease {
  /** PEP 503 normalized project name. */
  readonly project: string;
  readonly version: string;
  /** File name of the sdist, e.g. "puresrc-1.0.tar.gz". */
  readonly sdistFile: string;
}

/**
 * The specifier of a requirement line ("foo[x] >=1,<2 ; marker --hash=..." -> ">=1,<2"), or
 * undefined when the line names a URL (`foo @ https://...`) rather than versions.
 */
export function lineSpecifier(text: string): string | undefined {
  const rest = /^[A-Za-z0-9][A-Za-z0-9._-]*\s*(?:\[[^\]]*\])?\s*(.*)$/.exec(text)?.[1] ?? '';
  if (rest.startsWith('@')) return undefined;
  const beforeOptions = rest.split(/\s--|^--/)[0] ?? '';
  const beforeMarker = beforeOptions.split(';')[0] ?? '';
  return beforeMarker.replace(/[()\s]/g, '');
}

/** `--hash=algo:hex` values on a requirement line, as pip writes them after `--hash=`. */
export function lineHashes(text: string): string[] {
  return [...text.matchAll(/--hash(?:=|\s+)([A-Za-z0-9]+:[A-Fa-f0-9]+)/g)].flatMap((m) =>
    m[1] ? [m[1]] : [],
  );
}

/** Specifiers every line of the requirements (and constraints) puts on `project`. */
export function specifiersFor(snapshot: RequirementsSnapshot, project: string): string[] {
  const name = normalizeProjectName(project);
  return snapshot.requirements
    .filter((line) => line.name === name)
    .flatMap((line) => {
      const specifier = lineSpecifier(line.text);
      return specifier ? [specifier] : [];
    });
}

/** Hash pins of `project` from its requirement lines (empty when it is not hash-pinned). */
export function hashPinsFor(snapshot: RequirementsSnapshot, project: string): string[] {
  const name = normalizeProjectName(project);
  const hashes = snapshot.requirements
    .filter((line) => line.name === name)
    .flatMap((l) => lineHashes(l.text));
  return [...new Set(hashes)];
}

/**
 * The newest non-yanked release of `project` allowed by every specifier, when that release is
 * published only as an sdist; undefined when it has any wheel (or no release is allowed).
 */
export function sdistOnlyRelease(
  project: string,
  specifiers: readonly string[],
  files: readonly DistributionFile[],
): SdistRelease | undefined {
  const name = normalizeProjectName(project);
  const releases = files.flatMap((file) => {
    const parsed = parseDistributionName(file.filename);
    if (!parsed || parsed.project !== name || file.yanked) return [];
    if (!specifiers.every((specifier) => satisfies(parsed.version, specifier))) return [];
    return [{ file, version: parsed.version, wheel: parseWheelFilename(file.filename) !== undefined }];
  });
  if (releases.length === 0) return undefined;
  const newest = releases.reduce((a, b) => (compareVersions(a.version, b.version) >= 0 ? a : b)).version;
  const release = releases.filter((r) => compareVersions(r.version, newest) === 0);
  if (release.some((r) => r.wheel)) return undefined;
  // Prefer the .tar.gz (PEP 625's format) when a release also has a .zip.
  const sdist = [...release].sort((a, b) => sdistRank(a.file.filename) - sdistRank(b.file.filename))[0];
  return sdist ? { project: name, version: sdist.version, sdistFile: sdist.file.filename } : undefined;
}

const sdistRank = (filename: string): number => (filename.endsWith('.tar.gz') ? 0 : 1);
