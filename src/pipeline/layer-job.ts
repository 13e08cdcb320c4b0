/**
 * The whole job the action runs: cached build -> credentials -> publish (or reuse) in every
 * region -> serverless deploy with the new ARN -> smoke test. Plain data in, plain data out;
 * the runner-facing parts (inputs, outputs, summary) stay in src/action/.
 */
import { childProcessEnv, resolveCredentials } from '../aws/credentials.js';
import { layerDescription } from '../aws/description.js';
import type { IdTokenSource } from '../aws/github-oidc.js';
import { type LayerGrant, type PublishResult, publishLayer } from '../aws/publish.js';
import type { LayerStore } from '../cache/store.js';
import { type DeployStageResult, runDeployStage } from '../deploy/index.js';
import type { BuildOptions } from '../layer/types.js';
import type { Logger } from '../log.js';
import type { JobResult } from '../report.js';
import { buildOrRestore, type CachedBuildResult } from './build-or-restore.js';

export interface PublishConfig {
  readonly layerName: string;
  readonly regions: readonly string[];
  readonly s3Bucket?: string;
  readonly licenseInfo?: string;
  readonly grant?: LayerGrant;
  readonly keep?: number;
}

export interface CredentialsConfig {
  readonly roleToAssume?: string;
  readonly roleSessionName?: string;
  readonly durationSeconds?: number;
  readonly audience?: string;
}

export interface DeployConfig {
  readonly servicePath: string;
  readonly stage: string;
  readonly serverlessPackage: string;
  readonly deployArgs: readonly string[];
  readonly smokeTestPath?: string;
  readonly expectText?: string;
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
  /** Where the pinned pip is kept (beside the layer cache). */
  readonly toolCacheDir?: string;
  readonly getIdToken?: IdTokenSource;
  readonly mask?: (secret: string) => void;
  readonly env: NodeJS.ProcessEnv;
  /** Commit the layer was built from (GITHUB_SHA), recorded in the layer description. */
  readonly commit?: string;
  /** GITHUB_RUN_ID-GITHUB_RUN_ATTEMPT, for the default role session name. */
  readonly runId?: string;
}

export interface LayerJobOutcome extends JobResult {
  readonly build: CachedBuildResult;
  readonly published?: PublishResult;
  readonly deployed?: DeployStageResult;
}

export async function runLayerJob(
  config: LayerJobConfig,
  deps: LayerJobDeps,
  log: Logger,
): Promise<LayerJobOutcome> {
  const build = await buildOrRestore(
    config.build,
    { store: config.cache.enabled ? deps.store : undefined, forceRebuild: config.cache.forceRebuild },
    log,
    { env: deps.env, toolCacheDir: deps.toolCacheDir },
  );
  const base = { manifest: build.manifest, zipPath: build.zipPath, cacheHit: build.cacheHit, build };
  if (!config.publish) return base;

  const { publish } = config;
  const { manifest } = build;
  const firstRegion = publish.regions[0] as string;
  const credentials = await log.group('AWS credentials', () =>
    resolveCredentials(
      { ...config.credentials, region: firstRegion, runId: deps.runId },
      { getIdToken: deps.getIdToken, mask: deps.mask },
      log,
    ),
  );
  const published = await log.group(`Publish layer ${publish.layerName}`, () =>
    publishLayer(
      {
        zipPath: build.zipPath,
        codeSha256: manifest.layer.codeSha256,
        layerName: publish.layerName,
        regions: publish.regions,
        compatibleRuntimes: [manifest.target.runtime],
        compatibleArchitectures: [manifest.target.architecture],
        description: layerDescription({
          codeSha256: manifest.layer.codeSha256,
          requirementsHash: manifest.requirementsHash,
          commit: deps.commit,
        }),
        licenseInfo: publish.licenseInfo,
        s3Bucket: publish.s3Bucket,
        grant: publish.grant,
        keep: publish.keep,
      },
      { credentials: credentials.credentials, env: deps.env },
      log,
    ),
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
  const layerArn = published.regions[0]?.layerVersionArn as string;
  const deployed = await log.group(`serverless deploy --stage ${deploy.stage}`, () =>
    runDeployStage(
      {
        servicePath: deploy.servicePath,
        stage: deploy.stage,
        region: firstRegion,
        layerArn,
        serverlessPackage: deploy.serverlessPackage,
        deployArgs: deploy.deployArgs,
        // Credentials reach serverless through its own environment only.
        env: childProcessEnv(deps.env, credentials),
        smokeTestPath: deploy.smokeTestPath,
        expectText: deploy.expectText,
      },
      log,
    ),
  );
  return {
    ...withPublish,
    deployed,
    deploy: {
      stage: deploy.stage,
      endpoint: deployed.endpoint,
      smokeTest: deployed.smokeTest
        ? { status: deployed.smokeTest.status, ok: deployed.smokeTest.ok, url: deployed.smokeTest.url }
        : undefined,
    },
  };
}
