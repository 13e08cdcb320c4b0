/**
 * The interrupt handler's work, in process: a running child group (with a grandchild) is
 * stopped, registered temp paths are removed newest first (a folder this run created only
 * when empty), and nothing new starts afterwards. test/cli/interrupt.test.ts sends real signals.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InterruptedError, removeOnInterrupt, stopForSignal } from '../src/interrupt.js';
import { runProcess } from '../src/process.js';

const scratch = await mkdtemp(join(tmpdir(), 'interrupt-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

/** Running (a zombie waiting for a slow reaper in a container counts as gone). */
const alive = (pid: number): boolean => {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

describe('stopForSignal', () => {
  it('stops children, removes temp paths, keeps user folders, then refuses new children', async () => {
    const staging = join(scratch, 'staging');
    const created = join(scratch, 'created-out');
    const kept = join(scratch, 'users-out');
    await mkdir(join(staging, 'python'), { recursive: true });
    await mkdir(created);
    await mkdir(kept);
    await writeFile(join(kept, 'layer.zip'), 'previous');
    const partialZip = join(created, '.lambda-layer-tmp-1');
    await writeFile(partialZip, 'half a zip');
    removeOnInterrupt(staging);
    removeOnInterrupt(created, 'empty-dir');
    removeOnInterrupt(kept, 'empty-dir');
    removeOnInterrupt(partialZip);
    const forgotten = join(scratch, 'finished');
    await mkdir(forgotten);
    removeOnInterrupt(forgotten)(); // done with before the signal: left alone

    // A shell that ignores SIGINT (as a stuck child might) and a grandchild in its group.
    const pidFile = join(scratch, 'grandchild.pid');
    const running = runProcess('sh', ['-c', `trap '' INT; sleep 60 & echo $! > ${pidFile}; wait`], {
      timeoutMs: 60_000,
    });
    while (!existsSync(pidFile)) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 50));
    const grandchild = Number(readFileSync(pidFile, 'utf8').trim());
    expect(alive(grandchild)).toBe(true);

    const started = Date.now();
    expect(await stopForSignal('SIGTERM')).toBe(143);
    expect(Date.now() - started).toBeLessThan(7_500); // before the runner's SIGTERM-after-SIGINT
    const result = await running;
    expect(result.signal).not.toBeNull();
    expect(alive(grandchild)).toBe(false);
    expect(existsSync(staging)).toBe(false);
    expect(existsSync(created)).toBe(false);
    expect(existsSync(join(kept, 'layer.zip'))).toBe(true);
    expect(existsSync(forgotten)).toBe(true);

    await expect(runProcess('true', [], { timeoutMs: 5_000 })).rejects.toBeInstanceOf(InterruptedError);
    expect(await stopForSignal('SIGINT')).toBe(130);
  }, 30_000);
});
