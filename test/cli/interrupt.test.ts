/**
 * Ctrl-C and `kill` during a build, for real: the CLI runs as its own process against an index
 * that answers slowly, the signal is sent once pip is running, and afterwards no process of the
 * build is left, its temp folder (TMPDIR, given to it alone) is empty, and --out still holds
 * the previous layer, byte for byte. The action gets the same when the runner cancels a job.
 */

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCacheDir } from '../../src/cache/dir-store.js';
import { startAction } from '../support/action-process.js';
import { startCli } from '../support/cli-process.js';
import { type HttpIndex, serveIndex } from '../support/http-index.js';
import { createPackageIndex, isolatedPipEnv, type PackageIndex } from '../support/package-index.js';
import { seedPinnedPip } from '../support/pinned-pip-setup.js';

let index: PackageIndex;
let slow: HttpIndex;
let root: string;

beforeAll(async () => {
  index = await createPackageIndex({ wheels: [{ name: 'webby', version: '1.2.0' }] });
  // Slow enough that the build is surely still in pip when the signal comes.
  slow = await serveIndex(index.dir, { delayMs: 30_000 });
  root = await mkdtemp(join(tmpdir(), 'cli-interrupt-'));
  await writeFile(join(root, 'requirements.txt'), 'webby==1.2.0\n');
}, 60_000);

afterAll(async () => {
  await slow?.close();
  await index?.cleanup();
  if (root) await rm(root, { recursive: true, force: true });
});

/** Processes whose command line mentions `marker` (the build's private TMPDIR). */
function processesMentioning(marker: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (cmdline.includes(marker)) found.push(`${pid}: ${cmdline}`);
    } catch {
      // Exited while listing.
    }
  }
  return found;
}

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const PREVIOUS_ZIP = 'the previous layer.zip';
const PREVIOUS_MANIFEST = '{"previous": true}\n';

async function prepare(name: string): Promise<{ temp: string; out: string }> {
  const temp = join(root, `${name}-tmp`);
  const out = join(root, `${name}-out`);
  await mkdir(temp, { recursive: true });
  await mkdir(out, { recursive: true });
  await writeFile(join(out, 'layer.zip'), PREVIOUS_ZIP);
  await writeFile(join(out, 'manifest.json'), PREVIOUS_MANIFEST);
  return { temp, out };
}

async function expectCleanAfterwards(temp: string, out: string): Promise<void> {
  // SIGKILLed stragglers disappear asynchronously: give them a moment.
  await until(() => processesMentioning(temp).length === 0, 5_000, 'the build processes to be gone').catch(
    () => undefined,
  );
  expect(processesMentioning(temp)).toEqual([]);
  // tsx (which runs the source in these tests, not the product) keeps its compile cache there.
  expect((await readdir(temp)).filter((name) => !name.startsWith('tsx-'))).toEqual([]);
  expect((await readdir(out)).sort()).toEqual(['layer.zip', 'manifest.json']);
  expect(await readFile(join(out, 'layer.zip'), 'utf8')).toBe(PREVIOUS_ZIP);
  expect(await readFile(join(out, 'manifest.json'), 'utf8')).toBe(PREVIOUS_MANIFEST);
}

describe.each([
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const)('lambda-layer build stopped by %s while pip runs', (signal, exitCode) => {
  it(`stops pip, removes its temp files, keeps the previous --out, exits ${exitCode}`, async () => {
    const { temp, out } = await prepare(signal);
    const requestsBefore = slow.requests.length;
    const env = {
      ...isolatedPipEnv(),
      TMPDIR: temp,
      XDG_CACHE_HOME: join(root, '.cache'),
      PIP_NO_CACHE_DIR: '1',
    };
    await seedPinnedPip(defaultCacheDir(env)).catch(() => undefined); // linked once per root
    const cli = startCli(['build', '--no-cache', '--out', out, '--index-url', slow.url], { cwd: root, env });
    await until(() => slow.requests.length > requestsBefore, 60_000, 'pip to ask the index');
    expect(processesMentioning(temp).some((p) => p.includes('pip'))).toBe(true);
    process.kill(cli.child.pid as number, signal);
    const run = await cli.done;
    // pip, and the compile pool's interpreters when they were already waiting for sources.
    expect(run.stderr).toMatch(new RegExp(`interrupted by ${signal}: stopped \\d+ running process`));
    expect(run.stderr).not.toMatch(/error|Traceback/i);
    expect(run.code).toBe(exitCode);
    await expectCleanAfterwards(temp, out);
  }, 120_000);
});

describe('lambda-layer build staged in RAM (/dev/shm) stopped by SIGTERM while pip runs', () => {
  it.runIf(existsSync('/dev/shm'))(
    'removes its staging folder there too',
    async () => {
      const { out } = await prepare('ram');
      const requestsBefore = slow.requests.length;
      const env: NodeJS.ProcessEnv = {
        ...isolatedPipEnv(),
        XDG_CACHE_HOME: join(root, '.cache'),
        PIP_NO_CACHE_DIR: '1',
      };
      delete env.TMPDIR; // the build then stages in RAM when /dev/shm is a roomy tmpfs
      await seedPinnedPip(defaultCacheDir(env)).catch(() => undefined);
      const cli = startCli(['build', '--no-cache', '--verbose', '--out', out, '--index-url', slow.url], {
        cwd: root,
        env,
      });
      await until(() => slow.requests.length > requestsBefore, 60_000, 'pip to ask the index');
      process.kill(cli.child.pid as number, 'SIGTERM');
      const run = await cli.done;
      expect(run.code).toBe(143);
      const staging = /Staging the layer tree in (\S+) \((.+)\)/.exec(run.stderr);
      expect(staging?.[1]).toBeDefined();
      const [, layerDir = '', reason] = staging ?? [];
      // The tree's own temp folder (layer/'s parent) is the one in RAM.
      const treeDir = dirname(layerDir);
      if (reason === '/dev/shm is a tmpfs with room')
        expect(treeDir).toMatch(/^\/dev\/shm\/lambda-layer-tree-/);
      await until(
        () => processesMentioning(treeDir).length === 0,
        5_000,
        'the build processes to be gone',
      ).catch(() => undefined);
      expect(processesMentioning(treeDir)).toEqual([]);
      expect(existsSync(treeDir)).toBe(false);
      expect(await readFile(join(out, 'layer.zip'), 'utf8')).toBe(PREVIOUS_ZIP);
    },
    120_000,
  );
});

describe('the action cancelled by the runner while pip runs', () => {
  it('stops pip, removes its temp files, exits 130 on SIGINT', async () => {
    const { temp, out } = await prepare('action');
    const requestsBefore = slow.requests.length;
    const action = startAction(
      {
        'index-url': slow.url,
        publish: 'false',
        cache: 'false',
        'output-dir': out,
        requirements: 'requirements.txt',
      },
      {
        GITHUB_WORKSPACE: root,
        RUNNER_TEMP: join(root, 'runner-temp'),
        TMPDIR: temp,
        PIP_CONFIG_FILE: '/dev/null',
        PIP_NO_CACHE_DIR: '1',
      },
    );
    await until(() => slow.requests.length > requestsBefore, 60_000, 'pip to ask the index');
    process.kill(action.pid, 'SIGINT');
    const run = await action.done;
    expect(run.stdout).toMatch(/^::warning::interrupted by SIGINT: stopped \d+ running process/m);
    expect(run.stdout).not.toMatch(/^::error/m);
    expect(run.code).toBe(130);
    await expectCleanAfterwards(temp, out);
  }, 120_000);
});
