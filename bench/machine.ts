/** The machine a benchmark ran on: enough to judge whether two reports are comparable. */
import { readFile } from 'node:fs/promises';
import * as os from 'node:os';
import { runTimed } from './process.js';

export interface MachineInfo {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly os: string;
  readonly kernel: string;
  readonly node: string;
  readonly python: string;
  readonly pythonPath: string;
  readonly pip: string;
  readonly zip: string;
  readonly unzip: string;
  /** 1-minute load average when the run started and when it ended (other work on the machine). */
  readonly loadAverage: { start?: number; end?: number };
}

/** The first output line of a command matching `pattern` (default: any non-empty line). */
async function firstLine(
  file: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  pattern = /\S/,
): Promise<string> {
  try {
    const run = await runTimed(file, args, { env, timeoutMs: 30_000 });
    const lines = `${run.stdout}\n${run.stderr}`.split('\n').map((line) => line.trim());
    return lines.find((line) => pattern.test(line)) ?? 'unknown';
  } catch {
    return 'not found';
  }
}

async function osName(): Promise<string> {
  try {
    const text = await readFile('/etc/os-release', 'utf8');
    return /^PRETTY_NAME="?([^"\n]*)"?/m.exec(text)?.[1] ?? os.type();
  } catch {
    return os.type();
  }
}

export async function describeMachine(python: string, env: NodeJS.ProcessEnv): Promise<MachineInfo> {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    os: await osName(),
    kernel: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    python: (await firstLine(python, ['--version'], env)).replace(/^Python /, ''),
    pythonPath: python,
    pip: (await firstLine(python, ['-m', 'pip', '--version'], env)).split(' from ')[0] ?? 'unknown',
    zip: (await firstLine('zip', ['-v'], env, /^This is Zip/)).replace(/^This is /, ''),
    unzip: await firstLine('unzip', ['-v'], env),
    loadAverage: { start: os.loadavg()[0] },
  };
}
