/**
 * What the proof's import results mean: which failures fail the build, which only need an extra
 * nobody asked for (a warning), and what to say about each, in one line, claiming about Lambda
 * only what the failure shows.
 */
import { normalizeDistributionName, readInstalledDistributions } from '../dist-info.js';
import type { ModuleNeedingExtra } from '../types.js';
import { missingExtraRequirement } from './extras.js';
import { moduleStyleName } from './modules.js';

/** One module to import, and whether it is its distribution's own package (modules.ts ownModules). */
export interface Wanted {
  readonly distribution: string;
  readonly module: string;
  readonly own: boolean;
}

/** One import_proof.py result line. */
export interface Outcome {
  readonly module: string;
  readonly ok: boolean;
  readonly ms: number;
  readonly error?: string;
  readonly traceback?: string;
  /** The module a ModuleNotFoundError names. */
  readonly missing?: string;
  /** Whether `missing` is a standard-library module (null: the interpreter cannot say). */
  readonly stdlib?: boolean | null;
}

export interface SortedOutcomes {
  /** Failures that fail the build. */
  readonly failed: readonly Outcome[];
  /** Modules beside a distribution's own package that need an extra not asked for. */
  readonly needsExtra: readonly (ModuleNeedingExtra & { readonly outcome: Outcome })[];
}

/**
 * A failed import is only a warning when all of these hold: the module is not its
 * distribution's own package, a ModuleNotFoundError stopped it, and the missing module belongs to
 * a requirement the distribution declares only under extras, which is not in the layer.
 */
export function sortOutcomes(
  outcomes: readonly Outcome[],
  wanted: readonly Wanted[],
  pythonDir: string,
): SortedOutcomes {
  const byModule = new Map(wanted.map((w) => [w.module, w]));
  const failed: Outcome[] = [];
  const needsExtra: (ModuleNeedingExtra & { outcome: Outcome })[] = [];
  let installed: Map<string, ReturnType<typeof readInstalledDistributions>[number]> | undefined;
  for (const outcome of outcomes.filter((o) => !o.ok)) {
    const item = byModule.get(outcome.module);
    if (!item || item.own || !outcome.missing) {
      failed.push(outcome);
      continue;
    }
    installed ??= new Map(
      readInstalledDistributions(pythonDir).map((d) => [normalizeDistributionName(d.name), d]),
    );
    const owner = installed.get(normalizeDistributionName(item.distribution));
    const extra = owner && missingExtraRequirement(owner, outcome.missing, installed, pythonDir);
    if (!extra) {
      failed.push(outcome);
      continue;
    }
    needsExtra.push({
      distribution: item.distribution,
      module: outcome.module,
      missing: outcome.missing,
      requirement: extra.requirement,
      extras: extra.extras,
      outcome,
    });
  }
  return { failed, needsExtra };
}

/** `duckdb[all]`, or `black[d]` / `black[jupyter]` when several extras bring it. */
export function withExtras(distribution: string, extras: readonly string[]): string {
  return extras.map((extra) => `${distribution}[${extra}]`).join(' / ');
}

/** The warning for one module that needs an extra, in one line. */
export function needsExtraWarning(item: ModuleNeedingExtra): string {
  const wanted = withExtras(item.distribution, item.extras);
  const first = `${item.distribution}[${item.extras[0]}]`;
  // adbc_driver_manager comes from adbc-driver-manager: name the distribution only when it differs.
  const from =
    moduleStyleName(item.requirement) === item.missing.split('.')[0] ? '' : ` (from ${item.requirement})`;
  return (
    `${item.distribution} ships ${item.module}, which imports ${item.missing}${from}: that comes only with ${wanted}, ` +
    `not requested. ${item.distribution} itself imports; a function that imports ` +
    `${item.module} needs ${wanted} in the requirements (pip install '${first}')`
  );
}

export type ProofVenue = 'native' | 'emulated';

/**
 * What to do about the failures, and what they say about Lambda. Only what the layer itself
 * lacks is sure to fail there the same way: a module missing from python/ (not from the proof
 * interpreter's standard library), or a binary built for another CPU (`wrongCpu`). A crash or
 * another error under emulation may be the emulator's.
 */
export function failureHint(
  failed: readonly Outcome[],
  crashed: boolean,
  venue: ProofVenue,
  target: { readonly pythonVersion: string; readonly wheelArch: string; readonly runtime: string },
  wrongCpu: (outcome: Outcome) => boolean = () => false,
): string {
  const off = '--no-import-proof / import-proof: false turns the proof off';
  const stdlib = failed.filter((f) => f.missing && f.stdlib === true).map((f) => f.missing as string);
  if (stdlib.length > 0) {
    return (
      `${stdlib.join(', ')} ${stdlib.length === 1 ? 'is a standard-library module' : 'are standard-library modules'} ` +
      `the proof's interpreter was built without; that says nothing about Lambda, whose runtime brings its own ` +
      `standard library: prove with a complete Python ${target.pythonVersion} (--import-proof-python / import-proof-python), or ${off}`
    );
  }
  const missing = failed.filter((f) => f.missing && f.stdlib === false);
  const foreign = failed.filter(wrongCpu);
  if (!crashed && failed.length > 0 && missing.length + foreign.length === failed.length) {
    const lacks = [
      ...(missing.length > 0 ? ['lacks a module'] : []),
      ...(foreign.length > 0 ? [`holds a binary that is not for ${target.wheelArch}`] : []),
    ].join(' and ');
    const fixes = [
      ...(missing.length > 0
        ? [
            'add the missing distribution to the requirements, or (with --slim) keep the file with --slim-keep',
          ]
        : []),
      ...(foreign.length > 0 ? [`pin a release with a wheel for ${target.wheelArch}`] : []),
    ].join('; ');
    return `the layer ${lacks}, so importing it fails the same way on Lambda: ${fixes}; ${off}`;
  }
  if (venue === 'emulated') {
    return (
      `this ran under emulation, where a crash or error may be the emulator's rather than the layer's: ` +
      `build on an ${target.wheelArch} machine to prove natively (run with --verbose for the traceback), or ${off}`
    );
  }
  return (
    `pin a release of that distribution that imports on ${target.runtime} ${target.wheelArch} ` +
    `(run with --verbose for the traceback); ${off}`
  );
}
