/**
 * Credentials, then publish (or reuse) the layer in every region: the one orchestration that
 * `lambda-layer publish` and the action's job both run, so they ask STS and describe versions
 * alike.
 */
import { type ResolvedCredentials, resolveCredentials } from '../aws/credentials.js';
import { layerDescription } from '../aws/description.js';
import type { IdTokenSource } from '../aws/github-oidc.js';
import { type LayerGrant, type PublishResult, publishLayer } from '../aws/publish.js';
import type { Logger } from '../log.js';

/** A built layer: its zip and what the manifest (or the user, for a bare zip) says about it. */
export interface LayerToPublish {
  readonly zipPath: string;
  /** base64(sha256(zip)), already checked against the zip's bytes. */
  readonly codeSha256: string;
  readonly runtime: string;
  readonly architecture: string;
  readonly requirementsHash?: string;
}

export interface PublishConfig {
  readonly layerName: string;
  readonly regions: readonly string[];
  readonly s3Bucket?: string;
  readonly licenseInfo?: string;
  readonly grant?: LayerGrant;
  readonly keep?: number;
  /** Zips above this go through S3 (default: LAMBDA_LIMITS.directUploadZipBytes). */
  readonly directUploadLimit?: number;
  /** Text placed before the tool's own facts in the version description. */
  readonly descriptionText?: string;
}

export interface CredentialsConfig {
  readonly roleToAssume?: string;
  readonly roleSessionName?: string;
  readonly durationSeconds?: number;
  readonly audience?: string;
}

export interface PublishStageDeps {
  readonly getIdToken?: IdTokenSource;
  /** The action passes core.setSecret; called for every secret before anything is logged. */
  readonly mask?: (secret: string) => void;
  readonly env: NodeJS.ProcessEnv;
  /** Commit the layer was built from, recorded in the layer description. */
  readonly commit?: string;
  /** GITHUB_RUN_ID-GITHUB_RUN_ATTEMPT, for the default role session name. */
  readonly runId?: string;
}

export interface PublishStageResult {
  /** Also what the deploy runs with. */
  readonly credentials: ResolvedCredentials;
  readonly published: PublishResult;
}

export async function runPublishStage(
  layer: LayerToPublish,
  publish: PublishConfig,
  credentialsConfig: CredentialsConfig,
  deps: PublishStageDeps,
  log: Logger,
): Promise<PublishStageResult> {
  const credentials = await log.group('AWS credentials', () =>
    resolveCredentials(
      {
        ...credentialsConfig,
        // STS in the first publish region: the one the layer is certain to need.
        region: publish.regions[0] as string,
        runId: deps.runId,
        client: { env: deps.env },
      },
      { getIdToken: deps.getIdToken, mask: deps.mask },
      log,
    ),
  );
  const published = await log.group(`Publish layer ${publish.layerName}`, () =>
    publishLayer(
      {
        zipPath: layer.zipPath,
        codeSha256: layer.codeSha256,
        layerName: publish.layerName,
        regions: publish.regions,
        compatibleRuntimes: [layer.runtime],
        compatibleArchitectures: [layer.architecture],
        description: layerDescription({
          codeSha256: layer.codeSha256,
          requirementsHash: layer.requirementsHash,
          commit: deps.commit,
          // In a workflow run: where to find the run (and its attestations) from the layer alone.
          repository: deps.env.GITHUB_REPOSITORY || undefined,
          runId: deps.env.GITHUB_RUN_ID || undefined,
          text: publish.descriptionText,
        }),
        licenseInfo: publish.licenseInfo,
        s3Bucket: publish.s3Bucket,
        directUploadLimit: publish.directUploadLimit,
        grant: publish.grant,
        keep: publish.keep,
      },
      { credentials: credentials.credentials, env: deps.env },
      log,
    ),
  );
  return { credentials, published };
}
