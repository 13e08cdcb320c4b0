// A zip worker thread (src/zip/workers.ts starts one per CPU): deflates a batch of small files.
// Receives { id, level, data: ArrayBuffer, sizes: number[] }; answers { id, outputs: ArrayBuffer[] }
// (or { id, error }), each output transferred, not copied. CommonJS so it runs as a plain file
// whatever the package's module type.
const { parentPort } = require('node:worker_threads');
const { deflateRawSync } = require('node:zlib');

parentPort.on('message', ({ id, level, data, sizes }) => {
  try {
    const outputs = [];
    let offset = 0;
    for (const size of sizes) {
      const file = new Uint8Array(data, offset, size);
      offset += size;
      // A fresh ArrayBuffer of the exact size: it can be transferred without taking along a
      // shared pool or a larger backing store.
      outputs.push(new Uint8Array(deflateRawSync(file, { level })).buffer);
    }
    parentPort.postMessage({ id, outputs }, outputs);
  } catch (error) {
    parentPort.postMessage({ id, error: String(error?.stack || error) });
  }
});
