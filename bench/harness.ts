/**
 * The benchmark: per workload, in one run on one machine, our build against the baseline a user
 * would otherwise type, for the five figures of issue 7 and those issue 17 added (the rebuild
 * after changing one pin, the peak memory of the cold build). Every figure is a ratio of medians
 * measured in the same run; the cold builds alternate which side goes first, so load from other
 * work on the machine falls on both.
 */
import { copyFile, cp, mkdir, rm, stat, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import { join } from 'node:path';
import type { Manifest } from '../src/layer/types.js';
import { findInterpreter, findPipPython } from '../src/resolve/interpreters.js';
import {
  BASELINE_ZIP_ARGS,
  type BaselineBuild,
  baselinePipArgs,
  bundledCli,
  type CliEntry,
  type CliFeatures,
  detectCliFeatures,
  type OurBuild,
  ourBuildArgs,
  type PackageSources,
  runBaseline,
  runOurBuild,
  sourceCli,
  unzipTo,
} from './builds.js';
import { type ImportMeasurement, importArgs, measureImports } from './imports.js';
import { describeMachine, type MachineInfo } from './machine.js';
import { type ColdBuildPeakMemory, type PeakMemory, peakMemoryOf, SAMPLE_INTERVAL_MS } from './memory.js';
import { measurePipBootstrap, type PipBootstrapMeasurement } from './pip-bootstrap.js';
import { renderCommand, runChecked } from './process.js';
import { type PycValidity, pycValidity } from './pyc-validity.js';
import { layerCacheHit, type PerWheelCacheUse, perWheelCacheUse } from './rebuild.js';
import { measureRepublish, type RepublishMeasurement } from './republish.js';
import { mergeSegments, type Segment } from './stages.js';
import { ratio, type Summary, summarize, type Verdict, verdict } from './stats.js';
import {
  installedDistributions,
  makeReadOnly,
  removeTree,
  stripBytecode,
  type TreeStats,
  treeStats,
} from './tree.js';
import type { Workload } from './workloads.js';
import { INFO_ZIP_STEP_ARGS, measureZipStep, type ZipStepMeasurement } from './zip-step.js';

/**
 * Targets that hold for every workload. Per-workload ones live in bench/workloads.ts (issue 17:
 * cold build 0.40 on data and 0.70 on seed, cache hit 0.05 and one-pin rebuild 0.20 on data).
 */
export const TARGETS = {
  /** Peak memory of the cold build: at most 25% over a reference given with --reference-peak-mib. */
  peakMemoryVsReference: 1.25,
  republishPublishCalls: 0,
  importVsNoBytecode: 0.5,
  importVsBaseline: 0.6,
  zipStep: 1.0,
} as const;

export interface BenchOptions {
  readonly repoRoot: string;
  readonly workloads: readonly Workload[];
  /** Timed runs per figure (after the warm-ups). */
  readonly runs: number;
  /** Discarded cold builds (each side) before the timed ones. */
  readonly warmups: number;
  /** Timed import samples per tree. */
  readonly importRuns: number;
  readonly sources: PackageSources;
  /** Environment for pip, zip and the CLI (PIP_RETRIES=0 is added). */
  readonly env: NodeJS.ProcessEnv;
  /** Scratch space (emptied per workload). */
  readonly workDir: string;
  /**
   * How to run our CLI: `bundle` (default) bundles src/cli.ts with ncc like dist/cli.js, as
   * users run it; `source` runs it through tsx (no build step, ~1 s more per start).
   */
  readonly cli?: 'bundle' | 'source';
  /**
   * Peak memory (MiB, process tree) of our cold build to compare with, by workload name
   * (--reference-peak-mib): the summary then shows ours / reference against TARGETS.peakMemoryVsReference.
   */
  readonly referencePeakMiB?: Readonly<Record<string, number>>;
  readonly progress?: (line: string) => void;
}

export interface StageSummary {
  readonly name: string;
  readonly ms: Summary;
  /** Median of this stage / median of the whole build. */
  readonly share: number;
}

export interface SizeFigures {
  readonly zipBytes: number;
  readonly unzippedBytes: number;
  readonly files: number;
  readonly pycFiles: number;
}

/** The one-pin rebuild (per-wheel cache reused, whole-layer cache missed). */
export interface RebuildResult {
  /** What changed, in words, and the variant's requirements. */
  readonly change: string;
  readonly requirements: string;
  readonly rebuildMs: Summary;
  /** The cold build's median it is compared with (ours, --no-cache). */
  readonly coldMs: Summary;
  readonly ratio: number;
  /** Only where the workload sets a target (data). */
  readonly verdict?: Verdict;
  readonly stages: readonly StageSummary[];
  /** The untimed builds of the original requirements that filled each sample's fresh cache dir. */
  readonly primeMs: Summary;
  /** Per sample: what the rebuild took from the per-wheel cache (null: the CLI did not say). */
  readonly wheelCache: readonly (PerWheelCacheUse | null)[];
  /** Distributions whose resolved version the change moved (original -> variant). */
  readonly resolvedChanges: readonly { name: string; before?: string; after?: string }[];
}

/** One tree of figure 4: its import times, and the bytecode it offers Python 3.11. */
export type ImportTree = ImportMeasurement & {
  /** Valid / stale / missing pycs of its .py files (absent in results from older harnesses). */
  readonly pycs?: PycValidity;
};

export interface WorkloadResult {
  readonly name: string;
  readonly description: string;
  readonly requirements: string;
  readonly importModules: readonly string[];
  readonly resolved: {
    readonly ours: Record<string, string>;
    readonly baseline: Record<string, string>;
    /** Distributions whose version differs or that only one side installed. */
    readonly differences: readonly { name: string; ours?: string; baseline?: string }[];
  };
  readonly coldBuild: {
    readonly oursMs: Summary;
    readonly baselineMs: Summary;
    /**
     * CPU time (user + system) of each cold build's process tree, same runs as oursMs/baselineMs;
     * absent without /proc (not Linux) and in results from older harnesses.
     */
    readonly oursCpuMs?: Summary;
    readonly baselineCpuMs?: Summary;
    /**
     * Peak memory of both builds' process trees, sampled every intervalMs; `notMeasured` where
     * /proc cannot list a process's children (not Linux); absent in results from older harnesses.
     */
    readonly peakMemory?: ColdBuildPeakMemory;
    readonly verdict: Verdict;
    readonly stages: readonly StageSummary[];
    readonly baselineStages: readonly StageSummary[];
    readonly largestStage: string;
    readonly bytecode: { readonly mode: string; readonly compiled: number };
    /**
     * The import proof of each cold build (manifest importProof.durationMs: interpreter start and
     * every import), where it ran and how many modules; absent in results from older harnesses.
     */
    readonly importProof?: {
      readonly status: string;
      readonly mode?: string;
      readonly modules: number;
      readonly ms?: Summary;
    };
    readonly verified: boolean;
    /** Every cold build of ours gave the same CodeSha256. */
    readonly deterministic: boolean;
    readonly codeSha256: string;
  };
  readonly warmRebuild:
    | {
        readonly warmMs: Summary;
        readonly coldMs: Summary;
        readonly ratio: number;
        /** Only where the issue sets one (the `data` workload). */
        readonly verdict?: Verdict;
        /** Every warm run skipped the install (restored from the cache). */
        readonly restoredEveryRun: boolean;
      }
    | { readonly skipped: string };
  /**
   * Rebuild after changing one pin, with the per-wheel cache of the original requirements' build;
   * `skipped` with the reason where the workload has no such variant; absent in older results.
   */
  readonly rebuild?: RebuildResult | { readonly skipped: string };
  readonly republish: RepublishMeasurement & { readonly pass: boolean; readonly ratio: number };
  readonly importTime: {
    readonly ours: ImportTree;
    readonly noBytecode: ImportTree;
    readonly baseline: ImportTree;
    /** Informative: the baseline tree zipped with `zip -r -X` (DOS 2-second times only). */
    readonly baselineDosTimes: ImportTree;
    readonly vsNoBytecode: Verdict;
    readonly vsBaseline: Verdict;
    readonly vsBaselineDosTimes: number;
  };
  readonly sizes: {
    readonly ours: SizeFigures;
    readonly baseline: SizeFigures;
    readonly zipRatio: number;
    readonly unzippedRatio: number;
  };
  readonly zipStep: ZipStepMeasurement & { readonly verdict: Verdict };
}

export interface BenchResults {
  readonly schemaVersion: 1;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly durationS: number;
  readonly settings: {
    runs: number;
    warmups: number;
    importRuns: number;
    workloads: string[];
    /** --reference-peak-mib by workload (absent when not given). */
    referencePeakMiB?: Record<string, number>;
  };
  readonly machine: MachineInfo;
  readonly sources: PackageSources;
  readonly cli: CliFeatures & { readonly entry: string };
  /** The exact command lines, with $WORK for the scratch dir and ./ for the repository. */
  readonly commands: Record<string, string>;
  readonly workloads: readonly WorkloadResult[];
  /** The pinned pip's one-time bootstrap (absent in results from before it existed). */
  readonly pipBootstrap?: PipBootstrapMeasurement;
}

export async function runBenchmark(options: BenchOptions): Promise<BenchResults> {
  const progress = options.progress ?? (() => undefined);
  const startedAt = new Date();
  const env: NodeJS.ProcessEnv = { ...options.env, PIP_RETRIES: '0', PIP_DISABLE_PIP_VERSION_CHECK: '1' };
  const pipPython = await findPipPython(undefined, { env });
  const found311 = await findInterpreter('3.11', undefined, { env });
  if (!found311) throw new Error('the import benchmark needs a Python 3.11 interpreter (the target runtime)');
  // The executable itself, not a launcher (a pyenv shim costs ~0.2 s per start in every sample).
  const python311 = (
    await runChecked(found311.path, ['-c', 'import sys; print(sys.executable)'], { env, timeoutMs: 60_000 })
  ).stdout.trim();
  const machine = await describeMachine(pipPython.path, env);
  await mkdir(options.workDir, { recursive: true });
  progress(`pip bootstrap: the pinned pip into an empty tool cache, then from it (${options.runs} runs)`);
  const pipBootstrap = await measurePipBootstrap(
    pipPython,
    options.sources,
    env,
    options.workDir,
    options.runs,
  );
  let cli: CliEntry;
  if ((options.cli ?? 'bundle') === 'bundle') {
    progress('bundling src/cli.ts with ncc (like dist/cli.js) into the scratch dir');
    cli = await bundledCli(options.repoRoot, join(options.workDir, 'cli'), env);
  } else {
    cli = sourceCli(options.repoRoot);
  }
  const features = await detectCliFeatures(cli, options.repoRoot, env);
  if (!features.cacheDir)
    progress('note: this CLI has no --cache-dir yet; the warm and one-pin rebuild figures are skipped');

  const results: WorkloadResult[] = [];
  for (const workload of options.workloads) {
    const dir = join(options.workDir, workload.name);
    await removeTree(dir);
    await mkdir(dir, { recursive: true });
    try {
      results.push(
        await benchWorkload(
          workload,
          dir,
          { ...options, env, progress, cli },
          pipPython.path,
          python311,
          features,
        ),
      );
    } finally {
      await removeTree(dir);
    }
  }
  const finishedAt = new Date();
  return {
    schemaVersion: 1,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationS: Math.round((finishedAt.getTime() - startedAt.getTime()) / 1000),
    settings: {
      runs: options.runs,
      warmups: options.warmups,
      importRuns: options.importRuns,
      workloads: options.workloads.map((w) => w.name),
      ...(options.referencePeakMiB ? { referencePeakMiB: { ...options.referencePeakMiB } } : {}),
    },
    machine: { ...machine, loadAverage: { ...machine.loadAverage, end: os.loadavg()[0] } },
    sources: options.sources,
    cli: { ...features, entry: cli.description },
    commands: exampleCommands({ ...options, cli }, pipPython.path, python311, features),
    workloads: results,
    pipBootstrap,
  };
}

type Context = Omit<BenchOptions, 'cli'> & {
  readonly progress: (line: string) => void;
  readonly cli: CliEntry;
};

async function benchWorkload(
  workload: Workload,
  dir: string,
  options: Context,
  pipPython: string,
  python311: string,
  features: CliFeatures,
): Promise<WorkloadResult> {
  const { progress, env } = options;
  const requirementsFile = join(dir, 'requirements.txt');
  await writeFile(requirementsFile, workload.requirements);
  const keep = join(dir, 'keep');
  await mkdir(keep, { recursive: true });
  const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

  // --- 1. cold builds: baseline and ours, alternating which goes first ------------------------
  // One command at a time: each build (and pip, then zip, inside the baseline) is awaited before
  // the next starts, and nothing else spawns meanwhile, which TimedRun.cpuMs needs (it is read
  // from this process's accumulated child CPU time around each spawn).
  const total = options.warmups + options.runs;
  const ours: OurBuild[] = [];
  const baselines: BaselineBuild[] = [];
  const shas: string[] = [];
  let firstZip: { path: string; sha: string } | undefined;
  for (let i = 0; i < total; i++) {
    const label = i < options.warmups ? `warm-up ${i + 1}` : `run ${i - options.warmups + 1}/${options.runs}`;
    const baselineDir = join(dir, `baseline-${i}`);
    const outDir = join(dir, `ours-${i}`);
    await mkdir(baselineDir, { recursive: true });
    const doBaseline = async (): Promise<BaselineBuild> => {
      const run = await runBaseline({
        python: pipPython,
        requirementsFile,
        dir: baselineDir,
        sources: options.sources,
        env,
        sampleMemory: true,
      });
      progress(
        `[${workload.name}] cold ${label}: baseline pip + zip ${seconds(run.wallMs)}${peakText(run.memory)}`,
      );
      return run;
    };
    const doOurs = async (): Promise<OurBuild> => {
      const run = await runOurBuild({
        cli: options.cli,
        repoRoot: options.repoRoot,
        requirementsFile,
        outDir,
        sources: options.sources,
        env,
        features,
        sampleMemory: true,
      });
      progress(
        `[${workload.name}] cold ${label}: ours ${seconds(run.run.wallMs)}${peakText(run.run.memory)}`,
      );
      return run;
    };
    let baseline: BaselineBuild;
    let built: OurBuild;
    if (i % 2 === 0) {
      baseline = await doBaseline();
      built = await doOurs();
    } else {
      built = await doOurs();
      baseline = await doBaseline();
    }
    shas.push(built.manifest.layer.codeSha256);
    if (!firstZip) {
      firstZip = { path: join(keep, 'first-layer.zip'), sha: built.manifest.layer.codeSha256 };
      await copyFile(built.zipPath, firstZip.path);
    }
    if (i >= options.warmups) {
      ours.push(built);
      baselines.push(baseline);
    }
    // The baseline trees (~200 MB each on data) stay until the bench's work folder is removed at
    // its end: deleting thousands of files here would slow the file creation of the next builds
    // on some file systems (ext4 without a journal skips recently freed inodes one by one), a
    // cost neither side's own command has.
    if (i < total - 1) await rm(outDir, { recursive: true, force: true });
  }
  const lastOurs = ours[ours.length - 1] as OurBuild;
  const lastBaseline = baselines[baselines.length - 1] as BaselineBuild;
  const oursMs = summarize(ours.map((b) => b.run.wallMs));
  const baselineMs = summarize(baselines.map((b) => b.wallMs));
  const oursCpuMs = summarizeAll(ours.map((b) => b.run.cpuMs));
  const baselineCpuMs = summarizeAll(baselines.map((b) => b.cpuMs));
  if (oursCpuMs && baselineCpuMs)
    progress(
      `[${workload.name}] cold build CPU median: ours ${seconds(oursCpuMs.median)}, baseline ${seconds(baselineCpuMs.median)}`,
    );
  const stages = stageSummaries(
    ours.map((b) => b.segments),
    oursMs.median,
  );
  const baselineStages = stageSummaries(
    baselines.map((b) => b.segments),
    baselineMs.median,
  );
  const largest = [...stages].sort((a, b) => b.ms.median - a.ms.median)[0];
  const peakMemory = peakMemoryOf(
    ours.map((b) => b.run.memory),
    baselines.map((b) => b.memory),
  );

  const oursResolved = Object.fromEntries(
    lastOurs.manifest.packages.map((p) => [normalize(p.name), p.version]),
  );
  const baselineResolved = await installedDistributions(lastBaseline.pythonDir);

  // --- 2. warm rebuild from a local cache dir -------------------------------------------------
  let warmRebuild: WorkloadResult['warmRebuild'];
  if (features.cacheDir) {
    const cacheDir = join(dir, 'cache');
    const prime = await runOurBuild({
      cli: options.cli,
      repoRoot: options.repoRoot,
      requirementsFile,
      outDir: join(dir, 'prime'),
      sources: options.sources,
      env,
      features,
      cacheDir,
    });
    progress(`[${workload.name}] cache primed by a cold build in ${seconds(prime.run.wallMs)}`);
    await rm(join(dir, 'prime'), { recursive: true, force: true });
    const warm: OurBuild[] = [];
    for (let i = 0; i <= options.runs; i++) {
      const outDir = join(dir, `warm-${i}`);
      const run = await runOurBuild({
        cli: options.cli,
        repoRoot: options.repoRoot,
        requirementsFile,
        outDir,
        sources: options.sources,
        env,
        features,
        cacheDir,
      });
      await rm(outDir, { recursive: true, force: true });
      if (i > 0) warm.push(run); // the first is a warm-up
    }
    const warmMs = summarize(warm.map((b) => b.run.wallMs));
    progress(`[${workload.name}] warm rebuild median ${seconds(warmMs.median)}`);
    const warmRatio = ratio(warmMs, oursMs);
    warmRebuild = {
      warmMs,
      coldMs: oursMs,
      ratio: warmRatio,
      ...(workload.warmTarget !== undefined ? { verdict: verdict(warmRatio, workload.warmTarget) } : {}),
      restoredEveryRun: warm.every(
        (b) => b.restored && b.manifest.layer.codeSha256 === prime.manifest.layer.codeSha256,
      ),
    };
  } else {
    warmRebuild = { skipped: 'the CLI in this checkout has no --cache-dir option' };
  }

  // --- 2b. rebuild after changing one pin, reusing the per-wheel cache ---------------------------
  const rebuild = await measureRebuild(workload, dir, options, features, requirementsFile, oursMs);

  // --- 3. unchanged re-publish ----------------------------------------------------------------
  const first = firstZip as { path: string; sha: string };
  const requirementsHash = lastOurs.manifest.requirementsHash;
  const republish = await measureRepublish(
    workload.name,
    { zipPath: first.path, codeSha256: first.sha, zipSize: (await stat(first.path)).size, requirementsHash },
    {
      zipPath: lastOurs.zipPath,
      codeSha256: lastOurs.manifest.layer.codeSha256,
      zipSize: lastOurs.manifest.layer.zipSize,
      requirementsHash,
    },
    options.runs,
  );
  progress(
    `[${workload.name}] re-publish median ${republish.republishMs.median.toFixed(0)} ms, PublishLayerVersion calls ${republish.republishPublishCalls.join(',')}`,
  );

  // --- 4. cold imports from extracted trees -----------------------------------------------------
  const trees = {
    ours: join(dir, 'tree-ours'),
    noBytecode: join(dir, 'tree-no-bytecode'),
    baseline: join(dir, 'tree-baseline'),
    baselineDosTimes: join(dir, 'tree-baseline-dos'),
  };
  await unzipTo(lastOurs.zipPath, trees.ours, env);
  await cp(trees.ours, trees.noBytecode, { recursive: true });
  await stripBytecode(trees.noBytecode);
  await unzipTo(lastBaseline.zipPath, trees.baseline, env);
  const dosZip = join(dir, 'baseline-dos.zip');
  await runChecked('zip', ['-r', '-X', '-q', dosZip, 'python'], {
    cwd: join(lastBaseline.pythonDir, '..'),
    env,
    timeoutMs: 30 * 60_000,
  });
  await unzipTo(dosZip, trees.baselineDosTimes, env);
  await rm(dosZip, { force: true });
  for (const tree of Object.values(trees)) await makeReadOnly(tree);
  // Which pycs each tree offers Python 3.11 as is: the evidence behind the import ratios.
  const treeNames = Object.keys(trees) as (keyof typeof trees)[];
  const pycs = {} as Record<keyof typeof trees, PycValidity>;
  for (const name of treeNames) pycs[name] = await pycValidity(python311, trees[name]);
  progress(
    `[${workload.name}] valid pycs: ${treeNames.map((name) => `${name} ${pycs[name].valid}/${pycs[name].sources}`).join(', ')}`,
  );
  progress(`[${workload.name}] measuring imports (${options.importRuns} runs per tree)`);
  const measured = await measureImports(python311, trees, workload.imports, options.importRuns);
  const importsOf = (name: keyof typeof trees): ImportTree => ({
    ...(measured[name] as ImportMeasurement),
    pycs: pycs[name],
  });
  const imports = {
    ours: importsOf('ours'),
    noBytecode: importsOf('noBytecode'),
    baseline: importsOf('baseline'),
    baselineDosTimes: importsOf('baselineDosTimes'),
    vsNoBytecode: verdict(
      ratio(importsOf('ours').importMs, importsOf('noBytecode').importMs),
      TARGETS.importVsNoBytecode,
    ),
    vsBaseline: verdict(
      ratio(importsOf('ours').importMs, importsOf('baseline').importMs),
      TARGETS.importVsBaseline,
    ),
    vsBaselineDosTimes: ratio(importsOf('ours').importMs, importsOf('baselineDosTimes').importMs),
  };
  progress(
    `[${workload.name}] import median: ours ${imports.ours.importMs.median.toFixed(0)} ms, no bytecode ${imports.noBytecode.importMs.median.toFixed(0)} ms, baseline ${imports.baseline.importMs.median.toFixed(0)} ms`,
  );

  // --- 5. sizes, and the zip step alone ---------------------------------------------------------
  const sizeOf = (zipBytes: number, tree: TreeStats): SizeFigures => ({
    zipBytes,
    unzippedBytes: tree.bytes,
    files: tree.files,
    pycFiles: tree.pycFiles,
  });
  const oursSize = sizeOf(lastOurs.manifest.layer.zipSize, await treeStats(trees.ours));
  const baselineSize = sizeOf((await stat(lastBaseline.zipPath)).size, await treeStats(trees.baseline));
  progress(`[${workload.name}] zip step: ${options.runs} runs each`);
  const zipStep = await measureZipStep(trees.ours, dir, options.runs, env);

  return {
    name: workload.name,
    description: workload.description,
    requirements: workload.requirements,
    importModules: workload.imports,
    resolved: {
      ours: oursResolved,
      baseline: baselineResolved,
      differences: differences(oursResolved, baselineResolved),
    },
    coldBuild: {
      oursMs,
      baselineMs,
      ...(oursCpuMs ? { oursCpuMs } : {}),
      ...(baselineCpuMs ? { baselineCpuMs } : {}),
      peakMemory,
      verdict: verdict(ratio(oursMs, baselineMs), workload.coldTarget),
      stages,
      baselineStages,
      largestStage: largest?.name ?? 'unknown',
      bytecode: { mode: lastOurs.manifest.bytecode.mode, compiled: lastOurs.manifest.bytecode.compiled },
      importProof: importProofSummary(ours.map((b) => b.manifest)),
      verified: lastOurs.manifest.verification !== undefined,
      deterministic: shas.every((sha) => sha === shas[0]),
      codeSha256: lastOurs.manifest.layer.codeSha256,
    },
    warmRebuild,
    rebuild,
    republish: {
      ...republish,
      pass: republish.republishPublishCalls.every((calls) => calls === TARGETS.republishPublishCalls),
      ratio: ratio(republish.republishMs, republish.firstPublishMs),
    },
    importTime: imports,
    sizes: {
      ours: oursSize,
      baseline: baselineSize,
      zipRatio: oursSize.zipBytes / baselineSize.zipBytes,
      unzippedRatio: oursSize.unzippedBytes / baselineSize.unzippedBytes,
    },
    zipStep: { ...zipStep, verdict: verdict(ratio(zipStep.oursMs, zipStep.infoZipMs), TARGETS.zipStep) },
  };
}

const MIB = 1024 * 1024;

function peakText(memory: PeakMemory | undefined): string {
  if (!memory) return '';
  return `, peak memory ${(memory.treePeakBytes / MIB).toFixed(0)} MiB (tree), largest process ${(memory.largestProcessPeakBytes / MIB).toFixed(0)} MiB (${memory.largestProcess})`;
}

/**
 * Per sample: a fresh cache dir, an untimed build of the original requirements with it (fills
 * the per-wheel cache, and the layer cache with the original layer), then the timed build of the
 * one-pin variant with the same cache dir, which must miss the layer cache.
 */
async function measureRebuild(
  workload: Workload,
  dir: string,
  options: Context,
  features: CliFeatures,
  requirementsFile: string,
  coldMs: Summary,
): Promise<NonNullable<WorkloadResult['rebuild']>> {
  const { progress, env } = options;
  const variant = workload.rebuild;
  if (!variant) return { skipped: 'this workload defines no one-pin variant' };
  if ('skipped' in variant) return { skipped: variant.skipped };
  if (!features.cacheDir) return { skipped: 'the CLI in this checkout has no --cache-dir option' };
  const variantFile = join(dir, 'requirements-variant.txt');
  await writeFile(variantFile, variant.requirements);
  const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
  const build = (requirements: string, outDir: string, cacheDir: string): Promise<OurBuild> =>
    runOurBuild({
      cli: options.cli,
      repoRoot: options.repoRoot,
      requirementsFile: requirements,
      outDir,
      sources: options.sources,
      env,
      features,
      cacheDir,
    });
  const primes: OurBuild[] = [];
  const rebuilds: OurBuild[] = [];
  const wheelCache: (PerWheelCacheUse | null)[] = [];
  let resolvedChanges: RebuildResult['resolvedChanges'] = [];
  for (let i = 0; i < options.runs; i++) {
    const label = `[${workload.name}] one-pin rebuild ${i + 1}/${options.runs}`;
    const cacheDir = join(dir, `rebuild-cache-${i}`);
    const primeOut = join(dir, `rebuild-prime-${i}`);
    const outDir = join(dir, `rebuild-${i}`);
    await removeTree(cacheDir);
    const prime = await build(requirementsFile, primeOut, cacheDir);
    const primeHit = layerCacheHit(prime.run.stdout, prime.run.lines);
    if (primeHit || prime.restored)
      throw new Error(
        `${label}: the build that fills a fresh cache dir was restored from a cache (${primeHit})`,
      );
    progress(
      `${label}: cache dir filled by a build of the original requirements in ${seconds(prime.run.wallMs)}`,
    );
    await rm(primeOut, { recursive: true, force: true });
    const rebuilt = await build(variantFile, outDir, cacheDir);
    const hit = layerCacheHit(rebuilt.run.stdout, rebuilt.run.lines);
    if (hit || rebuilt.restored)
      throw new Error(
        `${label}: the variant's layer was restored from the whole-layer cache (${hit ?? 'no install stage'}); ` +
          'this figure needs a build that misses the layer cache and reuses the per-wheel entries',
      );
    if (rebuilt.manifest.requirementsHash === prime.manifest.requirementsHash)
      throw new Error(`${label}: the variant has the same requirements hash as the original requirements`);
    const use = perWheelCacheUse(rebuilt.manifest, rebuilt.run.lines);
    wheelCache.push(use ?? null);
    const resolved = (b: OurBuild): Record<string, string> =>
      Object.fromEntries(b.manifest.packages.map((p) => [normalize(p.name), p.version]));
    resolvedChanges = differences(resolved(prime), resolved(rebuilt)).map((d) => ({
      name: d.name,
      ...(d.ours !== undefined ? { before: d.ours } : {}),
      ...(d.baseline !== undefined ? { after: d.baseline } : {}),
    }));
    if (resolvedChanges.length === 0)
      progress(`${label}: warning: the variant resolved the same versions as the original requirements`);
    progress(
      `${label}: ${seconds(rebuilt.run.wallMs)}` +
        (use?.fromCache !== undefined
          ? `, ${use.fromCache} of ${use.modules} modules from the per-wheel cache${use.wheels !== undefined ? ` (${use.hitWheels} of ${use.wheels} wheels)` : ''}`
          : ''),
    );
    primes.push(prime);
    rebuilds.push(rebuilt);
    await rm(outDir, { recursive: true, force: true });
    // The cache dir stays until the bench's work folder goes (see the cold builds' loop).
  }
  const rebuildMs = summarize(rebuilds.map((b) => b.run.wallMs));
  const rebuildRatio = ratio(rebuildMs, coldMs);
  return {
    change: variant.change,
    requirements: variant.requirements,
    rebuildMs,
    coldMs,
    ratio: rebuildRatio,
    ...(variant.target !== undefined ? { verdict: verdict(rebuildRatio, variant.target) } : {}),
    stages: stageSummaries(
      rebuilds.map((b) => b.segments),
      rebuildMs.median,
    ),
    primeMs: summarize(primes.map((b) => b.run.wallMs)),
    wheelCache,
    resolvedChanges,
  };
}

function normalize(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/** A summary when every run has the figure (CPU time: not on every OS), else undefined. */
function importProofSummary(manifests: readonly Manifest[]) {
  const last = manifests.at(-1)?.importProof;
  const ms = summarizeAll(manifests.map((m) => m.importProof?.durationMs));
  return {
    status: last?.status ?? 'absent',
    ...(last?.mode ? { mode: last.mode } : {}),
    modules: last?.modules.length ?? 0,
    ...(ms ? { ms } : {}),
  };
}

export function summarizeAll(samples: readonly (number | undefined)[]): Summary | undefined {
  const present = samples.filter((s): s is number => s !== undefined);
  return present.length > 0 && present.length === samples.length ? summarize(present) : undefined;
}

/** Per-stage summaries over runs, stages in the order they ran. */
export function stageSummaries(runs: readonly (readonly Segment[])[], wholeMedian: number): StageSummary[] {
  const merged = runs.map((segments) => mergeSegments(segments));
  const names: string[] = [];
  for (const run of merged) for (const name of run.keys()) if (!names.includes(name)) names.push(name);
  return names.map((name) => {
    const ms = summarize(merged.map((run) => run.get(name) ?? 0));
    return { name, ms, share: wholeMedian > 0 ? ms.median / wholeMedian : 0 };
  });
}

export function differences(
  ours: Record<string, string>,
  baseline: Record<string, string>,
): { name: string; ours?: string; baseline?: string }[] {
  const names = [...new Set([...Object.keys(ours), ...Object.keys(baseline)])].sort();
  return names
    .filter((name) => ours[name] !== baseline[name])
    .map((name) => ({
      name,
      ...(ours[name] !== undefined ? { ours: ours[name] } : {}),
      ...(baseline[name] !== undefined ? { baseline: baseline[name] } : {}),
    }));
}

/** The commands as run, with the scratch dir as $WORK and the repository as ./ */
function exampleCommands(
  options: Omit<BenchOptions, 'cli'> & { readonly cli: CliEntry },
  pipPython: string,
  python311: string,
  features: CliFeatures,
): Record<string, string> {
  const work = '$WORK';
  const tidy = (line: string): string =>
    line
      .split(options.workDir)
      .join(work)
      .split(`${options.repoRoot}/`)
      .join('./')
      .split(process.execPath)
      .join('node');
  const { cli } = options;
  const requirements = `${options.workDir}/<workload>/requirements.txt`;
  const common = {
    cli,
    repoRoot: options.repoRoot,
    requirementsFile: requirements,
    sources: options.sources,
    env: {},
    features,
  };
  const ours = (cacheDir?: string, out = 'ours-N', requirementsFile = requirements): string =>
    tidy(
      renderCommand(cli.file, [
        ...cli.args,
        ...ourBuildArgs({
          ...common,
          requirementsFile,
          outDir: `${options.workDir}/<workload>/${out}`,
          ...(cacheDir ? { cacheDir } : {}),
        }),
      ]),
    );
  const rebuildCache = `${options.workDir}/<workload>/rebuild-cache-N`;
  return {
    ourColdBuild: ours(),
    ...(features.cacheDir
      ? {
          ourWarmBuild: ours(`${options.workDir}/<workload>/cache`),
          ourRebuildFill: `rm -rf ${work}/<workload>/rebuild-cache-N && ${ours(rebuildCache, 'rebuild-prime-N')}   (untimed)`,
          ourRebuildOnePin: ours(
            rebuildCache,
            'rebuild-N',
            `${options.workDir}/<workload>/requirements-variant.txt`,
          ),
        }
      : {}),
    baselinePip: tidy(
      `(cd ${work}/<workload>/baseline-N && ${renderCommand(pipPython, baselinePipArgs(requirements, options.sources))})`,
    ),
    baselineZip: `(cd ${work}/<workload>/baseline-N && ${renderCommand('zip', BASELINE_ZIP_ARGS)})`,
    environment: 'PIP_RETRIES=0 PIP_DISABLE_PIP_VERSION_CHECK=1 (both sides, same environment otherwise)',
    peakMemory: `every ${SAMPLE_INTERVAL_MS} ms during each cold build (ours, and pip then zip): /proc/<pid>/task/*/children from the spawned process down, VmRSS and VmHWM of each /proc/<pid>/status (bench/memory.ts)`,
    extract: 'unzip -q layer.zip -d $WORK/<workload>/tree-<name>   (then chmod -R a-w)',
    imports: tidy(
      renderCommand(
        python311,
        importArgs('$TREE/python', ['<imports...>']).map((a) =>
          a.includes('\n') ? '<script: time the imports with perf_counter>' : a,
        ),
      ),
    ),
    zipStepOurs: 'writeLayerZip($TREE, out.zip)   (src/zip/writer.ts, in the harness process)',
    zipStepInfoZip: `(cd $TREE && ${renderCommand('zip', [...INFO_ZIP_STEP_ARGS, 'out.zip', 'python'])})`,
    republish:
      'publishLayer() (src/aws/publish.ts, real AWS SDK) against test/support/aws-server; zips over 50 MB staged via S3',
  };
}
