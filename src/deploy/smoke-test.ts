/**
 * After a deploy, GET the endpoint: a fresh API Gateway route or a cold Lambda can answer 5xx
 * or fail to connect for a few seconds, so a bounded number of attempts with a pause between.
 */
import type { Logger } from '../log.js';

export interface SmokeTestOptions {
  /** Appended to the endpoint (default "/"). */
  readonly path?: string;
  /** Text the response body must contain. */
  readonly expectText?: string;
  /** Total attempts, at least 1 (default 5). */
  readonly attempts?: number;
  /** Pause between attempts (default 3000 ms). */
  readonly delayMs?: number;
  /** Bound for one request (default 10000 ms). */
  readonly timeoutMs?: number;
  readonly log?: Logger;
}

export interface SmokeTestResult {
  readonly url: string;
  /** HTTP status of the last attempt; 0 when no response arrived. */
  readonly status: number;
  readonly ok: boolean;
  readonly attempts: number;
  /** The first 500 characters of the last body (or the connection error). */
  readonly bodySnippet: string;
  /** Why the last attempt did not pass, when ok is false. */
  readonly reason?: string;
}

const SNIPPET = 500;

/** The endpoint joined with the path, without doubled or missing slashes. */
export function smokeTestUrl(endpoint: string, path = '/'): string {
  const base = endpoint.replace(/\/+$/, '');
  const tail = path.startsWith('/') ? path : `/${path}`;
  return `${base}${tail}`;
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

async function attempt(
  url: string,
  expectText: string | undefined,
  timeoutMs: number,
): Promise<{ status: number; ok: boolean; body: string; reason?: string; retry: boolean }> {
  try {
    const response = await fetch(url, { redirect: 'follow', signal: AbortSignal.timeout(timeoutMs) });
    const body = await response.text();
    if (response.status < 200 || response.status > 299) {
      // 4xx other than 429 is the app's answer, not a warm-up: no point retrying.
      const retry = response.status >= 500 || response.status === 429;
      return { status: response.status, ok: false, body, reason: `HTTP ${response.status}`, retry };
    }
    if (expectText !== undefined && !body.includes(expectText)) {
      return {
        status: response.status,
        ok: false,
        body,
        reason: `body does not contain "${expectText}"`,
        retry: true,
      };
    }
    return { status: response.status, ok: true, body, retry: false };
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const message = cause?.code ?? cause?.message ?? (error as Error).message;
    return { status: 0, ok: false, body: String(message), reason: `no response: ${message}`, retry: true };
  }
}

/** GETs `endpoint` + `path` until a 2xx (containing `expectText`, when given) or attempts run out. */
export async function smokeTest(endpoint: string, options: SmokeTestOptions = {}): Promise<SmokeTestResult> {
  const url = smokeTestUrl(endpoint, options.path);
  const attempts = Math.max(1, options.attempts ?? 5);
  const delayMs = options.delayMs ?? 3000;
  const timeoutMs = options.timeoutMs ?? 10_000;
  let last: Awaited<ReturnType<typeof attempt>> = { status: 0, ok: false, body: '', retry: true };
  let made = 0;
  for (let i = 1; i <= attempts; i++) {
    made = i;
    last = await attempt(url, options.expectText, timeoutMs);
    options.log?.info(
      `Smoke test ${i}/${attempts}: GET ${url} -> ${last.ok ? `${last.status} ok` : last.reason}`,
    );
    if (last.ok || !last.retry) break;
    if (i < attempts) await sleep(delayMs);
  }
  return {
    url,
    status: last.status,
    ok: last.ok,
    attempts: made,
    bodySnippet: last.body.slice(0, SNIPPET),
    ...(last.ok ? {} : { reason: last.reason }),
  };
}
