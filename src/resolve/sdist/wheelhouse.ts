/**
 * The sdist fallback of the install: when pip finds no wheel at all for a requirement, build
 * the release's sdist into a wheel on this host, keep it only when it is pure Python, and put
 * it into a wheelhouse inside the build's work dir that the next resolution reads through
 * --find-links. pip still resolves the whole graph for the target; the wheelhouse is one more
 * source. Building runs the package's build code, so every build is announced in the log.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ResolutionError, type SourceLocation, type UserError } from '../../errors.js';
import type { Logger } from '../../log.js';
import { glibcLabel, type Target } from '../../target.js';
import { DEFAULT_INDEX_URL, parsePipSources, type UnresolvedRequirement } from '../diagnose.js';
import type { PinnedPip } from '../pinned-pip.js';
import {
  findRequirementLine,
  normalizeProjectName,
  type RequirementsSnapshot,
  writtenAt,
} from '../requirements.js';
import { listProjectFiles } from '../simple-index.js';
import { buildWheelFromSdist } from './build-wheel.js';
import { hashPinsFor, type SdistRelease, sdistOnlyRelease, specifiersFor } from './candidate.js';
import { inspectWheel } from './purity.js';

/** Bound on source builds in one install: each one costs a build and another resolution. */
export const MAX_SOURCE_BUILDS = 20;

export interface BuiltWheel extends SdistRelease {
  readonly wheelFile: string;
  /** Hex sha256 of the built wheel. */
  readonly sha256: string;
}

export interface SdistContext {
  readonly pip: PinnedPip;
  readonly target: Target;
  readonly snapshot: RequirementsSnapshot;
  /** Scratch space of the build (the wheelhouse lives inside it). */
  readonly workDir: string;
  readonly indexUrls: readonly string[];
  readonly findLinks: readonly string[];
  /** The install's --index-url/--extra-index-url/--find-links flags. */
  readonly indexFlags: readonly string[];
  readonly log: Logger;
  readonly env?: NodeJS.ProcessEnv;
  readonly timeoutMs: number;
}

/**
 * The sdist-only release pip's failure is about, when `unresolved` names one; undefined when
 * the project has wheels (none fitting), is unknown, or its indexes cannot be read: the usual
 * diagnosis explains those.
 */
export async function findSdistOnlyRelease(
  unresolved: UnresolvedRequirement,
  pipOutput: string,
  context: Pick<SdistContext, 'snapshot' | 'indexUrls' | 'findLinks'>,
): Promise<(SdistRelease & { readonly requiredBy?: string }) | undefined> {
  const fromPip = parsePipSources(pipOutput);
  // pip prints credentials as "****": read the URLs we were given first, pip's only when new.
  const indexUrls = [
    ...new Set([...context.indexUrls, ...fromPip.indexUrls.filter((u) => !u.includes('****'))]),
  ];
  const sources = {
    indexUrls: indexUrls.length > 0 ? indexUrls : [DEFAULT_INDEX_URL],
    findLinks: [...new Set([...context.findLinks, ...fromPip.findLinks])],
  };
  const listing = await listProjectFiles(sources, unresolved.name);
  const specifiers = [unresolved.specifier, ...specifiersFor(context.snapshot, unresolved.name)];
  const release = sdistOnlyRelease(unresolved.name, specifiers, listing.files);
  return release && { ...release, requiredBy: unresolved.requiredBy };
}

/** Today's "only an sdist" error, with the way out that `sdist: pure` offers. */
export function withPureHint(error: UserError, release: SdistRelease): UserError {
  if (!(error instanceof ResolutionError)) return error;
  const pure =
    `if ${release.project} is pure Python, set sdist: pure (CLI: --sdist pure) to build it from source ` +
    `on this machine (that runs its build code)`;
  return new ResolutionError(error.message, {
    hint: error.hint ? `${error.hint}; or ${pure}` : pure,
    packageName: error.packageName,
    location: error.location,
  });
}

const runtimeLabel = (target: Target): string => `${target.runtime} ${target.architecture}`;

/** The ways out for a source package that cannot be built into a pure wheel here. */
function waysOut(release: SdistRelease, target: Target): string {
  const { project, version } = release;
  return [
    `pin a version of ${project} that publishes wheels for ${runtimeLabel(target)}`,
    `choose a runtime for which ${project} publishes wheels`,
    `build it on ${target.os} ${target.wheelArch} (e.g. \`pip wheel ${project}==${version} -w wheels/\` in an Amazon Linux or manylinux container) and pass that directory with --find-links DIR`,
  ].join('; or ');
}

/** Wheels built from sdists in this install, kept in `dir` for --find-links. */
export class Wheelhouse {
  private readonly wheels = new Map<string, BuiltWheel>();

  constructor(readonly dir: string) {}

  get size(): number {
    return this.wheels.size;
  }

  has(project: string): boolean {
    return this.wheels.has(normalizeProjectName(project));
  }

  built(): BuiltWheel[] {
    return [...this.wheels.values()];
  }

  /** The --find-links source to add to the resolution (none before the first build). */
  findLinks(): string[] {
    return this.wheels.size > 0 ? [this.dir] : [];
  }

  /** Each built project's wheel hash, as a pip `--hash` value. */
  hashPins(): Map<string, string[]> {
    return new Map(this.built().map((w) => [w.project, [`sha256:${w.sha256}`]]));
  }

  /**
   * Builds `release` from source into the wheelhouse, or throws a ResolutionError naming it:
   * compiled code, a failed build, or too many source builds.
   */
  async build(
    release: SdistRelease & { readonly requiredBy?: string },
    context: SdistContext,
  ): Promise<BuiltWheel> {
    const { project, version } = release;
    const { target, log } = context;
    const line = findRequirementLine(context.snapshot, project);
    const location = line ? writtenAt(line) : undefined;
    const requiredBy = release.requiredBy ? ` (required by ${release.requiredBy})` : '';
    if (this.wheels.size >= MAX_SOURCE_BUILDS) {
      throw new ResolutionError(
        `${project} ${version}${requiredBy} is published only as source, and this build already built ${MAX_SOURCE_BUILDS} packages from source; it stops here`,
        {
          hint: `build these packages into wheels elsewhere and pass them with --find-links DIR`,
          packageName: project,
          location,
        },
      );
    }
    log.info(
      `Building ${project} ${version} from source: this runs the package's setup code on this machine ` +
        `(${release.sdistFile}${requiredBy} has no wheel; sdist policy "pure")`,
    );
    // The build (and any setup.py logic choosing dependencies) runs on this host's Python;
    // pip then checks the wheel's Requires-Python and dependencies against the target.
    const hostMinor = context.pip.python.version.split('.').slice(0, 2).join('.');
    if (hostMinor !== target.pythonVersion) {
      log.warn(
        `${project} is built with Python ${context.pip.python.version}, not the target's ${target.pythonVersion}: ` +
          'a setup script that picks dependencies by Python version picks them for the build interpreter',
      );
    }
    const scratch = join(context.workDir, 'sdist-build', project);
    try {
      const result = await buildWheelFromSdist({
        pip: context.pip,
        project,
        version,
        hashes: hashPinsFor(context.snapshot, project),
        indexFlags: context.indexFlags,
        outDir: join(scratch, 'wheel'),
        log,
        env: context.env,
        timeoutMs: context.timeoutMs,
      });
      if (!result.ok)
        throw buildFailure(release, requiredBy, result.output, result.timedOut, target, location);
      const purity = await inspectWheel(result.wheelPath, join(scratch, 'inspect'));
      if (!purity.pure) {
        const files = purity.compiledFiles;
        const shown =
          files.length > 0 ? `: ${files.slice(0, 3).join(', ')}${files.length > 3 ? ', ...' : ''}` : '';
        throw new ResolutionError(
          `${project} ${version}${requiredBy} is published only as source and contains compiled code: building it here ` +
            `made ${result.wheelFile} (tags ${purity.tagText})${shown}. Code compiled on this machine is not ` +
            `built for ${runtimeLabel(target)} (${target.os}, glibc ${glibcLabel(target.glibc)}), so the build refuses it.`,
          { hint: waysOut(release, target), packageName: project, location },
        );
      }
      await mkdir(this.dir, { recursive: true });
      await rename(result.wheelPath, join(this.dir, result.wheelFile));
      const sha256 = createHash('sha256')
        .update(await readFile(join(this.dir, result.wheelFile)))
        .digest('hex');
      const built: BuiltWheel = { ...release, wheelFile: result.wheelFile, sha256 };
      this.wheels.set(project, built);
      log.info(`Built ${result.wheelFile} (pure Python); resolving again with it`);
      return built;
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }
}

function buildFailure(
  release: SdistRelease,
  requiredBy: string,
  output: string,
  timedOut: boolean,
  target: Target,
  location: SourceLocation | undefined,
): ResolutionError {
  const { project, version } = release;
  const packageName = project;
  const errorLines = output
    .split('\n')
    .filter((l) => l.trim())
    .slice(-15)
    .join('\n');
  if (timedOut) {
    return new ResolutionError(
      `building ${project} ${version}${requiredBy} from source did not finish in time and was stopped`,
      {
        hint: waysOut(release, target),
        packageName,
        location,
      },
    );
  }
  if (/DO NOT MATCH THE HASHES/.test(output)) {
    return new ResolutionError(
      `the source distribution of ${project} ${version}${requiredBy} does not match its --hash pin:\n${errorLines}`,
      {
        hint: 'regenerate the hashes (pip-compile --generate-hashes) or fix the pin; never disable the check',
        packageName,
        location,
      },
    );
  }
  if (
    /install build dependencies did not run successfully|Installing build dependencies: finished with status 'error'/.test(
      output,
    )
  ) {
    return new ResolutionError(
      `${project} ${version}${requiredBy} has no wheel, and its build backend could not be installed to build it from source:\n${errorLines}`,
      {
        hint:
          'the isolated build installs the backend the sdist names (setuptools, hatchling, ...) from the same indexes: ' +
          `make it available there or through --find-links; or ${waysOut(release, target)}`,
        packageName,
        location,
      },
    );
  }
  return new ResolutionError(
    `${project} ${version}${requiredBy} has no wheel, and building it from source failed (a package that needs a compiler ` +
      `or system libraries contains compiled code, which this build refuses anyway):\n${errorLines}`,
    { hint: waysOut(release, target), packageName, location },
  );
}
