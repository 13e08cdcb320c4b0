/**
 * A full disk is said in one line naming the folder that filled and what to do, on the real CLI
 * with folders on a 1 MiB tmpfs (mounted here, so root only: skipped elsewhere):
 * - TMPDIR full while pip downloads: not pip's Python traceback, but the temporary folder;
 * - the output folder full while layer.zip is written: not "a file cannot be written".
 * The wheel holds 3 MiB of random bytes, which no compression brings under 1 MiB.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCacheDir } from '../../src/cache/dir-store.js';
import { runCli } from '../support/cli-process.js';
import { createPackageIndex, isolatedPipEnv, type PackageIndex } from '../support/package-index.js';
import { seedPinnedPip } from '../support/pinned-pip-setup.js';

function canMount(): boolean {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
  try {
    execFileSync('mount', ['--version'], { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

let index: PackageIndex;
let cwd: string;
let small: string;
let env: NodeJS.ProcessEnv;
let mounted = false;

beforeAll(async () => {
  if (!canMount()) return;
  index = await createPackageIndex({
    wheels: [{ name: 'fat', version: '1.0', files: { 'fat/blob.bin': randomBytes(3 * 1024 * 1024) } }],
  });
  cwd = await mkdtemp(join(tmpdir(), 'cli-disk-full-'));
  small = join(cwd, 'small');
  await mkdir(small);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', small], { timeout: 10_000 });
  mounted = true;
  await writeFile(join(cwd, 'requirements.txt'), 'fat==1.0\n');
  env = { ...isolatedPipEnv(), XDG_CACHE_HOME: join(cwd, '.cache'), PIP_NO_CACHE_DIR: '1' };
  await seedPinnedPip(defaultCacheDir(env));
}, 120_000);

afterAll(async () => {
  if (mounted) execFileSync('umount', [small], { timeout: 10_000 });
  await index?.cleanup();
  if (cwd) await rm(cwd, { recursive: true, force: true });
});

function errorLines(stderr: string): string[] {
  return stderr.split('\n').filter((line) => line.startsWith('error: '));
}

describe.runIf(canMount())('a full disk names the folder', () => {
  it('TMPDIR full while pip downloads: one line naming the temporary folder, no traceback', async () => {
    const run = await runCli(['build', '--no-cache', '--out', 'out-tmp', '--index-url', index.indexUrl], {
      cwd,
      env: { ...env, TMPDIR: small },
    });
    expect(run.code, run.stderr).toBe(1);
    expect(errorLines(run.stderr)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^error: the temporary folder ${small} \\(TMPDIR; .*cannot be written: its disk is full \\(ENOSPC`,
        ),
      ),
    ]);
    expect(run.stderr).toContain('set TMPDIR to a folder on a disk with room');
    expect(run.stderr).not.toMatch(/Traceback|OSError|unexpected error/);
  }, 300_000);

  it('the output folder full: one line naming it', async () => {
    const out = join(small, 'out');
    const run = await runCli(['build', '--no-cache', '--out', out, '--index-url', index.indexUrl], {
      cwd,
      env,
    });
    expect(run.code, run.stderr).toBe(1);
    expect(errorLines(run.stderr)).toEqual([
      expect.stringMatching(
        new RegExp(`^error: the output folder ${out} cannot be written: its disk is full \\(ENOSPC`),
      ),
    ]);
    expect(run.stderr).toContain('write the layer to a folder on a disk with room');
  }, 300_000);
});
