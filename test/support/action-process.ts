/**
 * The action from source as the runner starts it: `node src/index.ts` (through tsx) with the
 * real @actions/core, inputs as INPUT_* variables, outputs and the summary in the files the
 * runner names. Its stdout is exactly the command stream the runner parses (local-action prints
 * its own stub format instead, and masks secrets itself), so tests of what reaches the runner
 * read this. Own process group, bounded by a timeout.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = join(import.meta.dirname, '..', '..');
const tsxLoader = pathToFileURL(join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

export interface ActionProcessRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** The command stream. */
  readonly stdout: string;
  readonly stderr: string;
  readonly outputs: string;
  readonly summary: string;
}

export interface RunningAction {
  readonly pid: number;
  readonly output: () => string;
  readonly done: Promise<ActionProcessRun>;
}

export function startAction(
  inputs: Record<string, string>,
  env: Record<string, string>,
  timeoutMs = 240_000,
): RunningAction {
  const files = mkdtempSync(join(tmpdir(), 'action-files-'));
  const outputFile = join(files, 'output');
  const summaryFile = join(files, 'summary.md');
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  const inputEnv = Object.fromEntries(
    Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]),
  );
  const child = spawn(process.execPath, ['--import', tsxLoader, join(root, 'src', 'index.ts')], {
    cwd: env.GITHUB_WORKSPACE ?? root,
    env: {
      ...process.env,
      ...env,
      ...inputEnv,
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summaryFile,
      NODE_OPTIONS: '',
      FORCE_COLOR: '0',
    },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const timer = setTimeout(() => {
    if (child.pid) process.kill(-child.pid, 'SIGKILL');
  }, timeoutMs);
  const done = new Promise<ActionProcessRun>((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code,
        signal,
        stdout,
        stderr,
        outputs: readFileSync(outputFile, 'utf8'),
        summary: readFileSync(summaryFile, 'utf8'),
      });
    });
  });
  return { pid: child.pid as number, output: () => stdout, done };
}
