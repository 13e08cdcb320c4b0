/** src/resolve/probe_interpreter.py on its own: the three lines interpreter discovery parses. */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { programPath } from '../../src/programs.js';

describe('resolve/probe_interpreter.py', () => {
  it('prints the full version, the pip version and the real executable', () => {
    const lines = execFileSync('python3', [programPath('resolve/probe_interpreter.py')], {
      encoding: 'utf8',
      timeout: 30_000,
    })
      .trim()
      .split('\n');
    const expected = execFileSync(
      'python3',
      [
        '-c',
        'import sys, pip; print("%d.%d.%d" % sys.version_info[:3]); print(pip.__version__); print(sys.executable)',
      ],
      { encoding: 'utf8', timeout: 30_000 },
    )
      .trim()
      .split('\n');
    expect(lines).toEqual(expected);
  });

  it('prints "-" for pip when the interpreter cannot import it', () => {
    // -I ignores PYTHONPATH; -S without site-packages hides pip (installed there, not in the stdlib).
    const lines = execFileSync('python3', ['-I', '-S', programPath('resolve/probe_interpreter.py')], {
      encoding: 'utf8',
      timeout: 30_000,
    }).split('\n');
    expect(lines[0]).toMatch(/^3\.\d+\.\d+$/);
    expect(lines[1]).toBe('-');
  });
});
