/**
 * package.json's `engines` is honest: every package bundled into dist/ runs on every Node version
 * it allows, `npm ci` installs nothing that rejects (EBADENGINE) the oldest allowed Node or the one
 * running the tests, and the published package has no dependencies of its own (dist/ bundles
 * them, and the lock's overrides apply only here, never in a user's `npm install -g`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, posix } from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');

interface PackageJson {
  engines?: { node?: string };
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}
interface LockEntry extends PackageJson {
  version?: string;
  optional?: boolean;
  dev?: boolean;
}

const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as PackageJson;
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, LockEntry>;
};
const declared = manifest.engines?.node ?? '';

/** The lock entry npm resolves `name` to from the package installed at `from` (node_modules nesting). */
function resolveFrom(from: string, name: string): string | undefined {
  let dir = from;
  for (;;) {
    const candidate = posix.join(dir, 'node_modules', name);
    if (lock.packages[candidate]) return candidate;
    if (dir === '') return undefined;
    const up = dir.lastIndexOf('/node_modules/');
    dir = up < 0 ? '' : dir.slice(0, up);
  }
}

/** Package names the TypeScript under src/ imports (what ncc bundles into dist/). */
function importedPackages(): string[] {
  const names = new Set<string>();
  const files = readdirSync(join(root, 'src'), { recursive: true, withFileTypes: true }).filter(
    (entry) => entry.isFile() && entry.name.endsWith('.ts'),
  );
  for (const file of files) {
    const text = readFileSync(join(file.parentPath, file.name), 'utf8');
    // Static imports and re-exports at the start of a line, and dynamic import('...').
    const imports = /^(?:import|export)\b[^;]*?\bfrom\s*'([^']+)'|\bimport\(\s*'([^']+)'\s*\)/gm;
    for (const match of text.matchAll(imports)) {
      const specifier = (match[1] ?? match[2]) as string;
      if (specifier.startsWith('.')) continue;
      if (specifier.startsWith('node:') || builtinModules.includes(specifier)) continue;
      const parts = specifier.split('/');
      names.add(specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] as string));
    }
  }
  return [...names].sort();
}

/** Every lock path reachable from the packages src/ imports (their runtime dependencies). */
function bundledPackages(): Map<string, LockEntry> {
  const seen = new Map<string, LockEntry>();
  const queue = importedPackages().map((name) => {
    const path = resolveFrom('', name);
    if (!path) throw new Error(`src/ imports ${name}, which package-lock.json does not install`);
    return path;
  });
  for (let path = queue.shift(); path !== undefined; path = queue.shift()) {
    if (seen.has(path)) continue;
    const entry = lock.packages[path] as LockEntry;
    seen.set(path, entry);
    const wanted = { ...entry.dependencies, ...entry.optionalDependencies, ...entry.peerDependencies };
    for (const name of Object.keys(wanted)) {
      const next = resolveFrom(path, name);
      if (next) queue.push(next);
    }
  }
  return seen;
}

describe('engines', () => {
  it('package.json declares a Node range, and the published package depends on nothing', () => {
    expect(semver.validRange(declared)).toBeTruthy();
    // dist/ bundles every runtime package; a `dependencies` entry would be installed again, unpinned
    // by this lock and its overrides, on every user's machine.
    expect(manifest.dependencies ?? {}).toEqual({});
    expect(manifest.peerDependencies ?? {}).toEqual({});
  });

  it('every package bundled into dist/ accepts every Node version package.json allows', () => {
    const bundled = bundledPackages();
    expect(bundled.size).toBeGreaterThan(20); // the AWS SDK, @actions/*, yauzl, smol-toml and theirs
    expect([...bundled.keys()]).toContain('node_modules/@aws-sdk/client-lambda');
    const narrower = [...bundled]
      .filter(([, entry]) => entry.engines?.node && !semver.subset(declared, entry.engines.node))
      .map(([path, entry]) => `${path}@${entry.version} needs node ${entry.engines?.node}`);
    expect(narrower, `engines.node is "${declared}"`).toEqual([]);
  });

  it('npm ci prints no EBADENGINE on the oldest Node package.json allows, nor on this one', () => {
    const oldest = semver.minVersion(declared)?.version ?? '';
    const rejecting = Object.entries(lock.packages)
      // npm skips an optional package that does not fit this Node, without a warning.
      .filter(([path, entry]) => path !== '' && entry.engines?.node && !entry.optional)
      .filter(
        ([, entry]) =>
          !semver.satisfies(oldest, entry.engines?.node as string) ||
          !semver.satisfies(process.version, entry.engines?.node as string),
      )
      .map(([path, entry]) => `${path}@${entry.version} needs node ${entry.engines?.node}`);
    expect(rejecting, `oldest allowed Node ${oldest}, running ${process.version}`).toEqual([]);
  });

  it('this Node is one package.json allows (the tests run on a supported Node)', () => {
    expect(semver.satisfies(process.version, declared), `${process.version} vs "${declared}"`).toBe(true);
  });
});

describe('resolveFrom', () => {
  it('finds the copy npm loads: a nested one before the hoisted one', () => {
    const nested = Object.keys(lock.packages).find((path) => path.split('/node_modules/').length > 2);
    expect(nested).toBeDefined();
    const cut = (nested as string).lastIndexOf('/node_modules/');
    const parent = (nested as string).slice(0, cut);
    const name = (nested as string).slice(cut + '/node_modules/'.length);
    expect(resolveFrom(parent, name)).toBe(nested);
    expect(resolveFrom('', name)).not.toBe(nested);
  });
});
