/**
 * Whether a wheel built on this host may go into a Lambda layer: only a pure-Python wheel runs
 * the same everywhere. Both its tags (no ABI, platform "any") and its content (no native
 * library or object file, whatever its name or tag claims) must say so.
 */
import { open, readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { LAMBDA_LIMITS } from '../../target.js';
import { binaryKindOf, HEAD_BYTES } from '../../verify/binary-kind.js';
import { extractZip } from '../../zip/reader.js';
import { parseWheelFilename } from '../wheel-tags.js';

/** Names of files that hold native code, whatever their first bytes. */
const NATIVE_NAMES = /\.(so|pyd|dll|dylib)$|\.so\.\d+(\.\d+)*$/i;
/** `ar` archives (static libraries, .a/.lib) start with this. */
const AR_MAGIC = Buffer.from('!<arch>\n', 'latin1');

export interface WheelPurity {
  /** Tags of the file name are "any platform, no ABI" (py3-none-any, py2.py3-none-any). */
  readonly pureTags: boolean;
  readonly tagText: string;
  /** Paths inside the wheel that are native code. */
  readonly compiledFiles: readonly string[];
  readonly pure: boolean;
}

/** py3-none-any, py2.py3-none-any (and interpreter-specific pure tags such as py311-none-any). */
export function hasPureTags(wheelFile: string): boolean {
  const wheel = parseWheelFilename(wheelFile);
  return Boolean(
    wheel &&
      wheel.tags.length > 0 &&
      wheel.tags.every((t) => /^(py|cp)\d+$/.test(t.python) && t.abi === 'none' && t.platform === 'any'),
  );
}

/** Whether a file (by name and first bytes) is native code. */
export function isCompiledFile(name: string, head: Buffer): boolean {
  if (NATIVE_NAMES.test(name)) return true;
  if (head.subarray(0, AR_MAGIC.length).equals(AR_MAGIC)) return true;
  return binaryKindOf(head, name).kind !== 'none';
}

async function* walk(dir: string): AsyncIterable<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (entry.isFile()) yield path;
  }
}

async function readHead(path: string): Promise<Buffer> {
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await file.read(buffer, 0, HEAD_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}

/** Inspects `wheelPath`, unpacking it into `scratchDir` (which the caller removes). */
export async function inspectWheel(wheelPath: string, scratchDir: string): Promise<WheelPurity> {
  const name = wheelPath.split(sep).pop() ?? wheelPath;
  const pureTags = hasPureTags(name);
  // A wheel that would unzip past what a layer may hold could never ship: refuse it unread.
  await extractZip(wheelPath, scratchDir, { maxBytes: LAMBDA_LIMITS.unzippedBytes });
  const compiledFiles: string[] = [];
  for await (const path of walk(scratchDir)) {
    const inside = relative(scratchDir, path).split(sep).join('/');
    if (isCompiledFile(inside, await readHead(path))) compiledFiles.push(inside);
  }
  compiledFiles.sort();
  return {
    pureTags,
    tagText: parseWheelFilename(name)?.tagText ?? 'unknown',
    compiledFiles,
    pure: pureTags && compiledFiles.length === 0,
  };
}
