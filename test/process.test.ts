/** runProcess: streamed lines, the timeout that kills the whole process group, no shell. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runProcess } from '../src/process.js';

/** Running (a killed process can linger as a zombie until its new parent reaps it). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) [ZX]/.test(stat);
  } catch {
    return false;
  }
}

describe('runProcess', () => {
  it('streams stdout and stderr lines and keeps the output', async () => {
    const lines: string[] = [];
    const result = await runProcess('sh', ['-c', 'echo one; echo two >&2; printf "three"; exit 3'], {
      timeoutMs: 20_000,
      onLine: (line, stream) => lines.push(`${stream}:${line}`),
    });
    expect(result.code).toBe(3);
    expect(result.timedOut).toBe(false);
    expect(lines.sort()).toEqual(['stderr:two', 'stdout:one', 'stdout:three']);
    expect(result.stdout).toBe('one\nthree');
  });

  it('passes arguments verbatim (no shell) and strips colour codes from lines', async () => {
    const lines: string[] = [];
    await runProcess('printf', ['%s|%s\\n', '$(id)', '\u001b[32mgreen\u001b[39m'], {
      timeoutMs: 20_000,
      onLine: (line) => lines.push(line),
    });
    expect(lines).toEqual(['$(id)|green']);
  });

  it('on timeout kills the process group, grandchildren included', async () => {
    const started = Date.now();
    const result = await runProcess('sh', ['-c', 'sleep 300 & echo $!; wait'], { timeoutMs: 500 });
    expect(result.timedOut).toBe(true);
    expect(Date.now() - started).toBeLessThan(10_000);
    const grandchild = Number(result.stdout.trim());
    expect(grandchild).toBeGreaterThan(0);
    await new Promise((done) => setTimeout(done, 200));
    expect(alive(grandchild)).toBe(false);
  });

  it('rejects when the command does not exist', async () => {
    await expect(runProcess('no-such-command-xyz', [], { timeoutMs: 5_000 })).rejects.toThrow(/ENOENT/);
  });
});
