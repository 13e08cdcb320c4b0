/**
 * The documented least-privilege policies (docs/iam.md) and the code must agree: every AWS SDK
 * command the source sends maps to an IAM action; the publish policy lists exactly those of the
 * publisher, and the deploy role's invoke policy exactly those sent after the deploy (src/deploy/).
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_AUDIENCE } from '../../src/aws/github-oidc.js';

const ROOT = new URL('../../', import.meta.url).pathname;

type Client = 'lambda' | 's3' | 'sts';

interface UsedCommand {
  readonly client: Client;
  readonly operation: string;
  readonly file: string;
}

/** `new XCommand(` whose X is imported from @aws-sdk/client-{lambda,s3,sts} in the same file. */
function commandsIn(file: string, source: string): UsedCommand[] {
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
const isDeployCommand = (c: UsedCommand) => c.file.startsWith('src/deploy/');

/**
 * IAM actions a permission policy must allow for these commands. STS web-identity federation is
 * the trust policy's business, GetCallerIdentity needs no permission, and publishing from S3
 * makes Lambda read the staged object with the caller's permissions (s3:GetObject).
 */
function requiredActions(commands: readonly UsedCommand[]): {
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

interface PolicyDocument {
  Statement: {
    Effect: string;
    Action: string | string[];
    Principal?: unknown;
    Condition?: Record<string, Record<string, string>>;
  }[];
}

/** The JSON block right after `<!-- policy:NAME -->` in docs/iam.md. */
function policyAfterMarker(markdown: string, name: string): PolicyDocument {
  const at = markdown.indexOf(`<!-- policy:${name} -->`);
  expect(at, `docs/iam.md has no <!-- policy:${name} --> marker`).toBeGreaterThanOrEqual(0);
  const block = /```json\n([\s\S]*?)```/.exec(markdown.slice(at));
  return JSON.parse(block?.[1] ?? '') as PolicyDocument;
}

const actionsOf = (policy: PolicyDocument): Set<string> =>
  new Set(
    policy.Statement.filter((s) => s.Effect === 'Allow').flatMap((s) =>
      Array.isArray(s.Action) ? s.Action : [s.Action],
    ),
  );

describe('docs/iam.md matches the code', async () => {
  const files = await sourceFiles(join(ROOT, 'src'));
  const commands = (
    await Promise.all(
      files.map(async (file) => commandsIn(file.slice(ROOT.length), await readFile(file, 'utf8'))),
    )
  ).flat();
  const { permission, trust } = requiredActions(commands.filter((c) => !isDeployCommand(c)));
  const deployPermission = requiredActions(commands.filter(isDeployCommand)).permission;
  const markdown = await readFile(join(ROOT, 'docs/iam.md'), 'utf8');

  it('finds the commands the publisher sends', () => {
    // A scan that finds nothing would make the comparison below vacuous.
    expect(permission).toContain('lambda:PublishLayerVersion');
    expect(trust).toContain('sts:AssumeRoleWithWebIdentity');
  });

  it('the permission policy lists exactly the actions the code calls', () => {
    const documented = actionsOf(policyAfterMarker(markdown, 'publish'));
    const missing = [...permission].filter((a) => !documented.has(a));
    const unused = [...documented].filter((a) => !permission.has(a));
    const where = (action: string) =>
      commands
        .filter((c) => `${c.client}:${c.operation}` === action)
        .map((c) => c.file)
        .join(', ');
    expect(
      missing.map((a) => `${a} (called in ${where(a)})`),
      'called but not in docs/iam.md',
    ).toEqual([]);
    expect(unused, 'listed in docs/iam.md but never called').toEqual([]);
  });

  it("the deploy role's invoke policy lists exactly what the deploy stage calls, on the service's functions only", () => {
    expect(deployPermission).toEqual(new Set(['lambda:InvokeFunction']));
    const policy = policyAfterMarker(markdown, 'deploy-invoke');
    expect(actionsOf(policy)).toEqual(deployPermission);
    for (const statement of policy.Statement) {
      const resources = [(statement as { Resource?: string | string[] }).Resource ?? []].flat();
      expect(resources.length).toBeGreaterThan(0);
      // Functions of one service and stage (SERVICE-STAGE-*), never every function of the account.
      for (const resource of resources) {
        expect(resource).toMatch(/^arn:aws:lambda:[^:]+:\d{12}:function:[a-z0-9-]+-[a-z0-9]+-\*$/);
      }
    }
  });

  it.each(['trust-branch', 'trust-environment'])(
    'the %s policy allows web identity federation with aud and sub pinned',
    (name) => {
      const policy = policyAfterMarker(markdown, name);
      expect(actionsOf(policy)).toEqual(trust);
      const [statement] = policy.Statement;
      expect(statement?.Principal).toEqual({
        Federated: 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com',
      });
      const conditions = Object.assign({}, ...Object.values(statement?.Condition ?? {})) as Record<
        string,
        string
      >;
      expect(statement?.Condition?.StringEquals?.['token.actions.githubusercontent.com:aud']).toBe(
        DEFAULT_AUDIENCE,
      );
      const sub = conditions['token.actions.githubusercontent.com:sub'];
      expect(sub).toMatch(
        name === 'trust-branch'
          ? /^repo:[^/]+\/[^:]+:ref:refs\/heads\/[^*]+$/
          : /^repo:[^/]+\/[^:]+:environment:[^*]+$/,
      );
    },
  );

  it('the check itself catches drift in both directions', () => {
    const extra = requiredActions([
      ...commands,
      ...commandsIn(
        'x.ts',
        "import { CreateFunctionCommand } from '@aws-sdk/client-lambda';\nnew CreateFunctionCommand({});",
      ),
    ]);
    expect(extra.permission).toContain('lambda:CreateFunction');
    // Invoke is authorized as lambda:InvokeFunction, not lambda:Invoke.
    const invoke = requiredActions(
      commandsIn('z.ts', "import { InvokeCommand } from '@aws-sdk/client-lambda';\nnew InvokeCommand({});"),
    );
    expect([...invoke.permission]).toEqual(['lambda:InvokeFunction']);
    const withoutS3 = requiredActions(commands.filter((c) => c.client !== 's3'));
    expect(withoutS3.permission).not.toContain('s3:GetObject');
    // Type-only imports or commands of other packages are not calls.
    expect(
      commandsIn('y.ts', "import { ListLayersCommand } from './mine.js';\nnew ListLayersCommand();"),
    ).toEqual([]);
  });
});
