/**
 * `lambda-layer deploy --role-to-assume`: the deploy role is assumed with a GitHub OIDC token
 * (here from --web-identity-token-file, signed by the local AWS server's issuer), and serverless
 * gets that session's keys; without the flag it gets the environment's credentials unchanged.
 * serverless is the recording stand-in (a real deploy needs CloudFormation).
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployCommand } from '../../src/cli/deploy.js';
import { describeError, UserError } from '../../src/errors.js';
import { memoryLogger } from '../../src/log.js';
import {
  type AwsTestServer,
  applyEnv,
  startAwsTestServer,
  TEST_SUBJECT,
} from '../support/aws-server/index.js';
import { serviceWithServerlessStandIn } from '../support/serverless-stand-in.js';

const DEPLOY_ROLE = 'arn:aws:iam::123456789012:role/lambda-layer-github-deploy';
const LAYER = 'arn:aws:lambda:us-east-1:123456789012:layer:flask-api-deps:3';

let aws: AwsTestServer;
let restoreEnv: () => void;
let work: string;

beforeAll(async () => {
  aws = await startAwsTestServer({ roles: { [DEPLOY_ROLE]: { sub: TEST_SUBJECT } } });
  restoreEnv = applyEnv(aws.env);
  work = await mkdtemp(join(tmpdir(), 'cli-deploy-role-'));
});
afterAll(async () => {
  restoreEnv?.();
  await aws?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

async function deploy(name: string, extra: string[]) {
  const { service, record } = serviceWithServerlessStandIn(join(work, name));
  const log = memoryLogger();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...aws.env,
    RECORD_FILE: record,
    ENDPOINT_URL: 'http://127.0.0.1:9',
  };
  // No OIDC endpoint: the token comes from the file, as outside GitHub Actions.
  delete env.ACTIONS_ID_TOKEN_REQUEST_URL;
  let code: number;
  try {
    code = await deployCommand.run(['--layer-arn', LAYER, '--service-path', service, ...extra], {
      stdout: new PassThrough(),
      log,
      env,
      cwd: work,
    });
  } catch (error) {
    log.error(describeError(error));
    code = error instanceof UserError ? 1 : 70;
  }
  const calls = (() => {
    try {
      return readFileSync(record, 'utf8').trim().split('\n');
    } catch {
      return [];
    }
  })().map((line) => JSON.parse(line) as { argv: string[]; env: Record<string, string> });
  return { code, log: log.lines.join('\n'), deployEnv: calls.find((c) => c.argv[0] === 'deploy')?.env };
}

describe('lambda-layer deploy --role-to-assume', () => {
  it('assumes the deploy role with the OIDC token and gives serverless its keys', async () => {
    aws.resetCalls();
    const tokenFile = join(work, 'token');
    await writeFile(tokenFile, aws.issueIdToken('sts.amazonaws.com'));
    const run = await deploy('with-role', [
      '--role-to-assume',
      DEPLOY_ROLE,
      '--web-identity-token-file',
      tokenFile,
    ]);
    expect(run.code, run.log).toBe(0);
    expect(aws.requests.filter((r) => r.op === 'AssumeRoleWithWebIdentity').map((r) => r.roleArn)).toEqual([
      DEPLOY_ROLE,
    ]);
    const session = aws.state.sessions.get(run.deployEnv?.AWS_ACCESS_KEY_ID ?? '');
    expect(session?.arn).toMatch(/:assumed-role\/lambda-layer-github-deploy\//);
  });

  it('without it, serverless gets the environment credentials unchanged', async () => {
    aws.resetCalls();
    const run = await deploy('ambient', []);
    expect(run.code, run.log).toBe(0);
    expect(aws.requests.filter((r) => r.op === 'AssumeRoleWithWebIdentity')).toEqual([]);
    expect(run.deployEnv?.AWS_ACCESS_KEY_ID).toBe(aws.env.AWS_ACCESS_KEY_ID);
  });

  it('with a role but no token source, says how to grant the token and deploys nothing', async () => {
    const run = await deploy('no-token', ['--role-to-assume', DEPLOY_ROLE]);
    expect(run.code).toBe(1);
    expect(run.log).toContain('id-token: write');
    expect(run.deployEnv).toBeUndefined();
  });
});
