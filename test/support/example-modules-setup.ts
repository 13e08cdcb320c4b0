/**
 * vitest globalSetup: installs examples/flask-api's own devDependencies (serverless@3 and its
 * plugins) from its package-lock.json when they are missing or differ from the lock, so the
 * Serverless tests run on a fresh clone with `npm test` alone. Once installed it costs one read
 * of two lock files. A failed install is loud but not fatal: the tests that need the example
 * then fail with the message of requireExampleModules (test/deploy/flask-example.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runProcess } from '../../src/process.js';
import { EXAMPLE_DIR } from '../deploy/flask-example.js';

/** The npm ci of the example's ~700 packages takes 1-3 minutes from the registry. */
const INSTALL_TIMEOUT_MS = 10 * 60_000;

interface LockEntry {
  readonly version?: string;
  readonly integrity?: string;
  readonly optional?: boolean;
}

function lockPackages(file: string): Record<string, LockEntry> {
  return (JSON.parse(readFileSync(file, 'utf8')) as { packages?: Record<string, LockEntry> }).packages ?? {};
}

/**
 * Why node_modules must be (re)installed, or undefined when it matches the lock. npm writes the
 * tree it installed to node_modules/.package-lock.json; every package of the lock must be there
 * at the same version and integrity (optional ones may be absent: npm skips those that do not fit
 * this platform), and nothing else.
 */
export function exampleModulesStale(dir = EXAMPLE_DIR): string | undefined {
  const installed = join(dir, 'node_modules', '.package-lock.json');
  if (!existsSync(installed)) return 'node_modules is missing';
  const wanted = lockPackages(join(dir, 'package-lock.json'));
  const have = lockPackages(installed);
  for (const [path, entry] of Object.entries(wanted)) {
    if (path === '') continue;
    const got = have[path];
    if (!got) {
      if (entry.optional) continue;
      return `${path} is not installed`;
    }
    if (got.version !== entry.version || got.integrity !== entry.integrity) {
      return `${path} is ${got.version}, the lock says ${entry.version}`;
    }
  }
  const extra = Object.keys(have).find((path) => !(path in wanted));
  return extra ? `${extra} is installed but not in the lock` : undefined;
}

export default async function setup(): Promise<void> {
  const reason = exampleModulesStale();
  if (!reason) return;
  console.log(`examples/flask-api: ${reason}; running npm ci --prefix examples/flask-api`);
  const result = await runProcess('npm', ['ci', '--no-audit', '--no-fund', '--prefix', EXAMPLE_DIR], {
    timeoutMs: INSTALL_TIMEOUT_MS,
  }).catch((error: unknown) => ({ code: null, timedOut: false, output: String(error), durationMs: 0 }));
  if (result.code === 0) {
    console.log(`examples/flask-api: npm ci done in ${(result.durationMs / 1000).toFixed(0)} s`);
    return;
  }
  const why = result.timedOut ? `timed out after ${INSTALL_TIMEOUT_MS / 60_000} minutes` : `failed`;
  console.error(
    `EXAMPLE NOT INSTALLED: npm ci --prefix examples/flask-api ${why}; the Serverless tests will fail. ` +
      `Run it by hand to see why. Its last output:\n${result.output.split('\n').slice(-15).join('\n')}`,
  );
}
