/**
 * The action as GitHub runs it (through @github/local-action, from source): a cache miss, a
 * cache hit, a bad input, a publish and a re-publish against the local AWS test server, and a
 * role that cannot get its OIDC token.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsTestServer, startAwsTestServer } from '../support/aws-server/index.js';
import { runLocalAction } from '../support/local-action.js';
import { createPackageIndex, type PackageIndex } from '../support/package-index.js';

let index: PackageIndex;
let aws: AwsTestServer;
let workspace: string;
let runnerEnv: Record<string, string>;

beforeAll(async () => {
  index = await createPackageIndex({
    wheels: [
      { name: 'webby', version: '1.0.0', requiresDist: ['helper>=1'] },
      { name: 'helper', version: '1.1', tags: 'cp311-cp311-manylinux_2_17_x86_64' },
    ],
  });
  aws = await startAwsTestServer();
  workspace = mkdtempSync(join(tmpdir(), 'action-ws-'));
  writeFileSync(join(workspace, 'requirements.txt'), '# the service\nwebby==1.0.0\n');
  const temp = mkdtempSync(join(tmpdir(), 'action-runner-'));
  runnerEnv = {
    GITHUB_WORKSPACE: workspace,
    LOCAL_ACTION_WORKSPACE: workspace,
    LOCAL_ACTION_CACHE_PATH: join(temp, 'cache'),
    RUNNER_TEMP: join(temp, 'tmp'),
    GITHUB_STEP_SUMMARY: join(temp, 'summary.md'),
    // The generated index only: nothing from the machine's pip configuration.
    PIP_CONFIG_FILE: '/dev/null',
    PIP_RETRIES: '0',
  };
  writeFileSync(runnerEnv.GITHUB_STEP_SUMMARY as string, '');
}, 120_000);

afterAll(async () => {
  await aws?.close();
  await index?.cleanup();
});

const buildInputs = () => ({ 'index-url': index.indexUrl, publish: 'false' });

describe('the action through local-action', () => {
  it('builds on a cache miss, then restores the same layer on a hit', async () => {
    const first = await runLocalAction(buildInputs(), runnerEnv);
    expect(first.failure).toBeUndefined();
    expect(first.outputs['cache-hit']).toBe('false');
    expect(first.outputs['requirements-hash']).toMatch(/^[0-9a-f]{64}$/);
    const zip = first.outputs['layer-zip'] as string;
    expect(existsSync(zip)).toBe(true);
    expect(Number(first.outputs['layer-size'])).toBeGreaterThan(0);
    expect(first.log).toContain('Cache miss');
    const summary = readFileSync(runnerEnv.GITHUB_STEP_SUMMARY as string, 'utf8');
    expect(summary).toContain('## Lambda layer: python3.11 x86_64');
    expect(summary).toMatch(/\| helper \| 1\.1 \| [\d.]+\u00a0(?:B|KiB) \| █+ \| `manylinux_2_17_x86_64` \|/);
    // The SBOM beside the zip (output sbom) and the licences in the summary.
    const sbom = first.outputs.sbom as string;
    expect(sbom).toBe(join(dirname(zip), 'layer.cdx.json'));
    const sbomText = readFileSync(sbom, 'utf8');
    expect(JSON.parse(sbomText).metadata.component.hashes[0].content).toMatch(/^[0-9a-f]{64}$/);
    expect(summary).toContain('| Licence | Distributions |');

    // A comment-only change to the requirements keeps the key: the second run is a hit.
    writeFileSync(join(workspace, 'requirements.txt'), 'webby==1.0.0   # the service\n');
    const second = await runLocalAction(buildInputs(), runnerEnv);
    expect(second.failure).toBeUndefined();
    expect(second.outputs['cache-hit']).toBe('true');
    expect(second.outputs['layer-size']).toBe(first.outputs['layer-size']);
    expect(second.outputs['requirements-hash']).toBe(first.outputs['requirements-hash']);
    expect(readFileSync(second.outputs.sbom as string, 'utf8')).toBe(sbomText);
    expect(second.log).not.toContain('Install requirements');
  });

  it('fails on a bad input with a message naming it, and sets no outputs', async () => {
    const run = await runLocalAction({ ...buildInputs(), runtime: 'python2.7' }, runnerEnv);
    expect(run.failure).toMatch(/Input "runtime": unknown Lambda runtime "python2\.7"/);
    expect(run.outputs).toEqual({});
  });

  it('requires layer-name when publishing', async () => {
    const run = await runLocalAction({ 'index-url': index.indexUrl }, runnerEnv);
    expect(run.failure).toMatch(/Input "layer-name": is required when publish is true/);
  });

  it('publishes with ambient credentials, then reuses the identical version', async () => {
    const inputs = {
      'index-url': index.indexUrl,
      'layer-name': 'webby-deps',
      'aws-region': 'us-east-1, eu-west-1',
    };
    const env = { ...runnerEnv, ...aws.env };
    const first = await runLocalAction(inputs, env);
    expect(first.failure).toBeUndefined();
    expect(first.outputs['layer-arn']).toBe('arn:aws:lambda:us-east-1:123456789012:layer:webby-deps:1');
    expect(JSON.parse(first.outputs['layer-arns'] as string)).toEqual({
      'us-east-1': 'arn:aws:lambda:us-east-1:123456789012:layer:webby-deps:1',
      'eu-west-1': 'arn:aws:lambda:eu-west-1:123456789012:layer:webby-deps:1',
    });
    expect(first.outputs['layer-reused']).toBe('false');
    const publishes = aws.calls.PublishLayerVersion;
    expect(publishes).toBe(2);

    const second = await runLocalAction(inputs, env);
    expect(second.failure).toBeUndefined();
    expect(second.outputs['layer-reused']).toBe('true');
    expect(second.outputs['layer-version']).toBe('1');
    expect(aws.calls.PublishLayerVersion).toBe(publishes);
  });

  it('explains the missing id-token permission when a role cannot get its OIDC token', async () => {
    const run = await runLocalAction(
      {
        'index-url': index.indexUrl,
        'layer-name': 'webby-deps',
        'aws-region': 'us-east-1',
        'role-to-assume': 'arn:aws:iam::123456789012:role/lambda-layer-publisher',
      },
      { ...runnerEnv, ...aws.env },
    );
    expect(run.failure).toContain('id-token: write');
    expect(run.outputs['layer-arn']).toBeUndefined();
  });
});
