/**
 * The action: read inputs, run the layer job, set outputs and the job summary. The only module
 * (with src/action/) that talks to the runner; everything else takes plain data and a Logger.
 */

import { join, relative, sep } from 'node:path';
import * as cache from '@actions/cache';
import * as core from '@actions/core';
import { type ActionConfig, loadActionConfig } from './action/config.js';
import { runnerLogger } from './action/logger.js';
import { publishOutputs } from './aws/outputs.js';
import { PublishError, type PublishResult } from './aws/publish.js';
import { actionsStore } from './cache/actions-store.js';
import { actionsWheelStore, TOOLS_FOLDER } from './cache/wheel-store.js';
import { describeCheckFailure } from './deploy/function-check.js';
import { FunctionsFailedError, PostDeployError, SmokeTestError } from './deploy/index.js';
import { UserError } from './errors.js';
import { exitCleanlyOnSignals, interruptSignal } from './interrupt.js';
import { type Logger, redactingLogger } from './log.js';
import { type JobProgress, type LayerJobOutcome, runLayerJob } from './pipeline/layer-job.js';
import { pipEnvUrls, redact, rememberUrlSecrets } from './redact.js';
import {
  failureSummaryMarkdown,
  functionAnnotations,
  type JobFailure,
  type JobResult,
  summaryMarkdown,
} from './report.js';
import { findInterpreter } from './resolve/interpreters.js';
import { explainError } from './system-errors.js';

/** The target's interpreter from the runner (tool cache, PATH) or the `python` input. */
async function targetPython(config: ActionConfig, log: Logger): Promise<string> {
  const version = config.build.target.pythonVersion;
  const found = await findInterpreter(version, config.python, { log, inputName: 'python' });
  if (!found) {
    throw new UserError(
      `Python ${version} (for ${config.build.target.runtime}) was not found on this runner`,
      {
        hint: `add a step before this one:\n  - uses: actions/setup-python@v6\n    with:\n      python-version: '${version}'\nor set the python input to its path`,
      },
    );
  }
  return found.path;
}

function setPublishOutputs(result: PublishResult): void {
  const outputs = publishOutputs(result);
  core.setOutput('layer-arn', outputs['layer-version-arn']);
  core.setOutput('layer-arns', outputs['layer-version-arns']);
  core.setOutput('layer-version', outputs['layer-version']);
  core.setOutput('layer-reused', outputs.reused);
}

function setOutputs(outcome: LayerJobOutcome): void {
  const { manifest } = outcome;
  core.setOutput('cache-hit', String(outcome.cacheHit));
  core.setOutput('requirements-hash', manifest.requirementsHash);
  core.setOutput('layer-zip', outcome.zipPath);
  if (outcome.sbomPath) core.setOutput('sbom', outcome.sbomPath);
  core.setOutput('layer-size', String(manifest.layer.zipSize));
  core.setOutput('unzipped-size', String(manifest.layer.unzippedSize));
  if (outcome.published) setPublishOutputs(outcome.published);
  if (outcome.deploy?.endpoint) core.setOutput('endpoint', outcome.deploy.endpoint);
  if (outcome.deploy?.smokeTest?.status !== undefined) {
    core.setOutput('smoke-test-status', String(outcome.deploy.smokeTest.status));
  }
}

/** Outputs that stay true after a failure: the regions that did publish, the deployed endpoint. */
function setOutputsOnFailure(error: unknown): void {
  if (error instanceof PublishError) setPublishOutputs(error.result);
  if (error instanceof SmokeTestError) {
    if (error.result.endpoint) core.setOutput('endpoint', error.result.endpoint);
    if (error.result.smokeTest?.status !== undefined) {
      core.setOutput('smoke-test-status', String(error.result.smokeTest.status));
    }
  }
}

async function writeSummary(job: JobResult | JobFailure, log: Logger): Promise<void> {
  try {
    const markdown = 'steps' in job ? failureSummaryMarkdown(job) : summaryMarkdown(job);
    await core.summary.addRaw(redact(markdown)).write();
  } catch (error) {
    log.warn(`Could not write the job summary: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The job's steps as the inputs ask for them, for a failure's summary. */
function jobSteps(config: ActionConfig | undefined, workspace: string): JobFailure['steps'] {
  if (!config) return [];
  const t = config.build.target;
  // A directory (the default: the workspace) is searched for the first input file in it.
  const input = relative(workspace, config.build.requirementsFile).split(sep).join('/');
  const from = input === '' ? 'the input found in the workspace' : `\`${input}\``;
  return [
    { stage: 'build', what: `Build a ${t.runtime} ${t.architecture} layer from ${from}` },
    ...(config.publish
      ? [
          {
            stage: 'publish',
            what: `Publish it as \`${config.publish.layerName}\` in ${config.publish.regions.join(', ')}`,
          },
        ]
      : []),
    ...(config.deploy
      ? [{ stage: 'deploy', what: `Deploy stage ${config.deploy.stage} with serverless` }]
      : []),
  ];
}

async function fail(
  error: unknown,
  log: Logger,
  config: ActionConfig | undefined,
  progress: JobProgress,
): Promise<void> {
  // A cancelled job: the stopped step's failure is not the news (the signal handler reports it).
  if (interruptSignal()) return;
  setOutputsOnFailure(error);
  if (error instanceof PostDeployError) {
    const checks = error instanceof FunctionsFailedError ? error.checks : (error.result.functions ?? []);
    // A failed smoke test's message already carries the HTTP function's error and log tail.
    const diagnosis = error.result.smokeTestDiagnosis;
    const others = checks.filter((c) => c.key !== diagnosis?.key);
    // One annotation per failed function, titled with its name and error type, carrying its log tail.
    for (const { title, message } of functionAnnotations(others, describeCheckFailure)) {
      core.error(redact(message), { title: redact(title) });
    }
  }
  const explained = explainError(error);
  if (explained.detail) core.debug(redact(explained.detail));
  const message = redact(explained.message);
  const workspace = process.env.GITHUB_WORKSPACE || process.cwd();
  const location =
    error instanceof UserError && error.location
      ? { file: relative(workspace, error.location.file), line: error.location.line }
      : undefined;
  // What ran, what failed and where: the run's summary page tells it without opening the log.
  const build = progress.build;
  const partial: JobResult | undefined =
    error instanceof PostDeployError && error.job
      ? error.job
      : build
        ? {
            manifest: build.manifest,
            zipPath: build.zipPath,
            cacheHit: build.cacheHit,
            ...(error instanceof PublishError
              ? {
                  publish: error.result.regions.map((r) => ({
                    region: r.region,
                    layerVersionArn: r.layerVersionArn,
                    version: r.version,
                    reused: r.reused,
                    error: r.error,
                  })),
                }
              : {}),
          }
        : undefined;
  await writeSummary(
    {
      ...(config
        ? { target: { runtime: config.build.target.runtime, architecture: config.build.target.architecture } }
        : {}),
      steps: jobSteps(config, workspace),
      ...(progress.stage ? { failedStage: progress.stage } : {}),
      message: redact(error instanceof UserError ? error.message : explained.message),
      ...(error instanceof UserError && error.hint ? { hint: redact(error.hint) } : {}),
      ...(location ? { location } : {}),
      ...(partial ? { partial } : {}),
    },
    log,
  );
  if (location) {
    // Once, as an annotation on the requirements line itself (linked from the run's summary):
    // setFailed would print the same message again without the file and line.
    core.error(message, { file: location.file, ...(location.line ? { startLine: location.line } : {}) });
    process.exitCode = core.ExitCode.Failure;
    return;
  }
  core.setFailed(message);
}

/**
 * Credentials in the index inputs (and pip's PIP_* settings) are masked on the runner and
 * remembered for redaction before anything prints, the way configure-aws-credentials masks keys.
 */
function maskIndexCredentials(): void {
  const inputs = ['index-url', 'extra-index-urls', 'find-links'].flatMap((name) =>
    core.getInput(name).split(/[\s,]+/),
  );
  for (const secret of rememberUrlSecrets([...inputs, ...pipEnvUrls(process.env)])) core.setSecret(secret);
}

export async function run(): Promise<void> {
  // A cancelled job gets SIGINT, then SIGTERM 7.5 s later: stop pip and clean up before that.
  exitCleanlyOnSignals((message) => core.warning(message));
  maskIndexCredentials();
  const log = redactingLogger(runnerLogger());
  let config: ActionConfig | undefined;
  const progress: JobProgress = {};
  try {
    config = loadActionConfig((name) => core.getInput(name), process.env);
    progress.stage = 'build';
    const python = await targetPython(config, log);
    const runTemp = process.env.RUNNER_TEMP || config.build.outDir;
    const outcome = await runLayerJob(
      { ...config, build: { ...config.build, bytecodePython: python } },
      {
        // The Actions cache versions entries by path: keep this path the same on every run.
        store: actionsStore(
          join(
            runTemp,
            'lambda-layer-cache',
            `${config.build.target.runtime}-${config.build.target.architecture}`,
          ),
        ),
        // Beside the layer cache, under its own key and restored by prefix: a changed
        // requirements file still finds the bytecode and ELF facts of the wheels it keeps.
        wheelStore: actionsWheelStore(
          join(runTemp, 'lambda-layer-cache', 'wheels'),
          `lambda-layer-wheels-${config.build.target.runtime}-${config.build.target.architecture}-`,
          cache,
        ),
        // Inside the per-wheel cache's folder: the pinned pip travels in the Actions cache with
        // the per-wheel entries, so a job on a fresh runner does not fetch and compile it again.
        toolCacheDir: join(runTemp, 'lambda-layer-cache', 'wheels', TOOLS_FOLDER),
        getIdToken: (audience) => core.getIDToken(audience),
        mask: (secret) => core.setSecret(secret),
        env: process.env,
        commit: process.env.GITHUB_SHA,
        runId: process.env.GITHUB_RUN_ID
          ? `${process.env.GITHUB_RUN_ID}-${process.env.GITHUB_RUN_ATTEMPT ?? '1'}`
          : undefined,
        progress,
      },
      log,
    );
    setOutputs(outcome);
    await writeSummary(outcome, log);
  } catch (error) {
    await fail(error, log, config, progress);
  }
}
