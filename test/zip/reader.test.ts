/**
 * The zip reader on archives made elsewhere (Info-ZIP `zip`, Python's zipfile: stored, deflated,
 * data descriptors, ZIP64) and on hostile or broken ones (zip-slip, links out, bad CRC).
 */
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { extractZip, listZip, readZipEntry, safeTarget } from '../../src/zip/reader.js';
import { buildSampleTree, hasTool, python, run, treeDigest, write } from './fixtures.js';

let work: string;
let sample: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'unzip-test-'));
  sample = join(work, 'sample');
  buildSampleTree(sample);
  // Over the reader's 4 MiB in-memory limit: streamed on extraction.
  write(
    sample,
    'python/pkg/large.bin',
    Buffer.concat([randomBytes(3 * 1024 * 1024), Buffer.alloc(3 * 1024 * 1024, 1)]),
  );
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Writes a zip with Python's zipfile from [name, content, unixMode] triples. */
function pythonZip(
  file: string,
  entries: [string, string, number?][],
  options: { method?: 'ZIP_STORED' | 'ZIP_DEFLATED' | 'ZIP_BZIP2'; unseekable?: boolean } = {},
): void {
  const code = `
import json, sys, zipfile
entries = json.loads(sys.argv[2])
out = open(sys.argv[1], 'wb')
class Unseekable:
    def write(self, b): return out.write(b)
    def flush(self): out.flush()
    def tell(self): raise OSError('unseekable')
    def seek(self, *a): raise OSError('unseekable')
target = Unseekable() if sys.argv[4] == '1' else out
with zipfile.ZipFile(target, 'w', compression=getattr(zipfile, sys.argv[3])) as z:
    for name, content, mode in entries:
        info = zipfile.ZipInfo(name, (2020, 1, 1, 0, 0, 0))
        info.compress_type = getattr(zipfile, sys.argv[3])
        if mode: info.external_attr = mode << 16
        with z.open(info, 'w', force_zip64=True) as f:
            f.write(content.encode())
out.close()`;
  python(
    code,
    file,
    JSON.stringify(entries.map(([n, c, m]) => [n, c, m ?? 0])),
    options.method ?? 'ZIP_DEFLATED',
    options.unseekable ? '1' : '0',
  );
}

describe('reading zips made by other tools', () => {
  it.runIf(hasTool('zip'))(
    'extracts an Info-ZIP zip (deflated and stored entries) with modes and empty dirs',
    async () => {
      const zip = join(work, 'infozip.zip');
      // -n .bin: store .bin files (method 0) as well as deflating the rest.
      run('zip', ['-r', '-X', '-q', '-n', '.bin', zip, 'python'], { cwd: sample });
      const entries = await listZip(zip);
      const byName = new Map(entries.map((e) => [e.name, e]));
      expect(byName.get('python/pkg/zeros.bin')?.method).toBe(0);
      expect(byName.get('python/pkg/__init__.py')?.method).toBe(8);
      expect(byName.get('python/bin/tool')?.mode).toBe(0o100755);
      expect(byName.get('python/pkg/日本語.txt')).toBeDefined();
      const out = join(work, 'infozip-out');
      const result = await extractZip(zip, out);
      expect(treeDigest(out)).toEqual(treeDigest(sample));
      expect(result.files).toBe(entries.filter((e) => !e.isDirectory).length);
      expect(statSync(join(out, 'python/bin/tool')).mode & 0o777).toBe(0o755);
      expect(statSync(join(out, 'python/pkg/__init__.py')).mode & 0o777).toBe(0o644);
    },
  );

  it.runIf(hasTool('zip'))(
    'reads an Info-ZIP zip forced to ZIP64 (-fz) and one made from a pipe (data descriptor)',
    async () => {
      const zip64 = join(work, 'infozip-64.zip');
      run('zip', ['-q', '-X', '-fz', zip64, 'python/pkg/big.txt', 'python/pkg/large.bin'], { cwd: sample });
      const out = join(work, 'infozip-64-out');
      await extractZip(zip64, out);
      expect(
        readFileSync(join(out, 'python/pkg/big.txt')).equals(
          readFileSync(join(sample, 'python/pkg/big.txt')),
        ),
      ).toBe(true);
      expect(
        readFileSync(join(out, 'python/pkg/large.bin')).equals(
          readFileSync(join(sample, 'python/pkg/large.bin')),
        ),
      ).toBe(true);

      const piped = join(work, 'infozip-pipe.zip');
      // zip reading stdin and writing stdout cannot seek back: it writes data descriptors.
      run('sh', ['-c', `printf 'streamed content\\n' | zip -q - - | cat > '${piped}'`]);
      const [entry] = await listZip(piped);
      expect(entry?.name).toBe('-');
      expect((await readZipEntry(piped, '-')).toString()).toBe('streamed content\n');
    },
  );

  it('reads Python zipfile zips: deflated, stored, ZIP64 locals and data descriptors', async () => {
    const entries: [string, string, number?][] = [
      ['python/mod.py', 'print("hi")\n'.repeat(100)],
      ['python/run.sh', '#!/bin/sh\n', 0o100755],
      ['python/dir/', '', 0o040755],
      ['python/ünï.py', 'x = "ü"\n'],
    ];
    for (const [method, unseekable] of [
      ['ZIP_DEFLATED', false],
      ['ZIP_STORED', false],
      ['ZIP_DEFLATED', true],
    ] as const) {
      const zip = join(work, `py-${method}-${unseekable}.zip`);
      pythonZip(zip, entries, { method, unseekable });
      const listed = await listZip(zip);
      expect(listed.map((e) => e.name)).toEqual(entries.map(([name]) => name));
      expect(listed[0]?.method).toBe(method === 'ZIP_STORED' ? 0 : 8);
      const out = join(work, `py-${method}-${unseekable}-out`);
      await extractZip(zip, out);
      expect(readFileSync(join(out, 'python/mod.py'), 'utf8')).toBe('print("hi")\n'.repeat(100));
      expect(readFileSync(join(out, 'python/ünï.py'), 'utf8')).toBe('x = "ü"\n');
      expect(statSync(join(out, 'python/run.sh')).mode & 0o777).toBe(0o755);
      expect(statSync(join(out, 'python/dir')).isDirectory()).toBe(true);
    }
    // The unseekable one really has data descriptors (flag bit 3).
    const flags = python(
      'import sys,zipfile;print(zipfile.ZipFile(sys.argv[1]).infolist()[0].flag_bits & 8)',
      join(work, 'py-ZIP_DEFLATED-true.zip'),
    );
    expect(flags.trim()).toBe('8');
  });

  it('refuses compression methods other than stored and deflated, naming the entry', async () => {
    const zip = join(work, 'bzip2.zip');
    pythonZip(zip, [['python/a.py', 'x = 1\n']], { method: 'ZIP_BZIP2' });
    await expect(extractZip(zip, join(work, 'bzip2-out'))).rejects.toThrow(
      /"python\/a\.py" uses compression method 12/,
    );
  });

  it('refuses a file that is not a zip', async () => {
    const file = join(work, 'not-a.zip');
    writeFileSync(file, 'hello, not a zip at all\n');
    await expect(listZip(file)).rejects.toThrow(
      /not-a\.zip is not a readable zip: End of central directory record signature not found/,
    );
  });
});

describe('extraction safety', () => {
  it.each([
    ['../evil.txt', /climbs out/],
    ['python/../../evil.txt', /climbs out/],
    ['/tmp/abs-evil.txt', /absolute path/],
    ['..\\evil.txt', /climbs out/],
    ['C:/evil.txt', /absolute path/],
  ])('refuses entry %s (zip-slip) before writing anything', async (name, why) => {
    const dest = join(work, `slip-${Buffer.from(name).toString('hex')}`);
    const zip = `${dest}.zip`;
    pythonZip(zip, [
      ['python/first.py', 'fine\n'],
      [name, 'evil\n'],
    ]);
    const attempt = extractZip(zip, join(dest, 'out'));
    await expect(attempt).rejects.toBeInstanceOf(UserError);
    await expect(attempt).rejects.toThrow(why);
    expect(existsSync(join(dest, 'out', 'python', 'first.py'))).toBe(false);
    expect(existsSync(join(dest, 'evil.txt'))).toBe(false);
    expect(existsSync(join(work, 'evil.txt'))).toBe(false);
  });

  it('maps safe names under the destination and rejects NUL bytes', () => {
    expect(safeTarget('/dest', './python/a.py', 'z.zip')).toBe('/dest/python/a.py');
    expect(safeTarget('/dest', 'python//b/./c.py', 'z.zip')).toBe('/dest/python/b/c.py');
    expect(safeTarget('/dest', './', 'z.zip')).toBeUndefined();
    expect(() => safeTarget('/dest', 'a\0b', 'z.zip')).toThrow(/NUL byte/);
  });

  it('creates symlinks that stay inside and refuses ones that point out', async () => {
    const inside = join(work, 'link-inside.zip');
    pythonZip(inside, [
      ['python/real.py', 'x = 1\n'],
      ['python/alias.py', 'real.py', 0o120777],
    ]);
    const out = join(work, 'link-inside-out');
    await extractZip(inside, out);
    expect(lstatSync(join(out, 'python/alias.py')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(out, 'python/alias.py'))).toBe('real.py');

    for (const [label, target] of [
      ['absolute', '/etc/passwd'],
      ['relative', '../../outside.txt'],
    ] as const) {
      const zip = join(work, `link-out-${label}.zip`);
      pythonZip(zip, [['python/leak', target, 0o120777]]);
      await expect(extractZip(zip, join(work, `link-out-${label}-out`))).rejects.toThrow(
        /entry "python\/leak" is a symlink to ".*", which (is an absolute path|points) outside the destination/,
      );
    }
  });

  it('does not write through a symlink already in the destination when replacing a file', async () => {
    const zip = join(work, 'replace.zip');
    pythonZip(zip, [['python/victim.txt', 'from zip\n']]);
    const dest = join(work, 'replace-out');
    mkdirSync(join(dest, 'python'), { recursive: true });
    const outside = join(work, 'replace-outside.txt');
    writeFileSync(outside, 'untouched\n');
    symlinkSync(outside, join(dest, 'python/victim.txt'));
    await extractZip(zip, dest);
    expect(readFileSync(outside, 'utf8')).toBe('untouched\n');
    expect(readFileSync(join(dest, 'python/victim.txt'), 'utf8')).toBe('from zip\n');
  });

  it('refuses to create folders through a link already in the destination', async () => {
    const zip = join(work, 'through.zip');
    pythonZip(zip, [['python/pkg/mod.py', 'X = 1\n']]);
    const dest = join(work, 'through-out');
    const elsewhere = join(work, 'through-elsewhere');
    mkdirSync(dest, { recursive: true });
    mkdirSync(elsewhere, { recursive: true });
    symlinkSync(elsewhere, join(dest, 'python'));
    await expect(extractZip(zip, dest)).rejects.toThrow(
      /through-out\/python already exists and is not a folder/,
    );
    expect(existsSync(join(elsewhere, 'pkg'))).toBe(false);
  });

  it('detects a corrupted entry by its CRC, and a truncated archive', async () => {
    const zip = join(work, 'corrupt.zip');
    pythonZip(zip, [['python/data.txt', 'abcdefghij'.repeat(10)]], { method: 'ZIP_STORED' });
    const bytes = readFileSync(zip);
    const at = bytes.indexOf('abcdefghij');
    bytes[at + 3] = 'X'.charCodeAt(0);
    writeFileSync(zip, bytes);
    await expect(extractZip(zip, join(work, 'corrupt-out'))).rejects.toThrow(
      /corrupt: entry "python\/data\.txt": its CRC-32 does not match/,
    );
    await expect(readZipEntry(zip, 'python/data.txt')).rejects.toThrow(/CRC-32 does not match/);
    const truncated = join(work, 'truncated.zip');
    writeFileSync(truncated, bytes.subarray(0, bytes.length - 10));
    await expect(listZip(truncated)).rejects.toBeInstanceOf(UserError);
  });

  it('refuses an archive larger than maxBytes unzipped', async () => {
    const zip = join(work, 'bomb.zip');
    pythonZip(zip, [['python/zeros', '0'.repeat(100_000)]]);
    await expect(extractZip(zip, join(work, 'bomb-out'), { maxBytes: 1000 })).rejects.toThrow(
      /unzips to 100000 bytes, more than the 1000 allowed/,
    );
  });

  it('readZipEntry names a missing entry', async () => {
    const zip = join(work, 'one.zip');
    pythonZip(zip, [['python/a.py', 'a\n']]);
    expect((await readZipEntry(zip, 'python/a.py')).toString()).toBe('a\n');
    await expect(readZipEntry(zip, 'python/b.py')).rejects.toThrow(/has no entry named python\/b\.py/);
  });
});
