/**
 * What a damaged cache folder does to `lambda-layer build` (the real CLI in a process of its
 * own): a pinned pip whose module gained a line or lost a file is caught before it runs and
 * fetched again; a per-wheel entry whose placement table no longer says where a pyc's deflated
 * bytes are is caught before a byte of it reaches layer.zip. Every build succeeds and ships the
 * layer a cold build ships.
 */
import { existsSync } from 'node:fs';
import { appendFile, mkdtemp, readdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findInterpreter, findPipPython } from '../../src/resolve/interpreters.js';
import { PINNED_PIP } from '../../src/resolve/pinned-pip.js';
import { runCli } from '../support/cli-process.js';
import { NO_MIRROR_MESSAGE, pinnedPipWheelFromMirror } from '../support/mirror.js';
import { createPackageIndex, isolatedPipEnv, type PackageIndex } from '../support/package-index.js';

const modules = (name: string, count: number): Record<string, string> =>
  Object.fromEntries(
    Array.from({ length: count }, (_, i) => [`${name}/m${i}.py`, `def f${i}():\n    return ${i} * 2\n`]),
  );

let index: PackageIndex | undefined;
let work: string;
let hasPython311 = false;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'cache-damage-'));
  hasPython311 = Boolean(await findInterpreter('3.11'));
  const host = await findPipPython();
  const pip = pinnedPipWheelFromMirror(host.path, join(work, 'pip'), PINNED_PIP.version, PINNED_PIP.filename);
  if (!pip) {
    console.warn(NO_MIRROR_MESSAGE);
    return;
  }
  index = await createPackageIndex({
    copies: [pip],
    wheels: [
      { name: 'alpha', version: '1.0', files: modules('alpha', 12) },
      { name: 'beta', version: '1.0', files: modules('beta', 12) },
    ],
  });
  await writeFile(join(work, 'requirements.txt'), 'alpha\nbeta\n');
}, 180_000);

afterAll(async () => {
  await index?.cleanup();
  if (work) await rm(work, { recursive: true, force: true });
});

let counter = 0;
async function build(cacheDir: string, extra: readonly string[] = []) {
  const out = join(work, `out-${counter++}`);
  const run = await runCli(
    [
      'build',
      '-r',
      'requirements.txt',
      '--out',
      out,
      '--cache-dir',
      cacheDir,
      '--index-url',
      (index as PackageIndex).indexUrl,
      '--no-import-proof',
      ...extra,
    ],
    { cwd: work, env: isolatedPipEnv(), timeoutMs: 300_000 },
  );
  const manifest =
    run.code === 0 ? JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) : undefined;
  return { ...run, out, manifest };
}

async function verify(zip: string) {
  return runCli(['verify', zip], { cwd: work, env: isolatedPipEnv(), timeoutMs: 120_000 });
}

describe('a damaged pinned pip', () => {
  it('a line appended to one of its modules is caught before it runs, and pip is fetched again', async (context) => {
    if (!index || !hasPython311) context.skip();
    const cacheDir = join(work, 'pip-append');
    const first = await build(cacheDir);
    expect(first.code, first.stderr).toBe(0);
    const module = join(cacheDir, `pip-${PINNED_PIP.version}`, 'pip', '_internal', 'cli', 'main.py');
    const marker = join(work, 'the-appended-line-ran');
    await appendFile(module, `\nopen(${JSON.stringify(marker)}, "w").write("ran")\n`);

    const second = await build(cacheDir, ['--force-rebuild']);
    expect(second.code, second.stderr).toBe(0);
    expect(existsSync(marker)).toBe(false);
    expect(second.stderr).toContain(
      `The pinned pip in ${join(cacheDir, `pip-${PINNED_PIP.version}`)} is damaged (pip/_internal/cli/main.py does not have the sha256 it was unpacked with); fetching pip ${PINNED_PIP.version} again`,
    );
    expect(await readFile(module, 'utf8')).not.toContain('the-appended-line-ran');
    expect(second.manifest.layer.sha256).toBe(first.manifest.layer.sha256);

    // Repaired: the next build uses it as it is, without a word about damage (--verbose: the
    // line naming the pip it uses is debug output).
    const third = await build(cacheDir, ['--force-rebuild', '--verbose']);
    expect(third.code, third.stderr).toBe(0);
    expect(third.stderr).not.toContain('damaged');
    expect(third.stderr).toContain(`Using pip ${PINNED_PIP.version} from the tool cache`);
  }, 600_000);

  it('a deleted module is fetched again and the build succeeds', async (context) => {
    if (!index || !hasPython311) context.skip();
    const cacheDir = join(work, 'pip-delete');
    const first = await build(cacheDir);
    expect(first.code, first.stderr).toBe(0);
    const home = join(cacheDir, `pip-${PINNED_PIP.version}`);
    await unlink(join(home, 'pip', '_internal', 'commands', 'download.py'));

    const second = await build(cacheDir, ['--force-rebuild']);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toContain('(pip/_internal/commands/download.py is missing)');
    expect(existsSync(join(home, 'pip', '_internal', 'commands', 'download.py'))).toBe(true);
  }, 600_000);
});

describe('a damaged per-wheel entry', () => {
  /** The deflated-pycs index of one bytecode entry holding beta's pycs. */
  async function betaDeflatedIndex(cacheDir: string): Promise<string> {
    const bytecode = join(cacheDir, 'wheels', 'bytecode');
    for (const key of await readdir(bytecode)) {
      const file = join(bytecode, key, 'deflated', 'index.json');
      const text = await readFile(file, 'utf8').catch(() => '');
      if (text.includes('beta/')) return file;
    }
    throw new Error(`no deflated entry of beta under ${bytecode}`);
  }

  const cases = [
    ['its table only', false],
    ['its table and the digest over it', true],
  ] as const;
  for (const [changed, redigest] of cases) {
    it(`one pyc placed at offset 0 (${changed} changed): caught, rebuilt, a layer that verifies`, async (context) => {
      if (!index || !hasPython311) context.skip();
      const cacheDir = join(work, `deflated-${redigest ? 'redigest' : 'table'}`);
      const cold = await build(join(work, `cold-${counter}`), []);
      expect(cold.code, cold.stderr).toBe(0);
      // A first build stores the pycs, a second their deflated bytes (taken from its zip).
      expect((await build(cacheDir)).code).toBe(0);
      expect((await build(cacheDir, ['--force-rebuild'])).code).toBe(0);

      const file = await betaDeflatedIndex(cacheDir);
      const deflated = JSON.parse(await readFile(file, 'utf8'));
      const [victim] = Object.entries(deflated.pycs as Record<string, number[]>).find(
        ([, placed]) => (placed[0] as number) > 0,
      ) as [string, number[]];
      deflated.pycs[victim][0] = 0;
      if (redigest) {
        const { createHash } = await import('node:crypto');
        deflated.table = createHash('sha256').update(JSON.stringify(deflated.pycs)).digest('hex');
      }
      await writeFile(file, JSON.stringify(deflated));

      const damaged = await build(cacheDir, ['--force-rebuild']);
      expect(damaged.code, damaged.stderr).toBe(0);
      expect(damaged.stderr).toMatch(/warning: Per-wheel cache: damaged entry set aside and rebuilt/);
      expect(damaged.stderr).toContain(
        redigest
          ? `the bytes placed for ${victim} are not that pyc's`
          : 'its placement table does not match its sha256',
      );
      expect(damaged.manifest.layer.sha256).toBe(cold.manifest.layer.sha256);
      const checked = await verify(join(damaged.out, 'layer.zip'));
      expect(checked.code, checked.stdout + checked.stderr).toBe(0);

      // The layer cache holds that good layer, and the entry was stored again.
      const hit = await build(cacheDir);
      expect(hit.stderr).toContain('Cache hit');
      expect(hit.manifest.layer.sha256).toBe(cold.manifest.layer.sha256);
      const again = await build(cacheDir, ['--force-rebuild']);
      expect(again.stderr).not.toMatch(/damaged/);
      expect(again.manifest.layer.sha256).toBe(cold.manifest.layer.sha256);
    }, 600_000);
  }
});
