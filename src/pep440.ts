/**
 * The one version comparison of the tool, PEP 440 ordering, and enough of PEP 440's specifiers to
 * explain a failed resolution. Dotted numeric versions (glibc 2.26, GLIBCXX 3.4.29, pip 22.2,
 * Python 3.11.7) order the same way under it. pip decides what installs; the specifier test only
 * reproduces its choice for the error message, so rare forms (arbitrary equality, local-version
 * rules) are approximated.
 */

interface ParsedVersion {
  readonly epoch: number;
  readonly release: readonly number[];
  /** [0 = a, 1 = b, 2 = rc, number] or undefined. */
  readonly pre?: readonly [number, number];
  readonly post?: number;
  readonly dev?: number;
}

const PATTERN =
  /^v?(?:(\d+)!)?(\d+(?:\.\d+)*)(?:[-_.]?(a|b|c|rc|alpha|beta|pre|preview)[-_.]?(\d*))?(?:(?:-(\d+))|(?:[-_.]?(post|rev|r)[-_.]?(\d*)))?(?:[-_.]?(dev)[-_.]?(\d*))?(?:\+[a-z0-9.]+)?$/i;

function parse(version: string): ParsedVersion | undefined {
  const m = PATTERN.exec(version.trim());
  if (!m) return undefined;
  const preKind = m[3]?.toLowerCase();
  const pre = preKind
    ? ([preKind.startsWith('a') ? 0 : preKind.startsWith('b') ? 1 : 2, Number(m[4] || 0)] as const)
    : undefined;
  const post = m[5] !== undefined ? Number(m[5]) : m[6] ? Number(m[7] || 0) : undefined;
  return {
    epoch: Number(m[1] ?? 0),
    release: (m[2] ?? '0').split('.').map(Number),
    pre,
    post,
    dev: m[8] ? Number(m[9] || 0) : undefined,
  };
}

export function isPrerelease(version: string): boolean {
  const v = parse(version);
  return Boolean(v && (v.pre || v.dev !== undefined));
}

/** Negative, zero or positive as a orders before, equal to or after b (PEP 440); unparsable versions sort first. */
export function compareVersions(a: string, b: string): number {
  const va = parse(a);
  const vb = parse(b);
  if (!va || !vb) return va ? 1 : vb ? -1 : a.localeCompare(b);
  if (va.epoch !== vb.epoch) return va.epoch - vb.epoch;
  const length = Math.max(va.release.length, vb.release.length);
  for (let i = 0; i < length; i++) {
    const d = (va.release[i] ?? 0) - (vb.release[i] ?? 0);
    if (d !== 0) return d;
  }
  // dev-only releases sort before pre-releases, which sort before the final release.
  const preKey = (v: ParsedVersion): number[] =>
    v.pre ? [v.pre[0], v.pre[1]] : v.post === undefined && v.dev !== undefined ? [-1, 0] : [3, 0];
  const [pa, pb] = [preKey(va), preKey(vb)];
  for (let i = 0; i < 2; i++) if (pa[i] !== pb[i]) return (pa[i] ?? 0) - (pb[i] ?? 0);
  const post = (va.post ?? -1) - (vb.post ?? -1);
  if (post !== 0) return post;
  if (va.dev === vb.dev) return 0;
  if (va.dev === undefined) return 1;
  if (vb.dev === undefined) return -1;
  return va.dev - vb.dev;
}

/** True when `version` is a valid PEP 440 version (a marker compares such values as versions). */
export function isVersion(version: string): boolean {
  return parse(version) !== undefined;
}

/**
 * `version OPERATOR operand` for one clause, pre-releases included (as packaging's
 * `Specifier.contains(..., prereleases=True)`, which marker evaluation uses).
 */
export function matchesClause(version: string, operator: string, operand: string): boolean {
  return matchesOne(version, operator, operand);
}

function matchesOne(version: string, operator: string, operand: string): boolean {
  if (operator === '===') return version === operand;
  if ((operator === '==' || operator === '!=') && operand.endsWith('.*')) {
    const prefix = operand.slice(0, -2).split('.');
    const release = (parse(version)?.release ?? []).map(String);
    const equal = prefix.every((part, i) => Number(part) === Number(release[i] ?? 0));
    return operator === '==' ? equal : !equal;
  }
  const c = compareVersions(version, operand);
  switch (operator) {
    case '==':
      return c === 0;
    case '!=':
      return c !== 0;
    case '<=':
      return c <= 0;
    case '>=':
      return c >= 0;
    case '<':
      return c < 0;
    case '>':
      return c > 0;
    case '~=': {
      const release = operand.split('.');
      const prefix = `${release.slice(0, Math.max(release.length - 1, 1)).join('.')}.*`;
      return c >= 0 && matchesOne(version, '==', prefix);
    }
    default:
      return false;
  }
}

/**
 * Whether `version` satisfies a specifier set such as ">=1.2,<2" (empty: any). Pre-releases
 * match only when the specifier names one, as pip does by default.
 */
export function satisfies(version: string, specifier: string): boolean {
  const clauses = specifier
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const allowsPre = clauses.some((c) => isPrerelease(c.replace(/^[<>=!~]+/, '')));
  if (isPrerelease(version) && !allowsPre) return false;
  return clauses.every((clause) => {
    const m = /^(===|~=|==|!=|<=|>=|<|>)\s*(.+)$/.exec(clause);
    return m?.[1] && m[2] ? matchesOne(version, m[1], m[2].trim()) : false;
  });
}

/** True when `version` is `minimum` or later (PEP 440 order). */
export function isAtLeast(version: string, minimum: string): boolean {
  return compareVersions(version, minimum) >= 0;
}
