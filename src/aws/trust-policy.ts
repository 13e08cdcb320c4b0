/**
 * The IAM trust-policy statement that would let a given GitHub OIDC token assume a role: shown
 * when STS refuses, so the fix is a copy-paste rather than a guess. Mirrors docs/iam.md.
 */
import { DEFAULT_AUDIENCE, GITHUB_ISSUER, type TokenClaims } from './github-oidc.js';

/** "token.actions.githubusercontent.com" (or a GHES host) from the token's issuer URL. */
export function issuerHost(claims: TokenClaims | undefined): string {
  const iss = typeof claims?.iss === 'string' ? claims.iss : GITHUB_ISSUER;
  return iss.replace(/^https:\/\//, '').replace(/\/$/, '');
}

export function firstAudience(claims: TokenClaims | undefined): string {
  const aud = claims?.aud;
  if (typeof aud === 'string') return aud;
  if (Array.isArray(aud) && typeof aud[0] === 'string') return aud[0];
  return DEFAULT_AUDIENCE;
}

/** The complete statement for the role's trust policy, matching exactly this token's sub and aud. */
export function trustStatementFor(roleArn: string, claims: TokenClaims | undefined): object {
  const [, partition = 'aws', , , account = '123456789012'] = roleArn.split(':');
  const host = issuerHost(claims);
  return {
    Effect: 'Allow',
    Principal: { Federated: `arn:${partition}:iam::${account}:oidc-provider/${host}` },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: {
      StringEquals: { [`${host}:aud`]: firstAudience(claims) },
      StringLike: { [`${host}:sub`]: typeof claims?.sub === 'string' ? claims.sub : 'repo:OWNER/REPO:*' },
    },
  };
}
