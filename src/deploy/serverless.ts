/**
 * Deploy stage: `serverless deploy --stage S --region R --param layerArn=ARN` in the service
 * directory, then the service's HTTP endpoint. The service's serverless.yml attaches the layer
 * with `layers: ['${param:layerArn}']`; LAYER_ARN is also in the child's environment for
 * `${env:LAYER_ARN}`. Credentials are only ever in the child's environment.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { validateRegion } from '../aws/validation.js';
import { InputError, UserError } from '../errors.js';
import type { Logger } from '../log.js';
import { type RunResult, runProcess } from '../process.js';
import { checkDeployArgs, splitArgs } from './args.js';
import {
  chooseEndpoint,
  parseEndpoints,
  parseStackOutputs,
  serverlessErrorText,
} from './serverless-output.js';
import { locateServerless, type ServerlessBinary } from './serverless-package.js';

export interface DeployOptions {
  readonly servicePath: string;
  readonly stage: string;
  readonly region: string;
  /** The published layer version, e.g. arn:aws:lambda:us-east-1:123456789012:layer:deps:7. */
  readonly layerArn: string;
  /** "serverless@3" (default), "osls", or a version; see resolveServerlessPackage. */
  readonly serverlessPackage?: string;
  /** Extra `serverless deploy` arguments: an argv array, or one string split shell-like. */
  readonly deployArgs?: readonly string[] | string;
  /**
   * The serverless child's environment, credentials included (e.g. childProcessEnv(process.env,
   * creds) from src/aws/credentials.ts). Default: process.env. npm never sees it.
   */
  readonly env?: NodeJS.ProcessEnv;
  /** Bound for `serverless deploy` (default 30 min). */
  readonly timeoutMs?: number;
  /** Bound for installing the Serverless package from npm (default 5 min). */
  readonly installTimeoutMs?: number;
  /** Where a Serverless package is installed when the service brings none (default: tool cache). */
  readonly toolDir?: string;
}

export interface DeployResult {
  /** The service's HTTP API base URL, when it has one. */
  readonly endpoint?: string;
  /** Everything `serverless deploy` printed (colour codes included as printed). */
  readonly output: string;
  readonly serverless: {
    readonly packageName: string;
    readonly version: string;
    readonly source: ServerlessBinary['source'];
  };
  readonly durationMs: number;
}

export const DEFAULT_DEPLOY_TIMEOUT_MS = 30 * 60_000;
const DEFAULT_INSTALL_TIMEOUT_MS = 5 * 60_000;
const INFO_TIMEOUT_MS = 3 * 60_000;

const LAYER_ARN = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:layer:[A-Za-z0-9_-]+:\d+$/;
const SERVICE_FILES = [
  'serverless.yml',
  'serverless.yaml',
  'serverless.ts',
  'serverless.js',
  'serverless.json',
];

/**
 * Variables that keep Serverless v3 quiet and non-interactive in CI: no telemetry, no update
 * notices, no auto-update, no interactive onboarding.
 */
export function serverlessChildEnv(base: NodeJS.ProcessEnv, layerArn: string): NodeJS.ProcessEnv {
  return {
    ...base,
    LAYER_ARN: layerArn,
    SLS_TELEMETRY_DISABLED: '1',
    SLS_TRACKING_DISABLED: '1',
    SLS_NOTIFICATIONS_MODE: 'off',
    SLS_DISABLE_AUTO_UPDATE: '1',
    SLS_INTERACTIVE_SETUP_DISABLE: '1',
    CI: base.CI ?? 'true',
  };
}

function checkOptions(options: DeployOptions): { serviceFile: string } {
  if (!LAYER_ARN.test(options.layerArn)) {
    throw new InputError('layer-arn', `"${options.layerArn}" is not a Lambda layer version ARN`, {
      hint: 'expected arn:aws:lambda:<region>:<account>:layer:<name>:<version>',
    });
  }
  if (!options.stage.trim()) throw new InputError('stage', 'is empty');
  validateRegion(options.region);
  const layerRegion = options.layerArn.split(':')[3];
  if (layerRegion !== options.region) {
    throw new InputError(
      'layer-arn',
      `${options.layerArn} is in ${layerRegion}, but the deploy goes to ${options.region}`,
      {
        hint: 'a function can only use layer versions of its own region: publish the layer to that region too',
      },
    );
  }
  const serviceFile = SERVICE_FILES.find((name) => existsSync(join(options.servicePath, name)));
  if (!serviceFile) {
    throw new InputError('service-path', `${options.servicePath} has no ${SERVICE_FILES.join(' / ')}`, {
      hint: (n) => `point ${n.name('service-path')} at the directory of your serverless.yml`,
    });
  }
  return { serviceFile };
}

/** Warns when the service file never reads the layer ARN: the deploy would not attach the new layer. */
async function warnIfLayerUnused(servicePath: string, serviceFile: string, log: Logger): Promise<void> {
  const text = await readFile(join(servicePath, serviceFile), 'utf8').catch(() => '');
  if (!/param:layerArn|LAYER_ARN/.test(text)) {
    log.warn(
      `${serviceFile} does not mention \${param:layerArn} or LAYER_ARN: the new layer will not be attached. ` +
        `Add \`layers: ['\${param:layerArn}']\` to the function.`,
      { file: join(servicePath, serviceFile) },
    );
  }
}

/**
 * Plugins (serverless-wsgi, ...) load from the service's node_modules. A fresh checkout has
 * none: with a lockfile, install exactly what it pins (`npm ci`); without one, say so rather
 * than write a lockfile into the user's repository.
 */
export async function ensureServiceModules(
  servicePath: string,
  timeoutMs: number,
  log: Logger,
): Promise<void> {
  if (!existsSync(join(servicePath, 'package.json')) || existsSync(join(servicePath, 'node_modules'))) return;
  const lockfile = ['package-lock.json', 'npm-shrinkwrap.json'].find((f) => existsSync(join(servicePath, f)));
  if (!lockfile) {
    log.warn(
      `${servicePath} has a package.json but no node_modules and no lockfile: Serverless loads plugins from there. ` +
        `Run \`npm install\` in it before deploying (npm install --prefix ${servicePath}).`,
    );
    return;
  }
  log.info(`Installing the service's npm packages from its ${lockfile}: npm ci`);
  // npm gets the job's environment (the service's .npmrc may name `${NPM_TOKEN}`), never the
  // deploy credentials.
  const result = await runProcess('npm', ['ci', '--no-audit', '--no-fund'], {
    cwd: servicePath,
    environment: 'user',
    timeoutMs,
    onLine: (line) => log.info(`  ${line}`),
  });
  if (result.timedOut || result.code !== 0) {
    throw new UserError(
      `npm ci in ${servicePath} ${result.timedOut ? `did not finish within ${timeoutMs / 1000} s` : `failed (exit code ${result.code})`}:\n${serverlessErrorText(result.output, 10)}`,
      {
        hint: `run npm ci in ${servicePath} yourself to see the whole error, or commit a lockfile that installs`,
      },
    );
  }
}

function layerNote(layerArn: string): string {
  return `The layer version ${layerArn} stays published: a re-run reuses it (same CodeSha256) instead of publishing another.`;
}

function failure(command: string, result: RunResult, options: DeployOptions, timeoutMs: number): UserError {
  const why = result.timedOut
    ? `did not finish within ${timeoutMs / 1000} s and was stopped`
    : `failed (exit code ${result.code ?? result.signal})`;
  return new UserError(
    `${command} ${why} for stage ${options.stage} in ${options.region}:\n${serverlessErrorText(result.output)}\n${layerNote(options.layerArn)}`,
    { hint: 'fix the Serverless error above and re-run; the layer is not rebuilt or republished' },
  );
}

/** `serverless info --verbose`: its stack outputs name the API URL even when deploy's summary did not. */
async function stackOutputsFromInfo(
  bin: string,
  common: readonly string[],
  options: DeployOptions,
  env: NodeJS.ProcessEnv,
  log: Logger,
): Promise<Record<string, string>> {
  try {
    const info = await runProcess(bin, ['info', '--verbose', ...common], {
      cwd: options.servicePath,
      env,
      environment: 'user', // serverless.yml may read any variable (`${env:NAME}`)
      timeoutMs: INFO_TIMEOUT_MS,
      onLine: (line) => log.debug(`serverless info: ${line}`),
    });
    if (info.code === 0) return parseStackOutputs(info.output);
    log.warn(
      `serverless info failed; the endpoint comes from the deploy summary:\n${serverlessErrorText(info.output, 5)}`,
    );
  } catch (error) {
    log.warn(`serverless info could not run: ${(error as Error).message}`);
  }
  return {};
}

/** Deploys the service with the layer ARN and returns its HTTP endpoint. Throws UserError on failure. */
export async function deployService(options: DeployOptions, log: Logger): Promise<DeployResult> {
  const servicePath = resolve(options.servicePath);
  const { serviceFile } = checkOptions({ ...options, servicePath });
  const extra =
    typeof options.deployArgs === 'string' ? splitArgs(options.deployArgs) : [...(options.deployArgs ?? [])];
  checkDeployArgs(extra);
  await warnIfLayerUnused(servicePath, serviceFile, log);
  await ensureServiceModules(servicePath, options.installTimeoutMs ?? DEFAULT_INSTALL_TIMEOUT_MS, log);

  const binary = await locateServerless({
    servicePath,
    serverlessPackage: options.serverlessPackage,
    toolDir: options.toolDir,
    installTimeoutMs: options.installTimeoutMs ?? DEFAULT_INSTALL_TIMEOUT_MS,
    log,
  });
  const env = serverlessChildEnv(options.env ?? process.env, options.layerArn);
  const common = [
    '--stage',
    options.stage,
    '--region',
    options.region,
    '--param',
    `layerArn=${options.layerArn}`,
  ];
  const timeoutMs = options.timeoutMs ?? DEFAULT_DEPLOY_TIMEOUT_MS;

  const title = `serverless deploy (stage ${options.stage}, ${options.region}, layer ${options.layerArn})`;
  const result = await log.group(title, async () => {
    try {
      return await runProcess(binary.path, ['deploy', ...common, ...extra], {
        cwd: servicePath,
        env,
        environment: 'user', // serverless.yml may read any variable (`${env:NAME}`)
        timeoutMs,
        onLine: (line) => log.info(line),
      });
    } catch (error) {
      throw new UserError(
        `cannot run ${binary.path}: ${(error as Error).message}\n${layerNote(options.layerArn)}`,
        {
          cause: error,
        },
      );
    }
  });
  if (result.timedOut || result.code !== 0) throw failure('serverless deploy', result, options, timeoutMs);

  let outputs = parseStackOutputs(result.output);
  if (!outputs.HttpApiUrl && !outputs.ServiceEndpoint) {
    outputs = await stackOutputsFromInfo(binary.path, common, { ...options, servicePath }, env, log);
  }
  const endpoint = chooseEndpoint(outputs, parseEndpoints(result.output));
  log.info(endpoint ? `Endpoint: ${endpoint}` : 'The service has no HTTP endpoint.');
  return {
    endpoint,
    output: result.output,
    serverless: { packageName: binary.packageName, version: binary.version, source: binary.source },
    durationMs: result.durationMs,
  };
}
