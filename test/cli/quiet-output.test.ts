/**
 * What a build says by default, through the CLI entry with real pip: the user's files and lines,
 * each index once, an index that does not answer reported once and early (pip's retries never
 * start), and the cache accounting only under --verbose.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { memoryLogger } from '../../src/log.js';
import { closedPort } from '../support/http-index.js';
import { createPackageIndex, isolatedPipEnv, type PackageIndex } from '../support/package-index.js';
import { seedPinnedPip } from '../support/pinned-pip-setup.js';

let index: PackageIndex;
let cwd: string;

beforeAll(async () => {
  index = await createPackageIndex({
    wheels: [
      { name: 'webby', version: '1.2.0', requiresDist: ['helper>=1'] },
      { name: 'helper', version: '1.0' },
    ],
  });
  cwd = await mkdtemp(join(tmpdir(), 'cli-quiet-'));
  await writeFile(join(cwd, 'requirements.txt'), 'webby==1.2.0\n');
  await mkdir(join(cwd, 'svc'));
  await writeFile(
    join(cwd, 'svc', 'pyproject.toml'),
    '[project]\nname = "svc"\nversion = "1"\ndependencies = [\n  "webby==1.2.0",\n]\n',
  );
  await seedPinnedPip(join(cwd, '.cache', 'lambda-layer'));
}, 120_000);

afterAll(async () => {
  await index?.cleanup();
  if (cwd) await rm(cwd, { recursive: true, force: true });
});

async function cli(
  args: string[],
  env: NodeJS.ProcessEnv = { ...isolatedPipEnv(), XDG_CACHE_HOME: join(cwd, '.cache') },
) {
  const stdout = new PassThrough();
  stdout.resume();
  const log = memoryLogger();
  const started = Date.now();
  const code = await main(args, { stdout, log, env, cwd });
  // The memory logger keeps debug lines too: `shown` is what a terminal shows without --verbose.
  const shown = log.lines.filter((line) => !line.startsWith('debug:'));
  return {
    code,
    log: log.lines.join('\n'),
    shown: shown.join('\n'),
    lines: shown,
    seconds: (Date.now() - started) / 1000,
  };
}

describe('a default build is quiet', () => {
  it('cache accounting, compile counts and scratch paths only under --verbose', async () => {
    const quiet = await cli(['build', '--out', 'quiet', '--index-url', index.indexUrl]);
    expect(quiet.code, quiet.log).toBe(0);
    expect(quiet.shown).not.toMatch(/per-wheel cache|Compiled \d+ of|Saved \/|lambda-layer-build-/);
    const verbose = await cli([
      'build',
      '--out',
      'verbose',
      '--index-url',
      index.indexUrl,
      '--verbose',
      '--force-rebuild',
    ]);
    expect(verbose.code, verbose.log).toBe(0);
    expect(verbose.log).toMatch(/debug: ELF headers of \d+ binar(y|ies) from the per-wheel cache/);
    expect(verbose.log).toMatch(/debug: Compiled \d+ of \d+ modules/);
    expect(verbose.log).toMatch(/debug: {3}Saved \//);
  });

  it("pip's lines name the user's file and line, not the temporary requirements file", async () => {
    const { code, log, shown } = await cli([
      'build',
      '-r',
      'svc',
      '--out',
      'svc-out',
      '--index-url',
      index.indexUrl,
    ]);
    expect(code, log).toBe(0);
    expect(shown).not.toContain('layer-input-requirements.txt');
    expect(log).toMatch(/Processing .*webby-1\.2\.0-py3-none-any\.whl \(from svc\/pyproject\.toml:5\)/);
    expect(log).toMatch(/\(from webby==1\.2\.0->svc\/pyproject\.toml:5\)/);
  });

  it('an index given twice is listed (and searched) once', async () => {
    const { code, log } = await cli([
      'build',
      '--out',
      'twice',
      '--index-url',
      index.indexUrl,
      '--extra-index-url',
      index.indexUrl,
    ]);
    expect(code, log).toBe(0);
    expect(log).toContain(`Looking in indexes: ${index.indexUrl}\n`);
  });
});

describe('an index that does not answer', () => {
  // pip's own retries (5, with backoff) as a user has them: the check must make them moot.
  const withRetries = (): NodeJS.ProcessEnv => {
    const env: NodeJS.ProcessEnv = { ...isolatedPipEnv(), XDG_CACHE_HOME: join(cwd, '.cache') };
    delete env.PIP_RETRIES;
    return env;
  };

  it('when none answers: one line naming the index and --index-url, before pip retries anything', async () => {
    const dead = `http://127.0.0.1:${await closedPort()}/simple`;
    const { code, lines, log, seconds } = await cli(
      ['build', '--out', 'dead', '--index-url', dead, '--no-cache'],
      withRetries(),
    );
    expect(code).toBe(1);
    expect(log).not.toContain('Retrying');
    const errors = lines.filter((line) => line.startsWith('error:'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(`no package index answers: ${dead} (connection refused)`);
    expect(errors[0]).toContain('point --index-url at an index that answers');
    expect(lines.filter((line) => line.startsWith('warn:'))).toEqual([]);
    expect(seconds).toBeLessThan(30);
  });

  it('when some answer: one warning naming the others, and the build goes on without them', async () => {
    const dead = `http://127.0.0.1:${await closedPort()}/simple`;
    const { code, lines, log } = await cli(
      ['build', '--out', 'some', '--index-url', index.indexUrl, '--extra-index-url', dead, '--no-cache'],
      withRetries(),
    );
    expect(code, log).toBe(0);
    expect(log).not.toContain('Retrying');
    expect(lines.filter((line) => line.startsWith('warn:'))).toEqual([
      `warn: package index not answering, left out of this build: ${dead} (connection refused)`,
    ]);
    expect(log).toContain(`Looking in indexes: ${index.indexUrl}\n`);
  });
});
