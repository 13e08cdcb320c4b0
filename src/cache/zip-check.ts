/**
 * Reads a finished layer.zip back, every entry inflated and compared with the CRC-32 and size
 * its central directory declares (what `lambda-layer verify` relies on when it unpacks a zip):
 * the layer cache never keeps a zip that fails this (cache/layer-cache.ts). The central
 * directory is read by yauzl (zip/reader.ts); the entries are read here with plain reads and
 * inflated on the threadpool a few at a time, since yauzl's stream per entry took several times
 * longer for the data benchmark's 8,773 entries (the figure is in docs/cache.md, "What it costs").
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { promisify } from 'node:util';
import { inflateRaw } from 'node:zlib';
import { Limiter } from '../concurrency.js';
import { crc32, LOCAL_HEADER_SIZE, METHOD_DEFLATED, METHOD_STORED, SIG_LOCAL_FILE } from '../zip/format.js';
import { listZip } from '../zip/reader.js';

const inflate = promisify(inflateRaw);
const IN_FLIGHT = 4;

function readExactly(fd: number, length: number, position: number): Buffer {
  const bytes = Buffer.allocUnsafe(length);
  let filled = 0;
  while (filled < length) {
    const read = readSync(fd, bytes, filled, length - filled, position + filled);
    if (read === 0) throw new Error('the file ends inside it');
    filled += read;
  }
  return bytes;
}

/** Throws an Error naming the first entry whose bytes do not inflate to its declared size and CRC-32. */
export async function checkZipEntries(zipPath: string): Promise<void> {
  const entries = await listZip(zipPath);
  const fd = openSync(zipPath, 'r');
  const limiter = new Limiter(IN_FLIGHT);
  let failure: Error | undefined;
  const checks: Promise<void>[] = [];
  try {
    for (const entry of entries) {
      if (entry.isDirectory) continue;
      const fail = (why: string): void => {
        failure ??= new Error(`${entry.name}: ${why}`);
      };
      // Read inside the job: only IN_FLIGHT entries' bytes are held at a time.
      checks.push(
        limiter.run(async () => {
          if (failure) return;
          const header = readExactly(fd, LOCAL_HEADER_SIZE, entry.localHeaderOffset);
          if (header.readUInt32LE(0) !== SIG_LOCAL_FILE)
            return fail('no local header where the central directory says');
          const dataStart =
            entry.localHeaderOffset + LOCAL_HEADER_SIZE + header.readUInt16LE(26) + header.readUInt16LE(28);
          const data = readExactly(fd, entry.compressedSize, dataStart);
          let content: Buffer;
          if (entry.method === METHOD_STORED) content = data;
          else if (entry.method === METHOD_DEFLATED) {
            try {
              content = await inflate(data, { maxOutputLength: Math.max(entry.size, 1) });
            } catch {
              return fail('its data does not inflate to its declared size');
            }
          } else return fail(`compression method ${entry.method}`);
          if (content.length !== entry.size) fail(`${content.length} bytes, not the ${entry.size} declared`);
          else if (crc32(content) !== entry.crc32) fail('its CRC-32 does not match');
        }),
      );
    }
    await Promise.all(checks);
  } finally {
    closeSync(fd);
  }
  if (failure) throw failure;
}
