/**
 * Inputs pip would take silently: a --find-links folder that does not exist (pip only logs
 * that it ignores it) fails naming it; a requirements file with nothing to install builds an
 * empty layer with a warning annotated on the file.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCacheDir } from '../../src/cache/dir-store.js';
import { main } from '../../src/cli.js';
import type { SourceLocation } from '../../src/errors.js';
import type { Logger } from '../../src/log.js';
import { checkFindLinks } from '../../src/resolve/find-links.js';
import { createPackageIndex, isolatedPipEnv, type PackageIndex } from '../support/package-index.js';
import { seedPinnedPip } from '../support/pinned-pip-setup.js';

let index: PackageIndex;
let cwd: string;

beforeAll(async () => {
  index = await createPackageIndex({ wheels: [{ name: 'webby', version: '1.0' }] });
  cwd = await mkdtemp(join(tmpdir(), 'input-checks-'));
  await writeFile(join(cwd, 'requirements.txt'), 'webby==1.0\n');
  await writeFile(
    join(cwd, 'empty.txt'),
    '# nothing yet\n\n--index-url https://example.invalid/simple\n   \n',
  );
}, 60_000);
afterAll(async () => {
  await index?.cleanup();
  if (cwd) await rm(cwd, { recursive: true, force: true });
});

/** A logger that keeps warnings with their location, as the action would annotate them. */
function recordingLogger(): Logger & {
  lines: string[];
  warnings: { message: string; where?: SourceLocation }[];
} {
  const lines: string[] = [];
  const warnings: { message: string; where?: SourceLocation }[] = [];
  return {
    lines,
    warnings,
    info: (m) => lines.push(`info: ${m}`),
    warn: (message, where) => {
      lines.push(`warn: ${message}`);
      warnings.push({ message, where });
    },
    error: (m) => lines.push(`error: ${m}`),
    debug: () => undefined,
    group: (_title, work) => work(),
  };
}

async function build(args: string[]) {
  const log = recordingLogger();
  const env = { ...isolatedPipEnv(), XDG_CACHE_HOME: join(cwd, '.cache') };
  await seedPinnedPip(defaultCacheDir(env)).catch(() => undefined); // linked once per folder
  const code = await main(['build', '--no-cache', ...args], { stdout: new PassThrough(), log, env, cwd });
  return { code, log };
}

describe('--find-links that does not exist', () => {
  it('fails naming the input and the resolved path, before pip runs', async () => {
    const { code, log } = await build([
      '--find-links',
      './missing',
      '--index-url',
      index.indexUrl,
      '--out',
      'o1',
    ]);
    // A bad flag value: a usage error (exit 2), named as the flag the user typed.
    expect(code).toBe(2);
    expect(log.lines.join('\n')).toContain(`--find-links: ${join(cwd, 'missing')} does not exist`);
    expect(log.lines.join('\n')).not.toContain('Install requirements');
  });

  it('accepts existing folders and leaves URLs to pip', () => {
    expect(() =>
      checkFindLinks([index.filesDir, `file://${index.filesDir}`, 'https://example.invalid/wheels/']),
    ).not.toThrow();
    expect(() => checkFindLinks(['file:///no/such/folder'])).toThrow(
      'Input "find-links": /no/such/folder does not exist',
    );
  });
});

describe('a requirements file with nothing to install', () => {
  it('builds, with a warning annotated on the file', async () => {
    const { code, log } = await build(['-r', 'empty.txt', '--index-url', index.indexUrl, '--out', 'o2']);
    expect(code).toBe(0);
    expect(log.warnings).toEqual([
      {
        message: expect.stringContaining(`${join(cwd, 'empty.txt')} lists no requirement`),
        where: { file: join(cwd, 'empty.txt'), line: 1 },
      },
    ]);
  });

  it('a file with a requirement gets no such warning', async () => {
    const { code, log } = await build(['--index-url', index.indexUrl, '--out', 'o3']);
    expect(code).toBe(0);
    expect(log.warnings).toEqual([]);
  });
});
