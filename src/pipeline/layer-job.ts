/**
 * The whole job the action runs: cached build -> credentials -> publish (or reuse) in every
 * region -> serverless deploy with the new ARN -> smoke test. Plain data in, plain data out;
 * the runner-facing parts (inputs, outputs, summary) stay in src/action/.
 */
import { childProcessEnv, type ResolvedCredentials, resolveCredentials } from '../aws/credentials.js';
import type { IdTokenSource } from '../aws/github-oidc.js';
import type { PublishResult } from '../aws/publish.js';
import type { LayerStore } from '../cache/store.js';
import type { WheelCacheStore } from '../cache/wheel-store.js';
import type { FunctionCheckOptions } from '../deploy/function-check.js';
import { type DeployStageResult, PostDeployError, runDeployStage } from '../deploy/index.js';
import type { BuildOptions } from '../layer/types.js';
import type { Logger } from '../log.js';
import type { JobResult } from '../report.js';
import { buildOrRestore, type CachedBuildResult } from './build-or-restore.js';
import { type CredentialsConfig, type PublishConfig, runPublishStage } from './publish-stage.js';

export type { CredentialsConfig, PublishConfig };

export interface DeployConfig {
  readonly servicePath: string;
  readonly stage: string;
  readonly serverlessPackage: string;
  readonly deployArgs: readonly string[];
  readonly smokeTestPath?: string;
  readonly expectText?: string;
  /** Invoke the deployed functions; undefined = only the HTTP one, to explain a failed smoke test. */
  readonly invoke?: FunctionCheckOptions;
  /**
   * The deploy role (`deploy-role-to-assume`), assumed right before the deploy with the same
   * session settings; undefined or the publish role = the publish stage's credentials.
   */
  readonly roleToAssume?: string;
}

export interface LayerJobConfig {
  readonly build: BuildOptions;
  readonly cache: { readonly enabled: boolean; readonly forceRebuild: boolean };
  /** undefined: build only. */
  readonly publish?: PublishConfig;
  readonly credentials: CredentialsConfig;
  /** undefined: no deploy. Requires publish. */
  readonly deploy?: DeployConfig;
}

export interface LayerJobDeps {
  readonly store?: LayerStore;
  /** The per-wheel caches kept between runs (beside the layer cache). */
  readonly wheelStore?: WheelCacheStore;
  /** Where the pinned pip is kept (beside the layer cache). */
  readonly toolCacheDir?: string;
  readonly getIdToken?: IdTokenSource;
  readonly mask?: (secret: string) => void;
  readonly env: NodeJS.ProcessEnv;
  /** Commit the layer was built from (GITHUB_SHA), recorded in the layer description. */
  readonly commit?: string;
  /** GITHUB_RUN_ID-GITHUB_RUN_ATTEMPT, for the default role session name. */
  readonly runId?: string;
  /** Told how far the job got: a failure's summary says what ran and what failed. */
  readonly progress?: JobProgress;
}

export type JobStage = 'build' | 'publish' | 'deploy';

/** How far a job got: the stage running (or the one that failed) and the build, once done. */
export interface JobProgress {
  stage?: JobStage;
  build?: CachedBuildResult;
}

export interface LayerJobOutcome extends JobResult {
  readonly build: CachedBuildResult;
  readonly published?: PublishResult;
  readonly deployed?: DeployStageResult;
}

/** Why a build-only job published nothing, for its summary. */
export const NOT_PUBLISHED =
  'the publish input is false (build only); set publish: true with layer-name and aws-region to publish it';

export async function runLayerJob(
  config: LayerJobConfig,
  deps: LayerJobDeps,
  log: Logger,
): Promise<LayerJobOutcome> {
  const progress = deps.progress ?? {};
  progress.stage = 'build';
  const build = await buildOrRestore(
    config.build,
    {
      store: config.cache.enabled ? deps.store : undefined,
      forceRebuild: config.cache.forceRebuild,
      wheels: config.cache.enabled ? deps.wheelStore : undefined,
    },
    log,
    { env: deps.env, toolCacheDir: deps.toolCacheDir },
  );
  progress.build = build;
  const base = {
    manifest: build.manifest,
    zipPath: build.zipPath,
    ...(build.sbomPath ? { sbomPath: build.sbomPath } : {}),
    cacheHit: build.cacheHit,
    build,
  };
  if (!config.publish) return { ...base, notPublished: NOT_PUBLISHED };
  progress.stage = 'publish';

  const { publish } = config;
  const { manifest } = build;
  const firstRegion = publish.regions[0] as string;
  const { credentials, published } = await runPublishStage(
    {
      zipPath: build.zipPath,
      codeSha256: manifest.layer.codeSha256,
      runtime: manifest.target.runtime,
      architecture: manifest.target.architecture,
      requirementsHash: manifest.requirementsHash,
    },
    publish,
    config.credentials,
    deps,
    log,
  );
  const regionOutcomes = published.regions.map((r) => ({
    region: r.region,
    layerVersionArn: r.layerVersionArn,
    version: r.version,
    reused: r.reused,
    error: r.error,
  }));
  const withPublish = { ...base, published, publish: regionOutcomes };
  if (!config.deploy) return withPublish;

  const { deploy } = config;
  progress.stage = 'deploy';
  const layerArn = published.regions[0]?.layerVersionArn as string;
  const deployRow = (stage: DeployStageResult): JobResult['deploy'] => ({
    stage: deploy.stage,
    endpoint: stage.endpoint,
    smokeTest: stage.smokeTest
      ? { status: stage.smokeTest.status, ok: stage.smokeTest.ok, url: stage.smokeTest.url }
      : undefined,
    functions: stage.functions,
    smokeTestDiagnosis: stage.smokeTestDiagnosis,
  });
  const deployCredentials = await credentialsForDeploy(config, credentials, firstRegion, deps, log);
  const deployed = await log
    .group(`serverless deploy --stage ${deploy.stage}`, () =>
      runDeployStage(
        {
          servicePath: deploy.servicePath,
          stage: deploy.stage,
          region: firstRegion,
          layerArn,
          serverlessPackage: deploy.serverlessPackage,
          deployArgs: deploy.deployArgs,
          // Credentials reach serverless through its own environment only.
          env: childProcessEnv(deps.env, deployCredentials),
          smokeTestPath: deploy.smokeTestPath,
          expectText: deploy.expectText,
          invoke: deploy.invoke,
          credentials: deployCredentials.credentials,
        },
        log,
      ),
    )
    .catch((error: unknown) => {
      // The deploy went through: the job summary is still worth writing.
      if (error instanceof PostDeployError) error.job = { ...withPublish, deploy: deployRow(error.result) };
      throw error;
    });
  return { ...withPublish, deployed, deploy: deployRow(deployed) };
}

/**
 * The deploy stage's credentials: the deploy role assumed now (each stage assumes its own role,
 * so the publish role never needs CloudFormation and the deploy role never publishes), or the
 * publish stage's when no other role is given.
 */
async function credentialsForDeploy(
  config: LayerJobConfig,
  publishCredentials: ResolvedCredentials,
  region: string,
  deps: LayerJobDeps,
  log: Logger,
): Promise<ResolvedCredentials> {
  const roleToAssume = config.deploy?.roleToAssume;
  if (!roleToAssume || roleToAssume === config.credentials.roleToAssume) return publishCredentials;
  return log.group('AWS credentials for the deploy', () =>
    resolveCredentials(
      { ...config.credentials, roleToAssume, region, runId: deps.runId, client: { env: deps.env } },
      { getIdToken: deps.getIdToken, mask: deps.mask },
      log,
    ),
  );
}
