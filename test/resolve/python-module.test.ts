/**
 * runModuleArgs must behave like `python -m MODULE`: same argv, same exit code, nothing lost
 * from either stream, although the interpreter leaves through os._exit.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { displayModuleArgs, runModuleArgs } from '../../src/resolve/python-module.js';

const dir = mkdtempSync(join(tmpdir(), 'python-module-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A module whose behaviour is chosen by its first argument.
writeFileSync(
  join(dir, 'probe_mod.py'),
  [
    'import atexit, sys',
    'if __name__ != "__main__":',
    '    raise SystemExit("imported, not run as __main__")',
    'mode = sys.argv[1]',
    // Lots of unflushed output on both streams: os._exit must not drop any of it.
    'sys.stdout.write("argv=" + repr(sys.argv[1:]) + "\\n" + "o" * 100000 + "\\n")',
    'sys.stderr.write("e" * 100000 + "\\n")',
    // ... and short lines last, which sit in the buffers until something flushes them.
    'sys.stdout.write("stdout tail\\n")',
    'sys.stderr.write("stderr tail\\n")',
    'if mode == "code": sys.exit(3)',
    'if mode == "message": sys.exit("bad input")',
    'if mode == "raise": raise ValueError("boom")',
  ].join('\n'),
);

function run(args: readonly string[]) {
  const result = spawnSync('python3', [...args], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 30_000,
    maxBuffer: 10 * 1024 * 1024,
    // Buffered streams (no PYTHONUNBUFFERED), so a missing flush would lose the tails.
    env: { ...process.env, PYTHONUNBUFFERED: undefined, PYTHONPATH: dir },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('runModuleArgs', () => {
  it.each([
    ['ok', 0],
    ['code', 3],
    ['message', 1],
    ['raise', 1],
  ])('mode %s: same exit code and output as python -m', (mode, code) => {
    const wrapped = run(runModuleArgs('probe_mod', [mode, '--flag', 'x y']));
    const plain = run(['-m', 'probe_mod', mode, '--flag', 'x y']);
    expect(wrapped.code).toBe(code);
    expect(wrapped.code).toBe(plain.code);
    expect(wrapped.stdout).toBe(plain.stdout);
    expect(wrapped.stdout).toContain(`argv=['${mode}', '--flag', 'x y']`);
    expect(wrapped.stderr.match(/e{100000}/)).not.toBeNull();
    expect(wrapped.stdout).toContain('stdout tail');
    expect(wrapped.stderr).toContain('stderr tail');
    if (mode === 'message') expect(wrapped.stderr).toContain('bad input');
    if (mode === 'raise') expect(wrapped.stderr).toContain('ValueError: boom');
  });

  it('is logged as the -m command a person would type', () => {
    expect(displayModuleArgs(['-s', ...runModuleArgs('compileall', ['-q', 'dir'])])).toEqual([
      '-s',
      '-m',
      'compileall',
      '-q',
      'dir',
    ]);
    expect(displayModuleArgs(['-c', 'print(1)'])).toEqual(['-c', 'print(1)']);
  });
});
