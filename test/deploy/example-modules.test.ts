/**
 * When the test run reinstalls examples/flask-api's node_modules (test/support/example-modules-setup.ts):
 * exactly when npm's record of what it installed differs from the example's package-lock.json.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleModulesStale } from '../support/example-modules-setup.js';

let dir: string;
const lock = {
  packages: {
    '': { name: 'example' },
    'node_modules/serverless': { version: '3.40.0', integrity: 'sha512-a' },
    'node_modules/fsevents': { version: '2.3.3', integrity: 'sha512-b', optional: true },
  },
};

async function write(installed: Record<string, unknown> | undefined): Promise<void> {
  await rm(join(dir, 'node_modules'), { recursive: true, force: true });
  if (!installed) return;
  await mkdir(join(dir, 'node_modules'));
  await writeFile(join(dir, 'node_modules', '.package-lock.json'), JSON.stringify({ packages: installed }));
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'example-modules-'));
  await writeFile(join(dir, 'package-lock.json'), JSON.stringify(lock));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('exampleModulesStale', () => {
  it('is quiet when node_modules holds what the lock says (an optional package may be absent)', async () => {
    await write({ 'node_modules/serverless': lock.packages['node_modules/serverless'] });
    expect(exampleModulesStale(dir)).toBeUndefined();
  });

  it('names what differs: nothing installed, a package missing, another version, an extra package', async () => {
    await write(undefined);
    expect(exampleModulesStale(dir)).toBe('node_modules is missing');
    await write({});
    expect(exampleModulesStale(dir)).toBe('node_modules/serverless is not installed');
    await write({ 'node_modules/serverless': { version: '3.39.0', integrity: 'sha512-c' } });
    expect(exampleModulesStale(dir)).toBe('node_modules/serverless is 3.39.0, the lock says 3.40.0');
    await write({ ...lock.packages, 'node_modules/left-pad': { version: '1.3.0' } });
    expect(exampleModulesStale(dir)).toBe('node_modules/left-pad is installed but not in the lock');
  });
});
