/**
 * CPU time of a measured command: the /proc/<pid>/stat parsing on crafted lines, and on Linux
 * the figure runTimed reports for a real child that burns a known amount of CPU itself and in a
 * grandchild it waits for.
 */
import { describe, expect, it } from 'vitest';
import { childCpuMs, parseChildCpuTicks, runTimed } from '../../bench/process.js';

/** A /proc/<pid>/stat line with fields 14-17 (utime, stime, cutime, cstime) set. */
function statLine(
  comm: string,
  times: { utime: number; stime: number; cutime: number; cstime: number },
): string {
  const after = [
    'S', // 3 state
    '17479', // 4 ppid
    '17479', // 5 pgrp
    '16242', // 6 session
    '0', // 7 tty_nr
    '-1', // 8 tpgid
    '4194304', // 9 flags
    '99', // 10 minflt
    '0', // 11 cminflt
    '0', // 12 majflt
    '0', // 13 cmajflt
    String(times.utime), // 14
    String(times.stime), // 15
    String(times.cutime), // 16
    String(times.cstime), // 17
    '20', // 18 priority
    '0', // 19 nice
    '1', // 20 num_threads
    '0',
    '1133666',
    '3133440',
  ];
  return `4242 (${comm}) ${after.join(' ')}\n`;
}

describe('parseChildCpuTicks', () => {
  it('reads cutime and cstime (fields 16 and 17) of a plain line', () => {
    expect(parseChildCpuTicks(statLine('node', { utime: 5, stime: 6, cutime: 1234, cstime: 56 }))).toEqual({
      user: 1234,
      system: 56,
    });
  });

  it('counts fields from the last ")" when the command name holds spaces and ") ("', () => {
    const line = statLine('a) (b 7 8) x', { utime: 1, stime: 2, cutime: 300, cstime: 45 });
    expect(parseChildCpuTicks(line)).toEqual({ user: 300, system: 45 });
  });

  it('rejects a line it cannot read instead of inventing a figure', () => {
    expect(() => parseChildCpuTicks('4242 node S 1 2 3')).toThrow(/unexpected \/proc stat line/);
    expect(() => parseChildCpuTicks('4242 (node) S 1 2 3')).toThrow(/field 16 is missing/);
  });
});

// A child that burns `seconds` of its own CPU time (busy loop on process_time), after waiting for
// a grandchild that does the same when `grandchild` is set.
const burn = (seconds: number, grandchild: boolean): string =>
  [
    'import subprocess, sys, time',
    grandchild
      ? `subprocess.run([sys.executable, "-c", "import time\\nwhile time.process_time() < ${seconds}: pass"], check=True)`
      : '',
    `while time.process_time() < ${seconds}: pass`,
  ].join('\n');

describe.runIf(process.platform === 'linux')('runTimed CPU time (Linux)', () => {
  it('is readable here', () => {
    expect(childCpuMs()).toBeGreaterThanOrEqual(0);
  });

  it("counts the child's CPU and that of the grandchild it waited for", async () => {
    const one = await runTimed('python3', ['-c', burn(0.3, false)], { timeoutMs: 60_000 });
    expect(one.code).toBe(0);
    // 10 ms ticks: allow one tick of rounding per process.
    expect(one.cpuMs).toBeGreaterThanOrEqual(290);
    expect(one.cpuMs).toBeLessThanOrEqual(one.wallMs + 20);

    const two = await runTimed('python3', ['-c', burn(0.3, true)], { timeoutMs: 60_000 });
    expect(two.code).toBe(0);
    expect(two.cpuMs).toBeGreaterThanOrEqual(580);
  });
});
