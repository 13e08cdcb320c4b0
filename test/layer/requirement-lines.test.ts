/**
 * Every requirement line is checked with pip's parser before pip installs (issue: a malformed
 * line gave "pip install failed (exit code 1)" or a Python traceback), relative paths resolve
 * from the project directory as pip resolves them, and sdist "never" refuses lines that would
 * run build code. Real pip, a generated index, isolated from the machine's pip config.
 */
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
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
      { name: 'local-wheel', version: '2.0' },
    ],
  });
  work = await mkdtemp(join(tmpdir(), 'requirement-lines-'));
}, 120_000);

afterAll(async () => {
  await index?.cleanup();
  if (work) await rm(work, { recursive: true, force: true });
});

let counter = 0;
async function project(requirements: string): Promise<string> {
  const dir = join(work, `case-${counter++}`);
  await mkdir(join(dir, 'pkg'), { recursive: true });
  await writeFile(join(dir, 'pkg', 'pyproject.toml'), '[project]\nname = "pkg"\nversion = "1.0"\n');
  await writeFile(join(dir, 'requirements.txt'), requirements);
  return dir;
}

function build(dir: string, overrides: Partial<BuildOptions> = {}): Promise<BuildResult> {
  return buildLayer(
    {
      requirementsFile: join(dir, 'requirements.txt'),
      projectDir: dir,
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

async function failure(requirements: string, overrides: Partial<BuildOptions> = {}) {
  const dir = await project(requirements);
  const error = await build(dir, overrides).catch((e) => e);
  expect(error).toBeInstanceOf(UserError);
  return { error: error as UserError, file: join(dir, 'requirements.txt') };
}

describe('requirement lines checked with pip before pip runs', () => {
  it.each([
    ['a syntax error', 'pure\nflask[\n', 2, /Invalid requirement: 'flask\['/],
    ['a bad marker', 'pure\n\n# comment\nflask; os_name ==\n', 4, /marker/i],
    ['an unknown option', 'pure --bogus\n', 1, /pip: error: no such option: --bogus/],
    ['a missing local path', './missing\n', 1, /It looks like a path\. File '\.\/missing' does not exist/],
  ])('%s fails naming file and line, no traceback', async (_, requirements, line, pattern) => {
    const { error, file } = await failure(requirements);
    expect(error.message).toMatch(new RegExp(`^${file}:${line}: `));
    expect(error.message).toMatch(pattern);
    expect(error.message).not.toContain('Traceback');
    expect(error.location).toEqual({ file, line });
  });

  it('lists every bad line, annotating the first', async () => {
    const { error, file } = await failure('flask[\npure\nother; os_name ==\n');
    expect(
      error.message
        .split('\n')
        .filter((l) => l.startsWith(file))
        .map((l) => l.split(':')[1]),
    ).toEqual(['1', '3']);
    expect(error.location?.line).toBe(1);
  });
});

describe('paths resolve from the project directory, as pip resolves them', () => {
  it('installs a wheel named by a relative path although pip runs elsewhere than the file', async () => {
    const dir = await project('./wheels/local_wheel-2.0-py3-none-any.whl\npure\n');
    await mkdir(join(dir, 'wheels'));
    const wheel = index.files.find((f) => f.filename.startsWith('local_wheel-2.0'));
    await copyFile(wheel?.path as string, join(dir, 'wheels', 'local_wheel-2.0-py3-none-any.whl'));
    const result = await build(dir);
    expect(result.manifest.packages.map((p) => p.name).sort()).toEqual(['local-wheel', 'pure']);
  });
});

describe('sdist "never": no package build code runs', () => {
  it.each([
    ['a local project', './pkg\n', 'local project'],
    ['an editable local project', '-e ./pkg\n', 'editable install'],
    ['a source archive URL', 'pkg @ file:///nonexistent/pkg-1.0.tar.gz\n', 'source archive'],
  ])('refuses %s, naming the line and the way out', async (_, requirements, kind) => {
    const { error, file } = await failure(requirements);
    expect(error.message).toContain(`${file}:1: `);
    expect(error.message).toContain(`is a ${kind}: installing it runs its build code on this machine`);
    expect(error.hint).toContain('pip wheel');
  });
});
