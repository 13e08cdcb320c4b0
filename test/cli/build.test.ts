import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { memoryLogger } from '../../src/log.js';
import { NO_MIRROR_MESSAGE } from '../support/mirror.js';
import {
  buildBackendWheels,
  createPackageIndex,
  isolatedPipEnv,
  type PackageIndex,
  pureSdist,
} from '../support/package-index.js';
import { seedPinnedPip } from '../support/pinned-pip-setup.js';

let index: PackageIndex;
let cwd: string;

beforeAll(async () => {
  index = await createPackageIndex({
    wheels: [
      { name: 'webby', version: '1.2.0', requiresDist: ['helper>=1'] },
      { name: 'helper', version: '1.0' },
    ],
    sdists: [pureSdist('srconly', '0.5')],
  });
  cwd = await mkdtemp(join(tmpdir(), 'cli-build-'));
  await writeFile(join(cwd, 'requirements.txt'), 'webby==1.2.0\n');
  // The layer cache is private; the pinned pip is the one the test setup fetched.
  await seedPinnedPip(join(cwd, '.cache', 'lambda-layer'));
}, 120_000);

afterAll(async () => {
  await index?.cleanup();
  if (cwd) await rm(cwd, { recursive: true, force: true });
});

async function cli(args: string[], dir = cwd) {
  const stdout = new PassThrough();
  let out = '';
  stdout.on('data', (chunk) => {
    out += chunk;
  });
  const log = memoryLogger();
  // A cache folder of its own, so every build here really builds.
  const env = { ...isolatedPipEnv(), XDG_CACHE_HOME: join(cwd, '.cache') };
  const code = await main(args, { stdout, log, env, cwd: dir });
  return { code, out, log: log.lines.join('\n') };
}

describe('lambda-layer build', () => {
  it('writes layer.zip and manifest.json to ./layer-out and prints a summary', async () => {
    const { code, out, log } = await cli(['build', '--index-url', index.indexUrl]);
    expect(code).toBe(0);
    expect(out).toContain('Built layer-out/layer.zip for python3.11 x86_64');
    expect(out).toMatch(/webby\s+1\.2\.0/);
    expect(out).toMatch(/helper\s+1\.0/);
    expect(log).toContain('Using Python');
    expect(log).toContain('webby'); // pip's progress was streamed
    expect(log).toContain(
      `Building from ${join(cwd, 'requirements.txt')}, a requirements file, found in ${cwd}`,
    );
    expect(out).toContain('Input: requirements.txt (requirements file).');
    expect((await stat(join(cwd, 'layer-out', 'layer.zip'))).size).toBeGreaterThan(0);
  });

  it('--json prints only the manifest on stdout', async () => {
    const { code, out } = await cli([
      'build',
      '-r',
      'requirements.txt',
      '--out',
      'json-out',
      '--json',
      '--index-url',
      index.indexUrl,
    ]);
    expect(code).toBe(0);
    const manifest = JSON.parse(out);
    expect(manifest.packages.map((p: { name: string }) => p.name)).toEqual(['helper', 'webby']);
    expect(out).toBe(await readFile(join(cwd, 'json-out', 'manifest.json'), 'utf8'));
    // Sizes are measured as shipped (compiled bytecode included): together they are the layer.
    expect(manifest.bytecode.compiled).toBeGreaterThan(0);
    const total = manifest.packages.reduce((sum: number, p: { size: number }) => sum + p.size, 0);
    expect(total).toBe(manifest.layer.unzippedSize);
  });

  it('another requirements set reuses the per-wheel bytecode kept under the cache folder; --no-cache does not', async () => {
    await writeFile(join(cwd, 'requirements-helper.txt'), 'helper==1.0\n');
    const build = async (requirements: string, out: string, extra: string[] = []) => {
      const { code, out: stdout } = await cli([
        'build',
        '-r',
        requirements,
        '--out',
        out,
        '--json',
        '--index-url',
        index.indexUrl,
        ...extra,
      ]);
      expect(code).toBe(0);
      return JSON.parse(stdout);
    };
    await build('requirements.txt', 'wheel-cache-a');
    // A new layer (helper alone), whose one wheel was compiled for the build above.
    const helperOnly = await build('requirements-helper.txt', 'wheel-cache-b');
    expect(helperOnly.bytecode.fromCache).toBe(helperOnly.bytecode.compiled);
    expect(helperOnly.bytecode.compiled).toBeGreaterThan(0);
    expect((await stat(join(cwd, '.cache', 'lambda-layer', 'wheels', 'bytecode'))).isDirectory()).toBe(true);
    const uncached = await build('requirements-helper.txt', 'wheel-cache-c', ['--no-cache']);
    expect(uncached.bytecode.fromCache).toBeUndefined();
    expect(uncached.layer.sha256).toBe(helperOnly.layer.sha256);
  });

  it('python3.9 builds with a deprecation warning', async () => {
    const { code, log } = await cli([
      'build',
      '--runtime',
      'python3.9',
      '--out',
      'py39',
      '--index-url',
      index.indexUrl,
    ]);
    expect(code).toBe(0);
    expect(log).toMatch(/warn: python3\.9 is deprecated/);
  });

  it('unknown runtime or architecture: one clear line naming the flag, exit 2 (usage), no output dir', async () => {
    const runtime = await cli(['build', '--runtime', 'python2.7', '--out', 'bad']);
    expect(runtime.code).toBe(2);
    expect(runtime.log).toContain('--runtime: unknown Lambda runtime "python2.7"');
    const arch = await cli(['build', '--arch', 'sparc', '--out', 'bad']);
    expect(arch.code).toBe(2);
    expect(arch.log).toContain('--arch: unknown architecture "sparc"');
    await expect(stat(join(cwd, 'bad'))).rejects.toThrow();
  });

  it('finds a uv.lock in the working directory and installs its main dependencies, not the dev group', async () => {
    const dir = await mkdtemp(join(cwd, 'uv-project-'));
    const hash = (project: string) => index.files.find((f) => f.project === project)?.sha256;
    const lock = [
      'version = 1',
      'revision = 3',
      'requires-python = ">=3.10"',
      '',
      '[[package]]',
      'name = "fn"',
      'version = "0.1.0"',
      'source = { virtual = "." }',
      'dependencies = [{ name = "webby" }]',
      '',
      '[package.dev-dependencies]',
      'dev = [{ name = "devtool" }]',
      '',
      '[[package]]',
      'name = "helper"',
      'version = "1.0"',
      'source = { registry = "https://pypi.org/simple" }',
      `wheels = [{ url = "https://x/helper-1.0-py3-none-any.whl", hash = "sha256:${hash('helper')}" }]`,
      '',
      '[[package]]',
      'name = "webby"',
      'version = "1.2.0"',
      'source = { registry = "https://pypi.org/simple" }',
      'dependencies = [{ name = "helper" }]',
      `wheels = [{ url = "https://x/webby-1.2.0-py3-none-any.whl", hash = "sha256:${hash('webby')}" }]`,
      '',
      '[[package]]',
      'name = "devtool"',
      'version = "9.9"',
      'source = { registry = "https://pypi.org/simple" }',
      `wheels = [{ url = "https://x/devtool-9.9-py3-none-any.whl", hash = "sha256:${'0'.repeat(64)}" }]`,
      '',
    ].join('\n');
    await writeFile(join(dir, 'uv.lock'), lock);
    const { code, out, log } = await cli(['build', '--index-url', index.indexUrl, '--json'], dir);
    expect(log).toContain(`Building from ${join(dir, 'uv.lock')}, a uv.lock`);
    expect(log).toContain('uv.lock: 2 locked packages selected for python3.11 x86_64');
    expect(code).toBe(0);
    const manifest = JSON.parse(out);
    expect(manifest.input).toEqual({ file: 'uv.lock', format: 'uv-lock' });
    expect(manifest.packages.map((p: { name: string; requested: boolean }) => [p.name, p.requested])).toEqual(
      [
        ['helper', false],
        ['webby', true],
      ],
    );
    // The dev group is chosen on request only, and then its (unavailable) package is needed.
    const dev = await cli(
      ['build', '--index-url', index.indexUrl, '--groups', 'dev', '--out', 'dev-out'],
      dir,
    );
    expect(dev.code).toBe(1);
    expect(dev.log).toContain('devtool');
  });

  it('a locked package with only an sdist is built under the pure policy and its hash checked', async () => {
    const dir = await mkdtemp(join(cwd, 'pylock-'));
    const sdist = index.files.find((f) => f.project === 'srconly');
    const pylock = [
      'lock-version = "1.0"',
      'created-by = "hand"',
      '',
      '[[packages]]',
      'name = "srconly"',
      'version = "0.5"',
      `sdist = { name = "${sdist?.filename}", url = "https://x/${sdist?.filename}", hashes = { sha256 = "${sdist?.sha256}" } }`,
      '',
    ].join('\n');
    await writeFile(join(dir, 'pylock.toml'), pylock);
    const never = await cli(['build', '--index-url', index.indexUrl, '--sdist', 'never'], dir);
    expect(never.code).toBe(1);
    expect(never.log).toContain(
      `${join(dir, 'pylock.toml')}:4: no wheel of srconly 0.5 in the lock fits python3.11 x86_64`,
    );
    // The isolated build installs its backend (setuptools) from the build's sources.
    const backend = await buildBackendWheels(join(dir, 'backend'));
    if (!backend) return console.warn(NO_MIRROR_MESSAGE);
    const links = ['--find-links', join(dir, 'backend')];
    const pure = await cli(['build', '--index-url', index.indexUrl, ...links, '--json'], dir);
    expect(pure.code).toBe(0);
    const manifest = JSON.parse(pure.out);
    expect(manifest.packages).toEqual([
      expect.objectContaining({ name: 'srconly', version: '0.5', builtFromSource: true }),
    ]);
    expect(manifest.input).toEqual({ file: 'pylock.toml', format: 'pylock' });
  });

  it('a missing requirements file names it', async () => {
    const { code, log } = await cli(['build', '-r', 'nope.txt', '--out', 'bad']);
    expect(code).toBe(2);
    expect(log).toContain(`--requirements: requirements file ${join(cwd, 'nope.txt')} does not exist`);
  });

  it('an unknown flag is a usage error', async () => {
    const { code, log } = await cli(['build', '--frobnicate']);
    expect(code).toBe(2);
    expect(log).toContain('--frobnicate');
  });
});
