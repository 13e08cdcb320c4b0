/**
 * The documented least-privilege policies (docs/iam.md) and the code must agree: every AWS SDK
 * command the source sends maps to an IAM action; the publish policy lists exactly those of the
 * publisher, and the deploy role's invoke policy exactly those sent after the deploy (src/deploy/).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_AUDIENCE } from '../../src/aws/github-oidc.js';
import { commandsIn, commandsInSource, isDeployCommand, requiredActions } from '../support/aws-calls.js';

const ROOT = new URL('../../', import.meta.url).pathname;

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
  const commands = await commandsInSource(ROOT);
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
