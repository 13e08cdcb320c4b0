/** Shared bits of the AWS tests: a layer zip on disk and publish settings for the test server. */
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PublishRequest, PublishSettings } from '../../src/aws/publish.js';
import { makeZip } from '../support/aws-server/index.js';

export interface ZipOnDisk {
  readonly dir: string;
  readonly zipPath: string;
  readonly codeSha256: string;
  readonly size: number;
  cleanup(): Promise<void>;
}

export async function zipOnDisk(
  files: Record<string, string | Buffer> = { 'python/pkg/__init__.py': 'x = 1\n' },
): Promise<ZipOnDisk> {
  const dir = await mkdtemp(join(tmpdir(), 'layer-aws-test-'));
  const bytes = makeZip(files);
  const zipPath = join(dir, 'layer.zip');
  await writeFile(zipPath, bytes);
  return {
    dir,
    zipPath,
    codeSha256: createHash('sha256').update(bytes).digest('base64'),
    size: bytes.length,
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

export function publishRequest(zip: ZipOnDisk, overrides: Partial<PublishRequest> = {}): PublishRequest {
  return {
    zipPath: zip.zipPath,
    codeSha256: zip.codeSha256,
    layerName: 'app-deps',
    regions: ['eu-west-1'],
    compatibleRuntimes: ['python3.11'],
    compatibleArchitectures: ['x86_64'],
    description: 'test layer',
    ...overrides,
  };
}

/** Short timeouts and retry delays so fault tests stay fast. */
export const FAST: PublishSettings = {
  socketTimeoutMs: 1000,
  connectTimeoutMs: 1000,
  maxAttempts: 3,
  publishRetryBaseMs: 20,
};
