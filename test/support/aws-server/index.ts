/**
 * One local HTTP server on 127.0.0.1 (random port) that speaks the real wire formats of the AWS
 * calls this project makes, plus GitHub's OIDC token endpoint, so the real SDK clients and
 * @actions/core can be tested end to end:
 *   {url}/lambda  Lambda REST-JSON: the layer API, and Invoke running the handler for real
 *                                                   (AWS_ENDPOINT_URL_LAMBDA)
 *   {url}/sts     STS Query/XML                    (AWS_ENDPOINT_URL_STS)
 *   {url}/s3      S3 REST, path-style              (AWS_ENDPOINT_URL_S3)
 *   {url}/_github/token?api-version=2.0            (ACTIONS_ID_TOKEN_REQUEST_URL)
 *   {url}/_httpapi/{function}/{path}               an HTTP API in front of a function
 *   {url}/_cloudformation/deploy                   creates the functions of a packaged service
 * It keeps state (layers per region, objects, roles, sessions), counts calls per operation and
 * takes a queue of faults per operation. The region of a signed request is read from its SigV4
 * credential scope, so one server plays every region.
 *
 *   const aws = await startAwsTestServer();
 *   const restore = applyEnv(aws.env);      // the SDK reads endpoints from process.env
 *   ... aws.calls.PublishLayerVersion, aws.state.layerVersions('eu-west-1', 'deps') ...
 *   aws.injectFault('PublishLayerVersion', { kind: 'throttle' }, { times: 2 });
 *   restore(); await aws.close();
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deployPackagedService } from './deploy-hook.js';
import { handleHttpApi } from './http-api.js';
import { generateSigningKey, jwks, signJwt } from './jwt.js';
import { handleLambda, lambdaFault, matchLambdaRoute } from './lambda.js';
import { handleInvoke, matchInvokeRoute } from './lambda-invoke.js';
import { handleS3, s3Error, s3Fault, s3Operation } from './s3.js';
import { AwsTestState } from './state.js';
import { handleSts, stsError, stsFault, stsOperation } from './sts.js';
import {
  type Fault,
  type FaultOptions,
  OPERATIONS,
  type Operation,
  type RecordedCall,
  type Reply,
  type RoleTrust,
  type Service,
} from './types.js';

export { AwsTestState, type StoredFunction, type StoredLayerVersion } from './state.js';
export type { Fault, FaultOptions, Operation, RecordedCall, RoleTrust } from './types.js';
export { makeZip } from './zip.js';

export const TEST_ACCOUNT_ID = '123456789012';
export const TEST_ROLE_ARN = `arn:aws:iam::${TEST_ACCOUNT_ID}:role/lambda-layer-publisher`;
export const TEST_SUBJECT = 'repo:octo-org/octo-app:ref:refs/heads/main';
export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';

export interface AwsTestServerOptions {
  readonly accountId?: string;
  /** Buckets to create: name -> region. */
  readonly buckets?: Readonly<Record<string, string>>;
  /** Roles and their trust rule. Default: TEST_ROLE_ARN trusting "repo:octo-org/octo-app:*". */
  readonly roles?: Readonly<Record<string, RoleTrust>>;
  /** The OIDC token's claims (sub defaults to TEST_SUBJECT). */
  readonly oidc?: {
    readonly subject?: string;
    readonly claims?: Readonly<Record<string, unknown>>;
    /** Client ids on the account's IAM OIDC provider. Default ["sts.amazonaws.com"]. */
    readonly providerAudiences?: readonly string[];
  };
  /** Largest ZipFile PublishLayerVersion accepts directly. Default 50 MiB. */
  readonly maxDirectUploadBytes?: number;
  /** AWS_REGION in `env`. Default us-east-1. */
  readonly region?: string;
}

export interface AwsTestServer {
  readonly url: string;
  /** AWS_ENDPOINT_URL_* + dummy static credentials + AWS_REGION + ACTIONS_ID_TOKEN_REQUEST_*. */
  readonly env: Readonly<Record<string, string>>;
  readonly state: AwsTestState;
  /** Requests per operation (faulted ones included). */
  readonly calls: Readonly<Record<Operation, number>>;
  /** Every request in order. */
  readonly requests: readonly RecordedCall[];
  injectFault(op: Operation, fault: Fault, options?: FaultOptions): void;
  /** Clears call counts, the request log and pending faults (state stays). */
  resetCalls(): void;
  /** Signs an OIDC token like the endpoint does (e.g. to write a token file). */
  issueIdToken(audience: string): string;
  close(): Promise<void>;
}

interface PendingFault {
  readonly fault: Fault;
  readonly region?: string;
  remaining: number;
}

const STATIC_KEY = {
  accessKeyId: 'AKIATESTSERVER000001',
  secretAccessKey: 'test-server-secret-key-not-real',
};

/** Reads "Credential=AKID/20250101/us-east-1/lambda/aws4_request" from a SigV4 Authorization header. */
function sigv4Scope(header: string | undefined): { accessKeyId: string; region: string } | undefined {
  const m = /Credential=([^/]+)\/\d{8}\/([^/]+)\/[^/]+\/aws4_request/.exec(header ?? '');
  return m ? { accessKeyId: m[1] ?? '', region: m[2] ?? '' } : undefined;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export async function startAwsTestServer(options: AwsTestServerOptions = {}): Promise<AwsTestServer> {
  const accountId = options.accountId ?? TEST_ACCOUNT_ID;
  const state = new AwsTestState(accountId);
  for (const [name, region] of Object.entries(options.buckets ?? {})) state.createBucket(name, region);
  const roles = options.roles ?? {
    [`arn:aws:iam::${accountId}:role/lambda-layer-publisher`]: { sub: 'repo:octo-org/octo-app:*' },
  };
  for (const [arn, trust] of Object.entries(roles)) state.addRole(arn, trust);
  state.sessions.set(STATIC_KEY.accessKeyId, {
    ...STATIC_KEY,
    arn: `arn:aws:iam::${accountId}:user/ci-test`,
  });

  const key = generateSigningKey();
  const requestToken = randomUUID();
  const providerAudiences = options.oidc?.providerAudiences ?? ['sts.amazonaws.com'];
  const maxDirectUploadBytes = options.maxDirectUploadBytes ?? 50 * 1024 * 1024;
  const calls = Object.fromEntries(OPERATIONS.map((op) => [op, 0])) as Record<Operation, number>;
  const requests: RecordedCall[] = [];
  const faults = new Map<Operation, PendingFault[]>();
  const timers = new Set<NodeJS.Timeout>();
  // Extracted layers and function code of Invoke.
  const workDir = mkdtempSync(join(tmpdir(), 'aws-test-server-'));

  const issueIdToken = (audience: string): string => {
    const now = Math.floor(Date.now() / 1000);
    const subject = options.oidc?.subject ?? TEST_SUBJECT;
    return signJwt(key, {
      jti: randomUUID(),
      sub: subject,
      aud: audience,
      ref: 'refs/heads/main',
      repository: 'octo-org/octo-app',
      repository_owner: 'octo-org',
      run_id: '4242',
      event_name: 'push',
      iss: GITHUB_ISSUER,
      nbf: now - 5,
      iat: now,
      exp: now + 300,
      ...options.oidc?.claims,
    });
  };

  const takeFault = (op: Operation, region: string | undefined): Fault | undefined => {
    const queue = faults.get(op) ?? [];
    const index = queue.findIndex((f) => f.remaining > 0 && (!f.region || f.region === region));
    const pending = queue[index];
    if (!pending) return undefined;
    pending.remaining -= 1;
    if (pending.remaining <= 0) queue.splice(index, 1);
    return pending.fault;
  };

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  const send = (res: ServerResponse, reply: Reply): void => {
    if (res.destroyed || res.writableEnded) return;
    res.writeHead(reply.status, reply.headers ?? {});
    res.end(reply.body ?? '');
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const body = await readBody(req);
    const method = req.method ?? 'GET';
    const [, prefix = '', ...rest] = url.pathname.split('/');
    const path = `/${rest.join('/')}`;
    const scope = sigv4Scope(req.headers.authorization);

    let service: Service;
    let op: Operation | undefined;
    let run: (callerArn: string) => Reply | Promise<Reply>;
    if (prefix === '_httpapi' || prefix === '_cloudformation') {
      // Test hooks standing in for API Gateway and CloudFormation: not AWS API calls.
      const region = options.region ?? 'us-east-1';
      send(
        res,
        prefix === '_httpapi'
          ? await handleHttpApi(state, region, method, `${path}${url.search}`, workDir)
          : await deployPackagedService(state, body, workDir),
      );
      return;
    }
    const invokeRoute = prefix === 'lambda' ? matchInvokeRoute(method, path) : undefined;
    if (invokeRoute) {
      service = 'lambda';
      op = 'Invoke';
      run = () =>
        handleInvoke({
          state,
          region: scope?.region ?? 'us-east-1',
          functionName: invokeRoute.functionName,
          headers: req.headers,
          body,
          workDir,
        });
    } else if (prefix === 'lambda') {
      service = 'lambda';
      const route = matchLambdaRoute(method, path);
      op = route?.op;
      run = (callerArn) =>
        handleLambda({
          state,
          region: scope?.region ?? 'us-east-1',
          route: route as NonNullable<typeof route>,
          query: url.searchParams,
          body,
          callerArn,
          maxDirectUploadBytes,
        });
    } else if (prefix === 'sts') {
      service = 'sts';
      const form = new URLSearchParams(body.toString('utf8'));
      op = method === 'POST' ? stsOperation(form) : undefined;
      run = (callerArn) =>
        handleSts({
          state,
          form,
          key,
          issuer: GITHUB_ISSUER,
          providerAudiences,
          callerArn: callerArn || undefined,
        });
    } else if (prefix === 's3') {
      service = 's3';
      const [bucket = '', ...keyParts] = rest;
      const objectKey = decodeURIComponent(keyParts.join('/'));
      op = bucket && objectKey ? s3Operation(method) : undefined;
      run = () =>
        handleS3({
          state,
          op: op as 'PutObject',
          bucket,
          key: objectKey,
          region: scope?.region,
          headers: req.headers,
          body,
        });
    } else if (prefix === '_github') {
      service = 'oidc';
      op = path === '/token' && method === 'GET' ? 'GetIdToken' : undefined;
      if (path === '/.well-known/jwks') {
        send(res, {
          status: 200,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(jwks(key)),
        });
        return;
      }
      run = () => {
        // The scheme is case-insensitive: @actions/http-client sends "Bearer", the docs show "bearer".
        const [scheme = '', credential] = (req.headers.authorization ?? '').split(' ');
        if (scheme.toLowerCase() !== 'bearer' || credential !== requestToken) {
          return { status: 401, body: JSON.stringify({ message: 'Bad credentials' }) };
        }
        const audience = url.searchParams.get('audience') ?? 'https://github.com/octo-org';
        return {
          status: 200,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ count: 1, value: issueIdToken(audience) }),
        };
      };
    } else {
      send(res, { status: 404, body: `no service at /${prefix}` });
      return;
    }
    if (!op) {
      send(res, { status: 404, body: `unsupported ${service} request ${method} ${url.pathname}` });
      return;
    }

    const fault = takeFault(op, scope?.region);
    calls[op] += 1;
    requests.push({
      op,
      region: scope?.region,
      accessKeyId: scope?.accessKeyId,
      ...(op === 'AssumeRoleWithWebIdentity' && service === 'sts'
        ? { roleArn: new URLSearchParams(body.toString('utf8')).get('RoleArn') ?? undefined }
        : {}),
      fault: fault?.kind,
      at: Date.now(),
    });

    // Signed services: the key must be one the server knows (static or issued by its STS).
    const unsigned = op === 'AssumeRoleWithWebIdentity' || service === 'oidc';
    const session = scope ? state.sessions.get(scope.accessKeyId) : undefined;
    let authError: Reply | undefined;
    if (!unsigned) {
      const token = req.headers['x-amz-security-token'];
      if (!session || (session.sessionToken !== undefined && token !== session.sessionToken)) {
        authError =
          service === 'lambda'
            ? handleUnknownKey('lambda')
            : service === 's3'
              ? s3Error(
                  403,
                  'InvalidAccessKeyId',
                  'The AWS Access Key Id you provided does not exist in our records.',
                )
              : stsError(
                  403,
                  'InvalidClientTokenId',
                  'The security token included in the request is invalid.',
                );
      } else if (session.expires && session.expires.getTime() < Date.now()) {
        authError = stsError(400, 'ExpiredToken', 'The security token included in the request is expired');
      }
    }
    const callerArn = session?.arn ?? '';

    if (fault && fault.kind !== 'delay') {
      const resource = `arn:aws:lambda:${scope?.region ?? 'us-east-1'}:${accountId}:${op === 'Invoke' ? 'function' : 'layer'}:${path.split('/')[3] ?? ''}`;
      const reply =
        service === 'lambda'
          ? lambdaFault(fault, op as Parameters<typeof lambdaFault>[1], callerArn, resource)
          : service === 'sts'
            ? stsFault(fault, op as Parameters<typeof stsFault>[1])
            : service === 's3'
              ? s3Fault(fault)
              : fault.kind === 'http'
                ? { status: fault.status, body: fault.body ?? '' }
                : {
                    status: fault.kind === 'throttle' ? 429 : fault.kind === 'access-denied' ? 403 : 500,
                    body: '{}',
                  };
      send(res, reply);
      return;
    }
    if (fault?.kind === 'delay' && fault.effect === 'none') {
      await sleep(fault.ms);
      res.destroy();
      return;
    }
    const reply = authError ?? (await run(callerArn));
    if (fault?.kind === 'delay') await sleep(fault.ms);
    send(res, reply);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      send(res, { status: 500, body: `test server error: ${String((error as Error)?.stack ?? error)}` });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    env: {
      AWS_ENDPOINT_URL_LAMBDA: `${url}/lambda`,
      AWS_ENDPOINT_URL_STS: `${url}/sts`,
      AWS_ENDPOINT_URL_S3: `${url}/s3`,
      AWS_ACCESS_KEY_ID: STATIC_KEY.accessKeyId,
      AWS_SECRET_ACCESS_KEY: STATIC_KEY.secretAccessKey,
      AWS_REGION: options.region ?? 'us-east-1',
      // Nothing on this machine may answer for the default chain instead of the server.
      AWS_EC2_METADATA_DISABLED: 'true',
      ACTIONS_ID_TOKEN_REQUEST_URL: `${url}/_github/token?api-version=2.0`,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken,
    },
    state,
    calls,
    requests,
    injectFault(op, fault, faultOptions = {}) {
      const queue = faults.get(op) ?? [];
      queue.push({ fault, region: faultOptions.region, remaining: faultOptions.times ?? 1 });
      faults.set(op, queue);
    },
    resetCalls() {
      for (const op of OPERATIONS) calls[op] = 0;
      requests.length = 0;
      faults.clear();
    },
    issueIdToken,
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}

function handleUnknownKey(_service: 'lambda'): Reply {
  return {
    status: 403,
    headers: {
      'content-type': 'application/json',
      'x-amzn-errortype':
        'UnrecognizedClientException:http://internal.amazon.com/coral/com.amazon.coral.service/',
    },
    body: JSON.stringify({ message: 'The security token included in the request is invalid.' }),
  };
}

/**
 * Sets variables on process.env (the SDK and @actions/core read endpoints and tokens there) and
 * returns a function restoring the previous values. Keys mapped to undefined are removed.
 */
export function applyEnv(env: Readonly<Record<string, string | undefined>>): () => void {
  const saved = new Map<string, string | undefined>();
  for (const [name, value] of Object.entries(env)) {
    saved.set(name, process.env[name]);
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  return () => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}
