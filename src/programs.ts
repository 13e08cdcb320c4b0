/**
 * The programs the tool runs in other processes (Python run by an interpreter, the zip writer's
 * worker threads) are real files beside the TypeScript that starts them, so they are linted,
 * formatted and tested as what they are. scripts/build-dist.mjs copies each into dist/ at the same
 * path relative to the bundle as it has relative to this file, so one lookup serves src/ (tsx,
 * vitest) and the bundles alike.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Absolute path of a program, given relative to src/ (e.g. "invoke/bootstrap.py"). */
export function programPath(relativeToSrc: string): string {
  // A variable, not a literal, so the bundler leaves the URL to be resolved at run time.
  const location = new URL(relativeToSrc, import.meta.url);
  return fileURLToPath(location);
}

const sources = new Map<string, string>();

/** A program's text, read once per process (for `python -c` and eval'd workers). */
export function programSource(relativeToSrc: string): string {
  let source = sources.get(relativeToSrc);
  if (source === undefined) {
    source = readFileSync(programPath(relativeToSrc), 'utf8');
    sources.set(relativeToSrc, source);
  }
  return source;
}

/**
 * Absolute path of a file the package ships beside src/ and dist/ (e.g. "aws/github-roles.yml"):
 * both folders sit at the package root, so one relative lookup serves tsx, vitest and the bundle.
 */
export function packageFilePath(relativeToPackageRoot: string): string {
  const location = new URL(`../${relativeToPackageRoot}`, import.meta.url);
  return fileURLToPath(location);
}
