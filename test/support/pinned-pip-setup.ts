/**
 * vitest globalSetup: puts the pinned pip into the default tool cache once, with the machine's
 * own pip configuration, before any test runs. Many tests run the build with an isolated pip
 * environment (no configured index at all), in which the pinned pip could not be fetched; a
 * user's machine fetches it the same way on its first build. The bootstrap itself (first run,
 * cached run, refusals) is tested in test/resolve/pinned-pip.test.ts with private cache folders.
 */
import { defaultCacheDir } from '../../src/cache/dir-store.js';
import { memoryLogger } from '../../src/log.js';
import { findPipPython } from '../../src/resolve/interpreters.js';
import { ensurePinnedPip } from '../../src/resolve/pinned-pip.js';

export default async function setup(): Promise<void> {
  const log = memoryLogger();
  try {
    await ensurePinnedPip({
      python: await findPipPython(),
      toolCacheDir: defaultCacheDir(),
      indexFlags: [],
      log,
    });
  } catch (error) {
    // Loud, not fatal: the tests that build then fail with the same message.
    console.error(`PINNED PIP NOT AVAILABLE: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * Makes the pinned pip prepared by setup() available in another tool cache folder (a link, not a
 * copy), for tests that give the build a cache folder of its own and no index holding pip.
 */
export async function seedPinnedPip(toolCacheDir: string): Promise<void> {
  const { mkdir, symlink } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const { PINNED_PIP } = await import('../../src/resolve/pinned-pip.js');
  await mkdir(toolCacheDir, { recursive: true });
  const name = `pip-${PINNED_PIP.version}`;
  await symlink(join(defaultCacheDir(), name), join(toolCacheDir, name), 'dir');
}
