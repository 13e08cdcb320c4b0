/**
 * The programs the tool runs in other processes (Python run by an interpreter) are real files
 * beside the TypeScript that starts them, so they are linted, formatted and tested as what they
 * are. scripts/build-dist.mjs copies each into dist/ at the same path relative to the bundle as it
 * has relative to this file, so one lookup serves src/ (tsx, vitest) and the bundles alike.
 */
import { fileURLToPath } from 'node:url';

/** Absolute path of a program, given relative to src/ (e.g. "resolve/pip_for_target.py"). */
export function programPath(relativeToSrc: string): string {
  // A variable, not a literal, so the bundler leaves the URL to be resolved at run time.
  const location = new URL(relativeToSrc, import.meta.url);
  return fileURLToPath(location);
}
