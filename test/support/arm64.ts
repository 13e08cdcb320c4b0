/**
 * A real aarch64 CPython for tests on an x86_64 machine: scripts/arm64-python.sh unpacks Debian's
 * arm64 python3.11 into a cached sysroot that qemu-aarch64-static runs, and installs the cross
 * compiler that builds real aarch64 extension modules against its headers. .ci/run prepares it
 * before the tests; here the script only confirms it (milliseconds when ready). A machine where
 * it cannot be prepared (no root, no apt) gets `undefined` and the caller says so loudly.
 */
import { execFile, execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const SCRIPT = join(import.meta.dirname, '..', '..', 'scripts', 'arm64-python.sh');

export interface Arm64Python {
  /** Root qemu resolves the interpreter's libraries in (`-L`). */
  readonly sysroot: string;
  /** The aarch64 interpreter, inside the sysroot. */
  readonly python: string;
  readonly qemu: string;
}

let prepared: Arm64Python | null | undefined;
let failure = '';

export function arm64Python(): Arm64Python | undefined {
  if (prepared !== undefined) return prepared ?? undefined;
  try {
    // Up to 15 minutes when it has to download (first run outside .ci/run).
    const out = execFileSync('bash', [SCRIPT], {
      encoding: 'utf8',
      timeout: 900_000,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const sysroot = out.trim().split('\n').at(-1) ?? '';
    const qemu = execFileSync('bash', ['-c', 'command -v qemu-aarch64-static'], { encoding: 'utf8' }).trim();
    prepared = { sysroot, python: join(sysroot, 'usr', 'bin', 'python3.11'), qemu };
  } catch (error) {
    failure = error instanceof Error ? error.message.split('\n').slice(0, 3).join(' ') : String(error);
    prepared = null;
  }
  return prepared ?? undefined;
}

export function noArm64Message(): string {
  return `NO AARCH64 PYTHON: scripts/arm64-python.sh failed (${failure}); the arm64 import-proof tests are SKIPPED.`;
}

/**
 * Compiles C source into an aarch64 CPython 3.11 extension module with aarch64-linux-gnu-gcc
 * against the sysroot's arm64 Python headers; returns the shared object's bytes' path.
 */
export async function crossCompileExtension(
  arm64: Arm64Python,
  source: string,
  output: string,
): Promise<void> {
  await run(
    'aarch64-linux-gnu-gcc',
    [
      '-shared',
      '-fPIC',
      '-O2',
      // pyconfig.h includes <aarch64-linux-gnu/python3.11/pyconfig.h>: the sysroot's include dir.
      `-I${join(arm64.sysroot, 'usr', 'include')}`,
      `-I${join(arm64.sysroot, 'usr', 'include', 'python3.11')}`,
      '-x',
      'c',
      source,
      '-o',
      output,
    ],
    { timeout: 120_000 },
  );
}
