/**
 * `npm run bench -- [--runs 5] [--warmups 1] [--import-runs 10] [--workloads seed,data]
 *                   [--json bench/results.json] [--markdown BENCHMARKS.md] [--index-url URL]
 *                   [--cli bundle|source] [--reference-peak-mib N | data=N,seed=M]`
 * `npm run bench -- --render-only [--json ...] [--markdown ...] [--reference-peak-mib ...]`
 * rewrites BENCHMARKS.md from the JSON of an earlier run without measuring again (after a change
 * to the report's layout).
 *
 * --reference-peak-mib: the peak memory (MiB, whole process tree) of our cold build before a
 * change, e.g. from an earlier run's report; the summary then shows ours / reference against
 * the target ≤ 1.25x. A bare number applies to every workload; name=N pairs to one each.
 *
 * Runs the benchmark against the machine's wheel mirror (read from pip's configuration, never a
 * hard-coded path) and writes BENCHMARKS.md and bench/results.json. Progress goes to stderr.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { machineMirror, NO_MIRROR_MESSAGE } from '../test/support/mirror.js';
import type { PackageSources } from './builds.js';
import { type BenchResults, runBenchmark } from './harness.js';
import { renderMarkdown } from './report.js';
import { namedWorkloads, type Workload } from './workloads.js';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export async function writeReports(
  results: BenchResults,
  paths: { readonly json: string; readonly markdown: string },
): Promise<void> {
  await mkdir(dirname(paths.json), { recursive: true });
  await writeFile(paths.json, `${JSON.stringify(results, null, 2)}\n`);
  await mkdir(dirname(paths.markdown), { recursive: true });
  await writeFile(paths.markdown, renderMarkdown(results, undefined, await handMeasured()));
}

/** Sections measured by hand that BENCHMARKS.md keeps (bench/memory-bounds.md). */
async function handMeasured(): Promise<string> {
  return readFile(join(REPO_ROOT, 'bench', 'memory-bounds.md'), 'utf8').catch(() => '');
}

/**
 * `--reference-peak-mib`: "850" (every workload) or "data=850,seed=120"; MiB by workload name.
 */
export function parseReferencePeak(value: string, workloads: readonly string[]): Record<string, number> {
  const mib = (text: string): number => {
    const parsed = Number(text);
    if (!/^\d+(\.\d+)?$/.test(text.trim()) || !(parsed > 0))
      throw new Error(`--reference-peak-mib: "${text}" is not a positive number of MiB`);
    return parsed;
  };
  if (!value.includes('=')) {
    const all = mib(value);
    return Object.fromEntries(workloads.map((name) => [name, all]));
  }
  const out: Record<string, number> = {};
  for (const part of value
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [name, text, extra] = part.split('=').map((p) => p.trim());
    if (!name || text === undefined || extra !== undefined)
      throw new Error(`--reference-peak-mib: expected name=MiB, got "${part}"`);
    if (!workloads.includes(name))
      throw new Error(`--reference-peak-mib: no workload "${name}" in this run (${workloads.join(', ')})`);
    out[name] = mib(text);
  }
  return out;
}

function positiveInteger(name: string, value: string | undefined, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min)
    throw new Error(`--${name} must be an integer >= ${min}, got ${value}`);
  return parsed;
}

async function main(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      runs: { type: 'string' },
      warmups: { type: 'string' },
      'import-runs': { type: 'string' },
      workloads: { type: 'string' },
      json: { type: 'string' },
      markdown: { type: 'string' },
      'index-url': { type: 'string' },
      cli: { type: 'string' },
      'render-only': { type: 'boolean' },
      'reference-peak-mib': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(
      `${(await import('node:fs')).readFileSync(fileURLToPath(import.meta.url), 'utf8').split('*/')[0]}*/\n`,
    );
    return 0;
  }
  const paths = {
    json: resolve(values.json ?? join(REPO_ROOT, 'bench', 'results.json')),
    markdown: resolve(values.markdown ?? join(REPO_ROOT, 'BENCHMARKS.md')),
  };
  if (values['render-only']) {
    const saved = JSON.parse(await readFile(paths.json, 'utf8')) as BenchResults;
    const reference = values['reference-peak-mib'];
    const results: BenchResults = reference
      ? {
          ...saved,
          settings: {
            ...saved.settings,
            referencePeakMiB: parseReferencePeak(
              reference,
              saved.workloads.map((w) => w.name),
            ),
          },
        }
      : saved;
    await writeFile(paths.markdown, renderMarkdown(results, undefined, await handMeasured()));
    process.stderr.write(`wrote ${paths.markdown} from ${paths.json}\n`);
    return 0;
  }
  const available = namedWorkloads(REPO_ROOT);
  const names = (values.workloads ?? 'seed,data')
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  const workloads: Workload[] = names.map((name) => {
    const make = available[name];
    if (!make) throw new Error(`unknown workload "${name}" (known: ${Object.keys(available).join(', ')})`);
    return make();
  });
  const mirror = machineMirror();
  let sources: PackageSources;
  if (values['index-url']) sources = { indexUrl: values['index-url'], extraIndexUrls: [], findLinks: [] };
  else if (mirror) sources = mirror;
  else {
    process.stderr.write(`${NO_MIRROR_MESSAGE}\nPass --index-url to benchmark against another index.\n`);
    return 2;
  }
  const runs = positiveInteger('runs', values.runs, 5);
  const referencePeakMiB =
    values['reference-peak-mib'] !== undefined
      ? parseReferencePeak(values['reference-peak-mib'], names)
      : undefined;
  const cli = values.cli ?? 'bundle';
  if (cli !== 'bundle' && cli !== 'source') throw new Error(`--cli must be bundle or source, got ${cli}`);
  const workDir = await mkdtemp(join(tmpdir(), 'lambda-layer-bench-'));
  const started = Date.now();
  const progress = (line: string): void => {
    process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(0).padStart(5)} s] ${line}\n`);
  };
  try {
    const results = await runBenchmark({
      repoRoot: REPO_ROOT,
      workloads,
      runs,
      warmups: positiveInteger('warmups', values.warmups, 1, 0),
      importRuns: positiveInteger('import-runs', values['import-runs'], Math.max(10, runs)),
      sources,
      env: process.env,
      workDir,
      cli,
      ...(referencePeakMiB ? { referencePeakMiB } : {}),
      progress,
    });
    await writeReports(results, paths);
    progress(`wrote ${paths.markdown} and ${paths.json}`);
    return 0;
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(
        `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exitCode = 1;
    },
  );
}
