/**
 * deployService with the real Serverless binary and no AWS credentials: the deploy fails fast,
 * and the failure carries Serverless's own error text plus the note that the layer version stays
 * published. A deploy that exceeds its bound is stopped with the same note.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployService } from '../../src/deploy/serverless.js';
import { InputError, UserError } from '../../src/errors.js';
import { memoryLogger } from '../../src/log.js';
import {
  copyExample,
  EXAMPLE_DIR,
  EXAMPLE_FILES,
  serverlessTestEnv,
  TEST_LAYER_ARN,
} from './flask-example.js';

const EU_LAYER_ARN = 'arn:aws:lambda:eu-west-1:123456789012:layer:deps:7';

/** Shared with package.test.ts: osls is installed there once and reused. */
const OSLS_TOOL_DIR = resolve(import.meta.dirname, '../../node_modules/.cache/lambda-layer-test/osls-3');

let work: string;
let service: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'sls-deploy-fail-'));
  service = await copyExample(work);
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function failureOf(promise: Promise<unknown>): Promise<UserError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return error as UserError;
  }
  throw new Error('expected the deploy to fail');
}

describe('deployService failures', () => {
  it('without credentials: Serverless error text, layer ARN note, streamed output', async () => {
    const log = memoryLogger();
    const started = Date.now();
    const error = await failureOf(
      deployService(
        {
          servicePath: service,
          stage: 'dev',
          region: 'us-east-1',
          layerArn: TEST_LAYER_ARN,
          deployArgs: '',
          env: serverlessTestEnv(join(work, 'home')),
          timeoutMs: 120_000,
        },
        log,
      ),
    );
    const elapsed = Date.now() - started;
    expect(error.message).toContain('serverless deploy failed (exit code 1) for stage dev in us-east-1');
    expect(error.message).toContain('AWS provider credentials not found');
    expect(error.message).toContain(
      `The layer version ${TEST_LAYER_ARN} stays published: a re-run reuses it`,
    );
    // The footer (Environment:, Docs:) is not part of the error text.
    expect(error.message).not.toContain('Environment:');
    expect(log.lines).toContain(`group: serverless deploy (stage dev, us-east-1, layer ${TEST_LAYER_ARN})`);
    expect(log.lines.some((line) => line.includes("Using the service's own serverless 3."))).toBe(true);
    expect(log.lines.some((line) => line.startsWith('info: Deploying flask-api to stage dev'))).toBe(true);
    expect(elapsed).toBeLessThan(90_000);
    console.log(`failed deploy reported in ${elapsed} ms`);
  });

  it('with osls on a service whose plugins were never installed: the plugin error, and a warning first', async () => {
    const bare = join(work, 'bare-service');
    mkdirSync(bare);
    for (const file of EXAMPLE_FILES) copyFileSync(join(EXAMPLE_DIR, file), join(bare, file));
    const log = memoryLogger();
    const error = await failureOf(
      deployService(
        {
          servicePath: bare,
          stage: 'prod',
          region: 'eu-west-1',
          layerArn: EU_LAYER_ARN,
          serverlessPackage: 'osls',
          toolDir: OSLS_TOOL_DIR,
          installTimeoutMs: 170_000,
          env: serverlessTestEnv(join(work, 'home')),
          timeoutMs: 120_000,
        },
        log,
      ),
    );
    expect(
      log.lines.some(
        (line) =>
          line.startsWith('warn: ') &&
          line.includes('has a package.json but no node_modules and no lockfile'),
      ),
    ).toBe(true);
    expect(log.lines.some((line) => /^info: Using osls 3\./.test(line))).toBe(true);
    expect(error.message).toContain('serverless deploy failed (exit code 1) for stage prod in eu-west-1');
    expect(error.message).toMatch(/plugin "serverless-wsgi" not found/);
    expect(error.message).toContain(`The layer version ${EU_LAYER_ARN} stays published`);
  }, 240_000);

  it('a deploy over its time bound is stopped, and says so with the ARN note', async () => {
    const error = await failureOf(
      deployService(
        {
          servicePath: service,
          stage: 'dev',
          region: 'us-east-1',
          layerArn: TEST_LAYER_ARN,
          env: serverlessTestEnv(join(work, 'home')),
          timeoutMs: 300,
        },
        memoryLogger(),
      ),
    );
    expect(error.message).toContain('serverless deploy did not finish within 0.3 s and was stopped');
    expect(error.message).toContain(`The layer version ${TEST_LAYER_ARN} stays published`);
  });

  it('rejects deploy-args that would change the stage or the layer ARN, before running anything', async () => {
    const base = { servicePath: service, stage: 'dev', region: 'us-east-1', layerArn: TEST_LAYER_ARN };
    await expect(deployService({ ...base, deployArgs: '--stage prod' }, memoryLogger())).rejects.toThrow(
      'Input "deploy-args": "--stage" sets the stage; use the stage input instead',
    );
    await expect(
      deployService(
        { ...base, deployArgs: "--param 'layerArn=arn:aws:lambda:us-east-1:1:layer:x:1'" },
        memoryLogger(),
      ),
    ).rejects.toThrow('would replace the layer ARN');
    await expect(
      deployService({ ...base, deployArgs: '--verbose "unterminated' }, memoryLogger()),
    ).rejects.toBeInstanceOf(InputError);
    await expect(deployService({ ...base, layerArn: 'deps:7' }, memoryLogger())).rejects.toThrow(
      'Input "layer-arn": "deps:7" is not a Lambda layer version ARN',
    );
    await expect(deployService({ ...base, region: 'eu-west-1' }, memoryLogger())).rejects.toThrow(
      `Input "layer-arn": ${TEST_LAYER_ARN} is in us-east-1, but the deploy goes to eu-west-1`,
    );
    await expect(deployService({ ...base, servicePath: work }, memoryLogger())).rejects.toThrow(
      'Input "service-path"',
    );
  });
});
