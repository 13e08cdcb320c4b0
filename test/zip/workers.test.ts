/** The small-file deflate workers: same bytes as the main thread, clean failure once closed. */
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DeflateWorkers } from '../../src/zip/workers.js';

const files = [
  Buffer.from('import os\n'.repeat(500)),
  Buffer.alloc(0),
  Buffer.from(Array.from({ length: 3000 }, (_, i) => `${i * 7919}`).join(',')),
];

describe('DeflateWorkers', () => {
  it('deflates each file of a batch exactly as deflateRawSync does, in order', async () => {
    const workers = new DeflateWorkers(6, 2);
    try {
      const [first, second] = await Promise.all([
        workers.deflate(files),
        workers.deflate([...files].reverse()),
      ]);
      expect(first).toEqual(files.map((f) => deflateRawSync(f, { level: 6 })));
      expect(second).toEqual([...files].reverse().map((f) => deflateRawSync(f, { level: 6 })));
    } finally {
      await workers.close();
    }
  });

  it('rejects batches still pending when closed, and any batch sent afterwards', async () => {
    const workers = new DeflateWorkers(9, 1);
    const pending = expect(workers.deflate([Buffer.alloc(8 * 1024 * 1024, 7)])).rejects.toThrow(/closed/);
    await workers.close();
    await pending;
    await expect(workers.deflate(files)).rejects.toThrow(/closed/);
  });
});
