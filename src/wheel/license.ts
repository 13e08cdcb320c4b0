/**
 * A distribution's licence as its core metadata states it, in the order PEP 639 gives:
 * `License-Expression` (an SPDX expression) first; else a `License:` field or a trove classifier
 * that names exactly one SPDX licence; else the words the project wrote, kept as a name. Nothing
 * is guessed: "BSD License" names no particular BSD licence, "Apache Software License" no version,
 * "GPLv3" neither "only" nor "or later", so they stay names.
 * (https://packaging.python.org/en/latest/specifications/core-metadata/#license-expression)
 */
import { fixupSpdxId } from '@cyclonedx/cyclonedx-library/SPDX';
import parseSpdx from 'spdx-expression-parse';
import type { MetadataHeaders } from './metadata.js';

export interface PackageLicense {
  /** An SPDX licence expression, e.g. "MIT" or "Apache-2.0 OR BSD-3-Clause". */
  readonly spdx?: string;
  /** The licence as written, when it is not an SPDX expression (first line, shortened). */
  readonly name?: string;
  /** The metadata field it was read from. */
  readonly from: 'License-Expression' | 'License' | 'Classifier';
}

/** Trove classifiers that name exactly one SPDX licence (https://pypi.org/classifiers/). */
const CLASSIFIER_SPDX: Readonly<Record<string, string>> = {
  'License :: CC0 1.0 Universal (CC0 1.0) Public Domain Dedication': 'CC0-1.0',
  'License :: OSI Approved :: Boost Software License 1.0 (BSL-1.0)': 'BSL-1.0',
  'License :: OSI Approved :: Eclipse Public License 1.0 (EPL-1.0)': 'EPL-1.0',
  'License :: OSI Approved :: Eclipse Public License 2.0 (EPL-2.0)': 'EPL-2.0',
  'License :: OSI Approved :: European Union Public Licence 1.1 (EUPL 1.1)': 'EUPL-1.1',
  'License :: OSI Approved :: European Union Public Licence 1.2 (EUPL 1.2)': 'EUPL-1.2',
  'License :: OSI Approved :: GNU Affero General Public License v3 or later (AGPLv3+)': 'AGPL-3.0-or-later',
  'License :: OSI Approved :: GNU General Public License v2 or later (GPLv2+)': 'GPL-2.0-or-later',
  'License :: OSI Approved :: GNU General Public License v3 or later (GPLv3+)': 'GPL-3.0-or-later',
  'License :: OSI Approved :: GNU Lesser General Public License v3 or later (LGPLv3+)': 'LGPL-3.0-or-later',
  'License :: OSI Approved :: Historical Permission Notice and Disclaimer (HPND)': 'HPND',
  'License :: OSI Approved :: ISC License (ISCL)': 'ISC',
  'License :: OSI Approved :: MIT License': 'MIT',
  'License :: OSI Approved :: MIT No Attribution License (MIT-0)': 'MIT-0',
  'License :: OSI Approved :: Mozilla Public License 1.1 (MPL 1.1)': 'MPL-1.1',
  'License :: OSI Approved :: Mozilla Public License 2.0 (MPL 2.0)': 'MPL-2.0',
  'License :: OSI Approved :: The Unlicense (Unlicense)': 'Unlicense',
  'License :: OSI Approved :: Universal Permissive License (UPL)': 'UPL-1.0',
  'License :: OSI Approved :: Zero-Clause BSD (0BSD)': '0BSD',
};

/** Longest licence name kept: a `License:` field often holds the whole licence text. */
const MAX_NAME_LENGTH = 120;

/** The expression as SPDX spells it, or undefined when `text` is no valid SPDX expression. */
export function spdxExpression(text: string): string | undefined {
  const trimmed = text.trim();
  if (!trimmed || /\n/.test(trimmed)) return undefined;
  // One id in any case ("mit", "apache-2.0") is fixed up to the list's spelling.
  const id = fixupSpdxId(trimmed);
  if (id) return id;
  try {
    parseSpdx(trimmed);
    return trimmed;
  } catch {
    return undefined;
  }
}

/** First non-empty line, shortened: what a person reads as the licence's name. */
function nameOf(text: string): string | undefined {
  const line = text
    .split('\n')
    .map((l) => l.trim())
    .find(Boolean);
  if (!line || /^unknown$/i.test(line)) return undefined;
  return line.length > MAX_NAME_LENGTH ? `${line.slice(0, MAX_NAME_LENGTH - 1)}…` : line;
}

export function licenseOf(metadata: MetadataHeaders): PackageLicense | undefined {
  const expression = metadata.get('License-Expression')?.trim();
  if (expression) {
    const spdx = spdxExpression(expression);
    return spdx
      ? { spdx, from: 'License-Expression' }
      : { name: nameOf(expression), from: 'License-Expression' };
  }
  const text = metadata.get('License')?.trim() ?? '';
  const fromField = spdxExpression(text);
  if (fromField) return { spdx: fromField, from: 'License' };
  const classifiers = metadata.all('Classifier').filter((c) => c.startsWith('License ::'));
  const mapped = new Set(classifiers.map((c) => CLASSIFIER_SPDX[c]));
  const [only] = mapped;
  if (classifiers.length > 0 && mapped.size === 1 && only) return { spdx: only, from: 'Classifier' };
  const name = nameOf(text);
  if (name) return { name, from: 'License' };
  if (classifiers.length > 0) {
    // "License :: OSI Approved :: BSD License" -> "BSD License".
    const names = [...new Set(classifiers.map((c) => c.split('::').at(-1)?.trim() ?? c))].sort();
    return { name: names.join(', '), from: 'Classifier' };
  }
  return undefined;
}

/** What the summary and error messages show: the SPDX expression, else the name. */
export function licenseLabel(license: PackageLicense | undefined): string {
  return license?.spdx ?? license?.name ?? 'unknown';
}
