/**
 * One factory for the AWS clients this tool uses, so every client gets the same region,
 * credentials, timeouts and retry policy.
 *
 * Endpoints: the SDK itself honours AWS_ENDPOINT_URL_LAMBDA / _STS / _S3 and AWS_ENDPOINT_URL
 * (the SDK's "service-specific endpoints" configuration), which is how tests point the real
 * clients at a local server; nothing here re-implements that. The one thing a custom S3 endpoint
 * needs from us is path-style addressing (a virtual-hosted bucket name cannot be a subdomain of
 * 127.0.0.1), so forcePathStyle is turned on exactly when such an endpoint is configured.
 */
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';

/** Static credentials; structurally the SDK's AwsCredentialIdentity. */
export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}

export interface AwsClientSettings {
  /** Static credentials; undefined lets the SDK use its default provider chain. */
  readonly credentials?: AwsCredentials;
  /** Attempts per call including the first (SDK retry strategy). Default 4. */
  readonly maxAttempts?: number;
  /** "standard" (exponential backoff with jitter) or "adaptive" (adds client-side rate limiting). */
  readonly retryMode?: 'standard' | 'adaptive';
  /** Milliseconds to establish a connection. Default 10 s. */
  readonly connectTimeoutMs?: number;
  /**
   * Milliseconds of socket inactivity before an attempt is abandoned (and retried). Inactivity
   * rather than total time, so a large upload that keeps sending is never cut off. Default 120 s.
   */
  readonly socketTimeoutMs?: number;
  /** Environment to read endpoint overrides from (only to decide S3 path-style). */
  readonly env?: NodeJS.ProcessEnv;
}

export interface AwsClientOptions extends AwsClientSettings {
  readonly region: string;
}

export const DEFAULT_MAX_ATTEMPTS = 4;

/**
 * Since @aws-sdk/core 3.974.8 (aws/aws-sdk-js-v3#7973, 2026-05) every client made on Node < 22
 * prints a 9-line NodeVersionSupportWarning: SDK releases after the first week of January 2027
 * will require Node 22. It speaks to whoever picks the SDK version, which is this project (the
 * SDK is bundled into dist/), not to the user, who can do nothing about it. The SDK's documented
 * opt-out (aws/aws-sdk-js-v3#7983) is this variable; a value the user set is kept. The Node
 * versions this tool supports are package.json's `engines`, which test/engines.test.ts holds to
 * the bundled packages' own: an SDK update that drops Node 20 fails that test until `engines`
 * says so.
 */
function optOutOfSdkNodeVersionWarning(): void {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
}

function commonConfig(options: AwsClientOptions) {
  optOutOfSdkNodeVersionWarning();
  return {
    region: options.region,
    ...(options.credentials ? { credentials: options.credentials } : {}),
    maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    retryMode: options.retryMode ?? 'standard',
    requestHandler: {
      connectionTimeout: options.connectTimeoutMs ?? 10_000,
      socketTimeout: options.socketTimeoutMs ?? 120_000,
    },
  };
}

export function createLambdaClient(options: AwsClientOptions): LambdaClient {
  return new LambdaClient(commonConfig(options));
}

export function createStsClient(options: AwsClientOptions): STSClient {
  return new STSClient(commonConfig(options));
}

export function createS3Client(options: AwsClientOptions): S3Client {
  const env = options.env ?? process.env;
  const customEndpoint = Boolean(env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL);
  return new S3Client({ ...commonConfig(options), forcePathStyle: customEndpoint });
}

/** The clients one region's publish needs. `destroy()` closes their sockets. */
export interface RegionClients {
  readonly region: string;
  readonly lambda: LambdaClient;
  readonly s3: S3Client;
  destroy(): void;
}

export function createRegionClients(options: AwsClientOptions): RegionClients {
  const lambda = createLambdaClient(options);
  let s3: S3Client | undefined;
  return {
    region: options.region,
    lambda,
    // S3 only when a zip goes through staging: most publishes never touch it.
    get s3() {
      s3 ??= createS3Client(options);
      return s3;
    },
    destroy() {
      lambda.destroy();
      s3?.destroy();
    },
  };
}
