/**
 * Validation of the AWS-facing inputs, before any call is made: each failure is an InputError
 * naming the input, so a typo never costs a round trip (or half a multi-region publish).
 * Patterns are Lambda's, IAM's and STS's own (API reference, cited per rule).
 */
import { InputError } from '../errors.js';

/**
 * PublishLayerVersion LayerName: "Length Constraints: Minimum length of 1. Maximum length of 140.
 * Pattern: (arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\d{12}:layer:[a-zA-Z0-9-_]+)|[a-zA-Z0-9-_]+"
 * (https://docs.aws.amazon.com/lambda/latest/api/API_PublishLayerVersion.html). We accept the
 * plain-name branch only: the region comes from --region, and an ARN would pin one region.
 */
const LAYER_NAME = /^[a-zA-Z0-9_-]{1,140}$/;

export function validateLayerName(name: string, input = 'layer-name'): string {
  if (name.length === 0) throw new InputError(input, 'is empty: give the layer a name, e.g. "my-app-deps".');
  if (name.length > 140) {
    throw new InputError(input, `"${name.slice(0, 40)}…" is ${name.length} characters; Lambda allows 1-140.`);
  }
  if (name.startsWith('arn:')) {
    throw new InputError(
      input,
      (n) => `"${name}" is an ARN; give the plain layer name (regions come from ${n.name('region')}).`,
    );
  }
  if (!LAYER_NAME.test(name)) {
    const bad = [...new Set(name.replace(/[a-zA-Z0-9_-]/g, ''))].join('');
    throw new InputError(
      input,
      `"${name}" contains characters Lambda does not allow in a layer name (${JSON.stringify(bad)}); use letters, digits, "-" and "_".`,
    );
  }
  return name;
}

/**
 * Region codes: us-east-1, eu-central-2, ap-southeast-4, us-gov-west-1, cn-north-1,
 * us-iso-east-1, us-isob-east-1. Checked for shape only: a new region must not need a release.
 */
const REGION = /^[a-z]{2}(-(gov|iso[a-z]?))?-[a-z]+-\d{1,2}$/;

export function validateRegion(region: string, input = 'region'): string {
  if (!REGION.test(region)) {
    throw new InputError(input, `"${region}" is not an AWS region code (like "us-east-1" or "eu-west-3").`);
  }
  return region;
}

/** Several regions, deduplicated in the order given. */
export function validateRegions(regions: readonly string[], input = 'region'): string[] {
  const list = [...new Set(regions.map((r) => r.trim()).filter((r) => r.length > 0))];
  if (list.length === 0) throw new InputError(input, 'no region given.');
  for (const region of list) validateRegion(region, input);
  return list;
}

/** PublishLayerVersion LicenseInfo: "Maximum length of 512." */
export function validateLicenseInfo(license: string, input = 'license-info'): string {
  if (license.length > 512) {
    throw new InputError(
      input,
      `is ${license.length} characters; Lambda allows at most 512 (an SPDX id or a URL).`,
    );
  }
  return license;
}

/** PublishLayerVersion Description: "Minimum length of 0. Maximum length of 256." */
export const MAX_DESCRIPTION_LENGTH = 256;

/** AddLayerVersionPermission Principal: "\d{12}|\*|arn:(aws[a-zA-Z-]*):iam::\d{12}:root" — we take account ids. */
export function validateAccountId(id: string, input = 'grant-account'): string {
  if (!/^\d{12}$/.test(id)) throw new InputError(input, `"${id}" is not a 12-digit AWS account id.`);
  return id;
}

/** AddLayerVersionPermission OrganizationId: "o-[a-z0-9]{10,32}" (maximum length 34). */
export function validateOrganizationId(id: string, input = 'grant-org'): string {
  if (!/^o-[a-z0-9]{10,32}$/.test(id)) {
    throw new InputError(
      input,
      `"${id}" is not an AWS Organizations id (o- followed by 10-32 lowercase letters/digits).`,
    );
  }
  return id;
}

/**
 * IAM role ARN: arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME. AssumeRoleWithWebIdentity RoleArn has
 * length 20-2048; role names use [\w+=,.@-] and paths add "/".
 */
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

export function validateRoleArn(arn: string, input = 'role-to-assume'): string {
  if (arn.length < 20 || arn.length > 2048 || !ROLE_ARN.test(arn)) {
    throw new InputError(
      input,
      `"${arn}" is not an IAM role ARN (expected arn:aws:iam::123456789012:role/NAME).`,
      {
        hint: "Copy the ARN from the aws/github-roles.yml stack's outputs (PublishRoleArn, DeployRoleArn) or the role's summary page in the IAM console.",
      },
    );
  }
  return arn;
}

/** AssumeRoleWithWebIdentity DurationSeconds: "Minimum value of 900. Maximum value of 43200." */
export function validateDurationSeconds(seconds: number, input = 'role-duration-seconds'): number {
  if (!Number.isInteger(seconds) || seconds < 900 || seconds > 43200) {
    throw new InputError(input, `${seconds} is outside 900-43200 seconds (15 minutes to 12 hours).`, {
      hint: 'The role\'s own "Maximum session duration" must also allow it (default 1 hour).',
    });
  }
  return seconds;
}

/** AssumeRoleWithWebIdentity RoleSessionName: "Length 2-64. Pattern: [\w+=,.@-]*". */
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

export function validateRoleSessionName(name: string, input = 'role-session-name'): string {
  if (!SESSION_NAME.test(name)) {
    throw new InputError(input, `"${name}" must be 2-64 characters of letters, digits and + = , . @ _ -.`);
  }
  return name;
}

/** Makes any text a valid session name: disallowed characters become "-", cut to 64. */
export function sanitizeRoleSessionName(text: string): string {
  const cleaned = text.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
  return cleaned.length >= 2 ? cleaned : `${cleaned}--`.slice(0, 2);
}

/** A positive integer flag (keep, limits). */
export function validatePositiveInteger(value: number, input: string, min = 1): number {
  if (!Number.isInteger(value) || value < min) {
    throw new InputError(input, `${value} is not a whole number >= ${min}.`);
  }
  return value;
}
