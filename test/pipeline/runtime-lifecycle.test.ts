/**
 * The build checks the runtime's AWS dates against the day (injected here, the clock otherwise)
 * before anything runs: past block-update it fails and writes nothing, unless allowed; past
 * deprecation it warns and goes on.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import type { BuildOptions } from '../../src/layer/types.js';
import { memoryLogger } from '../../src/log.js';
import { buildOrRestore } from '../../src/pipeline/build-or-restore.js';
import { resolveTarget } from '../../src/target.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'runtime-lifecycle-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const options = (runtime: string, extra: Partial<BuildOptions> = {}): BuildOptions => ({
  // No such file: a build that gets past the runtime check stops at the input, before pip.
  requirementsFile: join(dir, 'missing-requirements.txt'),
  target: resolveTarget(runtime),
  outDir: join(dir, 'out'),
  extraIndexUrls: [],
  findLinks: [],
  bytecode: false,
  sdist: 'never',
  ...extra,
});
const noCache = { forceRebuild: false };

describe('runtime dates in the build', () => {
  it('past block-function-update: an InputError on the runtime, and no output folder', async () => {
    const log = memoryLogger();
    const built = buildOrRestore(options('python3.9'), noCache, log, {
      today: new Date('2027-03-03T00:00:00Z'),
    });
    await expect(built).rejects.toThrow(InputError);
    await expect(built).rejects.toThrow(
      /Input "runtime": python3\.9 .*updating functions blocked since 2027-03-03/,
    );
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it('allowed, or only deprecated: warns with the dates and goes on to the build', async () => {
    for (const [extra, today] of [
      [{ allowDeprecatedRuntime: true }, '2027-03-03'],
      [{}, '2026-12-06'],
    ] as const) {
      const log = memoryLogger();
      await expect(
        buildOrRestore(options('python3.10', extra), noCache, log, { today: new Date(`${today}T00:00:00Z`) }),
      ).rejects.toThrow(/missing-requirements\.txt/);
      expect(log.lines.join('\n')).toContain(
        'warn: python3.10 is deprecated by AWS Lambda (deprecated since 2026-10-31',
      );
    }
  });

  it('a supported runtime says nothing about dates', async () => {
    const log = memoryLogger();
    await expect(
      buildOrRestore(options('python3.12'), noCache, log, { today: new Date('2026-12-06T00:00:00Z') }),
    ).rejects.toThrow(/missing-requirements\.txt/);
    expect(log.lines.join('\n')).not.toContain('deprecated');
  });
});
