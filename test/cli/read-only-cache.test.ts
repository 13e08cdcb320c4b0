/**
 * A --cache-dir that cannot be written (a read-only mount: the tests run as root, for whom a
 * chmod 0555 folder is still writable) is a warning naming the folder, and the build goes on:
 * without saving anything there, with the pinned pip kept elsewhere, and still restoring the
 * layers a read-only cache holds. The CLI runs in a mount namespace of its own (unshare -m) in
 * which the folder is mounted read-only: nothing changes for the rest of the machine.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findInterpreter, findPipPython } from '../../src/resolve/interpreters.js';
import { PINNED_PIP } from '../../src/resolve/pinned-pip.js';
import { runCli } from '../support/cli-process.js';
import { NO_MIRROR_MESSAGE, pinnedPipWheelFromMirror } from '../support/mirror.js';
import { createPackageIndex, isolatedPipEnv, type PackageIndex } from '../support/package-index.js';

/** Runs the command with `dir` mounted read-only: an empty tmpfs, or the folder itself bound read-only. */
const readOnly = (dir: string, how: 'empty' | 'as-is'): string[] => [
  'unshare',
  '-m',
  '--propagation',
  'private',
  'sh',
  '-c',
  how === 'empty'
    ? 'mount -t tmpfs -o ro tmpfs "$0" && exec "$@"'
    : 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && exec "$@"',
  dir,
];

let index: PackageIndex | undefined;
let work: string;
let canMount = false;
let hasPython311 = false;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'read-only-cache-'));
  hasPython311 = Boolean(await findInterpreter('3.11'));
  await mkdir(join(work, 'probe'));
  const probe = spawnSync(
    readOnly(join(work, 'probe'), 'empty')[0] as string,
    [...readOnly(join(work, 'probe'), 'empty').slice(1), 'true'],
    { timeout: 10_000 },
  );
  canMount = probe.status === 0;
  if (!canMount)
    console.warn(`no mount namespace here (${probe.stderr}): the read-only cache tests are SKIPPED`);
  const host = await findPipPython();
  const pip = pinnedPipWheelFromMirror(host.path, join(work, 'pip'), PINNED_PIP.version, PINNED_PIP.filename);
  if (!pip) {
    console.warn(NO_MIRROR_MESSAGE);
    return;
  }
  index = await createPackageIndex({
    copies: [pip],
    wheels: [{ name: 'alpha', version: '1.0', files: { 'alpha/__init__.py': 'X = 1\n' } }],
  });
  await writeFile(join(work, 'requirements.txt'), 'alpha\n');
}, 180_000);

afterAll(async () => {
  await index?.cleanup();
  if (work) await rm(work, { recursive: true, force: true });
});

let counter = 0;
async function build(cacheDir: string, wrapper: readonly string[], extra: readonly string[] = []) {
  const out = join(work, `out-${counter++}`);
  const run = await runCli(
    [
      'build',
      '--out',
      out,
      '--cache-dir',
      cacheDir,
      '--index-url',
      (index as PackageIndex).indexUrl,
      '--no-import-proof',
      ...extra,
    ],
    { cwd: work, env: isolatedPipEnv(), timeoutMs: 300_000, wrapper },
  );
  const manifest =
    run.code === 0 ? JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) : undefined;
  return { ...run, manifest };
}

describe('a cache folder that cannot be written', () => {
  it('an empty read-only one: a warning naming it, and the build succeeds', async (context) => {
    if (!index || !canMount || !hasPython311) context.skip();
    const cacheDir = join(work, 'empty-ro');
    await mkdir(cacheDir);
    const run = await build(cacheDir, readOnly(cacheDir, 'empty'));
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(
      `warning: The cache folder ${cacheDir} cannot be written (EROFS in mkdtemp)`,
    );
    expect(run.stderr).toContain(
      `warning: The cache folder ${cacheDir} cannot be written (EROFS): pip ${PINNED_PIP.version} goes to`,
    );
    expect(run.stderr).not.toMatch(/unexpected error|ENOENT/);
    expect(run.manifest.packages.map((p: { name: string }) => p.name)).toEqual(['alpha']);
  }, 600_000);

  it('a filled one mounted read-only: its layer is still restored, and a rebuild saves nothing there', async (context) => {
    if (!index || !canMount || !hasPython311) context.skip();
    const cacheDir = join(work, 'filled');
    const first = await build(cacheDir, []);
    expect(first.code, first.stderr).toBe(0);

    const hit = await build(cacheDir, readOnly(cacheDir, 'as-is'));
    expect(hit.code, hit.stderr).toBe(0);
    expect(hit.stderr).toContain(`The cache folder ${cacheDir} cannot be written (EROFS`);
    expect(hit.stderr).toContain('Cache hit');
    expect(hit.manifest.layer.sha256).toBe(first.manifest.layer.sha256);

    const rebuilt = await build(cacheDir, readOnly(cacheDir, 'as-is'), ['--force-rebuild', '--verbose']);
    expect(rebuilt.code, rebuilt.stderr).toBe(0);
    // Its pinned pip is checked and run from the read-only folder: nothing fetched (--verbose:
    // the line naming the pip it runs is debug output).
    expect(rebuilt.stderr).toContain(`Using pip ${PINNED_PIP.version} from the tool cache ${cacheDir}`);
    expect(rebuilt.stderr).toContain(
      `Did not save the layer to the local cache ${cacheDir}: ${cacheDir} cannot be written`,
    );
    expect(rebuilt.manifest.layer.sha256).toBe(first.manifest.layer.sha256);
  }, 600_000);
});
