/**
 * The flags that assume an IAM role with a GitHub OIDC token, shared by `publish` and `deploy`:
 * where the token comes from (a file, or the GitHub Actions job's token endpoint), and the
 * session settings. Without --role-to-assume the AWS SDK's default chain (profile, keys, SSO) is used.
 */
import { resolve } from 'node:path';
import { githubIdTokenFromEnv, type IdTokenSource, idTokenFromFile } from '../aws/github-oidc.js';
import { UserError } from '../errors.js';
import { parseInteger } from '../inputs.js';
import type { CredentialsConfig } from '../pipeline/publish-stage.js';
import type { CliIO } from './command.js';

const ROLE_FLAG_HELP: readonly [string, string][] = [
  ['--role-to-assume ARN', "assume this role with a GitHub OIDC token (default: the SDK's credential chain)"],
  [
    '--web-identity-token-file F',
    'OIDC token file for --role-to-assume (default: the Actions token endpoint,\nfrom ACTIONS_ID_TOKEN_REQUEST_URL/_TOKEN; the job needs id-token: write)',
  ],
  ['--audience AUD', 'OIDC audience (default: sts.amazonaws.com)'],
  ['--role-session-name NAME', 'STS session name (default: lambda-layer-<GITHUB_RUN_ID>)'],
  ['--role-duration-seconds N', '900-43200 (default: 3600)'],
];

/** The flags' lines of a command's usage text, descriptions starting at `column`. */
export function roleFlagsUsage(column: number): string {
  return ROLE_FLAG_HELP.map(([flag, help]) =>
    help
      .split('\n')
      .map((line, i) => (i === 0 ? `  ${flag}`.padEnd(column) : ' '.repeat(column)) + line)
      .join('\n'),
  ).join('\n');
}

export const ROLE_FLAGS = {
  'role-to-assume': { type: 'string' },
  'web-identity-token-file': { type: 'string' },
  audience: { type: 'string' },
  'role-session-name': { type: 'string' },
  'role-duration-seconds': { type: 'string' },
} as const;

export interface RoleFlagValues {
  readonly 'role-to-assume'?: string;
  readonly 'web-identity-token-file'?: string;
  readonly audience?: string;
  readonly 'role-session-name'?: string;
  readonly 'role-duration-seconds'?: string;
}

export function credentialsFromFlags(values: RoleFlagValues): CredentialsConfig {
  return {
    roleToAssume: values['role-to-assume'],
    audience: values.audience,
    roleSessionName: values['role-session-name'],
    durationSeconds: parseInteger('role-duration-seconds', values['role-duration-seconds']),
  };
}

/** The OIDC token: --web-identity-token-file, else the job's (inside GitHub Actions), else none. */
export function idTokenSourceFromFlags(values: RoleFlagValues, io: CliIO): IdTokenSource | undefined {
  if (values['web-identity-token-file'])
    return idTokenFromFile(resolve(io.cwd, values['web-identity-token-file']));
  if (io.env.ACTIONS_ID_TOKEN_REQUEST_URL) return githubIdTokenFromEnv(io.env);
  if (values['role-to-assume']) {
    throw new UserError(`No GitHub OIDC token available to assume ${values['role-to-assume']}.`, {
      hint: 'Inside GitHub Actions the job needs\npermissions:\n  id-token: write\nElsewhere pass --web-identity-token-file, or drop --role-to-assume to use your AWS profile.',
    });
  }
  return undefined;
}

/** GITHUB_RUN_ID-GITHUB_RUN_ATTEMPT, for the default role session name. */
export function runIdFromEnv(env: NodeJS.ProcessEnv): string | undefined {
  return env.GITHUB_RUN_ID ? `${env.GITHUB_RUN_ID}-${env.GITHUB_RUN_ATTEMPT ?? '1'}` : undefined;
}
