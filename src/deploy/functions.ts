/**
 * Which functions a deploy created, and what triggers each, from the state Serverless writes
 * while packaging (`.serverless/serverless-state.json`, the file `serverless deploy --package`
 * reads back). It holds every function after variable resolution: its key, its deployed name
 * (`service-stage-key` unless `name:` overrides it), handler, timeout and events. `serverless info`
 * prints only names, and the CloudFormation template would need every event type's resources
 * mapped back to their function.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { UserError } from '../errors.js';

/** A trigger with a sample event; anything else needs an event file from the user. */
export type KnownTrigger = 'http' | 'schedule' | 's3';

export interface S3TriggerDetail {
  readonly bucket?: string;
  readonly prefix?: string;
  readonly suffix?: string;
}

export interface DeployedFunction {
  /** The key under `functions:` in serverless.yml. */
  readonly key: string;
  /** The Lambda function name. */
  readonly name: string;
  readonly handler?: string;
  /** Seconds (Serverless's default is 6). */
  readonly timeoutSeconds: number;
  /** The first event with a sample event; undefined when none has one. */
  readonly trigger?: KnownTrigger;
  /** The event types as serverless.yml names them (httpApi, schedule, sqs, ...). */
  readonly eventTypes: readonly string[];
  readonly s3?: S3TriggerDetail;
}

const SERVERLESS_DEFAULT_TIMEOUT = 6;

/** httpApi and http (REST) events both reach the function as HTTP requests. */
function triggerOf(type: string, config: unknown): KnownTrigger | undefined {
  if (type === 'httpApi' || type === 'http') return 'http';
  if (type === 'schedule') return 'schedule';
  if (type === 'eventBridge' && typeof config === 'object' && config && 'schedule' in config)
    return 'schedule';
  if (type === 's3') return 's3';
  return undefined;
}

function s3Detail(config: unknown): S3TriggerDetail {
  if (typeof config === 'string') return { bucket: config };
  const c = (config ?? {}) as { bucket?: unknown; rules?: { prefix?: unknown; suffix?: unknown }[] };
  const rule = (name: 'prefix' | 'suffix') => {
    const value = (c.rules ?? []).find((r) => typeof r?.[name] === 'string')?.[name];
    return typeof value === 'string' ? value : undefined;
  };
  // A bucket given as a CloudFormation reference ({Ref: ...}) has no name to put in the event.
  return {
    bucket: typeof c.bucket === 'string' ? c.bucket : undefined,
    prefix: rule('prefix'),
    suffix: rule('suffix'),
  };
}

interface StateFunction {
  name?: unknown;
  handler?: unknown;
  image?: unknown;
  timeout?: unknown;
  events?: unknown;
}

/** The functions of a parsed serverless-state.json, in serverless.yml order. */
export function functionsOfState(state: unknown): DeployedFunction[] {
  const functions = (state as { service?: { functions?: Record<string, StateFunction> } })?.service
    ?.functions;
  if (!functions || typeof functions !== 'object') return [];
  return Object.entries(functions).map(([key, fn]) => {
    const events = Array.isArray(fn.events) ? (fn.events as Record<string, unknown>[]) : [];
    const eventTypes: string[] = [];
    let trigger: KnownTrigger | undefined;
    let s3: S3TriggerDetail | undefined;
    for (const event of events) {
      const [type, config] = Object.entries(event ?? {}).find(([k]) => k !== 'resolvedMethod') ?? [];
      if (!type) continue;
      eventTypes.push(type);
      const known = triggerOf(type, config);
      if (known && !trigger) {
        trigger = known;
        if (known === 's3') s3 = s3Detail(config);
      }
    }
    return {
      key,
      name: typeof fn.name === 'string' ? fn.name : key,
      handler: typeof fn.handler === 'string' ? fn.handler : undefined,
      timeoutSeconds: typeof fn.timeout === 'number' ? fn.timeout : SERVERLESS_DEFAULT_TIMEOUT,
      trigger,
      eventTypes,
      ...(s3 ? { s3 } : {}),
    };
  });
}

/** `--package DIR` / `-p DIR` among the deploy arguments: the deploy used that packaged state. */
export function packageDirOf(servicePath: string, deployArgs: readonly string[]): string {
  for (let i = 0; i < deployArgs.length; i++) {
    const arg = deployArgs[i] ?? '';
    if ((arg === '--package' || arg === '-p') && deployArgs[i + 1])
      return resolve(servicePath, deployArgs[i + 1] as string);
    if (arg.startsWith('--package=')) return resolve(servicePath, arg.slice('--package='.length));
  }
  return join(servicePath, '.serverless');
}

/** Reads the deployed functions from `packageDir`/serverless-state.json. */
export async function readDeployedFunctions(packageDir: string): Promise<DeployedFunction[]> {
  const file = join(packageDir, 'serverless-state.json');
  if (!existsSync(file)) {
    throw new UserError(`cannot tell which functions were deployed: ${file} does not exist`, {
      hint: 'serverless deploy writes it while packaging; with --package DIR in deploy-args it is read from DIR',
    });
  }
  let state: unknown;
  try {
    state = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new UserError(`cannot read ${file}: ${(error as Error).message}`);
  }
  const functions = functionsOfState(state);
  if (functions.length === 0) throw new UserError(`${file} lists no functions`);
  return functions;
}
