/**
 * Wheels are judged on what they declare before anything is unpacked, and refusals name the
 * wheel as the user knows it (its file name), never the build's temporary copy or its staging
 * folder. The CLI runs from source in its own process with a preloaded reporter of its peak
 * memory and of the bytes it wrote (test/support/report-usage.mjs), against a generated index:
 * - a 1 MB wheel holding one honestly declared 1 GiB file: refused before unpacking, naming the
 *   wheel, with the process well under 400 MB and writing nothing near 1 GiB (it peaked at
 *   2.18 GB and wrote 1 GiB into /dev/shm before the layer's size check);
 * - a wheel with a NUL byte in an entry name: one line naming the wheel, not "unexpected error".
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCacheDir } from '../../src/cache/dir-store.js';
import { runProcess } from '../../src/process.js';
import { createPackageIndex, isolatedPipEnv, type PackageIndex } from '../support/package-index.js';
import { seedPinnedPip } from '../support/pinned-pip-setup.js';

const repo = join(import.meta.dirname, '..', '..');
const hasProc = existsSync('/proc/self/status') && existsSync('/proc/self/io');
const GIB = 1024 ** 3;
const MB = 1000 ** 2;

let index: PackageIndex;
let cwd: string;
let env: NodeJS.ProcessEnv;

interface Run {
  readonly code: number | null;
  readonly output: string;
  readonly usage?: { peakRssBytes: number; writtenBytes: number };
}

async function build(requirement: string): Promise<Run> {
  await writeFile(join(cwd, 'requirements.txt'), `${requirement}\n`);
  const usageFile = join(cwd, `usage-${randomBytes(4).toString('hex')}.json`);
  const run = await runProcess(
    process.execPath,
    [
      '--import',
      join(repo, 'test/support/report-usage.mjs'),
      '--import',
      'tsx',
      join(repo, 'src/cli.ts'),
      'build',
      '--no-cache',
      '--out',
      join(cwd, 'out'),
      '-r',
      join(cwd, 'requirements.txt'),
      '--index-url',
      index.indexUrl,
    ],
    { cwd: repo, env: { ...env, USAGE_FILE: usageFile }, environment: 'user', timeoutMs: 300_000 },
  );
  const usage = existsSync(usageFile) ? JSON.parse(readFileSync(usageFile, 'utf8')) : undefined;
  return { code: run.code, output: run.output, usage };
}

/** The wheel file whose name holds `marker`, with the marker's first byte turned into NUL. */
async function plantNul(filename: string, marker: string): Promise<void> {
  const file = index.files.find((f) => f.filename === filename);
  if (!file) throw new Error(`no ${filename}`);
  const bytes = await readFile(file.path);
  // The name sits in the entry's local header (first) and in the central directory (last); the
  // deflated RECORD between them may hold it too, and is left alone.
  const first = bytes.indexOf(marker);
  const last = bytes.lastIndexOf(marker);
  expect(first).toBeGreaterThanOrEqual(0);
  expect(last).toBeGreaterThan(first);
  bytes[first] = 0;
  bytes[last] = 0;
  await writeFile(file.path, bytes);
  // The index page pins the sha256 of the original file: drop it, pip would refuse the new one.
  const page = join(index.dir, 'simple', file.project, 'index.html');
  await writeFile(page, (await readFile(page, 'utf8')).replace(/#sha256=[0-9a-f]+/, ''));
}

beforeAll(async () => {
  index = await createPackageIndex({
    wheels: [
      { name: 'bomb', version: '1.0', zeroFiles: { 'bomb/blob.bin': GIB } },
      { name: 'nulname', version: '1.0', files: { 'nulname/aQZQb.py': 'x = 1\n' } },
    ],
  });
  await plantNul('nulname-1.0-py3-none-any.whl', 'QZQ');
  cwd = await mkdtemp(join(tmpdir(), 'cli-wheel-bounds-'));
  env = { ...isolatedPipEnv(), XDG_CACHE_HOME: join(cwd, '.cache'), PIP_NO_CACHE_DIR: '1' };
  await seedPinnedPip(defaultCacheDir(env));
}, 300_000);

afterAll(async () => {
  await index?.cleanup();
  if (cwd) await rm(cwd, { recursive: true, force: true });
});

describe('wheels are bounded by what they declare', () => {
  it('a 1 GiB file in a 1 MB wheel is refused before unpacking, naming the wheel', async () => {
    const wheel = index.files.find((f) => f.project === 'bomb');
    expect(readFileSync(wheel?.path ?? '').length).toBeLessThan(2 * MB);
    const run = await build('bomb==1.0');
    expect(run.code, run.output).toBe(1);
    const errors = run.output.split('\n').filter((line) => line.startsWith('error: '));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/add up to 1073742\d{3} bytes .*over Lambda's limit of 262144000 bytes/);
    expect(errors[0]).toContain('the largest: bomb-1.0-py3-none-any.whl (1024.0 MiB)');
    expect(errors.join('\n')).not.toMatch(/lambda-layer-build-|\/dev\/shm/);
    expect(existsSync(join(cwd, 'out', 'layer.zip'))).toBe(false);
    if (hasProc) {
      expect(run.usage?.peakRssBytes).toBeLessThan(400 * MB);
      expect(run.usage?.writtenBytes).toBeLessThan(50 * MB);
    }
  }, 300_000);

  it('a NUL byte in an entry name is refused in one line naming the wheel', async () => {
    const run = await build('nulname==1.0');
    expect(run.code, run.output).toBe(1);
    const errors = run.output.split('\n').filter((line) => line.startsWith('error: '));
    expect(errors).toEqual([
      'error: the wheel nulname-1.0-py3-none-any.whl has a file whose name holds a NUL byte: "nulname/a\\x00ZQb.py"',
    ]);
    expect(run.output).not.toContain('unexpected error');
  }, 300_000);
});
