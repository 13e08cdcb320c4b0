/**
 * `publish` when AWS cannot be reached at all (the endpoint refuses connections): the message
 * says the endpoint cannot be reached and names it, instead of blaming the credentials.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { isNetworkFailure } from '../../src/aws/endpoints.js';
import { main } from '../../src/cli.js';
import { memoryLogger } from '../../src/log.js';
import { closedPort } from '../support/http-index.js';
import { type ZipOnDisk, zipOnDisk } from './helpers.js';

let zip: ZipOnDisk;
beforeAll(async () => {
  zip = await zipOnDisk({ 'python/x/__init__.py': '' });
  await writeFile(join(zip.dir, 'unused'), '');
});
afterAll(() => zip?.cleanup());
afterEach(() => vi.unstubAllEnvs());

describe('publish against an endpoint that cannot be reached', () => {
  it('says the STS endpoint cannot be reached, with its URL, not that the credentials were rejected', async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    const env = {
      AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'example-secret',
      AWS_REGION: 'eu-west-1',
      AWS_ENDPOINT_URL: endpoint,
      AWS_ENDPOINT_URL_STS: '',
    };
    // The SDK's default provider chain reads the process environment itself.
    for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
    const log = memoryLogger();
    const code = await main(['publish', zip.zipPath, '--layer-name', 'x'], {
      stdout: new PassThrough(),
      log,
      env: process.env,
      cwd: zip.dir,
    });
    const text = log.lines.join('\n');
    expect(code).toBe(1);
    expect(text).toContain(
      `Could not check the AWS credentials from the default provider chain: the STS endpoint ${endpoint} cannot be reached (ECONNREFUSED)`,
    );
    expect(text).not.toContain('rejected');
  }, 60_000);

  it('tells a connection failure from an answer', () => {
    expect(isNetworkFailure(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe(
      true,
    );
    const denied = Object.assign(new Error('denied'), {
      name: 'AccessDenied',
      $metadata: { httpStatusCode: 403 },
    });
    expect(isNetworkFailure(denied)).toBe(false);
  });
});
