/**
 * The whole job through local-action, as the reusable workflow's deploy job runs it: build,
 * publish to the local AWS server with the job's credentials, `serverless deploy` with the new
 * ARN (a stand-in binary: a real deploy needs CloudFormation), smoke test over real HTTP.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOOLS_FOLDER } from '../../src/cache/wheel-store.js';
import { startAction } from '../support/action-process.js';
import { type AwsTestServer, startAwsTestServer, TEST_SUBJECT } from '../support/aws-server/index.js';
import { runLocalAction } from '../support/local-action.js';
import { createPackageIndex, type PackageIndex } from '../support/package-index.js';
import { seedPinnedPip } from '../support/pinned-pip-setup.js';
import { serviceWithServerlessStandIn } from '../support/serverless-stand-in.js';

const PUBLISH_ROLE = 'arn:aws:iam::123456789012:role/lambda-layer-github-publish';
const DEPLOY_ROLE = 'arn:aws:iam::123456789012:role/lambda-layer-github-deploy';

let index: PackageIndex;
let aws: AwsTestServer;
let site: Server;
let endpoint: string;
let workspace: string;

beforeAll(async () => {
  index = await createPackageIndex({ wheels: [{ name: 'webby', version: '2.0' }] });
  aws = await startAwsTestServer({
    roles: {
      // The ambient-credentials test assumes none; the two-role test assumes both, as
      // aws/github-roles.yml creates them (each trusting the repository's main branch).
      [PUBLISH_ROLE]: { sub: TEST_SUBJECT },
      [DEPLOY_ROLE]: { sub: TEST_SUBJECT },
    },
  });
  site = createServer((request, response) => {
    if (request.url === '/') response.writeHead(200).end('Bienvenido al servidor de Flask');
    else response.writeHead(404).end();
  });
  await new Promise<void>((done) => site.listen(0, '127.0.0.1', done));
  endpoint = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  workspace = mkdtempSync(join(tmpdir(), 'action-full-'));
  writeFileSync(join(workspace, 'requirements.txt'), 'webby==2.0\n');
}, 120_000);

afterAll(async () => {
  site?.closeAllConnections();
  site?.close();
  await aws?.close();
  await index?.cleanup();
});

describe('the action with deploy: true', () => {
  it('publishes, deploys the service with the new layer ARN and credentials, and smoke-tests it', async () => {
    const { service, record } = serviceWithServerlessStandIn(join(workspace, 'service'));
    const temp = mkdtempSync(join(tmpdir(), 'action-full-runner-'));
    const run = await runLocalAction(
      {
        'index-url': index.indexUrl,
        'layer-name': 'webby-deps',
        'aws-region': 'us-east-1',
        deploy: 'true',
        'service-path': 'service',
        stage: 'prod',
        'smoke-test-expect': 'Bienvenido',
      },
      {
        ...aws.env,
        GITHUB_WORKSPACE: workspace,
        LOCAL_ACTION_WORKSPACE: workspace,
        LOCAL_ACTION_CACHE_PATH: join(temp, 'cache'),
        RUNNER_TEMP: join(temp, 'tmp'),
        PIP_CONFIG_FILE: '/dev/null',
        PIP_RETRIES: '0',
        RECORD_FILE: record,
        ENDPOINT_URL: endpoint,
        HOME: temp,
      },
    );
    expect(run.failure).toBeUndefined();
    const arn = 'arn:aws:lambda:us-east-1:123456789012:layer:webby-deps:1';
    expect(run.outputs['layer-arn']).toBe(arn);
    expect(run.outputs.endpoint).toBe(endpoint);
    expect(run.outputs['smoke-test-status']).toBe('200');

    const deploy = readFileSync(record, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { argv: string[]; cwd: string; env: Record<string, string> })
      .find((call) => call.argv[0] === 'deploy');
    expect(deploy?.cwd).toBe(service);
    expect(deploy?.argv).toEqual([
      'deploy',
      '--stage',
      'prod',
      '--region',
      'us-east-1',
      '--param',
      `layerArn=${arn}`,
    ]);
    expect(deploy?.env.LAYER_ARN).toBe(arn);
    // The job's credentials reached serverless through its environment.
    expect(deploy?.env.AWS_ACCESS_KEY_ID).toBe(aws.env.AWS_ACCESS_KEY_ID);
  });

  it('publishes with role-to-assume and deploys with deploy-role-to-assume, each assumed for its stage', async () => {
    const { record } = serviceWithServerlessStandIn(join(workspace, 'service-two-roles'));
    const temp = mkdtempSync(join(tmpdir(), 'action-two-roles-'));
    aws.resetCalls();
    // The real @actions/core (local-action's getIDToken is a stub): the token comes from the
    // local server's token endpoint, as on a runner with id-token: write.
    const tmp = join(temp, 'tmp');
    await seedPinnedPip(join(tmp, 'lambda-layer-cache', 'wheels', TOOLS_FOLDER));
    const run = await startAction(
      {
        'index-url': index.indexUrl,
        cache: 'false',
        'layer-name': 'webby-deps',
        'aws-region': 'us-east-1',
        'role-to-assume': PUBLISH_ROLE,
        'deploy-role-to-assume': DEPLOY_ROLE,
        deploy: 'true',
        'service-path': 'service-two-roles',
        stage: 'prod',
        // Run as the runner does, but without action.yml's defaults: name the ones this needs.
        'smoke-test-path': '/',
        'smoke-test-expect': 'Bienvenido',
      },
      {
        ...aws.env,
        GITHUB_WORKSPACE: workspace,
        RUNNER_TEMP: tmp,
        PIP_CONFIG_FILE: '/dev/null',
        PIP_RETRIES: '0',
        RECORD_FILE: record,
        ENDPOINT_URL: endpoint,
        HOME: temp,
      },
    ).done;
    expect(run.stdout).not.toMatch(/^::error/m);
    expect(run.code).toBe(0);
    expect(run.outputs).toMatch(/^smoke-test-status<<(\S+)\n200\n\1$/m);

    // One AssumeRoleWithWebIdentity per stage, publish role first.
    const assumed = aws.requests.filter((r) => r.op === 'AssumeRoleWithWebIdentity').map((r) => r.roleArn);
    expect(assumed).toEqual([PUBLISH_ROLE, DEPLOY_ROLE]);
    const roleOfKey = (key: string | undefined) =>
      aws.state.sessions.get(key ?? '')?.arn ?? `unknown key ${key}`;
    // Every layer call was signed by the publish role's session.
    const layerCalls = aws.requests.filter((r) => r.op.includes('LayerVersion'));
    expect(layerCalls.length).toBeGreaterThan(0);
    for (const call of layerCalls)
      expect(roleOfKey(call.accessKeyId)).toMatch(/:assumed-role\/lambda-layer-github-publish\//);
    // serverless got the deploy role's keys, never the publish role's or the job's own.
    const deploy = readFileSync(record, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { argv: string[]; env: Record<string, string> })
      .find((call) => call.argv[0] === 'deploy');
    expect(roleOfKey(deploy?.env.AWS_ACCESS_KEY_ID)).toMatch(/:assumed-role\/lambda-layer-github-deploy\//);
  });
});
