/**
 * The rule that makes slimming safe: no file is removed that a kept module imports. A slim rule
 * names files by where they are (a tests/ folder, a pattern); whether the runtime loads them is
 * decided by the code that stays. numpy 2.2's numpy/testing/_private/utils.py runs `from
 * numpy._core.tests._natype import pd_NA`, which scipy.linalg reaches on import: removing
 * numpy/_core/tests/ whole breaks `import scipy.linalg`. So every removal candidate a kept
 * module imports stays, and so does what those rescued modules import in turn, and the
 * __init__.py of every package a kept module lives in.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { importedModules, moduleNameOf } from './python-imports.js';

export interface KeptForImport {
  /** python/-relative path of the candidate that stays. */
  readonly file: string;
  /** python/-relative path of the kept module that imports it (first found). */
  readonly importedBy: string;
}

/** Every dotted prefix: a.b.c -> a, a.b, a.b.c (importing a.b.c runs a and a.b first). */
function prefixes(name: string): string[] {
  const parts = name.split('.');
  return parts.map((_, i) => parts.slice(0, i + 1).join('.'));
}

/**
 * Which of `candidates` (python/-relative paths slimming would remove) some kept module imports,
 * directly or through other rescued candidates. `files` is every file in python/.
 */
export function filesKeptModulesImport(
  pythonDir: string,
  files: readonly string[],
  candidates: ReadonlySet<string>,
): KeptForImport[] {
  // Module name -> the candidate files that provide it (a.py, a/__init__.py, a.cpython-*.so).
  const candidateModules = new Map<string, string[]>();
  for (const path of candidates) {
    const module = moduleNameOf(path);
    if (!module) continue;
    const providers = candidateModules.get(module.name) ?? [];
    providers.push(path);
    candidateModules.set(module.name, providers);
  }
  if (candidateModules.size === 0) return [];

  const rescued = new Map<string, string>(); // candidate -> importer
  const queue = files.filter((path) => !candidates.has(path) && moduleNameOf(path));
  while (queue.length > 0) {
    const importer = queue.pop() as string;
    const module = moduleNameOf(importer);
    if (!module) continue;
    // A module's own packages are imported before it; then whatever its source names.
    const wanted = new Set(prefixes(module.name).slice(0, module.isPackage ? undefined : -1));
    if (importer.endsWith('.py')) {
      let source = '';
      try {
        source = readFileSync(join(pythonDir, ...importer.split('/')), 'utf8');
      } catch {
        // Unreadable: nothing it imports can be known, and it cannot be imported either.
      }
      for (const name of importedModules(source, module))
        for (const prefix of prefixes(name)) wanted.add(prefix);
    }
    for (const name of wanted) {
      for (const provider of candidateModules.get(name) ?? []) {
        if (rescued.has(provider)) continue;
        rescued.set(provider, importer);
        queue.push(provider);
      }
    }
  }
  return [...rescued]
    .map(([file, importedBy]) => ({ file, importedBy }))
    .sort((a, b) => a.file.localeCompare(b.file));
}
