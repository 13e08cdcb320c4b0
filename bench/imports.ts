/**
 * Cold-start import time from an extracted layer: a fresh Python 3.11 process per sample,
 * isolated from the machine's site-packages (-I -S: only the standard library and the layer on
 * sys.path), never writing bytecode (-B, as PYTHONDONTWRITEBYTECODE=1 would; -I ignores PYTHON*
 * variables), the tree read-only. The time is measured inside the process around the import
 * statements only, so interpreter startup (the same for every tree) does not dilute the ratio;
 * the process wall time is recorded too.
 */
import { join } from 'node:path';
import { runChecked } from './process.js';
import { type Summary, summarize } from './stats.js';
import { treeStats } from './tree.js';

// argv: layer python dir, then module names. Prints one JSON line.
const IMPORT_SCRIPT = `
import importlib, json, sys, time
layer = sys.argv[1]
sys.path.insert(0, layer)
started = time.perf_counter()
for name in sys.argv[2:]:
    importlib.import_module(name)
seconds = time.perf_counter() - started
files = {name: getattr(sys.modules[name], "__file__", None) for name in sys.argv[2:]}
from_layer = sum(1 for m in list(sys.modules.values()) if (getattr(m, "__file__", None) or "").startswith(layer))
print(json.dumps({"seconds": seconds, "files": files, "layerModules": from_layer}))
`;

export interface ImportSample {
  readonly seconds: number;
  readonly files: Record<string, string | null>;
  readonly layerModules: number;
}

export interface ImportMeasurement {
  /** In-process time of the import statements, ms. */
  readonly importMs: Summary;
  /** Whole process (interpreter startup included), ms. */
  readonly processMs: Summary;
  /** Modules loaded from the layer (the same for every tree of one workload, as a sanity check). */
  readonly layerModules: number;
}

export function importArgs(pythonDir: string, imports: readonly string[]): string[] {
  return ['-I', '-S', '-B', '-c', IMPORT_SCRIPT, pythonDir, ...imports];
}

export async function importOnce(
  python: string,
  layerRoot: string,
  imports: readonly string[],
): Promise<{ sample: ImportSample; processMs: number }> {
  const pythonDir = join(layerRoot, 'python');
  const run = await runChecked(python, importArgs(pythonDir, imports), {
    env: { PATH: process.env.PATH ?? '', PYTHONDONTWRITEBYTECODE: '1', LANG: 'C.UTF-8' },
    timeoutMs: 120_000,
  });
  const sample = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as ImportSample;
  for (const [name, file] of Object.entries(sample.files)) {
    if (!file?.startsWith(pythonDir)) {
      throw new Error(
        `import ${name} loaded ${file ?? 'a module without a file'}, not the layer at ${pythonDir}`,
      );
    }
  }
  return { sample, processMs: run.wallMs };
}

/**
 * Measures several trees with the samples interleaved (tree A, B, C, A, B, C, ...) so machine
 * noise spreads evenly; one discarded warm-up sample per tree first (page cache, stdlib pycs).
 * Fails when a run left a new file in a tree (the tree must stay as extracted).
 */
export async function measureImports(
  python: string,
  trees: Readonly<Record<string, string>>,
  imports: readonly string[],
  runs: number,
): Promise<Record<string, ImportMeasurement>> {
  const names = Object.keys(trees);
  const before = new Map<string, number>();
  for (const name of names) before.set(name, (await treeStats(trees[name] as string)).files);
  const samples = new Map<string, { importMs: number[]; processMs: number[]; layerModules: number }>();
  for (const name of names) {
    await importOnce(python, trees[name] as string, imports);
    samples.set(name, { importMs: [], processMs: [], layerModules: 0 });
  }
  for (let i = 0; i < runs; i++) {
    for (const name of names) {
      const { sample, processMs } = await importOnce(python, trees[name] as string, imports);
      const into = samples.get(name) as { importMs: number[]; processMs: number[]; layerModules: number };
      into.importMs.push(sample.seconds * 1000);
      into.processMs.push(processMs);
      into.layerModules = sample.layerModules;
    }
  }
  const result: Record<string, ImportMeasurement> = {};
  for (const name of names) {
    const after = (await treeStats(trees[name] as string)).files;
    if (after !== before.get(name)) {
      throw new Error(`importing from ${trees[name]} wrote files (${before.get(name)} -> ${after})`);
    }
    const into = samples.get(name) as { importMs: number[]; processMs: number[]; layerModules: number };
    result[name] = {
      importMs: summarize(into.importMs),
      processMs: summarize(into.processMs),
      layerModules: into.layerModules,
    };
  }
  return result;
}
