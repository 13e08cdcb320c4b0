/**
 * From a locked package to the one requirement line pip installs it with: `name==version` plus a
 * `--hash` for every listed wheel whose tags run on the target (wheel-tags.ts, the same rules as
 * any build). pip takes the files from the configured indexes and installs one only when its
 * sha256 is one of those, so what is installed is a file the lock lists; pip runs with --no-deps,
 * so nothing is resolved. A package with no fitting wheel follows the sdist policy through its
 * locked sdist; with neither, the build stops naming the package, its version, the lock entry and
 * what the lock offers.
 */
import { UserError } from '../../errors.js';
import { platformTags, RUNTIMES, runtimeStatus, type Target } from '../../target.js';
import type { SdistPolicy } from '../types.js';
import { parseWheelFilename, wheelVerdict } from '../wheel-tags.js';
import type { LockedFile, LockedPackage } from './types.js';

export function where(pkg: LockedPackage): string {
  return `${pkg.location.file}${pkg.location.line ? `:${pkg.location.line}` : ''}`;
}

function fits(file: LockedFile, target: Target): boolean {
  const parsed = parseWheelFilename(file.filename);
  return Boolean(parsed && wheelVerdict(parsed.tags, target).ok);
}

function hashOf(pkg: LockedPackage, file: LockedFile): string {
  if (!file.sha256) {
    throw new UserError(
      `${where(pkg)}: ${pkg.name} ${pkg.version}: the lock lists ${file.filename} without a sha256`,
      {
        hint: 'write the lock again with hashes (the build installs only files whose hash the lock records)',
        location: pkg.location,
      },
    );
  }
  return `--hash=sha256:${file.sha256}`;
}

/**
 * Why the listed wheels miss, short: a lock for many platforms lists dozens. The closest misses
 * first (a glibc too new for the runtime on the right CPU and Python), then a count.
 */
function describeMisses(wheels: readonly LockedFile[], target: Target): string {
  if (wheels.length === 0) return 'the lock lists no wheel';
  const verdicts = wheels.flatMap((w) => {
    const parsed = parseWheelFilename(w.filename);
    if (!parsed) return [];
    const verdict = wheelVerdict(parsed.tags, target);
    return verdict.ok ? [] : [{ tagText: parsed.tagText, verdict }];
  });
  const glibc = verdicts.flatMap((v) =>
    v.verdict.kind === 'glibc'
      ? [`${v.tagText} needs glibc ${v.verdict.needs.major}.${v.verdict.needs.minor}`]
      : [],
  );
  const shown = glibc.length > 0 ? glibc : verdicts.map((v) => v.tagText);
  // Listed files whose names are not wheel names (no tags to judge): say so, never an empty list.
  if (shown.length === 0) {
    const names = wheels.slice(0, 3).map((w) => w.filename);
    return `the lock lists ${wheels.length === 1 ? 'a file' : `${wheels.length} files`} as wheels, with no wheel tags in the name: ${names.join(', ')}${wheels.length > 3 ? ', ...' : ''}`;
  }
  const more = verdicts.length - Math.min(shown.length, 4);
  const head = shown.slice(0, 4).join(', ');
  const limit =
    glibc.length > 0
      ? `; ${target.runtime} runs glibc ${target.glibc.major}.${target.glibc.minor} (${target.os})`
      : '';
  return `wheels listed: ${head}${more > 0 ? ` and ${more} more for other platforms or Pythons` : ''}${limit}`;
}

/** The requirement line for `pkg` on `target`; throws when no listed file can be installed. */
export function lockedRequirementLine(pkg: LockedPackage, target: Target, sdist: SdistPolicy): string {
  const pin = `${pkg.name}==${pkg.version}`;
  if (pkg.hashesOnly) {
    // No file names to match tags against: pip installs the file that fits among these hashes.
    return [pin, ...pkg.hashesOnly.map((h) => `--hash=sha256:${h}`)].join(' ');
  }
  const fitting = pkg.wheels.filter((file) => fits(file, target));
  if (fitting.length > 0) {
    const hashes = [...new Set(fitting.map((file) => hashOf(pkg, file)))];
    return [pin, ...hashes].join(' ');
  }
  const targetName = `${target.runtime} ${target.architecture}`;
  const runs = `${targetName} runs cp${target.pythonVersion.replace('.', '')} wheels for ${platformTags(target)[0]} or older, and pure-Python (py3-none-any) wheels`;
  if (pkg.sdist && sdist === 'pure') return `${pin} ${hashOf(pkg, pkg.sdist)}`;
  const listed = describeMisses(pkg.wheels, target);
  // A wheel for the right CPU that needs a newer glibc fits the Amazon Linux 2023 runtimes.
  const newerGlibc = pkg.wheels.some((w) => {
    const parsed = parseWheelFilename(w.filename);
    const verdict = parsed && wheelVerdict(parsed.tags, target);
    return verdict && !verdict.ok && verdict.kind === 'glibc';
  });
  const newer = RUNTIMES.filter(
    (r) =>
      runtimeStatus(r) === 'supported' &&
      r.glibc.minor > target.glibc.minor &&
      r.glibc.major === target.glibc.major,
  );
  const runtimeHint =
    newerGlibc && newer.length > 0
      ? `; or a runtime with a newer glibc (${newer.map((r) => r.runtime).join(', ')}: ${newer[0]?.os}, glibc ${newer[0]?.glibc.major}.${newer[0]?.glibc.minor}) if the lock has wheels for its Python`
      : '';
  if (pkg.sdist) {
    throw new UserError(
      `${where(pkg)}: no wheel of ${pkg.name} ${pkg.version} in the lock fits ${targetName} (${listed}); only its sdist ${pkg.sdist.filename} would do, and the sdist policy is "never"`,
      {
        hint: `${runs}. Allow pure-Python builds with sdist "pure", or lock a version that has a fitting wheel${runtimeHint}`,
        location: pkg.location,
      },
    );
  }
  throw new UserError(
    `${where(pkg)}: no file of ${pkg.name} ${pkg.version} in the lock fits ${targetName} (${listed}; and no sdist)`,
    {
      hint: `${runs}. Lock a version that has such a wheel, or lock for this platform too (e.g. uv's tool.uv.required-environments)${runtimeHint}`,
      location: pkg.location,
    },
  );
}
