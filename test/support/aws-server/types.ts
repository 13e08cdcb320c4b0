/** Shared types of the local AWS test server. */

export type LambdaOperation =
  | 'ListLayerVersions'
  | 'GetLayerVersion'
  | 'PublishLayerVersion'
  | 'AddLayerVersionPermission'
  | 'GetLayerVersionPolicy'
  | 'DeleteLayerVersion'
  | 'Invoke';
export type StsOperation = 'AssumeRoleWithWebIdentity' | 'GetCallerIdentity';
export type S3Operation = 'PutObject' | 'GetObject' | 'DeleteObject';
/** GitHub's token endpoint (ACTIONS_ID_TOKEN_REQUEST_URL). */
export type OidcOperation = 'GetIdToken';
export type Operation = LambdaOperation | StsOperation | S3Operation | OidcOperation;
export type Service = 'lambda' | 'sts' | 's3' | 'oidc';

export const OPERATIONS: readonly Operation[] = [
  'ListLayerVersions',
  'GetLayerVersion',
  'PublishLayerVersion',
  'AddLayerVersionPermission',
  'GetLayerVersionPolicy',
  'DeleteLayerVersion',
  'Invoke',
  'AssumeRoleWithWebIdentity',
  'GetCallerIdentity',
  'PutObject',
  'GetObject',
  'DeleteObject',
  'GetIdToken',
];

/**
 * What to do to one request instead of (or besides) answering it normally. Each is answered in
 * the service's own error format (Lambda JSON + x-amzn-ErrorType, STS/S3 XML).
 */
export type Fault =
  /** Lambda 429 TooManyRequestsException, STS 400 Throttling, S3 503 SlowDown, OIDC 429. */
  | { readonly kind: 'throttle' }
  /** Lambda ServiceException, STS InternalFailure, S3 InternalError/ServiceUnavailable. Default 500. */
  | { readonly kind: 'server-error'; readonly status?: 500 | 502 | 503 | 504 }
  /**
   * Answer late. effect "applied" (default): the operation takes effect, only the answer is
   * late (the worst case for a non-idempotent call); "none": nothing happens, the socket closes.
   */
  | { readonly kind: 'delay'; readonly ms: number; readonly effect?: 'applied' | 'none' }
  /** Lambda 403 AccessDeniedException, STS 403 AccessDenied, S3 403 AccessDenied, OIDC 403. */
  | { readonly kind: 'access-denied'; readonly message?: string }
  /** A raw answer (e.g. the OIDC endpoint's 403 when the job lacks id-token: write). */
  | { readonly kind: 'http'; readonly status: number; readonly body?: string };

export interface FaultOptions {
  /** How many matching requests this fault applies to. Default 1; Infinity for "always". */
  readonly times?: number;
  /** Only requests signed for this region. */
  readonly region?: string;
}

/** One request as the server saw it. */
export interface RecordedCall {
  readonly op: Operation;
  readonly region?: string;
  readonly accessKeyId?: string;
  /** AssumeRoleWithWebIdentity: the RoleArn asked for. */
  readonly roleArn?: string;
  readonly fault?: Fault['kind'];
  readonly at: number;
}

export interface Reply {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
}

/** Trust rule of a fake IAM role: what AssumeRoleWithWebIdentity accepts. */
export interface RoleTrust {
  /** StringLike pattern for the token's sub ("*" and "?" wildcards). */
  readonly sub: string;
  /** StringEquals for aud. Default "sts.amazonaws.com". */
  readonly aud?: string;
  /** The role's MaxSessionDuration. Default 3600. */
  readonly maxSessionDuration?: number;
}
