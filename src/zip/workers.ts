/**
 * Worker threads that deflate batches of small files, so a layer's thousands of small files
 * (half the bytes of a pandas+boto3 layer) are compressed on every core instead of on the main
 * thread alone. One message carries a whole batch: node's async zlib costs ~250 us of main-thread
 * time per call, more than deflating a 2 KB file, so files are never sent one by one.
 *
 * Each file is compressed exactly as the main thread would (deflateRawSync, same level, whole
 * file), so the archive's bytes do not depend on which thread did the work.
 *
 * The workers' code is deflate-worker.cjs, shipped beside the bundles (src/programs.ts).
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { programPath } from '../programs.js';

interface Pending {
  readonly resolve: (outputs: Buffer[]) => void;
  readonly reject: (error: Error) => void;
}

interface Reply {
  readonly id: number;
  readonly outputs?: ArrayBuffer[];
  readonly error?: string;
}

export class DeflateWorkers {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, Pending>();
  private readonly load = new Map<Worker, number>();
  private nextId = 0;
  private failure?: Error;

  /** `count` workers (default: one per CPU), started now so they are ready when batches come. */
  constructor(
    private readonly level: number,
    count = availableParallelism(),
  ) {
    for (let i = 0; i < Math.max(1, count); i++) {
      const worker = new Worker(programPath('zip/deflate-worker.cjs'));
      worker.on('message', (reply: Reply) => this.settle(worker, reply));
      worker.on('error', (error) => this.fail(error));
      worker.on('exit', (code) => {
        if (code !== 0) this.fail(new Error(`a zip worker thread exited with code ${code}`));
      });
      this.workers.push(worker);
      this.load.set(worker, 0);
    }
  }

  get size(): number {
    return this.workers.length;
  }

  /** Deflates each file of the batch; resolves with their compressed bytes, in order. */
  deflate(files: readonly Buffer[]): Promise<Buffer[]> {
    if (this.failure) return Promise.reject(this.failure);
    const total = files.reduce((sum, f) => sum + f.length, 0);
    // One transferable copy of the batch: the files themselves may share a pooled ArrayBuffer.
    const data = new Uint8Array(total);
    let offset = 0;
    for (const file of files) {
      data.set(file, offset);
      offset += file.length;
    }
    const id = this.nextId++;
    const worker = this.leastLoaded();
    this.load.set(worker, (this.load.get(worker) ?? 0) + 1);
    const result = new Promise<Buffer[]>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    worker.postMessage({ id, level: this.level, data: data.buffer, sizes: files.map((f) => f.length) }, [
      data.buffer,
    ]);
    return result;
  }

  /** Stops the workers; batches still pending are rejected. */
  async close(): Promise<void> {
    this.fail(new Error('the zip workers were closed'));
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private leastLoaded(): Worker {
    let best = this.workers[0] as Worker;
    for (const worker of this.workers) {
      if ((this.load.get(worker) ?? 0) < (this.load.get(best) ?? 0)) best = worker;
    }
    return best;
  }

  private settle(worker: Worker, reply: Reply): void {
    this.load.set(worker, (this.load.get(worker) ?? 1) - 1);
    const pending = this.pending.get(reply.id);
    if (!pending) return;
    this.pending.delete(reply.id);
    if (reply.error !== undefined || !reply.outputs) {
      pending.reject(new Error(`deflate failed in a zip worker thread: ${reply.error}`));
      return;
    }
    pending.resolve(reply.outputs.map((output) => Buffer.from(output)));
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }
}
