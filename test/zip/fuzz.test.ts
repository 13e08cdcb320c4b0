/**
 * Fuzzing the zip reader for a bounded time: random mutations of valid zips (bit flips, header
 * fields set to edge values, names rewritten to climb out, truncation, spliced and deleted
 * ranges) through listZip and extractZip. Whatever the bytes, the reader returns or throws a
 * UserError, within a time bound, and writes nothing outside the destination.
 *
 * Seeded and repeatable: ZIP_FUZZ_SEED picks the seed (default fixed), ZIP_FUZZ_MS the budget
 * (default 4 s). A failure names the seed and iteration and keeps the mutant.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { extractZip, listZip } from '../../src/zip/reader.js';
import { prng } from '../support/prng.js';
import { python, treeOf } from './fixtures.js';
import { craftZip } from './hostile.js';

const SEED = Number(process.env.ZIP_FUZZ_SEED ?? 20_251_130);
const BUDGET_MS = Number(process.env.ZIP_FUZZ_MS ?? 4_000);
/** One mutant may take this long (the largest base zip extracts in milliseconds). */
const PER_CASE_MS = 10_000;
/** Enough for every base zip; a mutant declaring more is refused, not extracted. */
const MAX_BYTES = 16 * 1024 * 1024;

let sandbox: string;
let bases: Buffer[];

beforeAll(() => {
  sandbox = mkdtempSync(join(tmpdir(), 'zip-fuzz-'));
  const text = Buffer.from('def f():\n    return 1\n'.repeat(3000));
  bases = [
    craftZip([
      { name: 'python/', mode: 0o040755 },
      { name: 'python/pkg/__init__.py', content: 'X = 1\n' },
      { name: 'python/pkg/stored.txt', content: 'stored content\n', method: 0 },
      { name: 'python/pkg/big.py', content: text },
      { name: 'python/pkg/alias.py', content: '__init__.py', mode: 0o120777 },
      { name: 'python/pkg/up', content: '..', mode: 0o120777 },
      { name: 'python/pkg/wide.bin', content: Buffer.alloc(5000, 1), zip64: true },
      { name: 'python/run.sh', content: '#!/bin/sh\n', mode: 0o100755 },
    ]),
  ];
  // Python's zipfile writing to a pipe: data descriptors and ZIP64 local headers.
  const piped = join(sandbox, 'python.zip');
  python(
    `import sys, zipfile
out = open(sys.argv[1], 'wb')
class Unseekable:
    def write(self, b): return out.write(b)
    def flush(self): out.flush()
with zipfile.ZipFile(Unseekable(), 'w', zipfile.ZIP_DEFLATED) as z:
    z.writestr('python/a.py', 'A = 1\\n' * 200)
    z.writestr('python/dir/', '')
    z.writestr('python/ünï.py', 'X = "ü"\\n')
out.close()`,
    piped,
  );
  bases.push(readFileSync(piped));
});
afterAll(() => rmSync(sandbox, { recursive: true, force: true }));

const EDGE_U32 = [0, 1, 0x7f, 0xffff, 0x7fffffff, 0xfffffffe, 0xffffffff];
const EVIL_NAMES = ['../', '/', '\\..\\', '\0', '..', 'C:'];
const SIGNATURES = [0x04034b50, 0x02014b50, 0x06054b50, 0x06064b50, 0x07064b50];

/** Offsets of the zip's records, where mutations do the most damage. */
function recordOffsets(zip: Buffer): number[] {
  const found: number[] = [];
  for (let i = 0; i + 4 <= zip.length; i++) if (SIGNATURES.includes(zip.readUInt32LE(i))) found.push(i);
  return found;
}

function mutate(base: Buffer, random: () => number): Buffer {
  let zip = Buffer.from(base);
  const pick = (n: number) => Math.floor(random() * n);
  const records = recordOffsets(zip);
  const near = () =>
    records.length > 0 && random() < 0.7
      ? Math.min(zip.length - 1, (records[pick(records.length)] ?? 0) + pick(48))
      : pick(zip.length);
  for (let rounds = 1 + pick(4); rounds > 0 && zip.length > 0; rounds--) {
    switch (pick(7)) {
      case 0: {
        const at = near();
        zip[at] = (zip[at] ?? 0) ^ (1 << pick(8));
        break;
      }
      case 1: {
        const at = Math.min(near(), zip.length - 4);
        if (at >= 0) zip.writeUInt32LE(EDGE_U32[pick(EDGE_U32.length)] ?? 0, at);
        break;
      }
      case 2: {
        const at = Math.min(near(), zip.length - 2);
        if (at >= 0) zip.writeUInt16LE(pick(0x10000), at);
        break;
      }
      case 3: {
        const evil = Buffer.from(EVIL_NAMES[pick(EVIL_NAMES.length)] ?? '');
        const name = zip.indexOf('python/', pick(zip.length));
        if (name >= 0) evil.copy(zip, name);
        break;
      }
      case 4:
        zip = zip.subarray(0, pick(zip.length));
        break;
      case 5: {
        const from = pick(zip.length);
        const slice = zip.subarray(from, from + pick(200));
        const at = pick(zip.length);
        zip = Buffer.concat([zip.subarray(0, at), slice, zip.subarray(at)]);
        break;
      }
      default: {
        const from = pick(zip.length);
        zip = Buffer.concat([zip.subarray(0, from), zip.subarray(from + 1 + pick(64))]);
      }
    }
  }
  return zip;
}

async function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`took more than ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

describe('fuzzing the zip reader', () => {
  it('the base zips extract (the mutants start from valid archives)', async () => {
    for (const [i, base] of bases.entries()) {
      const file = join(sandbox, `base-${i}.zip`);
      writeFileSync(file, base);
      await extractZip(file, join(sandbox, `base-${i}-out`), { maxBytes: MAX_BYTES });
    }
  });

  it(`returns or throws a UserError for every mutant, writing only inside the destination (seed ${SEED})`, async () => {
    const random = prng(SEED);
    // Deep, so that a name climbing a few levels out of the destination still lands in the sandbox.
    const root = join(sandbox, 'a', 'b', 'c', 'd', 'e', 'f');
    mkdirSync(root, { recursive: true });
    const started = Date.now();
    const outcomes = { extracted: 0, refused: 0 };
    let iteration = 0;
    for (; Date.now() - started < BUDGET_MS; iteration++) {
      const zip = join(root, 'mutant.zip');
      const bytes = mutate(bases[iteration % bases.length] as Buffer, random);
      writeFileSync(zip, bytes);
      const dest = join(root, 'out');
      try {
        await within(
          PER_CASE_MS,
          listZip(zip).catch(() => undefined),
        );
        await within(PER_CASE_MS, extractZip(zip, dest, { maxBytes: MAX_BYTES }));
        outcomes.extracted++;
      } catch (error) {
        if (!(error instanceof UserError)) {
          copyFileSync(zip, join(tmpdir(), `zip-fuzz-${SEED}-${iteration}.zip`));
          throw new Error(
            `seed ${SEED} iteration ${iteration}: ${(error as Error).stack} (mutant kept in ${tmpdir()})`,
          );
        }
        expect((error as Error).message).not.toContain('\n');
        outcomes.refused++;
      }
      // Only the mutant and the destination exist under the sandbox's deep folder and above.
      const stray = treeOf(sandbox).filter(
        (path) =>
          !/^base-|^python\.zip$/.test(path) &&
          !'a/b/c/d/e/f'.startsWith(path) &&
          !path.startsWith('a/b/c/d/e/f/out') &&
          path !== 'a/b/c/d/e/f/mutant.zip',
      );
      if (stray.length > 0) throw new Error(`seed ${SEED} iteration ${iteration} wrote ${stray.join(', ')}`);
      rmSync(dest, { recursive: true, force: true });
    }
    console.log(
      `zip fuzz seed ${SEED}: ${iteration} mutants in ${Date.now() - started} ms, ${outcomes.extracted} extracted, ${outcomes.refused} refused`,
    );
    expect(outcomes.refused).toBeGreaterThan(0);
    expect(iteration).toBeGreaterThan(50);
  });
});
