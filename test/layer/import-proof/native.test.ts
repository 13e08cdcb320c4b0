/**
 * The import proof on this machine's own CPU (x86_64) with real wheels from the mirror, the
 * slim rule it guards, and the one line it prints when it cannot run the target's CPU.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLayer } from '../../../src/layer/index.js';
import type { BuildOptions } from '../../../src/layer/types.js';
import { memoryLogger } from '../../../src/log.js';
import { resolveTarget } from '../../../src/target.js';
import { machineMirror, NO_MIRROR_MESSAGE } from '../../support/mirror.js';
import { createPackageIndex, isolatedPipEnv, type PackageIndex } from '../../support/package-index.js';

const mirror = machineMirror();
if (!mirror) console.warn(NO_MIRROR_MESSAGE);
const root = join(import.meta.dirname, '..', '..', '..');
const python311 = execFileSync('python3.11', ['-c', 'import sys; print(sys.executable)'], {
  encoding: 'utf8',
}).trim();

let work: string;
let index: PackageIndex;
const stagingDirs: string[] = [];
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'import-proof-native-'));
  index = await createPackageIndex({ wheels: [{ name: 'pure', version: '1.0' }] });
}, 120_000);
afterAll(async () => {
  await index?.cleanup();
  if (work) await rm(work, { recursive: true, force: true });
  for (const dir of stagingDirs) await rm(dir, { recursive: true, force: true });
});

async function build(requirementsFile: string, overrides: Partial<BuildOptions>, env?: NodeJS.ProcessEnv) {
  const log = memoryLogger();
  const result = await buildLayer(
    {
      requirementsFile,
      target: resolveTarget('python3.11', 'x86_64'),
      outDir: await mkdtemp(join(work, 'out-')),
      indexUrl: mirror?.indexUrl,
      extraIndexUrls: mirror?.extraIndexUrls ?? [],
      findLinks: mirror?.findLinks ?? [],
      bytecode: true,
      sdist: 'never',
      ...overrides,
    },
    log,
    { env: env ?? { ...process.env, PIP_RETRIES: '0' }, keepStaging: true },
  );
  if (result.stagingDir) stagingDirs.push(result.stagingDir);
  if (result.layerDir) stagingDirs.push(dirname(result.layerDir));
  return { ...result, log };
}

describe('import proof on the build machine CPU', () => {
  it.skipIf(!mirror)('proves the Flask example natively after bytecode', async () => {
    const { manifest, log } = await build(join(root, 'examples', 'flask-api', 'requirements.txt'), {});
    expect(manifest.importProof).toMatchObject({
      status: 'passed',
      mode: 'native',
      interpreter: { machine: 'x86_64', version: expect.stringMatching(/^3\.11\./) },
      modules: [{ distribution: 'Flask', module: 'flask', ms: expect.any(Number) }],
    });
    expect(manifest.importProof?.emulator).toBeUndefined();
    console.info(`flask import proof: ${manifest.importProof?.durationMs} ms`);
    const stages = log.lines.filter((line) => line.startsWith('group: '));
    // The proof runs on the final tree: after bytecode, beside verification and the zip.
    const proofStage = stages.findIndex((line) => line.startsWith('group: Import on the target CPU'));
    expect(proofStage).toBeGreaterThan(stages.indexOf('group: Compile bytecode for the target Python'));
    expect(stages[proofStage]).toMatch(/verify binaries.*write layer\.zip/);
  });

  it.skipIf(!mirror)(
    'scipy with --slim keeps what numpy.testing imports from a tests folder: scipy.linalg imports',
    async () => {
      const dir = await mkdtemp(join(work, 'scipy-'));
      await writeFile(join(dir, 'requirements.txt'), 'scipy\n');
      const result = await build(join(dir, 'requirements.txt'), {
        slim: { exclude: [], keep: [] },
        bytecode: false,
      });
      expect(result.manifest.slim?.keptForImports).toContainEqual({
        file: 'python/numpy/_core/tests/_natype.py',
        importedBy: 'python/numpy/testing/_private/utils.py',
      });
      expect(result.manifest.slim?.removedFiles).toContain('python/numpy/_core/tests/data/');
      expect(result.manifest.importProof?.status).toBe('passed');
      // The layer alone (-I -S: no site-packages) imports what the proof's top-level import does not reach.
      const imported = execFileSync(
        python311,
        [
          '-I',
          '-S',
          '-B',
          '-c',
          'import sys; sys.path.insert(0, sys.argv[1]); import scipy.linalg; print(scipy.linalg.det([[1, 2], [3, 4]]))',
          join(result.layerDir ?? '', 'python'),
        ],
        { encoding: 'utf8', timeout: 120_000 },
      );
      expect(imported.trim()).toBe('-2.0');
    },
  );

  it('says in one line that it was skipped when no emulator is on PATH, and builds the layer', async () => {
    const dir = await mkdtemp(join(work, 'skip-'));
    await writeFile(join(dir, 'requirements.txt'), 'pure\n');
    const emptyBin = await mkdtemp(join(work, 'bin-'));
    const result = await build(
      join(dir, 'requirements.txt'),
      {
        target: resolveTarget('python3.11', 'arm64'),
        indexUrl: index.indexUrl,
        extraIndexUrls: [],
        findLinks: [],
        python: python311,
        bytecodePython: python311,
      },
      // PATH holds no qemu-aarch64(-static); nothing configures an aarch64 interpreter.
      { ...isolatedPipEnv(), PATH: emptyBin },
    );
    const skipped = result.log.lines.filter((line) => line.includes('Import proof skipped'));
    expect(skipped).toEqual([
      'info: Import proof skipped: the target CPU is aarch64 and this machine is x86_64; ' +
        'no qemu-aarch64-static or qemu-aarch64 on PATH (Debian/Ubuntu: qemu-user-static); ' +
        'no aarch64 Python 3.11 configured (import-proof-python / import-proof-sysroot, or ' +
        'LAMBDA_LAYER_IMPORT_PROOF_PYTHON / LAMBDA_LAYER_IMPORT_PROOF_SYSROOT); build on an aarch64 machine to prove imports natively',
    ]);
    expect(result.manifest.importProof).toMatchObject({ status: 'skipped', modules: [] });
    expect(result.manifest.layer.fileCount).toBeGreaterThan(0);
  });

  it('is off with importProof: false, and says so in the manifest', async () => {
    const dir = await mkdtemp(join(work, 'off-'));
    await writeFile(join(dir, 'requirements.txt'), 'pure\n');
    const { manifest, log } = await build(
      join(dir, 'requirements.txt'),
      { indexUrl: index.indexUrl, extraIndexUrls: [], findLinks: [], importProof: false, bytecode: false },
      isolatedPipEnv(),
    );
    expect(manifest.importProof).toEqual({
      status: 'off',
      reason: 'turned off (--no-import-proof / import-proof: false)',
      modules: [],
    });
    expect(log.lines.some((line) => line.startsWith('info: Imported'))).toBe(false);
  });
});
