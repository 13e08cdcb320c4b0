/**
 * Where the build stages its tree: the real /dev/shm and the real temp folder of this machine
 * (the RAM choice is skipped where /dev/shm is not a tmpfs), and the error a full RAM folder
 * turns into.
 */
import { mkdtemp, rm, statfs } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import {
  chooseStagingRoot,
  explainStagingFull,
  mountOptionsOf,
  RAM_STAGING_DIR,
} from '../../src/layer/staging.js';

const shmIsTmpfs = await statfs(RAM_STAGING_DIR).then(
  (s) => s.type === 0x01021994,
  () => false,
);
const env = { PATH: process.env.PATH };

let diskDir: string;
beforeAll(async () => {
  diskDir = await mkdtemp(join(tmpdir(), 'staging-test-'));
});
afterAll(async () => {
  await rm(diskDir, { recursive: true, force: true });
});

describe('chooseStagingRoot', () => {
  it.runIf(shmIsTmpfs)('stages in /dev/shm when it is a tmpfs with room', async () => {
    const choice = await chooseStagingRoot({ env, minFreeBytes: 1 });
    expect(choice).toMatchObject({ ramRoot: RAM_STAGING_DIR });
  });

  it('keeps to the temp folder when TMPDIR is set, whatever /dev/shm offers', async () => {
    const choice = await chooseStagingRoot({
      env: { ...env, TMPDIR: diskDir },
      minFreeBytes: 1,
    });
    expect(choice).toEqual({ reason: 'TMPDIR is set' });
  });

  it.runIf(shmIsTmpfs)('keeps to the disk when the RAM folder has less free than asked', async () => {
    const choice = await chooseStagingRoot({ env, minFreeBytes: Number.MAX_SAFE_INTEGER });
    expect(choice.ramRoot).toBeUndefined();
    expect(choice.reason).toMatch(/^\/dev\/shm has \d+ bytes free, under /);
  });

  it('keeps to the disk when the candidate is a disk folder, is missing, or the system is not Linux', async () => {
    const notTmpfs = await chooseStagingRoot({ env, ramDir: diskDir, minFreeBytes: 1 });
    const tmpIsTmpfs = (await statfs(diskDir)).type === 0x01021994;
    if (!tmpIsTmpfs) expect(notTmpfs).toEqual({ reason: `${diskDir} is not a tmpfs` });
    const missing = await chooseStagingRoot({ env, ramDir: join(diskDir, 'none') });
    expect(missing).toEqual({ reason: `${join(diskDir, 'none')} is missing or not writable` });
    const mac = await chooseStagingRoot({ env, platform: 'darwin' });
    expect(mac).toEqual({ reason: 'no RAM file system here' });
  });
});

describe('mount options', () => {
  // Lines as /proc/self/mounts has them (a Debian host, a hardened one, a stacked mount).
  const mounts = [
    '/dev/vda / ext4 rw,relatime 0 0',
    'tmpfs /dev/shm tmpfs rw,nosuid,nodev,noexec,relatime 0 0',
    'tmpfs /mnt/with\\040space tmpfs rw,relatime 0 0',
    'tmpfs /run tmpfs rw,nosuid,nodev,noexec 0 0',
    'tmpfs /run tmpfs rw,relatime 0 0',
  ].join('\n');

  it('finds the mount holding a folder: the longest mount point above it, the last when stacked', () => {
    expect(mountOptionsOf('/dev/shm', mounts)).toContain('noexec');
    expect(mountOptionsOf('/dev/shm/x', mounts)).toContain('noexec');
    expect(mountOptionsOf('/dev/shmx', mounts)).toEqual(['rw', 'relatime']);
    expect(mountOptionsOf('/mnt/with space/a', mounts)).toEqual(['rw', 'relatime']);
    expect(mountOptionsOf('/run/user', mounts)).toEqual(['rw', 'relatime']);
    expect(mountOptionsOf('/x', '')).toBeUndefined();
  });

  it.runIf(shmIsTmpfs)(
    'keeps to the disk when the RAM folder is mounted noexec (extensions could not load)',
    async () => {
      const choice = await chooseStagingRoot({ env, minFreeBytes: 1, mounts });
      expect(choice).toEqual({ reason: '/dev/shm is mounted noexec' });
    },
  );
});

describe('explainStagingFull', () => {
  const ram = { ramRoot: RAM_STAGING_DIR, reason: '' };
  const stagingDir = join(RAM_STAGING_DIR, 'lambda-layer-tree-abc');
  const full = (path?: string) =>
    Object.assign(new Error('ENOSPC: no space left on device'), {
      code: 'ENOSPC',
      ...(path ? { path } : {}),
    });

  it('says the RAM folder is full and to set TMPDIR, for a file of the staging tree', async () => {
    const explained = await explainStagingFull(
      full(join(stagingDir, 'layer', 'python', 'x.so')),
      ram,
      stagingDir,
    );
    expect(explained).toBeInstanceOf(UserError);
    expect((explained as UserError).message).toBe(
      `the build's temporary folder ${stagingDir} ran out of space: /dev/shm is RAM (a tmpfs) and is full`,
    );
    expect((explained as UserError).hint).toMatch(/set TMPDIR/);
  });

  it('leaves other errors as they are: another path, another code, a disk staging', async () => {
    const elsewhere = full('/home/me/out/layer.zip');
    expect(await explainStagingFull(elsewhere, ram, stagingDir)).toBe(elsewhere);
    const denied = Object.assign(new Error('EACCES'), { code: 'EACCES', path: join(stagingDir, 'x') });
    expect(await explainStagingFull(denied, ram, stagingDir)).toBe(denied);
    const onDisk = full(join(stagingDir, 'x'));
    expect(await explainStagingFull(onDisk, { reason: '' }, stagingDir)).toBe(onDisk);
  });

  it.runIf(shmIsTmpfs)(
    'blames the staging for a pathless ENOSPC only when the RAM folder is nearly full',
    async () => {
      // This machine's /dev/shm has room (the first test): a write error without a path is not its.
      const pathless = full();
      expect(await explainStagingFull(pathless, ram, stagingDir)).toBe(pathless);
    },
  );
});
