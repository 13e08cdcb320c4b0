/**
 * GitHub's OIDC token: requesting it outside @actions/core (the CLI) and reading its claims for
 * error messages. The token itself is a bearer credential: it is masked by the caller as soon as
 * it exists and never printed; only the `sub`, `aud` and `iss` claims are shown.
 */
import { readFile } from 'node:fs/promises';
import { UserError } from '../errors.js';

export const DEFAULT_AUDIENCE = 'sts.amazonaws.com';
export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';

/** Returns the ID token for an audience (core.getIDToken has this shape). */
export type IdTokenSource = (audience: string) => Promise<string>;

/** Thrown when no token can be had: the caller turns it into the id-token permission message. */
export class IdTokenUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'IdTokenUnavailableError';
  }
}

export interface TokenClaims {
  readonly iss?: string;
  readonly sub?: string;
  readonly aud?: string | readonly string[];
  readonly [claim: string]: unknown;
}

/** Decodes (does not verify) a JWT's payload. Undefined when it is not a JWT. */
export function decodeJwtClaims(token: string): TokenClaims | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    return claims && typeof claims === 'object' ? (claims as TokenClaims) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The runner's token endpoint, as @actions/core uses it: GET ACTIONS_ID_TOKEN_REQUEST_URL
 * (which already carries `?api-version=...`) + `&audience=`, with
 * `Authorization: bearer ACTIONS_ID_TOKEN_REQUEST_TOKEN`, answering {"value": "<JWT>"}.
 * Both variables exist only in jobs granted `permissions: id-token: write`.
 */
export function githubIdTokenFromEnv(
  env: NodeJS.ProcessEnv,
  options: { timeoutMs?: number } = {},
): IdTokenSource {
  return async (audience) => {
    const url = env.ACTIONS_ID_TOKEN_REQUEST_URL;
    const bearer = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
    if (!url || !bearer) {
      throw new IdTokenUnavailableError(
        'ACTIONS_ID_TOKEN_REQUEST_URL / ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set',
      );
    }
    const target = `${url}${url.includes('?') ? '&' : '?'}audience=${encodeURIComponent(audience)}`;
    let lastError: unknown;
    // A couple of attempts: the endpoint occasionally answers 5xx under load.
    for (let attempt = 1; attempt <= 3; attempt++) {
      try {
        const response = await fetch(target, {
          headers: { Authorization: `bearer ${bearer}`, Accept: 'application/json' },
          signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
        });
        if (response.ok) {
          const body = (await response.json()) as { value?: unknown };
          if (typeof body.value !== 'string' || body.value.length === 0) {
            throw new IdTokenUnavailableError('the token endpoint answered without a "value" field');
          }
          return body.value;
        }
        lastError = new IdTokenUnavailableError(`the token endpoint answered HTTP ${response.status}`);
        if (response.status < 500) break;
      } catch (error) {
        if (error instanceof IdTokenUnavailableError) throw error;
        lastError = error;
      }
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
    throw lastError instanceof IdTokenUnavailableError
      ? lastError
      : new IdTokenUnavailableError(`the token endpoint could not be reached: ${String(lastError)}`, {
          cause: lastError,
        });
  };
}

/** A token written to a file by another tool (e.g. a CI system other than GitHub Actions). */
export function idTokenFromFile(path: string): IdTokenSource {
  return async () => {
    try {
      const token = (await readFile(path, 'utf8')).trim();
      if (!token) throw new UserError(`Web identity token file ${path} is empty.`);
      return token;
    } catch (error) {
      if (error instanceof UserError) throw error;
      throw new UserError(`Cannot read the web identity token file ${path}: ${(error as Error).message}`);
    }
  };
}
