/**
 * A ZIP reader for verifying layers, including ones made elsewhere: Info-ZIP `zip`, Python's
 * zipfile, this project's writer. Stored and deflated entries, data descriptors (sizes come from
 * the central directory, which is authoritative), ZIP64 sizes, offsets and entry counts.
 *
 * Extraction is defensive: every name is checked before anything is written (no absolute paths,
 * no `..` escaping the destination: "zip-slip"), symlink entries are created last and only when
 * they point inside the destination, and every file's CRC-32 and size are checked.
 */
import {
  chmodSync,
  closeSync,
  createReadStream,
  createWriteStream,
  mkdirSync,
  openSync,
  readSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createInflateRaw, inflateRawSync } from 'node:zlib';
import { UserError } from '../errors.js';
import {
  CENTRAL_HEADER_SIZE,
  crc32,
  END_OF_CENTRAL_DIR_SIZE,
  FLAG_ENCRYPTED,
  FLAG_UTF8,
  LOCAL_HEADER_SIZE,
  MAX_U16,
  MAX_U32,
  METHOD_DEFLATED,
  METHOD_STORED,
  SIG_CENTRAL_FILE,
  SIG_END_OF_CENTRAL_DIR,
  SIG_LOCAL_FILE,
  SIG_ZIP64_END_OF_CENTRAL_DIR,
  SIG_ZIP64_LOCATOR,
  ZIP64_END_OF_CENTRAL_DIR_SIZE,
  ZIP64_EXTRA_ID,
  ZIP64_LOCATOR_SIZE,
} from './format.js';

export interface ZipEntryInfo {
  /** Name as stored (UTF-8 when flagged or valid UTF-8, else CP437); directories end in `/`. */
  readonly name: string;
  readonly size: number;
  readonly compressedSize: number;
  readonly crc32: number;
  /** st_mode style: type bits + permissions (from Unix external attributes, else a default). */
  readonly mode: number;
  readonly isDirectory: boolean;
  readonly isSymlink: boolean;
  /** 0 stored, 8 deflated; anything else cannot be extracted here. */
  readonly method: number;
  readonly encrypted: boolean;
  /** Offset of the entry's local header in the archive. */
  readonly localHeaderOffset: number;
}

export interface ExtractOptions {
  /** Refuse archives whose entries add up to more than this many bytes (a zip bomb guard). */
  readonly maxBytes?: number;
}

const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;
const S_IFREG = 0o100000;
/** "Version made by" hosts whose external attributes carry a Unix mode: Unix and macOS. */
const UNIX_HOSTS = new Set([3, 19]);
/** Entries up to this size are inflated in one synchronous call; larger ones are streamed. */
const SMALL_ENTRY = 4 * 1024 * 1024;
/** Unicode Path extra field (Info-ZIP): the UTF-8 name when the header's name is not flagged UTF-8. */
const UNICODE_PATH_EXTRA_ID = 0x7075;

/** Lists the entries of a zip from its central directory. */
export async function listZip(zipPath: string): Promise<ZipEntryInfo[]> {
  const file = await fs.open(zipPath, 'r');
  try {
    return await readCentralDirectory(file, zipPath);
  } finally {
    await file.close();
  }
}

/** The uncompressed bytes of one entry, checked against its CRC. */
export async function readZipEntry(zipPath: string, name: string): Promise<Buffer> {
  const entry = (await listZip(zipPath)).find((e) => e.name === name);
  if (!entry) throw new UserError(`${zipPath} has no entry named ${name}`);
  checkExtractable(entry, zipPath);
  const fd = openSync(zipPath, 'r');
  try {
    return readContent(fd, entry, dataOffset(fd, entry, zipPath), zipPath);
  } finally {
    closeSync(fd);
  }
}

/**
 * Extracts a zip into `destDir` (created if missing). All names are validated before anything is
 * written; files get 0755 when the entry had any execute bit, else 0644.
 */
export async function extractZip(
  zipPath: string,
  destDir: string,
  options: ExtractOptions = {},
): Promise<{ files: number; bytes: number }> {
  const entries = await listZip(zipPath);
  await fs.mkdir(destDir, { recursive: true });
  const root = await fs.realpath(destDir);
  const targets = entries.map((entry) => ({ entry, target: safeTarget(root, entry.name, zipPath) }));
  const declared = entries.reduce((sum, e) => sum + e.size, 0);
  if (options.maxBytes !== undefined && declared > options.maxBytes) {
    throw new UserError(`${zipPath} unzips to ${declared} bytes, more than the ${options.maxBytes} allowed`);
  }
  for (const { entry } of targets) checkExtractable(entry, zipPath);

  let files = 0;
  let bytes = 0;
  const links: { entry: ZipEntryInfo; target: string }[] = [];
  // Synchronous reads and writes: per entry, a promise round trip costs more than the work for
  // the small files a layer is mostly made of. Only large entries are streamed.
  const fd = openSync(zipPath, 'r');
  try {
    for (const { entry, target } of targets) {
      if (target === undefined) continue; // the destination itself ("./")
      if (entry.isDirectory) {
        mkdirSync(target, { recursive: true });
        continue;
      }
      if (entry.isSymlink) {
        links.push({ entry, target });
        continue;
      }
      mkdirSync(path.dirname(target), { recursive: true });
      rmSync(target, { force: true });
      const start = dataOffset(fd, entry, zipPath);
      const mode = (entry.mode & 0o111) !== 0 ? 0o755 : 0o644;
      if (entry.compressedSize <= SMALL_ENTRY && entry.size <= SMALL_ENTRY) {
        writeFileSync(target, readContent(fd, entry, start, zipPath), { mode });
      } else {
        await streamEntry(zipPath, entry, start, target, mode);
      }
      chmodSync(target, mode); // the umask may have taken bits from the mode given at creation
      files++;
      bytes += entry.size;
    }
    for (const { entry, target } of links) {
      const linkText = readContent(fd, entry, dataOffset(fd, entry, zipPath), zipPath).toString('utf8');
      await createLink(root, target, linkText, entry, zipPath);
    }
  } finally {
    closeSync(fd);
  }
  return { files, bytes };
}

/**
 * Where an entry goes under `root`, or a UserError when its name is absolute or climbs out
 * (zip-slip). Backslashes count as separators: some Windows tools write them.
 * Returns undefined for a name that is the root itself (e.g. "./").
 */
export function safeTarget(root: string, name: string, zipPath: string): string | undefined {
  const refuse = (why: string): never => {
    throw new UserError(`Refusing to extract ${zipPath}: entry "${name}" ${why}`, {
      hint: 'The archive may be malicious or broken; rebuild it with relative paths inside the layer.',
    });
  };
  if (name.includes('\0')) refuse('contains a NUL byte');
  const normalized = name.replace(/\\/g, '/');
  if (normalized.startsWith('/') || /^[A-Za-z]:/.test(normalized)) refuse('is an absolute path');
  const parts = normalized.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.includes('..')) refuse(`climbs out of the destination with ".." (zip-slip)`);
  if (parts.length === 0) return undefined;
  const target = path.join(root, ...parts);
  if (!target.startsWith(root + path.sep)) refuse('resolves outside the destination (zip-slip)');
  return target;
}

async function createLink(
  root: string,
  target: string,
  linkText: string,
  entry: ZipEntryInfo,
  zipPath: string,
) {
  await fs.mkdir(path.dirname(target), { recursive: true });
  const realParent = await fs.realpath(path.dirname(target));
  const resolved = path.resolve(realParent, linkText);
  if (path.isAbsolute(linkText) || (resolved !== root && !resolved.startsWith(root + path.sep))) {
    throw new UserError(
      `Refusing to extract ${zipPath}: symlink "${entry.name}" -> ${linkText} points outside the destination`,
      {
        hint: 'A layer is extracted under /opt; links must stay inside it.',
      },
    );
  }
  await fs.rm(target, { force: true });
  await fs.symlink(linkText, target);
}

function checkExtractable(entry: ZipEntryInfo, zipPath: string): void {
  if (entry.encrypted) {
    throw new UserError(`${zipPath}: entry "${entry.name}" is encrypted`, {
      hint: 'Lambda cannot use encrypted zips.',
    });
  }
  if (entry.method !== METHOD_STORED && entry.method !== METHOD_DEFLATED) {
    throw new UserError(`${zipPath}: entry "${entry.name}" uses compression method ${entry.method}`, {
      hint: 'Only stored (0) and deflated (8) entries are supported, as by Lambda; re-create the zip with deflate.',
    });
  }
}

/** Reads, inflates and checks one entry's content in memory. */
function readContent(fd: number, entry: ZipEntryInfo, start: number, zipPath: string): Buffer {
  const raw = Buffer.alloc(entry.compressedSize);
  readFullySync(fd, raw, start);
  return checkedContent(inflate(entry, raw, zipPath), entry, zipPath);
}

function inflate(entry: ZipEntryInfo, raw: Buffer, zipPath: string): Buffer {
  if (entry.method === METHOD_STORED) return raw;
  try {
    return inflateRawSync(raw);
  } catch (error) {
    throw corrupt(zipPath, entry, `its deflate data is invalid (${(error as Error).message})`);
  }
}

function checkedContent(content: Buffer, entry: ZipEntryInfo, zipPath: string): Buffer {
  if (content.length !== entry.size) {
    throw corrupt(zipPath, entry, `it holds ${content.length} bytes, the directory says ${entry.size}`);
  }
  if (crc32(content) !== entry.crc32) throw corrupt(zipPath, entry, 'its CRC-32 does not match');
  return content;
}

function corrupt(zipPath: string, entry: ZipEntryInfo, why: string): UserError {
  return new UserError(`${zipPath} is corrupt: entry "${entry.name}": ${why}`, {
    hint: 'Rebuild or re-download the zip.',
  });
}

/** Streams a large entry to `target`, checking size and CRC on the way. */
async function streamEntry(
  zipPath: string,
  entry: ZipEntryInfo,
  start: number,
  target: string,
  mode: number,
) {
  let checksum = 0;
  let size = 0;
  const check = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      checksum = crc32(chunk, checksum);
      size += chunk.length;
      done(null, chunk);
    },
  });
  const source = createReadStream(zipPath, {
    start,
    end: start + entry.compressedSize - 1,
    highWaterMark: 1024 * 1024,
  });
  const sink = createWriteStream(target, { mode });
  try {
    if (entry.method === METHOD_DEFLATED) await pipeline(source, createInflateRaw(), check, sink);
    else await pipeline(source, check, sink);
  } catch (error) {
    if (
      error instanceof Error &&
      'errno' in error &&
      (error as NodeJS.ErrnoException).code?.startsWith('Z_')
    ) {
      throw corrupt(zipPath, entry, `its deflate data is invalid (${error.message})`);
    }
    throw error;
  }
  if (size !== entry.size)
    throw corrupt(zipPath, entry, `it holds ${size} bytes, the directory says ${entry.size}`);
  if (checksum !== entry.crc32) throw corrupt(zipPath, entry, 'its CRC-32 does not match');
}

// --- central directory ---------------------------------------------------------------------

interface EndRecord {
  readonly entries: number;
  readonly cdSize: number;
  readonly cdOffset: number;
}

async function readCentralDirectory(file: fs.FileHandle, zipPath: string): Promise<ZipEntryInfo[]> {
  const { size } = await file.stat();
  const end = await readEndRecord(file, size, zipPath);
  if (end.cdOffset + end.cdSize > size)
    throw notAZip(zipPath, 'its central directory lies past the end of the file');
  const cd = Buffer.alloc(end.cdSize);
  await readFully(file, cd, end.cdOffset);
  const entries: ZipEntryInfo[] = [];
  let at = 0;
  while (at + CENTRAL_HEADER_SIZE <= cd.length && cd.readUInt32LE(at) === SIG_CENTRAL_FILE) {
    const { entry, next } = parseCentralHeader(cd, at, zipPath);
    entries.push(entry);
    at = next;
  }
  if (entries.length !== end.entries) {
    throw notAZip(
      zipPath,
      `its end record announces ${end.entries} entries, the central directory holds ${entries.length}`,
    );
  }
  return entries;
}

async function readEndRecord(file: fs.FileHandle, size: number, zipPath: string): Promise<EndRecord> {
  // The end record is the last 22 bytes plus a comment of up to 65535 bytes.
  const tailSize = Math.min(size, END_OF_CENTRAL_DIR_SIZE + MAX_U16 + ZIP64_LOCATOR_SIZE);
  const tail = Buffer.alloc(tailSize);
  await readFully(file, tail, size - tailSize);
  let at = -1;
  for (let i = tail.length - END_OF_CENTRAL_DIR_SIZE; i >= 0; i--) {
    if (
      tail.readUInt32LE(i) === SIG_END_OF_CENTRAL_DIR &&
      i + END_OF_CENTRAL_DIR_SIZE + tail.readUInt16LE(i + 20) <= tail.length
    ) {
      at = i;
      break;
    }
  }
  if (at < 0) throw notAZip(zipPath, 'no end of central directory record');
  let end: EndRecord = {
    entries: tail.readUInt16LE(at + 10),
    cdSize: tail.readUInt32LE(at + 12),
    cdOffset: tail.readUInt32LE(at + 16),
  };
  const locatorAt = at - ZIP64_LOCATOR_SIZE;
  if (locatorAt >= 0 && tail.readUInt32LE(locatorAt) === SIG_ZIP64_LOCATOR) {
    const recordOffset = Number(tail.readBigUInt64LE(locatorAt + 8));
    const record = Buffer.alloc(ZIP64_END_OF_CENTRAL_DIR_SIZE);
    await readFully(file, record, recordOffset);
    if (record.readUInt32LE(0) !== SIG_ZIP64_END_OF_CENTRAL_DIR)
      throw notAZip(zipPath, 'broken ZIP64 end record');
    end = {
      entries: Number(record.readBigUInt64LE(32)),
      cdSize: Number(record.readBigUInt64LE(40)),
      cdOffset: Number(record.readBigUInt64LE(48)),
    };
  } else if (end.entries === MAX_U16 || end.cdSize === MAX_U32 || end.cdOffset === MAX_U32) {
    throw notAZip(zipPath, 'its end record points at a ZIP64 record that is missing');
  }
  return end;
}

function parseCentralHeader(cd: Buffer, at: number, zipPath: string): { entry: ZipEntryInfo; next: number } {
  const madeBy = cd.readUInt16LE(at + 4);
  const flags = cd.readUInt16LE(at + 8);
  const method = cd.readUInt16LE(at + 10);
  const crc = cd.readUInt32LE(at + 16);
  let compressedSize = cd.readUInt32LE(at + 20);
  let size = cd.readUInt32LE(at + 24);
  const nameLength = cd.readUInt16LE(at + 28);
  const extraLength = cd.readUInt16LE(at + 30);
  const commentLength = cd.readUInt16LE(at + 32);
  const external = cd.readUInt32LE(at + 38);
  let offset = cd.readUInt32LE(at + 42);
  const nameStart = at + CENTRAL_HEADER_SIZE;
  const next = nameStart + nameLength + extraLength + commentLength;
  if (next > cd.length) throw notAZip(zipPath, 'a central directory record runs past its end');
  const nameBytes = cd.subarray(nameStart, nameStart + nameLength);
  const extra = cd.subarray(nameStart + nameLength, nameStart + nameLength + extraLength);

  let unicodeName: string | undefined;
  for (let x = 0; x + 4 <= extra.length; ) {
    const id = extra.readUInt16LE(x);
    const length = extra.readUInt16LE(x + 2);
    const data = extra.subarray(x + 4, x + 4 + length);
    if (id === ZIP64_EXTRA_ID) {
      // Only the fields whose header value is all ones are present, in this order.
      let y = 0;
      const wide = (): number => {
        const value = Number(data.readBigUInt64LE(y));
        y += 8;
        return value;
      };
      if (size === MAX_U32) size = wide();
      if (compressedSize === MAX_U32) compressedSize = wide();
      if (offset === MAX_U32) offset = wide();
    } else if (id === UNICODE_PATH_EXTRA_ID && data.length > 5 && data[0] === 1) {
      unicodeName = data.subarray(5).toString('utf8');
    }
    x += 4 + length;
  }

  const name =
    (flags & FLAG_UTF8) !== 0 ? nameBytes.toString('utf8') : (unicodeName ?? decodeLegacyName(nameBytes));
  const unixMode = UNIX_HOSTS.has(madeBy >> 8) ? external >>> 16 : 0;
  const looksLikeDirectory = name.endsWith('/') || (external & 0x10) !== 0;
  const mode = unixMode !== 0 ? unixMode : looksLikeDirectory ? S_IFDIR | 0o755 : S_IFREG | 0o644;
  const type = mode & S_IFMT;
  return {
    entry: {
      name,
      size,
      compressedSize,
      crc32: crc,
      mode,
      isDirectory: name.endsWith('/') || type === S_IFDIR,
      isSymlink: type === S_IFLNK && !name.endsWith('/'),
      method,
      encrypted: (flags & FLAG_ENCRYPTED) !== 0,
      localHeaderOffset: offset,
    },
    next,
  };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
// Code page 437 for bytes 0x80-0xFF: what APPNOTE says an unflagged name is.
const CP437_HIGH =
  'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0';

/**
 * An unflagged name: tools on Linux (Info-ZIP among them) write the file system's bytes, which are
 * UTF-8 in practice, so valid UTF-8 is read as such; anything else as CP437, as APPNOTE says.
 */
function decodeLegacyName(bytes: Buffer): string {
  try {
    return utf8.decode(bytes);
  } catch {
    let name = '';
    for (const byte of bytes) name += byte < 0x80 ? String.fromCharCode(byte) : CP437_HIGH[byte - 0x80];
    return name;
  }
}

/** Offset of an entry's data: after its local header, whose name and extra lengths may differ from the central ones. */
function dataOffset(fd: number, entry: ZipEntryInfo, zipPath: string): number {
  const header = Buffer.alloc(LOCAL_HEADER_SIZE);
  readFullySync(fd, header, entry.localHeaderOffset);
  if (header.readUInt32LE(0) !== SIG_LOCAL_FILE) {
    throw corrupt(zipPath, entry, `no local header at offset ${entry.localHeaderOffset}`);
  }
  return entry.localHeaderOffset + LOCAL_HEADER_SIZE + header.readUInt16LE(26) + header.readUInt16LE(28);
}

function notAZip(zipPath: string, why: string): UserError {
  return new UserError(`${zipPath} is not a readable zip: ${why}`, {
    hint: 'Check the path, or rebuild the zip.',
  });
}

async function readFully(file: fs.FileHandle, buffer: Buffer, position: number): Promise<void> {
  let filled = 0;
  while (filled < buffer.length) {
    const { bytesRead } = await file.read(buffer, filled, buffer.length - filled, position + filled);
    if (bytesRead === 0)
      throw new UserError(`Unexpected end of file at byte ${position + filled}: the zip is truncated`);
    filled += bytesRead;
  }
}

function readFullySync(fd: number, buffer: Buffer, position: number): void {
  let filled = 0;
  while (filled < buffer.length) {
    const bytesRead = readSync(fd, buffer, filled, buffer.length - filled, position + filled);
    if (bytesRead === 0)
      throw new UserError(`Unexpected end of file at byte ${position + filled}: the zip is truncated`);
    filled += bytesRead;
  }
}
