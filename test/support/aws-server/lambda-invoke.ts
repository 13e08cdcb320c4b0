/**
 * Lambda's `Invoke` (API version 2015-03-31), run for real:
 *   POST /2015-03-31/functions/{name}/invocations[?Qualifier=...]
 *   headers X-Amz-Invocation-Type (RequestResponse | Event | DryRun), X-Amz-Log-Type (None | Tail)
 * The function's layers are extracted in order into one /opt and its handler runs through the
 * project's own invoke runner (src/invoke: an isolated interpreter of the runtime's Python), so
 * a layer without a module gives a real Runtime.ImportModuleError and a real log. The answer is
 * Lambda's: 200 with the payload, X-Amz-Function-Error: Unhandled on a function error,
 * X-Amz-Executed-Version, and with Tail the last 4 KB of a log shaped like CloudWatch's
 * (START / the function's output / [ERROR] ... / END / REPORT with duration and memory).
 * Duration, Init Duration and Max Memory Used are measured in the interpreter; a cold start on
 * every call (no warm sandbox is kept).
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type InvokeResult, invokeHandler } from '../../../src/invoke/index.js';
import { memoryLogger } from '../../../src/log.js';
import { extractZip } from '../../../src/zip/reader.js';
import { lambdaError } from './lambda.js';
import type { AwsTestState, StoredFunction } from './state.js';
import type { Reply } from './types.js';

/** Lambda returns at most the last 4 KB of the log with LogType Tail. */
const TAIL_BYTES = 4096;

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations\/?$/;

export function matchInvokeRoute(method: string, path: string): { functionName: string } | undefined {
  const m = INVOKE_PATH.exec(path);
  if (!m || method !== 'POST') return undefined;
  return { functionName: decodeURIComponent(m[1] ?? '') };
}

/** A name, a full ARN or a partial ARN (ACCOUNT:function:NAME), as Lambda accepts them. */
function functionNameOf(identifier: string): string {
  const parts = identifier.split(':');
  const at = parts.indexOf('function');
  return at >= 0 ? (parts[at + 1] ?? '') : identifier;
}

/** One /opt per distinct layer list, extracted once per server. */
async function optDirFor(state: AwsTestState, fn: StoredFunction, workDir: string): Promise<string> {
  const versions = fn.layers.map((arn) => {
    const v = state.layerVersionByArn(arn);
    if (!v) throw new Error(`layer version ${arn} of ${fn.name} does not exist in the test server`);
    return v;
  });
  const key = versions.map((v) => v.codeSha256.replace(/[^A-Za-z0-9]/g, '')).join('-') || 'no-layers';
  const optDir = join(workDir, 'opt', key);
  if (!existsSync(optDir)) {
    await mkdir(join(optDir, 'python'), { recursive: true });
    for (const v of versions) {
      const zip = join(workDir, `${v.layerName}-${v.version}.zip`);
      await writeFile(zip, v.zip);
      // Later layers overwrite earlier ones' files, as Lambda merges them into /opt.
      await extractZip(zip, optDir);
    }
  }
  return optDir;
}

const ms = (value: number) => value.toFixed(2);

/** The CloudWatch log of one invocation, as the Lambda Python runtime writes it. */
function invocationLog(
  fn: StoredFunction,
  requestId: string,
  result: InvokeResult,
  timedOut: boolean,
): string {
  const lines = [`START RequestId: ${requestId} Version: $LATEST`];
  if (result.logs) lines.push(...result.logs.split('\n'));
  const error = result.error;
  if (timedOut) {
    lines.push(`${new Date().toISOString()} ${requestId} Task timed out after ${ms(fn.timeout)} seconds`);
  } else if (error) {
    lines.push(`[ERROR] ${error.errorType}: ${error.errorMessage}`);
    lines.push('Traceback (most recent call last):');
    // The runtime's own frames are not the function's: Lambda shows only the function's.
    for (const frame of error.stackTrace.filter((f) => !f.includes('bootstrap.py"'))) {
      lines.push(frame.replace(/\n$/, ''));
    }
  }
  lines.push(`END RequestId: ${requestId}`);
  const m = result.metrics ?? {};
  const duration = timedOut ? fn.timeout * 1000 : (m.durationMs ?? 0);
  const fields = [
    `REPORT RequestId: ${requestId}`,
    `Duration: ${ms(duration)} ms`,
    `Billed Duration: ${Math.ceil(duration + (m.initMs ?? 0))} ms`,
    `Memory Size: ${fn.memorySize} MB`,
    `Max Memory Used: ${Math.ceil((m.maxMemoryUsedKb ?? 0) / 1024)} MB`,
    ...(m.initMs !== undefined ? [`Init Duration: ${ms(m.initMs)} ms`] : []),
    ...(timedOut ? ['Status: timeout'] : error ? ['Status: error', `Error Type: ${error.errorType}`] : []),
  ];
  lines.push(`${fields.join('\t')}\t`);
  return `${lines.join('\n')}\n`;
}

export interface Invocation {
  readonly requestId: string;
  /** The response payload, or the error object. */
  readonly payload: string;
  readonly functionError?: 'Unhandled';
  readonly log: string;
}

/** Runs `fn` once with `event`: the layers as /opt, the code as /var/task, its timeout and memory. */
export async function runFunction(
  state: AwsTestState,
  fn: StoredFunction,
  event: unknown,
  workDir: string,
): Promise<Invocation> {
  const requestId = randomUUID();
  const result = await invokeHandler(
    {
      layer: await optDirFor(state, fn, workDir),
      handler: fn.handler,
      event,
      codeDir: fn.codeDir,
      runtime: fn.runtime,
      timeoutSeconds: fn.timeout,
      memoryMb: fn.memorySize,
      functionName: fn.name,
      env: { ...fn.environment, AWS_REGION: fn.region },
    },
    memoryLogger(),
  );
  const timedOut = result.error?.errorType === 'Sandbox.Timedout';
  const log = invocationLog(fn, requestId, result, timedOut);
  if (result.ok) return { requestId, payload: JSON.stringify(result.response ?? null), log };
  const error = timedOut
    ? {
        errorType: 'Sandbox.Timedout',
        errorMessage: `RequestId: ${requestId} Error: Task timed out after ${ms(fn.timeout)} seconds`,
      }
    : { ...result.error, requestId };
  return { requestId, payload: JSON.stringify(error), functionError: 'Unhandled', log };
}

/** The last `TAIL_BYTES` of the log, base64, as X-Amz-Log-Result carries it. */
function tail(log: string): string {
  const bytes = Buffer.from(log, 'utf8');
  return bytes.subarray(Math.max(0, bytes.length - TAIL_BYTES)).toString('base64');
}

export interface InvokeContext {
  readonly state: AwsTestState;
  readonly region: string;
  readonly functionName: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
  readonly workDir: string;
}

export async function handleInvoke(ctx: InvokeContext): Promise<Reply> {
  const name = functionNameOf(ctx.functionName);
  const fn = ctx.state.getFunction(ctx.region, name);
  if (!fn) {
    return lambdaError(
      404,
      'ResourceNotFoundException',
      `Function not found: ${ctx.state.functionArn(ctx.region, name)}`,
    );
  }
  let event: unknown = {};
  if (ctx.body.length > 0) {
    try {
      event = JSON.parse(ctx.body.toString('utf8'));
    } catch {
      return lambdaError(400, 'InvalidRequestContentException', 'Could not parse request body into json');
    }
  }
  const invocationType = String(ctx.headers['x-amz-invocation-type'] ?? 'RequestResponse');
  if (invocationType === 'DryRun') return { status: 204, headers: { 'x-amzn-requestid': randomUUID() } };
  if (invocationType === 'Event') {
    // Asynchronous: accepted at once, run in the background.
    void runFunction(ctx.state, fn, event, ctx.workDir).catch(() => {});
    return { status: 202, headers: { 'x-amzn-requestid': randomUUID() } };
  }
  const invocation = await runFunction(ctx.state, fn, event, ctx.workDir);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-amzn-requestid': invocation.requestId,
    'x-amz-executed-version': '$LATEST',
  };
  if (invocation.functionError) headers['x-amz-function-error'] = invocation.functionError;
  if (String(ctx.headers['x-amz-log-type'] ?? 'None') === 'Tail')
    headers['x-amz-log-result'] = tail(invocation.log);
  return { status: 200, headers, body: invocation.payload };
}
