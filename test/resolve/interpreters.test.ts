import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { memoryLogger } from '../../src/log.js';
import { findInterpreter, findPipPython } from '../../src/resolve/interpreters.js';

describe('findPipPython', () => {
  it('finds a Python the pinned pip supports (>= 3.10) and says which', async () => {
    const log = memoryLogger();
    const python = await findPipPython(undefined, { log });
    expect(python.version).toMatch(/^3\.(\d+)\.\d+$/);
    expect(Number(python.version.split('.')[1])).toBeGreaterThanOrEqual(10);
    expect(log.lines.join('\n')).toContain(`Using Python ${python.version} at ${python.path} to run pip`);
  });

  it('refuses an explicit Python older than the pinned pip supports, naming both versions', async () => {
    const old = (await findInterpreter('3.9')) ?? (await findInterpreter('3.8'));
    if (!old) {
      console.warn('NO PYTHON 3.9 OR 3.8 on this machine: the too-old explicit interpreter case is SKIPPED');
      return;
    }
    const error = await findPipPython(old.path).catch((e) => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toMatch(
      /is Python 3\.[89]\.\d+; the build runs pip 26\.2\.1, which needs Python >= 3\.10/,
    );
  });

  it('rejects an explicit path that is not a Python', async () => {
    const error = await findPipPython('/bin/true').catch((e) => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toContain('/bin/true');
  });
});

describe('findInterpreter', () => {
  it('verifies the version it finds by running it', async () => {
    const python = await findPipPython();
    const minor = python.version.split('.').slice(0, 2).join('.');
    const found = await findInterpreter(minor);
    expect(found?.version.startsWith(`${minor}.`)).toBe(true);
    expect(await findInterpreter('3.99')).toBeUndefined();
  });

  it('finds an interpreter in the runner tool cache when PATH has none', async () => {
    const host = await findPipPython();
    const minor = host.version.split('.').slice(0, 2).join('.');
    const cache = await mkdtemp(join(tmpdir(), 'toolcache-'));
    const bin = join(cache, 'Python', `${host.version}`, process.arch === 'arm64' ? 'arm64' : 'x64', 'bin');
    await mkdir(bin, { recursive: true });
    // The real interpreter behind the found path (a pyenv shim would need PATH).
    const real = (await import('node:child_process'))
      .execFileSync(host.path, ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' })
      .trim();
    await symlink(real, join(bin, 'python3'));
    const env = { PATH: '/nonexistent', RUNNER_TOOL_CACHE: cache, HOME: process.env.HOME };
    const found = await findInterpreter(minor, undefined, { env }).finally(() =>
      rm(cache, { recursive: true, force: true }),
    );
    expect(found?.path).toBe(join(bin, 'python3'));
  });

  it('an explicit interpreter of another version is an InputError naming both versions', async () => {
    const host = await findPipPython();
    const error = await findInterpreter('3.99', host.path, { inputName: 'bytecode-python' }).catch((e) => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toContain('Input "bytecode-python"');
    expect(error.message).toContain('3.99');
  });
});
