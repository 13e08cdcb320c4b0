/**
 * Peak memory of a measured command's process tree, sampled from /proc while it runs (Linux only).
 *
 * Every SAMPLE_INTERVAL_MS the sampler walks the tree from the spawned process down through
 * /proc/<pid>/task/<tid>/children (every thread's list: a child forked by any thread is listed
 * under that thread), reads /proc/<pid>/status of each live process, and keeps
 *   - the tree peak: the largest sum of VmRSS over the processes alive at one sample. Sampled, so
 *     a peak shorter than the interval can be missed; resident pages shared between processes
 *     (the interpreter's text, copy-on-write pages of forked workers) count once per process,
 *     as `ps` and `top` would add them up;
 *   - the largest single-process peak: the largest VmHWM seen, per process. VmHWM is the
 *     kernel's own high-water mark of that process's RSS, so it is exact up to the process's last
 *     sample (growth in its final < interval is missed, and a process that lives less than one
 *     interval may never be seen).
 *
 * Why not getrusage: Node's process.resourceUsage().maxRSS is the harness's own peak, and
 * getrusage(RUSAGE_CHILDREN) (not exposed by Node) is the largest peak of any waited-for
 * descendant since the harness started, across every command it ran, not per command, and not
 * the sum of a tree. Neither tells one build's figure.
 *
 * The spawned process is found without a hook in the process runner: the harness's children are
 * listed just before the spawn; the new one(s) after it are the command (runProcess spawns
 * synchronously, and one measured command runs at a time). A process that leaves the tree by
 * being reparented (its parent exited first) is no longer counted.
 *
 * Files a command keeps in a RAM file system (our build stages its tree in /dev/shm, a tmpfs)
 * are memory no process's RSS shows: the sampler also keeps the largest rise of the machine's
 * Shmem (/proc/meminfo, which counts tmpfs pages) over its value at the first sample. It is
 * machine-wide, so anything else writing to a tmpfs meanwhile counts too.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { type Summary, summarize } from './stats.js';

export const SAMPLE_INTERVAL_MS = 25;

export interface PeakMemory {
  /** Largest sum of VmRSS over the tree at one sample, in bytes. */
  readonly treePeakBytes: number;
  /** Largest VmHWM of any single process of the tree, in bytes. */
  readonly largestProcessPeakBytes: number;
  /** The command name (/proc comm) of that process. */
  readonly largestProcess: string;
  /** Samples taken, and distinct processes seen over them. */
  readonly samples: number;
  readonly processes: number;
  /** Time the harness spent sampling (its own thread, synchronous reads), in ms. */
  readonly samplingMs: number;
  /** Largest rise of the machine's Shmem (tmpfs files) over the first sample, in bytes. */
  readonly ramFilesPeakBytes: number;
}

/** Shmem of a /proc/meminfo text, in bytes (undefined when absent). */
export function parseShmem(meminfo: string): number | undefined {
  const match = /^Shmem:\s*(\d+)\s*kB$/m.exec(meminfo);
  return match ? Number(match[1]) * 1024 : undefined;
}

/** VmRSS and VmHWM of a /proc/<pid>/status text, in bytes (absent for kernel threads, zombies). */
export function parseStatusMemory(status: string): {
  readonly name?: string;
  readonly rssBytes?: number;
  readonly hwmBytes?: number;
} {
  const field = (key: string): string | undefined => {
    const match = new RegExp(`^${key}:[ \\t]*(.*)$`, 'm').exec(status);
    return match ? (match[1] as string).trim() : undefined;
  };
  const kib = (key: string): number | undefined => {
    const text = field(key);
    if (text === undefined) return undefined;
    const match = /^(\d+)\s*kB$/i.exec(text);
    if (!match) throw new Error(`unexpected /proc status field ${key}: ${text}`);
    return Number(match[1]) * 1024;
  };
  const name = field('Name');
  const rssBytes = kib('VmRSS');
  const hwmBytes = kib('VmHWM');
  return {
    ...(name !== undefined ? { name } : {}),
    ...(rssBytes !== undefined ? { rssBytes } : {}),
    ...(hwmBytes !== undefined ? { hwmBytes } : {}),
  };
}

/** The pids of a /proc/<pid>/task/<tid>/children text (space-separated, possibly empty). */
export function parseChildren(text: string): number[] {
  return text
    .split(/\s+/)
    .filter((part) => /^\d+$/.test(part))
    .map(Number);
}

function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    // The process or thread exited between listing and reading.
    return undefined;
  }
}

/** Children of a process over all its threads; undefined when /proc cannot tell (not Linux). */
export function childrenOf(pid: number | 'self'): number[] | undefined {
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return undefined;
  }
  const children = new Set<number>();
  let readable = false;
  for (const tid of tids) {
    const text = readOrUndefined(`/proc/${pid}/task/${tid}/children`);
    if (text === undefined) continue;
    readable = true;
    for (const child of parseChildren(text)) children.add(child);
  }
  // No children file at all: a kernel without CONFIG_PROC_CHILDREN, or the process is gone.
  return readable ? [...children] : undefined;
}

/**
 * Tracks the peak of one tree. `tick` takes one sample; the roots are found on the first sample
 * that sees a child of this process not in `before`.
 */
export class TreeMemorySampler {
  private roots: number[] = [];
  private treePeak = 0;
  private readonly hwm = new Map<number, { name: string; bytes: number }>();
  private samples = 0;
  private samplingMs = 0;
  private shmemAtStart: number | undefined;
  private ramFilesPeak = 0;

  constructor(private readonly before: ReadonlySet<number>) {}

  tick(): void {
    const started = performance.now();
    const shmem = parseShmem(readOrUndefined('/proc/meminfo') ?? '');
    if (shmem !== undefined) {
      this.shmemAtStart ??= shmem;
      this.ramFilesPeak = Math.max(this.ramFilesPeak, shmem - this.shmemAtStart);
    }
    if (this.roots.length === 0) {
      this.roots = (childrenOf('self') ?? []).filter((pid) => !this.before.has(pid));
    }
    if (this.roots.length > 0) {
      const seen = new Set<number>();
      const stack = [...this.roots];
      let sum = 0;
      while (stack.length > 0) {
        const pid = stack.pop() as number;
        if (seen.has(pid)) continue;
        seen.add(pid);
        const status = readOrUndefined(`/proc/${pid}/status`);
        if (status === undefined) continue;
        const memory = parseStatusMemory(status);
        sum += memory.rssBytes ?? 0;
        if (memory.hwmBytes !== undefined) {
          const known = this.hwm.get(pid);
          if (!known || memory.hwmBytes > known.bytes)
            this.hwm.set(pid, { name: memory.name ?? '?', bytes: memory.hwmBytes });
        }
        for (const child of childrenOf(pid) ?? []) stack.push(child);
      }
      this.treePeak = Math.max(this.treePeak, sum);
      this.samples++;
    }
    this.samplingMs += performance.now() - started;
  }

  result(): PeakMemory | undefined {
    if (this.samples === 0) return undefined;
    let largest = { name: '?', bytes: 0 };
    for (const entry of this.hwm.values()) if (entry.bytes > largest.bytes) largest = entry;
    return {
      treePeakBytes: this.treePeak,
      largestProcessPeakBytes: largest.bytes,
      largestProcess: largest.name,
      samples: this.samples,
      processes: this.hwm.size,
      samplingMs: this.samplingMs,
      ramFilesPeakBytes: this.ramFilesPeak,
    };
  }
}

/**
 * Call right before spawning the command: lists this process's children, and returns a function
 * to call right after the (synchronous) spawn that starts sampling; its `stop` gives the peaks.
 * Undefined where /proc cannot list children (not Linux): nothing is measured.
 */
export function prepareMemorySampling(
  intervalMs = SAMPLE_INTERVAL_MS,
): (() => { stop(): PeakMemory | undefined }) | undefined {
  const before = childrenOf('self');
  if (before === undefined) return undefined;
  return () => {
    const sampler = new TreeMemorySampler(new Set(before));
    sampler.tick();
    const timer = setInterval(() => sampler.tick(), intervalMs);
    timer.unref();
    return {
      stop() {
        clearInterval(timer);
        return sampler.result();
      },
    };
  };
}

/** Peaks of commands run one after the other (pip, then zip): the larger of each figure. */
export function sequentialPeak(runs: readonly (PeakMemory | undefined)[]): PeakMemory | undefined {
  if (runs.length === 0 || runs.some((run) => run === undefined)) return undefined;
  const present = runs as readonly PeakMemory[];
  const largest = present.reduce((a, b) => (b.largestProcessPeakBytes > a.largestProcessPeakBytes ? b : a));
  return {
    treePeakBytes: Math.max(...present.map((run) => run.treePeakBytes)),
    largestProcessPeakBytes: largest.largestProcessPeakBytes,
    largestProcess: largest.largestProcess,
    samples: present.reduce((sum, run) => sum + run.samples, 0),
    processes: present.reduce((sum, run) => sum + run.processes, 0),
    samplingMs: present.reduce((sum, run) => sum + run.samplingMs, 0),
    ramFilesPeakBytes: Math.max(...present.map((run) => run.ramFilesPeakBytes)),
  };
}

/** Peak memory over the runs of one side of the cold build, in bytes. */
export interface PeakMemorySummary {
  /** The whole process tree: the largest sum of VmRSS at one sample, per run. */
  readonly treeBytes: Summary;
  /** The largest single process: the largest VmHWM seen of any process of the tree, per run. */
  readonly largestProcessBytes: Summary;
  /** Command names (/proc comm) of that process over the runs, distinct. */
  readonly largestProcesses: readonly string[];
  /** Samples taken per run. */
  readonly samples: Summary;
  /** Time the harness spent sampling per run (synchronous /proc reads on its own thread). */
  readonly samplingMs: Summary;
  /** Largest rise of tmpfs files (Shmem) per run; absent in results written before it was kept. */
  readonly ramFilesBytes?: Summary;
}

/**
 * Peak memory of both sides of the cold build, sampled every intervalMs; `notMeasured` where
 * /proc cannot list a process's children (not Linux).
 */
export type ColdBuildPeakMemory =
  | {
      readonly ours: PeakMemorySummary;
      readonly baseline: PeakMemorySummary;
      readonly intervalMs: number;
    }
  | { readonly notMeasured: string };

function peakSummary(runs: readonly PeakMemory[]): PeakMemorySummary {
  return {
    treeBytes: summarize(runs.map((r) => r.treePeakBytes)),
    largestProcessBytes: summarize(runs.map((r) => r.largestProcessPeakBytes)),
    largestProcesses: [...new Set(runs.map((r) => r.largestProcess))],
    samples: summarize(runs.map((r) => r.samples)),
    samplingMs: summarize(runs.map((r) => r.samplingMs)),
    ramFilesBytes: summarize(runs.map((r) => r.ramFilesPeakBytes)),
  };
}

/** Peak memory of both sides, or why it was not measured (every run of both sides must have it). */
export function peakMemoryOf(
  ours: readonly (PeakMemory | undefined)[],
  baseline: readonly (PeakMemory | undefined)[],
  platform: NodeJS.Platform = process.platform,
): ColdBuildPeakMemory {
  const all = [...ours, ...baseline];
  if (all.length === 0 || all.some((m) => m === undefined)) {
    return {
      notMeasured:
        platform === 'linux'
          ? "no sample of a run's process tree (this kernel's /proc may not list children: /proc/<pid>/task/<tid>/children)"
          : `needs Linux's /proc (this is ${platform})`,
    };
  }
  return {
    ours: peakSummary(ours as PeakMemory[]),
    baseline: peakSummary(baseline as PeakMemory[]),
    intervalMs: SAMPLE_INTERVAL_MS,
  };
}
