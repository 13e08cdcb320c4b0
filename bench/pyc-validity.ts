/**
 * Which bytecode an extracted layer really offers Python 3.11: for every .py file under the
 * tree's python/ dir, does `__pycache__/<name>.cpython-311.pyc` exist, and would the import
 * system use it as is (PEP 552 header checks, as SourceLoader.get_code does) rather than
 * recompile the source in memory on every cold start? The evidence behind figure 4: a tree's
 * import time follows how many of its pycs are valid, not whether it ships pycs at all.
 */
import { join } from 'node:path';
import { runChecked } from './process.js';

// argv: layer python dir. Prints one JSON line. Mirrors importlib._bootstrap_external: wrong
// magic or unknown flag bits -> rejected; hash-based (bit 0) -> unchecked accepted as is, checked
// compared with source_hash; timestamp -> header mtime and size against os.stat of the source.
const PYC_SCRIPT = `
import importlib.util, json, os, sys
counts = {"sources": 0, "valid": 0, "stale": 0, "missing": 0}
kinds = {"timestamp": 0, "checkedHash": 0, "uncheckedHash": 0}
def valid(src, header):
    if len(header) < 16 or header[:4] != importlib.util.MAGIC_NUMBER:
        return False
    flags = int.from_bytes(header[4:8], "little")
    if flags & ~0b11:
        return False
    if flags & 0b1:
        if not flags & 0b10:
            kinds["uncheckedHash"] += 1
            return True
        kinds["checkedHash"] += 1
        with open(src, "rb") as f:
            return importlib.util.source_hash(f.read()) == header[8:16]
    kinds["timestamp"] += 1
    st = os.stat(src)
    return (int.from_bytes(header[8:12], "little") == int(st.st_mtime) & 0xFFFFFFFF
            and int.from_bytes(header[12:16], "little") == st.st_size & 0xFFFFFFFF)
for folder, dirs, files in os.walk(sys.argv[1]):
    dirs[:] = [d for d in dirs if d != "__pycache__"]
    for name in files:
        if not name.endswith(".py"):
            continue
        src = os.path.join(folder, name)
        counts["sources"] += 1
        try:
            with open(importlib.util.cache_from_source(src), "rb") as f:
                header = f.read(16)
        except FileNotFoundError:
            counts["missing"] += 1
            continue
        counts["valid" if valid(src, header) else "stale"] += 1
print(json.dumps({**counts, "kinds": kinds}))
`;

export interface PycValidity {
  /** .py files under the tree's python/ dir. */
  readonly sources: number;
  /** Sources whose cached pyc Python 3.11 loads without recompiling. */
  readonly valid: number;
  /** Sources with a cached pyc that Python 3.11 would reject (recompiling the source instead). */
  readonly stale: number;
  /** Sources without a cached pyc. */
  readonly missing: number;
  /** The cached pycs found, by invalidation mode (PEP 552); those with a wrong magic are in none. */
  readonly kinds: {
    readonly timestamp: number;
    readonly checkedHash: number;
    readonly uncheckedHash: number;
  };
}

export function pycValidityArgs(pythonDir: string): string[] {
  return ['-I', '-S', '-B', '-c', PYC_SCRIPT, pythonDir];
}

/** Counts valid, stale and missing pycs of the .py files under `layerRoot`/python (read only). */
export async function pycValidity(python: string, layerRoot: string): Promise<PycValidity> {
  const run = await runChecked(python, pycValidityArgs(join(layerRoot, 'python')), {
    env: { PATH: process.env.PATH ?? '', LANG: 'C.UTF-8' },
    timeoutMs: 300_000,
  });
  const counts = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as PycValidity;
  if (counts.valid + counts.stale + counts.missing !== counts.sources) {
    throw new Error(`pyc counts do not add up for ${layerRoot}: ${JSON.stringify(counts)}`);
  }
  return counts;
}

/** "131 / 131", with the stale and missing counts when there are any. */
export function formatPycValidity(counts: PycValidity): string {
  const rest = [
    ...(counts.stale ? [`${counts.stale} stale`] : []),
    ...(counts.missing ? [`${counts.missing} missing`] : []),
  ];
  return `${counts.valid} / ${counts.sources}${rest.length ? ` (${rest.join(', ')})` : ''}`;
}
