/**
 * The per-wheel caches across action runs: saved under a key naming their entries, restored by
 * prefix on the next run (whose requirements changed, so its layer key is new), pruned to what
 * that run used, and a cache service failure is a warning. The cache client is an in-memory
 * stand-in for @actions/cache with its restore-keys rule (newest entry with the prefix).
 */
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directoryStore } from '../../src/cache/dir-store.js';
import { actionsWheelStore, type CacheClient, TOOLS_FOLDER } from '../../src/cache/wheel-store.js';
import { memoryLogger } from '../../src/log.js';
import { buildOrRestore } from '../../src/pipeline/build-or-restore.js';
import { findInterpreter, findPipPython } from '../../src/resolve/interpreters.js';
import { PINNED_PIP } from '../../src/resolve/pinned-pip.js';
import { resolveTarget } from '../../src/target.js';
import { NO_MIRROR_MESSAGE, pinnedPipWheelFromMirror } from '../support/mirror.js';
import { createPackageIndex, isolatedPipEnv, type PackageIndex } from '../support/package-index.js';

class MemoryCache implements CacheClient {
  readonly saved: { key: string; dir: string }[] = [];
  constructor(private readonly root: string) {}
  async restoreCache(paths: string[], primaryKey: string, restoreKeys: string[] = []) {
    const match =
      this.saved.find((s) => s.key === primaryKey) ??
      [...this.saved].reverse().find((s) => restoreKeys.some((prefix) => s.key.startsWith(prefix)));
    if (!match) return undefined;
    await rm(paths[0] as string, { recursive: true, force: true });
    await cp(match.dir, paths[0] as string, { recursive: true, preserveTimestamps: true });
    return match.key;
  }
  async saveCache(paths: string[], key: string) {
    if (this.saved.some((s) => s.key === key)) {
      const error = new Error(`key ${key} exists`);
      error.name = 'ReserveCacheError';
      throw error;
    }
    const dir = join(this.root, `saved-${this.saved.length}`);
    await cp(paths[0] as string, dir, { recursive: true, preserveTimestamps: true });
    this.saved.push({ key, dir });
    return this.saved.length;
  }
}

const modules = (name: string, version: string, count: number): Record<string, string> =>
  Object.fromEntries(
    Array.from({ length: count }, (_, i) => [`${name}/m${i}.py`, `V = ${JSON.stringify(version)}\n`]),
  );

let index: PackageIndex;
let work: string;
let hasPython311 = false;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'wheel-store-'));
  // The index offers the pinned pip too: a job on a fresh runner with nothing restored fetches it.
  const host = await findPipPython();
  const pip = pinnedPipWheelFromMirror(host.path, join(work, 'pip'), PINNED_PIP.version, PINNED_PIP.filename);
  if (!pip) console.warn(NO_MIRROR_MESSAGE);
  index = await createPackageIndex({
    copies: pip ? [pip] : [],
    wheels: [
      { name: 'alpha', version: '1.0', files: modules('alpha', '1.0', 2) },
      { name: 'alpha', version: '2.0', files: modules('alpha', '2.0', 2) },
      { name: 'beta', version: '1.0', files: modules('beta', '1.0', 3) },
    ],
  });
  hasPython311 = Boolean(await findInterpreter('3.11'));
}, 120_000);
afterAll(async () => {
  await index?.cleanup();
  if (work) await rm(work, { recursive: true, force: true });
});

let counter = 0;
/** One action run on a fresh runner: an empty RUNNER_TEMP, the Actions cache shared. */
async function run(requirements: string, client: CacheClient) {
  const runner = join(work, `runner-${counter++}`);
  const file = join(runner, 'requirements.txt');
  await mkdir(runner, { recursive: true });
  await writeFile(file, requirements);
  const wheelsDir = join(runner, 'cache', 'wheels');
  const wheels = actionsWheelStore(wheelsDir, 'lambda-layer-wheels-python3.11-x86_64-', client);
  const log = memoryLogger();
  const result = await buildOrRestore(
    {
      requirementsFile: file,
      target: resolveTarget('python3.11', 'x86_64'),
      outDir: join(runner, 'out'),
      indexUrl: index.indexUrl,
      extraIndexUrls: [],
      findLinks: [],
      bytecode: true,
      sdist: 'never',
      importProof: false,
    },
    { store: directoryStore(join(runner, 'cache', 'layers')), forceRebuild: false, wheels },
    log,
    // Where the action keeps the pinned pip (src/main.ts): inside the saved folder.
    { env: isolatedPipEnv(), toolCacheDir: join(wheelsDir, TOOLS_FOLDER) },
  );
  return { manifest: result.manifest, log: log.lines.join('\n'), dir: wheels.dir };
}

describe('per-wheel caches in the GitHub Actions cache', () => {
  it('a run with a changed pin restores by prefix, compiles only the new wheel and saves only what it used', async (context) => {
    if (!hasPython311) context.skip();
    const client = new MemoryCache(join(work, 'service'));
    const first = await run('alpha==1.0\nbeta\n', client);
    expect(first.log).toContain('No per-wheel cache saved yet for this target');
    expect(first.log).toContain(`Fetched pip ${PINNED_PIP.version}`);
    expect(client.saved).toHaveLength(1);

    const second = await run('alpha==2.0\nbeta\n', client);
    expect(second.log).toContain(`Per-wheel cache restored from ${client.saved[0]?.key}`);
    // The pinned pip came with it, compiled: checked (in full, as the copy changed every inode)
    // and run, neither fetched nor compiled again.
    expect(second.log).toContain(
      `Using pip ${PINNED_PIP.version} from the tool cache ${join(second.dir, TOOLS_FOLDER)}`,
    );
    expect(second.log).not.toContain('Fetching pip');
    const tag = `cpython-${(await findPipPython()).version.split('.').slice(0, 2).join('')}`;
    expect(
      existsSync(
        join(
          second.dir,
          TOOLS_FOLDER,
          `pip-${PINNED_PIP.version}`,
          'pip',
          '__pycache__',
          `__init__.${tag}.pyc`,
        ),
      ),
    ).toBe(true);
    // beta (3 modules and __init__) from the cache; alpha 2.0 compiled.
    expect(second.manifest.bytecode.fromCache).toBe(4);
    expect(client.saved).toHaveLength(2);
    // Pruned to what the second run used: beta's and alpha 2.0's entries, not alpha 1.0's.
    expect((await readdir(join(second.dir, 'bytecode'))).length).toBe(2);
    expect(await readdir(join(second.dir, TOOLS_FOLDER))).toEqual([`pip-${PINNED_PIP.version}`]);

    // The same requirements again: everything from the cache, and nothing new to save.
    const third = await run('alpha==2.0\nbeta\n', client);
    expect(third.manifest.bytecode.fromCache).toBe(third.manifest.bytecode.compiled);
    expect(client.saved).toHaveLength(2);
    expect(third.manifest.layer.sha256).toBe(second.manifest.layer.sha256);
  }, 300_000);

  it('an unreachable cache service is a warning and the build goes on', async (context) => {
    if (!hasPython311) context.skip();
    const failing: CacheClient = {
      restoreCache: async () => {
        throw new Error('cache service unreachable');
      },
      saveCache: async () => {
        throw new Error('cache service unreachable');
      },
    };
    const result = await run('beta\n', failing);
    expect(result.log).toContain('warn: Per-wheel cache not restored: cache service unreachable');
    expect(result.log).toContain('warn: Per-wheel cache not saved: cache service unreachable');
    expect(result.manifest.bytecode.compiled).toBeGreaterThan(0);
  }, 300_000);
});
