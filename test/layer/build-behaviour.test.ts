/**
 * Requirements features pip defines (includes, constraints, --hash, markers), failures a user can
 * act on, atomic output and determinism: real pip on a generated index, isolated from pip config.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError, UserError } from '../../src/errors.js';
import { type BuildResult, buildLayer } from '../../src/layer/index.js';
import type { BuildOptions } from '../../src/layer/types.js';
import { memoryLogger } from '../../src/log.js';
import { resolveTarget } from '../../src/target.js';
import { createPackageIndex, isolatedPipEnv, type PackageIndex } from '../support/package-index.js';

let index: PackageIndex;
let work: string;

beforeAll(async () => {
  index = await createPackageIndex({
    wheels: [
      { name: 'pure', version: '1.0' },
      { name: 'pure', version: '2.0' },
      { name: 'other', version: '1.0' },
      {
        name: 'tool',
        version: '1.0',
        files: { 'tool-1.0.dist-info/entry_points.txt': '[console_scripts]\ntool = tool:main\n' },
      },
      {
        name: 'native',
        version: '1.0',
        tags: 'cp311-cp311-manylinux_2_17_x86_64',
        files: { 'native/data.bin': 'x'.repeat(1000) },
      },
    ],
  });
  work = await mkdtemp(join(tmpdir(), 'build-behaviour-'));
}, 120_000);

afterAll(async () => {
  await index?.cleanup();
  if (work) await rm(work, { recursive: true, force: true });
});

let counter = 0;
async function files(contents: Record<string, string>): Promise<string> {
  const dir = join(work, `case-${counter++}`);
  for (const [name, text] of Object.entries(contents)) {
    await mkdir(join(dir, name, '..'), { recursive: true });
    await writeFile(join(dir, name), text);
  }
  return dir;
}

function build(dir: string, overrides: Partial<BuildOptions> = {}): Promise<BuildResult> {
  return buildLayer(
    {
      requirementsFile: join(dir, 'requirements.txt'),
      target: resolveTarget('python3.11', 'x86_64'),
      outDir: join(dir, 'out'),
      indexUrl: index.indexUrl,
      extraIndexUrls: [],
      findLinks: [],
      bytecode: false,
      sdist: 'never',
      ...overrides,
    },
    memoryLogger(),
    { env: isolatedPipEnv() },
  );
}

const installed = (result: BuildResult) => result.manifest.packages.map((p) => `${p.name}==${p.version}`);
const sha = (name: string) => index.files.find((f) => f.filename.startsWith(`${name}-`))?.sha256;

describe('requirements as pip defines them', () => {
  it('follows -r includes and -c constraints', async () => {
    const dir = await files({
      'requirements.txt': '-r reqs/base.txt\n-c reqs/pins.txt\n',
      'reqs/base.txt': 'pure\n',
      'reqs/pins.txt': 'pure<2\nother==1.0\n',
    });
    const result = await build(dir);
    // the constraint limits pure; it does not install "other"
    expect(installed(result)).toEqual(['pure==1.0']);
  });

  it('installs with --hash pins and rejects a wrong hash', async () => {
    const good = await files({ 'requirements.txt': `pure==2.0 \\\n  --hash=sha256:${sha('pure-2.0')}\n` });
    expect(installed(await build(good))).toEqual(['pure==2.0']);
    const bad = await files({ 'requirements.txt': `pure==2.0 --hash=sha256:${'0'.repeat(64)}\n` });
    const error = await build(bad).catch((e) => e);
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toContain('does not match its --hash pin');
    expect(error.message).toContain('pure');
  });

  it('evaluates environment markers', async () => {
    const dir = await files({
      'requirements.txt': 'pure ; python_version < "3.0"\nother ; sys_platform == "linux"\n',
    });
    expect(installed(await build(dir))).toEqual(['other==1.0']);
  });

  it('records size, sha256 and wheel of each distribution', async () => {
    const dir = await files({ 'requirements.txt': 'native\n' });
    const [entry] = (await build(dir)).manifest.packages;
    expect(entry).toMatchObject({
      name: 'native',
      wheel: 'native-1.0-cp311-cp311-manylinux_2_17_x86_64.whl',
      sha256: sha('native'),
      requested: true,
    });
    expect(entry?.size).toBeGreaterThan(1000);
  });
});

describe('failures', () => {
  it('a missing requirements file is an InputError and creates no output dir', async () => {
    const dir = await files({});
    const error = await build(dir).catch((e) => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toContain(join(dir, 'requirements.txt'));
    await expect(readdir(dir).catch(() => [])).resolves.toEqual([]);
  });

  it('an unreachable http index is one clear error naming the URL', async () => {
    const port = await closedPort();
    const url = `http://127.0.0.1:${port}/simple`;
    const dir = await files({ 'requirements.txt': 'pure\n' });
    const error = await build(dir, { indexUrl: url }).catch((e) => e);
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toContain(`package index ${url}`);
    expect(error.message).toContain('cannot be reached');
  });

  it('a missing file:// index names the URL', async () => {
    const url = pathToFileURL(join(work, 'no-such-index')).href;
    const dir = await files({ 'requirements.txt': 'pure\n' });
    const error = await build(dir, { indexUrl: url }).catch((e) => e);
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toContain(url);
  });

  it('leaves an existing output dir as it was when the build fails', async () => {
    const dir = await files({
      'requirements.txt': 'no-such-project\n',
      'out/layer.zip': 'old zip',
      'out/keep.txt': 'x',
    });
    const error = await build(dir).catch((e) => e);
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toContain('no-such-project');
    expect((await readdir(join(dir, 'out'))).sort()).toEqual(['keep.txt', 'layer.zip']);
    expect(await readFile(join(dir, 'out', 'layer.zip'), 'utf8')).toBe('old zip');
  });
});

describe('determinism', () => {
  it('ships no console script, nor a RECORD line for one: its shebang is the host interpreter', async () => {
    const requirements = { 'requirements.txt': 'tool\n' };
    // A virtual environment: the same Python under another path, as on another machine.
    const venv = join(work, 'driver-venv');
    execFileSync('python3', ['-m', 'venv', venv], { timeout: 120_000 });
    const [a, b] = [
      await build(await files(requirements)),
      await build(await files(requirements), { python: join(venv, 'bin', 'python') }),
    ];
    const record = execFileSync('unzip', ['-p', a.zipPath, 'python/tool-1.0.dist-info/RECORD'], {
      encoding: 'utf8',
    });
    expect(record).toContain('tool-1.0.dist-info/entry_points.txt');
    expect(record).not.toMatch(/bin\//);
    expect(execFileSync('unzip', ['-Z1', a.zipPath], { encoding: 'utf8' })).not.toMatch(/^python\/bin\//m);
    expect(b.manifest.layer.sha256).toBe(a.manifest.layer.sha256);
  });

  it('two builds of the same inputs in different directories give the same zip and manifest', async () => {
    const requirements = { 'requirements.txt': '# app\nnative\npure==1.0\n' };
    const [a, b] = [await build(await files(requirements)), await build(await files(requirements))];
    expect(a.zipPath).not.toBe(b.zipPath);
    const digest = async (path: string) =>
      createHash('sha256')
        .update(await readFile(path))
        .digest('hex');
    expect(await digest(a.zipPath)).toBe(await digest(b.zipPath));
    expect(await digest(a.zipPath)).toBe(a.manifest.layer.sha256);
    // Byte for byte, apart from the import proof's timings (the one time-specific record).
    const untimed = async (path: string) =>
      (await readFile(path, 'utf8')).replace(/"(durationMs|ms)": [\d.]+/g, '"$1": 0');
    expect(await untimed(a.manifestPath)).toBe(await untimed(b.manifestPath));
    expect(a.manifest.importProof?.status).toBe('passed');
    expect(await readdir(join(a.zipPath, '..'))).toEqual(['layer.cdx.json', 'layer.zip', 'manifest.json']);
    // The SBOM too, with no time in it at all.
    expect(a.sbomPath && (await readFile(a.sbomPath, 'utf8'))).toBe(
      b.sbomPath && (await readFile(b.sbomPath, 'utf8')),
    );
  });
});

function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 9;
      server.close(() => resolve(port));
    });
  });
}
