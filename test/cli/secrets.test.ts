/**
 * A planted index password must never be printed: the CLI runs as a real process with
 * --verbose (so pip's command line is shown) against a private index behind basic auth, once
 * reachable and once not, and stdout, stderr and manifest.json are searched for the password.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCacheDir } from '../../src/cache/dir-store.js';
import { runCli } from '../support/cli-process.js';
import { closedPort, type HttpIndex, serveIndex } from '../support/http-index.js';
import { createPackageIndex, isolatedPipEnv, type PackageIndex } from '../support/package-index.js';
import { seedPinnedPip } from '../support/pinned-pip-setup.js';

const PASSWORD = `planted-${randomBytes(6).toString('hex')}`;
let index: PackageIndex;
let server: HttpIndex;
let cwd: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  index = await createPackageIndex({
    wheels: [
      { name: 'webby', version: '1.2.0', requiresDist: ['helper>=1'] },
      { name: 'helper', version: '1.0' },
    ],
  });
  server = await serveIndex(index.dir, { auth: { user: 'deploy', password: PASSWORD } });
  cwd = await mkdtemp(join(tmpdir(), 'cli-secrets-'));
  await writeFile(join(cwd, 'requirements.txt'), 'webby==1.2.0\n');
  await writeFile(join(cwd, 'missing.txt'), 'nosuchpkg==1.0\n');
  env = { ...isolatedPipEnv(), XDG_CACHE_HOME: join(cwd, '.cache'), PIP_NO_CACHE_DIR: '1' };
  // The private index does not offer pip: the build's tool cache gets the already-fetched one.
  await seedPinnedPip(defaultCacheDir(env));
}, 120_000);

afterAll(async () => {
  await server?.close();
  await index?.cleanup();
  if (cwd) await rm(cwd, { recursive: true, force: true });
});

describe('index credentials are never printed', () => {
  it('reachable private index: the build succeeds, pip got the credentials, nothing shows them', async () => {
    const run = await runCli(
      [
        'build',
        '--verbose',
        '--no-cache',
        '--out',
        'out-ok',
        `--index-url=${server.urlWithCredentials}`,
        '--extra-index-url',
        server.urlWithCredentials,
        '--find-links',
        `${server.urlWithCredentials}/webby/`,
      ],
      { cwd, env },
    );
    expect(run.stderr).toContain('Installed 2 distributions');
    expect(run.code).toBe(0);
    // The pip command line was shown (--verbose), with the credentials masked.
    expect(run.stderr).toContain(`--index-url http://****@${server.host}/simple`);
    const manifest = await readFile(join(cwd, 'out-ok', 'manifest.json'), 'utf8');
    for (const text of [run.stdout, run.stderr, manifest]) expect(text).not.toContain(PASSWORD);
  });

  it('reachable index without the package: the diagnosis reads the index with the credentials', async () => {
    const run = await runCli(
      [
        'build',
        '--verbose',
        '--no-cache',
        '-r',
        'missing.txt',
        '--out',
        'out-missing',
        '--index-url',
        server.urlWithCredentials,
      ],
      { cwd, env },
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('no package index offers nosuchpkg');
    expect(run.stderr).not.toContain('cannot be reached');
    expect(run.stdout + run.stderr).not.toContain(PASSWORD);
  });

  it('unreachable private index: the error names the index without its credentials', async () => {
    const url = `http://deploy:${PASSWORD}@127.0.0.1:${await closedPort()}/simple`;
    const run = await runCli(['build', '--verbose', '--no-cache', '--out', 'out-down', '--index-url', url], {
      cwd,
      env,
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /no package index answers: http:\/\/\*\*\*\*@127\.0\.0\.1:\d+\/simple \(connection refused\)/,
    );
    expect(run.stdout + run.stderr).not.toContain(PASSWORD);
  });
});
