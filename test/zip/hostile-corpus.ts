/**
 * The hostile zips every extraction must refuse, shared by the reader's tests and the CLI's:
 * each with the line the refusal must print. `outside` is an absolute folder that must never
 * appear (names and links aim at it).
 */
import { type CraftedEntry, craftZip, zerosBomb } from './hostile.js';

export interface HostileCase {
  readonly name: string;
  readonly zip: () => Buffer;
  /** What the one error line says. */
  readonly refusal: RegExp;
  /** For bombs: what the zip declares, the most an extraction may write. */
  readonly declaredBytes?: number;
}

const LINK = 0o120777;
const DIR = 0o040755;
const ok = (name: string): CraftedEntry => ({ name, content: 'X = 1\n' });

export function hostileCorpus(outside: string): HostileCase[] {
  const cases: HostileCase[] = [
    {
      name: 'absolute name',
      zip: () => craftZip([ok('python/a.py'), { name: `${outside}/evil.txt`, content: 'evil' }]),
      refusal: /entry ".*\/evil\.txt" is an absolute path/,
    },
    {
      name: '.. name',
      zip: () => craftZip([ok('python/a.py'), { name: '../../evil.txt', content: 'evil' }]),
      refusal: /entry "\.\.\/\.\.\/evil\.txt" climbs out of the destination/,
    },
    {
      name: '.. inside a longer name',
      zip: () => craftZip([{ name: 'python/../../../evil.txt', content: 'evil' }]),
      refusal: /climbs out of the destination/,
    },
    {
      name: 'backslash .. name',
      zip: () => craftZip([{ name: '..\\..\\evil.txt', content: 'evil' }]),
      refusal: /entry "\.\.\\\.\.\\evil\.txt" climbs out/,
    },
    {
      name: 'drive letter name',
      zip: () => craftZip([{ name: 'C:/evil.txt', content: 'evil' }]),
      refusal: /entry "C:\/evil\.txt" is an absolute path/,
    },
    {
      name: 'NUL in a name',
      zip: () => craftZip([{ name: Buffer.from('python/a.py\0/../../evil'), content: 'evil' }]),
      refusal: /entry "python\/a\.py\\x00\/\.\.\/\.\.\/evil" contains a NUL byte/,
    },
    {
      name: 'component longer than NAME_MAX',
      zip: () => craftZip([{ name: `python/${'a'.repeat(300)}.py`, content: 'x' }]),
      refusal: /has a path component of 303 bytes; file systems allow 255/,
    },
    {
      name: 'symlink to an absolute path',
      zip: () => craftZip([{ name: 'python/leak', content: '/etc/passwd', mode: LINK }]),
      refusal: /entry "python\/leak" is a symlink to "\/etc\/passwd", which is an absolute path/,
    },
    {
      name: 'symlink climbing out',
      zip: () => craftZip([{ name: 'python/leak', content: '../../evil', mode: LINK }]),
      refusal: /entry "python\/leak" is a symlink to "\.\.\/\.\.\/evil", which points outside/,
    },
    {
      // The case of issue 14: the first link resolves to the destination itself, the second
      // climbs out through it.
      name: 'symlink chain through a link',
      zip: () =>
        craftZip([
          ok('python/ok.py'),
          { name: 'python/a/b/c/d/e/f/g/h/s', content: '../../../../../../../../../', mode: LINK },
          {
            name: 'python/a/b/c/d/e/f/g/h/passwd_link',
            content: 's/../../../../../../../../../../etc/passwd',
            mode: LINK,
          },
        ]),
      refusal:
        /entry "python\/a\/b\/c\/d\/e\/f\/g\/h\/passwd_link" is a symlink to "s\/\.\.\/.*", which points outside/,
    },
    {
      name: 'links through links out',
      zip: () =>
        craftZip([
          { name: 'python/one', content: 'two/..', mode: LINK },
          { name: 'python/two', content: 'three', mode: LINK },
          { name: 'python/three', content: '../..', mode: LINK },
        ]),
      refusal: /entry "python\/three" is a symlink to "\.\.\/\.\.", which points outside/,
    },
    {
      // Extracting the file would create python/up/x through the link: outside.
      name: 'entry under a symlink',
      zip: () =>
        craftZip([
          { name: 'python/up', content: '..', mode: LINK },
          { name: 'python/up/x/evil.txt', content: 'evil' },
        ]),
      refusal: /entry "python\/up\/x\/evil\.txt" lies under the symlink "python\/up"/,
    },
    {
      name: 'self-referencing symlink',
      zip: () => craftZip([{ name: 'python/loop', content: 'loop', mode: LINK }]),
      refusal: /entry "python\/loop" is a symlink to "loop", which loops back on itself/,
    },
    {
      name: 'symlink cycle',
      zip: () =>
        craftZip([
          { name: 'python/a', content: 'b/x', mode: LINK },
          { name: 'python/b', content: 'a/y', mode: LINK },
        ]),
      refusal: /is a symlink to ".*", which loops back on itself/,
    },
    {
      name: 'symlink text longer than a path',
      zip: () => craftZip([{ name: 'python/long', content: 'a/'.repeat(2500), mode: LINK }]),
      refusal: /entry "python\/long" is a symlink of 5000 bytes/,
    },
    {
      name: 'duplicate entry names',
      zip: () =>
        craftZip([
          { name: 'python/x.py', content: 'a' },
          { name: 'python/x.py', content: 'b' },
        ]),
      refusal: /entry "python\/x\.py" appears twice/,
    },
    {
      name: 'duplicate after normalisation',
      zip: () =>
        craftZip([
          { name: 'python/x.py', content: 'a' },
          { name: 'python//./x.py', content: 'b' },
        ]),
      refusal: /entry "python\/\/\.\/x\.py" appears twice \(also as "python\/x\.py"\)/,
    },
    {
      name: 'a file and a directory with the same name',
      zip: () =>
        craftZip([
          { name: 'python/x', content: 'a' },
          { name: 'python/x/', mode: DIR },
        ]),
      refusal: /"python\/x" is both a file \("python\/x"\) and a directory \("python\/x\/"\)/,
    },
    {
      name: 'a file that is also a parent',
      zip: () =>
        craftZip([
          { name: 'python/x', content: 'a' },
          { name: 'python/x/y.py', content: 'b' },
        ]),
      refusal: /"python\/x" is both a file \("python\/x"\) and a directory \("python\/x\/y\.py"\)/,
    },
    {
      name: 'huge declared size',
      zip: () => craftZip([{ name: 'python/huge.bin', content: 'x', size: 2 ** 40, zip64: true }]),
      refusal: /unzips to 1099511627776 bytes, more than the \d+ allowed/,
    },
    {
      name: 'bomb declaring 1,000 bytes, inflating to 300 MiB',
      zip: () => {
        const bomb = zerosBomb(300);
        return craftZip([{ name: 'python/bomb.bin', raw: bomb.raw, size: 1000, crc: bomb.crc }]);
      },
      refusal: /entry "python\/bomb\.bin": it inflates to more than the 1000 bytes its header declares/,
      declaredBytes: 1000,
    },
    {
      name: 'bomb declaring 5 MiB, inflating to 1 GiB',
      zip: () => {
        const bomb = zerosBomb(1024);
        return craftZip([{ name: 'python/bomb.bin', raw: bomb.raw, size: 5 * 1024 * 1024, crc: bomb.crc }]);
      },
      refusal: /it inflates to more than the 5242880 bytes its header declares/,
      declaredBytes: 5 * 1024 * 1024,
    },
    {
      name: 'size declaring more than the data holds',
      zip: () => craftZip([{ name: 'python/short.py', content: 'X = 1\n', size: 100 }]),
      refusal: /entry "python\/short\.py": it holds 6 bytes, the directory says 100/,
    },
    {
      name: 'large entry declaring more than it holds',
      zip: () => {
        const bomb = zerosBomb(8);
        return craftZip([{ name: 'python/short.bin', raw: bomb.raw, size: bomb.size + 1, crc: bomb.crc }]);
      },
      refusal: /entry "python\/short\.bin": it holds fewer bytes than the 8388609 its header declares/,
    },
    {
      name: 'bad CRC',
      zip: () => craftZip([{ name: 'python/a.py', content: 'X = 1\n', crc: 12345 }]),
      refusal: /entry "python\/a\.py": its CRC-32 does not match/,
    },
    {
      name: 'invalid deflate data',
      zip: () => craftZip([{ name: 'python/a.py', raw: Buffer.from([0x07, 0, 0, 0]), size: 6 }]),
      refusal: /entry "python\/a\.py": its deflate data is invalid/,
    },
    {
      name: 'truncated archive',
      zip: () => craftZip([ok('python/a.py'), ok('python/b.py')]).subarray(0, 120),
      refusal: /is not a readable zip/,
    },
    {
      name: 'entry data past the end of the file',
      zip: () => {
        const zip = craftZip([{ name: 'python/a.py', content: 'X = 1\n', method: 0 }]);
        // The central record's local header offset moved to the end of the file.
        const central = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
        zip.writeUInt32LE(zip.length - 10, central + 42);
        return zip;
      },
      refusal: /is corrupt: entry "python\/a\.py"|is not a readable zip/,
    },
    {
      name: 'overlapping entries sharing one local header',
      zip: () =>
        craftZip([
          { name: 'python/a.bin', content: Buffer.alloc(100_000) },
          ...Array.from({ length: 20 }, (_, i) => ({
            name: `python/copy${i}.bin`,
            content: Buffer.alloc(100_000),
            sharesLocalHeaderOf: 0,
          })),
        ]),
      refusal: /entry "python\/copy\d+\.bin" overlaps the data of "python\/(a|copy\d+)\.bin"/,
    },
    {
      name: 'more entries announced than read here',
      zip: () => craftZip([ok('python/a.py')], { claimedEntries: 5_000_000 }),
      refusal: /lists 5000000 entries, more than the 1000000 read here/,
    },
    {
      name: 'unsupported compression method',
      zip: () => craftZip([{ name: 'python/a.py', raw: Buffer.from('BZh91AY'), size: 6, method: 12 }]),
      refusal: /entry "python\/a\.py" uses compression method 12/,
    },
  ];
  return cases;
}
