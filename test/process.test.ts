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

  it("gives a child only the allow-listed environment unless asked for the user's", async () => {
    const env = {
      PATH: process.env.PATH,
      HOME: '/home/someone',
      PIP_INDEX_URL: 'http://127.0.0.1:1/simple',
      https_proxy: 'http://proxy:3128',
      LC_ALL: 'C.UTF-8',
      AWS_SECRET_ACCESS_KEY: 'planted-secret',
      GITHUB_TOKEN: 'planted-token',
      MY_APP_SETTING: 'x',
    };
    const tool = await runProcess('env', [], { env, timeoutMs: 20_000 });
    const names = tool.stdout
      .trim()
      .split('\n')
      .map((line) => line.split('=')[0])
      .sort();
    expect(names).toEqual(['HOME', 'LC_ALL', 'PATH', 'PIP_INDEX_URL', 'https_proxy']);
    expect(tool.stdout).not.toContain('planted');
    const user = await runProcess('env', [], { env, environment: 'user', timeoutMs: 20_000 });
    expect(user.stdout).toContain('AWS_SECRET_ACCESS_KEY=planted-secret');
    expect(user.stdout).toContain('MY_APP_SETTING=x');
  });
});
