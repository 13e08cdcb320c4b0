/** `lambda-layer deploy`: serverless deploy with a layer ARN, then an optional smoke test and invoke check. */
import { resolve } from 'node:path';
import { childProcessEnv, resolveCredentials } from '../aws/credentials.js';
import { type DeployStageResult, PostDeployError, runDeployStage } from '../deploy/index.js';
import { parseInvokeEvents, parseList, parseSecondsAsMs } from '../inputs.js';
import { functionLines } from '../report.js';
import { TOOL_NAME } from '../version.js';
import type { CliIO, Command } from './command.js';
import { parseCommandArgs, UsageError } from './parse.js';
import { regionFrom } from './region.js';
import {
  credentialsFromFlags,
  idTokenSourceFromFlags,
  ROLE_FLAGS,
  roleFlagsUsage,
  runIdFromEnv,
} from './role-flags.js';

const usage = `Usage: ${TOOL_NAME} deploy --layer-arn ARN [options]

Run \`serverless deploy --stage S --region R --param layerArn=ARN\` in a Serverless Framework v3
service (its serverless.yml attaches the layer with \`layers: ['\${param:layerArn}']\`), then
GET its HTTP endpoint. AWS credentials come from the environment (profile, keys, SSO), or from
the deploy role assumed with a GitHub OIDC token (--role-to-assume, e.g. the DeployRoleArn output
of aws/github-roles.yml); serverless and the invoke check both use them.

Options:
  --layer-arn ARN             the layer version to attach (required)
  --service-path DIR          directory of serverless.yml (default: .)
  --stage NAME                stage (default: dev)
  --region NAME               AWS region (default: AWS_REGION, else AWS_DEFAULT_REGION)
  --serverless-package PKG    serverless@3 (default; the service's own node_modules/.bin/serverless
                              when it has one) | osls (the maintained community continuation of v3)
                              | a version such as 3.40.0
  --deploy-args "ARGS"        extra serverless deploy arguments (shell-like quoting, no shell)
  --timeout SECONDS           bound for serverless deploy (default: 1800)
  --smoke-test-path PATH      GET this path of the endpoint after the deploy, expecting a 2xx
  --expect-text TEXT          the smoke test also expects this text in the body
  --invoke                    then invoke each function through the Lambda API with a sample event
                              for its trigger (HTTP GET, schedule, S3 put), showing its error and log
                              tail, or its duration and memory; runs the functions for real
  --invoke-functions LIST     only these functions (serverless.yml keys or names, comma separated)
  --invoke-events NAME=FILE   an event file for a function instead of the sample (repeatable)
${roleFlagsUsage(30)}
  --json                      print {endpoint, smokeTest, functions} as JSON on stdout
  --verbose                   show debug output`;

function report(io: CliIO, result: DeployStageResult, json: boolean | undefined): void {
  const smoke = result.smokeTest;
  if (json) {
    io.stdout.write(
      `${JSON.stringify({ endpoint: result.endpoint ?? null, smokeTest: smoke ?? null, functions: result.functions ?? null }, null, 2)}\n`,
    );
    return;
  }
  const { packageName, version } = result.deploy.serverless;
  io.stdout.write(`Deployed with ${packageName} ${version}\n`);
  if (result.endpoint) io.stdout.write(`endpoint: ${result.endpoint}\n`);
  if (smoke)
    io.stdout.write(`smoke test: GET ${smoke.url} -> ${smoke.status} ${smoke.ok ? 'ok' : 'FAILED'}\n`);
  if (result.functions) io.stdout.write(`functions:\n${functionLines(result.functions).join('\n')}\n`);
}

async function run(argv: readonly string[], io: CliIO): Promise<number> {
  const { values } = parseCommandArgs(argv, {
    'layer-arn': { type: 'string' },
    'service-path': { type: 'string' },
    stage: { type: 'string' },
    region: { type: 'string' },
    'serverless-package': { type: 'string' },
    'deploy-args': { type: 'string' },
    timeout: { type: 'string' },
    'smoke-test-path': { type: 'string' },
    'expect-text': { type: 'string' },
    invoke: { type: 'boolean' },
    'invoke-functions': { type: 'string', multiple: true },
    'invoke-events': { type: 'string', multiple: true },
    ...ROLE_FLAGS,
    json: { type: 'boolean' },
    verbose: { type: 'boolean' },
  });
  const layerArn = values['layer-arn'];
  if (!layerArn) throw new UsageError('--layer-arn is required');
  const functions = parseList((values['invoke-functions'] ?? []).join(','));
  const events = parseInvokeEvents((values['invoke-events'] ?? []).join('\n'), (path) =>
    resolve(io.cwd, path),
  );
  if (!values.invoke && (functions.length > 0 || Object.keys(events).length > 0))
    throw new UsageError('--invoke-functions and --invoke-events need --invoke');
  const region = regionFrom(values.region, io.env);
  const roleToAssume = values['role-to-assume'];
  const getIdToken = idTokenSourceFromFlags(values, io);
  // Only an assumed role is resolved here: without one, serverless and the Lambda client each
  // read the default chain themselves, as before.
  const credentials = roleToAssume
    ? await io.log.group('AWS credentials for the deploy', () =>
        resolveCredentials(
          { ...credentialsFromFlags(values), region, runId: runIdFromEnv(io.env), client: { env: io.env } },
          { getIdToken },
          io.log,
        ),
      )
    : undefined;
  try {
    const result = await runDeployStage(
      {
        servicePath: resolve(io.cwd, values['service-path'] ?? '.'),
        stage: values.stage ?? 'dev',
        region,
        layerArn,
        serverlessPackage: values['serverless-package'],
        deployArgs: values['deploy-args'] ?? '',
        env: credentials ? childProcessEnv(io.env, credentials) : io.env,
        credentials: credentials?.credentials,
        timeoutMs: parseSecondsAsMs('timeout', values.timeout),
        smokeTestPath: values['smoke-test-path'],
        expectText: values['expect-text'],
        invoke: values.invoke ? { functions, events } : undefined,
      },
      io.log,
    );
    report(io, result, values.json);
    return 0;
  } catch (error) {
    // The deploy went through: still print the endpoint and the functions, then fail.
    if (error instanceof PostDeployError) report(io, error.result, values.json);
    throw error;
  }
}

export const deployCommand: Command = {
  usage,
  run,
};
