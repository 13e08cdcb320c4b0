/**
 * Reading zips, including ones made elsewhere (Info-ZIP `zip`, Python's zipfile, this project's
 * writer): yauzl parses the container (central directory, ZIP64, local headers, bounds) and holds
 * each entry's inflated bytes to the size its header declares, stopping at the first byte past
 * it. What is ours is the extraction policy (./containment.ts), the CRC check, and turning every
 * failure into one line that names the zip and the entry.
 *
 * Extraction creates nothing until the whole zip has passed the policy: names, duplicates,
 * file/directory clashes, symlink targets (resolved through the zip's own tree), declared sizes.
 */
import {
  chmodSync,
  closeSync,
  createWriteStream,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  realpathSync,
  rmSync,
  type Stats,
  statSync,
  symlinkSync,
  writeSync,
} from 'node:fs';
import * as path from 'node:path';
import { type Readable, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { inflateRawSync } from 'node:zlib';
import yauzl from 'yauzl';
import { UserError } from '../errors.js';
import { checkSymlinks, entryKey, planExtraction, printable, refuseEntry } from './containment.js';
import { SyncFileReader } from './file-reader.js';
import { crc32 } from './format.js';
import { decodeEntryName } from './names.js';

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
const FLAG_ENCRYPTED = 0x1;
/**
 * Entries declaring up to this many bytes are gathered in memory and written in one call: per
 * small file, a write stream's open/write/close round trips cost more than the inflating. Larger
 * ones are streamed to disk. Either way memory is bounded by this, as yauzl stops at the
 * declared size.
 */
const IN_MEMORY_ENTRY = 4 * 1024 * 1024;
/**
 * More entries than this are refused before any is kept in memory: each costs a few hundred
 * bytes listed, and no layer comes near it (the largest in the benchmark have under 20,000).
 */
export const MAX_ENTRIES = 1_000_000;

interface OpenEntry {
  readonly info: ZipEntryInfo;
  readonly raw: yauzl.Entry;
}

interface OpenZip {
  readonly path: string;
  readonly zip: yauzl.ZipFile;
  readonly reader: SyncFileReader;
}

/** Lists the entries of a zip from its central directory. */
export async function listZip(zipPath: string): Promise<ZipEntryInfo[]> {
  return withZip(zipPath, async (_zip, entries) => entries.map((entry) => entry.info));
}

/** The uncompressed bytes of one entry, checked against its size and CRC. */
export async function readZipEntry(zipPath: string, name: string): Promise<Buffer> {
  return withZip(zipPath, async (zip, entries) => {
    const entry = entries.find((e) => e.info.name === name);
    if (!entry) throw new UserError(`${zipPath} has no entry named ${name}`);
    planExtraction([entry.info], zipPath, { destinationLength: 0 }); // method, encryption
    return readContent(zip, entry);
  });
}

/**
 * Extracts a zip into `destDir` (created if missing). Nothing is created until every entry has
 * passed the policy; files get 0755 when the entry had any execute bit, else 0644; symlinks are
 * created last. On a failure part-way (a CRC mismatch, a lying size) what was written stays:
 * callers extract into a temporary folder they remove.
 */
export async function extractZip(
  zipPath: string,
  destDir: string,
  options: ExtractOptions = {},
): Promise<{ files: number; bytes: number }> {
  return withZip(zipPath, async (zip, entries) => {
    const plan = planExtraction(
      entries.map((e) => e.info),
      zipPath,
      {
        maxBytes: options.maxBytes,
        destinationLength: Buffer.byteLength(path.resolve(destDir)),
      },
    );
    const byInfo = new Map(entries.map((e) => [e.info, e]));
    const open = (info: ZipEntryInfo) => byInfo.get(info) as OpenEntry;
    const texts = new Map<string, string>();
    for (const link of plan.links) {
      texts.set(link.key, (await readContent(zip, open(link.entry))).toString('utf8'));
    }
    checkSymlinks(plan, texts, zipPath);

    // Accepted: from here on, create.
    const root = onDisk(destDir, () => {
      mkdirSync(destDir, { recursive: true });
      return realpathSync(destDir);
    });
    // Parents first, one level at a time, so that a link or file already in the destination is
    // refused rather than followed (mkdir -p would follow it).
    for (const dir of plan.dirs) {
      onDisk(path.join(root, dir), (target) => {
        try {
          mkdirSync(target);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
          if (!lstatSync(target).isDirectory()) {
            throw new UserError(`cannot extract ${zipPath}: ${target} already exists and is not a folder`, {
              hint: 'Extract into an empty folder.',
            });
          }
        }
      });
    }
    let bytes = 0;
    for (const { entry, key } of plan.files) {
      const target = path.join(root, key);
      const mode = (entry.mode & 0o111) !== 0 ? 0o755 : 0o644;
      onDisk(target, () => rmSync(target, { force: true }));
      if (isSmall(entry)) {
        const content = await readContent(zip, open(entry));
        onDisk(target, () => writeNew(target, content, mode));
      } else {
        await streamToFile(zip, open(entry), target, mode);
      }
      // The umask may have taken bits from the mode given at creation.
      onDisk(target, () => chmodSync(target, mode));
      bytes += entry.size;
    }
    for (const { entry, key } of plan.links) {
      const target = path.join(root, key);
      onDisk(target, () => {
        rmSync(target, { force: true });
        symlinkSync(texts.get(key) as string, target);
      });
      // Checked over the zip's tree already; this checks the real one, which may hold more.
      const real = realpathOrUndefined(target);
      if (real !== undefined && !isInside(root, real)) {
        rmSync(target, { force: true });
        throw refuseEntry(zipPath, entry.name, `is a symlink that resolves outside ${destDir} (to ${real})`);
      }
    }
    return { files: plan.files.length, bytes };
  });
}

/**
 * Where an entry goes under `root`, or a UserError when its name is absolute or climbs out
 * (zip-slip). Backslashes count as separators: some Windows tools write them.
 * Returns undefined for a name that is the root itself (e.g. "./").
 */
export function safeTarget(root: string, name: string, zipPath: string): string | undefined {
  const key = entryKey(name, zipPath);
  return key === '' ? undefined : path.join(root, key);
}

function isInside(root: string, real: string): boolean {
  return real === root || real.startsWith(root + path.sep);
}

function realpathOrUndefined(target: string): string | undefined {
  try {
    return realpathSync(target);
  } catch {
    return undefined; // dangling inside the tree: harmless, as on Lambda
  }
}

/** Creates `target` (which must not exist: O_EXCL never follows a link) holding `content`. */
function writeNew(target: string, content: Buffer, mode: number): void {
  const fd = openSync(target, 'wx', mode);
  try {
    let written = 0;
    while (written < content.length) written += writeSync(fd, content, written);
  } finally {
    closeSync(fd);
  }
}

// --- yauzl, and its failures as one line each ------------------------------------------------

async function withZip<T>(
  file: string,
  use: (zip: OpenZip, entries: readonly OpenEntry[]) => Promise<T>,
  /** How messages name the zip (default: its path). */
  zipPath = file,
): Promise<T> {
  const { reader, size } = openZipFile(file, zipPath);
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.fromRandomAccessReaderPromise(reader, size, {
      lazyEntries: true,
      autoClose: false,
      decodeStrings: false, // names are decoded and judged by our policy, not refused by yauzl
      validateEntrySizes: true,
    });
  } catch (error) {
    reader.dispose();
    throw zipFileError(zipPath, error);
  }
  try {
    if (zip.entryCount > MAX_ENTRIES) {
      throw new UserError(
        `${zipPath} lists ${zip.entryCount} entries, more than the ${MAX_ENTRIES} read here`,
        {
          hint: 'No Lambda layer has that many files; the archive may be malicious or broken.',
        },
      );
    }
    const entries: OpenEntry[] = [];
    try {
      for await (const raw of zip.eachEntry()) {
        const info = describe(raw);
        entries.push({ raw: slim(raw), info });
      }
    } catch (error) {
      throw notAZip(zipPath, (error as Error).message);
    }
    return await use({ path: zipPath, zip, reader }, entries);
  } finally {
    zip.close();
    reader.dispose();
  }
}

/** An open zip: its entries, each readable whole (bounded by its declared size, CRC checked). */
export interface ZipArchive {
  readonly entries: readonly ZipEntryInfo[];
  read(entry: ZipEntryInfo): Promise<Buffer>;
  /**
   * Streams an entry into a new file `target` (which must not exist), never holding more than
   * a chunk in memory: stopped at its declared size, size and CRC checked.
   */
  extract(entry: ZipEntryInfo, target: string, mode: number): Promise<void>;
  /** Offset in the zip file of the entry's (compressed) data, past its local header. */
  dataStart(entry: ZipEntryInfo): Promise<number>;
}

/**
 * Opens a zip for reading entries one by one (a wheel being installed), closed when `use` ends.
 * Entries with an unsupported method or encryption are refused when read.
 */
export async function withZipArchive<T>(
  file: string,
  use: (archive: ZipArchive) => Promise<T>,
  /** How refusals name the zip: the wheel as the user knows it, not a temporary copy. */
  zipPath = file,
): Promise<T> {
  return withZip(
    file,
    async (zip, entries) => {
      const byInfo = new Map(entries.map((e) => [e.info, e]));
      return use({
        entries: entries.map((e) => e.info),
        read: async (info) => {
          const entry = byInfo.get(info);
          if (!entry) throw new UserError(`${zipPath}: ${info.name} is not an entry of this zip`);
          planExtraction([info], zipPath, { destinationLength: 0 }); // method, encryption
          return readContent(zip, entry);
        },
        extract: async (info, target, mode) => {
          const entry = byInfo.get(info);
          if (!entry) throw new UserError(`${zipPath}: ${info.name} is not an entry of this zip`);
          planExtraction([info], zipPath, { destinationLength: 0 }); // method, encryption
          const source = await openData(zip, entry);
          try {
            await pipeline(source, crcCheck(zipPath, info), createWriteStream(target, { flags: 'wx', mode }));
          } catch (error) {
            // A file system error (ENOSPC) goes up as it is: the build says which folder filled.
            if ((error as NodeJS.ErrnoException).syscall !== undefined) throw error;
            throw dataError(zipPath, info, error);
          }
        },
        dataStart: async (info) => {
          const entry = byInfo.get(info);
          if (!entry) throw new UserError(`${zipPath}: ${info.name} is not an entry of this zip`);
          try {
            return (await zip.zip.readLocalFileHeaderPromise(entry.raw, { minimal: true })).fileDataStart;
          } catch (error) {
            throw dataError(zipPath, info, error);
          }
        },
      });
    },
    zipPath,
  );
}

/** Why `zipPath` cannot be opened as a zip, as one line naming it. */
export function zipFileError(zipPath: string, error: unknown): UserError {
  const code = (error as NodeJS.ErrnoException).code;
  const pass = { hint: 'Pass the path of a zip file.' };
  switch (code) {
    case 'ENOENT':
      return new UserError(`${zipPath}: no such file`, pass);
    case 'EISDIR':
      return new UserError(`${zipPath} is a directory, not a zip file`, pass);
    case 'ENOTDIR':
      return new UserError(`${zipPath}: a folder in this path is a file`, pass);
    case 'ELOOP':
      return new UserError(`${zipPath} is a symbolic link that loops back on itself`, pass);
    case 'ENAMETOOLONG':
      return new UserError(`${zipPath}: the path is too long for the file system`, pass);
    case 'EACCES':
    case 'EPERM':
      return new UserError(`${zipPath} cannot be read: permission denied`, {
        hint: 'Check its permissions.',
      });
    default:
      return notAZip(zipPath, (error as Error).message);
  }
}

/** Opens a regular file only: opening a FIFO would wait for a writer forever. */
function openZipFile(file: string, zipPath = file): { reader: SyncFileReader; size: number } {
  let stats: Stats;
  try {
    stats = statSync(file);
  } catch (error) {
    throw zipFileError(zipPath, error);
  }
  if (stats.isDirectory())
    throw zipFileError(zipPath, Object.assign(new Error('directory'), { code: 'EISDIR' }));
  if (!stats.isFile()) {
    throw new UserError(`${zipPath} is not a regular file (a device, FIFO or socket)`, {
      hint: 'Pass the path of a zip file.',
    });
  }
  try {
    const fd = openSync(file, 'r');
    return { reader: new SyncFileReader(fd), size: fstatSync(fd).size };
  } catch (error) {
    throw zipFileError(zipPath, error);
  }
}

function notAZip(zipPath: string, why: string): UserError {
  return new UserError(`${zipPath} is not a readable zip: ${why}`, {
    hint: 'Check the path, or rebuild the zip.',
  });
}

function corrupt(zipPath: string, info: ZipEntryInfo, why: string): UserError {
  return new UserError(`${zipPath} is corrupt: entry "${printable(info.name)}": ${why}`, {
    hint: 'Rebuild or re-download the zip.',
  });
}

/** What yauzl or zlib reported while reading an entry's data, said about the entry. */
function dataError(zipPath: string, info: ZipEntryInfo, error: unknown): UserError {
  if (error instanceof UserError) return error;
  const message = (error as Error).message ?? String(error);
  if (/^too many bytes in the stream/.test(message)) {
    return corrupt(
      zipPath,
      info,
      `it inflates to more than the ${info.size} bytes its header declares (a zip bomb?)`,
    );
  }
  if (/^not enough bytes in the stream/.test(message)) {
    return corrupt(zipPath, info, `it holds fewer bytes than the ${info.size} its header declares`);
  }
  if ((error as NodeJS.ErrnoException).code?.startsWith('Z_')) {
    return corrupt(zipPath, info, `its deflate data is invalid (${message})`);
  }
  return corrupt(zipPath, info, message);
}

/** A file system failure while extracting, as one line naming the path. */
function onDisk<T>(target: string, act: (target: string) => T): T {
  try {
    return act(target);
  } catch (error) {
    if (error instanceof UserError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new UserError(`cannot extract to ${target}: ${code} (${(error as Error).message})`, {
      hint:
        code === 'ENOSPC'
          ? 'The disk is full; free space or extract elsewhere.'
          : 'Check that the destination is a writable folder.',
    });
  }
}

/**
 * Drops what yauzl keeps per entry but reading its data never uses (raw name, extra fields,
 * comment: a few hundred bytes each) once `describe` has what it needs from them.
 */
function slim(raw: yauzl.Entry): yauzl.Entry {
  const emptied = raw as unknown as Record<string, unknown>;
  for (const field of [
    'fileNameRaw',
    'extraFieldRaw',
    'fileCommentRaw',
    'fileName',
    'fileComment',
    'comment',
  ]) {
    emptied[field] = undefined;
  }
  raw.extraFields = [];
  return raw;
}

function describe(raw: yauzl.Entry): ZipEntryInfo {
  const name = decodeEntryName(
    raw.generalPurposeBitFlag,
    raw.fileNameRaw as unknown as Buffer,
    raw.extraFields,
  );
  const unixMode = UNIX_HOSTS.has(raw.versionMadeBy >> 8) ? raw.externalFileAttributes >>> 16 : 0;
  const looksLikeDirectory = name.endsWith('/') || (raw.externalFileAttributes & 0x10) !== 0;
  const mode = unixMode !== 0 ? unixMode : looksLikeDirectory ? S_IFDIR | 0o755 : S_IFREG | 0o644;
  const type = mode & S_IFMT;
  return {
    name,
    size: raw.uncompressedSize,
    compressedSize: raw.compressedSize,
    crc32: raw.crc32,
    mode,
    isDirectory: name.endsWith('/') || type === S_IFDIR,
    isSymlink: type === S_IFLNK && !name.endsWith('/'),
    method: raw.compressionMethod,
    encrypted: (raw.generalPurposeBitFlag & FLAG_ENCRYPTED) !== 0,
    localHeaderOffset: raw.relativeOffsetOfLocalHeader,
  };
}

// --- entry data ------------------------------------------------------------------------------

function isSmall(info: ZipEntryInfo): boolean {
  return info.size <= IN_MEMORY_ENTRY && info.compressedSize <= IN_MEMORY_ENTRY;
}

/** An entry's whole content, checked against its declared size and CRC. */
async function readContent(z: OpenZip, entry: OpenEntry): Promise<Buffer> {
  const content = isSmall(entry.info) ? await readSmall(z, entry) : await readStreamed(z, entry);
  if (content.length !== entry.info.size) {
    throw corrupt(
      z.path,
      entry.info,
      `it holds ${content.length} bytes, the directory says ${entry.info.size}`,
    );
  }
  if (crc32(content) !== entry.info.crc32) throw corrupt(z.path, entry.info, 'its CRC-32 does not match');
  return content;
}

/**
 * A small entry read and inflated in one synchronous call each (yauzl finds and bounds-checks
 * its data). A stream per entry costs more than the inflating for the small files a layer is
 * mostly made of; zlib's maxOutputLength stops inflating past the declared size, as yauzl does.
 */
async function readSmall(z: OpenZip, entry: OpenEntry): Promise<Buffer> {
  const { info } = entry;
  let start: number;
  try {
    start = (await z.zip.readLocalFileHeaderPromise(entry.raw, { minimal: true })).fileDataStart;
  } catch (error) {
    throw dataError(z.path, info, error);
  }
  const raw = Buffer.allocUnsafe(info.compressedSize);
  if (z.reader.readFully(raw, 0, raw.length, start) < raw.length) {
    throw corrupt(z.path, info, 'its data runs past the end of the file');
  }
  if (info.method === 0) return raw;
  try {
    return inflateRawSync(raw, { maxOutputLength: Math.max(info.size, 1) });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(z.path, info);
    throw corrupt(z.path, info, `its deflate data is invalid (${(error as Error).message})`);
  }
}

function tooLarge(zipPath: string, info: ZipEntryInfo): UserError {
  return corrupt(
    zipPath,
    info,
    `it inflates to more than the ${info.size} bytes its header declares (a zip bomb?)`,
  );
}

async function openData(z: OpenZip, entry: OpenEntry): Promise<Readable> {
  try {
    return await z.zip.openReadStreamPromise(entry.raw);
  } catch (error) {
    throw dataError(z.path, entry.info, error);
  }
}

/** Computes the CRC-32 of what passes through; checks it, and the size, at the end. */
function crcCheck(zipPath: string, info: ZipEntryInfo): Transform {
  let checksum = 0;
  let size = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      checksum = crc32(chunk, checksum);
      size += chunk.length;
      done(null, chunk);
    },
    flush(done) {
      if (size !== info.size)
        done(corrupt(zipPath, info, `it holds ${size} bytes, the directory says ${info.size}`));
      else if (checksum !== info.crc32) done(corrupt(zipPath, info, 'its CRC-32 does not match'));
      else done();
    },
  });
}

/** A large entry in memory (readZipEntry only): yauzl's stream stops at the declared size. */
async function readStreamed(z: OpenZip, entry: OpenEntry): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      done();
    },
  });
  try {
    await pipeline(await openData(z, entry), sink);
  } catch (error) {
    throw dataError(z.path, entry.info, error);
  }
  return Buffer.concat(chunks);
}

/** A large entry streamed to a new file `target`, size and CRC checked on the way. */
async function streamToFile(z: OpenZip, entry: OpenEntry, target: string, mode: number): Promise<void> {
  const source = await openData(z, entry);
  try {
    await pipeline(source, crcCheck(z.path, entry.info), createWriteStream(target, { flags: 'wx', mode }));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).syscall !== undefined) {
      onDisk(target, () => {
        throw error;
      });
    }
    throw dataError(z.path, entry.info, error);
  }
}
