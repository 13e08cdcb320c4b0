/**
 * Deflate on the libuv threadpool, a bounded number of jobs at a time, and split into fixed-size
 * chunks so one large file (a 25 MB BLAS library) keeps every core busy instead of one.
 *
 * Chunks are joined the way pigz does it: each chunk is compressed with the previous 32 KiB as
 * its preset dictionary and ends with a sync flush (an empty stored block, byte aligned), the
 * last one with a final block. The concatenation is one valid raw deflate stream, and with a
 * fixed chunk size and level it is the same bytes on every run.
 */
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import type { Limiter } from '../concurrency.js';

const deflateRaw = promisify(zlib.deflateRaw) as (
  buffer: Buffer,
  options: zlib.ZlibOptions,
) => Promise<Buffer>;

/** Bytes per independently compressed chunk. Part of the output format: changing it changes the zip bytes. */
export const DEFLATE_CHUNK_SIZE = 1024 * 1024;
/** Deflate's window: the most history a chunk can refer back into. */
const DICTIONARY_SIZE = 32 * 1024;
const MIN_OUTPUT_BUFFER = 1024;

/** Compresses one chunk of a file; `previous` is the chunk before it (undefined for the first). */
export function deflateChunk(
  chunk: Buffer,
  previous: Buffer | undefined,
  isLast: boolean,
  level: number,
  limiter: Limiter,
): Promise<Buffer> {
  const options: zlib.ZlibOptions = {
    level,
    // Room for the whole output in one buffer: with the default 16 KiB, every 16 KiB of output is
    // a round trip between the threadpool and the main thread (measured: ~1 s of main-thread time
    // on a numpy+pandas layer).
    chunkSize: Math.max(MIN_OUTPUT_BUFFER, chunk.length + (chunk.length >> 8) + 64),
    finishFlush: isLast ? zlib.constants.Z_FINISH : zlib.constants.Z_SYNC_FLUSH,
  };
  if (previous && previous.length > 0) {
    options.dictionary = previous.subarray(Math.max(0, previous.length - DICTIONARY_SIZE));
  }
  return limiter.run(() => deflateRaw(chunk, options));
}

/** Compresses a whole in-memory file: its chunks in parallel, returned in order. */
export function deflateBuffer(data: Buffer, level: number, limiter: Limiter): Promise<Buffer[]> {
  if (data.length <= DEFLATE_CHUNK_SIZE)
    return deflateChunk(data, undefined, true, level, limiter).then((c) => [c]);
  const jobs: Promise<Buffer>[] = [];
  for (let start = 0; start < data.length; start += DEFLATE_CHUNK_SIZE) {
    const end = Math.min(start + DEFLATE_CHUNK_SIZE, data.length);
    const previous = start === 0 ? undefined : data.subarray(Math.max(0, start - DICTIONARY_SIZE), start);
    jobs.push(deflateChunk(data.subarray(start, end), previous, end === data.length, level, limiter));
  }
  return Promise.all(jobs);
}
