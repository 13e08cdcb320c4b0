/**
 * --out / output-dir that cannot hold a layer: one line naming the path, exit 1, before any
 * build work, never a stack trace. The not-writable case needs a user the folder refuses: as
 * root (these machines) the CLI runs as nobody through setpriv; otherwise a 0555 folder does.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { checkOutDir } from '../../src/pipeline/out-dir.js';
import { explainError } from '../../src/system-errors.js';
import { runCli } from '../support/cli-process.js';

const root = mkdtempSync(join(tmpdir(), 'out-dir-'));
chmodSync(root, 0o755);
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function refusal(path: string): Promise<string> {
  const error = await checkOutDir(path).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UserError);
  return (error as UserError).message;
}

describe('checkOutDir', () => {
  it('accepts an existing folder and a folder still to be created, creating nothing', async () => {
    await checkOutDir(root);
    await checkOutDir(join(root, 'new', 'deeper'));
    expect(() => execFileSync('test', ['-e', join(root, 'new')])).toThrow();
  });

  it('a file, a file on the way, a name too long, a self-referencing link: each named', async () => {
    const file = join(root, 'a-file');
    writeFileSync(file, 'x');
    expect(await refusal(file)).toBe(`output folder ${file} is a file, not a folder`);
    expect(await refusal(join(file, 'sub'))).toBe(
      `output folder ${join(file, 'sub')} cannot be created: ${file} is a file, not a folder`,
    );
    expect(await refusal(join(root, 'n'.repeat(300)))).toMatch(
      /is too long a path \(a folder name over 255 bytes\)$/,
    );
    const loop = join(root, 'loop');
    symlinkSync(loop, loop);
    expect(await refusal(join(loop, 'out'))).toBe(
      `output folder ${join(loop, 'out')} goes through a symbolic link that points to itself`,
    );
  });
});

describe('lambda-layer build --out that cannot be written', () => {
  it('not writable: one line naming the folder, exit 1, no stack', async () => {
    const locked = join(root, 'locked');
    mkdirSync(locked);
    chmodSync(locked, 0o555);
    const asRoot = process.getuid?.() === 0;
    const home = join(root, 'home');
    mkdirSync(home, { mode: 0o777 });
    chmodSync(home, 0o777);
    const args = ['build', '--no-cache', '--out', join(locked, 'out')];
    const env = { ...process.env, HOME: home, TMPDIR: home, XDG_CACHE_HOME: home };
    const run = await runCli(args, {
      cwd: home,
      env,
      ...(asRoot ? { wrapper: ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] } : {}),
    });
    expect(run.stderr).toBe(
      `error: output folder ${join(locked, 'out')} cannot be created: ${locked} is not writable by this user (EACCES)\n` +
        '  -> choose another output folder (CLI --out DIR, action input output-dir)\n',
    );
    expect(run.code).toBe(1);
  }, 60_000);
});

describe('explainError', () => {
  it('an operating-system error is one line naming the path; a bug is one line, its stack kept apart', () => {
    const enospc = Object.assign(new Error('ENOSPC: no space left on device, write'), {
      code: 'ENOSPC',
      syscall: 'write',
      path: '/out/layer.zip',
    });
    expect(explainError(enospc).message).toBe(
      '/out/layer.zip cannot be written: the disk is full (ENOSPC in write)',
    );
    const bug = explainError(new TypeError("Cannot read properties of undefined (reading 'x')"));
    expect(bug.message).toMatch(
      /^unexpected error: Cannot read properties of undefined \(reading 'x'\) \(a bug/,
    );
    expect(bug.message).not.toContain('\n');
    expect(bug.detail).toContain('at ');
  });
});
