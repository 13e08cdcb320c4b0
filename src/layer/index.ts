/**
 * The layer build: requirements snapshot -> stages over a temp staging dir -> layer.zip and
 * manifest.json in outDir. Each stage is one entry in STAGES; outDir only ever receives
 * complete files (written under a temp name inside it, renamed at the end).
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, rmdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { removeOnInterrupt } from '../interrupt.js';
import type { Logger } from '../log.js';
import { countOf } from '../report.js';
import { installRequirements, measurePackages } from '../resolve/install.js';
import { findPipPython } from '../resolve/interpreters.js';
import { type RequirementsSnapshot, readRequirements } from '../resolve/requirements.js';
import type { PackageEntry } from '../resolve/types.js';
import { LAMBDA_LIMITS } from '../target.js';
import { verificationError, verifyLayerTree } from '../verify/rules.js';
import type { VerificationReport } from '../verify/types.js';
import type { LayerArchive } from '../zip/writer.js';
import { writeLayerZip } from '../zip/writer.js';
import { compileBytecode } from './bytecode.js';
import { assembleManifest, writeManifest } from './manifest.js';
import { slimTree } from './slim.js';
import type { BuildOptions, BytecodeReport, Manifest, SlimReport } from './types.js';

export interface BuildResult {
  readonly manifest: Manifest;
  readonly zipPath: string;
  readonly manifestPath: string;
  /** The staging dir, when the caller asked to keep it. */
  readonly stagingDir?: string;
}

/** How the build runs (not what it builds): for tests and debugging. */
export interface BuildContext {
  /** Environment for pip and the interpreters (default process.env). */
  readonly env?: NodeJS.ProcessEnv;
  /** The requirements as already read (the cache key needs them first); read here otherwise. */
  readonly snapshot?: RequirementsSnapshot;
  /** Keep the staging dir (layer tree and pip report) instead of deleting it. */
  readonly keepStaging?: boolean;
  /** Bound on the pip run. */
  readonly pipTimeoutMs?: number;
}

export const LAYER_ZIP = 'layer.zip';
export const MANIFEST_JSON = 'manifest.json';

/** What the stages share: inputs, the staging tree, and each stage's result. */
export interface BuildState {
  readonly options: BuildOptions;
  readonly context: BuildContext;
  readonly log: Logger;
  readonly snapshot: RequirementsSnapshot;
  /** Root of the layer tree (what the zip contains): holds python/. */
  readonly layerDir: string;
  /** layerDir/python: where packages are installed (/opt/python on Lambda). */
  readonly pythonDir: string;
  /** Scratch space outside the layer tree. */
  readonly workDir: string;
  /** Temp dir inside outDir receiving the outputs before they are renamed into place. */
  readonly outputDir: string;
  packages: PackageEntry[];
  bytecode: BytecodeReport;
  slim?: SlimReport;
  verification?: VerificationReport;
  archive?: LayerArchive;
}

export interface BuildStage {
  readonly title: string;
  /** False when the options turn the stage off (it then prints no log group either). */
  enabled?(options: BuildOptions): boolean;
  run(state: BuildState): Promise<void>;
}

const install: BuildStage = {
  title: 'Install requirements',
  async run(state) {
    const { options, context, log } = state;
    const python = await findPipPython(options.python, {
      log,
      env: context.env,
      preferMinor: options.target.pythonVersion,
    });
    warnOnMarkerMismatch(state, python.version);
    state.packages = await installRequirements({
      python,
      snapshot: state.snapshot,
      target: options.target,
      pythonDir: state.pythonDir,
      workDir: state.workDir,
      indexUrl: options.indexUrl,
      extraIndexUrls: options.extraIndexUrls,
      findLinks: options.findLinks,
      log,
      env: context.env,
      timeoutMs: context.pipTimeoutMs,
      sdist: options.sdist,
    });
    log.info(
      `Installed ${state.packages.length} distributions for ${options.target.runtime} ${options.target.architecture}`,
    );
  },
};

const slim: BuildStage = {
  title: 'Slim the layer',
  enabled: (options) => options.slim !== undefined,
  async run(state) {
    if (!state.options.slim) return;
    state.slim = await slimTree(state.pythonDir, state.options.slim, state.log);
  },
};

const bytecode: BuildStage = {
  title: 'Compile bytecode for the target Python',
  async run(state) {
    if (!state.options.bytecode) {
      state.bytecode = {
        mode: 'none',
        compiled: 0,
        removed: 0,
        reason: 'turned off (--no-bytecode / bytecode: false)',
      };
      return;
    }
    state.bytecode = await compileBytecode(
      state.pythonDir,
      state.options.target,
      { interpreter: state.options.bytecodePython, env: state.context.env },
      state.log,
    );
  },
};

/** Package sizes as shipped: after slimming removed files and bytecode added some. */
const measure: BuildStage = {
  title: 'Measure packages',
  enabled: (options) => options.bytecode || options.slim !== undefined,
  async run(state) {
    state.packages = await measurePackages(state.pythonDir, state.packages);
  },
};

/**
 * Every binary must load on the target: a layer that would fail on Lambda fails here instead.
 * The tree no longer changes, so verification reads it while the zip writer deflates it (the
 * two use different resources: mostly I/O against both cores' deflate); a failed verification
 * discards the zip, which is still in the temp output folder.
 */
const verifyAndArchive: BuildStage = {
  title: 'Verify binaries, layout and size; write layer.zip',
  async run(state) {
    const { target } = state.options;
    const [verified, archived] = await Promise.allSettled([
      verifyLayerTree(state.layerDir, target),
      writeLayerZip(state.layerDir, join(state.outputDir, LAYER_ZIP)),
    ]);
    if (verified.status === 'rejected') throw verified.reason;
    const report = verified.value;
    for (const warning of report.warnings) state.log.warn(warning);
    const error = verificationError(report, target);
    if (error) throw error;
    state.log.info(
      `Verified ${countOf(report.checkedBinaries, 'binary', 'binaries')} for ${target.runtime} ${target.architecture}`,
    );
    if (archived.status === 'rejected') throw archived.reason;
    const archive = archived.value;
    state.archive = archive;
    state.log.info(
      `layer.zip: ${archive.fileCount} files, ${archive.zipSize} bytes (sha256 ${archive.sha256})`,
    );
    state.verification = report;
    if (archive.zipSize > LAMBDA_LIMITS.directUploadZipBytes) {
      // Not an error: publishing goes through S3 above this size.
      const warning = `layer.zip is ${archive.zipSize} bytes, over the ${LAMBDA_LIMITS.directUploadZipBytes}-byte direct-upload limit: publishing will upload it through S3`;
      state.log.warn(warning);
      state.verification = { ...report, zipSize: archive.zipSize, warnings: [...report.warnings, warning] };
    }
  },
};

/** The build, in order. Adding a stage is one line here. */
export const STAGES: readonly BuildStage[] = [install, slim, bytecode, measure, verifyAndArchive];

/** pip evaluates python_version markers for the interpreter running it, not for the target. */
function warnOnMarkerMismatch(state: BuildState, driverVersion: string): void {
  const target = state.options.target.pythonVersion;
  if (driverVersion.split('.').slice(0, 2).join('.') === target) return;
  const marked = state.snapshot.requirements.find((r) => /;.*python_(full_)?version/.test(r.text));
  if (!marked) return;
  state.log.warn(
    `pip runs on Python ${driverVersion} and evaluates python_version markers for it, not for the target ` +
      `Python ${target}; install Python ${target} (or pass it with --python) to evaluate them for the target`,
    { file: marked.file, line: marked.line },
  );
}

const NO_BYTECODE: BytecodeReport = {
  mode: 'none',
  compiled: 0,
  removed: 0,
  reason: 'the bytecode stage did not run',
};

/** Builds the layer described by `options` into options.outDir (layer.zip, manifest.json). */
export async function buildLayer(
  options: BuildOptions,
  log: Logger,
  context: BuildContext = {},
): Promise<BuildResult> {
  const snapshot = context.snapshot ?? (await readRequirements(options.requirementsFile));
  const outDir = resolve(options.outDir);
  const stagingDir = await mkdtemp(join(tmpdir(), 'lambda-layer-build-'));
  const outDirExisted = existsSync(outDir);
  // A signal skips the finally below: src/interrupt.ts removes these instead (newest first).
  const forget = [
    removeOnInterrupt(stagingDir),
    ...(outDirExisted ? [] : [removeOnInterrupt(outDir, 'empty-dir')]),
  ];
  let outputDir: string | undefined;
  let succeeded = false;
  try {
    const layerDir = join(stagingDir, 'layer');
    const pythonDir = join(layerDir, 'python');
    const workDir = join(stagingDir, 'work');
    await mkdir(pythonDir, { recursive: true });
    await mkdir(workDir, { recursive: true });
    await mkdir(outDir, { recursive: true });
    outputDir = await mkdtemp(join(outDir, '.lambda-layer-tmp-'));
    forget.push(removeOnInterrupt(outputDir));
    const state: BuildState = {
      options,
      context,
      log,
      snapshot,
      layerDir,
      pythonDir,
      workDir,
      outputDir,
      packages: [],
      bytecode: NO_BYTECODE,
    };
    for (const stage of STAGES) {
      if (stage.enabled?.(options) === false) continue;
      await log.group(stage.title, () => stage.run(state));
    }
    if (!state.archive) throw new Error('the build finished without an archive stage');

    const manifest = assembleManifest({
      target: options.target,
      requirementsHash: snapshot.requirementsHash,
      packages: state.packages,
      layer: state.archive,
      bytecode: state.bytecode,
      verification: state.verification,
      slim: state.slim,
    });
    await writeManifest(manifest, join(outputDir, MANIFEST_JSON));
    const zipPath = join(outDir, LAYER_ZIP);
    const manifestPath = join(outDir, MANIFEST_JSON);
    await rename(join(outputDir, LAYER_ZIP), zipPath);
    await rename(join(outputDir, MANIFEST_JSON), manifestPath);
    succeeded = true;
    return { manifest, zipPath, manifestPath, ...(context.keepStaging ? { stagingDir } : {}) };
  } finally {
    if (outputDir) await rm(outputDir, { recursive: true, force: true });
    // A failed build leaves outDir as it was: remove it again when this build created it.
    if (!succeeded && !outDirExisted) await rmdir(outDir).catch(() => undefined);
    if (!context.keepStaging) await rm(stagingDir, { recursive: true, force: true });
    for (const done of forget) done();
  }
}
