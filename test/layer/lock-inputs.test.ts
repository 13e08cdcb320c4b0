/**
 * End to end on the machine's wheel mirror: Flask locked four ways gives the same layer as
 * `flask==3.1.3` in a requirements file: the same distributions, versions and wheel hashes, and
 * the same zip (CodeSha256). The pylock.toml is written by the pinned pip's own `pip lock`; the
 * uv.lock, poetry.lock and Pipfile.lock are written by their formats' documentation for the
 * same packages and hashes, plus colorama behind click's `sys_platform == 'win32'` edge, six
 * only for aarch64 and a dev group, none of which may reach an x86_64 layer. A pyproject.toml
 * with the same dependencies (resolved by pip) gives the same layer too.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCacheDir } from '../../src/cache/dir-store.js';
import { UserError } from '../../src/errors.js';
import { type BuildResult, buildLayer } from '../../src/layer/index.js';
import { memoryLogger } from '../../src/log.js';
import { poetryContentHash } from '../../src/resolve/lock/poetry-lock.js';
import { PINNED_PIP } from '../../src/resolve/pinned-pip.js';
import { resolveTarget } from '../../src/target.js';
import {
  type WriterPackage,
  type WriterProject,
  writePipfileLock,
  writePoetryLock,
  writeUvLock,
} from '../support/lock-writers.js';
import { machineMirror, NO_MIRROR_MESSAGE } from '../support/mirror.js';

const mirror = machineMirror();
if (!mirror) console.warn(NO_MIRROR_MESSAGE);

let work: string;
const results = new Map<string, BuildResult>();

// Dependencies of the locked packages as Flask 3.1.3's wheels declare them (their METADATA).
const EDGES: Record<string, { name: string; marker?: string }[]> = {
  flask: ['blinker', 'click', 'itsdangerous', 'jinja2', 'markupsafe', 'werkzeug'].map((name) => ({ name })),
  jinja2: [{ name: 'markupsafe' }],
  werkzeug: [{ name: 'markupsafe' }],
  click: [{ name: 'colorama', marker: "platform_system == 'Windows'" }],
};
const FAKE = (c: string) => c.repeat(64);

function build(input: string, dir: string): Promise<BuildResult> {
  return buildLayer(
    {
      requirementsFile: input,
      projectDir: dir,
      target: resolveTarget('python3.11', 'x86_64'),
      outDir: join(dir, 'out'),
      indexUrl: mirror?.indexUrl,
      extraIndexUrls: mirror?.extraIndexUrls ?? [],
      findLinks: mirror?.findLinks ?? [],
      bytecode: true,
      sdist: 'never',
    },
    memoryLogger(),
    { env: { ...process.env, PIP_RETRIES: '0' } },
  );
}

async function project(name: string, files: Record<string, string>): Promise<string> {
  const dir = join(work, name);
  await mkdir(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) await writeFile(join(dir, file), text);
  return dir;
}

beforeAll(async () => {
  if (!mirror) return;
  work = await mkdtemp(join(tmpdir(), 'lock-inputs-'));
  const reqDir = await project('requirements', { 'requirements.txt': 'flask==3.1.3\n' });
  const pylockDir = await project('pylock', {});
  const pipHome = join(defaultCacheDir(), `pip-${PINNED_PIP.version}`);
  execFileSync(
    'python3',
    [
      join(pipHome, 'pip'),
      'lock',
      '-r',
      join(reqDir, 'requirements.txt'),
      '-o',
      join(pylockDir, 'pylock.toml'),
      '--index-url',
      mirror.indexUrl,
      ...mirror.extraIndexUrls.flatMap((u) => ['--extra-index-url', u]),
      '--disable-pip-version-check',
      '--quiet',
    ],
    { timeout: 120_000, stdio: 'pipe' },
  );
  const pylock = parse(await readFile(join(pylockDir, 'pylock.toml'), 'utf8')) as {
    packages: { name: string; version: string; wheels: { name: string; hashes: { sha256: string } }[] }[];
  };
  const locked: WriterPackage[] = pylock.packages.map((p) => ({
    name: p.name,
    version: p.version,
    wheels: p.wheels.map((w) => ({ filename: w.name, sha256: w.hashes.sha256 })),
    dependencies: EDGES[p.name],
  }));
  const extra = (name: string, version: string, c: string): WriterPackage => ({
    name,
    version,
    wheels: [{ filename: `${name}-${version}-py3-none-any.whl`, sha256: FAKE(c) }],
  });
  const shape: WriterProject = {
    name: 'fn',
    main: { flask: '==3.1.3' },
    armOnly: 'six',
    dev: { pytest: '>=8' },
    packages: [
      ...locked,
      extra('colorama', '0.4.6', 'a'),
      extra('six', '1.17.0', 'b'),
      extra('pytest', '8.4.1', 'c'),
    ],
  };
  const uv = writeUvLock(shape);
  await project('uv', { 'uv.lock': uv.lock, 'pyproject.toml': uv.pyproject });
  const poetry = writePoetryLock(shape, (text) => poetryContentHash(parse(text) as Record<string, unknown>));
  await project('poetry', { 'poetry.lock': poetry.lock, 'pyproject.toml': poetry.pyproject });
  await project('pyproject', {
    'pyproject.toml': [
      '[project]',
      'name = "fn"',
      'version = "0.1.0"',
      'dependencies = ["flask==3.1.3", "six; platform_machine == \'aarch64\'"]',
      '',
      '[dependency-groups]',
      'dev = ["pytest>=8"]',
      '',
    ].join('\n'),
  });
  await project('pipenv', {
    'Pipfile.lock': writePipfileLock(shape, {
      colorama: "sys_platform == 'win32'",
      six: "platform_machine == 'aarch64'",
    }),
  });
  // One build at a time: the machine's two cores are shared.
  for (const [name, file] of [
    ['requirements', 'requirements.txt'],
    ['pylock', 'pylock.toml'],
    ['uv', 'uv.lock'],
    ['poetry', 'poetry.lock'],
    ['pipenv', 'Pipfile.lock'],
    ['pyproject', 'pyproject.toml'],
  ] as const) {
    results.set(name, await build(join(work, name, file), join(work, name)));
  }
}, 600_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

const shape = (r: BuildResult) =>
  r.manifest.packages.map((p) => ({
    name: p.name,
    version: p.version,
    sha256: p.sha256,
    requested: p.requested,
  }));

describe.skipIf(!mirror)('a layer from a lock is the layer from the equivalent requirements file', () => {
  it('the requirements file build is the reference: Flask and its six dependencies, Flask requested', () => {
    const reference = results.get('requirements') as BuildResult;
    expect(shape(reference).map((p) => p.name.toLowerCase())).toEqual([
      'blinker',
      'click',
      'flask',
      'itsdangerous',
      'jinja2',
      'markupsafe',
      'werkzeug',
    ]);
    expect(
      shape(reference)
        .filter((p) => p.requested)
        .map((p) => p.name),
    ).toEqual(['Flask']);
    expect(reference.manifest.input).toEqual({ file: 'requirements.txt', format: 'requirements' });
  });

  it.each([
    ['pylock', 'pylock.toml', 'pylock'],
    ['uv', 'uv.lock', 'uv-lock'],
    ['poetry', 'poetry.lock', 'poetry-lock'],
    ['pipenv', 'Pipfile.lock', 'pipfile-lock'],
    ['pyproject', 'pyproject.toml', 'pyproject'],
  ])('%s: same packages, versions, wheel hashes and CodeSha256', (name, file, format) => {
    const reference = results.get('requirements') as BuildResult;
    const built = results.get(name) as BuildResult;
    expect(shape(built)).toEqual(shape(reference));
    expect(built.manifest.layer.codeSha256).toBe(reference.manifest.layer.codeSha256);
    expect(built.manifest.input).toEqual({ file, format });
    // Another input, another key (a restored manifest names its own input).
    expect(built.manifest.requirementsHash).not.toBe(reference.manifest.requirementsHash);
  });

  it('a lock hash that no file on the index has stops the build, naming the lock', async () => {
    const dir = join(work, 'pylock');
    const original = await readFile(join(dir, 'pylock.toml'), 'utf8');
    const tampered = join(work, 'tampered');
    await mkdir(tampered, { recursive: true });
    const flaskHash =
      /name = "flask-3\.1\.3[^"]*"\n[^\n]*\n\n\[packages\.wheels\.hashes\]\nsha256 = "([0-9a-f]{64})"/.exec(
        original,
      )?.[1];
    expect(flaskHash).toBeDefined();
    await writeFile(join(tampered, 'pylock.toml'), original.replace(flaskHash as string, FAKE('d')));
    const error = await build(join(tampered, 'pylock.toml'), tampered).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toMatch(/pylock\.toml:\d+/);
    expect((error as UserError).location?.line).toBeGreaterThan(0);
    expect((error as UserError).message).toMatch(/flask/i);
  }, 120_000);
});
