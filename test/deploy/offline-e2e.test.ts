/**
 * End to end without AWS: build the example's layer from the package index with the real
 * build, extract it as Lambda would under a temp opt/, and serve the function with
 * serverless-offline@13 on 127.0.0.1, its python3 a clean Python 3.11 venv (no Flask: the
 * machine's global Python has one, which would prove nothing) and PYTHONPATH at the layer.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareLayer } from '../../src/invoke/layer.js';
import { findInterpreter } from '../../src/resolve/interpreters.js';
import { machineMirror, NO_MIRROR_MESSAGE } from '../support/mirror.js';
import { buildExampleLayer, copyExample, serverlessTestEnv, TEST_LAYER_ARN } from './flask-example.js';

const mirror = machineMirror();
if (!mirror) console.warn(NO_MIRROR_MESSAGE);

/** How long serverless-offline may take to start on a busy 2-core machine. */
const START_TIMEOUT_MS = 120_000;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  await new Promise((done) => server.close(done));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

let work: string;
let stopServer: (() => Promise<void>) | undefined;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'offline-e2e-'));
});
afterAll(async () => {
  await stopServer?.();
  await rm(work, { recursive: true, force: true });
});

/** Starts `serverless offline` in its own process group; resolves once it listens. */
async function startOffline(
  service: string,
  env: NodeJS.ProcessEnv,
  httpPort: number,
  lambdaPort: number,
): Promise<{ output: () => string }> {
  const child = spawn(
    join(service, 'node_modules', '.bin', 'serverless'),
    [
      'offline',
      'start',
      '--host',
      '127.0.0.1',
      '--httpPort',
      String(httpPort),
      '--lambdaPort',
      String(lambdaPort),
      '--stage',
      'dev',
      '--region',
      'us-east-1',
      '--param',
      `layerArn=${TEST_LAYER_ARN}`,
    ],
    { cwd: service, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<void>((done) => child.on('close', () => done()));
  // Hard bound on the server's life, whatever happens to the test.
  const lifetime = setTimeout(() => killGroup('SIGKILL'), 170_000);
  function killGroup(signal: NodeJS.Signals): void {
    try {
      if (child.pid) process.kill(-child.pid, signal);
    } catch {
      // Already gone.
    }
  }
  stopServer = async () => {
    killGroup('SIGTERM');
    const forced = setTimeout(() => killGroup('SIGKILL'), 5_000);
    await exited;
    clearTimeout(forced);
    clearTimeout(lifetime);
    // python3 invoke.py workers live in the same group: make sure none stays.
    killGroup('SIGKILL');
    stopServer = undefined;
  };
  const deadline = Date.now() + START_TIMEOUT_MS;
  let closed = false;
  void exited.then(() => {
    closed = true;
  });
  while (!/Server ready: http:\/\/127\.0\.0\.1:\d+/.test(output)) {
    if (closed) throw new Error(`serverless offline exited before listening:\n${output}`);
    if (Date.now() > deadline)
      throw new Error(`serverless offline did not start in ${START_TIMEOUT_MS} ms:\n${output}`);
    await new Promise((done) => setTimeout(done, 250));
  }
  return { output: () => output };
}

describe.skipIf(!mirror)('examples/flask-api under serverless-offline with the built layer', () => {
  it('GET / answers the greeting, an unknown path is Flask 404, from a clean Python 3.11', async () => {
    const started = Date.now();
    const zip = await buildExampleLayer(join(work, 'layer-out'));
    const built = Date.now();
    const layer = await prepareLayer(zip, work);
    expect(layer.optDir).toBe(join(work, 'opt'));

    const python = await findInterpreter('3.11');
    if (!python) throw new Error('no Python 3.11 on this machine');
    const venv = join(work, 'venv');
    execFileSync(python.path, ['-m', 'venv', '--without-pip', venv], { timeout: 60_000 });
    const venvPython = join(venv, 'bin', 'python3');
    // Negative control: the venv alone has no Flask; with the layer on PYTHONPATH it has.
    expect(() =>
      execFileSync(venvPython, ['-c', 'import flask'], {
        stdio: 'pipe',
        timeout: 30_000,
        env: { PATH: process.env.PATH },
      }),
    ).toThrow(/No module named 'flask'/);
    const flaskFile = execFileSync(venvPython, ['-c', 'import flask; print(flask.__file__)'], {
      encoding: 'utf8',
      timeout: 30_000,
      env: { PATH: process.env.PATH, PYTHONPATH: join(layer.optDir, 'python') },
    }).trim();
    expect(flaskFile).toBe(join(layer.optDir, 'python', 'flask', '__init__.py'));

    const service = await copyExample(work);
    const env = {
      ...serverlessTestEnv(join(work, 'home'), true),
      PATH: `${join(venv, 'bin')}${delimiter}${process.env.PATH ?? ''}`,
      PYTHONPATH: join(layer.optDir, 'python'),
    };
    const [httpPort, lambdaPort] = [await freePort(), await freePort()];
    const server = await startOffline(service, env, httpPort, lambdaPort);
    const listening = Date.now();
    try {
      const home = await fetch(`http://127.0.0.1:${httpPort}/`, { signal: AbortSignal.timeout(60_000) });
      expect(home.status, server.output()).toBe(200);
      expect(await home.text()).toBe('Bienvenido al servidor de Flask');

      const missing = await fetch(`http://127.0.0.1:${httpPort}/no/such/page`, {
        signal: AbortSignal.timeout(60_000),
      });
      expect(missing.status).toBe(404);
      const body = await missing.text();
      expect(body).toContain('<title>404 Not Found</title>');
      expect(body).toContain('The requested URL was not found on the server.');
    } finally {
      await stopServer?.();
    }
    console.log(
      `e2e: layer build ${built - started} ms, offline start ${listening - built} ms, total ${Date.now() - started} ms`,
    );
  }, 240_000);
});
