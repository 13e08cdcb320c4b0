/**
 * The pinned pip's bootstrap, timed apart from the builds: the first build on a machine fetches
 * pip into an empty tool cache (download, sha256 check, unpack); every later build finds it there.
 * The cold builds run with the tool cache already filled, like every build after the first.
 */
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { memoryLogger } from '../src/log.js';
import type { PythonInterpreter } from '../src/resolve/interpreters.js';
import { ensurePinnedPip, PINNED_PIP } from '../src/resolve/pinned-pip.js';
import { type PackageSources, sourceFlags } from './builds.js';
import { type Summary, summarize } from './stats.js';
import { removeTree } from './tree.js';

export interface PipBootstrapMeasurement {
  readonly version: string;
  /** Into an empty tool cache: fetch from the indexes, check, unpack. */
  readonly firstMs: Summary;
  /** Found in the tool cache. */
  readonly cachedMs: Summary;
}

export async function measurePipBootstrap(
  python: PythonInterpreter,
  sources: PackageSources,
  env: NodeJS.ProcessEnv,
  workDir: string,
  runs: number,
): Promise<PipBootstrapMeasurement> {
  const first: number[] = [];
  const cached: number[] = [];
  for (let run = 0; run < runs; run++) {
    const toolCacheDir = await mkdtemp(join(workDir, 'tool-cache-'));
    const bootstrap = () =>
      ensurePinnedPip({ python, toolCacheDir, indexFlags: sourceFlags(sources), log: memoryLogger(), env });
    try {
      let started = performance.now();
      await bootstrap();
      first.push(performance.now() - started);
      started = performance.now();
      await bootstrap();
      cached.push(performance.now() - started);
    } finally {
      await removeTree(toolCacheDir);
    }
  }
  return { version: PINNED_PIP.version, firstMs: summarize(first), cachedMs: summarize(cached) };
}
