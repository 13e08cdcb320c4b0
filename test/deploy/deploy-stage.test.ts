/**
 * The success path of the deploy stage. A real deploy needs AWS (CloudFormation, S3, API
 * Gateway), which cannot run here, so the service brings a stand-in `serverless` binary in its
 * node_modules that records how it was called and prints what Serverless v3 prints
 * (write-service-outputs.js format). Everything else is real: the binary lookup, the spawn,
 * the environment, the output parsing, the `info --verbose` fallback, the smoke test over HTTP.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { runDeployStage, SmokeTestError } from '../../src/deploy/index.js';
import { memoryLogger } from '../../src/log.js';
import { serviceWithServerlessStandIn } from '../support/serverless-stand-in.js';
import { TEST_LAYER_ARN } from './flask-example.js';

let work: string;
let server: Server;
let endpoint: string;

/** A copy of the example whose node_modules/.bin/serverless is the stand-in. */
function serviceWithStandIn(name: string): { service: string; record: string } {
  return serviceWithServerlessStandIn(join(work, name));
}

function calls(record: string): { argv: string[]; cwd: string; env: Record<string, string | undefined> }[] {
  return readFileSync(record, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'deploy-stage-'));
  server = createServer((request, response) => {
    if (request.url === '/') response.writeHead(200).end('Bienvenido al servidor de Flask');
    else response.writeHead(404).end('Not Found');
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((done) => server.close(done));
  await rm(work, { recursive: true, force: true });
});

describe('runDeployStage', () => {
  it('deploys with the ARN, credentials only in the child, reads the endpoint via info, smoke-tests it', async () => {
    const { service, record } = serviceWithStandIn('ok');
    const log = memoryLogger();
    const result = await runDeployStage(
      {
        servicePath: service,
        stage: 'dev',
        region: 'us-east-1',
        layerArn: TEST_LAYER_ARN,
        deployArgs: `--verbose --param 'greeting=hola mundo'`,
        env: {
          ...process.env,
          RECORD_FILE: join(service, 'record.jsonl'),
          ENDPOINT_URL: endpoint,
          AWS_ACCESS_KEY_ID: 'ASIACHILDONLY',
        },
        smokeTestPath: '/',
        expectText: 'Bienvenido',
        smokeTest: { delayMs: 10 },
      },
      log,
    );
    expect(result.endpoint).toBe(endpoint);
    expect(result.smokeTest).toMatchObject({ ok: true, status: 200, attempts: 1, url: `${endpoint}/` });
    expect(result.deploy.serverless).toEqual({
      packageName: 'serverless',
      version: '3.40.0',
      source: 'service',
    });

    const [deploy, info] = calls(record);
    const common = ['--stage', 'dev', '--region', 'us-east-1', '--param', `layerArn=${TEST_LAYER_ARN}`];
    expect(deploy?.argv).toEqual(['deploy', ...common, '--verbose', '--param', 'greeting=hola mundo']);
    expect(info?.argv).toEqual(['info', '--verbose', ...common]);
    expect(deploy?.cwd).toBe(service);
    expect(deploy?.env).toEqual({
      LAYER_ARN: TEST_LAYER_ARN,
      AWS_ACCESS_KEY_ID: 'ASIACHILDONLY',
      SLS_TELEMETRY_DISABLED: '1',
      SLS_NOTIFICATIONS_MODE: 'off',
    });
    expect(process.env.AWS_ACCESS_KEY_ID).not.toBe('ASIACHILDONLY');
    expect(process.env.LAYER_ARN).toBeUndefined();
    // Output streamed in a group, colour codes stripped.
    expect(log.lines).toContain(`group: serverless deploy (stage dev, us-east-1, layer ${TEST_LAYER_ARN})`);
    expect(log.lines).toContain('info: ✔ Service deployed to stack flask-api-dev (61s)');
    expect(log.lines).toContain(`info: Endpoint: ${endpoint}`);
  });

  it('a failed smoke test fails after the deploy, keeping the endpoint for outputs', async () => {
    const { service } = serviceWithStandIn('smoke-fails');
    const error = await runDeployStage(
      {
        servicePath: service,
        stage: 'dev',
        region: 'us-east-1',
        layerArn: TEST_LAYER_ARN,
        env: { ...process.env, RECORD_FILE: join(service, 'record.jsonl'), ENDPOINT_URL: endpoint },
        smokeTestPath: '/',
        expectText: 'Hello world',
        smokeTest: { attempts: 2, delayMs: 10 },
      },
      memoryLogger(),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SmokeTestError);
    const smokeError = error as SmokeTestError;
    expect(smokeError.message).toBe(
      `the deploy succeeded but the smoke test failed after 2 attempt(s): GET ${endpoint}/ -> body does not contain "Hello world"\nBienvenido al servidor de Flask\n` +
        // The stand-in packages nothing, so the HTTP function cannot be found to invoke: said, not hidden.
        `(the HTTP function could not be invoked to show why: cannot tell which functions were deployed: ${service}/.serverless/serverless-state.json does not exist)`,
    );
    expect(smokeError.result.endpoint).toBe(endpoint);
    expect(smokeError.result.smokeTest?.ok).toBe(false);
  });

  it('lambda-layer deploy --json prints the endpoint and the smoke test', async () => {
    const { service } = serviceWithStandIn('cli');
    let stdout = '';
    const log = memoryLogger();
    const exitCode = await main(
      [
        'deploy',
        '--service-path',
        service,
        '--layer-arn',
        TEST_LAYER_ARN.replace('us-east-1', 'eu-west-1'),
        '--region',
        'eu-west-1',
        '--smoke-test-path',
        '/',
        '--json',
      ],
      {
        stdout: new Writable({
          write(chunk, _encoding, done) {
            stdout += chunk;
            done();
          },
        }),
        log,
        env: { ...process.env, RECORD_FILE: join(service, 'record.jsonl'), ENDPOINT_URL: endpoint },
        cwd: work,
      },
    );
    expect(exitCode, log.lines.join('\n')).toBe(0);
    const printed = JSON.parse(stdout);
    expect(printed.endpoint).toBe(endpoint);
    expect(printed.smokeTest).toMatchObject({ ok: true, status: 200 });
    expect(calls(join(service, 'record.jsonl'))[0]?.argv.slice(1, 5)).toEqual([
      '--stage',
      'dev',
      '--region',
      'eu-west-1',
    ]);
  });
});
