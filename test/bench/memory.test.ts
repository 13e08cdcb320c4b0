/**
 * Peak memory of a measured command: the /proc status and children parsing on crafted text, the
 * combination of sequential runs, and on Linux the figures runTimed reports for a real child that
 * holds a known amount of memory while a grandchild holds another.
 */
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';

import {
  childrenOf,
  type PeakMemory,
  parseChildren,
  parseShmem,
  parseStatusMemory,
  peakMemoryOf,
  sequentialPeak,
} from '../../bench/memory.js';
import { runTimed } from '../../bench/process.js';

const MIB = 1024 * 1024;

/** The start of a real /proc/<pid>/status of a user process (Linux 6.x). */
const STATUS = [
  'Name:\tpython3.11',
  'Umask:\t0022',
  'State:\tS (sleeping)',
  'Tgid:\t4242',
  'Pid:\t4242',
  'PPid:\t4200',
  'VmPeak:\t  512000 kB',
  'VmSize:\t  498000 kB',
  'VmLck:\t       0 kB',
  'VmHWM:\t  204800 kB',
  'VmRSS:\t  102400 kB',
  'RssAnon:\t   90000 kB',
  'Threads:\t3',
  '',
].join('\n');

describe('parseStatusMemory', () => {
  it('reads the name, VmRSS and VmHWM in bytes', () => {
    expect(parseStatusMemory(STATUS)).toEqual({
      name: 'python3.11',
      rssBytes: 100 * MIB,
      hwmBytes: 200 * MIB,
    });
  });

  it('has no memory figures for a kernel thread or a zombie (no Vm* lines)', () => {
    expect(parseStatusMemory('Name:\tkworker/0:1\nState:\tI (idle)\nPid:\t12\n')).toEqual({
      name: 'kworker/0:1',
    });
    expect(parseStatusMemory('Name:\tpip\nState:\tZ (zombie)\n')).toEqual({ name: 'pip' });
  });

  it('does not take VmRSS from a line that only starts like it', () => {
    const status = 'Name:\tx\nVmRSSExtra:\t5 kB\nVmRSS:\t8 kB\nVmHWM:\t9 kB\n';
    expect(parseStatusMemory(status)).toMatchObject({ rssBytes: 8 * 1024, hwmBytes: 9 * 1024 });
  });

  it('rejects a figure in another unit instead of guessing', () => {
    expect(() => parseStatusMemory('Name:\tx\nVmRSS:\t8 MB\n')).toThrow(
      /unexpected \/proc status field VmRSS/,
    );
  });
});

describe('parseShmem', () => {
  it('reads Shmem of /proc/meminfo in bytes', () => {
    expect(parseShmem('MemTotal:       24634020 kB\nShmem:             65540 kB\nKReclaimable: 1 kB\n')).toBe(
      65540 * 1024,
    );
    expect(parseShmem('MemTotal: 1 kB\n')).toBeUndefined();
  });
});

describe('parseChildren', () => {
  it('reads space-separated pids, with the trailing space the kernel writes', () => {
    expect(parseChildren('101 102 205 ')).toEqual([101, 102, 205]);
    expect(parseChildren('')).toEqual([]);
    expect(parseChildren('\n')).toEqual([]);
  });
});

const peak = (tree: number, largest: number, name: string): PeakMemory => ({
  treePeakBytes: tree * MIB,
  largestProcessPeakBytes: largest * MIB,
  largestProcess: name,
  samples: 10,
  processes: 2,
  samplingMs: 1,
  ramFilesPeakBytes: 0,
});

describe('sequentialPeak', () => {
  it('takes the larger of each figure of commands run one after the other', () => {
    expect(sequentialPeak([peak(300, 120, 'python3'), peak(20, 20, 'zip')])).toMatchObject({
      treePeakBytes: 300 * MIB,
      largestProcessPeakBytes: 120 * MIB,
      largestProcess: 'python3',
      samples: 20,
    });
    expect(sequentialPeak([peak(30, 25, 'python3'), peak(40, 40, 'zip')])).toMatchObject({
      treePeakBytes: 40 * MIB,
      largestProcess: 'zip',
    });
  });

  it('is undefined when one of the commands was not measured', () => {
    expect(sequentialPeak([peak(1, 1, 'a'), undefined])).toBeUndefined();
    expect(sequentialPeak([])).toBeUndefined();
  });
});

describe('peakMemoryOf', () => {
  it('summarizes both sides when every run was measured', () => {
    const result = peakMemoryOf(
      [peak(100, 80, 'node'), peak(120, 90, 'python3.11')],
      [peak(60, 50, 'python3')],
    );
    if ('notMeasured' in result) throw new Error(result.notMeasured);
    expect(result.ours.treeBytes.median).toBe(110 * MIB);
    expect(result.ours.largestProcesses).toEqual(['node', 'python3.11']);
    expect(result.baseline.largestProcessBytes.max).toBe(50 * MIB);
    expect(result.intervalMs).toBe(25);
  });

  it('says why where it could not be measured', () => {
    expect(peakMemoryOf([undefined], [undefined], 'darwin')).toEqual({
      notMeasured: "needs Linux's /proc (this is darwin)",
    });
    expect(peakMemoryOf([peak(1, 1, 'a')], [undefined], 'linux')).toMatchObject({
      notMeasured: expect.stringContaining('children'),
    });
  });
});

// A child that holds `parent` MiB while a grandchild it started holds `grandchild` MiB, both for
// `seconds`, then exits. b"x" * n writes every byte, so its pages are resident (bytes(n) would be
// calloc'd zero pages, which are not).
const hold = (parent: number, grandchild: number, seconds: number): string =>
  [
    'import subprocess, sys, time',
    `child = subprocess.Popen([sys.executable, "-c", "import time; b = b'x' * (${grandchild} << 20); time.sleep(${seconds})"])`,
    `b = b"x" * (${parent} << 20)`,
    `time.sleep(${seconds})`,
    'child.wait()',
  ].join('\n');

describe.runIf(process.platform === 'linux')('runTimed peak memory (Linux)', () => {
  it('lists the children of this process', () => {
    expect(childrenOf('self')).toBeInstanceOf(Array);
  });

  it("adds up the child's and the grandchild's RSS, and finds the largest process", async () => {
    // The interpreter itself: a pyenv shim would add its own bash processes to the tree.
    const python = (
      await runTimed('python3', ['-c', 'import sys; print(sys.executable)'], { timeoutMs: 60_000 })
    ).stdout.trim();
    const run = await runTimed(python, ['-c', hold(160, 80, 0.6)], {
      timeoutMs: 60_000,
      sampleMemory: true,
    });
    expect(run.code).toBe(0);
    const memory = run.memory;
    if (!memory) throw new Error('no peak memory');
    // Each Python holds its buffer plus ~10 MiB of interpreter.
    expect(memory.largestProcessPeakBytes).toBeGreaterThanOrEqual(160 * MIB);
    expect(memory.largestProcessPeakBytes).toBeLessThan(220 * MIB);
    expect(memory.largestProcess).toMatch(/^python/);
    expect(memory.treePeakBytes).toBeGreaterThanOrEqual(240 * MIB);
    expect(memory.treePeakBytes).toBeLessThan(340 * MIB);
    expect(memory.processes).toBe(2);
    expect(memory.samples).toBeGreaterThanOrEqual(10);
  });

  it.runIf(existsSync('/dev/shm'))(
    'counts what the command keeps in a tmpfs (/dev/shm), which no RSS shows',
    async () => {
      const file = `/dev/shm/bench-memory-test-${process.pid}`;
      try {
        // 64 MiB written to a tmpfs file 1 MiB at a time and kept for 0.6 s by a ~10 MiB process.
        const code = [
          'import time',
          `with open(${JSON.stringify(file)}, "wb") as f:`,
          '    for _ in range(64): f.write(b"x" * (1 << 20))',
          'time.sleep(0.6)',
        ].join('\n');
        const run = await runTimed('python3', ['-c', code], { timeoutMs: 60_000, sampleMemory: true });
        expect(run.code).toBe(0);
        expect(run.memory?.ramFilesPeakBytes).toBeGreaterThanOrEqual(60 * MIB);
        expect(run.memory?.treePeakBytes).toBeLessThan(40 * MIB);
      } finally {
        await rm(file, { force: true });
      }
    },
  );

  it('measures nothing unless asked', async () => {
    const run = await runTimed('python3', ['-c', 'pass'], { timeoutMs: 60_000 });
    expect(run.memory).toBeUndefined();
  });
});
