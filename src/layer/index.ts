/**
 * The layer build: requirements snapshot -> stages over a temp staging dir -> layer.zip and
 * manifest.json in outDir. Each stage is one entry in STAGES; outDir only ever receives
 * complete files (written under a temp name inside it, renamed at the end).
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, rmdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { defaultCacheDir } from '../cache/dir-store.js';
import { WHEEL_ENTRY_FOLDERS } from '../cache/entry-folder.js';
import { removeOnInterrupt } from '../interrupt.js';
import type { Logger } from '../log.js';
import { countOf } from '../report.js';
import { indexFlags, installRequirements, measurePackages } from '../resolve/install.js';
import { findInterpreter, findPipPython } from '../resolve/interpreters.js';
import { type LayerInputParams, materializeInput, readBuildInput } from '../resolve/layer-input.js';
import { ensurePinnedPip } from '../resolve/pinned-pip.js';
import type { RequirementsSnapshot } from '../resolve/requirements.js';
import type { PackageEntry } from '../resolve/types.js';
import { SBOM_FILE, writeSbom } from '../sbom/cyclonedx.js';
import { explainNoSpace } from '../system-errors.js';
import { LAMBDA_LIMITS, markerEnvironment } from '../target.js';
import { verificationError, verifyLayerTree } from '../verify/rules.js';
import type { VerificationReport } from '../verify/types.js';
import { wheelDigest } from '../wheel/digest.js';
import type { LayerSizeLimit } from '../wheel/install.js';
import type { CompressedSource, LayerArchive } from '../zip/writer.js';
import { writeLayerZip } from '../zip/writer.js';
import { compileBytecode, type EarlyBytecode } from './bytecode.js';
import { startEarlyBytecode } from './early-bytecode.js';
import { startImportProof } from './import-proof/index.js';
import { assembleManifest, writeManifest } from './manifest.js';
import { describePackageMetadata } from './package-metadata.js';
import { slimMayRemove, slimTree } from './slim.js';
import { chooseStagingRoot, explainStagingFull } from './staging.js';
import type {
  BuildOptions,
  BytecodeReport,
  ImportProofReport,
  Manifest,
  ResolverReport,
  SlimReport,
} from './types.js';
import { loadDeflatedPycs } from './wheel-deflated.js';
import { loadElfFacts } from './wheel-elf-facts.js';

export interface BuildResult {
  readonly manifest: Manifest;
  readonly zipPath: string;
  readonly manifestPath: string;
  /** The staging dir (scratch files, pip's downloads under work/), when the caller asked to keep it. */
  readonly stagingDir?: string;
  /** The layer tree (holds python/), kept with stagingDir: inside it, or in RAM (layer/staging.ts). */
  readonly layerDir?: string;
  /** The CycloneDX SBOM beside layer.zip, unless turned off (BuildOptions.sbom). */
  readonly sbomPath?: string;
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
  /** Where the pinned pip is kept (default: the CLI's default cache folder). */
  readonly toolCacheDir?: string;
  /**
   * The per-wheel bytecode cache's folder (layer/wheel-bytecode.ts): a rebuild compiles only the
   * modules of wheels it has not seen. Off when absent.
   */
  readonly wheelCacheDir?: string;
  /** The CPU to treat this machine as for the import proof (tests; default process.arch). */
  readonly hostArch?: 'x86_64' | 'aarch64';
  /** The day the runtime's AWS dates are compared with (tests; default: the clock). */
  readonly today?: Date;
}

export const LAYER_ZIP = 'layer.zip';
export const MANIFEST_JSON = 'manifest.json';

/** What the stages share: inputs, the staging tree, and each stage's result. */
export interface BuildState {
  readonly options: BuildOptions;
  readonly context: BuildContext;
  readonly log: Logger;
  snapshot: RequirementsSnapshot;
  /** Root of the layer tree (what the zip contains): holds python/. */
  readonly layerDir: string;
  /** layerDir/python: where packages are installed (/opt/python on Lambda). */
  readonly pythonDir: string;
  /** Scratch space outside the layer tree. */
  readonly workDir: string;
  /** Temp dir inside outDir receiving the outputs before they are renamed into place. */
  readonly outputDir: string;
  packages: PackageEntry[];
  /**
   * Where each file copied unchanged from a wheel sits in it, by path under python/: the zip
   * takes those bytes as the wheel compressed them (see writeLayerZip's `compressed`).
   */
  wheelFiles?: ReadonlyMap<string, CompressedSource>;
  /** The sha256 of the wheel each of wheelFiles came from (wheelOwners), once computed. */
  wheelOwners?: Map<string, string>;
  resolver?: ResolverReport;
  /** Sources the install stage already handed to a compile pool (layer/early-bytecode.ts). */
  earlyBytecode?: EarlyBytecode;
  bytecode: BytecodeReport;
  slim?: SlimReport;
  importProof?: ImportProofReport;
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
    // The bytecode and import-proof stages need an interpreter of the target's version: probing
    // it (a pyenv shim takes ~0.1 s to start) overlaps pip's run, and the probe is remembered.
    // A failure here is not reported: the stage that needs it looks again and says why.
    if (options.bytecode || options.importProof !== false) {
      findInterpreter(options.target.pythonVersion, options.bytecodePython, { env: context.env }).catch(
        () => undefined,
      );
    }
    const python = await findPipPython(options.python, { log, env: context.env });
    const pip = await ensurePinnedPip({
      python,
      toolCacheDir: context.toolCacheDir ?? defaultCacheDir(context.env),
      indexFlags: indexFlags(options),
      log,
      env: context.env,
    });
    state.resolver = { pip: pip.version, markerEnvironment: markerEnvironment(options.target) };
    const projectDir = options.projectDir ?? process.cwd();
    // A lock or pyproject.toml is installed from the requirement lines generated from it.
    state.snapshot = await materializeInput(state.snapshot, join(state.workDir, 'input'));
    // Nothing changes the tree between install and bytecode without --slim: compile as it unpacks.
    const early =
      options.bytecode && options.slim === undefined
        ? startEarlyBytecode({
            target: options.target,
            interpreter: options.bytecodePython,
            pythonDir: state.pythonDir,
            ...(context.wheelCacheDir
              ? { bytecodeCacheDir: join(context.wheelCacheDir, WHEEL_ENTRY_FOLDERS.bytecode) }
              : {}),
            env: context.env,
            log,
          })
        : undefined;
    state.packages = await installRequirements({
      projectDir,
      pip,
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
      onWheelFiles: (sources) => {
        state.wheelFiles = sources;
      },
      ...(early ? { onWheelWritten: early.onWheelWritten } : {}),
      sizeLimit: layerSizeLimit(options),
    }).catch(async (error: unknown) => {
      await early?.abandon();
      throw error;
    });
    state.earlyBytecode = await early?.handOver();
    state.packages = await describePackageMetadata({
      pythonDir: state.pythonDir,
      packages: state.packages,
      target: options.target,
      snapshot: state.snapshot,
      wheelFiles: new Set([...(state.wheelFiles?.values() ?? [])].map((source) => source.file)),
    });
    log.info(
      `Installed ${state.packages.length} distributions for ${options.target.runtime} ${options.target.architecture}`,
    );
  },
};

/**
 * Lambda's unzipped limit, checked on the sizes the wheels declare before any is unpacked (what
 * --slim may remove not counted): a layer that can never load is refused before it is written.
 */
function layerSizeLimit(options: BuildOptions): LayerSizeLimit {
  return {
    bytes: LAMBDA_LIMITS.unzippedBytes,
    what: `Lambda's limit of ${LAMBDA_LIMITS.unzippedBytes} bytes (250 MB) unzipped for a function and all its layers${options.slim ? ' (not counting what --slim may remove)' : ''}`,
    hint: 'remove or replace the largest requirements, or exclude what the function never loads (--slim with --exclude); nothing was unpacked',
    ...(options.slim ? { mayRemove: slimMayRemove(options.slim) } : {}),
  };
}

const slim: BuildStage = {
  title: 'Slim the layer',
  enabled: (options) => options.slim !== undefined,
  async run(state) {
    if (!state.options.slim) return;
    state.slim = await slimTree(state.pythonDir, state.options.slim, state.log);
  },
};

/**
 * For each file a wheel put in the layer (path under python/), the sha256 of that wheel: what
 * the per-wheel caches are keyed by. Computed once per build.
 */
async function wheelOwners(state: BuildState): Promise<Map<string, string> | undefined> {
  if (!state.wheelFiles) return undefined;
  if (state.wheelOwners) return state.wheelOwners;
  const owners = new Map<string, string>();
  for (const [path, source] of state.wheelFiles) owners.set(path, await wheelDigest(source.file));
  state.wheelOwners = owners;
  return owners;
}

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
    const { wheelCacheDir } = state.context;
    const owners = wheelCacheDir ? await wheelOwners(state) : undefined;
    state.bytecode = await compileBytecode(
      state.pythonDir,
      state.options.target,
      {
        interpreter: state.options.bytecodePython,
        env: state.context.env,
        ...(wheelCacheDir && owners
          ? { wheelCache: { dir: join(wheelCacheDir, WHEEL_ENTRY_FOLDERS.bytecode), owners } }
          : {}),
        ...(state.earlyBytecode ? { early: state.earlyBytecode } : {}),
      },
      state.log,
    );
  },
};

/**
 * Starts importing what was asked for on the target's CPU, in the final tree (slimmed,
 * compiled); `done` gives the report. A layer that cannot import never leaves the temp output
 * folder.
 */
async function startProofOf(state: BuildState): Promise<{ readonly done: Promise<ImportProofReport> }> {
  const { options, context, log } = state;
  if (options.importProof === false) {
    return {
      done: Promise.resolve({
        status: 'off',
        reason: 'turned off (--no-import-proof / import-proof: false)',
        modules: [],
      }),
    };
  }
  return startImportProof({
    pythonDir: state.pythonDir,
    workDir: state.workDir,
    packages: state.packages,
    target: options.target,
    python: options.importProofPython,
    sysroot: options.importProofSysroot,
    bytecodePython: options.bytecodePython,
    env: context.env ?? process.env,
    log,
    ...(context.hostArch ? { hostArch: context.hostArch } : {}),
  });
}

/** Package sizes as shipped: after slimming removed files and bytecode added some. */
const measure: BuildStage = {
  title: 'Measure packages',
  enabled: (options) => options.bytecode || options.slim !== undefined,
  async run(state) {
    state.packages = await measurePackages(state.pythonDir, state.packages);
  },
};

/** Wheel file sources by their layer zip name (python/...). */
function layerNames(
  sources: ReadonlyMap<string, CompressedSource> | undefined,
): Map<string, CompressedSource> | undefined {
  return sources && new Map([...sources].map(([path, source]) => [`python/${path}`, source]));
}

/** `work`, with how long it took since `started` in the debug log (they run side by side). */
async function timed<T>(
  what: string,
  log: Logger,
  work: Promise<T>,
  started = performance.now(),
): Promise<T> {
  try {
    return await work;
  } finally {
    log.debug(`${what}: ${Math.round(performance.now() - started)} ms`);
  }
}

/**
 * The tree no longer changes: the import proof, verification and the zip writer read it at once
 * (the proof is one interpreter on one core, verification mostly I/O, the zip writer deflates
 * on the threadpool). Every binary must load on the target and the direct requirements must
 * import: a layer that would fail on Lambda fails here instead, and its zip, still in the temp
 * output folder, is discarded. The proof's failure is reported first, then verification's.
 */
const proveVerifyArchive: BuildStage = {
  title: 'Import on the target CPU, verify binaries, layout and size; write layer.zip',
  async run(state) {
    const { target } = state.options;
    const { wheelCacheDir } = state.context;
    const owners = wheelCacheDir ? await wheelOwners(state) : undefined;
    const facts =
      wheelCacheDir && owners
        ? await loadElfFacts(join(wheelCacheDir, WHEEL_ENTRY_FOLDERS.elf), owners)
        : undefined;
    const pythonVersion = state.bytecode.interpreter?.version;
    const deflated =
      wheelCacheDir && owners && state.bytecode.mode === 'unchecked-hash' && pythonVersion
        ? await loadDeflatedPycs(join(wheelCacheDir, WHEEL_ENTRY_FOLDERS.bytecode), owners, pythonVersion)
        : undefined;
    const zipPath = join(state.outputDir, LAYER_ZIP);
    // The proof's interpreter is running before the zip writer's and verification's synchronous
    // work begins (listing and reading thousands of files would hold back its spawn).
    const proofStarted = performance.now();
    const proving = await startProofOf(state);
    const [proof, verified, archived] = await Promise.allSettled([
      timed('import proof', state.log, proving.done, proofStarted),
      timed(
        'verification',
        state.log,
        verifyLayerTree(state.layerDir, target, facts ? { elfFacts: facts } : {}),
      ),
      timed(
        'layer.zip',
        state.log,
        writeLayerZip(state.layerDir, zipPath, {
          compressed: new Map([...(layerNames(state.wheelFiles) ?? []), ...(deflated?.sources ?? [])]),
        }),
      ),
    ]);
    if (proof.status === 'rejected') throw proof.reason;
    state.importProof = proof.value;
    if (verified.status === 'rejected') throw verified.reason;
    const report = verified.value;
    if (facts) {
      await facts.storeMisses();
      // Cache accounting: for --verbose (and the benchmark).
      state.log.debug(
        `ELF headers of ${facts.known.size} binaries from the per-wheel cache (${facts.hits} of ${facts.wheels} wheels); ${facts.learned.size} read`,
      );
    }
    for (const warning of report.warnings) state.log.warn(warning);
    const error = verificationError(report, target);
    if (error) throw error;
    state.log.info(
      `Verified ${countOf(report.checkedBinaries, 'binary', 'binaries')} for ${target.runtime} ${target.architecture}`,
    );
    if (archived.status === 'rejected') throw archived.reason;
    const archive = archived.value;
    if (deflated) {
      state.log.debug(`Deflated bytes of ${deflated.sources.size} pycs copied from the per-wheel cache`);
      for (const damaged of deflated.damaged)
        state.log.warn(`Per-wheel cache: damaged entry set aside and rebuilt (${damaged})`);
      // The layer is built: a cache that cannot be written only costs the next build time.
      await deflated
        .storeMisses(zipPath)
        .catch((error: unknown) =>
          state.log.warn(
            `Per-wheel cache: deflated pycs not stored (${error instanceof Error ? error.message : String(error)})`,
          ),
        );
    }

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
export const STAGES: readonly BuildStage[] = [install, slim, bytecode, measure, proveVerifyArchive];

const NO_BYTECODE: BytecodeReport = {
  mode: 'none',
  compiled: 0,
  removed: 0,
  reason: 'the bytecode stage did not run',
};

/** What readBuildInput needs from the build options. */
export function inputParams(options: BuildOptions): LayerInputParams {
  return {
    target: options.target,
    sdist: options.sdist,
    choices: { extras: options.extras ?? [], groups: options.groups ?? [] },
    ...(options.inputFallbackDir ? { fallbackDir: options.inputFallbackDir } : {}),
  };
}

/** The input file as the manifest records it: relative to the project directory, with / separators. */
export function describeInput(snapshot: RequirementsSnapshot, options: BuildOptions): Manifest['input'] {
  const file = snapshot.input?.file ?? snapshot.file;
  const shown = relative(options.projectDir ?? process.cwd(), file);
  const portable = shown.startsWith('..') || isAbsolute(shown) ? basename(file) : shown;
  return { file: portable.split(sep).join('/'), format: snapshot.input?.format ?? 'requirements' };
}

/** Builds the layer described by `options` into options.outDir (layer.zip, manifest.json). */
export async function buildLayer(
  options: BuildOptions,
  log: Logger,
  context: BuildContext = {},
): Promise<BuildResult> {
  const snapshot =
    context.snapshot ?? (await readBuildInput(options.requirementsFile, inputParams(options), log));
  const outDir = resolve(options.outDir);
  const staging = await chooseStagingRoot({ env: context.env ?? process.env });
  const stagingDir = await mkdtemp(join(tmpdir(), 'lambda-layer-build-'));
  const ramDir = staging.ramRoot && (await mkdtemp(join(staging.ramRoot, 'lambda-layer-tree-')));
  const layerDir = join(ramDir || stagingDir, 'layer');
  log.debug(`Staging the layer tree in ${layerDir} (${staging.reason})`);
  const outDirExisted = existsSync(outDir);
  // A signal skips the finally below: src/interrupt.ts removes these instead (newest first).
  const forget = [
    removeOnInterrupt(stagingDir),
    ...(ramDir ? [removeOnInterrupt(ramDir)] : []),
    ...(outDirExisted ? [] : [removeOnInterrupt(outDir, 'empty-dir')]),
  ];
  let outputDir: string | undefined;
  let succeeded = false;
  try {
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
      input: describeInput(snapshot, options),
      packages: state.packages,
      resolver: state.resolver,
      layer: state.archive,
      bytecode: state.bytecode,
      verification: state.verification,
      slim: state.slim,
      importProof: state.importProof,
    });
    await writeManifest(manifest, join(outputDir, MANIFEST_JSON));
    const sbom = options.sbom !== false;
    if (sbom) {
      await writeSbom(manifest, outputDir, {
        sourceDateEpoch: (context.env ?? process.env).SOURCE_DATE_EPOCH,
      });
    }
    const zipPath = join(outDir, LAYER_ZIP);
    const manifestPath = join(outDir, MANIFEST_JSON);
    const sbomPath = join(outDir, SBOM_FILE);
    await rename(join(outputDir, LAYER_ZIP), zipPath);
    await rename(join(outputDir, MANIFEST_JSON), manifestPath);
    if (sbom) await rename(join(outputDir, SBOM_FILE), sbomPath);
    succeeded = true;
    return {
      manifest,
      zipPath,
      manifestPath,
      ...(sbom ? { sbomPath } : {}),
      ...(context.keepStaging ? { stagingDir, layerDir } : {}),
    };
  } catch (error) {
    const explained = ramDir ? await explainStagingFull(error, staging, ramDir) : error;
    throw await explainNoSpace(explained, [
      {
        dir: outDir,
        what: `the output folder ${outDir}`,
        hint: 'free space on its disk, or write the layer to a folder on a disk with room (--out; the action input output-dir)',
      },
      {
        dir: stagingDir,
        what: `the temporary folder ${dirname(stagingDir)} (TMPDIR)`,
        hint: "free space there, or set TMPDIR to a folder on a disk with room for the wheels pip downloads and the layer's files",
      },
    ]);
  } finally {
    if (outputDir) await rm(outputDir, { recursive: true, force: true });
    // A failed build leaves outDir as it was: remove it again when this build created it.
    if (!succeeded && !outDirExisted) await rmdir(outDir).catch(() => undefined);
    if (!context.keepStaging) {
      await rm(stagingDir, { recursive: true, force: true });
      if (ramDir) await rm(ramDir, { recursive: true, force: true });
    }
    for (const done of forget) done();
  }
}
