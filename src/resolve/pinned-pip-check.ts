/**
 * Proof that an unpacked pinned pip is still what was unpacked from the pinned wheel, before any
 * of it runs. Its folder holds a list of every file with its sha256 (written once, when the wheel
 * whose sha256 is pinned was unpacked and each file checked against the wheel's RECORD; the pycs
 * compiled there are listed with theirs) and a witness of each file's size, mtime, ctime and inode. A
 * build compares the witness with stat() (about 900 files: about 20 ms of CPU) and hashes every file
 * again only when one differs (a restore from the Actions cache, a copy, an edit): the witness is
 * then written again when all hashes match, and the pip is damaged when one does not.
 *
 * Files the list does not name are damage too (the folder is first on sys.path: a stray module
 * there would shadow the standard library), except pycs another interpreter version wrote for
 * itself in __pycache__ (another tag than the ones compiled here), which Python checks against
 * their source's size and mtime itself.
 */
import { createHash } from 'node:crypto';
import { createReadStream, readdirSync, statSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { parseRecord } from '../wheel/record.js';

/** Every file of the unpacked pip and its sha256, written once before the folder is renamed into place. */
export const PIP_FILES = 'lambda-layer-pip.json';
/** size, mtime, ctime and inode of every listed file: rewritten after a full check found them intact. */
export const PIP_WITNESS = 'lambda-layer-pip.witness.json';

interface PipFiles {
  /** sha256 of the wheel the files came from (the pin). */
  readonly wheel: string;
  /** Path relative to the folder (always /) -> sha256 hex. */
  readonly files: Record<string, string>;
}

// ctime too: no program can set it, so an edit that restores size and mtime still shows.
type Witness = Record<string, [size: number, mtimeMs: number, ctimeMs: number, ino: number]>;

export type PipCheck =
  | { readonly ok: true; readonly full: boolean }
  /** unsealed: no file list at all (absent, or unpacked by an older lambda-layer). */
  | { readonly ok: false; readonly reason: string; readonly unsealed?: boolean };

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Every file under `root`, relative with / separators. Synchronous, as the witness below: ~900
 * stat() calls through the threadpool one await at a time cost far more than the calls.
 */
function listFiles(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const item of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, item.name);
      if (item.isDirectory()) walk(path);
      else found.push(relative(root, path).split(sep).join('/'));
    }
  };
  walk(root);
  return found;
}

/** `pkg/__pycache__/mod.cpython-311.pyc` -> `cpython-311`; undefined for anything else. */
function pycTag(path: string): string | undefined {
  return /(?:^|\/)__pycache__\/[^/]+\.([^./]+)\.pyc$/.exec(path)?.[1];
}

/**
 * The stamp earlier versions of lambda-layer took as the proof of a whole pip (still written, so
 * an older lambda-layer sharing the cache folder uses this pip instead of replacing it).
 */
export const LEGACY_STAMP = 'lambda-layer-pip.sha256';

const isOwnFile = (name: string): boolean =>
  name === PIP_FILES || name === LEGACY_STAMP || name.startsWith(PIP_WITNESS);

function witnessOf(root: string, files: readonly string[]): Witness {
  const witness: Witness = {};
  for (const file of files) {
    const info = statSync(join(root, file));
    witness[file] = [info.size, info.mtimeMs, info.ctimeMs, info.ino];
  }
  return witness;
}

/** Writes the witness beside the files under a temp name, then renames it (readers see one or the other). */
async function writeWitness(root: string, witness: Witness): Promise<void> {
  const temp = join(root, `${PIP_WITNESS}.${process.pid}-${Math.random().toString(36).slice(2)}`);
  await writeFile(temp, JSON.stringify(witness));
  await rename(temp, join(root, PIP_WITNESS));
}

/**
 * After unpacking `wheelSha256`'s files into `root` and compiling them: checks every file the
 * wheel's RECORD names against its hash, lists them and the pycs with their sha256 and writes
 * the witness. Throws when a file does not match RECORD (the unpack went wrong).
 */
export async function sealPinnedPip(root: string, wheelSha256: string): Promise<void> {
  await writeFile(join(root, LEGACY_STAMP), `${wheelSha256}\n`);
  const all = listFiles(root);
  const recordPath = all.find((file) => /^[^/]+\.dist-info\/RECORD$/.test(file));
  if (!recordPath) throw new Error(`${root} has no RECORD`);
  const files: Record<string, string> = {};
  for (const [path, hash] of parseRecord(await readFile(join(root, recordPath), 'utf8'))) {
    if (!path || !hash) continue; // RECORD lists itself without a hash
    const [algorithm, encoded] = hash.split('=', 2);
    if (algorithm !== 'sha256' || !encoded) throw new Error(`RECORD of ${root} names ${path} with ${hash}`);
    const expected = Buffer.from(encoded, 'base64url').toString('hex');
    const actual = await sha256Of(join(root, path)).catch(() => 'missing');
    if (actual !== expected) throw new Error(`${path} in ${root} does not match RECORD (${actual})`);
    files[path] = expected;
  }
  for (const file of all) {
    if (!(file in files) && !isOwnFile(file)) files[file] = await sha256Of(join(root, file));
  }
  await writeFile(join(root, PIP_FILES), JSON.stringify({ wheel: wheelSha256, files } satisfies PipFiles));
  await writeWitness(root, witnessOf(root, Object.keys(files)));
}

/**
 * Whether the pip unpacked in `root` is the one `sealPinnedPip` listed for `wheelSha256`, file
 * for file. Cheap when the witness still holds; reads everything once when it does not.
 */
export async function checkPinnedPip(root: string, wheelSha256: string): Promise<PipCheck> {
  let listed: PipFiles;
  try {
    listed = JSON.parse(await readFile(join(root, PIP_FILES), 'utf8')) as PipFiles;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { ok: false, reason: `${PIP_FILES} is missing`, unsealed: true };
    return { ok: false, reason: `${PIP_FILES} is damaged` };
  }
  if (listed.wheel !== wheelSha256 || typeof listed.files !== 'object' || listed.files === null)
    return { ok: false, reason: `${PIP_FILES} is not for the pinned wheel` };
  const names = Object.keys(listed.files);
  const compiledTags = new Set(names.map(pycTag).filter(Boolean));
  let present: string[];
  try {
    present = listFiles(root);
  } catch (error) {
    return { ok: false, reason: `cannot list it (${(error as NodeJS.ErrnoException).code ?? error})` };
  }
  const presentSet = new Set(present);
  for (const file of present) {
    if (file in listed.files || isOwnFile(file)) continue;
    const tag = pycTag(file);
    if (tag && !compiledTags.has(tag)) continue; // another interpreter's own pycs
    return { ok: false, reason: `${file} is not one of its files` };
  }
  const missing = names.find((name) => !presentSet.has(name));
  if (missing) return { ok: false, reason: `${missing} is missing` };
  let now: Witness;
  try {
    now = witnessOf(root, names);
  } catch {
    return { ok: false, reason: 'a file vanished while it was checked' };
  }
  const stored = (await readFile(join(root, PIP_WITNESS), 'utf8')
    .then((text) => JSON.parse(text) as Witness)
    .catch(() => ({}))) as Witness;
  const unchanged = names.every((name) => {
    const [a, b] = [stored[name], now[name]];
    return a !== undefined && b !== undefined && a.every((value, i) => value === b[i]);
  });
  if (unchanged) return { ok: true, full: false };
  for (const name of names) {
    if ((await sha256Of(join(root, name)).catch(() => 'unreadable')) !== listed.files[name])
      return { ok: false, reason: `${name} does not have the sha256 it was unpacked with` };
  }
  // Intact, only moved or touched: the next build checks the cheap way again (best effort: a
  // read-only cache folder keeps checking in full).
  await writeWitness(root, now).catch(() => undefined);
  return { ok: true, full: true };
}
