/**
 * pip expands `${VAR}` in requirement files: a line naming a secret variable must not send it
 * anywhere or print it. The CLI runs as a real process with an AWS secret in its environment
 * and a requirements file whose extra index URL names `${AWS_SECRET_ACCESS_KEY}`; a local index
 * records every request. pip gets only the allow-listed environment (src/child-env.ts), so the
 * variable stays unexpanded. A `${PIP_...}` variable, the documented way to pass an index token
 * on purpose, still reaches pip.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCacheDir } from '../../src/cache/dir-store.js';
import { runCli } from '../support/cli-process.js';
import { type HttpIndex, serveIndex } from '../support/http-index.js';
import { createPackageIndex, isolatedPipEnv, type PackageIndex } from '../support/package-index.js';
import { seedPinnedPip } from '../support/pinned-pip-setup.js';

const SECRET = `planted-${randomBytes(8).toString('hex')}`;
const TOKEN = `token-${randomBytes(8).toString('hex')}`;
let index: PackageIndex;
let server: HttpIndex;
let cwd: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  index = await createPackageIndex({ wheels: [{ name: 'webby', version: '1.0' }] });
  server = await serveIndex(index.dir);
  cwd = await mkdtemp(join(tmpdir(), 'cli-pip-env-'));
  const origin = server.url.replace(/\/simple$/, '');
  await writeFile(
    join(cwd, 'requirements.txt'),
    [
      `--extra-index-url ${origin}/\${AWS_SECRET_ACCESS_KEY}/simple`,
      `--extra-index-url ${origin}/\${PIP_LAYER_TEST_TOKEN}/simple`,
      'webby==1.0',
      '',
    ].join('\n'),
  );
  env = {
    ...isolatedPipEnv(),
    XDG_CACHE_HOME: join(cwd, '.cache'),
    PIP_NO_CACHE_DIR: '1',
    AWS_SECRET_ACCESS_KEY: SECRET,
    PIP_LAYER_TEST_TOKEN: TOKEN,
  };
  await seedPinnedPip(defaultCacheDir(env));
}, 120_000);

afterAll(async () => {
  await server?.close();
  await index?.cleanup();
  if (cwd) await rm(cwd, { recursive: true, force: true });
});

describe('pip never sees the user environment', () => {
  it('an AWS_SECRET_ACCESS_KEY variable named in a requirements file is neither sent nor printed', async () => {
    const run = await runCli(
      ['build', '--verbose', '--no-cache', '--out', 'out', '--index-url', server.url],
      { cwd, env },
    );
    expect(run.code, run.stderr).toBe(0);
    // pip did read the extra indexes (so the test would see an expanded secret)...
    expect(server.requests.some((path) => path.includes(`/${TOKEN}/simple/webby`))).toBe(true);
    // ...but never with the secret in them.
    expect(server.requests.join('\n')).not.toContain(SECRET);
    // The user is told which variable pip did not get, and how to pass one on purpose.
    expect(run.stderr).toMatch(
      /requirements\.txt:1 names \$\{AWS_SECRET_ACCESS_KEY\}, which pip does not get/,
    );
    expect(run.stderr).not.toMatch(/names \$\{PIP_LAYER_TEST_TOKEN\}/);
    const manifest = await readFile(join(cwd, 'out', 'manifest.json'), 'utf8');
    for (const text of [run.stdout, run.stderr, manifest]) expect(text).not.toContain(SECRET);
  }, 180_000);
});
