/**
 * `lambda-layer invoke` machinery with real software: the example's layer built from the
 * mirror, serverless-wsgi's real handler files, a real Python 3.11 run isolated from this
 * machine's site-packages (which do have Flask: the isolation checks prove it is not used).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { httpGetEvent, SAMPLE_EVENTS, sampleEvent } from '../../src/invoke/events.js';
import { invokeHandler } from '../../src/invoke/index.js';
import { memoryLogger } from '../../src/log.js';
import { buildExampleLayer, wsgiCodeDir } from '../deploy/flask-example.js';
import { machineMirror, NO_MIRROR_MESSAGE } from '../support/mirror.js';

const mirror = machineMirror();
if (!mirror) console.warn(NO_MIRROR_MESSAGE);

let work: string;
let layerZip: string;
let code: string;
let emptyLayer: string;

/** A code dir with one handler module. */
function handlerDir(name: string, source: string): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'fn.py'), source);
  return dir;
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'invoke-'));
  emptyLayer = join(work, 'empty-layer');
  mkdirSync(join(emptyLayer, 'python'), { recursive: true });
  code = await wsgiCodeDir(join(work, 'code'));
  if (mirror) {
    const started = Date.now();
    layerZip = await buildExampleLayer(join(work, 'layer-out'));
    console.log(`example layer built in ${Date.now() - started} ms`);
  }
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('sample events', () => {
  it('examples/events/*.json are the events the CLI ships', () => {
    for (const [name, event] of Object.entries(SAMPLE_EVENTS)) {
      const file = resolve(import.meta.dirname, `../../examples/events/${name}.json`);
      expect(JSON.parse(readFileSync(file, 'utf8')), name).toEqual(event);
    }
    expect(httpGetEvent('/a/b?x=1')).toMatchObject({
      rawPath: '/a/b',
      rawQueryString: 'x=1',
      requestContext: { http: { path: '/a/b' } },
    });
  });
});

describe.skipIf(!mirror)('the Flask example through wsgi_handler.handler', () => {
  it('GET / answers 200 with the greeting, from the built layer.zip', async () => {
    const result = await invokeHandler(
      { layer: layerZip, handler: 'wsgi_handler.handler', event: sampleEvent('http-get'), codeDir: code },
      memoryLogger(),
    );
    expect(result.error).toBeUndefined();
    expect(result.ok).toBe(true);
    expect(result.runtime).toBe('python3.11');
    expect(result.interpreter.version).toMatch(/^3\.11\./);
    const response = result.response as { statusCode: number; body: string; headers: Record<string, string> };
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe('Bienvenido al servidor de Flask');
    const headers = Object.fromEntries(
      Object.entries(response.headers).map(([k, v]) => [k.toLowerCase(), v]),
    );
    expect(headers['content-type']).toBe('text/html; charset=utf-8');
    console.log(`invoke GET /: ${result.durationMs} ms`);
  });

  it("an unknown path is Flask's 404", async () => {
    const result = await invokeHandler(
      {
        layer: layerZip,
        handler: 'wsgi_handler.handler',
        event: httpGetEvent('/no/such/page'),
        codeDir: code,
      },
      memoryLogger(),
    );
    const response = result.response as { statusCode: number; body: string };
    expect(response.statusCode).toBe(404);
    expect(response.body).toContain('<title>404 Not Found</title>');
  });

  it('the CLI prints the response JSON on stdout, from the shipped sample event and from a file', async () => {
    for (const eventArgs of [
      ['--event-name', 'http-get'],
      ['--event', 'examples/events/http-get.json'],
    ]) {
      let stdout = '';
      const log = memoryLogger();
      const code0 = await main(
        ['invoke', '--layer', layerZip, '--handler', 'wsgi_handler.handler', '--code', code, ...eventArgs],
        {
          stdout: new Writable({
            write(chunk, _encoding, done) {
              stdout += chunk;
              done();
            },
          }),
          log,
          cwd: resolve(import.meta.dirname, '../..'),
        },
      );
      expect(code0, log.lines.join('\n')).toBe(0);
      expect(JSON.parse(stdout)).toMatchObject({ statusCode: 200, body: 'Bienvenido al servidor de Flask' });
    }
  });
});

describe('isolation from the machine', () => {
  it("the machine's python3 has Flask, yet the isolated run with an empty layer cannot import it", async () => {
    // Precondition that makes the check meaningful (DESIGN.md: the global Python has Flask).
    const machineHasFlask = (() => {
      try {
        execFileSync('python3', ['-c', 'import flask'], { stdio: 'ignore', timeout: 30_000 });
        return true;
      } catch {
        return false;
      }
    })();
    if (!machineHasFlask)
      console.warn('the machine python3 has no Flask: the isolation check is weaker here');
    const result = await invokeHandler(
      { layer: emptyLayer, handler: 'wsgi_handler.handler', event: sampleEvent('http-get'), codeDir: code },
      memoryLogger(),
    );
    expect(result.ok).toBe(false);
    expect(result.error?.errorType).toBe('Runtime.ImportModuleError');
    expect(result.error?.errorMessage).toBe(
      "Unable to import module 'wsgi_handler': No module named 'werkzeug'",
    );
  });

  it("sys.path is Lambda's order: code, the layer, the standard library; no site-packages, no PYTHONPATH", async () => {
    const dir = handlerDir(
      'paths',
      'import sys, os\ndef handler(event, context):\n    return {"path": sys.path, "no_site": sys.flags.no_site, "cwd": os.getcwd()}\n',
    );
    const result = await invokeHandler(
      {
        layer: emptyLayer,
        handler: 'fn.handler',
        event: {},
        codeDir: dir,
        env: { PYTHONPATH: '/machine/pythonpath' },
      },
      memoryLogger(),
    );
    const { path, no_site, cwd } = result.response as { path: string[]; no_site: number; cwd: string };
    // The layer folder is copied into a private /opt (the handler must not write into it).
    const opt = dirname(path[2] ?? '');
    expect(opt).toMatch(/\/opt$/);
    expect(opt.startsWith(emptyLayer)).toBe(false);
    expect(path.slice(0, 3)).toEqual([
      dir,
      join(opt, 'python/lib/python3.11/site-packages'),
      join(opt, 'python'),
    ]);
    expect(
      path.slice(3).some((entry) => entry.includes('site-packages') || entry.includes('pythonpath')),
    ).toBe(false);
    expect(path.slice(3).some((entry) => /python3\.11$/.test(entry))).toBe(true);
    expect(no_site).toBe(1);
    expect(cwd).toBe(dir);
  });
});

describe("Lambda's error shapes", () => {
  const run = (name: string, source: string, extra: { event?: unknown; timeoutSeconds?: number } = {}) =>
    invokeHandler(
      {
        layer: emptyLayer,
        handler: 'fn.handler',
        event: extra.event ?? {},
        codeDir: handlerDir(name, source),
        timeoutSeconds: extra.timeoutSeconds,
      },
      memoryLogger(),
    );

  it('an exception, a missing handler, an unserializable response, a timeout', async () => {
    const raised = await run(
      'raise',
      'def handler(event, context):\n    raise ValueError("bad input: " + event["x"])\n',
      {
        event: { x: '42' },
      },
    );
    expect(raised.error).toMatchObject({ errorType: 'ValueError', errorMessage: 'bad input: 42' });
    expect(raised.error?.stackTrace.join('')).toContain('fn.py');

    const missing = await run('missing', 'def other(event, context):\n    return 1\n');
    expect(missing.error).toMatchObject({
      errorType: 'Runtime.HandlerNotFound',
      errorMessage: "Handler 'handler' missing on module 'fn'",
    });

    const marshal = await run('marshal', 'def handler(event, context):\n    return {1, 2}\n');
    expect(marshal.error?.errorType).toBe('Runtime.MarshalError');

    const started = Date.now();
    const slow = await run('slow', 'import time\ndef handler(event, context):\n    time.sleep(30)\n', {
      timeoutSeconds: 1,
    });
    expect(slow.error).toMatchObject({
      errorType: 'Sandbox.Timedout',
      errorMessage: 'Task timed out after 1 seconds',
    });
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('the context object and the output the function prints', async () => {
    const log = memoryLogger();
    const result = await invokeHandler(
      {
        layer: emptyLayer,
        handler: 'fn.handler',
        event: sampleEvent('schedule'),
        codeDir: handlerDir(
          'context',
          [
            'import os',
            'def handler(event, context):',
            '    print("got", event["detail-type"])',
            '    return {"name": context.function_name, "left": context.get_remaining_time_in_millis(),',
            '            "memory": context.memory_limit_in_mb, "task_root": os.environ["LAMBDA_TASK_ROOT"]}',
          ].join('\n'),
        ),
        functionName: 'flask-api-dev-api',
        timeoutSeconds: 6,
      },
      log,
    );
    const response = result.response as { name: string; left: number; memory: number; task_root: string };
    expect(response.name).toBe('flask-api-dev-api');
    expect(response.memory).toBe(1024);
    expect(response.left).toBeGreaterThan(0);
    expect(response.left).toBeLessThanOrEqual(6000);
    expect(response.task_root).toBe(join(work, 'context'));
    expect(result.logs).toBe('got Scheduled Event');
    expect(log.lines).toContain('info:   | got Scheduled Event');
  });
});
