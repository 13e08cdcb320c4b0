/**
 * Hand-crafted zips for the hostile-input tests: every header field as the test says, so a zip
 * can lie (declared sizes, CRCs), overlap, hold names no tool would write, or point several
 * central records at one local header. The project's writer is honest by design and cannot.
 */
import { deflateRawSync, constants as zlibConstants } from 'node:zlib';
import { crc32 } from '../../src/zip/format.js';

export interface CraftedEntry {
  /** Stored as is (UTF-8 flag set when it is a string); a Buffer gives raw name bytes. */
  readonly name: string | Buffer;
  /** The uncompressed content; deflated when method is 8. Ignored when `raw` is given. */
  readonly content?: Buffer | string;
  /** The bytes stored in the archive, as is (already compressed when method is 8). */
  readonly raw?: Buffer;
  readonly method?: number;
  /** Overrides of what the headers declare. */
  readonly size?: number;
  readonly compressedSize?: number;
  readonly crc?: number;
  /** st_mode (type and permission bits), written as Unix external attributes. */
  readonly mode?: number;
  /** Point this central record at the local header of entry N instead of writing its own. */
  readonly sharesLocalHeaderOf?: number;
  /** Write sizes and offset through a ZIP64 extra field (needed for sizes of 4 GiB or more). */
  readonly zip64?: boolean;
}

const MAX_U32 = 0xffffffff;

/**
 * A zip holding exactly what `entries` say, lies included. `claimedEntries` makes the end records
 * (through a ZIP64 end record) announce that many entries, whatever the directory holds.
 */
export function craftZip(
  entries: readonly CraftedEntry[],
  options: { claimedEntries?: number } = {},
): Buffer {
  const chunks: Buffer[] = [];
  const central: Buffer[] = [];
  const offsets: number[] = [];
  let at = 0;
  for (const entry of entries) {
    const name = typeof entry.name === 'string' ? Buffer.from(entry.name, 'utf8') : entry.name;
    const method = entry.method ?? 8;
    const content =
      entry.content === undefined
        ? Buffer.alloc(0)
        : Buffer.isBuffer(entry.content)
          ? entry.content
          : Buffer.from(entry.content);
    const raw = entry.raw ?? (method === 8 ? deflateRawSync(content) : content);
    const size = entry.size ?? content.length;
    const compressedSize = entry.compressedSize ?? raw.length;
    const crc = entry.crc ?? crc32(content);
    const flags = typeof entry.name === 'string' ? 0x800 : 0;
    const zip64 = entry.zip64 === true;
    const extra = zip64 ? zip64Extra(size, compressedSize, at) : Buffer.alloc(0);

    let offset: number;
    if (entry.sharesLocalHeaderOf !== undefined) {
      offset = offsets[entry.sharesLocalHeaderOf] ?? 0;
    } else {
      offset = at;
      const local = Buffer.alloc(30);
      local.writeUInt32LE(0x04034b50, 0);
      local.writeUInt16LE(zip64 ? 45 : 20, 4);
      local.writeUInt16LE(flags, 6);
      local.writeUInt16LE(method, 8);
      local.writeUInt32LE(0x00210000, 10); // 1980-01-01 00:00
      local.writeUInt32LE(crc, 14);
      local.writeUInt32LE(zip64 ? MAX_U32 : compressedSize, 18);
      local.writeUInt32LE(zip64 ? MAX_U32 : size, 22);
      local.writeUInt16LE(name.length, 26);
      local.writeUInt16LE(extra.length, 28);
      chunks.push(local, name, extra, raw);
      at += local.length + name.length + extra.length + raw.length;
    }
    offsets.push(offset);

    const record = Buffer.alloc(46);
    record.writeUInt32LE(0x02014b50, 0);
    record.writeUInt16LE((3 << 8) | 45, 4); // made by Unix: external attributes carry st_mode
    record.writeUInt16LE(zip64 ? 45 : 20, 6);
    record.writeUInt16LE(flags, 8);
    record.writeUInt16LE(method, 10);
    record.writeUInt32LE(0x00210000, 12);
    record.writeUInt32LE(crc, 16);
    record.writeUInt32LE(zip64 ? MAX_U32 : compressedSize, 20);
    record.writeUInt32LE(zip64 ? MAX_U32 : size, 24);
    record.writeUInt16LE(name.length, 28);
    const centralExtra = zip64 ? zip64Extra(size, compressedSize, offset) : Buffer.alloc(0);
    record.writeUInt16LE(centralExtra.length, 30);
    const mode = entry.mode ?? 0o100644;
    record.writeUInt32LE((mode & 0xffff) * 0x10000 + ((mode & 0o170000) === 0o040000 ? 0x10 : 0), 38);
    record.writeUInt32LE(zip64 ? MAX_U32 : offset, 42);
    central.push(record, name, centralExtra);
  }
  const centralDirectory = Buffer.concat(central);
  const count = options.claimedEntries ?? entries.length;
  const zip64End: Buffer[] = [];
  if (count > 0xfffe) {
    const record = Buffer.alloc(56);
    record.writeUInt32LE(0x06064b50, 0);
    record.writeBigUInt64LE(44n, 4);
    record.writeUInt16LE(45, 12);
    record.writeUInt16LE(45, 14);
    record.writeBigUInt64LE(BigInt(count), 24);
    record.writeBigUInt64LE(BigInt(count), 32);
    record.writeBigUInt64LE(BigInt(centralDirectory.length), 40);
    record.writeBigUInt64LE(BigInt(at), 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    locator.writeBigUInt64LE(BigInt(at + centralDirectory.length), 8);
    locator.writeUInt32LE(1, 16);
    zip64End.push(record, locator);
  }
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Math.min(count, 0xffff), 8);
  end.writeUInt16LE(Math.min(count, 0xffff), 10);
  end.writeUInt32LE(centralDirectory.length, 12);
  end.writeUInt32LE(at, 16);
  return Buffer.concat([...chunks, centralDirectory, ...zip64End, end]);
}

function zip64Extra(size: number, compressedSize: number, offset: number): Buffer {
  const extra = Buffer.alloc(4 + 24);
  extra.writeUInt16LE(0x0001, 0);
  extra.writeUInt16LE(24, 2);
  extra.writeBigUInt64LE(BigInt(size), 4);
  extra.writeBigUInt64LE(BigInt(compressedSize), 12);
  extra.writeBigUInt64LE(BigInt(offset), 20);
  return extra;
}

/**
 * Deflate data that inflates to `mebibytes` MiB of zeros, made without holding them: one MiB
 * deflated with a full flush (byte-aligned, no back-references across it) repeated, then an
 * empty final block. About 1 KiB per MiB, the deflate limit of 1:1032.
 */
export function zerosBomb(mebibytes: number): { raw: Buffer; size: number; crc: number } {
  const mib = Buffer.alloc(1024 * 1024);
  const block = deflateRawSync(mib, { level: 9, finishFlush: zlibConstants.Z_FULL_FLUSH });
  const finalEmptyBlock = Buffer.from([0x03, 0x00]);
  let crc = 0;
  for (let i = 0; i < mebibytes; i++) crc = crc32(mib, crc);
  return {
    raw: Buffer.concat([...Array.from({ length: mebibytes }, () => block), finalEmptyBlock]),
    size: mebibytes * mib.length,
    crc,
  };
}
