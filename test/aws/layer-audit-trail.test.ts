/**
 * From a layer version ARN alone to the run that built it: GetLayerVersion (the real SDK against
 * the local AWS server) gives the description naming repository, run and commit, and the
 * CodeSha256 that the zip someone holds (and its attestation's subject digest) must match.
 */
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { GetLayerVersionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { layerDescription } from '../../src/aws/description.js';
import type { PublishResult } from '../../src/aws/publish.js';
import { MAX_DESCRIPTION_LENGTH } from '../../src/aws/validation.js';
import { publishCommand } from '../../src/cli/publish.js';
import { memoryLogger } from '../../src/log.js';
import {
  type AwsTestServer,
  applyEnv,
  startAwsTestServer,
  TEST_ROLE_ARN,
} from '../support/aws-server/index.js';
import { type ZipOnDisk, zipOnDisk } from './helpers.js';

let aws: AwsTestServer;
let restoreEnv: () => void;
let zip: ZipOnDisk;

beforeAll(async () => {
  aws = await startAwsTestServer({ region: 'eu-west-1' });
  restoreEnv = applyEnv(aws.env);
  zip = await zipOnDisk({ 'python/six.py': '__version__ = "1.17.0"\n' });
  const manifest = {
    schemaVersion: 1,
    tool: { name: 'lambda-layer', version: '0.1.0' },
    target: {
      runtime: 'python3.13',
      architecture: 'x86_64',
      pythonVersion: '3.13',
      os: 'Amazon Linux 2023',
      glibc: '2.34',
      platformTags: [],
    },
    requirementsHash: 'e'.repeat(64),
    packages: [],
    layer: {
      file: 'layer.zip',
      sha256: '',
      codeSha256: zip.codeSha256,
      zipSize: zip.size,
      unzippedSize: 0,
      fileCount: 1,
    },
    bytecode: { compiled: 0, mode: 'none', removed: 0 },
  };
  await writeFile(join(zip.dir, 'manifest.json'), JSON.stringify(manifest));
});
afterAll(async () => {
  restoreEnv();
  await aws.close();
  await zip.cleanup();
});

describe('a layer ARN leads to its commit and run', () => {
  it('GetLayerVersion names repository, run and commit, and its CodeSha256 is the zip sha256', async () => {
    const stdout = new PassThrough();
    let out = '';
    stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    const log = memoryLogger();
    const env = {
      ...process.env,
      GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
      GITHUB_REPOSITORY: 'acme/payments-service',
      GITHUB_RUN_ID: '16234567890',
      GITHUB_RUN_ATTEMPT: '2',
    };
    const code = await publishCommand.run(
      [zip.dir, '--layer-name', 'audited', '--role-to-assume', TEST_ROLE_ARN, '--json'],
      { stdout, log, env, cwd: zip.dir },
    );
    expect(code, log.lines.join('\n')).toBe(0);
    const arn = (JSON.parse(out) as PublishResult).regions[0]?.layerVersionArn as string;

    // What someone holding only the ARN does (aws lambda get-layer-version-by-arn --arn ARN):
    // arn:aws:lambda:REGION:ACCOUNT:layer:NAME:VERSION.
    const [, , , region, , , name, version] = arn.split(':');
    const lambda = new LambdaClient({ region });
    const found = await lambda.send(
      new GetLayerVersionCommand({ LayerName: name, VersionNumber: Number(version) }),
    );
    expect(found.Description).toMatch(
      /^lambda-layer \S+ req:eeeeeeeeeeeeeeee commit:0123456789ab repo:acme\/payments-service run:16234567890 code:[0-9a-f]{16}$/,
    );
    const digest = createHash('sha256').update(await readFile(zip.zipPath));
    expect(found.Content?.CodeSha256).toBe(digest.copy().digest('base64'));
    // The hex form is what `gh attestation verify` and the SBOM's layer hash show.
    expect(Buffer.from(found.Content?.CodeSha256 as string, 'base64').toString('hex')).toBe(
      digest.digest('hex'),
    );
  });

  it("stays within 256 characters with GitHub's longest names, the user's text shortened to fit", () => {
    const repository = `${'o'.repeat(39)}/${'r'.repeat(100)}`;
    const text = layerDescription({
      codeSha256: zip.codeSha256,
      requirementsHash: 'a'.repeat(64),
      commit: 'b'.repeat(40),
      repository,
      runId: '99999999999',
      text: 'the payments service dependencies',
    });
    expect(text.length).toBeLessThanOrEqual(MAX_DESCRIPTION_LENGTH);
    expect(text).toMatch(
      new RegExp(
        `^the payme… \\| lambda-layer \\S+ req:a{16} commit:b{12} repo:${repository} run:99999999999 code:`,
      ),
    );
  });
});
