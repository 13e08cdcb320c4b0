/**
 * The sha256 of a downloaded wheel, computed once per file and process: the per-wheel caches
 * (bytecode, verification facts) are all keyed by it. A wheel in the build's
 * staging folder does not change while the build runs, and each build downloads into a new one.
 */
import { sha256File } from '../cache/layer-cache.js';

const digests = new Map<string, Promise<string>>();

export function wheelDigest(path: string): Promise<string> {
  let digest = digests.get(path);
  if (!digest) {
    digest = sha256File(path);
    digests.set(path, digest);
    // A failed read is not remembered: the next call reads again.
    digest.catch(() => digests.delete(path));
  }
  return digest;
}
