/**
 * resolveCredentials against the local server: GitHub OIDC token -> STS AssumeRoleWithWebIdentity
 * with the real STS client (and @actions/core's getIDToken for the action's path), masking order,
 * and the messages for a missing id-token permission and an STS refusal.
 */
import * as core from '@actions/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  childProcessEnv,
  credentialsEnv,
  defaultRoleSessionName,
  ID_TOKEN_PERMISSION_YAML,
  resolveCredentials,
} from '../../src/aws/credentials.js';
import { githubIdTokenFromEnv, idTokenFromFile } from '../../src/aws/github-oidc.js';
import { publishLayer } from '../../src/aws/publish.js';
import { InputError, UserError } from '../../src/errors.js';
import type { Logger } from '../../src/log.js';
import { memoryLogger } from '../../src/log.js';
import {
  type AwsTestServer,
  applyEnv,
  startAwsTestServer,
  TEST_ACCOUNT_ID,
  TEST_ROLE_ARN,
  TEST_SUBJECT,
} from '../support/aws-server/index.js';
import { FAST, publishRequest, zipOnDisk } from './helpers.js';

let aws: AwsTestServer;
let restoreEnv: () => void;
const STRICT_ROLE = `arn:aws:iam::${TEST_ACCOUNT_ID}:role/prod-only`;

beforeAll(async () => {
  aws = await startAwsTestServer({
    roles: {
      [TEST_ROLE_ARN]: { sub: 'repo:octo-org/octo-app:*' },
      [STRICT_ROLE]: { sub: 'repo:octo-org/octo-app:environment:production' },
    },
  });
  restoreEnv = applyEnv(aws.env);
});
afterAll(async () => {
  restoreEnv();
  await aws.close();
});
afterEach(() => aws.resetCalls());

/** Records mask calls and log lines in one timeline. */
function recorder(): {
  log: Logger;
  mask: (s: string) => void;
  events: { kind: 'mask' | 'log'; text: string }[];
} {
  const events: { kind: 'mask' | 'log'; text: string }[] = [];
  const push = (text: string) => events.push({ kind: 'log', text });
  return {
    events,
    mask: (text) => events.push({ kind: 'mask', text }),
    log: {
      info: push,
      warn: push,
      error: push,
      debug: push,
      group: async (title, work) => {
        push(title);
        return work();
      },
    },
  };
}

const fromEnv = () => githubIdTokenFromEnv(process.env);

describe('OIDC -> STS', () => {
  it('assumes the role, masks every secret before any log line, and the credentials work for publishing', async () => {
    const { log, mask, events } = recorder();
    const resolved = await resolveCredentials(
      { roleToAssume: TEST_ROLE_ARN, region: 'eu-west-1', runId: '4242-1' },
      { getIdToken: fromEnv(), mask },
      log,
    );
    expect(resolved.source).toBe('assumed-role');
    if (resolved.source !== 'assumed-role') return;
    const { accessKeyId, secretAccessKey, sessionToken } = resolved.credentials;
    expect(accessKeyId).toMatch(/^ASIA/);
    expect(resolved.assumedRoleArn).toBe(
      `arn:aws:sts::${TEST_ACCOUNT_ID}:assumed-role/lambda-layer-publisher/lambda-layer-4242-1`,
    );

    const masked = events.filter((e) => e.kind === 'mask').map((e) => e.text);
    expect(masked).toHaveLength(4); // the OIDC token, key id, secret, session token
    expect(masked.slice(1)).toEqual([accessKeyId, secretAccessKey, sessionToken]);
    expect(masked[0]?.split('.')).toHaveLength(3); // the JWT
    for (const secret of masked) {
      const maskedAt = events.findIndex((e) => e.kind === 'mask' && e.text === secret);
      const firstLeak = events.findIndex((e) => e.kind === 'log' && e.text.includes(secret as string));
      expect(firstLeak === -1 || firstLeak > maskedAt).toBe(true);
      expect(firstLeak).toBe(-1); // and in fact never logged
    }
    const logged = events
      .filter((e) => e.kind === 'log')
      .map((e) => e.text)
      .join('\n');
    expect(logged).toContain(`sub "${TEST_SUBJECT}", aud "sts.amazonaws.com"`);
    expect(logged).toContain(
      'Assumed arn:aws:sts::123456789012:assumed-role/lambda-layer-publisher/lambda-layer-4242-1',
    );

    // Publishing signs with the assumed credentials, not the ambient static keys.
    const zip = await zipOnDisk();
    try {
      await publishLayer(
        publishRequest(zip, { layerName: 'oidc-layer' }),
        { ...FAST, credentials: resolved.credentials },
        memoryLogger(),
      );
    } finally {
      await zip.cleanup();
    }
    const lambdaCalls = aws.requests.filter(
      (r) => r.op === 'PublishLayerVersion' || r.op === 'ListLayerVersions',
    );
    expect(lambdaCalls.length).toBeGreaterThan(0);
    expect(lambdaCalls.every((r) => r.accessKeyId === accessKeyId)).toBe(true);

    expect(credentialsEnv(resolved)).toEqual({
      AWS_ACCESS_KEY_ID: accessKeyId,
      AWS_SECRET_ACCESS_KEY: secretAccessKey,
      AWS_SESSION_TOKEN: sessionToken,
    });
    const child = childProcessEnv(
      { PATH: '/bin', AWS_PROFILE: 'laptop', AWS_ACCESS_KEY_ID: 'AKIAOLD' },
      resolved,
    );
    expect(child).toMatchObject({ PATH: '/bin', AWS_ACCESS_KEY_ID: accessKeyId });
    expect(child.AWS_PROFILE).toBeUndefined();
  });

  it('works with @actions/core getIDToken (the action path)', async () => {
    const resolved = await resolveCredentials(
      { roleToAssume: TEST_ROLE_ARN, region: 'us-east-1' },
      { getIdToken: (aud) => core.getIDToken(aud), mask: () => {} },
      memoryLogger(),
    );
    expect(resolved.source).toBe('assumed-role');
    expect(aws.calls.GetIdToken).toBe(1);
    expect(aws.calls.AssumeRoleWithWebIdentity).toBe(1);
  });

  it('reads a token from a file (CLI outside Actions)', async () => {
    const zip = await zipOnDisk();
    try {
      const path = `${zip.dir}/token`;
      await import('node:fs/promises').then((fs) =>
        fs.writeFile(path, `${aws.issueIdToken('sts.amazonaws.com')}\n`),
      );
      const resolved = await resolveCredentials(
        { roleToAssume: TEST_ROLE_ARN, region: 'us-east-1' },
        { getIdToken: idTokenFromFile(path) },
        memoryLogger(),
      );
      expect(resolved.source).toBe('assumed-role');
      expect(aws.calls.GetIdToken).toBe(0);
    } finally {
      await zip.cleanup();
    }
  });

  it('retries a throttled STS and succeeds', async () => {
    aws.injectFault('AssumeRoleWithWebIdentity', { kind: 'throttle' }, { times: 2 });
    const resolved = await resolveCredentials(
      { roleToAssume: TEST_ROLE_ARN, region: 'us-east-1', client: FAST },
      { getIdToken: fromEnv() },
      memoryLogger(),
    );
    expect(resolved.source).toBe('assumed-role');
    expect(aws.calls.AssumeRoleWithWebIdentity).toBe(3);
  });

  it('retries an STS 5xx and an answer past the client timeout', async () => {
    aws.injectFault('AssumeRoleWithWebIdentity', { kind: 'server-error', status: 503 });
    aws.injectFault('AssumeRoleWithWebIdentity', { kind: 'delay', ms: 2500 });
    const resolved = await resolveCredentials(
      { roleToAssume: TEST_ROLE_ARN, region: 'us-east-1', client: FAST },
      { getIdToken: fromEnv() },
      memoryLogger(),
    );
    expect(resolved.source).toBe('assumed-role');
    expect(aws.calls.AssumeRoleWithWebIdentity).toBe(3);
  });
});

describe('clear failures', () => {
  it('missing id-token permission: says so and shows the two YAML lines (CLI env path)', async () => {
    const restore = applyEnv({
      ACTIONS_ID_TOKEN_REQUEST_URL: undefined,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined,
    });
    try {
      const error = (await resolveCredentials(
        { roleToAssume: TEST_ROLE_ARN, region: 'us-east-1' },
        { getIdToken: fromEnv() },
        memoryLogger(),
      ).catch((e: unknown) => e)) as UserError;
      expect(error).toBeInstanceOf(UserError);
      expect(error.message).toContain('Could not request a GitHub OIDC token (audience "sts.amazonaws.com")');
      expect(error.hint).toContain(ID_TOKEN_PERMISSION_YAML);
      expect(ID_TOKEN_PERMISSION_YAML).toBe('permissions:\n  id-token: write');
      expect(aws.calls.AssumeRoleWithWebIdentity).toBe(0);
    } finally {
      restore();
    }
  });

  it('missing id-token permission through @actions/core, and the endpoint answering 403', async () => {
    const restore = applyEnv({ ACTIONS_ID_TOKEN_REQUEST_URL: undefined });
    const viaCore = (await resolveCredentials(
      { roleToAssume: TEST_ROLE_ARN, region: 'us-east-1' },
      { getIdToken: (aud) => core.getIDToken(aud) },
      memoryLogger(),
    ).catch((e: unknown) => e)) as UserError;
    restore();
    expect(viaCore.message).toContain('ACTIONS_ID_TOKEN_REQUEST_URL');
    expect(viaCore.hint).toContain('id-token: write');

    aws.injectFault('GetIdToken', { kind: 'http', status: 403, body: '{"message":"forbidden"}' });
    const forbidden = (await resolveCredentials(
      { roleToAssume: TEST_ROLE_ARN, region: 'us-east-1' },
      { getIdToken: fromEnv() },
      memoryLogger(),
    ).catch((e: unknown) => e)) as UserError;
    expect(forbidden.message).toContain('HTTP 403');
    expect(forbidden.hint).toContain(ID_TOKEN_PERMISSION_YAML);
  });

  it('STS AccessDenied: shows the role, the token sub and aud, and the condition that would match', async () => {
    const masked: string[] = [];
    const log = memoryLogger();
    const error = (await resolveCredentials(
      { roleToAssume: STRICT_ROLE, region: 'us-east-1' },
      { getIdToken: fromEnv(), mask: (s) => masked.push(s) },
      log,
    ).catch((e: unknown) => e)) as UserError;
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toContain(STRICT_ROLE);
    expect(error.message).toContain(`token sub "${TEST_SUBJECT}", aud "sts.amazonaws.com"`);
    expect(error.message).toContain('AccessDenied');
    const hint = error.hint ?? '';
    const statement = JSON.parse(hint.slice(hint.indexOf('{'), hint.lastIndexOf('}') + 1));
    expect(statement).toEqual({
      Effect: 'Allow',
      Principal: {
        Federated: `arn:aws:iam::${TEST_ACCOUNT_ID}:oidc-provider/token.actions.githubusercontent.com`,
      },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: {
        StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
        StringLike: { 'token.actions.githubusercontent.com:sub': TEST_SUBJECT },
      },
    });
    // The token was masked and appears nowhere in the error or the log.
    const token = masked[0] ?? '';
    expect(token.length).toBeGreaterThan(100);
    expect(`${error.message}\n${error.hint}\n${log.lines.join('\n')}`).not.toContain(token);
    expect(aws.calls.AssumeRoleWithWebIdentity).toBe(1); // a refusal is not retried
  });

  it('a wrong audience is explained (OIDC provider / aud condition)', async () => {
    const error = (await resolveCredentials(
      { roleToAssume: TEST_ROLE_ARN, region: 'us-east-1', audience: 'my-audience' },
      { getIdToken: fromEnv() },
      memoryLogger(),
    ).catch((e: unknown) => e)) as UserError;
    expect(error.message).toContain('STS rejected the GitHub OIDC token');
    expect(error.message).toContain('aud "my-audience"');
    expect(error.hint).toContain('"token.actions.githubusercontent.com:aud": "my-audience"');
  });

  it('a duration above the role maximum names the input', async () => {
    const error = await resolveCredentials(
      { roleToAssume: TEST_ROLE_ARN, region: 'us-east-1', durationSeconds: 7200 },
      { getIdToken: fromEnv() },
      memoryLogger(),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).input).toBe('role-duration-seconds');
    expect((error as Error).message).toContain('MaxSessionDuration');
  });

  it('validates role ARN, duration and session name before any call', async () => {
    const attempt = (options: Partial<Parameters<typeof resolveCredentials>[0]>) =>
      resolveCredentials(
        { roleToAssume: TEST_ROLE_ARN, region: 'us-east-1', ...options },
        { getIdToken: fromEnv() },
        memoryLogger(),
      ).then(
        () => {
          throw new Error('expected a validation error');
        },
        (e: unknown) => e as InputError,
      );
    expect((await attempt({ roleToAssume: 'lambda-layer-publisher' })).input).toBe('role-to-assume');
    expect((await attempt({ roleToAssume: 'arn:aws:iam::12345:role/x' })).input).toBe('role-to-assume');
    expect((await attempt({ durationSeconds: 600 })).input).toBe('role-duration-seconds');
    expect((await attempt({ durationSeconds: 50_000 })).input).toBe('role-duration-seconds');
    expect((await attempt({ roleSessionName: 'has spaces' })).input).toBe('role-session-name');
    expect((await attempt({ region: 'Europe' })).input).toBe('region');
    expect(aws.requests).toHaveLength(0);
    expect(defaultRoleSessionName('123/4 5')).toBe('lambda-layer-123-4-5');
    expect(defaultRoleSessionName('x'.repeat(100))).toHaveLength(64);
  });
});

describe('default provider chain', () => {
  it('uses ambient credentials and says whose they are', async () => {
    const log = memoryLogger();
    const resolved = await resolveCredentials({ region: 'us-east-1' }, {}, log);
    expect(resolved).toEqual({
      source: 'default-chain',
      identityArn: `arn:aws:iam::${TEST_ACCOUNT_ID}:user/ci-test`,
    });
    expect(credentialsEnv(resolved)).toEqual({});
    expect(childProcessEnv({ AWS_PROFILE: 'p' }, resolved)).toEqual({ AWS_PROFILE: 'p' });
    expect(log.lines.join('\n')).toContain('default provider chain (arn:aws:iam::123456789012:user/ci-test)');
  });

  it('no credentials anywhere: a clear error naming both ways to provide them', async () => {
    const restore = applyEnv({
      AWS_ACCESS_KEY_ID: undefined,
      AWS_SECRET_ACCESS_KEY: undefined,
      AWS_SESSION_TOKEN: undefined,
      AWS_PROFILE: undefined,
      AWS_CONFIG_FILE: '/nonexistent/aws-config',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
      AWS_WEB_IDENTITY_TOKEN_FILE: undefined,
      AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: undefined,
      AWS_CONTAINER_CREDENTIALS_FULL_URI: undefined,
    });
    try {
      const error = (await resolveCredentials(
        { region: 'us-east-1', client: FAST },
        {},
        memoryLogger(),
      ).catch((e: unknown) => e)) as UserError;
      expect(error).toBeInstanceOf(UserError);
      expect(error.message).toContain('No AWS credentials found');
      expect(error.hint).toContain('role-to-assume');
      expect(error.hint).toContain('configure-aws-credentials');
    } finally {
      restore();
    }
  });

  it('rejected ambient credentials are reported as such', async () => {
    const restore = applyEnv({ AWS_ACCESS_KEY_ID: 'AKIAUNKNOWN000000000', AWS_SECRET_ACCESS_KEY: 'nope' });
    try {
      await expect(resolveCredentials({ region: 'us-east-1' }, {}, memoryLogger())).rejects.toThrow(
        /were rejected: InvalidClientTokenId/,
      );
    } finally {
      restore();
    }
  });
});
