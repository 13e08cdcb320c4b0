/**
 * yauzl's RandomAccessReader over a file descriptor, reading synchronously. yauzl's own file
 * reader queues every read on the threadpool: two per central directory record and a stream
 * per entry, so listing a 9,000-entry layer took 1.2 s instead of 25 ms, and the threadpool is
 * what the zip writer's deflate jobs run on. A read here is one pread of a few bytes or of one
 * chunk; the callback still runs asynchronously, as yauzl expects.
 */
import { closeSync, readSync } from 'node:fs';
import { Readable } from 'node:stream';
import yauzl from 'yauzl';

/** Bytes read per call when streaming an entry's data. */
const CHUNK = 256 * 1024;

type ReadCallback = (error: Error | null, bytesRead?: number) => void;

export class SyncFileReader extends yauzl.RandomAccessReader {
  private closed = false;

  constructor(private readonly fd: number) {
    super();
  }

  override read(
    buffer: Buffer,
    offset: number,
    length: number,
    position: number,
    callback: (error: Error | null) => void,
  ): void {
    let bytesRead = 0;
    let failure: Error | null = null;
    try {
      bytesRead = this.readFully(buffer, offset, length, position);
    } catch (error) {
      failure = error as Error;
    }
    process.nextTick(callback as ReadCallback, failure, bytesRead);
  }

  override _readStreamForRange(start: number, end: number): Readable {
    let at = start;
    const reader = this;
    return new Readable({
      read() {
        if (at >= end) {
          this.push(null);
          return;
        }
        const chunk = Buffer.allocUnsafe(Math.min(CHUNK, end - at));
        try {
          const got = reader.readFully(chunk, 0, chunk.length, at);
          if (got < chunk.length) throw new Error('unexpected EOF');
          at += got;
          this.push(chunk);
        } catch (error) {
          this.destroy(error as Error);
        }
      },
    });
  }

  override close(callback: (error: Error | null) => void): void {
    let failure: Error | null = null;
    try {
      this.dispose();
    } catch (error) {
      failure = error as Error;
    }
    process.nextTick(callback, failure);
  }

  /** Closes the file once, whoever asks first (yauzl when the zip closes, or the opener). */
  dispose(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }

  /** Reads up to `length` bytes at `position`; returns how many (fewer at the end of the file). */
  readFully(buffer: Buffer, offset: number, length: number, position: number): number {
    let done = 0;
    while (done < length) {
      const got = readSync(this.fd, buffer, offset + done, length - done, position + done);
      if (got === 0) break;
      done += got;
    }
    return done;
  }
}
