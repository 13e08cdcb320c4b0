/**
 * The deterministic layer zip writer, on real trees: read back by our reader, by Info-ZIP
 * `unzip` and by Python's zipfile; byte-identical across directories, mtimes and umasks.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import {
  centralDirectoryHeader,
  DOS_DATE_FIXED,
  type EntryRecord,
  endOfArchive,
  localFileHeader,
  MAX_U32,
} from '../../src/zip/format.js';
import { extractZip, listZip, readZipEntry } from '../../src/zip/reader.js';
import { SPILL_THRESHOLD, WORKERS_MIN_BYTES, writeLayerZip } from '../../src/zip/writer.js';
import { buildSampleTree, hasTool, python, run, treeDigest, write } from './fixtures.js';

let work: string;
let sample: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'zip-test-'));
  sample = join(work, 'sample');
  buildSampleTree(sample);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const sha256Of = (file: string): Buffer => createHash('sha256').update(readFileSync(file)).digest();

describe('writeLayerZip', () => {
  it('round-trips a tree through our reader, keeping content, exec bits and empty dirs', async () => {
    const zip = join(work, 'roundtrip.zip');
    const archive = await writeLayerZip(sample, zip);
    const out = join(work, 'roundtrip-out');
    const result = await extractZip(zip, out);
    expect(treeDigest(out)).toEqual(treeDigest(sample));
    expect(result.files).toBe(archive.fileCount);
    expect(result.bytes).toBe(archive.unzippedSize);
  });

  it('reports sizes, file count and CodeSha256 = base64(sha256(zip bytes))', async () => {
    const zip = join(work, 'report.zip');
    const archive = await writeLayerZip(sample, zip);
    const digest = sha256Of(zip);
    expect(archive.file).toBe('report.zip');
    expect(archive.sha256).toBe(digest.toString('hex'));
    expect(archive.codeSha256).toBe(digest.toString('base64'));
    expect(archive.zipSize).toBe(statSync(zip).size);
    const files = Object.keys(treeDigest(sample)).filter((name) => !name.endsWith('/'));
    expect(archive.fileCount).toBe(files.length);
    const unzipped = files.reduce((sum, name) => sum + statSync(join(sample, name)).size, 0);
    expect(archive.unzippedSize).toBe(unzipped);
  });

  it('writes sorted entries with fixed modes, stored when deflate does not help, no extras', async () => {
    const zip = join(work, 'entries.zip');
    await writeLayerZip(sample, zip);
    const entries = await listZip(zip);
    const names = entries.map((e) => e.name);
    const sorted = [...names].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    expect(names).toEqual(sorted);
    expect(names).toContain('python/');
    expect(names).toContain('python/pkg/empty-dir/');
    const byName = new Map(entries.map((e) => [e.name, e]));
    expect(byName.get('python/pkg/random.bin')?.method).toBe(0);
    expect(byName.get('python/pkg/zeros.bin')?.method).toBe(8);
    expect(byName.get('python/pkg/empty.txt')).toMatchObject({ method: 0, size: 0, compressedSize: 0 });
    expect(byName.get('python/bin/tool')?.mode).toBe(0o100755);
    expect(byName.get('python/pkg/owner-exec-only.sh')?.mode).toBe(0o100755);
    expect(byName.get('python/pkg/__init__.py')?.mode).toBe(0o100644);
    expect(byName.get('python/pkg/')?.mode).toBe(0o040755);
    // Python's view of the raw headers: DOS time 1980-01-01 00:00, no extra fields, made by Unix,
    // UTF-8 flag exactly on the non-ASCII names.
    const infos = JSON.parse(
      python(
        `import json,sys,zipfile
z=zipfile.ZipFile(sys.argv[1])
print(json.dumps([[i.filename,list(i.date_time),len(i.extra),i.create_system,i.flag_bits,len(i.comment)] for i in z.infolist()]+[len(z.comment)]))`,
        zip,
      ),
    ) as unknown[];
    expect(infos.pop()).toBe(0);
    for (const [name, dateTime, extra, system, flags, comment] of infos as [
      string,
      number[],
      number,
      number,
      number,
      number,
    ][]) {
      expect(dateTime).toEqual([1980, 1, 1, 0, 0, 0]);
      expect(extra).toBe(0);
      expect(system).toBe(3);
      expect(comment).toBe(0);
      expect(flags).toBe(Buffer.byteLength(name) === name.length ? 0 : 0x800);
    }
    expect(infos.map((i) => (i as string[])[0])).toContain('python/pkg/données/café.py');
    expect(DOS_DATE_FIXED).toBe(0x21);
  });

  it.runIf(hasTool('unzip'))('is read by Info-ZIP unzip (test, listing and extraction)', async () => {
    const zip = join(work, 'infozip-reads.zip');
    await writeLayerZip(sample, zip);
    expect(run('unzip', ['-t', zip])).toMatch(/No errors detected/);
    const out = join(work, 'infozip-out');
    run('unzip', ['-q', zip, '-d', out]);
    expect(treeDigest(out)).toEqual(treeDigest(sample));
  });

  it('is read by Python zipfile (test and extraction)', async () => {
    const zip = join(work, 'python-reads.zip');
    await writeLayerZip(sample, zip);
    expect(run('python3', ['-I', '-m', 'zipfile', '-t', zip])).toMatch(/Done testing/);
    const out = join(work, 'python-out');
    run('python3', ['-I', '-m', 'zipfile', '-e', zip, out]);
    // zipfile does not restore modes; compare content only.
    const strip = (d: Record<string, string>) =>
      Object.fromEntries(Object.entries(d).map(([k, v]) => [k, v.replace(/^[x-] /, '')]));
    expect(strip(treeDigest(out))).toEqual(strip(treeDigest(sample)));
  });

  it('gives identical bytes for copies in other directories, with other mtimes, modes and umask', async () => {
    const a = join(work, 'det-a', 'layer');
    const b = join(work, 'elsewhere', 'deeper', 'det-b');
    cpSync(sample, a, { recursive: true });
    // Copy b file by file in reverse order, with other permission bits and timestamps.
    const names = Object.keys(treeDigest(sample)).reverse();
    const oldUmask = process.umask(0o077);
    try {
      for (const name of names) {
        if (name.endsWith('/')) mkdirSync(join(b, name), { recursive: true });
        else {
          mkdirSync(join(b, name, '..'), { recursive: true });
          writeFileSync(join(b, name), readFileSync(join(sample, name)));
          const executable = (statSync(join(sample, name)).mode & 0o111) !== 0;
          chmodSync(join(b, name), executable ? 0o700 : 0o600);
          utimesSync(join(b, name), new Date('2031-05-06T07:08:09Z'), new Date('2031-05-06T07:08:09Z'));
        }
      }
    } finally {
      process.umask(oldUmask);
    }
    chmodSync(join(a, 'python/pkg/__init__.py'), 0o664);
    const first = await writeLayerZip(a, join(work, 'det-a.zip'));
    const second = await writeLayerZip(b, join(work, 'det-b.zip'), { concurrency: 1 });
    expect(second.sha256).toBe(first.sha256);
    expect(readFileSync(join(work, 'det-b.zip')).equals(readFileSync(join(work, 'det-a.zip')))).toBe(true);
  });

  it('gives the same bytes whether small files are deflated on worker threads or the main thread', async () => {
    const withWorkers = await writeLayerZip(sample, join(work, 'workers-on.zip'), { workers: true });
    const mainThread = await writeLayerZip(sample, join(work, 'workers-off.zip'), { workers: false });
    const oneWorker = await writeLayerZip(sample, join(work, 'workers-one.zip'), {
      workers: true,
      concurrency: 1,
    });
    expect(withWorkers.sha256).toBe(mainThread.sha256);
    expect(oneWorker.sha256).toBe(mainThread.sha256);
  });

  it(`batches thousands of small files (over ${WORKERS_MIN_BYTES / 2 ** 20} MiB) through the workers, readable by unzip and Python`, async () => {
    const tree = join(work, 'many-small', 'layer');
    let total = 0;
    for (let i = 0; total < 2 * WORKERS_MIN_BYTES; i++) {
      // Compressible but distinct text of varied sizes, some empty, across many directories.
      const size = (i * 7919) % 20_000;
      const text = `# module ${i}\n${'x = "value"\n'.repeat(Math.ceil(size / 12))}`.slice(0, size);
      write(tree, `python/pkg${i % 37}/mod_${i}.py`, text);
      total += size;
    }
    const auto = await writeLayerZip(tree, join(work, 'many-auto.zip'));
    const mainThread = await writeLayerZip(tree, join(work, 'many-main.zip'), { workers: false });
    expect(auto.sha256).toBe(mainThread.sha256);
    expect(auto.unzippedSize).toBe(total);
    const digest = treeDigest(tree);
    const extracted = join(work, 'many-extracted');
    await extractZip(join(work, 'many-auto.zip'), extracted);
    expect(treeDigest(extracted)).toEqual(digest);
    if (hasTool('unzip')) run('unzip', ['-tq', join(work, 'many-auto.zip')]);
    expect(
      python(
        'import sys, zipfile; print(zipfile.ZipFile(sys.argv[1]).testzip())',
        join(work, 'many-auto.zip'),
      ),
    ).toBe('None\n');
  });

  it('follows symlinks that stay inside the tree, storing the target content under the link name', async () => {
    const root = join(work, 'links-inside');
    write(root, 'python/real/data.txt', 'real data\n');
    write(root, 'python/real/run.sh', '#!/bin/sh\n', 0o755);
    symlinkSync('real/data.txt', join(root, 'python/alias.txt'));
    symlinkSync('real', join(root, 'python/linked-dir'));
    const zip = join(work, 'links-inside.zip');
    await writeLayerZip(root, zip);
    const byName = new Map((await listZip(zip)).map((e) => [e.name, e]));
    expect(byName.get('python/alias.txt')?.isSymlink).toBe(false);
    expect((await readZipEntry(zip, 'python/alias.txt')).toString()).toBe('real data\n');
    expect(byName.get('python/linked-dir/')?.isDirectory).toBe(true);
    expect((await readZipEntry(zip, 'python/linked-dir/data.txt')).toString()).toBe('real data\n');
    expect(byName.get('python/linked-dir/run.sh')?.mode).toBe(0o100755);
  });

  it('refuses a symlink pointing outside the tree, naming it', async () => {
    const root = join(work, 'links-outside');
    write(root, 'python/ok.py', 'x = 1\n');
    write(work, 'outside-secret.txt', 'secret\n');
    symlinkSync(join(work, 'outside-secret.txt'), join(root, 'python/leak.txt'));
    const zip = join(work, 'links-outside.zip');
    const attempt = writeLayerZip(root, zip);
    await expect(attempt).rejects.toBeInstanceOf(UserError);
    await expect(attempt).rejects.toThrow(/python\/leak\.txt .*points outside the layer directory/);
    expect(() => statSync(zip)).toThrow(); // nothing half-written
  });

  it('refuses broken links, directory cycles and special files', async () => {
    const broken = join(work, 'links-broken');
    write(broken, 'python/ok.py', '');
    symlinkSync('missing.py', join(broken, 'python/gone.py'));
    await expect(writeLayerZip(broken, join(work, 'broken.zip'))).rejects.toThrow(
      /gone\.py -> missing\.py is broken/,
    );

    const cycle = join(work, 'links-cycle');
    write(cycle, 'python/pkg/ok.py', '');
    symlinkSync('..', join(cycle, 'python/pkg/up'));
    await expect(writeLayerZip(cycle, join(work, 'cycle.zip'))).rejects.toThrow(
      /up -> \.\. makes a directory cycle/,
    );

    const special = join(work, 'special');
    write(special, 'python/ok.py', '');
    execFileSync('mkfifo', [join(special, 'python/fifo')], { timeout: 10_000 });
    await expect(writeLayerZip(special, join(work, 'special.zip'))).rejects.toThrow(
      /special file .*python\/fifo/,
    );
  });

  it(`spills files over ${SPILL_THRESHOLD / 2 ** 20} MiB to disk, deflated or stored`, async () => {
    const root = join(work, 'huge');
    const size = SPILL_THRESHOLD + 3 * 1024 * 1024 + 17;
    const pattern = Buffer.from('0123456789abcdef'.repeat(4096));
    const data = Buffer.alloc(size);
    for (let at = 0; at < size; at += pattern.length) pattern.copy(data, at);
    write(root, 'python/huge.bin', data);
    const deflated = join(work, 'huge-deflated.zip');
    await writeLayerZip(root, deflated, { level: 1 });
    const [, hugeEntry] = await listZip(deflated);
    expect(hugeEntry).toMatchObject({ name: 'python/huge.bin', method: 8, size });
    expect((await readZipEntry(deflated, 'python/huge.bin')).equals(data)).toBe(true);
    if (hasTool('unzip')) expect(run('unzip', ['-tq', deflated])).toMatch(/No errors detected/);
    // Level 0 never shrinks: the source file itself is copied in, stored.
    const stored = join(work, 'huge-stored.zip');
    await writeLayerZip(root, stored, { level: 0 });
    expect((await listZip(stored))[1]).toMatchObject({ method: 0, size, compressedSize: size });
    const out = join(work, 'huge-out');
    await extractZip(stored, out);
    expect(readFileSync(join(out, 'python/huge.bin')).equals(data)).toBe(true);
  });

  it('rejects an invalid level and a missing source directory with UserErrors', async () => {
    await expect(writeLayerZip(sample, join(work, 'x.zip'), { level: 11 })).rejects.toThrow(
      /level must be an integer/,
    );
    await expect(writeLayerZip(join(work, 'nope'), join(work, 'y.zip'))).rejects.toBeInstanceOf(UserError);
  });
});

describe('ZIP64 header encoding', () => {
  const base: EntryRecord = {
    name: Buffer.from('python/big.so'),
    isDirectory: false,
    mode: 0o100644,
    method: 8,
    crc32: 0x12345678,
    compressedSize: 100,
    size: 200,
    offset: 0,
  };

  it('adds no extra field while everything fits in 32 bits', () => {
    expect(localFileHeader(base).length).toBe(30 + base.name.length);
    expect(centralDirectoryHeader(base).length).toBe(46 + base.name.length);
    expect(endOfArchive({ entries: 3, size: 100, offset: 1000 }).length).toBe(22);
  });

  it('writes ZIP64 end records for more than 65535 entries, readable by our reader, unzip and Python', async () => {
    // Built in memory from the same encoders writeLayerZip uses (65,600 files on disk would take
    // longer to create than everything else in this file).
    const count = 65_600;
    const parts: Buffer[] = [];
    const centrals: Buffer[] = [];
    let offset = 0;
    for (let i = 0; i < count; i++) {
      const record: EntryRecord = {
        ...base,
        name: Buffer.from(`python/f${i}`),
        method: 0,
        crc32: 0,
        size: 0,
        compressedSize: 0,
        offset,
      };
      const local = localFileHeader(record);
      parts.push(local);
      centrals.push(centralDirectoryHeader(record));
      offset += local.length;
    }
    const cd = Buffer.concat(centrals);
    const end = endOfArchive({ entries: count, size: cd.length, offset });
    expect(end.length).toBe(56 + 20 + 22);
    expect(end.readUInt32LE(0)).toBe(0x06064b50); // ZIP64 end record
    expect(end.readUInt32LE(56)).toBe(0x07064b50); // ZIP64 locator
    expect(end.readUInt16LE(76 + 10)).toBe(0xffff); // the classic record defers to ZIP64
    const file = join(work, 'many.zip');
    writeFileSync(file, Buffer.concat([...parts, cd, end]));
    const entries = await listZip(file);
    expect(entries.length).toBe(count);
    expect(entries[count - 1]?.name).toBe(`python/f${count - 1}`);
    expect(
      python('import sys,zipfile;print(len(zipfile.ZipFile(sys.argv[1]).namelist()))', file).trim(),
    ).toBe(String(count));
    if (hasTool('unzip')) expect(run('unzip', ['-tq', file])).toMatch(/No errors detected/);
    expect((await readZipEntry(file, `python/f${count - 1}`)).length).toBe(0);
  });

  it('moves sizes and offsets over 4 GiB into the ZIP64 extra, read back by our reader and Python', async () => {
    const huge: EntryRecord = { ...base, size: 5 * 2 ** 30, compressedSize: 10, offset: 0 };
    const local = localFileHeader(huge);
    expect(local.readUInt32LE(18)).toBe(MAX_U32);
    expect(local.readUInt16LE(30 + huge.name.length)).toBe(0x0001);
    expect(local.readBigUInt64LE(30 + huge.name.length + 4)).toBe(BigInt(5 * 2 ** 30));
    // An archive whose central directory claims the 5 GiB entry (its data is not there, so only
    // listings can read it).
    const central = centralDirectoryHeader(huge);
    expect(central.readUInt32LE(24)).toBe(MAX_U32);
    expect(central.readUInt32LE(20)).toBe(10); // compressed size fits: stays in the header
    const body = Buffer.concat([local, Buffer.alloc(10)]);
    const file = join(work, 'zip64-size.zip');
    writeFileSync(
      file,
      Buffer.concat([body, central, endOfArchive({ entries: 1, size: central.length, offset: body.length })]),
    );
    expect((await listZip(file))[0]).toMatchObject({
      name: 'python/big.so',
      size: 5 * 2 ** 30,
      compressedSize: 10,
    });
    expect(
      python('import sys,zipfile;print(zipfile.ZipFile(sys.argv[1]).infolist()[0].file_size)', file).trim(),
    ).toBe(String(5 * 2 ** 30));

    const farOffset = centralDirectoryHeader({ ...base, offset: 6 * 2 ** 30 });
    expect(farOffset.readUInt32LE(42)).toBe(MAX_U32);
    expect(farOffset.readBigUInt64LE(46 + base.name.length + 4)).toBe(BigInt(6 * 2 ** 30));
    const end = endOfArchive({ entries: 2, size: 100, offset: 5 * 2 ** 30 });
    expect(end.length).toBe(56 + 20 + 22);
    expect(end.readBigUInt64LE(48)).toBe(BigInt(5 * 2 ** 30));
    expect(end.readUInt32LE(76 + 16)).toBe(MAX_U32);
  });
});
