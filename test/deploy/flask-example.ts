/**
 * The examples/flask-api service for tests: a copy in a temp dir (node_modules symlinked, so the
 * repo stays clean of .serverless/ and the wsgi files serverless-wsgi writes), an environment
 * that keeps Serverless offline and quiet, and the example's layer built from the machine mirror.
 */
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { copyFile, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildLayer } from '../../src/layer/index.js';
import { memoryLogger } from '../../src/log.js';
import { resolveTarget } from '../../src/target.js';
import { machineMirror } from '../support/mirror.js';

export const EXAMPLE_DIR = resolve(import.meta.dirname, '../../examples/flask-api');
export const EXAMPLE_FILES = ['app.py', 'serverless.yml', 'requirements.txt', 'package.json'];
export const TEST_LAYER_ARN = 'arn:aws:lambda:us-east-1:123456789012:layer:deps:7';

/**
 * Throws (never skips) when the example's devDependencies are missing. The test run installs
 * them first (test/support/example-modules-setup.ts); this names the step when that failed.
 */
export function requireExampleModules(): string {
  const modules = join(EXAMPLE_DIR, 'node_modules');
  for (const bin of ['serverless']) {
    if (!existsSync(join(modules, '.bin', bin))) {
      throw new Error(
        `examples/flask-api has no node_modules/.bin/${bin}: the test setup's \`npm ci --prefix examples/flask-api\` failed (see its output above); run it by hand`,
      );
    }
  }
  for (const plugin of ['serverless-wsgi', 'serverless-offline']) {
    if (!existsSync(join(modules, plugin))) {
      throw new Error(
        `examples/flask-api lacks ${plugin}: the test setup's \`npm ci --prefix examples/flask-api\` failed (see its output above); run it by hand`,
      );
    }
  }
  return modules;
}

/** A copy of the example service in a fresh temp dir, node_modules symlinked to the real one. */
export async function copyExample(parent?: string): Promise<string> {
  const modules = requireExampleModules();
  const dir = await mkdtemp(join(parent ?? tmpdir(), 'flask-api-'));
  for (const file of EXAMPLE_FILES) await copyFile(join(EXAMPLE_DIR, file), join(dir, file));
  symlinkSync(modules, join(dir, 'node_modules'), 'dir');
  return dir;
}

/**
 * Environment for a Serverless child in tests: its own HOME (Serverless v3 writes
 * ~/.serverlessrc), no telemetry/notifications, no metadata-service probing, and no AWS
 * credentials unless `credentials` is set.
 */
export function serverlessTestEnv(home: string, credentials = false): NodeJS.ProcessEnv {
  mkdirSync(home, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    LANG: 'C.UTF-8',
    SLS_TELEMETRY_DISABLED: '1',
    SLS_TRACKING_DISABLED: '1',
    SLS_NOTIFICATIONS_MODE: 'off',
    SLS_DISABLE_AUTO_UPDATE: '1',
    CI: 'true',
    AWS_EC2_METADATA_DISABLED: 'true',
    // A credentials file that does not exist: no profile of this machine can leak in.
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'no-credentials'),
    AWS_CONFIG_FILE: join(home, 'no-config'),
  };
  if (process.env.PYENV_ROOT) env.PYENV_ROOT = process.env.PYENV_ROOT;
  if (credentials) {
    env.AWS_ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
    env.AWS_SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
  }
  return env;
}

/**
 * Builds the example's requirements.txt (or `requirementsFile`) into `outDir`/layer.zip with
 * the real build, from the mirror.
 */
export async function buildExampleLayer(
  outDir: string,
  requirementsFile = join(EXAMPLE_DIR, 'requirements.txt'),
): Promise<string> {
  const mirror = machineMirror();
  if (!mirror) throw new Error('no wheel mirror in pip config: callers skip first');
  const result = await buildLayer(
    {
      requirementsFile,
      target: resolveTarget('python3.11', 'x86_64'),
      outDir,
      indexUrl: mirror.indexUrl,
      extraIndexUrls: mirror.extraIndexUrls,
      findLinks: mirror.findLinks,
      bytecode: false,
      sdist: 'never',
    },
    memoryLogger(),
    { env: { ...process.env, PIP_RETRIES: '0' } },
  );
  return result.zipPath;
}

/**
 * The function code serverless-wsgi packages (see its index.js, "Packaging Python WSGI
 * handler"): app.py, the plugin's wsgi_handler.py and serverless_wsgi.py from
 * node_modules/serverless-wsgi, and `.serverless-wsgi` naming the app (custom.wsgi.app).
 */
export async function wsgiCodeDir(dest: string): Promise<string> {
  const plugin = join(requireExampleModules(), 'serverless-wsgi');
  mkdirSync(dest, { recursive: true });
  await copyFile(join(EXAMPLE_DIR, 'app.py'), join(dest, 'app.py'));
  for (const file of ['wsgi_handler.py', 'serverless_wsgi.py'])
    await copyFile(join(plugin, file), join(dest, file));
  await writeFile(join(dest, '.serverless-wsgi'), JSON.stringify({ app: 'app.app' }));
  return dest;
}
