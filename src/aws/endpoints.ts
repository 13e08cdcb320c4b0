/**
 * An AWS endpoint that could not be reached is not an authorization problem: say which
 * endpoint (the one the SDK used: AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL, or the public
 * one for the region) and that the network is what failed.
 */
import { UserError } from '../errors.js';
import { redact } from '../redact.js';
import { awsErrorShape } from './aws-errors.js';

/** Node's connection failures: no answer at all, as opposed to an answer that refuses. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNABORTED',
  'EPIPE',
]);

/** True when the request got no HTTP answer (refused, no such host, timed out). */
export function isNetworkFailure(error: unknown): boolean {
  const { name, code, status } = awsErrorShape(error);
  if (status !== undefined) return false;
  return NETWORK_CODES.has(code ?? '') || name === 'TimeoutError';
}

/** The endpoint the SDK calls for `service` ("STS", "LAMBDA", "S3") in `region`. */
export function endpointUrl(service: string, region: string, env: NodeJS.ProcessEnv): string {
  const configured = env[`AWS_ENDPOINT_URL_${service.toUpperCase()}`] || env.AWS_ENDPOINT_URL;
  return configured || `https://${service.toLowerCase()}.${region}.amazonaws.com`;
}

/** A UserError naming the unreachable endpoint, or undefined when `error` is not a network failure. */
export function unreachableEndpoint(
  error: unknown,
  request: { service: string; region: string; env: NodeJS.ProcessEnv; what: string },
): UserError | undefined {
  if (!isNetworkFailure(error)) return undefined;
  const { code, message } = awsErrorShape(error);
  const url = redact(endpointUrl(request.service, request.region, request.env));
  return new UserError(
    `${request.what}: the ${request.service} endpoint ${url} cannot be reached (${code ?? message})`,
    {
      hint: 'check the network, the region and any AWS_ENDPOINT_URL* setting; the credentials were not checked',
      cause: error,
    },
  );
}
