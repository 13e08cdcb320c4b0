/** smokeTest against a real local HTTP server: pass, retry-then-pass, bounded failure, text mismatch. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smokeTest, smokeTestUrl } from '../../src/deploy/smoke-test.js';
import { memoryLogger } from '../../src/log.js';

let server: Server;
let base: string;
const hits = new Map<string, number>();

beforeAll(async () => {
  server = createServer((request, response) => {
    const path = request.url ?? '/';
    const count = (hits.get(path) ?? 0) + 1;
    hits.set(path, count);
    if (path === '/') {
      response.writeHead(200, { 'content-type': 'text/html' }).end('Bienvenido al servidor de Flask');
    } else if (path === '/warming') {
      // A cold start: two 503s, then the answer.
      if (count <= 2) response.writeHead(503).end('Service Unavailable');
      else response.writeHead(200).end('warm now');
    } else if (path === '/broken') {
      response.writeHead(500).end('Internal Server Error: boom');
    } else if (path === '/slow') {
      setTimeout(() => response.writeHead(200).end('late'), 2_000);
    } else {
      response.writeHead(404).end('Not Found');
    }
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((done) => server.close(done));
});

describe('smokeTest', () => {
  it('passes on a 2xx with the expected text, at the first attempt', async () => {
    const log = memoryLogger();
    const result = await smokeTest(`${base}/`, {
      path: '/',
      expectText: 'Bienvenido',
      attempts: 3,
      delayMs: 10,
      log,
    });
    expect(result).toEqual({
      url: `${base}/`,
      status: 200,
      ok: true,
      attempts: 1,
      bodySnippet: 'Bienvenido al servidor de Flask',
    });
    expect(log.lines).toEqual([`info: Smoke test 1/3: GET ${base}/ -> 200 ok`]);
  });

  it('retries 5xx and passes when the endpoint warms up', async () => {
    const result = await smokeTest(base, { path: 'warming', attempts: 5, delayMs: 20 });
    expect(result.ok).toBe(true);
    expect(result.attempts).toBe(3);
    expect(result.bodySnippet).toBe('warm now');
  });

  it('fails a 500 after exactly the bounded number of attempts', async () => {
    hits.delete('/broken');
    const started = Date.now();
    const result = await smokeTest(base, { path: '/broken', attempts: 3, delayMs: 50 });
    expect(result).toMatchObject({ ok: false, status: 500, attempts: 3, reason: 'HTTP 500' });
    expect(result.bodySnippet).toContain('boom');
    expect(hits.get('/broken')).toBe(3);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('fails when the body lacks the expected text', async () => {
    const result = await smokeTest(base, { path: '/', expectText: 'Hello world', attempts: 2, delayMs: 10 });
    expect(result).toMatchObject({ ok: false, status: 200, attempts: 2 });
    expect(result.reason).toBe('body does not contain "Hello world"');
  });

  it('does not retry a 404: that is the application answering', async () => {
    const result = await smokeTest(base, { path: '/missing', attempts: 4, delayMs: 10 });
    expect(result).toMatchObject({ ok: false, status: 404, attempts: 1 });
  });

  it('bounds each request and reports a dead endpoint as status 0', async () => {
    const slow = await smokeTest(base, { path: '/slow', attempts: 1, timeoutMs: 200 });
    expect(slow).toMatchObject({ ok: false, status: 0, attempts: 1 });
    expect(slow.reason).toMatch(/^no response: /);
    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise((done) => closed.close(done));
    const dead = await smokeTest(`http://127.0.0.1:${deadPort}`, { attempts: 2, delayMs: 10 });
    expect(dead).toMatchObject({ ok: false, status: 0, attempts: 2, reason: 'no response: ECONNREFUSED' });
  });

  it('joins endpoint and path with exactly one slash', () => {
    expect(smokeTestUrl('https://x.example/', '/')).toBe('https://x.example/');
    expect(smokeTestUrl('https://x.example/dev', 'health')).toBe('https://x.example/dev/health');
    expect(smokeTestUrl('https://x.example/dev/', '/a?b=1')).toBe('https://x.example/dev/a?b=1');
  });
});
