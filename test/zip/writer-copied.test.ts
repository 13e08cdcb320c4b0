/**
 * writeLayerZip's `compressed` sources: an entry whose file still holds the source's bytes is
 * copied in the source zip's compressed form; one whose file changed is compressed again. A
 * source with the witness its file had when written is copied without reading the file, until
 * anything writes to the file.
 */
import { execFileSync } from 'node:child_process';
import {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listZip, readZipEntry, withZipArchive } from '../../src/zip/reader.js';
import { witnessOf } from '../../src/zip/tree.js';
import { type CompressedSource, writeLayerZip } from '../../src/zip/writer.js';

let work: string;
let source: string;
const TEXT = `${'def f(x):\n    return x * 2\n'.repeat(2000)}`;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'zip-copied-'));
  source = join(work, 'source.whl');
  // Level 1: compressed bytes that the writer's level 6 would not produce.
  execFileSync(
    'python3',
    [
      '-c',
      [
        'import sys, zipfile',
        'with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:',
        '    z.writestr("pkg/same.py", sys.argv[2])',
        '    z.writestr("pkg/changed.py", sys.argv[2])',
        '    z.writestr(zipfile.ZipInfo("pkg/stored.bin"), bytes(range(256)) * 4)',
      ].join('\n'),
      source,
      TEXT,
    ],
    { timeout: 30_000 },
  );
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

async function sources(): Promise<Map<string, CompressedSource>> {
  return withZipArchive(source, async (archive) => {
    const out = new Map<string, CompressedSource>();
    for (const entry of archive.entries) {
      out.set(`python/${entry.name}`, {
        file: source,
        dataStart: await archive.dataStart(entry),
        compressedSize: entry.compressedSize,
        method: entry.method,
        crc32: entry.crc32,
        size: entry.size,
      });
    }
    return out;
  });
}

function tree(dir: string, changed: string): void {
  mkdirSync(join(dir, 'python', 'pkg'), { recursive: true });
  writeFileSync(join(dir, 'python', 'pkg', 'same.py'), TEXT);
  writeFileSync(join(dir, 'python', 'pkg', 'changed.py'), changed);
  writeFileSync(
    join(dir, 'python', 'pkg', 'stored.bin'),
    Buffer.from(Array.from({ length: 1024 }, (_, i) => i % 256)),
  );
  writeFileSync(join(dir, 'python', 'pkg', 'new.py'), TEXT);
}

describe('entries copied from a source zip', () => {
  it('copies unchanged files in their source form, compresses changed and new ones, reproducibly', async () => {
    const changed = TEXT.replace('return x * 2', 'return x * 3'); // same size, other bytes
    const copied = await sources();
    const results = [];
    for (const name of ['a', 'b']) {
      const dir = join(work, name);
      tree(dir, changed);
      const zip = join(work, `${name}.zip`);
      results.push({ zip, archive: await writeLayerZip(dir, zip, { compressed: copied }) });
    }
    const [a, b] = results as [(typeof results)[0], (typeof results)[0]];
    expect(b.archive.sha256).toBe(a.archive.sha256);

    const original = new Map((await listZip(source)).map((e) => [`python/${e.name}`, e]));
    const written = new Map((await listZip(a.zip)).map((e) => [e.name, e]));
    // The level-1 deflate stream was copied: the writer's own level 6 gives another size.
    expect(written.get('python/pkg/same.py')?.compressedSize).toBe(
      original.get('python/pkg/same.py')?.compressedSize,
    );
    expect(written.get('python/pkg/new.py')?.compressedSize).not.toBe(
      written.get('python/pkg/same.py')?.compressedSize,
    );
    expect(written.get('python/pkg/stored.bin')?.method).toBe(0);
    // Same size, other CRC: compressed again from the file, never the stale source bytes.
    expect((await readZipEntry(a.zip, 'python/pkg/changed.py')).toString()).toBe(changed);
    expect(written.get('python/pkg/changed.py')?.compressedSize).toBe(
      deflateRawSync(changed, { level: 6 }).length,
    );
    expect((await readZipEntry(a.zip, 'python/pkg/same.py')).toString()).toBe(TEXT);
    // Info-ZIP agrees (CRCs and sizes in both headers).
    execFileSync('unzip', ['-tq', a.zip], { timeout: 30_000 });
    expect(readFileSync(a.zip).length).toBe(a.archive.zipSize);
  });
});

describe('entries with the witness of their writing', () => {
  it('are copied unread while the file keeps it, and read again once anything wrote to it', async () => {
    const dir = join(work, 'witness');
    // The file's bytes differ from the source's (same size): only a writer that trusted the
    // witness without reading the file can put the source's bytes in the zip.
    const other = TEXT.replace('return x * 2', 'return x * 4');
    tree(dir, other);
    const file = join(dir, 'python', 'pkg', 'changed.py');
    const base = (await sources()).get('python/pkg/changed.py') as CompressedSource;
    const trusted = new Map([['python/pkg/changed.py', { ...base, written: witnessOf(statSync(file)) }]]);

    const unread = join(work, 'witness-1.zip');
    await writeLayerZip(dir, unread, { compressed: trusted });
    expect((await readZipEntry(unread, 'python/pkg/changed.py')).toString()).toBe(TEXT);

    // A write (even of nothing) changes the file's ctime: the witness no longer holds.
    appendFileSync(file, '');
    writeFileSync(file, other);
    const reread = join(work, 'witness-2.zip');
    await writeLayerZip(dir, reread, { compressed: trusted });
    expect((await readZipEntry(reread, 'python/pkg/changed.py')).toString()).toBe(other);
  });
});
