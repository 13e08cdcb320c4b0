/**
 * Staging a zip in S3 for PublishLayerVersion (zips over the direct-upload limit, or when the
 * user asks). Lambda reads S3Bucket/S3Key from a bucket in the SAME region as the layer, with the
 * caller's permissions (hence s3:GetObject in the policy). The object is temporary: the caller
 * deletes it in a `finally`, whatever the publish did.
 */
import { randomUUID } from 'node:crypto';
import { DeleteObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { UserError } from '../errors.js';
import { awsErrorShape, describeAwsError, isAccessDenied } from './aws-errors.js';

export const STAGING_PREFIX = 'lambda-layer-staging/';

/** A bucket name may contain "{region}" so one setting serves several regions. */
export function bucketForRegion(template: string, region: string): string {
  return template.replaceAll('{region}', region);
}

export function stagingKey(layerName: string, codeSha256: string): string {
  const hex = Buffer.from(codeSha256, 'base64').toString('hex').slice(0, 16);
  return `${STAGING_PREFIX}${layerName}/${hex}-${randomUUID()}.zip`;
}

export async function putStagingObject(
  s3: S3Client,
  target: { bucket: string; key: string; region: string },
  body: Buffer,
): Promise<void> {
  try {
    await s3.send(
      new PutObjectCommand({
        Bucket: target.bucket,
        Key: target.key,
        Body: body,
        ContentType: 'application/zip',
      }),
    );
  } catch (error) {
    throw explainS3Error(error, 'upload the layer zip to', target);
  }
}

export async function deleteStagingObject(
  s3: S3Client,
  target: { bucket: string; key: string },
): Promise<void> {
  await s3.send(new DeleteObjectCommand({ Bucket: target.bucket, Key: target.key }));
}

export function explainS3Error(
  error: unknown,
  doing: string,
  target: { bucket: string; key: string; region: string },
) {
  const { name, status } = awsErrorShape(error);
  const where = `s3://${target.bucket}/${target.key}`;
  if (name === 'NoSuchBucket') {
    return new UserError(`Cannot ${doing} ${where}: bucket "${target.bucket}" does not exist.`, {
      hint: `Create it in ${target.region} (the staging bucket must be in the layer's region; "{region}" in the name is replaced per region).`,
      cause: error,
    });
  }
  if (
    name === 'PermanentRedirect' ||
    name === 'AuthorizationHeaderMalformed' ||
    name === 'IllegalLocationConstraintException' ||
    status === 301
  ) {
    return new UserError(
      `Cannot ${doing} ${where}: bucket "${target.bucket}" is not in region ${target.region}.`,
      {
        hint: `Lambda only reads layer content from a bucket in the layer's own region. Use one bucket per region, e.g. --s3-bucket "my-layers-{region}".`,
        cause: error,
      },
    );
  }
  if (isAccessDenied(error)) {
    return new UserError(`Cannot ${doing} ${where}: access denied (${describeAwsError(error)}).`, {
      hint: `Allow s3:PutObject, s3:GetObject and s3:DeleteObject on arn:aws:s3:::${target.bucket}/${STAGING_PREFIX}* (docs/iam.md).`,
      cause: error,
    });
  }
  return new UserError(`Cannot ${doing} ${where} (${target.region}): ${describeAwsError(error)}`, {
    cause: error,
  });
}
