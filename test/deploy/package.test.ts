/**
 * `serverless package` on examples/flask-api with a layer ARN, with the example's own
 * serverless@3 and with osls 3 installed from the npm registry the way deployService installs
 * it. Offline: package needs no AWS call. The CloudFormation template must attach exactly the
 * ARN to the one function, with serverless-wsgi's handler and runtime python3.11, and the
 * function zip must hold the app and the WSGI shim but no dependencies and no node_modules.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  installServerless,
  resolveServerlessPackage,
  serviceServerless,
} from '../../src/deploy/serverless-package.js';
import { memoryLogger } from '../../src/log.js';
import { runProcess } from '../../src/process.js';
import { listZip } from '../../src/zip/reader.js';
import { copyExample, serverlessTestEnv, TEST_LAYER_ARN } from './flask-example.js';

/**
 * osls is installed once into node_modules/.cache (kept between runs: ~20 s the first time with
 * a warm npm cache, then 0 s), not into a fresh temp prefix per run.
 */
const OSLS_TOOL_DIR = resolve(import.meta.dirname, '../../node_modules/.cache/lambda-layer-test/osls-3');

interface CfnResource {
  Type: string;
  Properties: Record<string, unknown>;
}

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'sls-package-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function packageExample(
  serverlessBin: string,
): Promise<{ service: string; output: string; ms: number }> {
  const service = await copyExample(work);
  const result = await runProcess(
    serverlessBin,
    ['package', '--stage', 'dev', '--region', 'us-east-1', '--param', `layerArn=${TEST_LAYER_ARN}`],
    {
      cwd: service,
      env: serverlessTestEnv(join(work, 'home'), true),
      environment: 'user',
      timeoutMs: 150_000,
    },
  );
  expect(result.timedOut).toBe(false);
  expect(result.code, result.output).toBe(0);
  return { service, output: result.output, ms: result.durationMs };
}

function expectTemplateAttachesLayer(service: string): void {
  const template = JSON.parse(
    readFileSync(join(service, '.serverless', 'cloudformation-template-update-stack.json'), 'utf8'),
  ) as { Resources: Record<string, CfnResource> };
  const functions = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function');
  expect(functions).toHaveLength(1);
  const [fn] = functions;
  expect(fn?.Properties.Layers).toEqual([TEST_LAYER_ARN]);
  expect(fn?.Properties.Handler).toBe('wsgi_handler.handler');
  expect(fn?.Properties.Runtime).toBe('python3.11');
  const types = Object.values(template.Resources).map((r) => r.Type);
  expect(types).toContain('AWS::ApiGatewayV2::Api');
}

async function expectFunctionZipIsLean(service: string): Promise<void> {
  const names = (await listZip(join(service, '.serverless', 'flask-api.zip'))).map((entry) => entry.name);
  expect(names.sort()).toEqual(['.serverless-wsgi', 'app.py', 'serverless_wsgi.py', 'wsgi_handler.py']);
}

describe('serverless package of examples/flask-api', () => {
  it("with the example's own serverless@3: the template attaches exactly the layer ARN", async () => {
    const own = await serviceServerless(await copyExample(work));
    expect(own?.packageName).toBe('serverless');
    expect(own?.version).toMatch(/^3\./);
    const { service, ms } = await packageExample(own?.path ?? '');
    expectTemplateAttachesLayer(service);
    await expectFunctionZipIsLean(service);
    console.log(`serverless ${own?.version} package: ${ms} ms`);
  });

  it('with osls 3 installed from the npm registry: the same template', async () => {
    mkdirSync(OSLS_TOOL_DIR, { recursive: true });
    const started = Date.now();
    const osls = await installServerless(resolveServerlessPackage('osls'), OSLS_TOOL_DIR, {
      timeoutMs: 170_000,
      log: memoryLogger(),
    });
    const installMs = Date.now() - started;
    expect(osls.packageName).toBe('osls');
    expect(osls.version).toMatch(/^3\./);
    const { service, ms } = await packageExample(osls.path);
    expectTemplateAttachesLayer(service);
    await expectFunctionZipIsLean(service);
    console.log(`osls ${osls.version}: install/reuse ${installMs} ms, package ${ms} ms`);
  }, 330_000);
});
