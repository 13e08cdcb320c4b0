/**
 * The machine's wheel mirror, read from pip's own configuration (never a hard-coded path).
 * pip's default index may be unreachable here, so tests pass the mirror as --index-url and keep
 * the other configured sources as extras; a machine without a mirror gets `undefined` and the
 * caller says so loudly.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export interface PackageSources {
  readonly indexUrl: string;
  readonly extraIndexUrls: string[];
  readonly findLinks: string[];
}

let cached: PackageSources | null | undefined;

export function machineMirror(): PackageSources | undefined {
  if (cached !== undefined) return cached ?? undefined;
  let listing = '';
  try {
    listing = execFileSync('python3', ['-m', 'pip', 'config', 'list'], { encoding: 'utf8' });
  } catch {
    cached = null;
    return undefined;
  }
  const values = (key: string): string[] =>
    listing
      .split('\n')
      .filter((line) => line.replace(/^[^.]*\./, '').startsWith(`${key}=`))
      .flatMap((line) =>
        line
          .slice(line.indexOf('=') + 1)
          .replace(/^'|'$/g, '')
          .split(/\s+/),
      )
      .filter(Boolean);
  const indexes = [...new Set([...values('index-url'), ...values('extra-index-url')])];
  const findLinks = [...new Set(values('find-links'))];
  const [first, ...rest] = indexes;
  cached = first ? { indexUrl: first, extraIndexUrls: rest, findLinks } : null;
  return cached ?? undefined;
}

/** Message for a skipped mirror test: loud, so a missing mirror is never a silent pass. */
export const NO_MIRROR_MESSAGE =
  'NO WHEEL MIRROR: pip config names no index-url/extra-index-url on this machine; ' +
  'tests that need real PyPI wheels (flask, numpy, argon2-cffi-bindings) are SKIPPED.';

/**
 * The pinned pip's wheel fetched from the machine's mirror into `dir` (for generated indexes that
 * must offer it, as every index a build uses must); undefined without a mirror.
 */
export function pinnedPipWheelFromMirror(
  python: string,
  dir: string,
  version: string,
  filename: string,
): string | undefined {
  const mirror = machineMirror();
  if (!mirror) return undefined;
  execFileSync(
    python,
    [
      '-m',
      'pip',
      'download',
      '--no-deps',
      '-d',
      dir,
      '--index-url',
      mirror.indexUrl,
      ...mirror.extraIndexUrls.flatMap((url) => ['--extra-index-url', url]),
      ...mirror.findLinks.flatMap((link) => ['--find-links', link]),
      `pip==${version}`,
    ],
    // Only the mirror: the machine's pip configuration names other indexes too.
    { timeout: 120_000, env: { ...process.env, PIP_CONFIG_FILE: '/dev/null' } },
  );
  return join(dir, filename);
}
