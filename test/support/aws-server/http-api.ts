/**
 * An API Gateway HTTP API in front of a function of the test server:
 *   {url}/_httpapi/{functionName}/{path}  ->  Invoke with a payload-format-2.0 event for the request
 * and the function's answer mapped back the way HTTP API does it: statusCode, headers, cookies,
 * body (base64-decoded when isBase64Encoded); a function error becomes
 * 500 {"message":"Internal Server Error"}, which is all a client ever sees of it.
 */
import { httpGetEvent } from '../../../src/invoke/events.js';
import { runFunction } from './lambda-invoke.js';
import type { AwsTestState } from './state.js';
import type { Reply } from './types.js';

export async function handleHttpApi(
  state: AwsTestState,
  region: string,
  method: string,
  pathAndQuery: string,
  workDir: string,
): Promise<Reply> {
  const [, functionName = '', ...rest] = pathAndQuery.split('/');
  const fn = state.getFunction(region, decodeURIComponent(functionName));
  if (!fn) return { status: 404, body: JSON.stringify({ message: 'Not Found' }) };
  const event = httpGetEvent(`/${rest.join('/')}`) as { requestContext: { http: { method: string } } };
  event.requestContext.http.method = method;
  const invocation = await runFunction(state, fn, event, workDir);
  if (invocation.functionError) {
    return {
      status: 500,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'Internal Server Error' }),
    };
  }
  const answer = JSON.parse(invocation.payload) as {
    statusCode?: number;
    headers?: Record<string, string>;
    cookies?: string[];
    body?: string;
    isBase64Encoded?: boolean;
  } | null;
  if (typeof answer?.statusCode !== 'number') {
    return { status: 200, headers: { 'content-type': 'application/json' }, body: invocation.payload };
  }
  const headers: Record<string, string> = { ...(answer.headers ?? {}) };
  if (answer.cookies?.length) headers['set-cookie'] = answer.cookies.join(', ');
  const body = answer.body ?? '';
  return {
    status: answer.statusCode,
    headers,
    body: answer.isBase64Encoded ? Buffer.from(body, 'base64') : body,
  };
}
