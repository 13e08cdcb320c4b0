/**
 * STS in its Query protocol: POST with a form body (Action=..., Version=2011-06-15), XML answers,
 * XML <ErrorResponse> errors. AssumeRoleWithWebIdentity checks the JWT's signature against the
 * fake GitHub issuer's key, its issuer, expiry and audience, then the role's trust rule for aud
 * and sub, as IAM would.
 */
import { randomUUID } from 'node:crypto';
import { type SigningKey, verifyJwt } from './jwt.js';
import type { AwsTestState } from './state.js';
import type { Fault, Reply, RoleTrust, StsOperation } from './types.js';

const NS = 'https://sts.amazonaws.com/doc/2011-06-15/';

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function stsError(
  status: number,
  code: string,
  message: string,
  type: 'Sender' | 'Receiver' = 'Sender',
): Reply {
  return {
    status,
    headers: { 'content-type': 'text/xml' },
    body: `<ErrorResponse xmlns="${NS}">\n  <Error>\n    <Type>${type}</Type>\n    <Code>${esc(code)}</Code>\n    <Message>${esc(message)}</Message>\n  </Error>\n  <RequestId>${randomUUID()}</RequestId>\n</ErrorResponse>\n`,
  };
}

function xml(action: string, result: string): Reply {
  return {
    status: 200,
    headers: { 'content-type': 'text/xml' },
    body: `<${action}Response xmlns="${NS}">\n  <${action}Result>\n${result}\n  </${action}Result>\n  <ResponseMetadata>\n    <RequestId>${randomUUID()}</RequestId>\n  </ResponseMetadata>\n</${action}Response>\n`,
  };
}

/** IAM StringLike: "*" any run of characters, "?" exactly one. */
export function stringLike(pattern: string, value: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`).test(value);
}

export interface StsContext {
  readonly state: AwsTestState;
  readonly form: URLSearchParams;
  readonly key: SigningKey;
  readonly issuer: string;
  /** Client ids registered on the account's OIDC provider. */
  readonly providerAudiences: readonly string[];
  /** ARN of the signed caller (GetCallerIdentity). */
  readonly callerArn?: string;
}

export function stsOperation(form: URLSearchParams): StsOperation | undefined {
  const action = form.get('Action');
  return action === 'AssumeRoleWithWebIdentity' || action === 'GetCallerIdentity' ? action : undefined;
}

export function handleSts(ctx: StsContext): Reply {
  const { form, state } = ctx;
  const action = stsOperation(form);
  if (action === 'GetCallerIdentity') {
    if (!ctx.callerArn)
      return stsError(403, 'MissingAuthenticationToken', 'Request is missing Authentication Token');
    const userId = ctx.callerArn.includes(':assumed-role/')
      ? `AROATESTROLE:${ctx.callerArn.split('/').pop()}`
      : 'AIDATESTUSER';
    return xml(
      'GetCallerIdentity',
      `    <Arn>${esc(ctx.callerArn)}</Arn>\n    <UserId>${userId}</UserId>\n    <Account>${state.accountId}</Account>`,
    );
  }
  if (action !== 'AssumeRoleWithWebIdentity') {
    return stsError(
      400,
      'InvalidAction',
      `Could not find operation ${form.get('Action')} for version 2011-06-15`,
    );
  }
  const roleArn = form.get('RoleArn') ?? '';
  const sessionName = form.get('RoleSessionName') ?? '';
  const token = form.get('WebIdentityToken') ?? '';
  const duration = Number(form.get('DurationSeconds') ?? '3600');
  if (!/^[\w+=,.@-]{2,64}$/.test(sessionName)) {
    return stsError(
      400,
      'ValidationError',
      `1 validation error detected: Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`,
    );
  }
  const claims = verifyJwt(ctx.key, token);
  if (!claims) return stsError(400, 'InvalidIdentityToken', "Couldn't verify JWT signature");
  if (claims.iss !== ctx.issuer) {
    return stsError(
      400,
      'InvalidIdentityToken',
      `No OpenIDConnect provider found in your account for ${String(claims.iss)}`,
    );
  }
  if (typeof claims.exp === 'number' && claims.exp * 1000 < Date.now()) {
    return stsError(
      400,
      'ExpiredTokenException',
      'Token expired: current date/time is later than the token expiry',
    );
  }
  const aud = String(claims.aud ?? '');
  if (!ctx.providerAudiences.includes(aud))
    return stsError(400, 'InvalidIdentityToken', 'Incorrect token audience');
  const role: RoleTrust | undefined = state.roles.get(roleArn);
  const sub = String(claims.sub ?? '');
  if (!role || (role.aud ?? 'sts.amazonaws.com') !== aud || !stringLike(role.sub, sub)) {
    return stsError(403, 'AccessDenied', 'Not authorized to perform sts:AssumeRoleWithWebIdentity');
  }
  if (duration > (role.maxSessionDuration ?? 3600)) {
    return stsError(
      400,
      'ValidationError',
      'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
    );
  }
  const session = state.issueSession(roleArn, sessionName, duration);
  return xml(
    'AssumeRoleWithWebIdentity',
    [
      `    <SubjectFromWebIdentityToken>${esc(sub)}</SubjectFromWebIdentityToken>`,
      `    <Audience>${esc(aud)}</Audience>`,
      `    <AssumedRoleUser>\n      <Arn>${esc(session.arn)}</Arn>\n      <AssumedRoleId>AROATESTROLE:${esc(sessionName)}</AssumedRoleId>\n    </AssumedRoleUser>`,
      `    <Credentials>\n      <SessionToken>${esc(session.sessionToken ?? '')}</SessionToken>\n      <SecretAccessKey>${esc(session.secretAccessKey)}</SecretAccessKey>\n      <Expiration>${session.expires?.toISOString()}</Expiration>\n      <AccessKeyId>${session.accessKeyId}</AccessKeyId>\n    </Credentials>`,
      `    <Provider>${esc(ctx.issuer.replace(/^https:\/\//, ''))}</Provider>`,
    ].join('\n'),
  );
}

export function stsFault(fault: Fault, op: StsOperation): Reply {
  switch (fault.kind) {
    case 'throttle':
      return stsError(400, 'Throttling', 'Rate exceeded');
    case 'server-error':
      return stsError(
        fault.status ?? 500,
        'InternalFailure',
        'The request processing has failed because of an unknown error, exception or failure.',
        'Receiver',
      );
    case 'access-denied':
      return stsError(403, 'AccessDenied', fault.message ?? `Not authorized to perform sts:${op}`);
    case 'http':
      return { status: fault.status, body: fault.body ?? '' };
    case 'delay':
      throw new Error('delay is not an error reply');
  }
}
