/** `lambda-layer publish` end to end through the CLI entry, against the local AWS test server. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PublishResult } from '../../src/aws/publish.js';
import { publishCommand } from '../../src/cli/publish.js';
import { describeError, UserError } from '../../src/errors.js';
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
  aws = await startAwsTestServer({ region: 'eu-central-1' });
  restoreEnv = applyEnv(aws.env);
  zip = await zipOnDisk({ 'python/flask/__init__.py': '__version__ = "3.0.3"\n' });
  const manifest = {
    schemaVersion: 1,
    tool: { name: 'lambda-layer', version: '0.1.0' },
    target: {
      runtime: 'python3.12',
      architecture: 'arm64',
      pythonVersion: '3.12',
      os: 'Amazon Linux 2023',
      glibc: '2.34',
      platformTags: [],
    },
    requirementsHash: 'f'.repeat(64),
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
afterEach(() => aws.resetCalls());

async function cli(args: string[], env: NodeJS.ProcessEnv = process.env) {
  const stdout = new PassThrough();
  let out = '';
  stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  const log = memoryLogger();
  // The command itself (not src/cli.ts, which loads every other command): same error handling as main().
  let code: number;
  try {
    code = await publishCommand.run(args, { stdout, log, env, cwd: zip.dir });
  } catch (error) {
    log.error(describeError(error));
    code = error instanceof UserError ? 1 : 70;
  }
  return { code, out, log: log.lines.join('\n') };
}

describe('lambda-layer publish', () => {
  it('publishes a build directory with OIDC credentials, then reuses it', async () => {
    const env = { ...process.env, GITHUB_SHA: 'abcdef1234567890', GITHUB_RUN_ID: '99' };
    const args = [
      zip.dir,
      '--layer-name',
      'cli-layer',
      '--region',
      'eu-west-1,us-east-2',
      '--role-to-assume',
      TEST_ROLE_ARN,
      '--json',
    ];
    const first = await cli(args, env);
    expect(first.code, first.log).toBe(0);
    const result = JSON.parse(first.out) as PublishResult;
    expect(result.regions.map((r) => [r.region, r.version, r.reused])).toEqual([
      ['eu-west-1', 1, false],
      ['us-east-2', 1, false],
    ]);
    const stored = aws.state.layerVersions('us-east-2', 'cli-layer')[0];
    expect(stored?.compatibleRuntimes).toEqual(['python3.12']);
    expect(stored?.compatibleArchitectures).toEqual(['arm64']);
    expect(stored?.description).toMatch(
      /^lambda-layer \S+ req:ffffffffffffffff commit:abcdef123456 (repo:\S+ )?run:99 code:[0-9a-f]{16}$/,
    );
    expect(first.log).toContain('session lambda-layer-99-1');
    expect(
      aws.requests
        .filter((r) => r.op === 'PublishLayerVersion')
        .every((r) => r.accessKeyId?.startsWith('ASIA')),
    ).toBe(true);

    const second = await cli(args, env);
    expect(second.code).toBe(0);
    expect((JSON.parse(second.out) as PublishResult).regions.every((r) => r.reused)).toBe(true);
    expect(second.log).toContain('reused    version 1');
  });

  it('publishes a bare zip with the default target, says so, and takes the region from AWS_REGION', async () => {
    const { code, log } = await cli([zip.zipPath, '--layer-name', 'bare-zip']);
    expect(code, log).toBe(0);
    expect(log).toContain('publishing as compatible with python3.11 x86_64 (the defaults)');
    expect(log).toContain('Using AWS credentials from the default provider chain');
    expect(aws.state.layerVersions('eu-central-1', 'bare-zip')).toHaveLength(1);
  });

  it('fails with a named input when no region is known', async () => {
    const env = { ...process.env, AWS_REGION: undefined, AWS_DEFAULT_REGION: undefined };
    const { code, log } = await cli([zip.zipPath, '--layer-name', 'x'], env);
    expect(code).toBe(1);
    expect(log).toContain('--region: no region given');
  });

  it('prints the partial result as JSON and exits 1 when a region fails', async () => {
    aws.injectFault(
      'PublishLayerVersion',
      { kind: 'access-denied' },
      { region: 'sa-east-1', times: Infinity },
    );
    const { code, out, log } = await cli([
      zip.dir,
      '--layer-name',
      'partial',
      '--region',
      'sa-east-1',
      '--region',
      'eu-west-3',
      '--json',
    ]);
    expect(code).toBe(1);
    const result = JSON.parse(out) as PublishResult;
    expect(result.ok).toBe(false);
    expect(result.regions.find((r) => r.region === 'eu-west-3')).toMatchObject({ ok: true, version: 1 });
    expect(log).toMatch(/sa-east-1: PublishLayerVersion failed: AccessDeniedException/);
  });

  it('without an OIDC token source, --role-to-assume explains the id-token permission', async () => {
    const env = { ...process.env, ACTIONS_ID_TOKEN_REQUEST_URL: undefined };
    const { code, log } = await cli([zip.dir, '--layer-name', 'x', '--role-to-assume', TEST_ROLE_ARN], env);
    expect(code).toBe(1);
    expect(log).toContain('permissions:\n  id-token: write');
  });
});
