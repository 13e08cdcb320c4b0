/**
 * Spawning the measured commands through the project's process runner (own process group, hard
 * timeout): wall time from spawn to exit, CPU time of the command's process tree, and each output
 * line stamped with its arrival time so stage boundaries can be read from a tool's progress output.
 */
import { readFileSync } from 'node:fs';
import { type RunResult, runProcess } from '../src/process.js';
import { type PeakMemory, prepareMemorySampling } from './memory.js';

export interface StampedLine {
  /** Milliseconds after spawn at which the line arrived. */
  readonly atMs: number;
  readonly stream: 'stdout' | 'stderr';
  readonly text: string;
}

export interface TimedRun {
  readonly command: string;
  readonly code: number | null;
  readonly wallMs: number;
  /**
   * CPU time (user + system) of the command and every descendant it waited for, in ms; undefined
   * where /proc/self/stat cannot be read (not Linux). See childCpuMs for when it is valid.
   */
  readonly cpuMs?: number;
  /**
   * Peak memory of the command's process tree (see bench/memory.ts), when asked for with
   * `sampleMemory` and /proc can list children (Linux).
   */
  readonly memory?: PeakMemory;
  readonly lines: readonly StampedLine[];
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
}

export interface RunOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly timeoutMs: number;
  /** Sample the peak memory of the command's process tree every 25 ms (bench/memory.ts). */
  readonly sampleMemory?: boolean;
}

/** CPU time the kernel has charged to a process's waited-for children, in clock ticks. */
export interface ChildCpuTicks {
  /** cutime: user time of waited-for children (each including its own waited-for children). */
  readonly user: number;
  /** cstime: system time of the same. */
  readonly system: number;
}

/**
 * cutime and cstime from a /proc/<pid>/stat line (proc(5): fields 16 and 17). The second field
 * is the command name in parentheses and may itself contain spaces and parentheses, so the fields
 * are counted from after the LAST ')': there the state is field 3.
 */
export function parseChildCpuTicks(stat: string): ChildCpuTicks {
  const close = stat.lastIndexOf(')');
  const fields =
    close < 0
      ? []
      : stat
          .slice(close + 1)
          .trim()
          .split(/\s+/);
  const field = (n: number): number => {
    const text = fields[n - 3];
    if (text === undefined || !/^\d+$/.test(text))
      throw new Error(
        `unexpected /proc stat line (field ${n} is ${text ?? 'missing'}): ${stat.slice(0, 200)}`,
      );
    return Number(text);
  };
  return { user: field(16), system: field(17) };
}

/**
 * Clock ticks per second of /proc's time fields: USER_HZ, which Linux reports to user space as 100
 * on every architecture (sysconf(_SC_CLK_TCK)), whatever the kernel's internal HZ. So 10 ms steps.
 */
const USER_HZ = 100;

/**
 * CPU ms charged so far to this process's waited-for children, or undefined where
 * /proc/self/stat does not exist. A child's CPU is added (with that of the descendants it waited
 * for: pip, compileall's pool workers; threads are in-process anyway) when the child is reaped,
 * which Node has done before runProcess resolves. The difference around one spawn is therefore
 * that command's tree only while no other child of this process exits in between: valid when one
 * measured command runs at a time (the harness awaits each build before starting the next).
 * Descendants that outlive their parent are reparented and not counted.
 */
export function childCpuMs(): number | undefined {
  let stat: string;
  try {
    // Synchronous: a read of a few hundred bytes, and nothing else may run between it and the spawn.
    stat = readFileSync('/proc/self/stat', 'utf8');
  } catch {
    return undefined;
  }
  const ticks = parseChildCpuTicks(stat);
  return ((ticks.user + ticks.system) * 1000) / USER_HZ;
}

/** Shell-like rendering of a command line, for reports and error messages. */
export function renderCommand(file: string, args: readonly string[]): string {
  const quote = (part: string): string =>
    /^[\w@%+=:,./-]+$/.test(part) ? part : `'${part.replace(/'/g, `'\\''`)}'`;
  return [file, ...args].map(quote).join(' ');
}

export async function runTimed(
  file: string,
  args: readonly string[],
  options: RunOptions,
): Promise<TimedRun> {
  const command = renderCommand(file, args);
  const started = performance.now();
  const lines: StampedLine[] = [];
  let stderr = '';
  let result: RunResult;
  const cpuBefore = childCpuMs();
  const startSampling = options.sampleMemory ? prepareMemorySampling() : undefined;
  let sampling: { stop(): PeakMemory | undefined } | undefined;
  try {
    const running = runProcess(file, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      environment: 'user',
      timeoutMs: options.timeoutMs,
      onLine: (text, stream) => {
        lines.push({ atMs: performance.now() - started, stream, text });
        if (stream === 'stderr') stderr += `${text}\n`;
      },
    });
    // runProcess has spawned by now (synchronously): the new child of this process is the command.
    sampling = startSampling?.();
    result = await running;
  } catch (error) {
    sampling?.stop();
    throw new Error(`cannot run ${command}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const wallMs = performance.now() - started;
  const cpuAfter = childCpuMs();
  const memory = sampling?.stop();
  return {
    command,
    code: result.code,
    wallMs,
    ...(cpuBefore !== undefined && cpuAfter !== undefined ? { cpuMs: cpuAfter - cpuBefore } : {}),
    ...(memory ? { memory } : {}),
    lines,
    stdout: result.stdout,
    stderr,
    timedOut: result.timedOut,
  };
}

/** runTimed, failing with the command's output when it does not exit 0. */
export async function runChecked(
  file: string,
  args: readonly string[],
  options: RunOptions,
): Promise<TimedRun> {
  const run = await runTimed(file, args, options);
  if (run.code !== 0 || run.timedOut) {
    const tail = `${run.stdout}\n${run.stderr}`.trim().split('\n').slice(-40).join('\n');
    throw new Error(`${run.timedOut ? 'timed out' : `exited with ${run.code}`}: ${run.command}\n${tail}`);
  }
  return run;
}
