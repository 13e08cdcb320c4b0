/**
 * Turns pip's "No matching distribution found for X" into an error a user can act on: read
 * what the indexes offer for X, say which limit of the target each close file breaks (glibc,
 * architecture, Python/ABI, OS, sdist only) and which change would fix it.
 */
import { ResolutionError, UserError } from '../errors.js';
import { compareVersions, isPrerelease, satisfies } from '../pep440.js';
import { type GlibcVersion, glibcLabel, RUNTIMES, runtimeStatus, type Target } from '../target.js';
import {
  findRequirementLine,
  normalizeProjectName,
  type RequirementsSnapshot,
  writtenAt,
} from './requirements.js';
import { type DistributionFile, listProjectFiles, parseDistributionName } from './simple-index.js';
import { parseWheelFilename, type WheelProblem, wheelVerdict } from './wheel-tags.js';

export interface UnresolvedRequirement {
  /** The requirement as pip printed it, e.g. "cryptography==50.0.2". */
  readonly requirement: string;
  readonly name: string;
  /** Version specifier set, e.g. "==50.0.2" ("" for any). */
  readonly specifier: string;
  /** The distribution that required it, when pip said ("from X"). */
  readonly requiredBy?: string;
}

/** The requirement pip could not satisfy, from its output. */
export function parseUnresolvable(pipOutput: string): UnresolvedRequirement | undefined {
  const satisfies = /Could not find a version that satisfies the requirement (.+)$/m.exec(pipOutput)?.[1];
  const noMatch = /No matching distribution found for (.+)$/m.exec(pipOutput)?.[1];
  let text = (satisfies ?? noMatch)?.trim();
  if (!text) return undefined;
  text = text.replace(/\s*\(from versions:[^)]*\)\s*$/, '');
  let requiredBy: string | undefined;
  for (let m = /\s*\(from ([^()]*)\)$/.exec(text); m; m = /\s*\(from ([^()]*)\)$/.exec(text)) {
    requiredBy ??= m[1]?.replace(/^-r .*$/, '').trim() || undefined;
    text = text.slice(0, m.index);
  }
  const parsed = /^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(?:\(([^)]*)\)|([^;@]*))/.exec(text);
  if (!parsed?.[1]) return undefined;
  return {
    requirement: text.trim(),
    name: parsed[1],
    specifier: (parsed[2] ?? parsed[3] ?? '').replace(/\s+/g, ''),
    requiredBy: requiredBy && !/^-r |^-c /.test(requiredBy) ? requiredBy : undefined,
  };
}

/**
 * The dependencies a ResolutionImpossible names as having "no matching distributions available
 * for your environment", with the specifier the conflict lines ask for ("" when they differ)
 * and who asked. pip reports a dependency with no fitting wheel this way when several versions
 * of the package requiring it were tried (matplotlib -> contourpy): it is no version conflict.
 */
export function parseUnavailableInConflict(pipOutput: string): UnresolvedRequirement[] {
  const marker = 'no matching distributions available for your environment:';
  const at = pipOutput.indexOf(marker);
  if (at < 0) return [];
  const names: string[] = [];
  for (const line of pipOutput
    .slice(at + marker.length)
    .split('\n')
    .slice(1)) {
    const name = /^\s+([A-Za-z0-9][A-Za-z0-9._-]*)\s*$/.exec(line)?.[1];
    if (!name) break;
    names.push(name);
  }
  const wants = [
    ...pipOutput.matchAll(
      /^\s+([A-Za-z0-9][A-Za-z0-9._-]*) \S+ depends on ([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?\s*([^;\s]*)/gm,
    ),
  ];
  return names.map((name) => {
    const asked = wants.filter((m) => normalizeProjectName(m[2] ?? '') === normalizeProjectName(name));
    const specifiers = unique(asked.map((m) => m[3] ?? ''));
    const specifier = specifiers.length === 1 ? (specifiers[0] ?? '') : '';
    const requiredBy = unique(asked.map((m) => m[1] ?? '')).join(', ') || undefined;
    return { requirement: `${name}${specifier}`, name, specifier, requiredBy };
  });
}

/** Index URLs and find-links pip said it used ("Looking in indexes: a, b", "Looking in links: c"). */
export function parsePipSources(pipOutput: string): { indexUrls: string[]; findLinks: string[] } {
  const list = (label: string): string[] =>
    (new RegExp(`^Looking in ${label}: (.+)$`, 'm').exec(pipOutput)?.[1] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  return { indexUrls: list('indexes'), findLinks: list('links') };
}

interface FileVerdict {
  readonly file: DistributionFile;
  readonly version: string;
  readonly tagText: string;
  readonly ok: boolean;
  /** Undefined for sdists. */
  readonly problem?: WheelProblem;
  readonly sdist: boolean;
}

function judge(file: DistributionFile, target: Target): FileVerdict | undefined {
  const wheel = parseWheelFilename(file.filename);
  if (wheel) {
    const verdict = wheelVerdict(wheel.tags, target);
    const pythonFits = !file.requiresPython || satisfies(target.pythonFullVersion, file.requiresPython);
    const ok = verdict.ok && pythonFits;
    const problem: WheelProblem | undefined = verdict.ok
      ? pythonFits
        ? undefined
        : { kind: 'python', tag: verdict.tag }
      : verdict;
    return { file, version: wheel.version, tagText: wheel.tagText, ok, problem, sdist: false };
  }
  const sdist = parseDistributionName(file.filename);
  if (!sdist) return undefined;
  return { file, version: sdist.version, tagText: 'sdist', ok: false, sdist: true };
}

const runtimeLabel = (target: Target): string => `${target.runtime} ${target.architecture}`;

const newerGlibc = (a: GlibcVersion, b: GlibcVersion): boolean =>
  a.major > b.major || (a.major === b.major && a.minor > b.minor);

/** What the closest version's files break, in one sentence. */
function explainVersion(
  name: string,
  version: string,
  files: readonly FileVerdict[],
  target: Target,
): string {
  const wheels = files.filter((f) => !f.sdist);
  const tagList = files.map((f) => f.tagText).join(', ');
  if (wheels.length === 0) {
    return (
      `${name} ${version} is published only as a source distribution (sdist), and the build installs ` +
      `wheels only: a package compiled on this host may not run on Lambda`
    );
  }
  const problems = wheels.map((w) => w.problem).filter((p): p is WheelProblem => p !== undefined);
  const glibc = problems.filter((p): p is WheelProblem & { kind: 'glibc' } => p.kind === 'glibc');
  if (glibc.length > 0) {
    const lowest = glibc.reduce((a, b) => (newerGlibc(a.needs, b.needs) ? b : a));
    const limit = `${target.runtime} runs glibc ${glibcLabel(target.glibc)} (${target.os})`;
    return glibc.length === 1
      ? `${limit}; the only ${name} ${version} wheel for ${target.wheelArch} needs ${glibcLabel(lowest.needs)} (${lowest.tag.platform})`
      : `${limit}; the ${name} ${version} wheels for ${target.wheelArch} need glibc ${glibcLabel(lowest.needs)} or newer`;
  }
  if (problems.some((p) => p.kind === 'python')) {
    const pythons = [...new Set(wheels.map((w) => w.tagText.split('-').slice(0, 2).join('-')))].join(', ');
    return `${name} ${version} has no wheel for Python ${target.pythonVersion} (${target.runtime} needs cp${target.pythonVersion.replace('.', '')}, abi3 or py3 tags); its wheels are tagged ${pythons}`;
  }
  const arches = [...new Set(problems.flatMap((p) => (p.kind === 'arch' ? [p.arch] : [])))];
  if (arches.length > 0) {
    return `${name} ${version} has Linux wheels only for ${arches.join(', ')}; the target architecture ${target.architecture} needs ${target.wheelArch} wheels`;
  }
  if (problems.some((p) => p.kind === 'libc')) {
    return `${name} ${version} has Linux wheels only with non-manylinux tags (${tagList}), which do not promise to run on ${target.os}`;
  }
  const systems = [...new Set(problems.flatMap((p) => (p.kind === 'os' ? [p.os] : [])))];
  return `${name} ${version} has wheels only for ${systems.join(' and ')} (${tagList}); Lambda runs ${target.os}`;
}

/** The fixes worth suggesting, most direct first. */
function suggestFixes(
  name: string,
  closest: readonly FileVerdict[],
  matching: readonly FileVerdict[],
  all: readonly FileVerdict[],
  target: Target,
): string[] {
  const fixes: string[] = [];
  const compatible = all
    .filter((f) => f.ok && !f.file.yanked && !isPrerelease(f.version))
    .sort((a, b) => compareVersions(b.version, a.version))[0];
  if (compatible) {
    fixes.push(
      `pin ${name}==${compatible.version} (the newest version with a wheel for ${runtimeLabel(target)})`,
    );
  }
  // No version on the index has one: pinning an older release would not help, so it is not offered.
  const problems = closest.flatMap((f) => (f.problem ? [f.problem] : []));
  const glibcNeeds = problems.flatMap((p) => (p.kind === 'glibc' ? [p.needs] : []));
  if (glibcNeeds.length > 0) {
    const lowest = glibcNeeds.reduce((a, b) => (newerGlibc(a, b) ? b : a));
    // Only runtimes the index really has a wheel for (a cp311-only wheel needing glibc 2.28
    // fits no runtime: python3.12 has the glibc but not the Python).
    const fitting = RUNTIMES.filter(
      (r) =>
        runtimeStatus(r) === 'supported' &&
        newerGlibc(r.glibc, target.glibc) &&
        matching.some((f) => judge(f.file, { ...target, ...r })?.ok),
    ).map((r) => r.runtime);
    if (fitting.length > 0) {
      fixes.push(
        `choose a runtime whose glibc fits and that the index has wheels for (${fitting.join(', ')})`,
      );
    } else if (!RUNTIMES.some((r) => !newerGlibc(lowest, r.glibc))) {
      fixes.push(`no Lambda runtime has glibc ${glibcLabel(lowest)}`);
    }
  }
  // A glibc fix already names the newer runtimes; a wrong-Python fix would repeat them.
  if (problems.some((p) => p.kind === 'python') && glibcNeeds.length === 0) {
    const runtimes = RUNTIMES.filter(
      (r) => r.runtime !== target.runtime && closest.some((f) => judge(f.file, { ...target, ...r })?.ok),
    ).map((r) => r.runtime);
    if (runtimes.length > 0) fixes.push(`choose runtime ${runtimes.join(' or ')}`);
  }
  if (problems.some((p) => p.kind === 'arch')) {
    const other = target.architecture === 'x86_64' ? 'arm64' : 'x86_64';
    const otherTarget: Target = {
      ...target,
      architecture: other,
      wheelArch: other === 'arm64' ? 'aarch64' : 'x86_64',
    };
    if (closest.some((f) => judge(f.file, otherTarget)?.ok)) fixes.push(`choose --arch ${other}`);
  }
  fixes.push(
    `build ${name} for ${target.os} ${target.wheelArch} elsewhere (pip wheel in an Amazon Linux or manylinux container) and pass that directory with --find-links DIR`,
  );
  return fixes;
}

export interface DiagnoseContext {
  readonly target: Target;
  readonly snapshot: RequirementsSnapshot;
  /** Index URLs and find-links given to the build; pip's own listing is added to them. */
  readonly indexUrls: readonly string[];
  readonly findLinks: readonly string[];
}

/** Default index pip uses when none is configured. */
export const DEFAULT_INDEX_URL = 'https://pypi.org/simple';

/**
 * A ResolutionError explaining why `unresolved` has no install candidate for the target, or a
 * UserError naming an index that could not be read. Reads the indexes (bounded in time).
 */
export async function diagnoseUnresolvable(
  unresolved: UnresolvedRequirement,
  pipOutput: string,
  context: DiagnoseContext,
): Promise<UserError> {
  const fromPip = parsePipSources(pipOutput);
  // pip prints credentials as "****": read the URLs we were given first, pip's only when new.
  const indexUrls = unique([...context.indexUrls, ...fromPip.indexUrls.filter((u) => !u.includes('****'))]);
  const sources = {
    indexUrls: indexUrls.length > 0 ? indexUrls : [DEFAULT_INDEX_URL],
    findLinks: unique([...context.findLinks, ...fromPip.findLinks]),
  };
  const { name, specifier, requirement } = unresolved;
  const listing = await listProjectFiles(sources, name);
  const line = findRequirementLine(context.snapshot, name);
  const location = line ? writtenAt(line) : undefined;
  const unreadable = listing.unreachable.map((u) => `${u.url} (${u.reason})`);

  if (listing.files.length === 0 && listing.unreachable.length > 0) {
    const [first] = listing.unreachable;
    return new UserError(
      `package index ${first?.url} cannot be reached (${first?.reason}) while looking for ${name}` +
        (listing.unreachable.length > 1 ? `; also unreachable: ${unreadable.slice(1).join(', ')}` : ''),
      {
        hint: 'check --index-url/--extra-index-url/--find-links (or pip config), the network and credentials',
      },
    );
  }
  const requiredBy = unresolved.requiredBy ? ` (required by ${unresolved.requiredBy})` : '';
  const note = unreadable.length > 0 ? ` Could not read: ${unreadable.join(', ')}.` : '';
  const verdicts = listing.files.flatMap((f) => judge(f, context.target) ?? []);
  if (verdicts.length === 0) {
    return new ResolutionError(
      `no package index offers ${name}${requiredBy} (looked in ${[...sources.indexUrls, ...sources.findLinks].join(', ')}).${note}`,
      { hint: `check the name "${name}" and the index URL`, packageName: name, location },
    );
  }
  const matching = verdicts.filter((v) => satisfies(v.version, specifier));
  if (matching.length === 0) {
    const versions = unique(verdicts.map((v) => v.version)).sort(compareVersions);
    return new ResolutionError(
      `no version of ${name} matches ${requirement}${requiredBy}; the index offers ${versions.join(', ')}.${note}`,
      { hint: `change the version specifier of ${name}`, packageName: name, location },
    );
  }
  const newest = matching.reduce((a, b) => (compareVersions(a.version, b.version) >= 0 ? a : b)).version;
  const closest = matching.filter((v) => v.version === newest);
  const reason = explainVersion(name, newest, closest, context.target);
  const offered = unique(closest.map((c) => c.tagText)).join(', ');
  const fixes = suggestFixes(name, closest, matching, verdicts, context.target);
  const noneFits = verdicts.some((v) => v.ok)
    ? ''
    : ` No version of ${name} on the index has a wheel for ${runtimeLabel(context.target)}.`;
  return new ResolutionError(
    `no wheel of ${requirement}${requiredBy} fits ${runtimeLabel(context.target)}: ${reason}. ` +
      `Files offered for ${name} ${newest}: ${offered}.${noneFits}${note}`,
    { hint: fixes.join('; or '), packageName: name, location },
  );
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
