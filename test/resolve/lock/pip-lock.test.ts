/**
 * What `pip lock` really writes builds: `pip lock .` (the project itself in the lock as a
 * directory package at the lock's folder: skipped, its dependencies installed) and `pip lock -r
 * requirements.txt`. The locks are pip 26.2.1's own output, committed under
 * test/fixtures/pip-lock (its README says how they were made); the builds use real pip and the
 * machine's wheel mirror.
 */
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../../src/errors.js';
import { buildLayer } from '../../../src/layer/index.js';
import { memoryLogger } from '../../../src/log.js';
import { selectFromPylock } from '../../../src/resolve/lock/pylock.js';
import { resolveTarget } from '../../../src/target.js';
import { machineMirror, NO_MIRROR_MESSAGE } from '../../support/mirror.js';

const fixtures = join(import.meta.dirname, '..', '..', 'fixtures', 'pip-lock');
const target = resolveTarget('python3.11', 'x86_64');
const mirror = machineMirror();
if (!mirror) console.warn(NO_MIRROR_MESSAGE);

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'pip-lock-'));
});
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('selecting from a pip-written pylock.toml', () => {
  it('`pip lock .`: the project (directory ".") is skipped, its dependencies selected', async () => {
    const file = join(fixtures, 'project', 'pylock.toml');
    const text = await readFile(file, 'utf8');
    expect(text).toMatch(/name = "my-svc"\n\n\[packages\.directory\]\npath = "\."/);
    const selection = selectFromPylock(text, file, target, { extras: [], groups: [] });
    expect(selection.packages.map((p) => `${p.name}==${p.version}`)).toEqual([
      'blinker==1.9.0',
      'itsdangerous==2.2.0',
    ]);
  });

  it('another directory package is still refused: it is not the locked project', async () => {
    const file = join(fixtures, 'project', 'pylock.toml');
    const text = (await readFile(file, 'utf8')).replace('path = "."', 'path = "../shared-lib"');
    const error = (() => {
      try {
        return selectFromPylock(text, file, target, { extras: [], groups: [] });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toMatch(/my-svc comes from a directory/);
  });
});

describe.skipIf(!mirror)('building from pip lock outputs', () => {
  async function buildFrom(fixture: string) {
    // A copy: the build writes its output folder beside the lock.
    const dir = join(work, fixture);
    await cp(join(fixtures, fixture), dir, { recursive: true });
    const log = memoryLogger();
    const result = await buildLayer(
      {
        requirementsFile: join(dir, 'pylock.toml'),
        projectDir: dir,
        target,
        outDir: join(dir, 'out'),
        indexUrl: mirror?.indexUrl,
        extraIndexUrls: mirror?.extraIndexUrls ?? [],
        findLinks: mirror?.findLinks ?? [],
        bytecode: false,
        sdist: 'never',
      },
      log,
      { env: { ...process.env, PIP_RETRIES: '0' } },
    );
    return result.manifest;
  }

  it('`pip lock .` builds: the dependencies are in the layer, the project is not', async () => {
    const manifest = await buildFrom('project');
    expect(manifest.input).toEqual({ file: 'pylock.toml', format: 'pylock' });
    expect(manifest.packages.map((p) => p.name).sort()).toEqual(['blinker', 'itsdangerous']);
    expect(manifest.importProof?.modules.map((m) => m.module).sort()).toEqual(['blinker', 'itsdangerous']);
  }, 180_000);

  it('`pip lock -r requirements.txt` builds the same packages', async () => {
    const manifest = await buildFrom('requirements');
    expect(manifest.packages.map((p) => `${p.name}==${p.version}`).sort()).toEqual([
      'blinker==1.9.0',
      'itsdangerous==2.2.0',
    ]);
  }, 180_000);
});
