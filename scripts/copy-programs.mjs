// The programs the tool runs in other processes (src/**/*.py, src/**/*.cjs) go beside a bundle at
// the same path relative to it as they have relative to src/, where src/programs.ts looks for
// them. Used by scripts/build-dist.mjs (dist/) and by the benchmark's own bundle.
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const PROGRAM = /\.(py|cjs)$/;

export function copyPrograms(srcDir, bundleDir) {
  for (const entry of readdirSync(srcDir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !PROGRAM.test(entry.name)) continue;
    const source = join(entry.parentPath, entry.name);
    const target = join(bundleDir, relative(srcDir, source));
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(source, target);
  }
}
