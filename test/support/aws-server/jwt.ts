/** RS256 JWTs for the fake GitHub OIDC issuer: signed with a key generated at server start. */
import { createSign, createVerify, generateKeyPairSync, type KeyObject, randomUUID } from 'node:crypto';

export interface SigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

export function generateSigningKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid: randomUUID(), privateKey, publicKey };
}

const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

export function signJwt(key: SigningKey, claims: Record<string, unknown>): string {
  const head = `${b64url({ alg: 'RS256', typ: 'JWT', kid: key.kid })}.${b64url(claims)}`;
  const signature = createSign('RSA-SHA256').update(head).sign(key.privateKey).toString('base64url');
  return `${head}.${signature}`;
}

/** The claims when the signature verifies with `key`; undefined otherwise. */
export function verifyJwt(key: SigningKey, token: string): Record<string, unknown> | undefined {
  const [header, payload, signature] = token.split('.');
  if (!header || !payload || !signature) return undefined;
  try {
    const ok = createVerify('RSA-SHA256')
      .update(`${header}.${payload}`)
      .verify(key.publicKey, Buffer.from(signature, 'base64url'));
    return ok
      ? (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The JWKS document an issuer publishes (for completeness; the fake STS verifies in-process). */
export function jwks(key: SigningKey): object {
  return { keys: [{ ...key.publicKey.export({ format: 'jwk' }), kid: key.kid, alg: 'RS256', use: 'sig' }] };
}
