/**
 * The tag logic end to end: real pip against a generated index whose wheels carry exact tags.
 * pip runs isolated from the machine's pip configuration so only the generated index counts.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResolutionError } from '../../src/errors.js';
import { buildLayer } from '../../src/layer/index.js';
import type { BuildOptions, Manifest } from '../../src/layer/types.js';
import { memoryLogger } from '../../src/log.js';
import { resolveTarget } from '../../src/target.js';
import { createPackageIndex, isolatedPipEnv, type PackageIndex } from '../support/package-index.js';

let index: PackageIndex;
let work: string;

beforeAll(async () => {
  index = await createPackageIndex({
    wheels: [
      { name: 'glibc26', version: '1.0', tags: 'cp311-cp311-manylinux_2_26_x86_64' },
      { name: 'glibc28', version: '1.0', tags: 'cp311-cp311-manylinux_2_28_x86_64' },
      { name: 'glibc34', version: '1.0', tags: 'cp312-abi3-manylinux_2_34_x86_64' },
      { name: 'legacy', version: '1.0', tags: 'cp311-cp311-manylinux2014_x86_64' },
      { name: 'legacy1', version: '1.0', tags: 'cp311-cp311-manylinux1_x86_64' },
      // Several versions where only older ones fit python3.11 (glibc 2.26).
      { name: 'multi', version: '1.0', tags: 'cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64' },
      { name: 'multi', version: '2.0', tags: 'cp311-cp311-manylinux_2_26_x86_64' },
      { name: 'multi', version: '3.0', tags: 'cp311-cp311-manylinux_2_28_x86_64' },
      { name: 'multi', version: '3.0', tags: 'cp312-cp312-manylinux_2_28_x86_64' },
      { name: 'multi', version: '4.0', tags: 'cp311-cp311-manylinux_2_34_x86_64' },
      { name: 'multi', version: '4.0', tags: 'cp312-cp312-manylinux_2_34_x86_64' },
      // The cryptography case of the issue: only a newer-glibc wheel for the pinned version.
      {
        name: 'cryptography',
        version: '49.0.0',
        tags: 'cp37-abi3-manylinux_2_17_x86_64.manylinux2014_x86_64',
      },
      { name: 'cryptography', version: '50.0.2', tags: 'cp37-abi3-manylinux_2_34_x86_64' },
      { name: 'armed', version: '1.0', tags: 'cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64' },
      { name: 'armed', version: '1.0', tags: 'cp311-cp311-manylinux_2_17_aarch64.manylinux2014_aarch64' },
      { name: 'armonly', version: '1.0', tags: 'cp311-cp311-manylinux_2_17_aarch64' },
      { name: 'desktop', version: '1.0', tags: 'cp311-cp311-win_amd64' },
      { name: 'desktop', version: '1.0', tags: 'cp311-cp311-macosx_11_0_arm64' },
      { name: 'newpy', version: '1.0', tags: 'cp312-cp312-manylinux_2_17_x86_64' },
      { name: 'app', version: '1.0', requiresDist: ['glibc26>=1.0', 'legacy'] },
      { name: 'wantsnew', version: '1.0', requiresDist: ['glibc28'] },
      // The matplotlib -> contourpy case: two versions of the parent make pip report a
      // ResolutionImpossible for what is a dependency without a fitting wheel.
      { name: 'plotlib', version: '1.0', requiresDist: ['contour>=1.0'] },
      { name: 'plotlib', version: '1.1', requiresDist: ['contour>=1.0'] },
      { name: 'contour', version: '1.3.3', tags: 'cp311-cp311-manylinux_2_27_x86_64.manylinux_2_28_x86_64' },
      { name: 'contour', version: '1.3.3', tags: 'cp312-cp312-manylinux_2_27_x86_64.manylinux_2_28_x86_64' },
      { name: 'pure', version: '1.0' },
      { name: 'pure', version: '2.0' },
    ],
    sdists: [{ name: 'onlysrc', version: '0.1' }],
  });
  work = await mkdtemp(join(tmpdir(), 'build-tags-'));
}, 120_000);

afterAll(async () => {
  await index?.cleanup();
  if (work) await rm(work, { recursive: true, force: true });
});

let counter = 0;
async function build(
  requirements: string,
  overrides: Partial<BuildOptions> & { runtime?: string; arch?: string } = {},
): Promise<{ manifest: Manifest; outDir: string; log: ReturnType<typeof memoryLogger> }> {
  const n = counter++;
  const requirementsFile = join(work, `requirements-${n}.txt`);
  await writeFile(requirementsFile, requirements);
  const outDir = join(work, `out-${n}`);
  const log = memoryLogger();
  const { runtime, arch, ...rest } = overrides;
  const result = await buildLayer(
    {
      requirementsFile,
      target: resolveTarget(runtime ?? 'python3.11', arch ?? 'x86_64'),
      outDir,
      indexUrl: index.indexUrl,
      extraIndexUrls: [],
      findLinks: [],
      bytecode: false,
      sdist: 'never',
      ...rest,
    },
    log,
    { env: isolatedPipEnv() },
  );
  return { manifest: result.manifest, outDir, log };
}

async function buildError(requirements: string, runtime?: string, arch?: string): Promise<ResolutionError> {
  const error = await build(requirements, { runtime, arch }).catch((e) => e);
  expect(error).toBeInstanceOf(ResolutionError);
  if (process.env.SHOW_ERRORS) console.log(`${error.message}\n  -> ${error.hint}`);
  return error as ResolutionError;
}

const versionOf = (manifest: Manifest, name: string) =>
  manifest.packages.find((p) => p.name === name)?.version;

describe('wheel selection for the target', () => {
  it('python3.11 accepts a wheel tagged only manylinux_2_26 and legacy aliases', async () => {
    const { manifest } = await build('glibc26\nlegacy\nlegacy1\n');
    expect(manifest.packages.map((p) => p.wheel)).toEqual([
      'glibc26-1.0-cp311-cp311-manylinux_2_26_x86_64.whl',
      'legacy-1.0-cp311-cp311-manylinux2014_x86_64.whl',
      'legacy1-1.0-cp311-cp311-manylinux1_x86_64.whl',
    ]);
    const sha = index.files.find((f) => f.filename.startsWith('glibc26-'))?.sha256;
    expect(manifest.packages[0]).toMatchObject({
      version: '1.0',
      tags: 'cp311-cp311-manylinux_2_26_x86_64',
      sha256: sha,
    });
    expect(manifest.packages[0]?.size).toBeGreaterThan(0);
    expect(manifest.target.platformTags).toContain('manylinux_2_26_x86_64');
  });

  it('python3.11 refuses manylinux_2_28 and says which glibc each side has', async () => {
    const error = await buildError('glibc28\n');
    expect(error.packageName).toBe('glibc28');
    expect(error.message).toContain('glibc28');
    expect(error.message).toContain('glibc 2.26');
    expect(error.message).toContain('needs 2.28');
    expect(error.message).not.toMatch(/No matching distribution/);
    // python3.12 has the glibc but the index has no cp312 wheel of glibc28: not proposed.
    expect(error.hint).not.toContain('python3.12');
    expect(error.hint).not.toContain('choose a runtime');
    // No version on the index has a fitting wheel: no "pin an older glibc28" that cannot exist.
    expect(error.message).toContain('No version of glibc28 on the index has a wheel for python3.11');
    expect(error.hint).not.toMatch(/pin an older|the index has none/);
    expect(error.location?.line).toBe(1);
  });

  it('reproduces the cryptography message: pinned version too new, older one named in the hint', async () => {
    const error = await buildError('# pins\ncryptography==50.0.2\n');
    expect(error.message).toContain('python3.11 runs glibc 2.26');
    expect(error.message).toContain('the only cryptography 50.0.2 wheel for x86_64 needs 2.34');
    expect(error.message).toContain('cp37-abi3-manylinux_2_34_x86_64');
    expect(error.hint).toContain('pin cryptography==49.0.0');
    // The abi3 wheel needing glibc 2.34 fits python3.12 and newer, which the hint lists.
    expect(error.hint).toContain('(python3.12, python3.13, python3.14, python3.15)');
    expect(error.hint).toContain('--find-links');
    expect(error.location).toEqual({ file: join(work, `requirements-${counter - 1}.txt`), line: 2 });
  });

  it('python3.12 accepts manylinux_2_34', async () => {
    const { manifest } = await build('glibc34\n', { runtime: 'python3.12' });
    expect(manifest.packages[0]?.wheel).toBe('glibc34-1.0-cp312-abi3-manylinux_2_34_x86_64.whl');
    expect(manifest.target).toMatchObject({ runtime: 'python3.12', glibc: '2.34', os: 'Amazon Linux 2023' });
  });

  it('picks the newest version that fits when only older versions fit', async () => {
    expect(versionOf((await build('multi\n')).manifest, 'multi')).toBe('2.0');
    expect(versionOf((await build('multi\n', { runtime: 'python3.12' })).manifest, 'multi')).toBe('4.0');
  });

  it('names the older compatible version when a pinned one needs a newer glibc', async () => {
    const error = await buildError('multi==3.0\n');
    expect(error.message).toContain('needs 2.28');
    expect(error.hint).toContain('pin multi==2.0');
  });

  it('arm64 picks the aarch64 wheel', async () => {
    const { manifest } = await build('armed\n', { arch: 'arm64' });
    expect(manifest.packages[0]?.tags).toBe('cp311-cp311-manylinux_2_17_aarch64.manylinux2014_aarch64');
    expect(manifest.target.architecture).toBe('arm64');
  });

  it('explains a wrong architecture', async () => {
    const error = await buildError('armonly\n');
    expect(error.message).toContain('only for aarch64');
    expect(error.hint).toContain('--arch arm64');
  });

  it('explains Windows/macOS-only packages', async () => {
    const error = await buildError('desktop\n');
    expect(error.message).toContain('wheels only for Windows and macOS');
    expect(error.message).toContain('win_amd64');
    expect(error.message).toContain('Amazon Linux 2');
  });

  it('explains a wheel for another Python', async () => {
    const error = await buildError('newpy\n');
    expect(error.message).toContain('no wheel for Python 3.11');
    expect(error.message).toContain('cp312-cp312');
    expect(error.hint).toContain('choose runtime python3.12');
  });

  it('explains an sdist-only package', async () => {
    const error = await buildError('onlysrc\n');
    expect(error.message).toContain('onlysrc 0.1 is published only as a source distribution');
    expect(error.hint).toContain('--find-links');
  });

  it('explains the newest version in range when none in range fits', async () => {
    const error = await buildError('multi>=3\n');
    expect(error.packageName).toBe('multi');
    expect(error.message).toContain('multi 4.0');
    expect(error.hint).toContain('pin multi==2.0');
  });

  it('explains a dependency without a fitting wheel and says who required it', async () => {
    const error = await buildError('wantsnew\n');
    expect(error.packageName).toBe('glibc28');
    expect(error.message).toContain('required by wantsnew');
    expect(error.message).toContain('needs 2.28');
    expect(error.location).toBeUndefined();
  });

  it('names a dependency without a fitting wheel even when pip calls it ResolutionImpossible', async () => {
    const error = await buildError('plotlib\n');
    expect(error.packageName).toBe('contour');
    expect(error.message).toMatch(
      /^no wheel of contour>=1\.0 \(required by plotlib\) fits python3\.11 x86_64: /,
    );
    expect(error.message).toContain('python3.11 runs glibc 2.26 (Amazon Linux 2)');
    expect(error.message).toContain('cp311-cp311-manylinux_2_27_x86_64.manylinux_2_28_x86_64');
    expect(error.message).not.toMatch(/conflict/);
    // Only python3.12 has both the glibc and a wheel on this index.
    expect(error.hint).toContain('(python3.12)');
    expect(error.hint).not.toMatch(/loosen|align/);
    expect(error.hint).toContain('--find-links DIR');
  });

  it('installs dependencies (Requires-Dist) and marks what was requested', async () => {
    const { manifest } = await build('app\n');
    expect(manifest.packages.map((p) => [p.name, p.requested])).toEqual([
      ['app', true],
      ['glibc26', false],
      ['legacy', false],
    ]);
  });
});
