/**
 * The hostile zip corpus through the CLI as users run it (`lambda-layer verify` and `invoke`,
 * from source through tsx, each in its own process): exit 1 with one error line and no stack,
 * nothing written outside the process's temporary folder (TMPDIR points into a sandbox that is
 * compared before and after), and for the bombs a bound on the process's peak memory and on
 * the bytes it wrote, read from /proc by a preloaded reporter (test/support/report-usage.mjs).
 */

import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProcess } from '../../src/process.js';
import { treeOf } from '../zip/fixtures.js';
import { craftZip } from '../zip/hostile.js';
import { type HostileCase, hostileCorpus } from '../zip/hostile-corpus.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const hasProc = existsSync('/proc/self/status') && existsSync('/proc/self/io');
/** Above the peak of verifying a two-file zip, measured first; the old reader took 635 MB more. */
const MEMORY_HEADROOM = 64 * 1024 * 1024;

interface CliRun {
  readonly code: number | null;
  readonly output: string;
  readonly usage?: { peakRssBytes: number; writtenBytes: number };
}

let sandbox: string;
let zips: string;
let tmp: string;
let baseline: CliRun;
const outside = join(tmpdir(), `lambda-layer-hostile-cli-${randomBytes(6).toString('hex')}`);

/** Runs the CLI from source with TMPDIR in the sandbox; returns its exit, output and usage. */
async function cli(args: readonly string[]): Promise<CliRun> {
  const usageFile = join(sandbox, `usage-${randomBytes(4).toString('hex')}.json`);
  const run = await runProcess(
    process.execPath,
    [
      '--import',
      join(repo, 'test/support/report-usage.mjs'),
      '--import',
      'tsx',
      join(repo, 'src/cli.ts'),
      ...args,
    ],
    {
      cwd: repo, // tsx resolves from here; the zips and TMPDIR are in the sandbox
      env: { ...process.env, TMPDIR: tmp, USAGE_FILE: usageFile },
      environment: 'user',
      timeoutMs: 120_000,
    },
  );
  const usage = existsSync(usageFile) ? JSON.parse(readFileSync(usageFile, 'utf8')) : undefined;
  rmSync(usageFile, { force: true });
  return { code: run.code, output: run.output, usage };
}

/** The sandbox's files, but for tsx's own transform cache in TMPDIR. */
function sandboxTree(): string[] {
  return treeOf(sandbox).filter((path) => !/^tmp\/tsx-/.test(path) && !/^usage-/.test(path));
}

function expectOneErrorLine(run: CliRun, refusal: RegExp): void {
  expect(run.code, run.output).toBe(1);
  const errors = run.output.split('\n').filter((line) => line.startsWith('error: '));
  expect(errors, run.output).toHaveLength(1);
  expect(errors[0]).toMatch(refusal);
  expect(run.output).not.toMatch(/^\s+at /m); // no stack trace
}

beforeAll(async () => {
  sandbox = mkdtempSync(join(tmpdir(), 'hostile-cli-'));
  zips = join(sandbox, 'zips');
  tmp = join(sandbox, 'tmp');
  mkdirSync(zips);
  mkdirSync(tmp);
  mkdirSync(join(sandbox, 'code'));
  writeFileSync(join(sandbox, 'code', 'fn.py'), 'def handler(event, context):\n    return "ran"\n');
  const fine = join(zips, 'fine.zip');
  writeFileSync(
    fine,
    craftZip([
      { name: 'python/a.py', content: 'X = 1\n' },
      { name: 'python/b.py', content: '' },
    ]),
  );
  baseline = await cli(['verify', fine]); // also fills tsx's cache before anything is measured
  expect(baseline.code, baseline.output).toBe(0);
});
afterAll(() => rmSync(sandbox, { recursive: true, force: true }));

const corpus = hostileCorpus(outside);
const byName = (name: string): HostileCase => corpus.find((c) => c.name.startsWith(name)) as HostileCase;
const invoked = [
  'symlink chain through a link',
  'self-referencing symlink',
  'duplicate entry names',
  'a file and a directory with the same name',
  'bomb declaring 1,000 bytes',
  'bomb declaring 5 MiB',
].map(byName);

async function expectRefused(hostile: HostileCase, command: 'verify' | 'invoke'): Promise<void> {
  const zip = join(zips, `${hostile.name.replace(/\W+/g, '-')}.zip`);
  if (!existsSync(zip)) writeFileSync(zip, hostile.zip());
  const before = sandboxTree();
  const args =
    command === 'verify'
      ? ['verify', zip]
      : ['invoke', '--layer', zip, '--handler', 'fn.handler', '--code', join(sandbox, 'code')];
  const run = await cli(args);
  expectOneErrorLine(run, hostile.refusal);
  expect(sandboxTree()).toEqual(before); // the temporary extraction folder is gone, nothing else appeared
  expect(existsSync(outside)).toBe(false);
  if (hostile.declaredBytes !== undefined && hasProc && run.usage && baseline.usage) {
    expect(run.usage.peakRssBytes).toBeLessThan(baseline.usage.peakRssBytes + MEMORY_HEADROOM);
    // What the zip declared, plus the error message; the old reader wrote 1 GB for the 5 MiB one.
    expect(run.usage.writtenBytes).toBeLessThan(hostile.declaredBytes + 64 * 1024);
    console.log(
      `${command} ${hostile.name}: peak RSS ${(run.usage.peakRssBytes / 2 ** 20).toFixed(1)} MiB (two-file zip: ${(baseline.usage.peakRssBytes / 2 ** 20).toFixed(1)} MiB), wrote ${run.usage.writtenBytes} bytes`,
    );
  }
}

describe('lambda-layer verify on hostile zips', () => {
  it.each(corpus.map((c) => [c.name, c] as const))('%s', async (_name, hostile) => {
    await expectRefused(hostile, 'verify');
  });

  it('names a directory, a missing file, a non-zip, a symlink loop, a FIFO, a path too long, exit 1', async () => {
    const notZip = join(zips, 'notes.zip');
    writeFileSync(notZip, 'not a zip at all\n');
    const loop = join(zips, 'loop.zip');
    symlinkSync('loop.zip', loop);
    const fifo = join(zips, 'fifo.zip');
    execFileSync('mkfifo', [fifo], { timeout: 10_000 });
    for (const [path, refusal] of [
      // A folder is taken as a build's output folder: its layer.zip.
      [zips, /zips\/layer\.zip: no such file/],
      [join(zips, 'missing.zip'), /missing\.zip: no such file/],
      [notZip, /notes\.zip is not a readable zip: End of central directory record signature not found/],
      [loop, /loop\.zip is a symbolic link that loops back on itself/],
      [fifo, /fifo\.zip is not a regular file/], // opening it would wait for a writer forever
      [join(zips, `${'a'.repeat(300)}.zip`), /the path is too long for the file system/],
      [join(notZip, 'inner.zip'), /inner\.zip: a folder in this path is a file/],
    ] as const) {
      expectOneErrorLine(await cli(['verify', path]), refusal);
    }
  });

  it('verifies 10,000 tiny entries within a memory bound', async () => {
    const many = join(zips, 'many.zip');
    const entries = Array.from({ length: 10_000 }, (_, i) => ({
      name: `python/p${i % 50}/m${i}.py`,
      content: '',
    }));
    writeFileSync(many, craftZip(entries));
    const run = await cli(['verify', many]);
    expect(run.code, run.output).toBe(0);
    if (hasProc && run.usage && baseline.usage) {
      // Measured with 20,000 entries: 190 MB peak (the reader before yauzl: 175 MB), most of it
      // the verification's walk of the tree; a few KB per entry more would cross this.
      expect(run.usage.peakRssBytes).toBeLessThan(baseline.usage.peakRssBytes + 2 * MEMORY_HEADROOM);
    }
  });
});

describe('lambda-layer invoke on hostile zips', () => {
  it.each(invoked.map((c) => [c.name, c] as const))('%s', async (_name, hostile) => {
    await expectRefused(hostile, 'invoke');
  });
});
