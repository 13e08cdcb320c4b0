/**
 * Several `lambda-layer build` processes at once on one --cache-dir, as a `make -j` or a matrix
 * on one machine runs them: started 0.3 s apart on a fresh cache folder (each fetches the pinned
 * pip, compiles, stores per-wheel entries and the layer) and then on the warm one (--force-rebuild:
 * every build reads the per-wheel entries and stores the same layer key). Every build must
 * succeed, every layer must be the same bytes, and no temp folder may be left behind.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPipPython } from '../../src/resolve/interpreters.js';
import { PINNED_PIP } from '../../src/resolve/pinned-pip.js';
import { type CliRun, startCli } from '../support/cli-process.js';
import { NO_MIRROR_MESSAGE, pinnedPipWheelFromMirror } from '../support/mirror.js';
import { createPackageIndex, isolatedPipEnv, type PackageIndex } from '../support/package-index.js';

const BUILDS = 4;
const ROUNDS = 3;
const STAGGER_MS = 300;

const modules = (name: string, count: number): Record<string, string> =>
  Object.fromEntries(
    Array.from({ length: count }, (_, i) => [`${name}/m${i}.py`, `def f${i}():\n    return ${i}\n`]),
  );

let index: PackageIndex | undefined;
let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'concurrent-cache-'));
  const host = await findPipPython();
  // The index every build uses offers the pinned pip too: a fresh cache fetches it from there.
  const pip = pinnedPipWheelFromMirror(host.path, join(work, 'pip'), PINNED_PIP.version, PINNED_PIP.filename);
  if (!pip) {
    console.warn(NO_MIRROR_MESSAGE);
    return;
  }
  index = await createPackageIndex({
    copies: [pip],
    wheels: [
      { name: 'alpha', version: '1.0', files: modules('alpha', 30) },
      { name: 'beta', version: '1.0', files: modules('beta', 30) },
      { name: 'gamma', version: '1.0', files: modules('gamma', 30) },
    ],
  });
  await writeFile(join(work, 'requirements.txt'), 'alpha\nbeta\ngamma\n');
}, 180_000);

afterAll(async () => {
  await index?.cleanup();
  if (work) await rm(work, { recursive: true, force: true });
});

async function round(cacheDir: string, name: string, extra: readonly string[]): Promise<CliRun[]> {
  const runs: Promise<CliRun>[] = [];
  for (let i = 0; i < BUILDS; i++) {
    if (i > 0) await new Promise((resolve) => setTimeout(resolve, STAGGER_MS));
    runs.push(
      startCli(
        [
          'build',
          '-r',
          'requirements.txt',
          '--out',
          join(work, 'out', `${name}-${i}`),
          '--cache-dir',
          cacheDir,
          '--index-url',
          (index as PackageIndex).indexUrl,
          '--no-import-proof',
          ...extra,
        ],
        { cwd: work, env: isolatedPipEnv(), timeoutMs: 300_000 },
      ).done,
    );
  }
  return Promise.all(runs);
}

/** Temp folders (a dot name) anywhere in the cache folder, two levels down. */
async function leftovers(cacheDir: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string, depth: number): Promise<void> => {
    for (const item of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      if (item.name.startsWith('.')) found.push(join(dir, item.name));
      else if (item.isDirectory() && depth > 0) await walk(join(dir, item.name), depth - 1);
    }
  };
  await walk(cacheDir, 2);
  return found;
}

async function layerShas(name: string): Promise<Set<string>> {
  const shas = new Set<string>();
  for (let i = 0; i < BUILDS; i++) {
    const manifest = JSON.parse(await readFile(join(work, 'out', `${name}-${i}`, 'manifest.json'), 'utf8'));
    shas.add(manifest.layer.sha256);
  }
  return shas;
}

describe('builds at once on one cache folder', () => {
  it(`${BUILDS} builds started ${STAGGER_MS} ms apart, ${ROUNDS} rounds fresh and ${ROUNDS} warm, all succeed`, async (context) => {
    if (!index) context.skip();
    const failures: string[] = [];
    const left: string[] = [];
    const tally = { fresh: 0, warm: 0 };
    const check = (runs: CliRun[], kind: 'fresh' | 'warm', name: string) => {
      runs.forEach((run, i) => {
        if (run.code === 0) tally[kind]++;
        else
          failures.push(
            `${name}-${i} exit ${run.code}: ${run.stderr.trim().split('\n').slice(-4).join(' | ')}`,
          );
      });
    };
    const warmCache = join(work, 'warm-cache');
    for (let r = 0; r < ROUNDS; r++) {
      const cacheDir = r === 0 ? warmCache : join(work, `fresh-cache-${r}`);
      await mkdir(join(work, 'out'), { recursive: true });
      check(await round(cacheDir, `fresh${r}`, []), 'fresh', `fresh${r}`);
      left.push(...(await leftovers(cacheDir)));
    }
    for (let r = 0; r < ROUNDS; r++) {
      check(await round(warmCache, `warm${r}`, ['--force-rebuild']), 'warm', `warm${r}`);
      left.push(...(await leftovers(warmCache)));
    }
    console.info(
      `concurrent builds: fresh ${tally.fresh}/${BUILDS * ROUNDS} succeeded, warm ${tally.warm}/${BUILDS * ROUNDS} succeeded`,
    );
    expect(failures).toEqual([]);
    expect(left).toEqual([]);
    // The same layer every time, whichever build stored which entry.
    const all = new Set<string>();
    for (let r = 0; r < ROUNDS; r++) {
      for (const sha of await layerShas(`fresh${r}`)) all.add(sha);
      for (const sha of await layerShas(`warm${r}`)) all.add(sha);
    }
    expect(all.size).toBe(1);
  }, 1_200_000);
});
