/** Action inputs -> LayerJobConfig, with defaults from action.yml, and errors naming the input. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadActionConfig } from '../../src/action/config.js';

const action = parse(readFileSync(join(import.meta.dirname, '..', '..', 'action.yml'), 'utf8')) as {
  inputs: Record<string, { default?: string }>;
};

/** Inputs as the runner passes them: action.yml defaults, overridden by the workflow's `with:`. */
function inputs(overrides: Record<string, string> = {}) {
  const values: Record<string, string> = {};
  for (const [name, spec] of Object.entries(action.inputs)) values[name] = spec.default ?? '';
  Object.assign(values, overrides);
  return (name: string): string => {
    if (!(name in values))
      throw new Error(`the code read input "${name}", which action.yml does not declare`);
    return values[name] as string;
  };
}

const env = { GITHUB_WORKSPACE: '/ws', RUNNER_TEMP: '/runner/tmp' };
const publishing = { 'layer-name': 'deps', 'aws-region': 'us-east-1' };

describe('loadActionConfig', () => {
  it('deploys with deploy-role-to-assume, else with role-to-assume (one role for both stages)', () => {
    const publishRole = 'arn:aws:iam::123456789012:role/lambda-layer-github-publish';
    const deployRole = 'arn:aws:iam::123456789012:role/lambda-layer-github-deploy';
    const both = loadActionConfig(
      inputs({
        ...publishing,
        deploy: 'true',
        'role-to-assume': publishRole,
        'deploy-role-to-assume': deployRole,
      }),
      env,
    );
    expect(both.credentials.roleToAssume).toBe(publishRole);
    expect(both.deploy?.roleToAssume).toBe(deployRole);
    const one = loadActionConfig(
      inputs({ ...publishing, deploy: 'true', 'role-to-assume': publishRole }),
      env,
    );
    expect(one.deploy?.roleToAssume).toBe(publishRole);
    const ambient = loadActionConfig(inputs({ ...publishing, deploy: 'true' }), env);
    expect(ambient.deploy?.roleToAssume).toBeUndefined();
  });

  it('turns the defaults into a python3.11 x86_64 build with bytecode, cache and the pure sdist policy', () => {
    const config = loadActionConfig(inputs(publishing), env);
    expect(config.build.target.runtime).toBe('python3.11');
    expect(config.build.target.architecture).toBe('x86_64');
    expect(config.build.requirementsFile).toBe('/ws');
    expect(config.build.outDir).toBe('/runner/tmp/lambda-layer/python3.11-x86_64');
    expect(config.build.bytecode).toBe(true);
    expect(config.build.slim).toBeUndefined();
    expect(config.build.sdist).toBe('pure');
    expect(config.build.importProof).toBe(true);
    expect(config.build.importProofPython).toBeUndefined();
    expect(config.cache).toEqual({ enabled: true, forceRebuild: false });
    expect(config.publish).toMatchObject({ layerName: 'deps', regions: ['us-east-1'] });
    expect(config.deploy).toBeUndefined();
  });

  it('reads lists, slim patterns, find-links relative to the workspace, and several regions', () => {
    const config = loadActionConfig(
      inputs({
        ...publishing,
        'aws-region': 'us-east-1,\neu-west-1',
        'extra-index-urls': 'https://a.example/simple, https://b.example/simple',
        'find-links': 'wheels\nhttps://c.example/wheels/',
        slim: 'true',
        'slim-exclude': '**/*.md',
        'slim-keep': 'botocore/data/**',
        'grant-account-ids': '111122223333',
        'keep-versions': '5',
      }),
      env,
    );
    expect(config.publish?.regions).toEqual(['us-east-1', 'eu-west-1']);
    expect(config.build.extraIndexUrls).toEqual(['https://a.example/simple', 'https://b.example/simple']);
    expect(config.build.findLinks).toEqual(['/ws/wheels', 'https://c.example/wheels/']);
    expect(config.build.slim).toEqual({ exclude: ['**/*.md'], keep: ['botocore/data/**'] });
    expect(config.publish?.grant).toEqual({ accountIds: ['111122223333'], organizationId: undefined });
    expect(config.publish?.keep).toBe(5);
  });

  it('looks for the input in the service path unless one is named; reads extras and groups', () => {
    const found = loadActionConfig(inputs({ ...publishing, 'service-path': 'services/api' }), env);
    expect(found.build.requirementsFile).toBe('/ws/services/api');
    expect(found.build.inputFallbackDir).toBe('/ws');
    expect(found.build.extras).toEqual([]);
    expect(found.build.groups).toEqual([]);
    const named = loadActionConfig(
      inputs({
        ...publishing,
        requirements: 'services/api/uv.lock',
        extras: 'postgres, s3',
        groups: 'lambda\nobservability',
      }),
      env,
    );
    expect(named.build.requirementsFile).toBe('/ws/services/api/uv.lock');
    expect(named.build.extras).toEqual(['postgres', 's3']);
    expect(named.build.groups).toEqual(['lambda', 'observability']);
  });

  it('reads the import proof switch and its interpreter and sysroot, relative to the workspace', () => {
    const off = loadActionConfig(inputs({ ...publishing, 'import-proof': 'false' }), env);
    expect(off.build.importProof).toBe(false);
    const emulated = loadActionConfig(
      inputs({
        ...publishing,
        'import-proof-python': '/sysroot/usr/bin/python3.11',
        'import-proof-sysroot': 'arm64-root',
      }),
      env,
    );
    expect(emulated.build.importProofPython).toBe('/sysroot/usr/bin/python3.11');
    expect(emulated.build.importProofSysroot).toBe('/ws/arm64-root');
    expect(() => loadActionConfig(inputs({ ...publishing, 'import-proof': 'maybe' }), env)).toThrow(
      /Input "import-proof": expected true or false/,
    );
  });

  it('falls back to the job region', () => {
    const config = loadActionConfig(inputs({ 'layer-name': 'deps' }), { ...env, AWS_REGION: 'eu-central-1' });
    expect(config.publish?.regions).toEqual(['eu-central-1']);
  });

  it.each<[string, Record<string, string>, RegExp]>([
    ['layer-name missing', { 'aws-region': 'us-east-1' }, /Input "layer-name": is required/],
    ['region missing', { 'layer-name': 'deps' }, /Input "aws-region": is required/],
    ['bad layer name', { ...publishing, 'layer-name': 'has space' }, /Input "layer-name"/],
    ['bad region', { ...publishing, 'aws-region': 'moon-1' }, /Input "aws-region"/],
    ['bad boolean', { ...publishing, cache: 'yes' }, /Input "cache": expected true or false/],
    ['bad runtime', { ...publishing, runtime: 'python3.8' }, /Input "runtime"/],
    ['bad architecture', { ...publishing, architecture: 'sparc' }, /Input "architecture"/],
    ['bad sdist policy', { ...publishing, sdist: 'always' }, /Input "sdist"/],
    [
      'duration out of range',
      { ...publishing, 'role-duration-seconds': '60' },
      /Input "role-duration-seconds"/,
    ],
    [
      'deploy without publish',
      { publish: 'false', deploy: 'true' },
      /Input "deploy": deploy: true needs publish: true/,
    ],
    ['bad account id', { ...publishing, 'grant-account-ids': '12' }, /Input "grant-account-ids"/],
    [
      'smoke-test path',
      { ...publishing, deploy: 'true', 'smoke-test-path': 'health' },
      /Input "smoke-test-path"/,
    ],
    ['stage', { ...publishing, deploy: 'true', stage: 'prod stage' }, /Input "stage"/],
    [
      'deploy role that is not an ARN',
      { ...publishing, deploy: 'true', 'deploy-role-to-assume': 'lambda-layer-github-deploy' },
      /Input "deploy-role-to-assume": "lambda-layer-github-deploy" is not an IAM role ARN/,
    ],
    [
      'deploy-args with --stage',
      { ...publishing, deploy: 'true', 'deploy-args': '--stage other' },
      /Input "deploy-args"/,
    ],
    [
      'serverless v4',
      { ...publishing, deploy: 'true', 'serverless-version': '4.2.0' },
      /Input "serverless-version": "4\.2\.0" is not a 3\.x/,
    ],
    [
      'two versions',
      { ...publishing, deploy: 'true', 'serverless-package': 'osls@3.77.1', 'serverless-version': '3.60.0' },
      /Input "serverless-version": conflicts/,
    ],
    [
      'an invoke-events line without =',
      { ...publishing, deploy: 'true', invoke: 'true', 'invoke-events': 'nightly events/n.json' },
      /^Input "invoke-events": "nightly events\/n\.json" is not FUNCTION=FILE$/,
    ],
    [
      'invoke-functions while invoke is false',
      { ...publishing, deploy: 'true', 'invoke-functions': 'api' },
      /^Input "invoke-functions": is set but invoke is false$/,
    ],
    ['a non-boolean invoke', { ...publishing, deploy: 'true', invoke: 'all' }, /Input "invoke"/],
    [
      'unknown package',
      { ...publishing, deploy: 'true', 'serverless-package': 'sls-fork' },
      /Input "serverless-package"/,
    ],
  ])('rejects %s, naming the input', (_, overrides, message) => {
    expect(() => loadActionConfig(inputs(overrides), env)).toThrow(message);
  });

  it('configures the deploy: service path in the workspace, stage, package and arguments', () => {
    const config = loadActionConfig(
      inputs({
        ...publishing,
        deploy: 'true',
        'service-path': 'services/api',
        stage: 'prod',
        'serverless-package': 'osls',
        'serverless-version': '3.77.1',
        'deploy-args': '--conceal --param "team=core api"',
        'smoke-test-expect': 'Bienvenido',
      }),
      env,
    );
    expect(config.deploy).toEqual({
      servicePath: '/ws/services/api',
      stage: 'prod',
      serverlessPackage: 'osls@3.77.1',
      deployArgs: ['--conceal', '--param', 'team=core api'],
      smokeTestPath: '/',
      expectText: 'Bienvenido',
    });
  });

  it('configures the invoke check: off by default; functions and event files in the workspace', () => {
    expect(loadActionConfig(inputs({ ...publishing, deploy: 'true' }), env).deploy?.invoke).toBeUndefined();
    const config = loadActionConfig(
      inputs({
        ...publishing,
        deploy: 'true',
        invoke: 'true',
        'invoke-functions': 'api, nightly\nworker',
        'invoke-events': 'worker=events/sqs.json\nnightly = /abs/nightly.json',
      }),
      env,
    );
    expect(config.deploy?.invoke).toEqual({
      functions: ['api', 'nightly', 'worker'],
      events: { worker: '/ws/events/sqs.json', nightly: '/abs/nightly.json' },
    });
  });

  it('turns the cache off, forces a rebuild and skips publishing when asked', () => {
    const config = loadActionConfig(
      inputs({ cache: 'false', 'force-rebuild': 'true', publish: 'false' }),
      env,
    );
    expect(config.cache).toEqual({ enabled: false, forceRebuild: true });
    expect(config.publish).toBeUndefined();
  });
});
