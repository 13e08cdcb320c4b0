/**
 * aws/github-roles.yml, the one CloudFormation template of the AWS set-up, checked offline:
 * - every resource type, property and attribute exists in AWS's resource specification
 *   (@aws-cdk/cfnspec), every Ref / GetAtt / condition names something the template defines;
 * - cfn-lint (AWS's linter, with the current registry schemas and IAM action lists) passes, when
 *   it is installed (pip install cfn-lint);
 * - the policy-drift check: evaluated with real parameters, the publish role allows exactly the
 *   actions src/ sends (the same scan that keeps docs/iam.md true), the deploy role everything
 *   the post-deploy proof sends, and both trust only the repository's branch or environment;
 * - the deploy role covers what `serverless package` of examples/flask-api compiles: its stack,
 *   its deployment bucket, the function's role, functions and log groups match the role's ARNs.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceServerless } from '../../src/deploy/serverless-package.js';
import { runProcess } from '../../src/process.js';
import { copyExample, serverlessTestEnv } from '../deploy/flask-example.js';
import { commandsInSource, isDeployCommand, requiredActions } from '../support/aws-calls.js';
import { arnMatches, type CfnTemplate, evaluate, parseTemplate } from '../support/cloudformation.js';

const ROOT = join(import.meta.dirname, '..', '..');
const TEMPLATE_PATH = join(ROOT, 'aws', 'github-roles.yml');
const template: CfnTemplate = parseTemplate(readFileSync(TEMPLATE_PATH, 'utf8'));

interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource?: string | string[];
  Principal?: { Federated?: string };
  Condition?: Record<string, Record<string, string | string[]>>;
}
interface RoleProperties {
  RoleName: string;
  AssumeRolePolicyDocument: { Statement: Statement[] };
  Policies: { PolicyName: string; PolicyDocument: { Statement: Statement[] } }[];
}

const list = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

function role(parameters: Record<string, string>, logicalId: string, region = 'us-east-1') {
  const stack = evaluate(template, { parameters, region });
  const properties = stack.resources[logicalId]?.Properties as unknown as RoleProperties;
  const statements = properties.Policies.flatMap((p) => p.PolicyDocument.Statement);
  return { stack, properties, statements, trust: properties.AssumeRolePolicyDocument.Statement };
}

const actionsOf = (statements: Statement[]) =>
  new Set(statements.filter((s) => s.Effect === 'Allow').flatMap((s) => list(s.Action)));

/** Is `action` on `arn` allowed by one statement (conditions aside)? */
const allows = (statements: Statement[], action: string, arn: string) =>
  statements.some(
    (s) =>
      s.Effect === 'Allow' &&
      list(s.Action).some((a) => arnMatches(a, action)) &&
      list(s.Resource).some((r) => arnMatches(r, arn)),
  );

describe('aws/github-roles.yml against the CloudFormation resource specification', async () => {
  const cfnspec = await import('@aws-cdk/cfnspec');
  const spec = cfnspec.specification();
  // Property names CloudFormation has since made optional, after the spec this package froze at:
  // IAM dropped the thumbprint requirement for GitHub's provider in 2024 (the current registry
  // schema, which cfn-lint ships, requires no property of AWS::IAM::OIDCProvider).
  const NO_LONGER_REQUIRED: Record<string, string[]> = { 'AWS::IAM::OIDCProvider': ['ThumbprintList'] };

  it.each(Object.entries(template.Resources))('%s: type, properties and required ones', (_, resource) => {
    const type = spec.ResourceTypes[resource.Type];
    expect(type, `${resource.Type} is not a CloudFormation resource type`).toBeDefined();
    const known = Object.keys(type?.Properties ?? {});
    for (const name of Object.keys(resource.Properties ?? {})) expect(known).toContain(name);
    for (const [name, property] of Object.entries(type?.Properties ?? {})) {
      if (property.Required && !NO_LONGER_REQUIRED[resource.Type]?.includes(name))
        expect(Object.keys(resource.Properties ?? {}), `${resource.Type} requires ${name}`).toContain(name);
    }
  });

  it('every Ref, GetAtt, condition and Sub variable names a parameter, resource, attribute or condition', () => {
    const parameters = new Set(Object.keys(template.Parameters ?? {}));
    const resources = new Set(Object.keys(template.Resources));
    const conditions = new Set(Object.keys(template.Conditions ?? {}));
    const problems: string[] = [];
    const refOk = (name: string) => name.startsWith('AWS::') || parameters.has(name) || resources.has(name);
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) {
        for (const item of node) walk(item);
        return;
      }
      if (node === null || typeof node !== 'object') return;
      for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
        if (key === 'Ref' && !refOk(String(value))) problems.push(`Ref ${String(value)}`);
        if (key === 'Fn::GetAtt') {
          const [id, attribute] = value as string[];
          const type = template.Resources[id as string]?.Type ?? '';
          if (!spec.ResourceTypes[type]?.Attributes?.[attribute as string])
            problems.push(`GetAtt ${id}.${attribute}`);
        }
        // (a string Condition is CloudFormation's; an object one is an IAM statement's)
        const conditionName =
          key === 'Fn::If'
            ? list(value)[0]
            : key === 'Condition' && typeof value === 'string'
              ? value
              : undefined;
        if (conditionName !== undefined && !conditions.has(conditionName as string))
          problems.push(`condition ${String(conditionName)}`);
        if (key === 'Fn::Sub') {
          const [text, variables = {}] = Array.isArray(value) ? value : [value, {}];
          const names = new Set(Object.keys(variables as object));
          for (const m of String(text).matchAll(/\$\{([^}!]+)\}/g)) {
            const name = (m[1] as string).split('.')[0] as string;
            if (!names.has(name) && !refOk(name)) problems.push(`\${${m[1]}}`);
          }
          walk(variables);
          continue;
        }
        walk(value);
      }
    };
    walk(template.Resources);
    walk(template.Outputs);
    walk(template.Conditions);
    for (const resource of Object.values(template.Resources))
      if (resource.Condition && !conditions.has(resource.Condition))
        problems.push(`condition ${resource.Condition}`);
    expect(problems).toEqual([]);
  });

  it('the Outputs name the two roles the workflows take', () => {
    const stack = evaluate(template, { parameters: { GitHubRepository: 'octo-org/flask-api' } });
    expect(stack.outputs).toMatchObject({
      PublishRoleArn: 'arn:aws:iam::123456789012:role/lambda-layer-github-publish',
      DeployRoleArn: 'arn:aws:iam::123456789012:role/lambda-layer-github-deploy',
    });
  });
});

const cfnLint = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8', timeout: 30_000 });
describe.skipIf(cfnLint.status !== 0)('cfn-lint (current registry schemas and IAM action names)', () => {
  it('finds nothing in aws/github-roles.yml, and does find a misspelt action', () => {
    const run = (file: string) =>
      spawnSync('cfn-lint', ['--format', 'parseable', file], { encoding: 'utf8', timeout: 120_000 });
    const clean = run(TEMPLATE_PATH);
    expect(clean.stdout + clean.stderr).toBe('');
    expect(clean.status).toBe(0);
    const broken = join(mkdtempSync(join(tmpdir(), 'cfn-lint-')), 'github-roles.yml');
    writeFileSync(
      broken,
      readFileSync(TEMPLATE_PATH, 'utf8').replace('lambda:ListLayerVersions', 'lambda:ListLayerVersionz'),
    );
    expect(run(broken).stdout).toMatch(/listlayerversionz/i);
  }, 180_000);
});

describe('the policy-drift check covers the template', async () => {
  const commands = await commandsInSource(`${ROOT}/`);
  const publishActions = requiredActions(commands.filter((c) => !isDeployCommand(c))).permission;
  const deployActions = requiredActions(commands.filter(isDeployCommand)).permission;
  const withBucket = { GitHubRepository: 'octo-org/flask-api', StagingBucket: 'my-layer-staging-*' };

  it('the publish role allows exactly the actions the code calls (with a staging bucket)', () => {
    expect(publishActions).toContain('lambda:PublishLayerVersion');
    expect(actionsOf(role(withBucket, 'PublishRole').statements)).toEqual(publishActions);
  });

  it('without a staging bucket the publish role has no S3 action at all', () => {
    const { statements } = role({ GitHubRepository: 'octo-org/flask-api' }, 'PublishRole');
    const withoutS3 = new Set([...publishActions].filter((a) => !a.startsWith('s3:')));
    expect(actionsOf(statements)).toEqual(withoutS3);
  });

  it("the publish role acts on the layer's versions only, named after the service by default", () => {
    const { statements } = role(withBucket, 'PublishRole');
    const layer = 'arn:aws:lambda:eu-west-1:123456789012:layer:flask-api-deps';
    expect(allows(statements, 'lambda:PublishLayerVersion', layer)).toBe(true);
    expect(allows(statements, 'lambda:PublishLayerVersion', `${layer}-arm64`)).toBe(true);
    expect(allows(statements, 'lambda:GetLayerVersion', `${layer}:3`)).toBe(true);
    expect(
      allows(statements, 'lambda:PublishLayerVersion', 'arn:aws:lambda:eu-west-1:123456789012:layer:other'),
    ).toBe(false);
    expect(allows(statements, 'lambda:DeleteLayerVersion', `${layer}-other:3`)).toBe(false);
    expect(
      allows(
        statements,
        's3:PutObject',
        'arn:aws:s3:::my-layer-staging-eu-west-1/lambda-layer-staging/x.zip',
      ),
    ).toBe(true);
    expect(allows(statements, 's3:PutObject', 'arn:aws:s3:::my-layer-staging-eu-west-1/other/x.zip')).toBe(
      false,
    );
    const named = role({ ...withBucket, LayerName: 'shared-deps' }, 'PublishRole').statements;
    expect(
      allows(named, 'lambda:PublishLayerVersion', 'arn:aws:lambda:us-east-1:123456789012:layer:shared-deps'),
    ).toBe(true);
    expect(allows(named, 'lambda:PublishLayerVersion', layer)).toBe(false);
  });

  it('the deploy role allows what the deploy stage sends after serverless deploy, on the service only', () => {
    expect(deployActions).toEqual(new Set(['lambda:InvokeFunction']));
    const { statements } = role({ GitHubRepository: 'octo-org/flask-api' }, 'DeployRole');
    for (const action of deployActions) {
      expect(
        allows(statements, action, 'arn:aws:lambda:us-east-1:123456789012:function:flask-api-prod-api'),
      ).toBe(true);
      expect(
        allows(statements, action, 'arn:aws:lambda:us-east-1:123456789012:function:flask-api-dev-api'),
      ).toBe(false);
      expect(
        allows(statements, action, 'arn:aws:lambda:us-east-1:123456789012:function:billing-prod-api'),
      ).toBe(false);
    }
    // Publishing is the publish role's job.
    expect(actionsOf(statements)).not.toContain('lambda:PublishLayerVersion');
  });

  it.each([
    [{}, ['repo:octo-org/flask-api:ref:refs/heads/main'], 'repo:octo-org/flask-api:ref:refs/heads/main'],
    [
      { Branch: 'release' },
      ['repo:octo-org/flask-api:ref:refs/heads/release'],
      'repo:octo-org/flask-api:ref:refs/heads/release',
    ],
    [
      { Environment: 'production' },
      ['repo:octo-org/flask-api:ref:refs/heads/main', 'repo:octo-org/flask-api:environment:production'],
      'repo:octo-org/flask-api:environment:production',
    ],
  ])('with %j the roles trust only this repository (aud pinned)', (extra, publishSubs, deploySub) => {
    const parameters = { GitHubRepository: 'octo-org/flask-api', ...extra };
    for (const [logicalId, subs] of [
      ['PublishRole', publishSubs],
      ['DeployRole', [deploySub]],
    ] as const) {
      const { trust } = role(parameters, logicalId);
      expect(trust).toHaveLength(1);
      const [statement] = trust;
      expect(statement?.Action).toBe('sts:AssumeRoleWithWebIdentity');
      expect(statement?.Principal?.Federated).toBe(
        'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com',
      );
      // Only StringEquals: no wildcard can widen the subject.
      expect(Object.keys(statement?.Condition ?? {})).toEqual(['StringEquals']);
      expect(statement?.Condition?.StringEquals?.['token.actions.githubusercontent.com:aud']).toBe(
        'sts.amazonaws.com',
      );
      expect(list(statement?.Condition?.StringEquals?.['token.actions.githubusercontent.com:sub'])).toEqual(
        subs,
      );
    }
  });

  it('CreateOidcProvider=false creates no provider and trusts the existing one by its ARN', () => {
    const created = evaluate(template, { parameters: { GitHubRepository: 'o/r' } });
    expect(created.resources.GitHubOidcProvider?.Properties).toEqual({
      Url: 'https://token.actions.githubusercontent.com',
      ClientIdList: ['sts.amazonaws.com'],
    });
    const existing = evaluate(template, {
      parameters: { GitHubRepository: 'o/r', CreateOidcProvider: 'false' },
    });
    expect(existing.resources.GitHubOidcProvider).toBeUndefined();
    expect(existing.outputs.OidcProviderArn).toBe(created.outputs.OidcProviderArn);
    const trust = role({ GitHubRepository: 'o/r', CreateOidcProvider: 'false' }, 'DeployRole').properties
      .AssumeRolePolicyDocument;
    expect(trust.Statement[0]?.Principal?.Federated).toBe(
      'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com',
    );
  });

  it('refuses a wildcard branch and a repository that is not OWNER/REPO', () => {
    expect(() => evaluate(template, { parameters: { GitHubRepository: 'octo-org/*' } })).toThrow(
      /GitHubRepository/,
    );
    expect(() => evaluate(template, { parameters: { GitHubRepository: 'octo-org' } })).toThrow(
      /GitHubRepository/,
    );
    expect(() => evaluate(template, { parameters: { GitHubRepository: 'o/r', Branch: '*' } })).toThrow(
      /Branch/,
    );
  });
});

describe('the deploy role covers serverless deploy of examples/flask-api', () => {
  let work: string;
  let compiled: { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'github-roles-'));
    const service = await copyExample(work);
    const serverless = await serviceServerless(service);
    const result = await runProcess(
      serverless?.path ?? 'serverless',
      [
        'package',
        '--stage',
        'prod',
        '--region',
        'eu-west-1',
        '--param',
        'layerArn=arn:aws:lambda:eu-west-1:123456789012:layer:flask-api-deps:4',
      ],
      {
        cwd: service,
        env: serverlessTestEnv(join(work, 'home'), true),
        environment: 'user',
        timeoutMs: 150_000,
      },
    );
    expect(result.code, result.output).toBe(0);
    compiled = JSON.parse(
      readFileSync(join(service, '.serverless', 'cloudformation-template-update-stack.json'), 'utf8'),
    );
  }, 180_000);
  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  /** The IAM action prefix each resource type of the compiled stack is created through. */
  const SERVICE_OF_TYPE: Record<string, string> = {
    'AWS::S3::Bucket': 's3',
    'AWS::S3::BucketPolicy': 's3',
    'AWS::Logs::LogGroup': 'logs',
    'AWS::IAM::Role': 'iam',
    'AWS::Lambda::Function': 'lambda',
    'AWS::Lambda::Version': 'lambda',
    'AWS::Lambda::Permission': 'lambda',
    'AWS::ApiGatewayV2::Api': 'apigateway',
    'AWS::ApiGatewayV2::Stage': 'apigateway',
    'AWS::ApiGatewayV2::Integration': 'apigateway',
    'AWS::ApiGatewayV2::Route': 'apigateway',
  };

  it("every resource of the compiled stack is created through a service the role may call, on the service's names", () => {
    const { statements } = role(
      { GitHubRepository: 'octo-org/flask-api', ServiceName: 'flask-api', Stage: 'prod' },
      'DeployRole',
      'eu-west-1',
    );
    const services = new Set([...actionsOf(statements)].map((a) => a.split(':')[0]));
    const types = [...new Set(Object.values(compiled.Resources).map((r) => r.Type))];
    expect(
      types.filter((t) => !SERVICE_OF_TYPE[t]),
      'resource types this test does not know',
    ).toEqual([]);
    for (const type of types) expect(services, type).toContain(SERVICE_OF_TYPE[type]);

    const account = '123456789012';
    const expectAllowed = (action: string, arn: string) =>
      expect(allows(statements, action, arn), `${action} ${arn}`).toBe(true);
    expectAllowed(
      'cloudformation:CreateChangeSet',
      `arn:aws:cloudformation:eu-west-1:${account}:stack/flask-api-prod/abc-123`,
    );
    expectAllowed(
      'cloudformation:ExecuteChangeSet',
      `arn:aws:cloudformation:eu-west-1:${account}:stack/flask-api-prod/abc-123`,
    );
    expectAllowed('cloudformation:ValidateTemplate', '*');
    // CloudFormation names the bucket STACK-LOGICALID-RANDOM, in lower case.
    expectAllowed('s3:CreateBucket', 'arn:aws:s3:::flask-api-prod-serverlessdeploymentbucket-1x2y3z');
    expectAllowed(
      's3:PutObject',
      'arn:aws:s3:::flask-api-prod-serverlessdeploymentbucket-1x2y3z/serverless/flask-api/prod/1/flask-api.zip',
    );
    for (const resource of Object.values(compiled.Resources)) {
      const p = resource.Properties;
      if (resource.Type === 'AWS::IAM::Role') {
        const arn = `arn:aws:iam::${account}:role/${evaluateJoin(p.RoleName, 'eu-west-1')}`;
        expectAllowed('iam:CreateRole', arn);
        expectAllowed('iam:PutRolePolicy', arn);
        expectAllowed('iam:PassRole', arn);
      }
      if (resource.Type === 'AWS::Lambda::Function') {
        const arn = `arn:aws:lambda:eu-west-1:${account}:function:${String(p.FunctionName)}`;
        for (const action of [
          'lambda:CreateFunction',
          'lambda:UpdateFunctionCode',
          'lambda:InvokeFunction',
          'lambda:PublishVersion',
        ])
          expectAllowed(action, arn);
        for (const layer of list(p.Layers as string[])) expectAllowed('lambda:GetLayerVersion', layer);
      }
      if (resource.Type === 'AWS::Logs::LogGroup')
        expectAllowed(
          'logs:CreateLogGroup',
          `arn:aws:logs:eu-west-1:${account}:log-group:${String(p.LogGroupName)}`,
        );
      if (resource.Type === 'AWS::ApiGatewayV2::Api') {
        expectAllowed('apigateway:POST', 'arn:aws:apigateway:eu-west-1::/apis');
        expectAllowed('apigateway:PATCH', 'arn:aws:apigateway:eu-west-1::/apis/a1b2c3');
      }
    }
  });
});

/** serverless writes the role name as Fn::Join of literals and AWS::Region. */
function evaluateJoin(node: unknown, region: string): string {
  if (typeof node === 'string') return node;
  const join = (node as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (!join) throw new Error(`unexpected role name ${JSON.stringify(node)}`);
  return join[1]
    .map((part) =>
      typeof part === 'string' ? part : (part as { Ref?: string }).Ref === 'AWS::Region' ? region : '?',
    )
    .join(join[0]);
}
