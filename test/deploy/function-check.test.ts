/**
 * The post-deploy invoke check end to end. The service is the Flask example plus scheduled and
 * S3 functions; its `serverless deploy` is the stand-in (a real deploy needs CloudFormation),
 * which runs the real `serverless package` and has the local AWS server create the packaged
 * functions. Layers are built by the real build from the wheel mirror. The real
 * @aws-sdk/client-lambda InvokeCommand reaches the server (AWS_ENDPOINT_URL_LAMBDA), which runs
 * each handler for real on its layer (the project's invoke runner), so errors, log tails and
 * REPORT lines are what Python produced. The smoke test GETs an HTTP API stand-in that invokes
 * the same function.
 */
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { checkFunctions, describeCheckFailure, type FunctionCheck } from '../../src/deploy/function-check.js';
import { functionsOfState, readDeployedFunctions } from '../../src/deploy/functions.js';
import {
  type DeployStageOptions,
  FunctionsFailedError,
  runDeployStage,
  SmokeTestError,
} from '../../src/deploy/index.js';
import { InputError } from '../../src/errors.js';
import { memoryLogger } from '../../src/log.js';
import { functionAnnotations, functionTable } from '../../src/report.js';
import { type AwsTestServer, applyEnv, startAwsTestServer } from '../support/aws-server/index.js';
import { machineMirror, NO_MIRROR_MESSAGE } from '../support/mirror.js';
import { toolDirWithServerlessStandIn } from '../support/serverless-stand-in.js';
import { buildExampleLayer, EXAMPLE_DIR, requireExampleModules, serverlessTestEnv } from './flask-example.js';

const mirror = machineMirror();
if (!mirror) console.warn(NO_MIRROR_MESSAGE);

const SERVERLESS_YML = `service: flask-api
frameworkVersion: '3'
provider:
  name: aws
  runtime: python3.11
  region: \${opt:region, 'us-east-1'}
  stage: \${opt:stage, 'dev'}
  layers:
    - \${param:layerArn}
plugins:
  - serverless-wsgi
custom:
  wsgi:
    app: app.app
    packRequirements: false
package:
  patterns: ['!node_modules/**', '!.serverless/**', '!home/**', '!record.jsonl']
functions:
  api:
    handler: wsgi_handler.handler
    events:
      - httpApi: '*'
  digest:
    handler: digest.send
    events:
      - schedule: rate(1 day)
  nightly:
    handler: jobs.nightly
    events:
      - schedule: rate(1 day)
  upload:
    handler: jobs.on_upload
    memorySize: 256
    events:
      - s3:
          bucket: flask-api-uploads
          event: s3:ObjectCreated:*
          rules:
            - prefix: incoming/
            - suffix: .csv
  typo:
    handler: jobs.nigthly
    events:
      - schedule: rate(1 hour)
  slow:
    handler: jobs.slow
    timeout: 1
    events:
      - eventBridge:
          schedule: rate(5 minutes)
  worker:
    handler: jobs.worker
    events:
      - sqs: arn:aws:sqs:us-east-1:123456789012:jobs
`;

const JOBS_PY = `import time


def nightly(event, context):
    print("nightly run for", event["time"])
    raise RuntimeError("the database at db.internal:5432 is unreachable")


def on_upload(event, context):
    record = event["Records"][0]["s3"]
    key = record["object"]["key"]
    assert key.startswith("incoming/") and key.endswith(".csv"), key
    print("processing s3://%s/%s" % (record["bucket"]["name"], key))
    return {"processed": key}


def slow(event, context):
    time.sleep(5)


def worker(event, context):
    return len(event["Records"])
`;

/** Imports Flask at module level, like the story's app: a layer without Flask cannot import it. */
const DIGEST_PY = `from flask import Flask, render_template_string

app = Flask(__name__)


def send(event, context):
    with app.app_context():
        return {"html": render_template_string("<p>{{ n }} new</p>", n=3)}
`;

let work: string;
let aws: AwsTestServer;
let restoreEnv: () => void;
let flaskLayerArn: string;
let noFlaskLayerArn: string;
let toolDir: string;

/** A fresh copy of the service: its plugins from the example, no serverless binary of its own. */
function newService(name: string): string {
  const service = join(work, name);
  mkdirSync(join(service, 'node_modules'), { recursive: true });
  symlinkSync(
    join(requireExampleModules(), 'serverless-wsgi'),
    join(service, 'node_modules', 'serverless-wsgi'),
  );
  writeFileSync(join(service, 'serverless.yml'), SERVERLESS_YML);
  writeFileSync(join(service, 'app.py'), readFileSync(join(EXAMPLE_DIR, 'app.py')));
  writeFileSync(join(service, 'jobs.py'), JOBS_PY);
  writeFileSync(join(service, 'digest.py'), DIGEST_PY);
  return service;
}

function stageOptions(
  service: string,
  layerArn: string,
  extra: Partial<DeployStageOptions> = {},
): DeployStageOptions {
  return {
    servicePath: service,
    stage: 'dev',
    region: 'us-east-1',
    layerArn,
    toolDir,
    env: {
      ...serverlessTestEnv(join(work, 'home'), true),
      RECORD_FILE: join(service, 'record.jsonl'),
      ENDPOINT_URL: `${aws.url}/_httpapi/flask-api-dev-api`,
      REAL_SERVERLESS: join(requireExampleModules(), '.bin', 'serverless'),
      DEPLOY_HOOK_URL: `${aws.url}/_cloudformation/deploy`,
    },
    smokeTestPath: '/',
    expectText: 'Bienvenido',
    smokeTest: { attempts: 1 },
    ...extra,
  };
}

const byKey = (checks: readonly FunctionCheck[]) => Object.fromEntries(checks.map((c) => [c.key, c]));

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'function-check-'));
  aws = await startAwsTestServer();
  restoreEnv = applyEnv(aws.env);
  toolDir = toolDirWithServerlessStandIn(join(work, 'tool'));
  if (!mirror) return;
  const started = Date.now();
  const flaskZip = await buildExampleLayer(join(work, 'layer-flask'));
  // The story's mistake: Flask left out of requirements.txt, its dependencies still there.
  writeFileSync(join(work, 'requirements-no-flask.txt'), 'Werkzeug\n');
  const noFlaskZip = await buildExampleLayer(
    join(work, 'layer-no-flask'),
    join(work, 'requirements-no-flask.txt'),
  );
  const publish = (name: string, zip: string) => {
    const v = aws.state.addLayerVersion('us-east-1', name, readFileSync(zip));
    return `${aws.state.layerArn('us-east-1', name)}:${v.version}`;
  };
  flaskLayerArn = publish('flask-deps', flaskZip);
  noFlaskLayerArn = publish('no-flask-deps', noFlaskZip);
  console.log(`two layers built in ${Date.now() - started} ms`);
}, 240_000);

afterAll(async () => {
  restoreEnv?.();
  await aws?.close();
  await rm(work, { recursive: true, force: true });
});

describe.skipIf(!mirror)('invoking every deployed function', () => {
  let failure: FunctionsFailedError;

  it('runs each handler on the layer: healthy Flask and S3, a raising schedule, a missing handler, a timeout', async () => {
    const service = newService('healthy');
    const log = memoryLogger();
    aws.resetCalls();
    const started = Date.now();
    const error = await runDeployStage(stageOptions(service, flaskLayerArn, { invoke: {} }), log).catch(
      (e: unknown) => e,
    );
    console.log(`deploy + smoke test + 6 invocations: ${Date.now() - started} ms`);
    expect(error, log.lines.join('\n')).toBeInstanceOf(FunctionsFailedError);
    failure = error as FunctionsFailedError;
    expect(failure.result.smokeTest).toMatchObject({ ok: true, status: 200 });
    expect(aws.calls.Invoke).toBe(6);

    const rows = byKey(failure.checks);
    expect(failure.checks.map((c) => c.key)).toEqual([
      'api',
      'digest',
      'nightly',
      'upload',
      'typo',
      'slow',
      'worker',
    ]);
    expect(rows.api).toMatchObject({
      result: 'ok',
      trigger: 'http',
      httpStatus: 200,
      name: 'flask-api-dev-api',
    });
    expect(rows.digest).toMatchObject({ result: 'ok', trigger: 'schedule' });
    expect(rows.upload).toMatchObject({ result: 'ok', trigger: 's3' });
    expect(rows.upload?.logTail).toContain('processing s3://flask-api-uploads/incoming/report.csv');
    expect(rows.upload?.report?.memorySizeMb).toBe(256);
    expect(rows.nightly).toMatchObject({
      result: 'failed',
      error: { type: 'RuntimeError', message: 'the database at db.internal:5432 is unreachable' },
    });
    expect(rows.nightly?.logTail).toContain('nightly run for 2024-03-12T19:00:00Z');
    expect(rows.nightly?.logTail).toContain('jobs.py", line 6, in nightly');
    expect(rows.nightly?.logTail).not.toContain('bootstrap.py');
    expect(rows.nightly?.logTail).toMatch(
      /\[ERROR\] RuntimeError: the database at db.internal:5432 is unreachable\nTraceback/,
    );
    expect(rows.typo).toMatchObject({
      result: 'failed',
      error: { type: 'Runtime.HandlerNotFound', message: "Handler 'nigthly' missing on module 'jobs'" },
    });
    expect(rows.slow).toMatchObject({
      result: 'failed',
      trigger: 'schedule',
      error: { type: 'Sandbox.Timedout' },
    });
    expect(rows.slow?.error?.message).toMatch(/Task timed out after 1\.00 seconds$/);
    expect(rows.slow?.report).toMatchObject({ durationMs: 1000, status: 'timeout' });
    expect(rows.worker).toMatchObject({ result: 'skipped', trigger: 'sqs' });
    expect(rows.worker?.skipped).toBe('no sample event for sqs: add worker=FILE to invoke-events');

    // The REPORT line's figures, measured in the interpreter.
    const report = rows.api?.report;
    expect(report?.memorySizeMb).toBe(1024);
    expect(report?.maxMemoryUsedMb).toBeGreaterThan(5);
    expect(report?.initDurationMs).toBeGreaterThan(0);
    expect(report?.billedDurationMs).toBeGreaterThanOrEqual(Math.floor(report?.durationMs ?? 0));

    expect(failure.message).toBe(
      [
        '3 of 6 function(s) failed when invoked after the deploy:',
        '- nightly (flask-api-dev-nightly, schedule): RuntimeError: the database at db.internal:5432 is unreachable',
        "- typo (flask-api-dev-typo, schedule): Runtime.HandlerNotFound: Handler 'nigthly' missing on module 'jobs'",
        `- slow (flask-api-dev-slow, schedule): Sandbox.Timedout: ${rows.slow?.error?.message}`,
      ].join('\n'),
    );
    // The log shows each function's line and each failure's tail, prefixed (no workflow commands).
    expect(log.lines).toContain(`group: Invoke the deployed functions (us-east-1)`);
    expect(log.lines.some((l) => /^info: api \(flask-api-dev-api, http\): ok \(HTTP 200\), /.test(l))).toBe(
      true,
    );
    expect(log.lines.some((l) => l.startsWith('info:   | [ERROR] RuntimeError: the database'))).toBe(true);

    const table = functionTable(failure.checks).join('\n');
    const annotations = functionAnnotations(failure.checks, describeCheckFailure);
    expect(annotations.map((a) => a.title)).toEqual([
      'nightly (flask-api-dev-nightly) failed: RuntimeError',
      'typo (flask-api-dev-typo) failed: Runtime.HandlerNotFound',
      'slow (flask-api-dev-slow) failed: Sandbox.Timedout',
    ]);
    console.log(
      `job summary table:\n${table}\n\nannotation "${annotations[0]?.title}":\n${annotations[0]?.message}`,
    );
  }, 240_000);

  it('reads functions and triggers from the state the real serverless package wrote', async () => {
    const functions = await readDeployedFunctions(join(work, 'healthy', '.serverless'));
    expect(functions.map((f) => [f.key, f.name, f.trigger ?? f.eventTypes.join()])).toEqual([
      ['api', 'flask-api-dev-api', 'http'],
      ['digest', 'flask-api-dev-digest', 'schedule'],
      ['nightly', 'flask-api-dev-nightly', 'schedule'],
      ['upload', 'flask-api-dev-upload', 's3'],
      ['typo', 'flask-api-dev-typo', 'schedule'],
      ['slow', 'flask-api-dev-slow', 'schedule'],
      ['worker', 'flask-api-dev-worker', 'sqs'],
    ]);
    expect(functions.find((f) => f.key === 'upload')?.s3).toEqual({
      bucket: 'flask-api-uploads',
      prefix: 'incoming/',
      suffix: '.csv',
    });
    expect(functions.find((f) => f.key === 'slow')?.timeoutSeconds).toBe(1);
    expect(functionsOfState({})).toEqual([]);
  });

  it('a chosen function, an event file, and names that are not functions', async () => {
    const functions = await readDeployedFunctions(join(work, 'healthy', '.serverless'));
    const eventFile = join(work, 'sqs-event.json');
    writeFileSync(eventFile, JSON.stringify({ Records: [{ body: 'a' }, { body: 'b' }] }));
    const checks = await checkFunctions(
      functions,
      { functions: ['worker', 'flask-api-dev-upload'], events: { worker: eventFile } },
      { region: 'us-east-1' },
      memoryLogger(),
    );
    expect(checks.filter((c) => c.result === 'ok').map((c) => [c.key, c.event])).toEqual([
      ['upload', 'the s3-put event'],
      ['worker', `the ${eventFile} event`],
    ]);
    expect(checks.filter((c) => c.result === 'skipped')).toHaveLength(5);
    await expect(
      checkFunctions(functions, { functions: ['apii'] }, { region: 'us-east-1' }, memoryLogger()),
    ).rejects.toThrow(
      'Input "invoke-functions": "apii" is not a function of the service (api, digest, nightly, upload, typo, slow, worker)',
    );
    const noEvent = await checkFunctions(
      functions,
      { functions: ['worker'] },
      { region: 'us-east-1' },
      memoryLogger(),
    ).catch((e: unknown) => e);
    expect(noEvent).toBeInstanceOf(InputError);
    expect((noEvent as InputError).message).toBe(
      'Input "invoke-functions": worker is triggered by sqs, which has no sample event',
    );
    writeFileSync(eventFile, '{"Records": [');
    await expect(
      checkFunctions(
        functions,
        { functions: ['worker'], events: { worker: eventFile } },
        { region: 'us-east-1' },
        memoryLogger(),
      ),
    ).rejects.toThrow(`Input "invoke-events": ${eventFile} is not valid JSON`);
  }, 60_000);

  it('a role without lambda:InvokeFunction: the failure says which permission to add', async () => {
    const functions = await readDeployedFunctions(join(work, 'healthy', '.serverless'));
    aws.injectFault('Invoke', { kind: 'access-denied' }, { times: 2 });
    const error = (await checkFunctions(
      functions,
      { functions: ['digest'] },
      { region: 'us-east-1' },
      memoryLogger(),
    ).catch((e: unknown) => e)) as FunctionsFailedError;
    expect(error.message).toContain(
      'AccessDeniedException: User: arn:aws:iam::123456789012:user/ci-test is not authorized to perform: lambda:Invoke on resource: arn:aws:lambda:us-east-1:123456789012:function:flask-api-dev-digest',
    );
    expect(error.hint).toBe(
      'allow lambda:InvokeFunction on the service functions for the deploy role (docs/iam.md), or set invoke: false',
    );
  }, 60_000);
});

describe.skipIf(!mirror)('a layer without Flask (the story)', () => {
  it('the smoke test fails with 500, and the message shows the function its own error and log tail', async () => {
    const service = newService('no-flask');
    const log = memoryLogger();
    aws.resetCalls();
    const error = await runDeployStage(stageOptions(service, noFlaskLayerArn), log).catch((e: unknown) => e);
    expect(error, log.lines.join('\n')).toBeInstanceOf(SmokeTestError);
    const smoke = error as SmokeTestError;
    const endpoint = `${aws.url}/_httpapi/flask-api-dev-api`;
    // Only the HTTP function was invoked, once, to explain the 500 (invoke is off).
    expect(aws.calls.Invoke).toBe(1);
    expect(smoke.result.smokeTestDiagnosis).toMatchObject({
      result: 'failed',
      httpStatus: 500,
      error: { type: 'HTTP 500' },
    });
    const lines = smoke.message.split('\n');
    expect(lines[0]).toBe(
      `the deploy succeeded but the smoke test failed after 1 attempt(s): GET ${endpoint}/ -> HTTP 500`,
    );
    // serverless-wsgi answers 500 itself when the app cannot be imported: no FunctionError.
    expect(lines[1]).toBe('<!doctype html>');
    expect(smoke.message).toMatch(
      /\nThe function behind it, api, invoked directly: HTTP 500: <!doctype html>/,
    );
    expect(smoke.message).toContain('Invoked flask-api-dev-api with a GET / event.');
    expect(smoke.message).toContain("Unable to import app: 'app.app' - No module named 'flask'");
    expect(smoke.message).toMatch(/\nREPORT RequestId: [0-9a-f-]+\tDuration: /);
    expect(smoke.hint).toBe(
      'a module is missing from the layer (or the function code): add it to requirements.txt, rebuild and deploy again',
    );
    console.log(`smoke-test failure message:\n${smoke.message}`);
  }, 240_000);

  it('lambda-layer deploy --invoke: Runtime.ImportModuleError with its log tail, exit code 1', async () => {
    const service = newService('cli');
    const options = stageOptions(service, noFlaskLayerArn);
    let stdout = '';
    const log = memoryLogger();
    // The CLI finds the stand-in through the runner's tool cache, as an installed serverless@3.
    const cache = join(work, 'tool-cache');
    toolDirWithServerlessStandIn(join(cache, 'lambda-layer-serverless', 'serverless@3.40.0'));
    const restore = applyEnv({ RUNNER_TOOL_CACHE: cache });
    const exitCode = await main(
      [
        'deploy',
        '--service-path',
        service,
        '--layer-arn',
        noFlaskLayerArn,
        '--invoke',
        '--invoke-functions',
        'digest,api',
        '--region',
        options.region,
      ],
      {
        stdout: new Writable({
          write(chunk, _encoding, done) {
            stdout += chunk;
            done();
          },
        }),
        log,
        env: options.env as NodeJS.ProcessEnv,
        cwd: work,
      },
    ).finally(restore);
    expect(exitCode).toBe(1);
    console.log(`CLI stdout:\n${stdout}`);
    expect(stdout).toContain('functions:');
    expect(stdout).toMatch(
      / {2}digest {4}schedule {2}Runtime\.ImportModuleError: Unable to import module 'digest': No module named 'flask'/,
    );
    expect(log.lines.join('\n')).toContain('error: 2 of 2 function(s) failed when invoked after the deploy:');
  }, 240_000);
});
