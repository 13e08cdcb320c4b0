/**
 * The AWS SDK commands the source sends, and the IAM actions a permission policy must allow for
 * them: one scan shared by the policy-drift tests of docs/iam.md and aws/github-roles.yml.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

export type Client = 'lambda' | 's3' | 'sts';

export interface UsedCommand {
  readonly client: Client;
  readonly operation: string;
  readonly file: string;
}

/** `new XCommand(` whose X is imported from @aws-sdk/client-{lambda,s3,sts} in the same file. */
export function commandsIn(file: string, source: string): UsedCommand[] {
  const imported = new Map<string, Client>();
  for (const m of source.matchAll(
    /import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*['"]@aws-sdk\/client-(lambda|s3|sts)['"]/g,
  )) {
    for (const name of (m[1] ?? '').split(',')) {
      const clean =
        name
          .replace(/^\s*type\s+/, '')
          .split(/\s+as\s+/)[0]
          ?.trim() ?? '';
      if (clean.endsWith('Command')) imported.set(clean, m[2] as Client);
    }
  }
  const used: UsedCommand[] = [];
  for (const m of source.matchAll(/new\s+(\w+Command)\s*\(/g)) {
    const client = imported.get(m[1] ?? '');
    if (client) used.push({ client, operation: (m[1] ?? '').replace(/Command$/, ''), file });
  }
  return used;
}

/** API operations whose IAM action has another name (Lambda's service authorization reference). */
const ACTION_OF_OPERATION: Record<string, string> = { 'lambda:Invoke': 'lambda:InvokeFunction' };

/** Commands sent after the deploy, with the deploy role's credentials. */
export const isDeployCommand = (c: UsedCommand) => c.file.startsWith('src/deploy/');

/**
 * IAM actions a permission policy must allow for these commands. STS web-identity federation is
 * the trust policy's business, GetCallerIdentity needs no permission, and publishing from S3
 * makes Lambda read the staged object with the caller's permissions (s3:GetObject).
 */
export function requiredActions(commands: readonly UsedCommand[]): {
  permission: Set<string>;
  trust: Set<string>;
} {
  const permission = new Set<string>();
  const trust = new Set<string>();
  for (const { client, operation } of commands) {
    if (client === 'sts') {
      if (operation === 'AssumeRoleWithWebIdentity') trust.add('sts:AssumeRoleWithWebIdentity');
      else if (operation !== 'GetCallerIdentity') permission.add(`sts:${operation}`);
    } else {
      const action = `${client}:${operation}`;
      permission.add(ACTION_OF_OPERATION[action] ?? action);
    }
  }
  if (permission.has('lambda:PublishLayerVersion') && permission.has('s3:PutObject'))
    permission.add('s3:GetObject');
  return { permission, trust };
}

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith('.ts')).map((e) => join(e.parentPath, e.name));
}

/** Every command sent from src/, with the file that sends it. */
export async function commandsInSource(root: string): Promise<UsedCommand[]> {
  const files = await sourceFiles(join(root, 'src'));
  return (
    await Promise.all(
      files.map(async (file) => commandsIn(file.slice(root.length), await readFile(file, 'utf8'))),
    )
  ).flat();
}
