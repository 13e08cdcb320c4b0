/**
 * The ZIP on-disk format (APPNOTE.TXT 6.3.x): record signatures, header encoders for the writer
 * and the CRC-32 both sides use. Pure functions over Buffers; no I/O.
 *
 * The writer only ever emits what determinism allows: a fixed DOS timestamp, Unix permissions
 * in the external attributes, no extra fields except ZIP64 sizes/offsets when a value does not
 * fit in 32 bits, no comments.
 */
import * as zlib from 'node:zlib';

export const SIG_LOCAL_FILE = 0x04034b50;
export const SIG_CENTRAL_FILE = 0x02014b50;
export const SIG_END_OF_CENTRAL_DIR = 0x06054b50;
export const SIG_ZIP64_END_OF_CENTRAL_DIR = 0x06064b50;
export const SIG_ZIP64_LOCATOR = 0x07064b50;

export const LOCAL_HEADER_SIZE = 30;
export const CENTRAL_HEADER_SIZE = 46;
export const END_OF_CENTRAL_DIR_SIZE = 22;
export const ZIP64_END_OF_CENTRAL_DIR_SIZE = 56;
export const ZIP64_LOCATOR_SIZE = 20;

export const METHOD_STORED = 0;
export const METHOD_DEFLATED = 8;

/** General purpose flag bits. */
export const FLAG_ENCRYPTED = 1 << 0;
/** Bit 11: name (and comment) are UTF-8. */
export const FLAG_UTF8 = 1 << 11;

export const ZIP64_EXTRA_ID = 0x0001;
/** A 16- or 32-bit field holding this value means "see the ZIP64 record". */
export const MAX_U16 = 0xffff;
export const MAX_U32 = 0xffffffff;

/** "Version made by": high byte 3 = Unix (so readers honour the mode bits), low byte = spec 3.0 / 4.5. */
const MADE_BY_UNIX = 3 << 8;
const SPEC_VERSION_DEFAULT = 20;
const SPEC_VERSION_ZIP64 = 45;
const SPEC_VERSION_STORED = 10;

/**
 * 1980-01-01 00:00:00, the earliest DOS date: the same for every entry so the archive does not
 * depend on when or where it was built. (Python bytecode in the layer is hash-based, so mtimes
 * in the zip do not matter to the runtime.)
 */
export const DOS_TIME_FIXED = 0;
export const DOS_DATE_FIXED = (0 << 9) | (1 << 5) | 1;

const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
/** MS-DOS "directory" attribute in the low byte of the external attributes, as Info-ZIP sets it. */
const MSDOS_DIRECTORY = 0x10;

/** Fixed permissions: 0755 for directories and for files with any execute bit, else 0644. */
export function normalizedMode(statMode: number, isDirectory: boolean): number {
  if (isDirectory) return S_IFDIR | 0o755;
  return S_IFREG | ((statMode & 0o111) !== 0 ? 0o755 : 0o644);
}

export function externalAttributes(mode: number, isDirectory: boolean): number {
  // `>>> 0` keeps the value an unsigned 32-bit number (mode << 16 can reach the sign bit).
  return ((mode << 16) | (isDirectory ? MSDOS_DIRECTORY : 0)) >>> 0;
}

/** True when the name needs bit 11: any byte outside ASCII. */
export function needsUtf8Flag(name: Buffer): boolean {
  for (const byte of name) if (byte > 0x7f) return true;
  return false;
}

// CRC-32 (ISO-HDLC, as ZIP uses). node:zlib.crc32 is native and exists from Node 20.15/22.2; the
// table version keeps older Node 20 releases working.
const CRC_TABLE = (() => {
  const table = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return table;
})();

function crc32Table(data: Uint8Array, previous = 0): number {
  let crc = ~previous;
  for (let i = 0; i < data.length; i++) {
    crc = (CRC_TABLE[(crc ^ (data[i] as number)) & 0xff] as number) ^ (crc >>> 8);
  }
  return ~crc >>> 0;
}

const nativeCrc32 = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

/** CRC-32 of `data`, continuing from `previous` (the CRC of the bytes before it). */
export function crc32(data: Uint8Array, previous = 0): number {
  return nativeCrc32 ? nativeCrc32(data, previous) : crc32Table(data, previous);
}

/** Everything the writer knows about one entry once its data is compressed. */
export interface EntryRecord {
  /** UTF-8 name with `/` separators; directories end in `/`. */
  readonly name: Buffer;
  readonly isDirectory: boolean;
  /** Full st_mode style value (type bits + permissions) as normalizedMode returns. */
  readonly mode: number;
  readonly method: number;
  readonly crc32: number;
  readonly compressedSize: number;
  readonly size: number;
  /** Offset of the local header from the start of the archive. */
  readonly offset: number;
}

function versionNeeded(entry: EntryRecord, zip64: boolean): number {
  if (zip64) return SPEC_VERSION_ZIP64;
  return entry.method === METHOD_DEFLATED ? SPEC_VERSION_DEFAULT : SPEC_VERSION_STORED;
}

function flags(entry: EntryRecord): number {
  return needsUtf8Flag(entry.name) ? FLAG_UTF8 : 0;
}

function sizesNeedZip64(entry: EntryRecord): boolean {
  return entry.size >= MAX_U32 || entry.compressedSize >= MAX_U32;
}

/**
 * The local file header that precedes an entry's data. Sizes and CRC are known up front (the
 * writer compresses before writing), so no data descriptor is needed; a ZIP64 extra with both
 * sizes is added only when one of them does not fit in 32 bits.
 */
export function localFileHeader(entry: EntryRecord): Buffer {
  const zip64 = sizesNeedZip64(entry);
  const extraLength = zip64 ? 4 + 16 : 0;
  const header = Buffer.alloc(LOCAL_HEADER_SIZE + entry.name.length + extraLength);
  header.writeUInt32LE(SIG_LOCAL_FILE, 0);
  header.writeUInt16LE(versionNeeded(entry, zip64), 4);
  header.writeUInt16LE(flags(entry), 6);
  header.writeUInt16LE(entry.method, 8);
  header.writeUInt16LE(DOS_TIME_FIXED, 10);
  header.writeUInt16LE(DOS_DATE_FIXED, 12);
  header.writeUInt32LE(entry.crc32, 14);
  header.writeUInt32LE(zip64 ? MAX_U32 : entry.compressedSize, 18);
  header.writeUInt32LE(zip64 ? MAX_U32 : entry.size, 22);
  header.writeUInt16LE(entry.name.length, 26);
  header.writeUInt16LE(extraLength, 28);
  entry.name.copy(header, LOCAL_HEADER_SIZE);
  if (zip64) {
    const at = LOCAL_HEADER_SIZE + entry.name.length;
    header.writeUInt16LE(ZIP64_EXTRA_ID, at);
    header.writeUInt16LE(16, at + 2);
    header.writeBigUInt64LE(BigInt(entry.size), at + 4);
    header.writeBigUInt64LE(BigInt(entry.compressedSize), at + 12);
  }
  return header;
}

/** The central directory record of an entry; ZIP64 extra holds only the fields that overflow. */
export function centralDirectoryHeader(entry: EntryRecord): Buffer {
  const wide: bigint[] = [];
  if (entry.size >= MAX_U32) wide.push(BigInt(entry.size));
  if (entry.compressedSize >= MAX_U32) wide.push(BigInt(entry.compressedSize));
  if (entry.offset >= MAX_U32) wide.push(BigInt(entry.offset));
  const zip64 = wide.length > 0;
  const extraLength = zip64 ? 4 + 8 * wide.length : 0;
  const header = Buffer.alloc(CENTRAL_HEADER_SIZE + entry.name.length + extraLength);
  header.writeUInt32LE(SIG_CENTRAL_FILE, 0);
  header.writeUInt16LE(MADE_BY_UNIX | (zip64 ? SPEC_VERSION_ZIP64 : 30), 4);
  header.writeUInt16LE(versionNeeded(entry, zip64), 6);
  header.writeUInt16LE(flags(entry), 8);
  header.writeUInt16LE(entry.method, 10);
  header.writeUInt16LE(DOS_TIME_FIXED, 12);
  header.writeUInt16LE(DOS_DATE_FIXED, 14);
  header.writeUInt32LE(entry.crc32, 16);
  header.writeUInt32LE(Math.min(entry.compressedSize, MAX_U32), 20);
  header.writeUInt32LE(Math.min(entry.size, MAX_U32), 24);
  header.writeUInt16LE(entry.name.length, 28);
  header.writeUInt16LE(extraLength, 30);
  header.writeUInt16LE(0, 32); // comment length
  header.writeUInt16LE(0, 34); // disk number start
  header.writeUInt16LE(0, 36); // internal attributes
  header.writeUInt32LE(externalAttributes(entry.mode, entry.isDirectory), 38);
  header.writeUInt32LE(Math.min(entry.offset, MAX_U32), 42);
  entry.name.copy(header, CENTRAL_HEADER_SIZE);
  if (zip64) {
    let at = CENTRAL_HEADER_SIZE + entry.name.length;
    header.writeUInt16LE(ZIP64_EXTRA_ID, at);
    header.writeUInt16LE(8 * wide.length, at + 2);
    at += 4;
    for (const value of wide) {
      header.writeBigUInt64LE(value, at);
      at += 8;
    }
  }
  return header;
}

export interface CentralDirectoryInfo {
  readonly entries: number;
  readonly size: number;
  readonly offset: number;
}

/** True when the end records need their ZIP64 forms (APPNOTE 4.4.1.4). */
export function needsZip64End(cd: CentralDirectoryInfo): boolean {
  return cd.entries >= MAX_U16 || cd.size >= MAX_U32 || cd.offset >= MAX_U32;
}

/**
 * The records after the central directory: ZIP64 end record and locator when needed, then the
 * classic end record (its overflowing fields set to all ones, pointing readers at ZIP64).
 */
export function endOfArchive(cd: CentralDirectoryInfo): Buffer {
  const parts: Buffer[] = [];
  if (needsZip64End(cd)) {
    const record = Buffer.alloc(ZIP64_END_OF_CENTRAL_DIR_SIZE);
    record.writeUInt32LE(SIG_ZIP64_END_OF_CENTRAL_DIR, 0);
    record.writeBigUInt64LE(BigInt(ZIP64_END_OF_CENTRAL_DIR_SIZE - 12), 4);
    record.writeUInt16LE(MADE_BY_UNIX | SPEC_VERSION_ZIP64, 12);
    record.writeUInt16LE(SPEC_VERSION_ZIP64, 14);
    record.writeUInt32LE(0, 16); // this disk
    record.writeUInt32LE(0, 20); // disk with central directory
    record.writeBigUInt64LE(BigInt(cd.entries), 24);
    record.writeBigUInt64LE(BigInt(cd.entries), 32);
    record.writeBigUInt64LE(BigInt(cd.size), 40);
    record.writeBigUInt64LE(BigInt(cd.offset), 48);
    const locator = Buffer.alloc(ZIP64_LOCATOR_SIZE);
    locator.writeUInt32LE(SIG_ZIP64_LOCATOR, 0);
    locator.writeUInt32LE(0, 4);
    locator.writeBigUInt64LE(BigInt(cd.offset + cd.size), 8);
    locator.writeUInt32LE(1, 16); // total disks
    parts.push(record, locator);
  }
  const end = Buffer.alloc(END_OF_CENTRAL_DIR_SIZE);
  end.writeUInt32LE(SIG_END_OF_CENTRAL_DIR, 0);
  end.writeUInt16LE(0, 4);
  end.writeUInt16LE(0, 6);
  end.writeUInt16LE(Math.min(cd.entries, MAX_U16), 8);
  end.writeUInt16LE(Math.min(cd.entries, MAX_U16), 10);
  end.writeUInt32LE(Math.min(cd.size, MAX_U32), 12);
  end.writeUInt32LE(Math.min(cd.offset, MAX_U32), 16);
  end.writeUInt16LE(0, 20); // comment length
  parts.push(end);
  return Buffer.concat(parts);
}
