/**
 * What each input format selects for a Lambda target, over real lock files from public
 * repositories (test/fixtures/lockfiles, see its SOURCES.md) and small locks written here for the
 * marker cases. No pip runs.
 */
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse } from 'smol-toml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../../src/errors.js';
import { memoryLogger } from '../../../src/log.js';
import {
  AUTO_DETECT_ORDER,
  inputFormat,
  readBuildInput,
  readLayerInput,
} from '../../../src/resolve/layer-input.js';
import { evaluateMarker } from '../../../src/resolve/lock/markers.js';
import { poetryContentHash } from '../../../src/resolve/lock/poetry-lock.js';
import type { RequirementsSnapshot } from '../../../src/resolve/requirements.js';
import { markerEnvironment, resolveTarget } from '../../../src/target.js';
import { lockFixture } from '../../support/fixtures.js';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'lock-selection-'));
});
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

interface Choice {
  runtime?: string;
  arch?: string;
  sdist?: 'pure' | 'never';
  extras?: string[];
  groups?: string[];
}

function read(file: string, choice: Choice = {}): Promise<RequirementsSnapshot> {
  return readLayerInput(file, {
    target: resolveTarget(choice.runtime ?? 'python3.11', choice.arch ?? 'x86_64'),
    sdist: choice.sdist ?? 'never',
    choices: { extras: choice.extras ?? [], groups: choice.groups ?? [] },
  });
}

/** name -> version of what the input selects. */
async function selected(file: string, choice: Choice = {}): Promise<Record<string, string>> {
  const snapshot = await read(file, choice);
  return Object.fromEntries(
    snapshot.requirements.map((r) => [r.name as string, /==(\S+)/.exec(r.text)?.[1] ?? r.text]),
  );
}

async function failure(promise: Promise<unknown>): Promise<UserError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UserError);
  return error as UserError;
}

/** Copies fixture files into a scratch project (to edit one of them), returns its folder. */
async function scratch(name: string, files: Record<string, string>): Promise<string> {
  const dir = join(work, name);
  for (const [to, from] of Object.entries(files)) {
    await mkdir(dirname(join(dir, to)), { recursive: true });
    await copyFile(lockFixture(from), join(dir, to));
  }
  return dir;
}

describe('input formats by file name', () => {
  it('names each format and looks for them in a documented order', () => {
    expect(inputFormat('/p/requirements-prod.txt')).toBe('requirements');
    expect(inputFormat('/p/pyproject.toml')).toBe('pyproject');
    expect(inputFormat('/p/pylock.toml')).toBe('pylock');
    expect(inputFormat('/p/pylock.lambda.toml')).toBe('pylock');
    expect(inputFormat('/p/uv.lock')).toBe('uv-lock');
    expect(inputFormat('/p/poetry.lock')).toBe('poetry-lock');
    expect(inputFormat('/p/Pipfile.lock')).toBe('pipfile-lock');
    expect(AUTO_DETECT_ORDER).toEqual([
      'requirements.txt',
      'pylock.toml',
      'uv.lock',
      'poetry.lock',
      'Pipfile.lock',
      'pyproject.toml',
    ]);
  });

  it('given a directory, takes the first input there and says which and what else was there', async () => {
    const dir = await scratch('detect', {
      'uv.lock': 'uv/aecomet__fastapi-tutorial/uv.lock',
      'pyproject.toml': 'uv/aecomet__fastapi-tutorial/pyproject.toml',
    });
    const log = memoryLogger();
    const snapshot = await readBuildInput(
      dir,
      {
        target: resolveTarget('python3.14', 'x86_64'),
        sdist: 'never',
        choices: { extras: [], groups: [] },
      },
      log,
    );
    expect(snapshot.input?.format).toBe('uv-lock');
    const text = log.lines.join('\n');
    expect(text).toContain(`Building from ${join(dir, 'uv.lock')}, a uv.lock`);
    expect(text).toContain('also present, not used: pyproject.toml');
    // Nothing in the first folder: the next one (the action's workspace root).
    const service = await mkdtemp(join(work, 'service-'));
    const fallback = await readBuildInput(
      service,
      {
        target: resolveTarget('python3.14', 'x86_64'),
        sdist: 'never',
        choices: { extras: [], groups: [] },
        fallbackDir: dir,
      },
      log,
    );
    expect(fallback.input?.file).toBe(join(dir, 'uv.lock'));
    const empty = await mkdtemp(join(work, 'empty-'));
    const error = await failure(
      readBuildInput(
        empty,
        { target: resolveTarget(), sdist: 'never', choices: { extras: [], groups: [] } },
        log,
      ),
    );
    expect(error.message).toContain(
      'looked for requirements.txt, pylock.toml, uv.lock, poetry.lock, Pipfile.lock, pyproject.toml',
    );
  });
});

describe('uv.lock', () => {
  const fastapi = lockFixture('uv/aecomet__fastapi-tutorial/uv.lock');

  it('selects the main dependencies reachable for the target, not colorama (win32) and not the dev group', async () => {
    const x86 = await selected(fastapi, { runtime: 'python3.14' });
    expect(Object.keys(x86)).toHaveLength(22);
    expect(x86).toMatchObject({
      fastapi: '0.135.2',
      sqlalchemy: '2.0.48',
      greenlet: '3.3.2',
      cffi: '2.0.0',
      click: '8.3.1',
    });
    expect(x86).not.toHaveProperty('colorama');
    expect(x86).not.toHaveProperty('pytest');
    expect(x86).not.toHaveProperty('fastapi-tutorial'); // the project itself
    const arm = await selected(fastapi, { runtime: 'python3.14', arch: 'arm64' });
    expect(Object.keys(arm)).toEqual(Object.keys(x86));
    const dev = await selected(fastapi, { runtime: 'python3.14', groups: ['dev'] });
    expect(dev).toMatchObject({ pytest: '9.0.2', ruff: '0.15.8', fakeredis: '2.34.1' });
  });

  it('pins each package to the hashes of the wheels that fit the target, and points at its lock entry', async () => {
    const x86 = await read(fastapi, { runtime: 'python3.14' });
    const arm = await read(fastapi, { runtime: 'python3.14', arch: 'arm64' });
    const line = (s: RequirementsSnapshot, name: string) => s.requirements.find((r) => r.name === name);
    // cffi lists wheels for every platform: only the cp314 manylinux x86_64 one is pinned.
    expect(line(x86, 'cffi')?.text).toBe(
      'cffi==2.0.0 --hash=sha256:afb8db5439b81cf9c9d0c80404b60c3cc9c3add93e114dcae767f1477cb53775',
    );
    expect(line(arm, 'cffi')?.text).toBe(
      'cffi==2.0.0 --hash=sha256:24b6f81f1983e6df8db3adc38562c83f7d4a0c36162885ec7f7b77c7dcbec97b',
    );
    expect(line(x86, 'cffi')?.source).toEqual({ file: fastapi, line: 44 });
    expect(x86.input).toMatchObject({ format: 'uv-lock', locked: true, file: fastapi });
    expect(x86.input?.direct).toEqual([
      'cryptography',
      'fastapi',
      'pydantic-settings',
      'pymysql',
      'redis',
      'sqlalchemy',
      'uvicorn',
    ]);
    // Different wheels for another CPU: another cache key.
    expect(arm.requirementsHash).not.toBe(x86.requirementsHash);
  });

  it("refuses a target outside the lock's requires-python", async () => {
    const error = await failure(read(fastapi, { runtime: 'python3.12' }));
    expect(error.message).toContain('requires-python ">=3.14" excludes python3.12');
  });

  it("picks the fork of a package for the target's Python (resolution markers, versioned edges)", async () => {
    const etiquette = lockFixture('uv/aekasitt__etiquette/uv.lock');
    const py39 = await selected(etiquette, {
      runtime: 'python3.9',
      extras: ['standard'],
      groups: ['fastapi'],
    });
    const py311 = await selected(etiquette, {
      runtime: 'python3.11',
      extras: ['standard'],
      groups: ['fastapi'],
    });
    expect(py39.click).toBe('8.1.8');
    expect(py311.click).toBe('8.2.1');
    expect(py39).toHaveProperty('exceptiongroup');
    expect(py311).not.toHaveProperty('exceptiongroup');
    expect(py311.uvloop).toBe('0.21.0'); // the `standard` extra
    expect(py311).not.toHaveProperty('colorama');
    const flask = lockFixture('uv/pallets__flask/uv.lock');
    expect((await selected(flask, { runtime: 'python3.10', groups: ['docs'] })).sphinx).toBe('8.1.3');
    expect((await selected(flask, { runtime: 'python3.12', groups: ['docs'] })).sphinx).toBe('8.2.3');
    // A group edge with a marker: gha-update only from Python 3.12.
    expect(await selected(flask, { runtime: 'python3.11', groups: ['gha-update'] })).not.toHaveProperty(
      'gha-update',
    );
    expect(await selected(flask, { runtime: 'python3.12', groups: ['gha-update'] })).toHaveProperty(
      'gha-update',
    );
    expect(Object.keys(await selected(flask))).toEqual([
      'blinker',
      'click',
      'itsdangerous',
      'jinja2',
      'markupsafe',
      'werkzeug',
    ]);
  });

  it('names unknown extras and groups, and an empty selection', async () => {
    const flask = lockFixture('uv/pallets__flask/uv.lock');
    expect((await failure(read(flask, { extras: ['nope'] }))).message).toContain(
      'has no extra "nope" in the lock (it has: async, dotenv)',
    );
    expect((await failure(read(flask, { groups: ['nope'] }))).message).toContain(
      'has no dependency group "nope"',
    );
    const workspace = lockFixture('uv/HuakunShen__uv-workspace-template/uv.lock');
    expect((await failure(read(workspace, { runtime: 'python3.12' }))).message).toContain(
      'selects no package',
    );
    expect(Object.keys(await selected(workspace, { runtime: 'python3.12', groups: ['dev'] }))).toEqual([
      'iniconfig',
      'packaging',
      'pluggy',
      'pytest',
      'ruff',
    ]);
  });

  it("refuses an editable workspace member it would have to install, with the entry's line", async () => {
    const lock = lockFixture('uv/tdejager__test-uv-versions/uv.lock');
    const error = await failure(read(lock, { runtime: 'python3.13' }));
    expect(error.message).toMatch(
      /uv\.lock:12: pkg-dynamic comes from the local project "packages\/pkg_dynamic"/,
    );
    expect(error.hint).toContain('uv build');
    expect(error.location).toEqual({ file: lock, line: 12 });
  });

  it('checks the lock against its pyproject.toml: a new dependency asks for `uv lock`', async () => {
    const dir = await scratch('uv-fresh', {
      'uv.lock': 'uv/aecomet__fastapi-tutorial/uv.lock',
      'pyproject.toml': 'uv/aecomet__fastapi-tutorial/pyproject.toml',
    });
    await expect(read(join(dir, 'uv.lock'), { runtime: 'python3.14' })).resolves.toBeDefined();
    const pyproject = await readFile(join(dir, 'pyproject.toml'), 'utf8');
    await writeFile(
      join(dir, 'pyproject.toml'),
      pyproject.replace('"redis>=7.4.0",', '"redis>=7.4.0",\n    "boto3>=1.40",'),
    );
    const error = await failure(read(join(dir, 'uv.lock'), { runtime: 'python3.14' }));
    expect(error.message).toContain('uv.lock no longer matches');
    expect(error.message).toContain('"boto3>=1.40"');
    expect(error.hint).toContain('uv lock');
    expect(error.location).toEqual({ file: join(dir, 'pyproject.toml'), line: 13 });
    for (const project of ['aekasitt__etiquette', 'pallets__flask', 'HuakunShen__uv-workspace-template']) {
      const fresh = await scratch(`uv-${project}`, {
        'uv.lock': `uv/${project}/uv.lock`,
        'pyproject.toml': `uv/${project}/pyproject.toml`,
      });
      await expect(
        read(join(fresh, 'uv.lock'), { runtime: 'python3.12', groups: ['dev'] }),
      ).resolves.toBeDefined();
    }
  });

  it('keeps the cache key when only a dev group changes, and changes it when a main package does', async () => {
    const dir = await scratch('uv-key', {
      'uv.lock': 'uv/aecomet__fastapi-tutorial/uv.lock',
    });
    const lock = join(dir, 'uv.lock');
    const before = (await read(lock, { runtime: 'python3.14' })).requirementsHash;
    const text = await readFile(lock, 'utf8');
    await writeFile(
      lock,
      text.replace('name = "ruff"\nversion = "0.15.8"', 'name = "ruff"\nversion = "0.15.9"'),
    );
    expect((await read(lock, { runtime: 'python3.14' })).requirementsHash).toBe(before);
    expect((await read(lock, { runtime: 'python3.14', groups: ['dev'] })).requirementsHash).not.toBe(before);
    await writeFile(
      lock,
      text.replace('name = "redis"\nversion = "7.4.0"', 'name = "redis"\nversion = "7.4.1"'),
    );
    expect((await read(lock, { runtime: 'python3.14' })).requirementsHash).not.toBe(before);
  });
});

describe('poetry.lock', () => {
  /** Poetry 2.1 locks record each package's groups and markers: the walk must agree with them. */
  async function fromGroupsAndMarkers(project: string, choice: Choice): Promise<string[]> {
    const lock = parse(await readFile(lockFixture(`poetry/${project}/poetry.lock`), 'utf8')) as {
      package: { name: string; groups: string[]; markers?: string | Record<string, string> }[];
    };
    const environment = markerEnvironment(
      resolveTarget(choice.runtime ?? 'python3.11', choice.arch ?? 'x86_64'),
    );
    const chosen = ['main', ...(choice.groups ?? [])];
    return lock.package
      .filter((p) => {
        const groups = p.groups.filter((g) => chosen.includes(g));
        if (groups.length === 0) return false;
        const markers = groups.map((g) =>
          typeof p.markers === 'object' ? (p.markers[g] ?? '') : (p.markers ?? ''),
        );
        return markers.some((m) => evaluateMarker(m, { environment, extras: new Set(choice.extras ?? []) }));
      })
      .map((p) => p.name.toLowerCase())
      .sort();
  }

  it.each<[string, Choice]>([
    ['collerek__ormar', {}],
    ['collerek__ormar', { arch: 'arm64', extras: ['postgresql', 'crypto'] }],
    ['collerek__ormar', { runtime: 'python3.12', extras: ['all'], groups: ['dev'] }],
    ['python-poetry__cleo', { groups: ['dev'] }],
    ['python-poetry__cleo', { runtime: 'python3.9', arch: 'arm64', groups: ['dev', 'doc'] }],
  ])(
    "%s %o: the walk from pyproject.toml selects what the 2.1 lock's groups and markers say",
    async (project, choice) => {
      // sdist "pure": selection only, whether the packages have fitting wheels is another test.
      const walked = Object.keys(
        await selected(lockFixture(`poetry/${project}/poetry.lock`), { ...choice, sdist: 'pure' }),
      ).sort();
      expect(walked.length).toBeGreaterThan(3);
      expect(walked).toEqual(await fromGroupsAndMarkers(project, choice));
    },
  );

  it("ormar: an extra brings its optional packages; a dependency's extra brings its own (sqlalchemy[asyncio] -> greenlet)", async () => {
    const lock = lockFixture('poetry/collerek__ormar/poetry.lock');
    const main = await selected(lock);
    expect(main).toMatchObject({ pydantic: '2.12.5', sqlalchemy: '2.0.49', greenlet: '3.1.1' });
    expect(main).not.toHaveProperty('asyncpg');
    expect(await selected(lock, { extras: ['postgresql'] })).toMatchObject({
      asyncpg: '0.31.0',
      'psycopg2-binary': '2.9.12',
    });
  });

  it("refuses a runtime outside the lock's python-versions", async () => {
    const error = await failure(
      read(lockFixture('poetry/collerek__ormar/poetry.lock'), { runtime: 'python3.9' }),
    );
    expect(error.message).toMatch(
      /poetry\.lock:\d+: the lock's python-versions "\^3\.10\.0" excludes python3\.9/,
    );
  });

  it('reads a 2.0 lock (no groups or markers per package) by its edges: pexpect on Linux, colorama never', async () => {
    const lock = lockFixture('poetry/UCSD-E4E__pyFileHash/poetry.lock');
    expect(await selected(lock)).toEqual({ pybind11: '2.11.1' });
    const dev = await selected(lock, { groups: ['dev'] });
    expect(dev).toMatchObject({ ipython: '8.18.1', pexpect: '4.9.0', pytest: '7.4.3' });
    expect(dev).not.toHaveProperty('colorama');
    expect(dev).not.toHaveProperty('exceptiongroup'); // python_version < "3.11"
    expect(await selected(lock, { runtime: 'python3.10', groups: ['dev'] })).toHaveProperty('exceptiongroup');
  });

  it('recomputes content-hash as Poetry does, and asks for `poetry lock` when pyproject.toml changed', async () => {
    for (const project of ['collerek__ormar', 'python-poetry__cleo', 'UCSD-E4E__pyFileHash']) {
      const pyproject = parse(await readFile(lockFixture(`poetry/${project}/pyproject.toml`), 'utf8'));
      const lock = await readFile(lockFixture(`poetry/${project}/poetry.lock`), 'utf8');
      expect(lock).toContain(`content-hash = "${poetryContentHash(pyproject as Record<string, unknown>)}"`);
    }
    const dir = await scratch('poetry-stale', {
      'poetry.lock': 'poetry/UCSD-E4E__pyFileHash/poetry.lock',
      'pyproject.toml': 'poetry/UCSD-E4E__pyFileHash/pyproject.toml',
    });
    const pyproject = await readFile(join(dir, 'pyproject.toml'), 'utf8');
    await writeFile(
      join(dir, 'pyproject.toml'),
      pyproject.replace('[tool.poetry.dependencies]', '[tool.poetry.dependencies]\nrequests = "^2.31"'),
    );
    const error = await failure(read(join(dir, 'poetry.lock')));
    expect(error.message).toMatch(/poetry\.lock:\d+: poetry\.lock no longer matches/);
    expect(error.hint).toContain('poetry lock');
  });
});

describe('Pipfile.lock', () => {
  it('installs the default section with its markers: pytest needs Python 3.10', async () => {
    const lock = lockFixture('pipenv/pypa__pipenv/Pipfile.lock');
    const py311 = await selected(lock);
    expect(Object.keys(py311)).toEqual([
      'exceptiongroup',
      'iniconfig',
      'packaging',
      'pluggy',
      'pygments',
      'pytest',
      'pytz',
      'setuptools',
      'tomli',
      'typing-extensions',
    ]);
    const py39 = await selected(lock, { runtime: 'python3.9' });
    expect(py39).not.toHaveProperty('pytest');
    expect(py39).not.toHaveProperty('iniconfig');
    expect(py39.pytz).toBe('2026.1.post1');
    const snapshot = await read(lock);
    const tomli = snapshot.requirements.find((r) => r.name === 'tomli');
    // No file names in a Pipfile.lock: every recorded hash, pip picks the fitting file.
    expect(tomli?.text.match(/--hash=sha256:/g)).toHaveLength(47);
    expect(tomli?.source?.line).toBeGreaterThan(80);
    expect(snapshot.input?.direct).toBeUndefined();
  });

  it('reads the old-style markers of a classic lock', async () => {
    const lock = lockFixture('pipenv/Gilbertly__sam-starter-py/Pipfile.lock');
    expect(await selected(lock, { runtime: 'python3.9' })).toMatchObject({
      boto3: '1.16.33',
      urllib3: '1.26.2',
      six: '1.15.0',
    });
    expect((await failure(read(lock, { groups: ['dev'] }))).message).toContain(
      'installs its "default" section',
    );
  });
});

describe('pylock.toml', () => {
  it('selects by marker with the chosen dependency groups (default-groups otherwise)', async () => {
    const lock = lockFixture('pylock/Five-Colleges-Incorporated__httpx-folio/pylock.toml');
    const main = await selected(lock);
    expect(Object.keys(main).sort()).toEqual([
      'anyio',
      'certifi',
      'h11',
      'httpcore',
      'httpx',
      'httpx-retries',
      'idna',
      'sniffio',
      'typing-extensions',
    ]);
    const test = await selected(lock, { groups: ['test'] });
    expect(test).toHaveProperty('pytest', '8.4.1');
    expect(test).not.toHaveProperty('httpx');
    expect((await failure(read(lock, { groups: ['docs'] }))).message).toContain(
      'has no dependency group "docs" (it has: default, lint, test)',
    );
  });

  it('python_full_version markers follow the runtime (spectree: exceptiongroup below 3.11)', async () => {
    const lock = lockFixture('pylock/0b01001001__spectree/pylock.toml');
    expect(await selected(lock, { runtime: 'python3.10' })).toHaveProperty('exceptiongroup');
    expect(await selected(lock, { runtime: 'python3.11' })).not.toHaveProperty('exceptiongroup');
  });

  it("keeps both hashes of a file listed twice (pipenv's pylock)", async () => {
    const lock = lockFixture('pylock/pypa__pipenv/pylock.toml');
    const snapshot = await read(lock);
    expect(snapshot.requirements.map((r) => r.text)).toEqual([
      'pytz==2026.1.post1 --hash=sha256:3378dde6a0c3d26719182142c56e60c7f9af7e968076f31aae569d72a0358ee1 --hash=sha256:f2fd16142fda348286a75e1a524be810bb05d444e5a081f37f7affc635035f7a',
    ]);
    expect(Object.keys(await selected(lock, { groups: ['dev'] })).length).toBeGreaterThan(80);
  });

  it('a lock made for Windows only has nothing for Lambda: the package, version, entry and what fits', async () => {
    const lock = lockFixture('pylock/CTimmerman__tk_image_viewer/pylock.toml');
    const error = await failure(read(lock, { runtime: 'python3.13' }));
    expect(error.message).toBe(
      `${lock}:37: no file of pillow 12.2.0 in the lock fits python3.13 x86_64 (wheels listed: cp313-cp313-win_amd64; and no sdist)`,
    );
    expect(error.hint).toContain('python3.13 x86_64 runs cp313 wheels for manylinux_2_34_x86_64 or older');
    expect(error.location).toEqual({ file: lock, line: 37 });
  });
});

describe('marker cases: colorama for Windows, six only for aarch64', () => {
  const wheel = (name: string, version: string, tag: string, c: string) =>
    `{ name = "${name}-${version}-${tag}.whl", url = "https://files.example/${name}-${version}-${tag}.whl", hashes = { sha256 = "${c.repeat(64)}" } }`;
  const pylock = [
    'lock-version = "1.0"',
    'created-by = "hand"',
    '',
    '[[packages]]',
    'name = "click"',
    'version = "8.1.8"',
    `wheels = [${wheel('click', '8.1.8', 'py3-none-any', '1')}]`,
    '',
    '[[packages]]',
    'name = "colorama"',
    'version = "0.4.6"',
    'marker = "sys_platform == \'win32\'"',
    `wheels = [${wheel('colorama', '0.4.6', 'py2.py3-none-any', '2')}]`,
    '',
    '[[packages]]',
    'name = "six"',
    'version = "1.17.0"',
    'marker = "platform_machine == \'aarch64\'"',
    `wheels = [${wheel('six', '1.17.0', 'py2.py3-none-any', '3')}]`,
    '',
    '[[packages]]',
    'name = "native"',
    'version = "1.0"',
    `wheels = [${wheel('native', '1.0', 'cp311-cp311-manylinux_2_17_x86_64', '4')}, ${wheel('native', '1.0', 'cp311-cp311-manylinux_2_17_aarch64', '5')}, ${wheel('native', '1.0', 'cp311-cp311-win_amd64', '6')}]`,
    '',
  ].join('\n');
  const uvLock = [
    'version = 1',
    'revision = 3',
    'requires-python = ">=3.10"',
    '',
    '[[package]]',
    'name = "click"',
    'version = "8.1.8"',
    'source = { registry = "https://pypi.org/simple" }',
    'dependencies = [{ name = "colorama", marker = "sys_platform == \'win32\'" }]',
    `wheels = [{ url = "https://files.example/click-8.1.8-py3-none-any.whl", hash = "sha256:${'1'.repeat(64)}" }]`,
    '',
    '[[package]]',
    'name = "colorama"',
    'version = "0.4.6"',
    'source = { registry = "https://pypi.org/simple" }',
    `wheels = [{ url = "https://files.example/colorama-0.4.6-py2.py3-none-any.whl", hash = "sha256:${'2'.repeat(64)}" }]`,
    '',
    '[[package]]',
    'name = "fn"',
    'version = "0.1.0"',
    'source = { virtual = "." }',
    'dependencies = [{ name = "click" }, { name = "six", marker = "platform_machine == \'aarch64\'" }]',
    '',
    '[[package]]',
    'name = "six"',
    'version = "1.17.0"',
    'source = { registry = "https://pypi.org/simple" }',
    `wheels = [{ url = "https://files.example/six-1.17.0-py2.py3-none-any.whl", hash = "sha256:${'3'.repeat(64)}" }]`,
    '',
  ].join('\n');

  it.each([
    ['pylock.toml', pylock],
    ['uv.lock', uvLock],
  ])('%s: x86_64 gets no six, arm64 gets six, neither gets colorama', async (name, text) => {
    const dir = await mkdtemp(join(work, 'markers-'));
    await writeFile(join(dir, name), text);
    const x86 = await read(join(dir, name), { arch: 'x86_64' });
    const arm = await read(join(dir, name), { arch: 'arm64' });
    const names = (s: RequirementsSnapshot) => s.requirements.map((r) => r.name);
    expect(names(x86)).toEqual(name === 'pylock.toml' ? ['click', 'native'] : ['click']);
    expect(names(arm)).toEqual(name === 'pylock.toml' ? ['click', 'six', 'native'] : ['click', 'six']);
    if (name === 'pylock.toml') {
      // The wheel for the target's CPU, never the other's or Windows'.
      expect(x86.requirements[1]?.text).toBe(`native==1.0 --hash=sha256:${'4'.repeat(64)}`);
      expect(arm.requirements[2]?.text).toBe(`native==1.0 --hash=sha256:${'5'.repeat(64)}`);
    }
  });
});

describe('pyproject.toml without a lock', () => {
  it('takes project dependencies, chosen extras and groups with nested include-group, for pip to resolve', async () => {
    const fastapi = lockFixture('pyproject/fastapi__fastapi/pyproject.toml');
    const main = await read(fastapi);
    expect(main.requirements.map((r) => r.name)).toEqual([
      'starlette',
      'pydantic',
      'typing-extensions',
      'typing-inspection',
      'annotated-doc',
    ]);
    expect(main.input).toMatchObject({ format: 'pyproject', locked: false });
    expect(main.requirements[0]?.source).toEqual({ file: fastapi, line: 45 });
    const tests = await read(fastapi, { groups: ['tests'] });
    // tests includes docs-tests: its entries come in too.
    const docsTests = await read(fastapi, { groups: ['docs-tests'] });
    for (const line of docsTests.requirements)
      expect(tests.requirements.map((r) => r.text)).toContain(line.text);
    const pydantic = lockFixture('pyproject/pydantic__pydantic/pyproject.toml');
    expect((await read(pydantic)).requirements.map((r) => r.text)).toContain('pydantic-core==2.48.0');
    expect((await read(pydantic, { extras: ['email'] })).requirements.map((r) => r.name)).toContain(
      'email-validator',
    );
  });

  it("keeps a group entry's marker for pip to evaluate for the target", async () => {
    const flask = lockFixture('uv/pallets__flask/pyproject.toml');
    const texts = (await read(flask, { groups: ['gha-update'] })).requirements.map((r) => r.text);
    expect(texts.some((t) => /^gha-update.*;\s*python_full_version >= '3\.12'/.test(t))).toBe(true);
  });

  it('says what to do with a Poetry pyproject.toml', async () => {
    for (const project of ['collerek__ormar', 'UCSD-E4E__pyFileHash']) {
      const error = await failure(read(lockFixture(`poetry/${project}/pyproject.toml`)));
      expect(error.hint).toContain('poetry lock');
    }
  });

  it('a locked binary that needs a newer glibc than the runtime: the wheel, its need and the limit', async () => {
    const lock = lockFixture('poetry/collerek__ormar/poetry.lock');
    const error = await failure(read(lock, { arch: 'arm64', extras: ['postgresql'] }));
    expect(error.message).toMatch(
      /^\S+poetry\.lock:1890: no wheel of psycopg2-binary 2\.9\.12 in the lock fits python3\.11 arm64 \(wheels listed: cp311-cp311-manylinux_2_27_aarch64\.manylinux_2_28_aarch64 needs glibc 2\.27 and \d+ more for other platforms or Pythons; python3\.11 runs glibc 2\.26 \(Amazon Linux 2\)\); only its sdist/,
    );
    expect(error.location).toEqual({ file: lock, line: 1890 });
    expect(error.hint).toContain(
      'or a runtime with a newer glibc (python3.12, python3.13, python3.14, python3.15: Amazon Linux 2023, glibc 2.34)',
    );
    // python3.12 runs glibc 2.34: the same lock fits.
    expect(
      await selected(lock, { runtime: 'python3.12', arch: 'arm64', extras: ['postgresql'] }),
    ).toHaveProperty('psycopg2-binary');
  });
});
