/**
 * Why a wheel does or does not run on a Lambda target, from its file name's tags (PEP 425,
 * PEP 600). Pure: it reproduces pip's tag matching for the target so an error can say which
 * limit a wheel breaks (glibc, architecture, Python/ABI, operating system).
 */
import type { GlibcVersion, Target } from '../target.js';

export interface WheelTag {
  readonly python: string;
  readonly abi: string;
  readonly platform: string;
}

export type WheelProblem =
  /** A manylinux wheel for the right arch that needs a newer glibc than the runtime has. */
  | { readonly kind: 'glibc'; readonly needs: GlibcVersion; readonly tag: WheelTag }
  /** Linux wheel for another CPU architecture. */
  | { readonly kind: 'arch'; readonly arch: string; readonly tag: WheelTag }
  /** Linux wheel that is not manylinux (plain linux_*, musllinux). */
  | { readonly kind: 'libc'; readonly tag: WheelTag }
  /** Windows, macOS or another OS. */
  | { readonly kind: 'os'; readonly os: string; readonly tag: WheelTag }
  /** Platform fits, but the interpreter/ABI tags are for another Python. */
  | { readonly kind: 'python'; readonly tag: WheelTag };

export type WheelVerdict =
  | { readonly ok: true; readonly tag: WheelTag }
  | ({ readonly ok: false } & WheelProblem);

/** Name, version and tags of a wheel file name; undefined when it is not one. */
export function parseWheelFilename(
  filename: string,
): { name: string; version: string; tagText: string; tags: WheelTag[] } | undefined {
  if (!filename.endsWith('.whl')) return undefined;
  const parts = filename.slice(0, -4).split('-');
  if (parts.length !== 5 && parts.length !== 6) return undefined;
  const [name, version] = parts;
  const [python, abi, platform] = parts.slice(-3);
  if (!name || !version || !python || !abi || !platform) return undefined;
  const tags = python
    .split('.')
    .flatMap((p) =>
      abi.split('.').flatMap((a) => platform.split('.').map((pl) => ({ python: p, abi: a, platform: pl }))),
    );
  return { name, version, tagText: `${python}-${abi}-${platform}`, tags };
}

const LEGACY: Record<string, number> = { manylinux1: 5, manylinux2010: 12, manylinux2014: 17 };

type PlatformVerdict = { ok: true } | WheelProblem;

function platformVerdict(tag: WheelTag, target: Target): PlatformVerdict {
  const platform = tag.platform;
  if (platform === 'any') return { ok: true };
  let glibcMinor: number | undefined;
  let glibcMajor = 2;
  let arch: string | undefined;
  const pep600 = /^manylinux_(\d+)_(\d+)_(.+)$/.exec(platform);
  const legacy = /^(manylinux1|manylinux2010|manylinux2014)_(.+)$/.exec(platform);
  if (pep600?.[1] && pep600[2] && pep600[3]) {
    glibcMajor = Number(pep600[1]);
    glibcMinor = Number(pep600[2]);
    arch = pep600[3];
  } else if (legacy?.[1] && legacy[2]) {
    glibcMinor = LEGACY[legacy[1]];
    arch = legacy[2];
  }
  if (glibcMinor !== undefined && arch) {
    if (arch !== target.wheelArch) return { kind: 'arch', arch, tag };
    const fits =
      glibcMajor < target.glibc.major ||
      (glibcMajor === target.glibc.major && glibcMinor <= target.glibc.minor);
    return fits ? { ok: true } : { kind: 'glibc', needs: { major: glibcMajor, minor: glibcMinor }, tag };
  }
  const linux = /^(linux|musllinux_\d+_\d+)_(.+)$/.exec(platform);
  if (linux?.[2]) {
    return linux[2] === target.wheelArch ? { kind: 'libc', tag } : { kind: 'arch', arch: linux[2], tag };
  }
  const os = platform.startsWith('win')
    ? 'Windows'
    : platform.startsWith('macosx')
      ? 'macOS'
      : platform.startsWith('ios')
        ? 'iOS'
        : platform.startsWith('android')
          ? 'Android'
          : platform;
  return { kind: 'os', os, tag };
}

/** pip's interpreter/ABI matching for CPython 3.M (packaging.tags.cpython_tags + compatible_tags). */
export function pythonTagFits(tag: WheelTag, pythonVersion: string): boolean {
  const minor = Number(pythonVersion.split('.')[1]);
  const cp = `cp3${minor}`;
  const interpreter = /^(cp|py)3(\d*)$/.exec(tag.python);
  if (!interpreter) return false;
  const interpreterMinor = interpreter[2] === '' ? undefined : Number(interpreter[2]);
  if (tag.abi === cp || tag.abi === `${cp}m`) return tag.python === cp;
  if (tag.abi === 'abi3') {
    return (
      interpreter[1] === 'cp' &&
      interpreterMinor !== undefined &&
      interpreterMinor >= 2 &&
      interpreterMinor <= minor
    );
  }
  if (tag.abi === 'none') {
    if (interpreter[1] === 'cp') return interpreterMinor === minor;
    return interpreterMinor === undefined || interpreterMinor <= minor;
  }
  return false;
}

/** Lower is closer to running: which miss to explain when no tag fits. */
function distance(problem: WheelProblem, pythonOk: boolean): number {
  if (problem.kind === 'python') return 1;
  const base = { glibc: 0, arch: 2, libc: 3, os: 7 }[problem.kind];
  return pythonOk || problem.kind === 'os' ? base : base + 4;
}

/**
 * Whether any of the wheel's tags runs on the target; when none does, the closest miss: a glibc
 * miss for our Python beats a wrong Python on a fitting platform, which beats a wrong arch or OS.
 */
export function wheelVerdict(tags: readonly WheelTag[], target: Target): WheelVerdict {
  let best: { problem: WheelProblem; score: number } | undefined;
  for (const tag of tags) {
    const platform = platformVerdict(tag, target);
    const pythonOk = pythonTagFits(tag, target.pythonVersion);
    if ('ok' in platform && pythonOk) return { ok: true, tag };
    // A tag for another Python is a Python miss first, whatever else it misses.
    const problem: WheelProblem =
      'ok' in platform || (!pythonOk && platform.kind !== 'os') ? { kind: 'python', tag } : platform;
    const score = 'ok' in platform ? 1 : distance(platform, pythonOk);
    const closer =
      !best ||
      score < best.score ||
      (score === best.score &&
        problem.kind === 'glibc' &&
        best.problem.kind === 'glibc' &&
        lowerGlibc(problem, best.problem));
    if (closer) best = { problem, score };
  }
  return best
    ? { ok: false, ...best.problem }
    : { ok: false, kind: 'os', os: 'unknown', tag: { python: '', abi: '', platform: '' } };
}

function lowerGlibc(a: WheelProblem & { kind: 'glibc' }, b: WheelProblem & { kind: 'glibc' }): boolean {
  return a.needs.major < b.needs.major || (a.needs.major === b.needs.major && a.needs.minor < b.needs.minor);
}
