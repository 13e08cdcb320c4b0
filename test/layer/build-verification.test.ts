/**
 * A wheel whose tags promise more than its binaries keep (tagged manylinux_2_17, needing
 * GLIBC_2.34) passes pip's tag check; the build's own verification must stop it before any
 * layer.zip reaches the output folder.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLayer } from '../../src/layer/index.js';
import { memoryLogger } from '../../src/log.js';
import { resolveTarget } from '../../src/target.js';
import { VerificationError } from '../../src/verify/rules.js';
import { createPackageIndex, isolatedPipEnv, type PackageIndex } from '../support/package-index.js';
import { buildElfFixtures, hasCompiler } from '../verify/elf-fixtures.js';

const gcc = hasCompiler('gcc');
let index: PackageIndex;
let dir: string;

beforeAll(async () => {
  if (!gcc) return;
  const elf = buildElfFixtures();
  index = await createPackageIndex({
    wheels: [
      {
        name: 'liar',
        version: '1.0',
        tags: 'cp311-cp311-manylinux_2_17_x86_64',
        files: { 'liar/_native.cpython-311-x86_64-linux-gnu.so': readFileSync(elf.glibc234) },
      },
    ],
  });
  dir = mkdtempSync(join(tmpdir(), 'build-verify-'));
  writeFileSync(join(dir, 'requirements.txt'), 'liar==1.0\n');
}, 120_000);

afterAll(async () => {
  await index?.cleanup();
});

describe.skipIf(!gcc)('build-time verification', () => {
  it('fails the build naming the file and its GLIBC need, and writes no layer', async () => {
    const outDir = join(dir, 'out');
    const error = await buildLayer(
      {
        requirementsFile: join(dir, 'requirements.txt'),
        target: resolveTarget('python3.11', 'x86_64'),
        outDir,
        indexUrl: index.indexUrl,
        extraIndexUrls: [],
        findLinks: [],
        bytecode: true,
        sdist: 'never',
      },
      memoryLogger(),
      { env: isolatedPipEnv() },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VerificationError);
    expect((error as Error).message).toContain('python/liar/_native.cpython-311-x86_64-linux-gnu.so');
    expect((error as Error).message).toMatch(/GLIBC_2\.34.*2\.26/);
    expect(existsSync(join(outDir, 'layer.zip'))).toBe(false);
    expect(existsSync(outDir)).toBe(false);
  });
});
