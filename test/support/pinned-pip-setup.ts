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
