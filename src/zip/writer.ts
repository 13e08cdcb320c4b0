/**
 * Deterministic, parallel writer of a Lambda layer zip.
 *
 * Same tree in, same bytes out, whatever the directory, the clock, the umask or the file
 * system's readdir order: entries sorted bytewise by name; directory entries included (as
 * Info-ZIP does, so empty directories survive and `unzip -l` reads like a familiar listing; they
 * cost ~60 bytes each); every timestamp 1980-01-01 00:00; permissions 0755 for directories and
 * executables, else 0644, under "made by Unix"; no extra fields (no UT/ux timestamps or uids)
 * except ZIP64 when a size, an offset or the entry count needs it; no comments; one zlib level.
 * Identical bytes give Lambda an identical CodeSha256, so a re-run can reuse a published version.
 *
 * Caveat: the compressed bytes are zlib's. Node bundles Chromium's zlib fork, whose match
 * finder has CPU-specific paths, so the bytes are reproducible for one Node release on one CPU
 * family (e.g. the same GitHub runner image), not promised across Node upgrades.
 *
 * Speed (issue 7 measures it against `zip -r -X`): small files are deflated in batches on worker
 * threads (zip-workers.ts) while large ones are deflated on the libuv threadpool in 1 MiB chunks
 * (zip-deflate.ts); the archive is written sequentially in sorted order by the main thread and
 * hashed as it is written, never re-read. Memory is bounded by a look-ahead budget; files above
 * SPILL_THRESHOLD are compressed into a temporary file rather than memory.
 */
import { createHash, randomUUID } from 'node:crypto';
import { closeSync, createReadStream, openSync, readFileSync, readSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { Limiter } from '../concurrency.js';
import { UserError } from '../errors.js';
import { removeOnInterrupt } from '../interrupt.js';
import { DEFLATE_CHUNK_SIZE, deflateBuffer, deflateChunk } from './deflate.js';
import {
  centralDirectoryHeader,
  crc32,
  type EntryRecord,
  endOfArchive,
  localFileHeader,
  METHOD_DEFLATED,
  METHOD_STORED,
  normalizedMode,
} from './format.js';
import { type FileWitness, listTree, sameWitness, type TreeEntry } from './tree.js';
import { DeflateWorkers } from './workers.js';

export interface LayerArchive {
  /** File name inside outDir. */
  readonly file: string;
  readonly sha256: string;
  /** base64(sha256(zip bytes)): what Lambda reports as CodeSha256. */
  readonly codeSha256: string;
  readonly zipSize: number;
  readonly unzippedSize: number;
  readonly fileCount: number;
}

export interface ZipWriteOptions {
  /**
   * zlib level 0-9, default 6 (Info-ZIP's default too). Part of the output: the same tree at
   * another level gives other bytes. Measured on a 184 MB pandas+numpy+boto3+pydantic layer:
   * level 9 is 0.4% smaller for 2.4x the CPU time; level 5 is 0.6% larger for 15% less.
   */
  readonly level?: number;
  /**
   * Threadpool deflate jobs in flight at once (large files), and worker threads for the small
   * files; default: the number of CPUs.
   */
  readonly concurrency?: number;
  /**
   * Deflate small files on worker threads (same bytes either way). Default: when they add up to
   * WORKERS_MIN_BYTES or more; below that, starting the threads costs more than it saves.
   */
  readonly workers?: boolean;
  /**
   * Entries whose compressed bytes already exist in another zip (a wheel's), by archive name:
   * when the file in the tree still has the source's size and CRC-32, those bytes are copied as
   * they are (stored or deflated, by whatever made that zip) instead of compressing the file
   * again. The output stays a function of its inputs: the same wheels give the same bytes.
   */
  readonly compressed?: ReadonlyMap<string, CompressedSource>;
}

/** An entry's data as it sits in another zip file. */
export interface CompressedSource {
  /** The zip file holding the data. */
  readonly file: string;
  /** Offset of the data in `file` (past the entry's local header). */
  readonly dataStart: number;
  readonly compressedSize: number;
  /** 0 stored, 8 deflated: nothing else is copied. */
  readonly method: number;
  readonly crc32: number;
  /** Uncompressed size. */
  readonly size: number;
  /**
   * The tree's file as it was when its writer finished writing these very bytes to it: when the
   * file still has that witness, its content is not read again to check it.
   */
  readonly written?: FileWitness;
}

export const DEFAULT_ZIP_LEVEL = 6;
/** Files larger than this are compressed into a temporary file instead of held in memory. */
export const SPILL_THRESHOLD = 64 * 1024 * 1024;
/** Bytes of read-ahead (raw plus compressed) the writer may hold before it waits. */
const LOOKAHEAD_BUDGET = 128 * 1024 * 1024;
/** Files smaller than this are deflated whole, in batches on worker threads (see writeEntries). */
export const INLINE_THRESHOLD = 128 * 1024;
/** A batch of small files ends at this many bytes or files: big enough to make a message cheap. */
const BATCH_BYTES = 512 * 1024;
const BATCH_FILES = 256;
/** Below this many bytes of small files, starting worker threads (~30 ms) costs more than it saves. */
export const WORKERS_MIN_BYTES = 2 * 1024 * 1024;
/** Batches sent per worker ahead of the writer. */
const BATCHES_PER_WORKER = 3;
const YIELD_EVERY_MS = 5;
const WRITE_BUFFER_SIZE = 4 * 1024 * 1024;

/** An entry's data ready to be written: either in memory or in a spill file. */
interface PreparedEntry {
  readonly method: number;
  readonly crc32: number;
  readonly size: number;
  readonly compressedSize: number;
  readonly mode: number;
  /** Compressed (or stored) bytes in order, when held in memory. */
  readonly data?: readonly Buffer[];
  /** File to copy the entry's data from (spilled deflate output, or the source when stored). */
  readonly dataFile?: string;
}

/**
 * Zips everything under `sourceDir` into `zipPath` (names relative to `sourceDir`, so a layer
 * directory holding `python/` gives `python/...` entries). The archive is written to a temporary
 * name beside `zipPath` and renamed into place, so a failure leaves no half-written zip.
 */
export async function writeLayerZip(
  sourceDir: string,
  zipPath: string,
  options: ZipWriteOptions = {},
): Promise<LayerArchive> {
  const level = options.level ?? DEFAULT_ZIP_LEVEL;
  if (!Number.isInteger(level) || level < 0 || level > 9) {
    throw new UserError(`Zip compression level must be an integer from 0 to 9, got ${level}`);
  }
  const concurrency = Math.max(1, options.concurrency ?? os.availableParallelism());
  const entries = listTree(sourceDir);

  const tempPath = `${zipPath}.partial-${process.pid}`;
  const spillDir = await fs.mkdtemp(path.join(os.tmpdir(), 'layer-zip-'));
  // An interrupt skips the cleanup below: src/interrupt.ts removes both instead.
  const forget = [removeOnInterrupt(spillDir), removeOnInterrupt(tempPath)];
  const sink = await ArchiveSink.open(tempPath);
  const copies = new CompressedCopies(entries, options.compressed);
  try {
    const batches = planBatches(entries, copies);
    const smallBytes = batches.list.reduce((sum, b) => sum + b.bytes, 0);
    const useWorkers =
      level > 0 && batches.list.length > 0 && (options.workers ?? smallBytes >= WORKERS_MIN_BYTES);
    const workers = useWorkers ? new DeflateWorkers(level, concurrency) : undefined;
    let records: EntryRecord[];
    try {
      records = await writeEntries(entries, sink, {
        level,
        spillDir,
        limiter: new Limiter(concurrency),
        batches,
        workers,
        copies,
      });
    } finally {
      await workers?.close();
    }
    const cdOffset = sink.position;
    for (const record of records) await sink.write(centralDirectoryHeader(record));
    await sink.write(
      endOfArchive({ entries: records.length, size: sink.position - cdOffset, offset: cdOffset }),
    );
    const digest = await sink.close();
    await fs.rename(tempPath, zipPath);
    const files = records.filter((r) => !r.isDirectory);
    return {
      file: path.basename(zipPath),
      sha256: digest.toString('hex'),
      codeSha256: digest.toString('base64'),
      zipSize: sink.position,
      unzippedSize: files.reduce((sum, r) => sum + r.size, 0),
      fileCount: files.length,
    };
  } catch (error) {
    await sink.close().catch(() => undefined);
    await fs.rm(tempPath, { force: true });
    throw error;
  } finally {
    copies.close();
    await fs.rm(spillDir, { recursive: true, force: true });
    for (const done of forget) done();
  }
}

interface PrepareContext {
  readonly level: number;
  readonly spillDir: string;
  readonly limiter: Limiter;
  readonly batches: BatchPlan;
  /** Absent for small trees: their small files are then deflated on the main thread. */
  readonly workers?: DeflateWorkers;
  readonly copies: CompressedCopies;
}

/** Small files grouped, in archive order, into batches for the worker threads. */
interface BatchPlan {
  readonly list: readonly { readonly indices: readonly number[]; readonly bytes: number }[];
  /** Entry index -> its batch, or -1 (directories, empty and large files). */
  readonly batchOf: Int32Array;
  /** Entry index -> its position in its batch. */
  readonly positionOf: Int32Array;
}

function planBatches(entries: readonly TreeEntry[], copies: CompressedCopies): BatchPlan {
  const list: { indices: number[]; bytes: number }[] = [];
  const batchOf = new Int32Array(entries.length).fill(-1);
  const positionOf = new Int32Array(entries.length);
  let current: { indices: number[]; bytes: number } | undefined;
  entries.forEach((entry, index) => {
    if (entry.isDirectory || entry.size === 0 || !isInline(entry) || copies.has(index)) return;
    if (!current || current.bytes >= BATCH_BYTES || current.indices.length >= BATCH_FILES) {
      current = { indices: [], bytes: 0 };
      list.push(current);
    }
    positionOf[index] = current.indices.length;
    current.indices.push(index);
    current.bytes += entry.size;
    batchOf[index] = list.length - 1;
  });
  return { list, batchOf, positionOf };
}

/**
 * Writes the entries in order. Ahead of the writer, small files are read and sent in batches to
 * the worker threads (node's async zlib would cost more main-thread time per small file, ~250 us,
 * than deflating it, ~40 us for 2 KB) and large files are deflated on the threadpool in 1 MiB
 * chunks: every core compresses while the main thread only reads, checksums and writes. A
 * small file whose batch was not sent (a small tree, or the writer caught up) is deflated right
 * here, the same way.
 */
async function writeEntries(
  entries: readonly TreeEntry[],
  sink: ArchiveSink,
  context: PrepareContext,
): Promise<EntryRecord[]> {
  const prefetcher = new Prefetcher(entries, context);
  const records: EntryRecord[] = [];
  let lastYield = performance.now();
  try {
    for (let index = 0; index < entries.length; index++) {
      const entry = entries[index] as TreeEntry;
      prefetcher.advance(index);
      const prepared = entry.isDirectory
        ? prepareInline(entry, context.level)
        : context.copies.has(index)
          ? await prepareCopied(entry, index, context)
          : isInline(entry)
            ? ((await prefetcher.takeSmall(index)) ?? prepareInline(entry, context.level))
            : await prefetcher.take(index);
      const record: EntryRecord = {
        name: entry.nameBytes,
        isDirectory: entry.isDirectory,
        mode: prepared.mode,
        method: prepared.method,
        crc32: prepared.crc32,
        compressedSize: prepared.compressedSize,
        size: prepared.size,
        offset: sink.position,
      };
      await sink.write(localFileHeader(record));
      if (prepared.data) for (const chunk of prepared.data) await sink.write(chunk);
      if (prepared.dataFile) await copyData(prepared, entry, sink);
      records.push(record);
      prefetcher.release(index);
      // Let threadpool completions be handled, so the pool gets its next jobs without waiting
      // for a long run of synchronous small files to end.
      if (performance.now() - lastYield > YIELD_EVERY_MS) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        lastYield = performance.now();
      }
    }
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(`Cannot zip ${describeFailure(error)}`, { cause: error });
  }
  return records;
}

function describeFailure(error: unknown): string {
  const nodeError = error as NodeJS.ErrnoException;
  return nodeError.path ? `${nodeError.path}: ${nodeError.message}` : String(error);
}

function isInline(entry: TreeEntry): boolean {
  return entry.isDirectory || entry.size < INLINE_THRESHOLD;
}

/**
 * Starts work ahead of the writer: the threadpool preparation of the large entries, as far as
 * LOOKAHEAD_BUDGET bytes (raw plus compressed held in memory) allow, and batches of small files
 * on the worker threads.
 */
class Prefetcher {
  private readonly pending = new Map<number, { promise: Promise<PreparedEntry>; cost: number }>();
  private next = 0;
  private buffered = 0;
  /** Batches of small files sent to the workers whose entries are not all written yet. */
  private readonly batchesSent = new Map<number, { promise: Promise<PreparedEntry[]>; unwritten: number }>();
  private nextBatch = 0;

  constructor(
    private readonly entries: readonly TreeEntry[],
    private readonly context: PrepareContext,
  ) {}

  /** Starts what the budget allows, from the writer's position `from` onwards. */
  advance(from: number): void {
    this.next = Math.max(this.next, from);
    while (this.next < this.entries.length) {
      const entry = this.entries[this.next] as TreeEntry;
      if (!isInline(entry) && !this.context.copies.has(this.next)) {
        const cost = entry.size > SPILL_THRESHOLD ? 4 * DEFLATE_CHUNK_SIZE : 2 * entry.size;
        // Always allow one entry when nothing is held, however large it is.
        if (this.buffered > 0 && this.buffered + cost > LOOKAHEAD_BUDGET) return;
        const promise = prepareLarge(entry, this.context);
        // The writer awaits these in order; this keeps a failure further ahead from being
        // reported as unhandled while the writer is busy (or has failed) on an earlier entry.
        promise.catch(() => undefined);
        this.pending.set(this.next, { promise, cost });
        this.buffered += cost;
      }
      this.next++;
    }
  }

  take(index: number): Promise<PreparedEntry> {
    this.advance(index);
    const started = this.pending.get(index);
    if (!started) throw new Error(`internal: entry ${index} was not prefetched`);
    return started.promise;
  }

  /**
   * The small file at `index` as deflated by a worker, or undefined when there are no workers
   * (the writer then deflates it itself).
   */
  takeSmall(index: number): Promise<PreparedEntry> | undefined {
    const batch = this.context.batches.batchOf[index] ?? -1;
    if (batch < 0) return undefined;
    this.sendBatches();
    const sent = this.batchesSent.get(batch);
    if (!sent) return undefined;
    const position = this.context.batches.positionOf[index] ?? 0;
    return sent.promise.then((prepared) => prepared[position] as PreparedEntry);
  }

  release(index: number): void {
    const batch = this.context.batches.batchOf[index] ?? -1;
    const sent = batch >= 0 ? this.batchesSent.get(batch) : undefined;
    if (sent && --sent.unwritten === 0) {
      this.batchesSent.delete(batch);
      this.sendBatches();
    }
    const started = this.pending.get(index);
    if (!started) return;
    this.pending.delete(index);
    this.buffered -= started.cost;
  }

  /**
   * Sends the next batches of small files to the workers, in archive order, while fewer than
   * BATCHES_PER_WORKER per worker are sent and not yet written (that bounds the memory they hold).
   */
  private sendBatches(): void {
    const { workers, batches } = this.context;
    if (!workers) return;
    while (
      this.nextBatch < batches.list.length &&
      this.batchesSent.size < BATCHES_PER_WORKER * workers.size
    ) {
      const batch = this.nextBatch++;
      const files = (batches.list[batch]?.indices ?? []).map((i) => this.entries[i] as TreeEntry);
      const data = files.map((entry) => readFileSync(entry.sourcePath));
      const promise = workers
        .deflate(data)
        .then((compressed) =>
          compressed.map((bytes, k) =>
            finish(data[k] as Buffer, [bytes], normalizedMode((files[k] as TreeEntry).statMode, false)),
          ),
        );
      // Awaited in order by the writer; this keeps a failure ahead of it from being unhandled.
      promise.catch(() => undefined);
      this.batchesSent.set(batch, { promise, unwritten: files.length });
    }
  }
}

/**
 * The entries whose bytes are copied from another zip (ZipWriteOptions.compressed): those whose
 * listed size matches the source's. Each source zip is opened once.
 */
class CompressedCopies {
  private readonly byIndex = new Map<number, CompressedSource>();
  private readonly handles = new Map<string, number>();

  constructor(entries: readonly TreeEntry[], sources: ReadonlyMap<string, CompressedSource> | undefined) {
    if (!sources) return;
    entries.forEach((entry, index) => {
      const source = sources.get(entry.name);
      const copyable = source && (source.method === METHOD_STORED || source.method === METHOD_DEFLATED);
      // Larger sources are read whole into memory: beyond the spill size, compress as usual.
      const fits = source && source.compressedSize <= SPILL_THRESHOLD;
      if (copyable && fits && !entry.isDirectory && source.size === entry.size && source.size > 0) {
        this.byIndex.set(index, source);
      }
    });
  }

  has(index: number): boolean {
    return this.byIndex.has(index);
  }

  get(index: number): CompressedSource | undefined {
    return this.byIndex.get(index);
  }

  /** The source's compressed bytes. */
  read(source: CompressedSource): Buffer {
    let fd = this.handles.get(source.file);
    if (fd === undefined) {
      fd = openSync(source.file, 'r');
      this.handles.set(source.file, fd);
    }
    const bytes = Buffer.allocUnsafe(source.compressedSize);
    let filled = 0;
    while (filled < bytes.length) {
      const read = readSync(fd, bytes, filled, bytes.length - filled, source.dataStart + filled);
      if (read === 0)
        throw new UserError(`${source.file} ends inside an entry's data: the file changed or is damaged`);
      filled += read;
    }
    return bytes;
  }

  close(): void {
    for (const fd of this.handles.values()) closeSync(fd);
    this.handles.clear();
  }
}

/**
 * An entry copied from its source zip: only when the file in the tree is still the source's
 * (same CRC-32 over what is read now); otherwise it is compressed like any other file.
 */
async function prepareCopied(
  entry: TreeEntry,
  index: number,
  context: PrepareContext,
): Promise<PreparedEntry> {
  const source = context.copies.get(index) as CompressedSource;
  const mode = normalizedMode(entry.statMode, false);
  const copied = (): PreparedEntry => ({
    method: source.method,
    crc32: source.crc32,
    size: source.size,
    compressedSize: source.compressedSize,
    mode,
    data: [context.copies.read(source)],
  });
  // Untouched since it was written from these bytes: reading it back (the data workload's 180 MB
  // of wheel files) would only recompute the CRC the source already has.
  if (sameWitness(source.written, entry.witness)) return copied();
  let checksum = 0;
  let size = 0;
  if (isInline(entry)) {
    // One synchronous read: a stream per small file costs more than the file.
    const data = readFileSync(entry.sourcePath);
    checksum = crc32(data);
    size = data.length;
  } else {
    for await (const chunk of createReadStream(entry.sourcePath, { highWaterMark: DEFLATE_CHUNK_SIZE })) {
      checksum = crc32(chunk as Buffer, checksum);
      size += (chunk as Buffer).length;
    }
  }
  if (checksum !== source.crc32 || size !== source.size) {
    return isInline(entry) ? prepareInline(entry, context.level) : prepareLarge(entry, context);
  }
  return copied();
}

/** A directory or small file, prepared synchronously on the main thread. */
function prepareInline(entry: TreeEntry, level: number): PreparedEntry {
  if (entry.isDirectory) {
    return { method: METHOD_STORED, crc32: 0, size: 0, compressedSize: 0, mode: normalizedMode(0, true) };
  }
  const data = readFileSync(entry.sourcePath);
  const compressed = data.length > 0 && level > 0 ? [deflateRawSync(data, { level })] : undefined;
  return finish(data, compressed, normalizedMode(entry.statMode, false));
}

async function prepareLarge(entry: TreeEntry, context: PrepareContext): Promise<PreparedEntry> {
  const mode = normalizedMode(entry.statMode, false);
  if (entry.size > SPILL_THRESHOLD) return prepareSpilled(entry, mode, context);
  const data = await fs.readFile(entry.sourcePath);
  const compressed =
    data.length > 0 && context.level > 0
      ? await deflateBuffer(data, context.level, context.limiter)
      : undefined;
  return finish(data, compressed, mode);
}

function finish(data: Buffer, compressed: Buffer[] | undefined, mode: number): PreparedEntry {
  const checksum = crc32(data);
  const compressedSize = compressed
    ? compressed.reduce((sum, c) => sum + c.length, 0)
    : Number.POSITIVE_INFINITY;
  // Deflate that does not shrink the file (already compressed data, tiny files) is stored instead.
  if (!compressed || compressedSize >= data.length) {
    return {
      method: METHOD_STORED,
      crc32: checksum,
      size: data.length,
      compressedSize: data.length,
      mode,
      data: [data],
    };
  }
  return {
    method: METHOD_DEFLATED,
    crc32: checksum,
    size: data.length,
    compressedSize,
    mode,
    data: compressed,
  };
}

/**
 * A file too large to hold in memory: read chunk by chunk, deflate a few chunks at a time and
 * append them in order to a spill file. When deflate does not shrink it, the writer copies the
 * source file itself (checking it still has the same CRC).
 */
async function prepareSpilled(
  entry: TreeEntry,
  mode: number,
  context: PrepareContext,
): Promise<PreparedEntry> {
  const spillPath = path.join(context.spillDir, `${randomUUID()}.deflate`);
  const source = await fs.open(entry.sourcePath, 'r');
  const spill = await fs.open(spillPath, 'w');
  try {
    const inFlight: Promise<Buffer>[] = [];
    let checksum = 0;
    let size = 0;
    let compressedSize = 0;
    let previous: Buffer | undefined;
    const drainOne = async (): Promise<void> => {
      const compressed = await (inFlight.shift() as Promise<Buffer>);
      await spill.write(compressed);
      compressedSize += compressed.length;
    };
    let next = await readChunk(source, size);
    while (next.length > 0) {
      const chunk = next;
      checksum = crc32(chunk, checksum);
      size += chunk.length;
      next = await readChunk(source, size);
      const job = deflateChunk(chunk, previous, next.length === 0, context.level, context.limiter);
      job.catch(() => undefined);
      inFlight.push(job);
      previous = chunk;
      if (inFlight.length >= 4) await drainOne();
    }
    while (inFlight.length > 0) await drainOne();
    if (size === 0 || compressedSize >= size) {
      return {
        method: METHOD_STORED,
        crc32: checksum,
        size,
        compressedSize: size,
        mode,
        dataFile: entry.sourcePath,
      };
    }
    return { method: METHOD_DEFLATED, crc32: checksum, size, compressedSize, mode, dataFile: spillPath };
  } finally {
    await source.close();
    await spill.close();
  }
}

async function readChunk(file: fs.FileHandle, position: number): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(DEFLATE_CHUNK_SIZE);
  let filled = 0;
  while (filled < buffer.length) {
    const { bytesRead } = await file.read(buffer, filled, buffer.length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return buffer.subarray(0, filled);
}

/** Copies a spilled (or stored large) entry's bytes into the archive. */
async function copyData(prepared: PreparedEntry, entry: TreeEntry, sink: ArchiveSink): Promise<void> {
  const stored = prepared.method === METHOD_STORED;
  let copied = 0;
  let checksum = 0;
  for await (const chunk of createReadStream(prepared.dataFile as string, {
    highWaterMark: DEFLATE_CHUNK_SIZE,
  })) {
    const bytes = chunk as Buffer;
    if (stored) checksum = crc32(bytes, checksum);
    copied += bytes.length;
    await sink.write(bytes);
  }
  if (copied !== prepared.compressedSize || (stored && checksum !== prepared.crc32)) {
    throw new UserError(`File ${entry.sourcePath} changed while the layer was being zipped`, {
      hint: 'Run the build again once nothing else writes to the layer directory.',
    });
  }
}

/** The archive file: buffered sequential writes, hashed as they are written. */
class ArchiveSink {
  position = 0;
  private readonly hash = createHash('sha256');
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private digest?: Buffer;

  private constructor(private readonly file: fs.FileHandle) {}

  static async open(filePath: string): Promise<ArchiveSink> {
    return new ArchiveSink(await fs.open(filePath, 'w'));
  }

  async write(bytes: Buffer): Promise<void> {
    this.hash.update(bytes);
    this.position += bytes.length;
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    if (this.pendingBytes >= WRITE_BUFFER_SIZE) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.pendingBytes === 0) return;
    const bytes = this.pending.length === 1 ? (this.pending[0] as Buffer) : Buffer.concat(this.pending);
    this.pending = [];
    this.pendingBytes = 0;
    let offset = 0;
    while (offset < bytes.length) {
      const { bytesWritten } = await this.file.write(bytes, offset, bytes.length - offset);
      offset += bytesWritten;
    }
  }

  /** Flushes, closes and returns the sha256 of everything written. */
  async close(): Promise<Buffer> {
    if (this.digest) return this.digest;
    try {
      await this.flush();
    } finally {
      await this.file.close();
    }
    this.digest = this.hash.digest();
    return this.digest;
  }
}
