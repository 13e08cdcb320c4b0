/**
 * The CLI's per-wheel cache keeps what builds use: entries whose index file no build touched
 * for UNUSED_DAYS go, and so do temp folders a killed build left and the folder of installed
 * files earlier versions kept (trees/); everything else stays.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pruneWheelCache, UNUSED_DAYS } from '../../src/cache/prune-wheels.js';
import { memoryLogger } from '../../src/log.js';

const DAY = 24 * 60 * 60 * 1000;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'prune-wheels-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function entry(path: string, file: string, ageDays: number, now: number): Promise<string> {
  const folder = join(dir, path);
  await mkdir(join(folder, 'files'), { recursive: true });
  await writeFile(join(folder, file), '{}');
  const when = new Date(now - ageDays * DAY);
  await utimes(join(folder, file), when, when);
  return folder;
}

describe('pruneWheelCache', () => {
  it('removes entries unused for the limit and stale temp folders, keeps the rest', async () => {
    const now = Date.now();
    const oldTree = await entry('trees/aaa', 'index.json', UNUSED_DAYS + 1, now);
    const usedTree = await entry('trees/bbb', 'index.json', 2, now);
    const usedPycs = await entry('bytecode/bbb', 'index.json', 2, now);
    const oldPycs = await entry('bytecode/ccc', 'index.json', UNUSED_DAYS + 5, now);
    const usedElf = await entry('elf/ddd', 'elf.json', UNUSED_DAYS - 1, now);
    const stalePartial = join(dir, 'bytecode', '.partial-x');
    const livePartial = join(dir, 'bytecode', '.partial-y');
    await mkdir(stalePartial);
    await mkdir(livePartial);
    const twoDaysAgo = new Date(now - 2 * DAY);
    await utimes(stalePartial, twoDaysAgo, twoDaysAgo);

    const log = memoryLogger();
    expect(await pruneWheelCache(dir, log, now)).toEqual({ removed: 4, kept: 3 });
    for (const gone of [oldTree, usedTree, join(dir, 'trees'), oldPycs, stalePartial])
      expect(existsSync(gone), gone).toBe(false);
    for (const stays of [usedPycs, usedElf, livePartial]) expect(existsSync(stays), stays).toBe(true);
    expect(log.lines).toContain(
      `info: Per-wheel cache: removed 4 entries no build used for ${UNUSED_DAYS} days (3 kept)`,
    );
  });

  it('a missing folder is an empty cache', async () => {
    expect(await pruneWheelCache(join(dir, 'missing'), memoryLogger())).toEqual({ removed: 0, kept: 0 });
  });

  it('a damaged entry set aside is removed a day after it was set aside, whatever its own times say', async () => {
    const now = Date.now();
    const root = join(dir, 'aside');
    // A rename keeps a folder's times: the time it was set aside is in its name.
    const old = join(root, 'elf', `.partial-aside-${now - 2 * DAY}-1-abc`);
    const recent = join(root, 'elf', `.partial-aside-${now - 60_000}-1-def`);
    await mkdir(old, { recursive: true });
    await mkdir(recent, { recursive: true });
    const longAgo = new Date(now - 40 * DAY);
    await utimes(recent, longAgo, longAgo);
    expect(await pruneWheelCache(root, memoryLogger(), now)).toEqual({ removed: 1, kept: 1 });
    expect(existsSync(old)).toBe(false);
    expect(existsSync(recent)).toBe(true);
  });
});
