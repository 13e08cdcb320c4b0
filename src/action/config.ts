/**
 * Action inputs -> one typed, validated LayerJobConfig. Reads through a `getInput` function so
 * the whole mapping is tested without a runner; every error names the input it is about.
 */
import { isAbsolute, join, resolve } from 'node:path';
import {
  validateAccountId,
  validateLayerName,
  validateLicenseInfo,
  validateOrganizationId,
  validateRegions,
  validateRoleArn,
} from '../aws/validation.js';
import { checkDeployArgs, splitArgs } from '../deploy/args.js';
import { resolveServerlessPackage } from '../deploy/serverless-package.js';
import { InputError } from '../errors.js';
import { parseBoolean, parseChoice, parseInteger, parseInvokeEvents, parseList } from '../inputs.js';
import type { LayerJobConfig } from '../pipeline/layer-job.js';
import type { SdistPolicy } from '../resolve/types.js';
import { parseDenyList } from '../sbom/license-policy.js';
import { resolveTarget } from '../target.js';

export type GetInput = (name: string) => string;

export interface ActionConfig extends LayerJobConfig {
  /** The interpreter input, when given (else found on the runner). */
  readonly python?: string;
}

export function loadActionConfig(getInput: GetInput, env: NodeJS.ProcessEnv): ActionConfig {
  const input = (name: string): string => getInput(name).trim();
  const workspace = env.GITHUB_WORKSPACE || process.cwd();
  const inWorkspace = (path: string): string => (isAbsolute(path) ? path : resolve(workspace, path));

  const target = resolveTarget(input('runtime') || undefined, input('architecture') || undefined);
  const publish = parseBoolean('publish', input('publish'), true);
  const deploy = parseBoolean('deploy', input('deploy'), false);
  if (deploy && !publish) {
    throw new InputError(
      'deploy',
      'deploy: true needs publish: true (the deploy uses the published layer version)',
    );
  }
  const slim = parseBoolean('slim', input('slim'), false);
  const python = input('python') || undefined;
  const outDir = input('output-dir')
    ? inWorkspace(input('output-dir'))
    : join(
        env.RUNNER_TEMP || join(workspace, '.lambda-layer'),
        'lambda-layer',
        `${target.runtime}-${target.architecture}`,
      );

  return {
    python,
    build: {
      // Without the input, the build picks the input file in the service path, else in the
      // workspace root (where requirements.txt was looked for before lock files were read).
      requirementsFile: inWorkspace(input('requirements') || input('service-path') || '.'),
      inputFallbackDir: workspace,
      extras: parseList(getInput('extras')),
      groups: parseList(getInput('groups')),
      projectDir: workspace,
      target,
      outDir,
      indexUrl: input('index-url') || undefined,
      extraIndexUrls: parseList(getInput('extra-index-urls')),
      findLinks: parseList(getInput('find-links')).map((link) =>
        /^[a-z][a-z0-9+.-]*:/i.test(link) ? link : inWorkspace(link),
      ),
      python,
      bytecode: parseBoolean('bytecode', input('bytecode'), true),
      bytecodePython: python,
      slim: slim
        ? { exclude: parseList(getInput('slim-exclude')), keep: parseList(getInput('slim-keep')) }
        : undefined,
      sdist: parseChoice<SdistPolicy>('sdist', input('sdist'), ['pure', 'never'], 'pure'),
      importProof: parseBoolean('import-proof', input('import-proof'), true),
      importProofPython: input('import-proof-python') ? inWorkspace(input('import-proof-python')) : undefined,
      importProofSysroot: input('import-proof-sysroot')
        ? inWorkspace(input('import-proof-sysroot'))
        : undefined,
      allowDeprecatedRuntime: parseBoolean(
        'allow-deprecated-runtime',
        input('allow-deprecated-runtime'),
        false,
      ),
      ...licensePolicy(getInput('deny-licenses')),
    },
    cache: {
      enabled: parseBoolean('cache', input('cache'), true),
      forceRebuild: parseBoolean('force-rebuild', input('force-rebuild'), false),
    },
    credentials: {
      roleToAssume: input('role-to-assume') || undefined,
      roleSessionName: input('role-session-name') || undefined,
      durationSeconds: parseInteger('role-duration-seconds', input('role-duration-seconds'), {
        min: 900,
        max: 43200,
      }),
      audience: input('audience') || undefined,
    },
    publish: publish ? publishConfig(input, getInput, env) : undefined,
    deploy: deploy
      ? {
          ...deployConfig(input, getInput, inWorkspace),
          // Default: the role-to-assume that publishes (one role with both policies).
          roleToAssume: input('deploy-role-to-assume')
            ? validateRoleArn(input('deploy-role-to-assume'), 'deploy-role-to-assume')
            : input('role-to-assume') || undefined,
        }
      : undefined,
  };
}

function licensePolicy(text: string): Pick<ActionConfig['build'], 'licensePolicy'> {
  const deny = parseDenyList(text, 'deny-licenses');
  return deny.length > 0 ? { licensePolicy: { deny, input: 'deny-licenses' } } : {};
}

function publishConfig(input: (name: string) => string, getInput: GetInput, env: NodeJS.ProcessEnv) {
  const layerName = input('layer-name');
  if (!layerName) {
    throw new InputError('layer-name', 'is required when publish is true', {
      hint: 'set layer-name (e.g. my-service-deps), or publish: false to only build',
    });
  }
  const regionInput = parseList(getInput('aws-region'));
  // Like aws-actions/configure-aws-credentials, fall back to the region the job already set.
  const regions =
    regionInput.length > 0 ? regionInput : parseList(env.AWS_REGION || env.AWS_DEFAULT_REGION || '');
  if (regions.length === 0) {
    throw new InputError('aws-region', 'is required when publish is true (or set AWS_REGION in the job)');
  }
  const accountIds = parseList(getInput('grant-account-ids')).map((id) =>
    validateAccountId(id, 'grant-account-ids'),
  );
  const organizationId = input('grant-organization-id')
    ? validateOrganizationId(input('grant-organization-id'), 'grant-organization-id')
    : undefined;
  return {
    layerName: validateLayerName(layerName, 'layer-name'),
    regions: validateRegions(regions, 'aws-region'),
    s3Bucket: input('s3-bucket') || undefined,
    licenseInfo: input('license-info')
      ? validateLicenseInfo(input('license-info'), 'license-info')
      : undefined,
    grant: accountIds.length > 0 || organizationId ? { accountIds, organizationId } : undefined,
    keep: parseInteger('keep-versions', input('keep-versions'), { min: 1, max: 10000 }),
  };
}

/** serverless-package names the CLI (serverless or osls), serverless-version its version. */
function serverlessPackageSpec(packageInput: string, version: string): string {
  const base = packageInput || 'serverless@3';
  if (!version) {
    resolveServerlessPackage(base, 'serverless-package');
    return base;
  }
  if (base.includes('@') && base !== 'serverless@3' && base !== 'osls@3') {
    throw new InputError(
      'serverless-version',
      `conflicts with the version already in serverless-package "${base}"`,
      {
        hint: 'give the version in one of the two inputs',
      },
    );
  }
  if (!/^[~^]?3(\.|$)/.test(version)) {
    throw new InputError('serverless-version', `"${version}" is not a 3.x version`, {
      hint: 'this action deploys Serverless Framework v3 services (serverless 3.x or osls 3.x)',
    });
  }
  const spec = `${base.replace(/@3$/, '')}@${version}`;
  resolveServerlessPackage(spec, 'serverless-version');
  return spec;
}

function invokeConfig(
  input: (name: string) => string,
  getInput: GetInput,
  inWorkspace: (path: string) => string,
) {
  const enabled = parseBoolean('invoke', input('invoke'), false);
  const functions = parseList(getInput('invoke-functions'));
  const events = parseInvokeEvents(getInput('invoke-events'), inWorkspace);
  if (!enabled) {
    const given =
      functions.length > 0 ? 'invoke-functions' : Object.keys(events).length > 0 ? 'invoke-events' : '';
    if (given)
      throw new InputError(given, 'is set but invoke is false', {
        hint: 'set invoke: true to invoke the functions after the deploy',
      });
    return undefined;
  }
  return { functions, events };
}

function deployConfig(
  input: (name: string) => string,
  getInput: GetInput,
  inWorkspace: (path: string) => string,
) {
  const stage = input('stage') || 'dev';
  if (!/^[a-zA-Z0-9-]+$/.test(stage)) {
    throw new InputError('stage', `"${stage}" is not a valid Serverless stage (letters, digits and hyphens)`);
  }
  const deployArgs = splitArgs(input('deploy-args'), 'deploy-args');
  checkDeployArgs(deployArgs, 'deploy-args');
  const serverlessPackage = serverlessPackageSpec(input('serverless-package'), input('serverless-version'));
  const smokeTestPath = input('smoke-test-path') || undefined;
  if (smokeTestPath && !smokeTestPath.startsWith('/')) {
    throw new InputError('smoke-test-path', `"${smokeTestPath}" must start with "/"`);
  }
  return {
    servicePath: inWorkspace(input('service-path') || '.'),
    stage,
    serverlessPackage,
    deployArgs,
    smokeTestPath,
    expectText: input('smoke-test-expect') || undefined,
    invoke: invokeConfig(input, getInput, inWorkspace),
  };
}
