/**
 * The CLI as users install it: `npm pack` of this repository (what `npm publish` uploads, and what
 * `npm install -g github:OWNER/REPO#ref` builds from the committed dist/), installed with
 * `npm install -g` into an empty prefix, run from an unrelated folder. Everything sits under a path
 * with spaces. The tarball is packed from the committed dist/: CI rebuilds dist/ and fails when it
 * differs from src/, so this checks the code under test.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunResult, runProcess } from '../../src/process.js';
import { listZip } from '../../src/zip/reader.js';
import { type AwsTestServer, startAwsTestServer } from '../support/aws-server/index.js';
import { createPackageIndex, isolatedPipEnv, type PackageIndex } from '../support/package-index.js';
import { seedPinnedPip } from '../support/pinned-pip-setup.js';

const root = join(import.meta.dirname, '..', '..');
const dist = join(root, 'dist');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; version: string };

let work: string;
let prefix: string;
let project: string;
let env: NodeJS.ProcessEnv;
let packed: { filename: string; files: { path: string }[] };
let install: RunResult;
let index: PackageIndex | undefined;
let aws: AwsTestServer | undefined;

/**
 * This test's processes see neither the npm_* variables of the `npm test` around it (its prefix,
 * its config) nor any pip configuration; the node running the tests comes first on PATH.
 */
function cleanEnv(): NodeJS.ProcessEnv {
  const base = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
  return {
    ...isolatedPipEnv(base),
    PATH: [dirname(process.execPath), process.env.PATH].join(delimiter),
    NO_COLOR: '1',
  };
}

// The user's own command line: the environment the test gives reaches the CLI whole (runProcess
// otherwise passes a child only what pip and the tools need).
function run(command: string, args: readonly string[], cwd: string, extra: NodeJS.ProcessEnv = {}) {
  return runProcess(command, args, {
    cwd,
    env: { ...env, ...extra },
    timeoutMs: 240_000,
    environment: 'user',
  });
}

const lambdaLayer = (args: readonly string[], extra: NodeJS.ProcessEnv = {}) =>
  run(join(prefix, 'bin', 'lambda-layer'), args, project, extra);

beforeAll(async () => {
  if (!existsSync(join(dist, 'cli.js'))) {
    throw new Error(
      'dist/cli.js is missing: run `npm run build` (CI rebuilds dist/ and checks it matches src/)',
    );
  }
  work = await mkdtemp(join(tmpdir(), 'lambda layer pack '));
  prefix = join(work, 'global prefix');
  project = join(work, 'some project');
  await mkdir(prefix);
  await mkdir(project);
  env = { ...cleanEnv(), XDG_CACHE_HOME: join(work, 'cache') };

  const pack = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], root);
  expect(pack.code, pack.output).toBe(0);
  packed = (JSON.parse(pack.stdout) as (typeof packed)[])[0] as typeof packed;
  // No --ignore-scripts: a user's install runs whatever the package declares (it declares none).
  install = await run(
    'npm',
    ['install', '--global', '--prefix', prefix, '--no-audit', '--no-fund', join(work, packed.filename)],
    work,
  );
}, 300_000);

afterAll(async () => {
  await aws?.close();
  await index?.cleanup();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('npm pack', () => {
  it('carries dist/ (CLI, its chunks, the Python programs, the worker), README and LICENSE; no sources or tests', () => {
    const files = packed.files.map((f) => f.path).sort();
    const cliFiles = readdirSync(dist, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && !(entry.parentPath === dist && entry.name === 'index.js'))
      .map((entry) => relative(root, join(entry.parentPath, entry.name)).split('\\').join('/'));
    expect(cliFiles).toContain('dist/zip/deflate-worker.cjs');
    expect(cliFiles.some((f) => /^dist\/cli-\d+\.js$/.test(f))).toBe(true);
    expect(cliFiles.some((f) => f.endsWith('.py'))).toBe(true);
    for (const file of [...cliFiles, 'LICENSE', 'README.md', 'package.json']) expect(files).toContain(file);
    // `lambda-layer init` copies the AWS template into the service from the installed package.
    expect(files).toContain('aws/github-roles.yml');
    // The action's bundle runs from a checkout of the repository, never from the npm package.
    expect(files).not.toContain('dist/index.js');
    const outside = files.filter(
      (f) => !/^(dist|aws|templates)\//.test(f) && !['LICENSE', 'README.md', 'package.json'].includes(f),
    );
    expect(outside).toEqual([]);
  });
});

describe('npm install -g of the tarball into an empty prefix', () => {
  it('installs one package, with no dependencies and no engine warning', () => {
    expect(install.code, install.output).toBe(0);
    expect(install.output).not.toContain('EBADENGINE');
    const installed = join(prefix, 'lib', 'node_modules', pkg.name);
    expect(existsSync(join(installed, 'dist', 'cli.js'))).toBe(true);
    expect(existsSync(join(installed, 'node_modules'))).toBe(false);
  });

  it('lambda-layer --version, from an unrelated folder, prints the package version', async () => {
    const result = await lambdaLayer(['--version']);
    expect(result.code, result.output).toBe(0);
    expect(result.stdout.trim()).toBe(pkg.version);
  });

  it('lambda-layer build -r requirements.txt writes layer-out/layer.zip', async () => {
    index = await createPackageIndex({ wheels: [{ name: 'tinyplain', version: '1.0' }] });
    await writeFile(join(project, 'requirements.txt'), 'tinyplain==1.0\n');
    // A cache folder of its own; the pinned pip is the one the test setup fetched.
    await seedPinnedPip(join(work, 'cache', 'lambda-layer'));
    const result = await lambdaLayer(['build', '-r', 'requirements.txt', '--index-url', index.indexUrl]);
    expect(result.code, result.output).toBe(0);
    const names = (await listZip(join(project, 'layer-out', 'layer.zip'))).map((entry) => entry.name);
    expect(names).toContain('python/tinyplain/__init__.py');
    expect(existsSync(join(project, 'layer-out', 'manifest.json'))).toBe(true);
  });

  it('lambda-layer publish (the AWS SDK chunks) publishes it and prints no SDK warning about Node', async () => {
    aws = await startAwsTestServer({ region: 'us-east-1' });
    const result = await lambdaLayer(
      ['publish', 'layer-out', '--layer-name', 'packed-cli', '--region', 'us-east-1'],
      aws.env,
    );
    expect(result.code, result.output).toBe(0);
    expect(aws.state.layerVersions('us-east-1', 'packed-cli')).toHaveLength(1);
    expect(result.output).not.toMatch(/NodeVersionSupportWarning|AWS SDK for JavaScript|Warning:/);
  });
});
