/**
 * The deploy stage as the action and the CLI call it: deploy with the layer ARN, then (when a
 * smoke-test path is set) GET the endpoint. A failed smoke test is a UserError after the deploy
 * succeeded, so the message says the deploy itself went through.
 */
import { UserError } from '../errors.js';
import type { Logger } from '../log.js';
import { type DeployOptions, type DeployResult, deployService } from './serverless.js';
import { type SmokeTestOptions, type SmokeTestResult, smokeTest } from './smoke-test.js';

export interface DeployStageOptions extends DeployOptions {
  /** GET this path of the endpoint after the deploy; undefined = no smoke test. */
  readonly smokeTestPath?: string;
  readonly expectText?: string;
  /** Attempts, pause and per-request bound of the smoke test (defaults: 5, 3 s, 10 s). */
  readonly smokeTest?: Omit<SmokeTestOptions, 'path' | 'expectText' | 'log'>;
}

export interface DeployStageResult {
  readonly endpoint?: string;
  readonly deploy: DeployResult;
  /** Undefined when no smoke-test path was set or the service has no HTTP endpoint. */
  readonly smokeTest?: SmokeTestResult;
}

/** A smoke test that failed after a successful deploy; `result` still has the endpoint for outputs. */
export class SmokeTestError extends UserError {
  readonly result: DeployStageResult;
  constructor(message: string, result: DeployStageResult, hint: string) {
    super(message, { hint });
    this.name = 'SmokeTestError';
    this.result = result;
  }
}

export async function runDeployStage(options: DeployStageOptions, log: Logger): Promise<DeployStageResult> {
  const deploy = await deployService(options, log);
  if (options.smokeTestPath === undefined) return { endpoint: deploy.endpoint, deploy };
  if (!deploy.endpoint) {
    log.warn('the service has no HTTP endpoint: the smoke test was skipped');
    return { deploy };
  }
  const result = await smokeTest(deploy.endpoint, {
    ...options.smokeTest,
    path: options.smokeTestPath,
    expectText: options.expectText,
    log,
  });
  const stage: DeployStageResult = { endpoint: deploy.endpoint, deploy, smokeTest: result };
  if (!result.ok) {
    throw new SmokeTestError(
      `the deploy succeeded but the smoke test failed after ${result.attempts} attempt(s): GET ${result.url} -> ${result.reason}` +
        (result.bodySnippet ? `\n${result.bodySnippet}` : ''),
      stage,
      `check the function's logs: serverless logs --function <name> --stage ${options.stage} --region ${options.region}`,
    );
  }
  return stage;
}
