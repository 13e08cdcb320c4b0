/**
 * The pinned pip's bootstrap with real pip runs over generated indexes, each into a private
 * tool cache: first run and cached run, a file with another sha256 refused, an index without
 * pip, a host Python without pip (ensurepip's wheel fetches it) and one with neither.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { memoryLogger } from '../../src/log.js';
import { findInterpreter, findPipPython, type PythonInterpreter } from '../../src/resolve/interpreters.js';
import { ensurePinnedPip, PINNED_PIP } from '../../src/resolve/pinned-pip.js';
import { checkPinnedPip } from '../../src/resolve/pinned-pip-check.js';
import { NO_MIRROR_MESSAGE, pinnedPipWheelFromMirror } from '../support/mirror.js';
import { createPackageIndex, isolatedPipEnv, type PackageIndex } from '../support/package-index.js';

let work: string;
let host: PythonInterpreter;
let withPip: PackageIndex | undefined;
let fakePip: PackageIndex;
let withoutPip: PackageIndex;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'pinned-pip-'));
  host = await findPipPython();
  // The real pip wheel, from the machine's mirror, in an index of its own.
  const wheel = pinnedPipWheelFromMirror(
    host.path,
    join(work, 'real'),
    PINNED_PIP.version,
    PINNED_PIP.filename,
  );
  if (wheel) withPip = await createPackageIndex({ copies: [wheel] });
  else console.warn(NO_MIRROR_MESSAGE);
  // A file with the pinned name and other bytes: what a tampered or broken index serves.
  fakePip = await createPackageIndex({ wheels: [{ name: 'pip', version: PINNED_PIP.version }] });
  withoutPip = await createPackageIndex({ wheels: [{ name: 'six', version: '1.0' }] });
}, 180_000);

afterAll(async () => {
  await Promise.all([withPip?.cleanup(), fakePip?.cleanup(), withoutPip?.cleanup()]);
  if (work) await rm(work, { recursive: true, force: true });
});

let counter = 0;
const freshCache = (): string => join(work, `cache-${counter++}`);

describe('ensurePinnedPip', () => {
  it('fetches, checks and unpacks pip once, then runs it from the tool cache', async () => {
    if (!withPip) return;
    const toolCacheDir = freshCache();
    const params = {
      python: host,
      toolCacheDir,
      indexFlags: ['--index-url', withPip.indexUrl],
      env: isolatedPipEnv(),
    };
    const firstLog = memoryLogger();
    const started = performance.now();
    const first = await ensurePinnedPip({ ...params, log: firstLog });
    const firstMs = performance.now() - started;
    expect(first.home).toBe(join(toolCacheDir, `pip-${PINNED_PIP.version}`));
    expect(firstLog.lines.join('\n')).toContain(
      `Fetched pip ${PINNED_PIP.version} (sha256 ${PINNED_PIP.sha256})`,
    );
    const version = execFileSync(host.path, [join(first.home, 'pip'), '--version'], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(version).toContain(`pip ${PINNED_PIP.version} from ${join(first.home, 'pip')}`);

    const cachedLog = memoryLogger();
    const again = performance.now();
    // The index is gone: a cached pip needs none.
    const cached = await ensurePinnedPip({
      ...params,
      indexFlags: ['--index-url', 'file:///nonexistent'],
      log: cachedLog,
    });
    const cachedMs = performance.now() - again;
    expect(cached.home).toBe(first.home);
    expect(cachedLog.lines.join('\n')).toContain(`Using pip ${PINNED_PIP.version} from the tool cache`);
    console.info(
      `pinned pip bootstrap: first run ${Math.round(firstMs)} ms, cached ${Math.round(cachedMs)} ms`,
    );
    expect(cachedMs).toBeLessThan(firstMs);

    // pip's modules carry bytecode for the host Python, so no pip run compiles them again.
    const tag = `cpython-${host.version.split('.').slice(0, 2).join('')}`;
    const pyc = join(first.home, 'pip', '_internal', 'cli', '__pycache__', `main.${tag}.pyc`);
    expect(existsSync(pyc)).toBe(true);
    // A pyc is one of its files: one gone is damage, and pip is fetched again whole.
    await rm(pyc);
    const repairLog = memoryLogger();
    await ensurePinnedPip({ ...params, log: repairLog });
    expect(repairLog.lines.join('\n')).toContain(
      `is damaged (pip/_internal/cli/__pycache__/main.${tag}.pyc is missing); fetching pip ${PINNED_PIP.version} again`,
    );
    expect(existsSync(pyc)).toBe(true);
  });

  it('checks the cheap way while nothing changed, and hashes every file again when a witness changed', async () => {
    if (!withPip) return;
    const toolCacheDir = freshCache();
    const params = {
      python: host,
      toolCacheDir,
      indexFlags: ['--index-url', withPip.indexUrl],
      env: isolatedPipEnv(),
    };
    const pip = await ensurePinnedPip({ ...params, log: memoryLogger() });
    expect(await checkPinnedPip(pip.home, PINNED_PIP.sha256)).toEqual({ ok: true, full: false });
    // Touched (as a copy or a restore from an archive would), content unchanged: hashed, still good.
    const module = join(pip.home, 'pip', '__init__.py');
    await utimes(module, new Date(), new Date(2000, 1, 1));
    expect(await checkPinnedPip(pip.home, PINNED_PIP.sha256)).toEqual({ ok: true, full: true });
    expect(await checkPinnedPip(pip.home, PINNED_PIP.sha256)).toEqual({ ok: true, full: false });
    // Same size and mtime, other content: ctime still gives it away.
    const text = await readFile(module, 'utf8');
    const before = await stat(module);
    await writeFile(
      module,
      text.replace(/[a-z]/, (c) => (c === 'a' ? 'b' : 'a')),
    );
    await utimes(module, before.atime, before.mtime);
    expect(await checkPinnedPip(pip.home, PINNED_PIP.sha256)).toEqual({
      ok: false,
      reason: 'pip/__init__.py does not have the sha256 it was unpacked with',
    });
    // A module that is not one of pip's, first on sys.path beside it, would shadow the stdlib.
    await writeFile(module, text);
    await writeFile(join(pip.home, 'json.py'), 'raise SystemExit("shadowed")\n');
    expect(await checkPinnedPip(pip.home, PINNED_PIP.sha256)).toEqual({
      ok: false,
      reason: 'json.py is not one of its files',
    });
  });

  it('refuses a file whose sha256 is not the pinned one, and keeps nothing of it', async () => {
    const toolCacheDir = freshCache();
    const error = await ensurePinnedPip({
      python: host,
      toolCacheDir,
      indexFlags: ['--index-url', fakePip.indexUrl],
      env: isolatedPipEnv(),
      log: memoryLogger(),
    }).catch((e) => e);
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toContain(`does not have the pinned sha256 ${PINNED_PIP.sha256}`);
    expect(error.message).toContain('refuses to run it');
    expect(error.message).not.toMatch(/Traceback/);
    expect(existsSync(join(toolCacheDir, `pip-${PINNED_PIP.version}`))).toBe(false);
  });

  it('an index without pip gives one clear error saying what to add', async () => {
    const error = await ensurePinnedPip({
      python: host,
      toolCacheDir: freshCache(),
      indexFlags: ['--index-url', withoutPip.indexUrl],
      env: isolatedPipEnv(),
      log: memoryLogger(),
    }).catch((e) => e);
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toBe(
      `no configured package index offers pip ${PINNED_PIP.version}: the build runs pip ${PINNED_PIP.version} (${PINNED_PIP.filename}, sha256 ${PINNED_PIP.sha256})`,
    );
    expect(error.hint).toContain('--find-links DIR');
  });

  it('a host Python without pip fetches it with the pip wheel its ensurepip bundles', async () => {
    if (!withPip) return;
    const venv = join(work, 'venv-without-pip');
    execFileSync(host.path, ['-m', 'venv', '--without-pip', venv], { timeout: 120_000 });
    const bare: PythonInterpreter = { path: join(venv, 'bin', 'python'), version: host.version };
    const hasEnsurepip = execFileSync(
      bare.path,
      ['-c', 'import importlib.util as u; print(bool(u.find_spec("ensurepip")))'],
      {
        encoding: 'utf8',
      },
    ).trim();
    if (hasEnsurepip !== 'True') {
      console.warn(`${host.path} has no ensurepip: the ensurepip bootstrap case is SKIPPED`);
      return;
    }
    const pip = await ensurePinnedPip({
      python: bare,
      toolCacheDir: freshCache(),
      indexFlags: ['--index-url', withPip.indexUrl],
      env: isolatedPipEnv(),
      log: memoryLogger(),
    });
    expect(existsSync(join(pip.home, 'pip', '__main__.py'))).toBe(true);
  });

  it('a host Python with neither pip nor ensurepip is named, with the ways out', async () => {
    const venv = join(work, 'venv-bare');
    execFileSync(host.path, ['-m', 'venv', '--without-pip', venv], { timeout: 120_000 });
    // An ensurepip package with no bundled wheel shadows the real one: a .pth file in the venv
    // puts it first on sys.path (PYTHONPATH would not do: child processes never get the user's).
    const shadow = join(work, 'shadow');
    await mkdir(join(shadow, 'ensurepip'), { recursive: true });
    await writeFile(join(shadow, 'ensurepip', '__init__.py'), '');
    const [, minor] = host.version.split('.');
    await writeFile(
      join(venv, 'lib', `python3.${minor}`, 'site-packages', 'shadow-ensurepip.pth'),
      `import sys; sys.path.insert(0, ${JSON.stringify(shadow)})\n`,
    );
    const python = join(venv, 'bin', 'python');
    const error = await ensurePinnedPip({
      python: { path: python, version: host.version },
      toolCacheDir: freshCache(),
      indexFlags: ['--index-url', withoutPip.indexUrl],
      env: isolatedPipEnv(),
      log: memoryLogger(),
    }).catch((e) => e);
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toBe(
      `${python} has no pip to fetch pip ${PINNED_PIP.version} with (no pip module, no ensurepip wheel)`,
    );
    expect(error.hint).toContain('--python');
  });

  it('the machine has a Python 3.12 to prove the bootstrap is not tied to the host version', async () => {
    const python312 = await findInterpreter('3.12');
    if (!python312 || !withPip) {
      console.warn('NO PYTHON 3.12 or no mirror: the 3.12 bootstrap case is SKIPPED');
      return;
    }
    const pip = await ensurePinnedPip({
      python: python312,
      toolCacheDir: freshCache(),
      indexFlags: ['--index-url', withPip.indexUrl],
      env: isolatedPipEnv(),
      log: memoryLogger(),
    });
    const version = execFileSync(python312.path, [join(pip.home, 'pip'), '--version'], { encoding: 'utf8' });
    expect(version).toContain('(python 3.12)');
  });
});
