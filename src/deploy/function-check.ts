/**
 * The post-deploy check: invoke each deployed function once through the Lambda API
 * (`RequestResponse`, `LogType: Tail`) with an event shaped like its trigger's, and report what
 * Lambda says: the function error (Runtime.ImportModuleError, Runtime.HandlerNotFound, a
 * timeout, an exception) with its log tail, or the REPORT line's duration and memory.
 *
 * Invoking runs the function for real: a scheduled job does its work, an S3 handler gets a
 * sample object key. That is why the check is opt-in and the functions can be chosen.
 */
import { readFile } from 'node:fs/promises';
import { InvokeCommand, type InvokeCommandOutput, type LambdaClient } from '@aws-sdk/client-lambda';
import { describeAwsError } from '../aws/aws-errors.js';
import { type AwsCredentials, createLambdaClient } from '../aws/clients.js';
import { InputError, UserError } from '../errors.js';
import { httpGetEvent, sampleEvent } from '../invoke/events.js';
import type { Logger } from '../log.js';
import type { DeployedFunction, KnownTrigger } from './functions.js';
import { decodeLogResult, type LambdaReport, parseReportLine } from './lambda-log.js';

export interface FunctionCheckOptions {
  /** Function keys or names to invoke; empty = every function with a known trigger or an event file. */
  readonly functions?: readonly string[];
  /** Function key or name -> event JSON file (absolute path), instead of the sample event. */
  readonly events?: Readonly<Record<string, string>>;
  /** Path of the HTTP sample event (the smoke-test path; default "/"). */
  readonly httpPath?: string;
  /** Input names for errors (the action's; the CLI uses the same words as flags). */
  readonly inputNames?: { readonly functions: string; readonly events: string };
}

export interface InvokeTarget {
  readonly region: string;
  /** Static credentials (an assumed role); undefined = the SDK's default chain. */
  readonly credentials?: AwsCredentials;
}

export interface FunctionCheck {
  readonly key: string;
  readonly name: string;
  /** http / schedule / s3, or the first event type for a function invoked with an event file. */
  readonly trigger: string;
  /** Which event it got: "http-get /", "schedule", "s3-put", or the event file. */
  readonly event?: string;
  readonly result: 'ok' | 'failed' | 'skipped';
  /** Why it failed: Lambda's errorType/errorMessage, "HTTP 500" for an HTTP answer, or the API error. */
  readonly error?: { readonly type: string; readonly message: string };
  /** An HTTP function's statusCode. */
  readonly httpStatus?: number;
  /** The decoded X-Amz-Log-Result. */
  readonly logTail?: string;
  readonly report?: LambdaReport;
  /** Why a function was not invoked. */
  readonly skipped?: string;
}

/** Some functions failed when invoked; `checks` holds every function's row for the summary. */
export class FunctionCheckError extends UserError {
  readonly checks: readonly FunctionCheck[];
  constructor(checks: readonly FunctionCheck[]) {
    const failed = checks.filter((c) => c.result === 'failed');
    const invoked = checks.filter((c) => c.result !== 'skipped').length;
    super(
      `${failed.length} of ${invoked} function(s) failed when invoked after the deploy:\n` +
        failed
          .map((c) => `- ${c.key} (${c.name}, ${c.trigger}): ${c.error?.type}: ${c.error?.message}`)
          .join('\n'),
      { hint: checkHint(failed) },
    );
    this.name = 'FunctionCheckError';
    this.checks = checks;
  }
}

/** What to do about these failures. */
export function checkHint(failed: readonly FunctionCheck[]): string {
  // In the error (Runtime.ImportModuleError) or only in the log (a WSGI adapter answering 500).
  if (failed.some((c) => /No module named/.test(`${c.error?.message ?? ''}\n${c.logTail ?? ''}`))) {
    return 'a module is missing from the layer (or the function code): add it to requirements.txt, rebuild and deploy again';
  }
  if (failed.some((c) => c.error?.type === 'AccessDeniedException')) return ACCESS_HINT;
  return 'each function error above comes with its log tail; fix the function and deploy again';
}

const ACCESS_HINT =
  'allow lambda:InvokeFunction on the service functions for the deploy role (docs/iam.md), or set invoke: false';

interface Selected {
  readonly fn: DeployedFunction;
  readonly eventFile?: string;
}

/** Which functions to invoke, and the rows of those left out. Unknown names are input errors. */
export function selectFunctions(
  all: readonly DeployedFunction[],
  options: FunctionCheckOptions,
): { selected: Selected[]; skipped: FunctionCheck[] } {
  const names = options.inputNames ?? { functions: 'invoke-functions', events: 'invoke-events' };
  const find = (wanted: string) => all.find((fn) => fn.key === wanted || fn.name === wanted);
  const known = all.map((fn) => fn.key).join(', ');
  const eventFiles = new Map<string, string>();
  for (const [wanted, file] of Object.entries(options.events ?? {})) {
    const fn = find(wanted);
    if (!fn) throw new InputError(names.events, `"${wanted}" is not a function of the service (${known})`);
    eventFiles.set(fn.key, file);
  }
  const chosen = new Set<string>();
  for (const wanted of options.functions ?? []) {
    const fn = find(wanted);
    if (!fn) throw new InputError(names.functions, `"${wanted}" is not a function of the service (${known})`);
    if (!fn.trigger && !eventFiles.has(fn.key)) {
      throw new InputError(
        names.functions,
        `${fn.key} is triggered by ${fn.eventTypes.join(', ') || 'nothing'}, which has no sample event`,
        { hint: `give it an event file in ${names.events}: ${fn.key}=path/to/event.json` },
      );
    }
    chosen.add(fn.key);
  }
  const selected: Selected[] = [];
  const skipped: FunctionCheck[] = [];
  for (const fn of all) {
    const eventFile = eventFiles.get(fn.key);
    const trigger = fn.trigger ?? fn.eventTypes[0] ?? 'none';
    if (chosen.size > 0 && !chosen.has(fn.key)) {
      skipped.push({
        key: fn.key,
        name: fn.name,
        trigger,
        result: 'skipped',
        skipped: `not in ${names.functions}`,
      });
    } else if (!fn.trigger && !eventFile) {
      skipped.push({
        key: fn.key,
        name: fn.name,
        trigger,
        result: 'skipped',
        skipped: `no sample event for ${trigger}: add ${fn.key}=FILE to ${names.events}`,
      });
    } else {
      selected.push({ fn, eventFile });
    }
  }
  return { selected, skipped };
}

/** The sample event for a trigger, made to fit the function (the S3 bucket and key rules). */
export function sampleEventFor(fn: DeployedFunction, region: string, httpPath = '/'): unknown {
  const trigger = fn.trigger as KnownTrigger;
  if (trigger === 'http') return httpGetEvent(httpPath);
  if (trigger === 'schedule') return { ...(sampleEvent('schedule') as object), region };
  const event = sampleEvent('s3-put') as {
    Records: { awsRegion: string; s3: { bucket: { name: string; arn: string }; object: { key: string } } }[];
  };
  const record = event.Records[0];
  if (record) {
    record.awsRegion = region;
    if (fn.s3?.bucket)
      record.s3.bucket = { ...record.s3.bucket, name: fn.s3.bucket, arn: `arn:aws:s3:::${fn.s3.bucket}` };
    // A key the function's prefix/suffix rules would let through.
    if (fn.s3?.prefix || fn.s3?.suffix)
      record.s3.object.key = `${fn.s3.prefix ?? ''}report${fn.s3.suffix ?? '.csv'}`;
  }
  return event;
}

async function readEventFile(file: string, inputName: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new InputError(inputName, `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError(inputName, `${file} is not valid JSON: ${(error as Error).message}`);
  }
}

/** Lambda's error payload {errorType, errorMessage}; anything else is shown as it came. */
function errorOf(payload: string, functionError: string): { type: string; message: string } {
  try {
    const parsed = JSON.parse(payload) as { errorType?: unknown; errorMessage?: unknown };
    return {
      type: typeof parsed.errorType === 'string' ? parsed.errorType : functionError,
      message: typeof parsed.errorMessage === 'string' ? parsed.errorMessage : payload,
    };
  } catch {
    return { type: functionError, message: payload };
  }
}

/** An HTTP function's answer: API Gateway turns a 5xx statusCode into the client's 5xx. */
function httpStatusOf(payload: string): { status?: number; body?: string } {
  try {
    const parsed = JSON.parse(payload) as { statusCode?: unknown; body?: unknown };
    if (typeof parsed?.statusCode === 'number') {
      return { status: parsed.statusCode, body: typeof parsed.body === 'string' ? parsed.body : undefined };
    }
  } catch {
    // Not JSON: HTTP API answers 200 with it as the body.
  }
  return {};
}

/** Invokes one function with one event and turns Lambda's answer into a check row. */
export async function invokeFunction(
  client: LambdaClient,
  fn: DeployedFunction,
  event: unknown,
  eventLabel: string,
  trigger: string,
): Promise<FunctionCheck> {
  const base = { key: fn.key, name: fn.name, trigger, event: eventLabel };
  let response: InvokeCommandOutput;
  try {
    response = await client.send(
      new InvokeCommand({
        FunctionName: fn.name,
        InvocationType: 'RequestResponse',
        LogType: 'Tail',
        Payload: Buffer.from(JSON.stringify(event)),
      }),
    );
  } catch (error) {
    const name = (error as Error).name ?? 'Error';
    return { ...base, result: 'failed', error: { type: name, message: describeAwsError(error) } };
  }
  const payload = Buffer.from(response.Payload ?? new Uint8Array()).toString('utf8');
  const logTail = decodeLogResult(response.LogResult);
  const report = parseReportLine(logTail);
  const common = { ...base, logTail, ...(report ? { report } : {}) };
  if (response.FunctionError) {
    return { ...common, result: 'failed', error: errorOf(payload, response.FunctionError) };
  }
  if (fn.trigger === 'http' && trigger === 'http') {
    const { status, body } = httpStatusOf(payload);
    if (status !== undefined && status >= 500) {
      return {
        ...common,
        result: 'failed',
        httpStatus: status,
        error: { type: `HTTP ${status}`, message: (body ?? '').slice(0, 300) || '(empty body)' },
      };
    }
    return { ...common, result: 'ok', ...(status !== undefined ? { httpStatus: status } : {}) };
  }
  return { ...common, result: 'ok' };
}

/** A client whose socket outlasts the slowest selected function (Lambda answers when it returns). */
function clientFor(target: InvokeTarget, functions: readonly DeployedFunction[]): LambdaClient {
  const longest = Math.max(6, ...functions.map((fn) => fn.timeoutSeconds));
  return createLambdaClient({
    region: target.region,
    credentials: target.credentials,
    // A retry after a timeout would run the function twice: only throttling and refusals are worth it.
    maxAttempts: 2,
    socketTimeoutMs: (longest + 60) * 1000,
  });
}

/** One line per function for the log. */
export function describeCheck(check: FunctionCheck): string {
  const head = `${check.key} (${check.name}, ${check.trigger})`;
  if (check.result === 'skipped') return `${head}: skipped, ${check.skipped}`;
  const r = check.report;
  const figures = r
    ? `${r.durationMs} ms (billed ${r.billedDurationMs ?? '?'} ms), ${r.maxMemoryUsedMb ?? '?'}/${r.memorySizeMb ?? '?'} MB`
    : 'no REPORT line';
  if (check.result === 'ok')
    return `${head}: ok${check.httpStatus ? ` (HTTP ${check.httpStatus})` : ''}, ${figures}`;
  return `${head}: ${check.error?.type}: ${check.error?.message}`;
}

/** The failure of one function, as the annotation and the log show it: error, event, log tail. */
export function describeCheckFailure(check: FunctionCheck): string {
  const lines = [`${check.error?.type}: ${check.error?.message}`];
  lines.push(`Invoked ${check.name} with ${check.event ?? 'its event'}.`);
  if (check.error?.type === 'AccessDeniedException') lines.push(`-> ${ACCESS_HINT}`);
  if (check.logTail?.trim()) lines.push('Log tail:', check.logTail.trimEnd());
  return lines.join('\n');
}

/**
 * Invokes the selected functions (up to 4 at a time) and returns every row, skipped ones
 * included, in serverless.yml order. Throws FunctionCheckError when any invoked function failed.
 */
export async function checkFunctions(
  functions: readonly DeployedFunction[],
  options: FunctionCheckOptions,
  target: InvokeTarget,
  log: Logger,
): Promise<FunctionCheck[]> {
  const eventsInput = options.inputNames?.events ?? 'invoke-events';
  const { selected, skipped } = selectFunctions(functions, options);
  const events = await Promise.all(
    selected.map(async ({ fn, eventFile }) => ({
      event: eventFile
        ? await readEventFile(eventFile, eventsInput)
        : sampleEventFor(fn, target.region, options.httpPath),
      label:
        eventFile ??
        (fn.trigger === 'http'
          ? `http-get ${options.httpPath ?? '/'}`
          : `${fn.trigger === 's3' ? 's3-put' : fn.trigger}`),
      trigger: fn.trigger ?? fn.eventTypes[0] ?? 'none',
    })),
  );
  const client = clientFor(
    target,
    selected.map((s) => s.fn),
  );
  const results: FunctionCheck[] = new Array(selected.length);
  try {
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < selected.length; i = next++) {
        const { fn } = selected[i] as Selected;
        const { event, label, trigger } = events[i] as (typeof events)[number];
        results[i] = await invokeFunction(client, fn, event, `the ${label} event`, trigger);
      }
    };
    await Promise.all(Array.from({ length: Math.min(4, selected.length) }, worker));
  } finally {
    client.destroy();
  }
  const byKey = new Map([...results, ...skipped].map((c) => [c.key, c]));
  const checks = functions.map((fn) => byKey.get(fn.key)).filter((c): c is FunctionCheck => c !== undefined);
  for (const check of checks) {
    // The action turns each failure into an annotation of its own (src/main.ts): plain lines here.
    log.info(describeCheck(check));
    if (check.result === 'failed' && check.logTail) {
      // Prefixed: a function's output must not reach the runner as a workflow command.
      for (const line of check.logTail.trimEnd().split('\n')) log.info(`  | ${line}`);
    }
  }
  if (checks.some((c) => c.result === 'failed')) throw new FunctionCheckError(checks);
  return checks;
}
