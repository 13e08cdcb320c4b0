/**
 * The two ways of building a layer that the benchmark compares, each as the user would run it:
 *   ours      `lambda-layer build` (the CLI from source, via tsx), verify and bytecode included
 *   baseline  AWS's documented recipe: pip install --platform manylinux2014_x86_64
 *             --only-binary=:all: --target python ... then `zip -r layer.zip python`
 * Both get the same index flags and the same environment (PIP_RETRIES=0).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { copyPrograms } from '../scripts/copy-programs.mjs';
import type { Manifest } from '../src/layer/types.js';
import { indexFlags } from '../src/resolve/install.js';
import { type PeakMemory, sequentialPeak } from './memory.js';
import { runChecked, type TimedRun } from './process.js';
import { cliStageMarkers, pipMarkers, type Segment, segmentsFromMarkers } from './stages.js';

export interface PackageSources {
  readonly indexUrl: string;
  readonly extraIndexUrls: readonly string[];
  readonly findLinks: readonly string[];
}

export function sourceFlags(sources: PackageSources): string[] {
  return indexFlags({
    indexUrl: sources.indexUrl,
    extraIndexUrls: [...sources.extraIndexUrls],
    findLinks: [...sources.findLinks],
  });
}

const BUILD_TIMEOUT_MS = 30 * 60_000;

/** Which of the build command's options this checkout has (the cache flags arrived later). */
export interface CliFeatures {
  readonly cacheDir: boolean;
  readonly noCache: boolean;
}

/** How the harness runs `lambda-layer`: a file for node plus leading args. */
export interface CliEntry {
  readonly file: string;
  readonly args: readonly string[];
  /** What this entry is, for the report. */
  readonly description: string;
}

/** The CLI from source through tsx (no build step; ~1 s of transpiling at every start). */
export function sourceCli(repoRoot: string): CliEntry {
  return {
    file: process.execPath,
    args: ['--import', 'tsx', join(repoRoot, 'src', 'cli.ts')],
    description: 'src/cli.ts through tsx',
  };
}

/**
 * The CLI bundled the way dist/cli.js is (ncc, see scripts/build-dist.mjs), but into `outDir`:
 * what users run, without touching dist/.
 */
export async function bundledCli(
  repoRoot: string,
  outDir: string,
  env: NodeJS.ProcessEnv,
): Promise<CliEntry> {
  const ncc = join(repoRoot, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js');
  await runChecked(
    process.execPath,
    [ncc, 'build', join(repoRoot, 'src', 'cli.ts'), '-o', outDir, '--quiet', '--target', 'es2022'],
    {
      cwd: repoRoot,
      env,
      timeoutMs: 10 * 60_000,
    },
  );
  // The bundle runs Python programs that live beside it, as dist/ carries them.
  copyPrograms(join(repoRoot, 'src'), outDir);
  return {
    file: process.execPath,
    args: [join(outDir, 'index.js')],
    description: 'src/cli.ts bundled by ncc like dist/cli.js',
  };
}

export async function detectCliFeatures(
  cli: CliEntry,
  repoRoot: string,
  env: NodeJS.ProcessEnv,
): Promise<CliFeatures> {
  const help = await runChecked(cli.file, [...cli.args, 'build', '--help'], {
    cwd: repoRoot,
    env,
    timeoutMs: 120_000,
  });
  return { cacheDir: help.stdout.includes('--cache-dir'), noCache: help.stdout.includes('--no-cache') };
}

export interface OurBuildParams {
  readonly cli: CliEntry;
  readonly repoRoot: string;
  readonly requirementsFile: string;
  readonly outDir: string;
  readonly sources: PackageSources;
  readonly env: NodeJS.ProcessEnv;
  readonly features: CliFeatures;
  /** A cache directory for a cached (warm) build; undefined: no cache. */
  readonly cacheDir?: string;
  /** Sample the peak memory of the build's process tree (run.memory; bench/memory.ts). */
  readonly sampleMemory?: boolean;
}

export interface OurBuild {
  readonly run: TimedRun;
  readonly manifest: Manifest;
  readonly zipPath: string;
  readonly segments: Segment[];
  /** True when the install stage did not run (the layer came from the cache). */
  readonly restored: boolean;
}

export function ourBuildArgs(params: OurBuildParams): string[] {
  const cacheArgs = params.cacheDir
    ? ['--cache-dir', params.cacheDir]
    : params.features.noCache
      ? ['--no-cache']
      : [];
  return [
    'build',
    '-r',
    params.requirementsFile,
    '--runtime',
    'python3.11',
    '--arch',
    'x86_64',
    '--out',
    params.outDir,
    ...sourceFlags(params.sources),
    ...cacheArgs,
    // The per-wheel cache accounting the report reads (bench/rebuild.ts) is verbose output.
    '--verbose',
  ];
}

export async function runOurBuild(params: OurBuildParams): Promise<OurBuild> {
  const { cli } = params;
  const run = await runChecked(cli.file, [...cli.args, ...ourBuildArgs(params)], {
    cwd: params.repoRoot,
    env: params.env,
    timeoutMs: BUILD_TIMEOUT_MS,
    ...(params.sampleMemory ? { sampleMemory: true } : {}),
  });
  const manifest = JSON.parse(await readFile(join(params.outDir, 'manifest.json'), 'utf8')) as Manifest;
  const markers = cliStageMarkers(run.lines);
  // The summary on stdout comes after the manifest is written: the rest is process exit.
  const summaryAt = run.lines.find((line) => line.stream === 'stdout')?.atMs ?? run.wallMs;
  const segments = segmentsFromMarkers(markers, summaryAt, 'startup (node, requirements, cache key)');
  segments.push({ name: 'manifest, summary, exit', ms: run.wallMs - summaryAt });
  return {
    run,
    manifest,
    zipPath: join(params.outDir, 'layer.zip'),
    segments,
    restored: !markers.some((m) => /install/i.test(m.name)),
  };
}

export interface BaselineParams {
  /** Interpreter whose pip runs the install (the one our build uses too). */
  readonly python: string;
  readonly requirementsFile: string;
  /** Empty dir: receives python/ and layer.zip. */
  readonly dir: string;
  readonly sources: PackageSources;
  readonly env: NodeJS.ProcessEnv;
  /** Sample the peak memory of pip's and of zip's process trees (bench/memory.ts). */
  readonly sampleMemory?: boolean;
}

export interface BaselineBuild {
  readonly pip: TimedRun;
  readonly zip: TimedRun;
  readonly wallMs: number;
  /** CPU time of pip's and zip's process trees together; undefined without /proc (see TimedRun). */
  readonly cpuMs?: number;
  /** The larger peaks of pip's run and zip's run (they run one after the other). */
  readonly memory?: PeakMemory;
  readonly segments: Segment[];
  readonly pythonDir: string;
  readonly zipPath: string;
}

/** AWS's documented pip flags (docs.aws.amazon.com/lambda/latest/dg/python-layers.html). */
export function baselinePipArgs(requirementsFile: string, sources: PackageSources): string[] {
  return [
    '-m',
    'pip',
    'install',
    '--platform',
    'manylinux2014_x86_64',
    '--only-binary=:all:',
    '--target',
    'python',
    '--implementation',
    'cp',
    '--python-version',
    '3.11',
    '-r',
    requirementsFile,
    ...sourceFlags(sources),
  ];
}

export const BASELINE_ZIP_ARGS = ['-r', 'layer.zip', 'python'];

export async function runBaseline(params: BaselineParams): Promise<BaselineBuild> {
  const options = {
    cwd: params.dir,
    env: params.env,
    timeoutMs: BUILD_TIMEOUT_MS,
    ...(params.sampleMemory ? { sampleMemory: true } : {}),
  };
  const pip = await runChecked(
    params.python,
    baselinePipArgs(params.requirementsFile, params.sources),
    options,
  );
  const zip = await runChecked('zip', BASELINE_ZIP_ARGS, options);
  const segments = [
    ...segmentsFromMarkers(pipMarkers(pip.lines), pip.wallMs, 'pip: resolve + download'),
    { name: 'zip -r', ms: zip.wallMs },
  ];
  const memory = sequentialPeak([pip.memory, zip.memory]);
  return {
    pip,
    zip,
    wallMs: pip.wallMs + zip.wallMs,
    ...(pip.cpuMs !== undefined && zip.cpuMs !== undefined ? { cpuMs: pip.cpuMs + zip.cpuMs } : {}),
    ...(memory ? { memory } : {}),
    segments,
    pythonDir: join(params.dir, 'python'),
    zipPath: join(params.dir, 'layer.zip'),
  };
}

/** Unpacks a zip with Info-ZIP `unzip` (which restores the archive's timestamps). */
export async function unzipTo(zipPath: string, dir: string, env: NodeJS.ProcessEnv): Promise<TimedRun> {
  return runChecked('unzip', ['-q', zipPath, '-d', dir], { env, timeoutMs: BUILD_TIMEOUT_MS });
}
