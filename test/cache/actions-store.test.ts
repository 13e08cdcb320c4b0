/**
 * The GitHub Actions cache store with the real toolkit and no cache service reachable (no
 * ACTIONS_CACHE_URL / ACTIONS_RESULTS_URL): the toolkit logs "Failed to save" and returns
 * instead of throwing, and the log must then say the layer was not saved, not that it was.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { actionsStore } from '../../src/cache/actions-store.js';
import { saveLayer } from '../../src/cache/layer-cache.js';
import { memoryLogger } from '../../src/log.js';

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('actionsStore.save without a cache service', () => {
  it('reports that nothing was saved, after the toolkit says why', async () => {
    for (const name of [
      'ACTIONS_CACHE_URL',
      'ACTIONS_RESULTS_URL',
      'ACTIONS_RUNTIME_TOKEN',
      'ACTIONS_CACHE_SERVICE_V2',
    ]) {
      vi.stubEnv(name, '');
    }
    const built = mkdtempSync(join(tmpdir(), 'actions-store-'));
    vi.stubEnv('RUNNER_TEMP', built); // the toolkit writes its archive there
    // The toolkit retries the reservation once, after a pause: this test takes about 10 s.
    execFileSync('python3', [
      '-c',
      'import sys, zipfile\nwith zipfile.ZipFile(sys.argv[1], "w") as z: z.writestr("python/x.txt", "x")',
      join(built, 'layer.zip'),
    ]);
    const sha256 = createHash('sha256')
      .update(readFileSync(join(built, 'layer.zip')))
      .digest('hex');
    writeFileSync(join(built, 'manifest.json'), JSON.stringify({ layer: { sha256 } }));
    let runnerOutput = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      runnerOutput += chunk.toString();
      return true;
    });
    const log = memoryLogger();
    const saved = await saveLayer(actionsStore(join(built, 'cache-path')), 'key-1', built, log);
    vi.restoreAllMocks();
    expect(runnerOutput).toContain('Failed to save');
    expect(saved).toBe(false);
    const lines = log.lines.join('\n');
    expect(lines).not.toContain('Saved the layer');
    expect(lines).toContain('Did not save the layer to the GitHub Actions cache');
  });
});
