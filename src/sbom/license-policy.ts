/**
 * A team's list of licences it does not accept (SPDX ids), checked against every distribution in
 * the layer. An SPDX expression is denied when no choice it offers avoids a denied id: "MIT OR
 * GPL-3.0-only" is usable under MIT, "MIT AND GPL-3.0-only" is not. Ids compare exactly, as SPDX
 * writes them ("GPL-3.0-only" and "GPL-3.0-or-later" are two ids; deny both to refuse GPLv3).
 * A licence stated only in words (no SPDX expression) cannot be matched against ids and passes.
 */
import { fixupSpdxId } from '@cyclonedx/cyclonedx-library/SPDX';
import parseSpdx from 'spdx-expression-parse';
import { InputError, UserError } from '../errors.js';
import { parseList } from '../inputs.js';
import type { PackageEntry } from '../resolve/types.js';
import { licenseLabel } from '../wheel/license.js';

/** "GPL-3.0-only, AGPL-3.0-only" -> the ids as SPDX spells them; each must be an SPDX id. */
export function parseDenyList(text: string, input: string): string[] {
  const ids: string[] = [];
  for (const item of parseList(text)) {
    const id = /^LicenseRef-[A-Za-z0-9.-]+$/.test(item) ? item : fixupSpdxId(item);
    if (!id) {
      throw new InputError(input, `"${item}" is not an SPDX licence id`, {
        hint: 'use ids from https://spdx.org/licenses/, comma separated, e.g. GPL-3.0-only,AGPL-3.0-only',
      });
    }
    ids.push(id);
  }
  return [...new Set(ids)];
}

type SpdxNode = ReturnType<typeof parseSpdx>;

/** Denied ids the expression cannot do without; empty when some choice avoids them all. */
function unavoidable(node: SpdxNode, denied: ReadonlySet<string>): string[] {
  if ('license' in node) {
    // "GPL-2.0+" is written with plus; the id itself is what a list names.
    return denied.has(node.license.toLowerCase()) ? [node.license] : [];
  }
  const left = unavoidable(node.left, denied);
  const right = unavoidable(node.right, denied);
  if (node.conjunction === 'and') return [...left, ...right];
  return left.length > 0 && right.length > 0 ? [...left, ...right] : [];
}

export interface DeniedPackage {
  readonly name: string;
  readonly version: string;
  readonly license: string;
  /** The denied ids it needs. */
  readonly denied: readonly string[];
}

export function deniedPackages(packages: readonly PackageEntry[], deny: readonly string[]): DeniedPackage[] {
  const denied = new Set(deny.map((id) => id.toLowerCase()));
  const found: DeniedPackage[] = [];
  for (const p of packages) {
    const spdx = p.license?.spdx;
    if (!spdx) continue;
    let ids: string[];
    try {
      ids = unavoidable(parseSpdx(spdx), denied);
    } catch {
      // Only valid expressions are stored as spdx (wheel/license.ts); one that is not stays unjudged.
      continue;
    }
    if (ids.length > 0) {
      found.push({
        name: p.name,
        version: p.version,
        license: licenseLabel(p.license),
        denied: [...new Set(ids)],
      });
    }
  }
  return found.sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()));
}

/** Throws a UserError naming each package whose licence the list denies, one line each. */
export function checkLicenses(
  packages: readonly PackageEntry[],
  deny: readonly string[],
  input: string,
): void {
  if (deny.length === 0) return;
  const found = deniedPackages(packages, deny);
  if (found.length === 0) return;
  const lines = found.map(
    (p) => `  ${p.name} ${p.version}: licence ${p.license} (denied: ${p.denied.join(', ')})`,
  );
  throw new UserError(
    `${found.length === 1 ? 'a distribution in the layer has' : `${found.length} distributions in the layer have`} a licence denied by ${input}:\n${lines.join('\n')}`,
    {
      hint: `remove or replace ${found.length === 1 ? 'it' : 'them'} in the requirements, or take the id off ${input} if the licence is acceptable`,
    },
  );
}
