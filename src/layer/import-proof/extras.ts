/**
 * Why a module beside a distribution's own package may not import, and why that is not the
 * layer's fault: the distribution declares what that module needs under an extra that was not
 * asked for. duckdb ships `adbc_driver_duckdb/`, which imports `adbc_driver_manager`, a
 * dependency only of `duckdb[all]`; black ships `blackd/`, which imports aiohttp, only in
 * `black[d]`. A function that imports duckdb or black works; one that imports the extra's module
 * needs the extra, as it would from pip's own install.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type InstalledDistribution, normalizeDistributionName } from '../dist-info.js';
import { moduleStyleName } from './modules.js';

/** A requirement a distribution declares only under extras, and those extras. */
export interface ExtraRequirement {
  /** The requirement's project name as METADATA spells it. */
  readonly name: string;
  readonly extras: readonly string[];
}

const EXTRA_COMPARISON = /\bextra\s*==\s*(['"])([^'"]+)\1|(['"])([^'"]+)\3\s*==\s*extra\b/g;

/** METADATA's `Requires-Dist` values (header lines only, before the description). */
function requiresDist(metadata: string): string[] {
  const head = metadata.split(/\r?\n\r?\n/)[0] ?? '';
  return head
    .split(/\r?\n/)
    .filter((line) => /^Requires-Dist:/i.test(line))
    .map((line) => line.slice(line.indexOf(':') + 1).trim());
}

/**
 * Whether a marker naming extras may hold with no extra asked for: it has an `or` besides the
 * ones joining extra comparisons (`extra == "a" or extra == "b"` needs one; `extra == "a" or
 * python_version < "3.10"` does not).
 */
function holdsWithoutExtra(marker: string): boolean {
  // @ stands for one extra comparison (a marker has no @ of its own).
  let text = marker.replace(EXTRA_COMPARISON, '@');
  for (let previous = ''; previous !== text; ) {
    previous = text;
    text = text.replace(/\(\s*@\s*\)/g, '@').replace(/@\s+or\s+@/g, '@');
  }
  return /\bor\b/.test(text);
}

/**
 * The requirements `metadata` declares under extras only, by normalized project name. A
 * requirement also listed without an extra, or whose marker could hold without one (`extra ==
 * "x" or python_version < "3.10"`), is not one of them.
 */
export function extraOnlyRequirements(metadata: string): Map<string, ExtraRequirement> {
  const byName = new Map<string, { name: string; extras: Set<string>; always: boolean }>();
  for (const value of requiresDist(metadata)) {
    const name = /^[A-Za-z0-9][A-Za-z0-9._-]*/.exec(value)?.[0];
    if (!name) continue;
    const marker = value.includes(';') ? value.slice(value.indexOf(';') + 1) : '';
    const extras = [...marker.matchAll(EXTRA_COMPARISON)].map((m) => m[2] ?? m[4] ?? '');
    const extrasOnly = extras.length > 0 && !holdsWithoutExtra(marker);
    const key = normalizeDistributionName(name);
    const entry = byName.get(key) ?? { name, extras: new Set<string>(), always: false };
    if (extrasOnly) for (const extra of extras) entry.extras.add(extra);
    else entry.always = true;
    byName.set(key, entry);
  }
  const result = new Map<string, ExtraRequirement>();
  for (const [key, entry] of byName) {
    if (!entry.always && entry.extras.size > 0)
      result.set(key, { name: entry.name, extras: [...entry.extras].sort() });
  }
  return result;
}

/** The top-level modules an installed distribution provides: its RECORD's first path parts. */
function topLevelModules(dist: InstalledDistribution): Set<string> {
  const names = new Set<string>();
  for (const path of dist.files) {
    const first = path.split('/')[0] ?? '';
    if (!first || first.startsWith('..') || /\.(dist-info|data)$/.test(first)) continue;
    names.add(first.replace(/\.(py|so)$|\..*\.so$/, ''));
  }
  return names;
}

export interface MissingExtra {
  /** The distribution that would bring the missing module (e.g. adbc-driver-manager). */
  readonly requirement: string;
  /** The extras of the failing module's distribution that install it (e.g. all). */
  readonly extras: readonly string[];
}

/**
 * When `missing` (the module a ModuleNotFoundError names) is what a requirement `owner`
 * declares only under extras would install, and that requirement is not in the layer: which
 * requirement and extras. A requirement in the layer is matched by the modules its RECORD
 * lists; one that is not, by its name spelled as a module (the usual case, and the only guess
 * possible without the distribution at hand).
 */
export function missingExtraRequirement(
  owner: InstalledDistribution,
  missing: string,
  installed: ReadonlyMap<string, InstalledDistribution>,
  pythonDir: string,
): MissingExtra | undefined {
  let metadata: string;
  try {
    metadata = readFileSync(join(pythonDir, owner.distInfo, 'METADATA'), 'utf8');
  } catch {
    return undefined;
  }
  const top = missing.split('.')[0] ?? missing;
  for (const [key, requirement] of extraOnlyRequirements(metadata)) {
    const present = installed.get(key);
    const provides = present ? topLevelModules(present) : new Set([moduleStyleName(requirement.name)]);
    if (!provides.has(top)) continue;
    // Installed and still missing: not the extra's absence, something else is wrong.
    if (present) return undefined;
    return { requirement: requirement.name, extras: requirement.extras };
  }
  return undefined;
}
