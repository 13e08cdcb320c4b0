/** src/resolve/probe_interpreter.py on its own: the two lines interpreter discovery parses. */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { programPath } from '../../src/programs.js';

describe('resolve/probe_interpreter.py', () => {
  it('prints the full version and the real executable, also in an isolated interpreter', () => {
    const expected = execFileSync(
      'python3',
      ['-c', 'import sys; print("%d.%d.%d" % sys.version_info[:3]); print(sys.executable)'],
      { encoding: 'utf8', timeout: 30_000 },
    );
    for (const flags of [[], ['-I', '-S']]) {
      const printed = execFileSync('python3', [...flags, programPath('resolve/probe_interpreter.py')], {
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(printed).toBe(expected);
      expect(printed).toMatch(/^3\.\d+\.\d+\n\/.+\n$/);
    }
  });
});
