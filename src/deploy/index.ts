/**
 * The deploy stage as the action and the CLI call it: deploy with the layer ARN, then (when a
 * smoke-test path is set) GET the endpoint, then (when asked) invoke every function through the
 * Lambda API. A failed smoke test or function is a UserError after the deploy succeeded, so the
 * message says the deploy itself went through; a failed smoke test also invokes the HTTP
 * function, so the message shows why (its error and log tail) next to the status code.
 */
import type { AwsCredentials } from '../aws/clients.js';
import { createLambdaClient } from '../aws/clients.js';
import { UserError } from '../errors.js';
import type { Logger } from '../log.js';
import type { JobResult } from '../report.js';
import { splitArgs } from './args.js';
import {
  checkFunctions,
  checkHint,
  describeCheckFailure,
  type FunctionCheck,
  FunctionCheckError,
  type FunctionCheckOptions,
  invokeFunction,
  sampleEventFor,
} from './function-check.js';
import { type DeployedFunction, packageDirOf, readDeployedFunctions } from './functions.js';
import { type DeployOptions, type DeployResult, deployService } from './serverless.js';
import { type SmokeTestOptions, type SmokeTestResult, smokeTest } from './smoke-test.js';

export { FunctionCheckError };

export interface DeployStageOptions extends DeployOptions {
  /** GET this path of the endpoint after the deploy; undefined = no smoke test. */
  readonly smokeTestPath?: string;
  readonly expectText?: string;
  /** Attempts, pause and per-request bound of the smoke test (defaults: 5, 3 s, 10 s). */
  readonly smokeTest?: Omit<SmokeTestOptions, 'path' | 'expectText' | 'log'>;
  /** Invoke the service's functions after the deploy; undefined = only to explain a failed smoke test. */
  readonly invoke?: FunctionCheckOptions;
  /** Credentials for the Lambda API (the same the deploy gets); undefined = the SDK's default chain. */
  readonly credentials?: AwsCredentials;
}

export interface DeployStageResult {
  readonly endpoint?: string;
  readonly deploy: DeployResult;
  /** Undefined when no smoke-test path was set or the service has no HTTP endpoint. */
  readonly smokeTest?: SmokeTestResult;
  /** Every function's row when the invoke check ran (skipped ones included). */
  readonly functions?: readonly FunctionCheck[];
  /** The HTTP function invoked to explain a failed smoke test. */
  readonly smokeTestDiagnosis?: FunctionCheck;
}

/**
 * A check that failed after a successful deploy: `result` still has the endpoint and rows for
 * outputs; the pipeline attaches the whole `job` so the job summary is written anyway.
 */
export class PostDeployError extends UserError {
  readonly result: DeployStageResult;
  job?: JobResult;
  constructor(message: string, result: DeployStageResult, hint: string | undefined) {
    super(message, { hint });
    this.name = 'PostDeployError';
    this.result = result;
  }
}

/** A smoke test that failed after a successful deploy. */
export class SmokeTestError extends PostDeployError {
  constructor(message: string, result: DeployStageResult, hint: string) {
    super(message, result, hint);
    this.name = 'SmokeTestError';
  }
}

/** Functions that failed when invoked after a successful deploy; `checks` has every row. */
export class FunctionsFailedError extends PostDeployError {
  readonly checks: readonly FunctionCheck[];
  constructor(cause: FunctionCheckError, result: DeployStageResult) {
    super(cause.message, result, cause.hint);
    this.name = 'FunctionsFailedError';
    this.checks = cause.checks;
  }
}

function deployArgv(options: DeployOptions): readonly string[] {
  return typeof options.deployArgs === 'string' ? splitArgs(options.deployArgs) : (options.deployArgs ?? []);
}

async function deployedFunctions(options: DeployStageOptions): Promise<DeployedFunction[]> {
  return readDeployedFunctions(packageDirOf(options.servicePath, deployArgv(options)));
}

/** The smoke test's failure, with the HTTP function's own answer when it was invoked. */
function explainSmokeTest(
  result: SmokeTestResult,
  diagnosis: FunctionCheck | undefined,
  note?: string,
): string {
  const lines = [
    `the deploy succeeded but the smoke test failed after ${result.attempts} attempt(s): GET ${result.url} -> ${result.reason}`,
  ];
  if (result.bodySnippet) lines.push(result.bodySnippet);
  if (diagnosis?.result === 'ok') {
    lines.push(
      `Invoked directly, ${diagnosis.key} (${diagnosis.name}) answered ${diagnosis.httpStatus ?? 'without a statusCode'}: the function works; look at the API in front of it.`,
    );
  } else if (diagnosis?.result === 'failed') {
    lines.push(
      `The function behind it, ${diagnosis.key}, invoked directly: ${describeCheckFailure(diagnosis)}`,
    );
  }
  if (note) lines.push(note);
  return lines.join('\n');
}

/**
 * Invokes the service's HTTP function with the smoke test's request, to say why the endpoint
 * failed. Best effort: when it cannot (no state file), the reason joins the message instead.
 */
async function invokeHttpFunction(
  options: DeployStageOptions,
  log: Logger,
): Promise<{ check?: FunctionCheck; note?: string }> {
  let fn: DeployedFunction | undefined;
  try {
    fn = (await deployedFunctions(options)).find((f) => f.trigger === 'http');
  } catch (error) {
    return { note: `(the HTTP function could not be invoked to show why: ${(error as Error).message})` };
  }
  if (!fn) return {};
  const path = options.smokeTestPath ?? '/';
  log.info(`Invoking ${fn.name} with a GET ${path} event to see why the smoke test failed`);
  const client = createLambdaClient({
    region: options.region,
    credentials: options.credentials,
    maxAttempts: 2,
    socketTimeoutMs: (fn.timeoutSeconds + 60) * 1000,
  });
  try {
    const event = sampleEventFor(fn, options.region, path);
    return { check: await invokeFunction(client, fn, event, `a GET ${path} event`, 'http') };
  } finally {
    client.destroy();
  }
}

async function invokeAll(options: DeployStageOptions, invoke: FunctionCheckOptions, log: Logger) {
  const functions = await deployedFunctions(options);
  try {
    const checks = await log.group(`Invoke the deployed functions (${options.region})`, () =>
      checkFunctions(
        functions,
        { ...invoke, httpPath: invoke.httpPath ?? options.smokeTestPath },
        { region: options.region, credentials: options.credentials },
        log,
      ),
    );
    return { checks };
  } catch (error) {
    if (error instanceof FunctionCheckError) return { checks: error.checks, failure: error };
    throw error;
  }
}

export async function runDeployStage(options: DeployStageOptions, log: Logger): Promise<DeployStageResult> {
  const deploy = await deployService(options, log);
  let stage: DeployStageResult = { endpoint: deploy.endpoint, deploy };
  let smoke: SmokeTestResult | undefined;
  if (options.smokeTestPath !== undefined) {
    if (deploy.endpoint) {
      smoke = await smokeTest(deploy.endpoint, {
        ...options.smokeTest,
        path: options.smokeTestPath,
        expectText: options.expectText,
        log,
      });
      stage = { ...stage, smokeTest: smoke };
    } else {
      log.warn('the service has no HTTP endpoint: the smoke test was skipped');
      stage = { deploy };
    }
  }
  const checked = options.invoke ? await invokeAll(options, options.invoke, log) : undefined;
  if (checked) stage = { ...stage, functions: checked.checks };

  if (smoke && !smoke.ok) {
    // The check already invoked the HTTP function with the same path; else invoke it now.
    const fromCheck = checked?.checks.find((c) => c.trigger === 'http' && c.result !== 'skipped');
    const { check, note } = fromCheck
      ? { check: fromCheck, note: undefined }
      : await invokeHttpFunction(options, log);
    const others = checked?.failure ? `\n${checked.failure.message}` : '';
    throw new SmokeTestError(
      explainSmokeTest(smoke, check, note) + others,
      { ...stage, ...(check ? { smokeTestDiagnosis: check } : {}) },
      check?.result === 'failed'
        ? checkHint([check])
        : `check the function's logs: serverless logs --function <name> --stage ${options.stage} --region ${options.region}`,
    );
  }
  if (checked?.failure) throw new FunctionsFailedError(checked.failure, stage);
  return stage;
}
