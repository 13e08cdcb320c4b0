/** Reading AWS SDK errors: their name/status, and whether an attempt may have taken effect. */

export interface AwsErrorShape {
  readonly name: string;
  readonly message: string;
  readonly status?: number;
  readonly code?: string;
}

export function awsErrorShape(error: unknown): AwsErrorShape {
  const e = error as {
    name?: string;
    message?: string;
    code?: string;
    $metadata?: { httpStatusCode?: number };
  };
  return {
    name: e?.name ?? 'Error',
    message: e?.message ?? String(error),
    status: e?.$metadata?.httpStatusCode,
    code: e?.code,
  };
}

const THROTTLING = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'SlowDown',
  'RequestLimitExceeded',
]);

/** Throttled: the request was refused before doing anything, so it is safe to repeat. */
export function isThrottling(error: unknown): boolean {
  const { name, status } = awsErrorShape(error);
  return status === 429 || THROTTLING.has(name);
}

/**
 * Timeouts, resets and 5xx: the request may or may not have taken effect. For a non-idempotent
 * call (PublishLayerVersion) the caller must look before repeating it.
 */
export function isAmbiguousFailure(error: unknown): boolean {
  const { name, status, code } = awsErrorShape(error);
  if (name === 'AbortError') return false;
  return (
    name === 'TimeoutError' ||
    name === 'RequestTimeout' ||
    name === 'ServiceException' ||
    (status !== undefined && status >= 500) ||
    ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN'].includes(code ?? '')
  );
}

export function isAccessDenied(error: unknown): boolean {
  const { name } = awsErrorShape(error);
  return name === 'AccessDeniedException' || name === 'AccessDenied';
}

/** "Name: message" without the SDK's stack or request dump. */
export function describeAwsError(error: unknown): string {
  const { name, message } = awsErrorShape(error);
  return message.startsWith(name) ? message : `${name}: ${message}`;
}
