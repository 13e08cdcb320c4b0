/**
 * AWS credentials for publishing: a role assumed with the job's GitHub OIDC token, or the SDK's
 * default provider chain (credentials configured earlier in the job, or a laptop profile).
 *
 * Secrets (the OIDC token, the key id, the secret key, the session token) go to `mask` the moment
 * they exist, before any log line is written. They live in memory only: never written to disk,
 * the cache or logs; a child process (serverless deploy) gets them through its own environment
 * (`childProcessEnv`).
 */
import { AssumeRoleWithWebIdentityCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { InputError, UserError } from '../errors.js';
import type { Logger } from '../log.js';
import { type AwsClientSettings, type AwsCredentials, createStsClient } from './clients.js';
import { unreachableEndpoint } from './endpoints.js';
import { DEFAULT_AUDIENCE, decodeJwtClaims, type IdTokenSource, type TokenClaims } from './github-oidc.js';
import { firstAudience, trustStatementFor } from './trust-policy.js';
import {
  sanitizeRoleSessionName,
  validateDurationSeconds,
  validateRegion,
  validateRoleArn,
  validateRoleSessionName,
} from './validation.js';

export interface CredentialOptions {
  /** IAM role ARN to assume with the job's OIDC token; absent = default provider chain. */
  readonly roleToAssume?: string;
  /** OIDC audience; must match the trust policy's `aud` condition. Default "sts.amazonaws.com". */
  readonly audience?: string;
  /** Default "lambda-layer-<runId>" (or a timestamp), sanitized to STS's pattern. */
  readonly roleSessionName?: string;
  /** 900-43200; default 3600. */
  readonly durationSeconds?: number;
  /** Region of the STS endpoint (the first publish region is a good choice). */
  readonly region: string;
  /** GITHUB_RUN_ID (and attempt), used in the default session name so CloudTrail shows the run. */
  readonly runId?: string;
  /** Timeouts/retries for the STS client (credentials in it are ignored). */
  readonly client?: AwsClientSettings;
  /** Default chain only: call sts:GetCallerIdentity to fail early on missing/expired keys. Default true. */
  readonly verify?: boolean;
}

export interface CredentialDeps {
  /** The action passes core.getIDToken; the CLI githubIdTokenFromEnv(env) or idTokenFromFile(path). */
  readonly getIdToken?: IdTokenSource;
  /** The action passes core.setSecret. Called for every secret before anything is logged. */
  readonly mask?: (secret: string) => void;
}

export type ResolvedCredentials =
  | {
      readonly source: 'assumed-role';
      readonly credentials: AwsCredentials;
      readonly roleArn: string;
      readonly assumedRoleArn?: string;
      readonly expiration?: Date;
    }
  | {
      readonly source: 'default-chain';
      readonly credentials?: undefined;
      /** Who the ambient credentials are (from GetCallerIdentity), when verified. */
      readonly identityArn?: string;
    };

export const DEFAULT_DURATION_SECONDS = 3600;

/** The two lines a workflow needs for OIDC, shown whenever a token cannot be had. */
export const ID_TOKEN_PERMISSION_YAML = 'permissions:\n  id-token: write';

export function defaultRoleSessionName(runId?: string, now: Date = new Date()): string {
  return sanitizeRoleSessionName(`lambda-layer-${runId ?? now.getTime()}`);
}

export async function resolveCredentials(
  options: CredentialOptions,
  deps: CredentialDeps,
  log: Logger,
): Promise<ResolvedCredentials> {
  validateRegion(options.region);
  if (!options.roleToAssume) return defaultChain(options, log);

  const roleArn = validateRoleArn(options.roleToAssume);
  const durationSeconds = validateDurationSeconds(options.durationSeconds ?? DEFAULT_DURATION_SECONDS);
  const roleSessionName = validateRoleSessionName(
    options.roleSessionName ?? defaultRoleSessionName(options.runId),
  );
  const audience = options.audience?.trim() || DEFAULT_AUDIENCE;
  const mask = deps.mask ?? (() => {});
  if (!deps.getIdToken) {
    throw new UserError(`Cannot assume ${roleArn}: no source for a GitHub OIDC token.`, {
      hint: `Run inside GitHub Actions with\n${ID_TOKEN_PERMISSION_YAML}\nor pass a token file (--web-identity-token-file).`,
    });
  }

  let token: string;
  try {
    token = await deps.getIdToken(audience);
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(
      `Could not request a GitHub OIDC token (audience "${audience}") to assume ${roleArn}: ${(error as Error).message}`,
      {
        hint: `The job needs permission to request it. Add to the job (or workflow):\n${ID_TOKEN_PERMISSION_YAML}\n(with an explicit permissions block, also add "contents: read" if the job checks out code; a reusable workflow's caller must grant it too).`,
        cause: error,
      },
    );
  }
  mask(token);
  const claims = decodeJwtClaims(token);
  log.info(
    `Assuming ${roleArn} with the GitHub OIDC token (sub "${String(claims?.sub ?? '?')}", aud "${firstAudience(claims)}"), session ${roleSessionName}, ${durationSeconds}s`,
  );

  const sts = createStsClient({ ...options.client, credentials: undefined, region: options.region });
  try {
    const response = await sts.send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: roleArn,
        RoleSessionName: roleSessionName,
        WebIdentityToken: token,
        DurationSeconds: durationSeconds,
      }),
    );
    const issued = response.Credentials;
    if (!issued?.AccessKeyId || !issued.SecretAccessKey || !issued.SessionToken) {
      throw new UserError(`STS answered AssumeRoleWithWebIdentity for ${roleArn} without credentials.`);
    }
    // Mask before anything else can print them (including the log line below).
    mask(issued.AccessKeyId);
    mask(issued.SecretAccessKey);
    mask(issued.SessionToken);
    const assumedRoleArn = response.AssumedRoleUser?.Arn;
    log.info(
      `Assumed ${assumedRoleArn ?? roleArn}${issued.Expiration ? ` until ${issued.Expiration.toISOString()}` : ''}`,
    );
    return {
      source: 'assumed-role',
      roleArn,
      assumedRoleArn,
      expiration: issued.Expiration,
      credentials: {
        accessKeyId: issued.AccessKeyId,
        secretAccessKey: issued.SecretAccessKey,
        sessionToken: issued.SessionToken,
        expiration: issued.Expiration,
      },
    };
  } catch (error) {
    throw (
      unreachableEndpoint(error, {
        service: 'STS',
        region: options.region,
        env: options.client?.env ?? process.env,
        what: `Could not assume ${roleArn}`,
      }) ?? explainStsRefusal(error, { roleArn, claims, durationSeconds, region: options.region })
    );
  } finally {
    sts.destroy();
  }
}

async function defaultChain(options: CredentialOptions, log: Logger): Promise<ResolvedCredentials> {
  if (options.verify === false) {
    log.info('Using AWS credentials from the default provider chain');
    return { source: 'default-chain' };
  }
  const sts = createStsClient({ ...options.client, credentials: undefined, region: options.region });
  try {
    const identity = await sts.send(new GetCallerIdentityCommand({}));
    log.info(`Using AWS credentials from the default provider chain (${identity.Arn ?? 'unknown identity'})`);
    return { source: 'default-chain', identityArn: identity.Arn };
  } catch (error) {
    const unreachable = unreachableEndpoint(error, {
      service: 'STS',
      region: options.region,
      env: options.client?.env ?? process.env,
      what: 'Could not check the AWS credentials from the default provider chain',
    });
    if (unreachable) throw unreachable;
    const name = (error as Error).name;
    if (name === 'CredentialsProviderError') {
      throw new UserError(
        (n) =>
          `No AWS credentials found (no ${n.name('role-to-assume')}, and the default provider chain is empty).`,
        {
          hint: (n) =>
            `Set ${n.name('role-to-assume')} (GitHub OIDC, recommended), configure an AWS profile or AWS_* variables, or in a workflow run aws-actions/configure-aws-credentials first.`,
          cause: error,
        },
      );
    }
    throw new UserError(
      `The AWS credentials from the default provider chain were rejected: ${name}: ${(error as Error).message}`,
      {
        hint: (n) =>
          `They may be expired or for another partition; refresh them or use ${n.name('role-to-assume')}.`,
        cause: error,
      },
    );
  } finally {
    sts.destroy();
  }
}

interface RefusalContext {
  readonly roleArn: string;
  readonly claims?: TokenClaims;
  readonly durationSeconds: number;
  readonly region: string;
}

/** Turns an STS error into a message that shows what was asked and what would be accepted. */
export function explainStsRefusal(error: unknown, context: RefusalContext): Error {
  if (error instanceof UserError) return error;
  const name = (error as Error)?.name ?? 'Error';
  const message = (error as Error)?.message ?? String(error);
  const { roleArn, claims } = context;
  const sub = String(claims?.sub ?? '(no sub claim)');
  const aud = firstAudience(claims);
  const statement = JSON.stringify(trustStatementFor(roleArn, claims), null, 2);
  const who = `token sub "${sub}", aud "${aud}"`;
  switch (name) {
    case 'AccessDenied':
    case 'AccessDeniedException':
    case 'IDPRejectedClaimException':
    case 'IDPRejectedClaim':
      return new UserError(
        `STS refused to let this workflow assume ${roleArn} (${who}): ${name}: ${message}`,
        {
          hint: `The role's trust policy must allow this token. A statement that matches it:\n${statement}\n(widen sub with wildcards, e.g. "repo:OWNER/REPO:*", only as far as you intend; see docs/iam.md)`,
          cause: error,
        },
      );
    case 'InvalidIdentityToken':
    case 'InvalidIdentityTokenException':
      return new UserError(`STS rejected the GitHub OIDC token for ${roleArn} (${who}): ${message}`, {
        hint: `The account needs an IAM OIDC identity provider for ${String(claims?.iss ?? 'https://token.actions.githubusercontent.com')} with audience "${aud}" (see docs/iam.md), and the trust policy must match:\n${statement}`,
        cause: error,
      });
    case 'ExpiredTokenException':
    case 'ExpiredToken':
      return new UserError(`The GitHub OIDC token expired before STS accepted it (${roleArn}).`, {
        hint: 'Re-run the job; tokens are short-lived and requested right before use.',
        cause: error,
      });
    case 'ValidationError':
      if (/DurationSeconds|MaxSessionDuration/i.test(message)) {
        return new InputError(
          'role-duration-seconds',
          `${context.durationSeconds} is refused by ${roleArn}: ${message}`,
          {
            hint: (n) =>
              `Lower ${n.name('role-duration-seconds')} or raise the role's "Maximum session duration".`,
          },
        );
      }
      return new UserError(`STS AssumeRoleWithWebIdentity for ${roleArn} failed: ${message}`, {
        cause: error,
      });
    case 'RegionDisabledException':
      return new UserError(`STS is not activated in region ${context.region} for this account.`, {
        hint: 'Activate the region in IAM account settings, or list an activated region first.',
        cause: error,
      });
    default:
      return new UserError(
        `STS AssumeRoleWithWebIdentity for ${roleArn} failed in ${context.region}: ${name}: ${message}`,
        {
          cause: error,
        },
      );
  }
}

/** AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN for a child process; empty for the default chain. */
export function credentialsEnv(resolved: ResolvedCredentials): Record<string, string> {
  if (resolved.source !== 'assumed-role') return {};
  const { accessKeyId, secretAccessKey, sessionToken } = resolved.credentials;
  return {
    AWS_ACCESS_KEY_ID: accessKeyId,
    AWS_SECRET_ACCESS_KEY: secretAccessKey,
    ...(sessionToken ? { AWS_SESSION_TOKEN: sessionToken } : {}),
  };
}

/**
 * The environment for a child process (serverless deploy): `base` plus the assumed-role keys.
 * With assumed credentials, profile variables are dropped so the child cannot pick another
 * identity over the keys; with the default chain the child resolves the same chain itself.
 */
export function childProcessEnv(base: NodeJS.ProcessEnv, resolved: ResolvedCredentials): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  if (resolved.source === 'assumed-role') {
    delete env.AWS_PROFILE;
    delete env.AWS_DEFAULT_PROFILE;
    delete env.AWS_SESSION_TOKEN;
    Object.assign(env, credentialsEnv(resolved));
  }
  return env;
}
