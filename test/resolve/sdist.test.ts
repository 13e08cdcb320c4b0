/**
 * Packages published only as source, with real pip on a generated index: pure sdists are built
 * into wheels on the host and installed for the target, compiled ones are refused, "never"
 * builds nothing. The isolated sdist builds install setuptools from the generated index, which
 * holds the real setuptools wheel copied from the machine's mirror (no mirror: skipped loudly).
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCacheDir } from '../../src/cache/dir-store.js';
import { ResolutionError } from '../../src/errors.js';
import { memoryLogger } from '../../src/log.js';
import { installRequirements } from '../../src/resolve/install.js';
import { findPipPython } from '../../src/resolve/interpreters.js';
import { ensurePinnedPip, type PinnedPip } from '../../src/resolve/pinned-pip.js';
import { readRequirements } from '../../src/resolve/requirements.js';
import type { PackageEntry, SdistPolicy } from '../../src/resolve/types.js';
import { resolveTarget } from '../../src/target.js';
import { extractZip } from '../../src/zip/reader.js';
import { writeLayerZip } from '../../src/zip/writer.js';
import { machineMirror, NO_MIRROR_MESSAGE } from '../support/mirror.js';
import {
  buildBackendWheels,
  cExtensionSdist,
  createPackageIndex,
  isolatedPipEnv,
  type PackageIndex,
  pureSdist,
} from '../support/package-index.js';

let work: string;
let index: PackageIndex | undefined;
/** A --find-links dir holding a ready-made wheel of puresrc. */
let broughtWheels: PackageIndex | undefined;
let pip: PinnedPip;
const mirror = machineMirror();
if (!mirror) console.warn(`${NO_MIRROR_MESSAGE} The sdist tests need setuptools from it: SKIPPED.`);

const hasCompiler = (() => {
  const path = (process.env.PATH ?? '').split(delimiter);
  return ['cc', 'gcc'].some((tool) =>
    path.some((dir) => {
      try {
        execFileSync(join(dir, tool), ['--version'], { stdio: 'ignore', timeout: 10_000 });
        return true;
      } catch {
        return false;
      }
    }),
  );
})();

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'sdist-test-'));
  const backend = await buildBackendWheels(join(work, 'backend'));
  if (!backend) return;
  index = await createPackageIndex({
    wheels: [
      { name: 'wheelonly', version: '1.0' },
      { name: 'compiledwheels', version: '1.0', tags: 'cp311-cp311-manylinux_2_28_x86_64' },
    ],
    sdists: [
      pureSdist('puresrc', '1.0'),
      pureSdist('needswheel', '2.0', ['wheelonly>=1']),
      pureSdist('chain', '1.0', ['puresrc']),
      cExtensionSdist('speedy', '1.0'),
      // Wheels exist (for a newer glibc): a compiled package, never built here.
      pureSdist('compiledwheels', '1.0'),
    ],
    copies: backend,
  });
  broughtWheels = await createPackageIndex({ wheels: [{ name: 'puresrc', version: '1.0' }] });
  pip = await ensurePinnedPip({
    python: await findPipPython(undefined, { env: isolatedPipEnv() }),
    toolCacheDir: defaultCacheDir(),
    indexFlags: [],
    log: memoryLogger(),
  });
}, 180_000);

afterAll(async () => {
  await index?.cleanup();
  await broughtWheels?.cleanup();
  if (work) await rm(work, { recursive: true, force: true });
});

let counter = 0;

interface Installed {
  readonly packages: PackageEntry[];
  readonly layerDir: string;
  readonly log: string[];
}

async function install(
  requirements: string,
  options: { sdist?: SdistPolicy; findLinks?: string[] } = {},
): Promise<Installed> {
  const root = join(work, `case-${counter++}`);
  const layerDir = join(root, 'layer');
  const pythonDir = join(layerDir, 'python');
  const workDir = join(root, 'work');
  await mkdir(pythonDir, { recursive: true });
  await mkdir(workDir, { recursive: true });
  await writeFile(join(root, 'requirements.txt'), requirements);
  const log = memoryLogger();
  try {
    const packages = await installRequirements({
      pip,
      snapshot: await readRequirements(join(root, 'requirements.txt')),
      target: resolveTarget('python3.11', 'x86_64'),
      pythonDir,
      workDir,
      indexUrl: index?.indexUrl,
      extraIndexUrls: [],
      findLinks: options.findLinks ?? [],
      log,
      env: isolatedPipEnv(),
      timeoutMs: 120_000,
      sdist: options.sdist,
    });
    return { packages, layerDir, log: log.lines };
  } catch (error) {
    if (process.env.SHOW_ERRORS) console.log(String(error), (error as { hint?: string }).hint);
    (error as { log?: string[] }).log = log.lines;
    throw error;
  }
}

async function installError(
  requirements: string,
  sdist: SdistPolicy,
): Promise<ResolutionError & { log: string[] }> {
  const error = await install(requirements, { sdist }).catch((e) => e);
  expect(error).toBeInstanceOf(ResolutionError);
  return error;
}

const BUILD_NOTICE = "from source: this runs the package's setup code on this machine";
const builds = (log: readonly string[]) => log.filter((line) => line.includes(BUILD_NOTICE));
const entry = (packages: readonly PackageEntry[], name: string) => packages.find((p) => p.name === name);

describe.skipIf(!mirror)('packages published only as source', () => {
  it('sdist "never": the first sdist-only package fails clearly and nothing is built', async () => {
    const error = await installError('puresrc==1.0\n', 'never');
    expect(error.packageName).toBe('puresrc');
    expect(error.message).toContain('puresrc 1.0 is published only as a source distribution');
    expect(error.hint).toContain('--find-links');
    expect(error.hint).toContain('sdist: pure');
    expect(builds(error.log)).toEqual([]);
  }, 120_000);

  it('sdist "pure": builds pure sdists (and their sdist-only dependencies) into an importable layer', async () => {
    const { packages, layerDir, log } = await install('needswheel\nchain==1.0\n', { sdist: 'pure' });
    expect(packages.map((p) => `${p.name}==${p.version}`)).toEqual([
      'chain==1.0',
      'needswheel==2.0',
      'puresrc==1.0',
      'wheelonly==1.0',
    ]);
    for (const name of ['chain', 'needswheel', 'puresrc']) {
      expect(entry(packages, name)).toMatchObject({ builtFromSource: true, tags: 'py3-none-any' });
      expect(entry(packages, name)?.wheel).toBe(`${name}-${entry(packages, name)?.version}-py3-none-any.whl`);
    }
    expect(entry(packages, 'wheelonly')?.builtFromSource).toBeUndefined();
    expect(entry(packages, 'puresrc')?.requested).toBe(false);
    // Announced once per build, with the package and version.
    expect(builds(log).sort()).toEqual([
      expect.stringContaining(`Building chain 1.0 ${BUILD_NOTICE}`),
      expect.stringContaining(`Building needswheel 2.0 ${BUILD_NOTICE}`),
      expect.stringContaining(`Building puresrc 1.0 ${BUILD_NOTICE}`),
    ]);
    // Only installed packages in the layer: the wheelhouse stays in the work dir.
    expect((await readdir(join(layerDir, 'python'))).filter((f) => !f.endsWith('.dist-info')).sort()).toEqual(
      ['chain', 'needswheel', 'puresrc', 'wheelonly'],
    );

    // The layer zip, extracted, imports in an interpreter that sees nothing else.
    const zip = await writeLayerZip(layerDir, join(layerDir, '..', 'layer.zip'));
    const extracted = join(layerDir, '..', 'extracted');
    await extractZip(join(layerDir, '..', 'layer.zip'), extracted);
    const script =
      'import sys; sys.path[:0] = [sys.argv[1]]\n' +
      'import chain, needswheel, puresrc, wheelonly\n' +
      'print(" ".join(m.__version__ + "@" + m.__file__ for m in (chain, needswheel, puresrc, wheelonly)))';
    const out = execFileSync('python3', ['-I', '-S', '-c', script, join(extracted, 'python')], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    for (const name of ['chain', 'needswheel', 'puresrc', 'wheelonly']) {
      expect(out).toContain(`@${join(extracted, 'python', name, '__init__.py')}`);
    }

    // Built twice, in other directories: the layer's bytes are the same.
    const again = await install('needswheel\nchain==1.0\n', { sdist: 'pure' });
    const zipAgain = await writeLayerZip(again.layerDir, join(again.layerDir, '..', 'layer.zip'));
    expect(zipAgain.sha256).toBe(zip.sha256);
  }, 600_000);

  it('sdist "pure": refuses an sdist with a C extension, naming it and the ways out', async () => {
    if (!hasCompiler) {
      console.warn('NO C COMPILER (cc/gcc) on PATH: the compiled-sdist refusal test is SKIPPED');
      return;
    }
    const error = await installError('speedy==1.0\n', 'pure');
    expect(error.packageName).toBe('speedy');
    expect(error.message).toContain('speedy 1.0');
    expect(error.message).toContain('contains compiled code');
    expect(error.message).toMatch(/speedy\/_speedups\.cpython-\d+-[^ ,]*\.so/);
    expect(error.hint).toContain('pin a version of speedy that publishes wheels for python3.11 x86_64');
    expect(error.hint).toContain('choose a runtime');
    expect(error.hint).toContain('Amazon Linux');
    expect(error.hint).toContain('--find-links DIR');
    expect(builds(error.log)).toHaveLength(1);
  }, 180_000);

  it('sdist "pure": a package with wheels, none fitting the target, keeps the usual error and builds nothing', async () => {
    const error = await installError('compiledwheels==1.0\n', 'pure');
    expect(error.packageName).toBe('compiledwheels');
    expect(error.message).toContain('needs 2.28');
    expect(error.hint).not.toContain('sdist: pure');
    expect(builds(error.log)).toEqual([]);
  }, 120_000);

  it('uses a wheel the user brings with --find-links instead of building the sdist', async () => {
    if (!broughtWheels) throw new Error('no brought wheels');
    const { packages, log } = await install('puresrc==1.0\n', {
      sdist: 'pure',
      findLinks: [broughtWheels.filesDir],
    });
    expect(entry(packages, 'puresrc')).toMatchObject({
      version: '1.0',
      wheel: 'puresrc-1.0-py3-none-any.whl',
    });
    expect(entry(packages, 'puresrc')?.builtFromSource).toBeUndefined();
    expect(builds(log)).toEqual([]);
  }, 120_000);

  it('honours --hash pins: checks the sdist against them and installs the wheel built from it', async () => {
    if (!index) throw new Error('no index');
    const sdistSha = index.files.find((f) => f.filename === 'puresrc-1.0.tar.gz')?.sha256;
    const ok = await install(`puresrc==1.0 \\\n    --hash=sha256:${sdistSha}  # pinned\n`, { sdist: 'pure' });
    expect(entry(ok.packages, 'puresrc')?.builtFromSource).toBe(true);

    const error = await installError(`puresrc==1.0 --hash=sha256:${'0'.repeat(64)}\n`, 'pure');
    expect(error.packageName).toBe('puresrc');
    expect(error.message).toContain('does not match its --hash pin');
  }, 240_000);

  it('sdist "pure": a local project directory and an sdist path are built and installed', async () => {
    if (!index) throw new Error('no index');
    const sdist = index.files.find((f) => f.filename === 'puresrc-1.0.tar.gz')?.path as string;
    const unpacked = join(work, 'local-project');
    await mkdir(unpacked, { recursive: true });
    execFileSync('tar', ['-xzf', sdist, '-C', unpacked], { timeout: 30_000 });
    const [folder] = await readdir(unpacked);
    for (const line of [join(unpacked, folder as string), sdist]) {
      const { packages, layerDir, log } = await install(`${line}\n`, { sdist: 'pure' });
      expect(packages.map((p) => p.name)).toEqual(['puresrc']);
      expect(await readdir(join(layerDir, 'python'))).toContain('puresrc');
      // pip download leaves these unbuilt: pip install --target builds and installs them.
      expect(log.join('\n')).toContain('installing with pip install --target, which builds it');
    }
  }, 240_000);
});
