import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { memoryLogger } from '../../src/log.js';
import { createPackageIndex, isolatedPipEnv, type PackageIndex } from '../support/package-index.js';
import { seedPinnedPip } from '../support/pinned-pip-setup.js';

let index: PackageIndex;
let cwd: string;

beforeAll(async () => {
  index = await createPackageIndex({
    wheels: [
      { name: 'webby', version: '1.2.0', requiresDist: ['helper>=1'] },
      { name: 'helper', version: '1.0' },
    ],
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

async function cli(args: string[]) {
  const stdout = new PassThrough();
  let out = '';
  stdout.on('data', (chunk) => {
    out += chunk;
  });
  const log = memoryLogger();
  // A cache folder of its own, so every build here really builds.
  const env = { ...isolatedPipEnv(), XDG_CACHE_HOME: join(cwd, '.cache') };
  const code = await main(args, { stdout, log, env, cwd });
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

  it('unknown runtime or architecture: one clear line, exit 1, no output dir', async () => {
    const runtime = await cli(['build', '--runtime', 'python2.7', '--out', 'bad']);
    expect(runtime.code).toBe(1);
    expect(runtime.log).toContain('Input "runtime": unknown Lambda runtime "python2.7"');
    const arch = await cli(['build', '--arch', 'sparc', '--out', 'bad']);
    expect(arch.code).toBe(1);
    expect(arch.log).toContain('Input "architecture": unknown architecture "sparc"');
    await expect(stat(join(cwd, 'bad'))).rejects.toThrow();
  });

  it('a missing requirements file names it', async () => {
    const { code, log } = await cli(['build', '-r', 'nope.txt', '--out', 'bad']);
    expect(code).toBe(1);
    expect(log).toContain(join(cwd, 'nope.txt'));
  });

  it('an unknown flag is a usage error', async () => {
    const { code, log } = await cli(['build', '--frobnicate']);
    expect(code).toBe(2);
    expect(log).toContain('--frobnicate');
  });
});
