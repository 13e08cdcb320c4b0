/**
 * The layer cache key covers what the build reads, on the real CLI with its cache on:
 * - a `-r https://...` include is fetched by pip, not by this tool: the build says the cache is
 *   off for it and builds afresh, so a changed remote file is never answered with the old layer
 *   (it was, and a false "lists no requirement" warning was printed);
 * - a local --find-links folder is part of the key by content: a wheel rebuilt under the same
 *   name and version rebuilds the layer (the old content was shipped from the cache).
 */
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCacheDir } from '../../src/cache/dir-store.js';
import { readZipEntry } from '../../src/zip/reader.js';
import { runCli } from '../support/cli-process.js';
import { type HttpIndex, serveIndex } from '../support/http-index.js';
import { createPackageIndex, isolatedPipEnv, type PackageIndex } from '../support/package-index.js';
import { seedPinnedPip } from '../support/pinned-pip-setup.js';

let index: PackageIndex;
let server: HttpIndex;
let cwd: string;
let env: NodeJS.ProcessEnv;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  index = await createPackageIndex({
    wheels: [
      { name: 'webby', version: '1.0' },
      { name: 'webby', version: '2.0' },
    ],
  });
  server = await serveIndex(index.dir);
  cwd = await mkdtemp(join(tmpdir(), 'cli-cache-inputs-'));
  env = { ...isolatedPipEnv(), XDG_CACHE_HOME: join(cwd, '.cache'), PIP_NO_CACHE_DIR: '1' };
  await seedPinnedPip(defaultCacheDir(env));
}, 120_000);

afterAll(async () => {
  await server?.close();
  await index?.cleanup();
  for (const cleanup of cleanups) await cleanup();
  if (cwd) await rm(cwd, { recursive: true, force: true });
});

async function build(args: readonly string[], out: string) {
  const run = await runCli(['build', '--out', out, ...args], { cwd, env });
  expect(run.code, run.stderr).toBe(0);
  return run;
}

describe('the layer cache key covers what the build reads', () => {
  it('a remote -r include: the cache is off with a notice, a changed remote file is built', async () => {
    const remote = join(index.dir, 'remote-requirements.txt');
    const url = `${server.url.replace(/\/simple$/, '')}/remote-requirements.txt`;
    await writeFile(join(cwd, 'remote.txt'), `-r ${url}\n`);
    const args = ['-r', 'remote.txt', '--index-url', server.url];

    await writeFile(remote, 'webby==1.0\n');
    const first = await build(args, 'out-remote-1');
    await writeFile(remote, 'webby==2.0\n');
    const second = await build(args, 'out-remote-2');

    for (const run of [first, second]) {
      expect(run.stderr).toMatch(
        /Not using the layer cache: \S+remote\.txt:1 includes a requirements file from a URL/,
      );
      expect(run.stderr).not.toContain('lists no requirement');
    }
    expect(second.stderr).not.toMatch(/restored|cache hit/i);
    const version = await readZipEntry(join(cwd, 'out-remote-2', 'layer.zip'), 'python/webby/__init__.py');
    expect(version.toString()).toBe("__version__ = '2.0'\n");
  }, 300_000);

  it('a wheel rebuilt under the same name in a --find-links folder rebuilds the layer', async () => {
    const folder = join(cwd, 'wheels');
    await mkdir(folder, { recursive: true });
    await writeFile(join(cwd, 'local.txt'), 'localpkg==1.0\n');
    const put = async (value: string): Promise<void> => {
      const made = await createPackageIndex({
        wheels: [{ name: 'localpkg', version: '1.0', files: { 'localpkg/value.py': `VALUE = ${value}\n` } }],
      });
      cleanups.push(made.cleanup);
      const [wheel] = made.files;
      if (!wheel) throw new Error('no wheel made');
      await copyFile(wheel.path, join(folder, wheel.filename));
    };
    const args = ['-r', 'local.txt', '--index-url', server.url, '--find-links', folder];

    await put('1');
    await build(args, 'out-local-1');
    await put('2');
    await build(args, 'out-local-2');
    const value = await readZipEntry(join(cwd, 'out-local-2', 'layer.zip'), 'python/localpkg/value.py');
    expect(value.toString()).toBe('VALUE = 2\n');
  }, 300_000);
});
