/**
 * Publishing a layer zip to one or more regions, idempotently:
 *   per region (concurrently): list versions -> reuse one whose CodeSha256 equals the zip's, or
 *   publish (directly, or staged through S3 when the zip is over the direct-upload limit) ->
 *   grant use to accounts / an organization -> prune old versions beyond `keep`.
 *
 * A region that fails is named and does not hide the others: all regions finish, then a
 * PublishError lists the failures and carries the full result (successful regions included) so
 * the caller can still set outputs.
 *
 * Nothing is left half-done: the S3 staging object is deleted in a `finally`; a publish attempt
 * that timed out or got a 5xx may still have created the version, so before repeating it we look
 * for a new version with our CodeSha256 and adopt it instead of creating a duplicate.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import {
  AddLayerVersionPermissionCommand,
  DeleteLayerVersionCommand,
  type LambdaClient,
  PublishLayerVersionCommand,
  type PublishLayerVersionCommandInput,
} from '@aws-sdk/client-lambda';
import { UserError } from '../errors.js';
import type { Logger } from '../log.js';
import { formatBytes } from '../report.js';
import { LAMBDA_LIMITS } from '../target.js';
import {
  awsErrorShape,
  describeAwsError,
  isAccessDenied,
  isAmbiguousFailure,
  isThrottling,
} from './aws-errors.js';
import {
  type AwsClientSettings,
  createLambdaClient,
  createRegionClients,
  DEFAULT_MAX_ATTEMPTS,
} from './clients.js';
import {
  type ExistingVersion,
  findVersionWithCode,
  layerArnOf,
  listLayerVersions,
  type ReusableVersion,
  reuseCandidates,
  versionsToPrune,
} from './layer-versions.js';
import { bucketForRegion, deleteStagingObject, putStagingObject, stagingKey } from './s3-staging.js';
import {
  MAX_DESCRIPTION_LENGTH,
  validateAccountId,
  validateLayerName,
  validateLicenseInfo,
  validateOrganizationId,
  validatePositiveInteger,
  validateRegions,
} from './validation.js';

export interface LayerGrant {
  readonly accountIds?: readonly string[];
  readonly organizationId?: string;
}

export interface PublishRequest {
  readonly zipPath: string;
  /** base64(sha256(zip)); checked against the file so a stale manifest cannot mislead reuse. */
  readonly codeSha256: string;
  readonly layerName: string;
  readonly regions: readonly string[];
  readonly compatibleRuntimes: readonly string[];
  readonly compatibleArchitectures: readonly string[];
  /** Max 256 characters; build it with layerDescription() so reuse finds versions quickly. */
  readonly description: string;
  readonly licenseInfo?: string;
  /** Staging bucket (in each region; "{region}" is replaced). Forces the S3 path when set. */
  readonly s3Bucket?: string;
  /** Zips larger than this go through S3. Default LAMBDA_LIMITS.directUploadZipBytes. */
  readonly directUploadLimit?: number;
  readonly grant?: LayerGrant;
  /** Keep this many versions in total (the current one always among them); delete older ones. */
  readonly keep?: number;
}

export interface PublishSettings extends AwsClientSettings {
  /** First delay between PublishLayerVersion attempts (doubles, with jitter). Default 500 ms. */
  readonly publishRetryBaseMs?: number;
}

export interface RegionPublishResult {
  readonly region: string;
  readonly ok: boolean;
  /** arn:aws:lambda:REGION:ACCOUNT:layer:NAME */
  readonly layerArn?: string;
  /** arn:aws:lambda:REGION:ACCOUNT:layer:NAME:VERSION */
  readonly layerVersionArn?: string;
  readonly version?: number;
  /** True when an existing version with the same CodeSha256 was used. */
  readonly reused?: boolean;
  /** How the zip reached Lambda when a version was published. */
  readonly uploadedVia?: 'direct' | 's3';
  /** Statement ids granted (or already present). */
  readonly granted: readonly string[];
  readonly pruned: readonly number[];
  readonly warnings: readonly string[];
  readonly error?: string;
  readonly durationMs: number;
}

export interface PublishResult {
  readonly ok: boolean;
  readonly layerName: string;
  readonly codeSha256: string;
  readonly zipSize: number;
  /** One entry per requested region, in the order given. */
  readonly regions: readonly RegionPublishResult[];
}

/** Some regions failed. `result` has every region's outcome, successful ones included. */
export class PublishError extends UserError {
  readonly result: PublishResult;
  constructor(result: PublishResult, options: { hint?: string } = {}) {
    const failed = result.regions.filter((r) => !r.ok);
    super(
      `Publishing layer "${result.layerName}" failed in ${failed.length} of ${result.regions.length} region(s):\n${failed
        .map((r) => `  ${r.region}: ${r.error}`)
        .join('\n')}`,
      options,
    );
    this.name = 'PublishError';
    this.result = result;
  }
}

/** Validates a request's inputs (names the input on failure); returns the normalized regions. */
export function validatePublishRequest(request: PublishRequest): string[] {
  validateLayerName(request.layerName);
  const regions = validateRegions(request.regions);
  if (request.licenseInfo !== undefined) validateLicenseInfo(request.licenseInfo);
  if (request.description.length > MAX_DESCRIPTION_LENGTH) {
    throw new UserError(
      `The layer description is ${request.description.length} characters; Lambda allows 256.`,
    );
  }
  for (const id of request.grant?.accountIds ?? []) validateAccountId(id);
  if (request.grant?.organizationId) validateOrganizationId(request.grant.organizationId);
  if (request.keep !== undefined) validatePositiveInteger(request.keep, 'keep');
  if (request.directUploadLimit !== undefined)
    validatePositiveInteger(request.directUploadLimit, 'direct-upload-limit');
  return regions;
}

export async function publishLayer(
  request: PublishRequest,
  settings: PublishSettings,
  log: Logger,
): Promise<PublishResult> {
  const regions = validatePublishRequest(request);
  const zip = await readFile(request.zipPath).catch((error: NodeJS.ErrnoException) => {
    throw new UserError(`Cannot read the layer zip ${request.zipPath}: ${error.message}`);
  });
  const actualSha = createHash('sha256').update(zip).digest('base64');
  if (actualSha !== request.codeSha256) {
    throw new UserError(
      `The CodeSha256 given for ${request.zipPath} (${request.codeSha256}) does not match the file (${actualSha}).`,
      { hint: 'The manifest is stale: rebuild, or publish the zip that belongs to it.' },
    );
  }
  const limit = request.directUploadLimit ?? LAMBDA_LIMITS.directUploadZipBytes;
  if (zip.length > limit && !request.s3Bucket) {
    throw new UserError(
      `${request.zipPath} is ${formatBytes(zip.length)}, over the ${formatBytes(limit)} limit for a direct PublishLayerVersion upload.`,
      { hint: 'Give an S3 staging bucket in each region (s3-bucket / --s3-bucket, "{region}" is replaced).' },
    );
  }

  log.info(
    `Publishing layer "${request.layerName}" (${formatBytes(zip.length)}, CodeSha256 ${request.codeSha256}) to ${regions.join(', ')}`,
  );
  const outcomes = await Promise.all(
    regions.map((region) => publishInRegion(region, request, zip, settings, log)),
  );
  const result: PublishResult = {
    ok: outcomes.every((o) => o.ok),
    layerName: request.layerName,
    codeSha256: request.codeSha256,
    zipSize: zip.length,
    regions: outcomes,
  };
  if (!result.ok) {
    const denied = outcomes.some((o) => o.error?.includes('AccessDenied'));
    throw new PublishError(result, {
      hint: denied
        ? "The credentials lack a permission: compare the role's policy with docs/iam.md."
        : 'The regions listed as failed can be re-run safely: an identical zip is reused, not published twice.',
    });
  }
  return result;
}

interface RegionContext {
  readonly region: string;
  readonly request: PublishRequest;
  readonly zip: Buffer;
  readonly settings: PublishSettings;
  readonly log: Logger;
  readonly lambda: LambdaClient;
}

async function publishInRegion(
  region: string,
  request: PublishRequest,
  zip: Buffer,
  settings: PublishSettings,
  log: Logger,
): Promise<RegionPublishResult> {
  const started = Date.now();
  const clients = createRegionClients({ ...settings, region });
  const context: RegionContext = { region, request, zip, settings, log, lambda: clients.lambda };
  const warnings: string[] = [];
  const granted: string[] = [];
  let pruned: number[] = [];
  let step = 'ListLayerVersions';
  let current: (ReusableVersion & { reused: boolean; uploadedVia?: 'direct' | 's3' }) | undefined;
  try {
    const existing = await listLayerVersions(clients.lambda, request.layerName);
    step = 'GetLayerVersion';
    const candidates = reuseCandidates(existing, {
      codeSha256: request.codeSha256,
      compatibleRuntimes: request.compatibleRuntimes,
      compatibleArchitectures: request.compatibleArchitectures,
      licenseInfo: request.licenseInfo,
    });
    const reusable = await findVersionWithCode(
      clients.lambda,
      request.layerName,
      candidates,
      request.codeSha256,
    );
    if (reusable) {
      current = { ...reusable, reused: true };
      log.info(
        `[${region}] reused version ${reusable.version} (same CodeSha256): ${reusable.layerVersionArn}`,
      );
    } else {
      step = 'PublishLayerVersion';
      const baseline = existing[0]?.version ?? 0;
      const useS3 =
        Boolean(request.s3Bucket) ||
        zip.length > (request.directUploadLimit ?? LAMBDA_LIMITS.directUploadZipBytes);
      const published = useS3
        ? await publishThroughS3(context, clients.s3, baseline, warnings)
        : await publishVersion(context, { ZipFile: zip }, baseline);
      current = { ...published, reused: false, uploadedVia: useS3 ? 's3' : 'direct' };
      log.info(
        `[${region}] published version ${published.version}${useS3 ? ' (via S3)' : ''}: ${published.layerVersionArn}`,
      );
    }

    step = 'AddLayerVersionPermission';
    granted.push(...(await grantUse(context, current.version)));

    if (request.keep !== undefined) {
      step = 'DeleteLayerVersion';
      const all = [...existing.map((v: ExistingVersion) => v.version), current.version];
      pruned = await prune(context, versionsToPrune(all, current.version, request.keep), warnings);
    }
    return {
      region,
      ok: true,
      layerArn: current.layerArn,
      layerVersionArn: current.layerVersionArn,
      version: current.version,
      reused: current.reused,
      uploadedVia: current.uploadedVia,
      granted,
      pruned,
      warnings,
      durationMs: Date.now() - started,
    };
  } catch (error) {
    const message = error instanceof UserError ? error.message : `${step} failed: ${describeAwsError(error)}`;
    log.error(`[${region}] ${message}`);
    return {
      region,
      ok: false,
      // A version that exists but could not be shared is reported, so a re-run's reuse is explained.
      layerArn: current?.layerArn,
      layerVersionArn: current?.layerVersionArn,
      version: current?.version,
      reused: current?.reused,
      uploadedVia: current?.uploadedVia,
      granted,
      pruned,
      warnings,
      error: message,
      durationMs: Date.now() - started,
    };
  } finally {
    clients.destroy();
  }
}

async function publishThroughS3(
  context: RegionContext,
  s3: ReturnType<typeof createRegionClients>['s3'],
  baseline: number,
  warnings: string[],
): Promise<ReusableVersion> {
  const { region, request, log } = context;
  const bucket = bucketForRegion(request.s3Bucket ?? '', region);
  if (!bucket) {
    throw new UserError(`[${region}] the zip needs S3 staging but no bucket was given.`);
  }
  const target = { bucket, key: stagingKey(request.layerName, request.codeSha256), region };
  await putStagingObject(s3, target, context.zip);
  log.debug(`[${region}] staged s3://${bucket}/${target.key}`);
  try {
    return await publishVersion(context, { S3Bucket: bucket, S3Key: target.key }, baseline);
  } finally {
    try {
      await deleteStagingObject(s3, target);
      log.debug(`[${region}] deleted staging object s3://${bucket}/${target.key}`);
    } catch (error) {
      const warning = `could not delete the staging object s3://${bucket}/${target.key}: ${describeAwsError(error)} (delete it by hand, or add a lifecycle rule on ${target.key.split('/')[0]}/)`;
      warnings.push(warning);
      log.warn(`[${region}] ${warning}`);
    }
  }
}

/**
 * PublishLayerVersion is not idempotent: an attempt that timed out or got a 5xx may have created
 * the version anyway. So this client makes single attempts, and before repeating an ambiguous one
 * we look for a version newer than `baseline` with our CodeSha256 and adopt it.
 */
async function publishVersion(
  context: RegionContext,
  content: PublishLayerVersionCommandInput['Content'],
  baseline: number,
): Promise<ReusableVersion> {
  const { region, request, settings, log } = context;
  const maxAttempts = settings.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  // Lambda can be silent for a while on a large zip: give the publish answer more room than other calls.
  const single = createLambdaClient({
    ...settings,
    region,
    maxAttempts: 1,
    socketTimeoutMs: settings.socketTimeoutMs ?? 300_000,
  });
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        const out = await single.send(
          new PublishLayerVersionCommand({
            LayerName: request.layerName,
            Content: content,
            Description: request.description,
            CompatibleRuntimes:
              request.compatibleRuntimes as PublishLayerVersionCommandInput['CompatibleRuntimes'],
            CompatibleArchitectures:
              request.compatibleArchitectures as PublishLayerVersionCommandInput['CompatibleArchitectures'],
            ...(request.licenseInfo ? { LicenseInfo: request.licenseInfo } : {}),
          }),
        );
        if (out.Version === undefined || !out.LayerVersionArn) {
          throw new UserError(`[${region}] PublishLayerVersion answered without a version.`);
        }
        return {
          version: out.Version,
          layerVersionArn: out.LayerVersionArn,
          layerArn: out.LayerArn ?? layerArnOf(out.LayerVersionArn),
        };
      } catch (error) {
        const ambiguous = isAmbiguousFailure(error);
        if (!ambiguous && !isThrottling(error)) throw error;
        if (ambiguous) {
          const landed = await findLanded(context, baseline);
          if (landed) {
            log.warn(
              `[${region}] PublishLayerVersion reported ${awsErrorShape(error).name}, but version ${landed.version} with our CodeSha256 exists: using it`,
            );
            return landed;
          }
        }
        if (attempt >= maxAttempts) throw error;
        const base = settings.publishRetryBaseMs ?? 500;
        const delay = Math.min(base * 2 ** (attempt - 1), 10_000) * (0.5 + Math.random() / 2);
        log.warn(
          `[${region}] PublishLayerVersion attempt ${attempt} failed (${describeAwsError(error)}); retrying`,
        );
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  } finally {
    single.destroy();
  }
}

/** A version created since `baseline` whose content is our zip (an attempt that did land). */
async function findLanded(context: RegionContext, baseline: number): Promise<ReusableVersion | undefined> {
  const { lambda, request } = context;
  const fresh = (await listLayerVersions(lambda, request.layerName)).filter((v) => v.version > baseline);
  return findVersionWithCode(lambda, request.layerName, fresh, request.codeSha256);
}

/** AddLayerVersionPermission per account / organization. An existing statement id counts as done. */
async function grantUse(context: RegionContext, version: number): Promise<string[]> {
  const { lambda, request, region, log } = context;
  const grants: { statementId: string; principal: string; organizationId?: string }[] = [
    ...(request.grant?.accountIds ?? []).map((id) => ({
      statementId: `lambda-layer-account-${id}`,
      principal: id,
    })),
    ...(request.grant?.organizationId
      ? [
          {
            statementId: `lambda-layer-org-${request.grant.organizationId}`,
            principal: '*',
            organizationId: request.grant.organizationId,
          },
        ]
      : []),
  ];
  const done: string[] = [];
  for (const grant of grants) {
    try {
      await lambda.send(
        new AddLayerVersionPermissionCommand({
          LayerName: request.layerName,
          VersionNumber: version,
          StatementId: grant.statementId,
          Action: 'lambda:GetLayerVersion',
          Principal: grant.principal,
          ...(grant.organizationId ? { OrganizationId: grant.organizationId } : {}),
        }),
      );
      log.info(
        `[${region}] granted lambda:GetLayerVersion on version ${version} to ${grant.organizationId ?? grant.principal}`,
      );
    } catch (error) {
      if (awsErrorShape(error).name !== 'ResourceConflictException') throw error;
      log.info(
        `[${region}] ${grant.organizationId ?? grant.principal} already allowed on version ${version}`,
      );
    }
    done.push(grant.statementId);
  }
  return done;
}

/** Deletes old versions; a failure is a warning (the publish itself succeeded). */
async function prune(
  context: RegionContext,
  versions: readonly number[],
  warnings: string[],
): Promise<number[]> {
  const { lambda, request, region, log } = context;
  const deleted: number[] = [];
  for (const version of versions) {
    try {
      await lambda.send(
        new DeleteLayerVersionCommand({ LayerName: request.layerName, VersionNumber: version }),
      );
      deleted.push(version);
    } catch (error) {
      const warning = `could not delete old version ${version}: ${describeAwsError(error)}${isAccessDenied(error) ? ' (allow lambda:DeleteLayerVersion, or drop keep)' : ''}`;
      warnings.push(warning);
      log.warn(`[${region}] ${warning}`);
    }
  }
  if (deleted.length > 0)
    log.info(`[${region}] pruned version(s) ${deleted.join(', ')} (keep ${request.keep})`);
  return deleted;
}
