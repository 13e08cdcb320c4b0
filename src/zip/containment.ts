/**
 * The extraction policy: what a zip may put on disk, decided from its central directory and its
 * symlink texts before anything is created. The zip format is yauzl's job; this is ours.
 *
 * - every name maps to a path under the destination (no absolute names, no `..`, no NUL; a
 *   backslash is a separator, as some Windows tools mean it);
 * - each path appears once, and is a file, a directory or a symlink, never two of them;
 * - nothing lies under a symlink entry (extracting it would write through the link);
 * - every symlink resolves inside the destination, following links through links over the tree
 *   the zip describes, as the kernel would; loops are refused;
 * - the declared sizes fit the caller's budget, and no two entries share archive bytes (the
 *   overlapping-entries zip bomb). The reader then holds each entry to its declared size.
 */
import { UserError } from '../errors.js';
import { LAMBDA_LIMITS } from '../target.js';

/** What the policy needs to know about an entry (the reader's ZipEntryInfo has all of it). */
export interface EntryFacts {
  readonly name: string;
  readonly size: number;
  readonly compressedSize: number;
  readonly isDirectory: boolean;
  readonly isSymlink: boolean;
  readonly method: number;
  readonly encrypted: boolean;
  readonly localHeaderOffset: number;
}

export interface PlannedEntry<E extends EntryFacts> {
  readonly entry: E;
  /** The path under the destination, `/`-separated, without `.` or empty parts. */
  readonly key: string;
}

export interface ExtractionPlan<E extends EntryFacts> {
  /** Every directory to create (explicit or implied by a deeper entry), parents first. */
  readonly dirs: readonly string[];
  readonly files: readonly PlannedEntry<E>[];
  readonly links: readonly PlannedEntry<E>[];
}

export interface PlanLimits {
  /** Refuse when the declared sizes add up to more than this. */
  readonly maxBytes?: number;
  /** Length in bytes of the destination path, for the PATH_MAX check. */
  readonly destinationLength: number;
}

/** Linux limits: a name component (NAME_MAX), a whole path (PATH_MAX), symlinks followed (MAXSYMLINKS). */
const NAME_MAX = 255;
const PATH_MAX = 4096;
const MAX_LINK_DEPTH = 40;
/** A symlink's text is a path: longer than PATH_MAX cannot be one. */
export const MAX_LINK_TEXT_BYTES = PATH_MAX - 1;
/** Minimum size of a local file header: an entry's data starts at least this far past its offset. */
const LOCAL_HEADER_SIZE = 30;

const REBUILD = 'The archive may be malicious or broken; rebuild it with relative paths inside the layer.';

export function refuseEntry(zipPath: string, name: string, why: string, hint = REBUILD): UserError {
  return new UserError(`Refusing to extract ${zipPath}: entry "${printable(name)}" ${why}`, { hint });
}

/** A name as it can be shown on one line: control characters (NUL, newlines) escaped. */
export function printable(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is escaped
  return text.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/**
 * The path an entry name stands for under the destination, `/`-separated ("" for the
 * destination itself, e.g. "./"), or a refusal naming the entry.
 */
export function entryKey(name: string, zipPath: string): string {
  if (name.includes('\0')) throw refuseEntry(zipPath, name, 'contains a NUL byte');
  const normalized = name.replace(/\\/g, '/');
  if (normalized.startsWith('/') || /^[A-Za-z]:/.test(normalized)) {
    throw refuseEntry(zipPath, name, 'is an absolute path');
  }
  const parts = normalized.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.includes('..')) {
    throw refuseEntry(zipPath, name, 'climbs out of the destination with ".." (zip-slip)');
  }
  for (const part of parts) {
    if (Buffer.byteLength(part) > NAME_MAX) {
      throw refuseEntry(
        zipPath,
        name,
        `has a path component of ${Buffer.byteLength(part)} bytes; file systems allow ${NAME_MAX}`,
        'Rename the file in the layer to a shorter name.',
      );
    }
  }
  return parts.join('/');
}

function parentOf(key: string): string {
  const slash = key.lastIndexOf('/');
  return slash < 0 ? '' : key.slice(0, slash);
}

type Kind = 'dir' | 'file' | 'link';

/**
 * Checks every entry against the policy and says what to create. Throws on the first entry the
 * policy refuses; creates nothing.
 */
export function planExtraction<E extends EntryFacts>(
  entries: readonly E[],
  zipPath: string,
  limits: PlanLimits,
): ExtractionPlan<E> {
  const kinds = new Map<string, { kind: Kind; name: string }>();
  const files: PlannedEntry<E>[] = [];
  const links: PlannedEntry<E>[] = [];
  let declared = 0;
  for (const entry of entries) {
    const key = entryKey(entry.name, zipPath);
    if (key === '') continue; // the destination itself ("./")
    if (limits.destinationLength + 1 + Buffer.byteLength(key) >= PATH_MAX) {
      throw refuseEntry(
        zipPath,
        entry.name,
        `makes a path longer than the ${PATH_MAX - 1} bytes file systems allow`,
        'Shorten the folder names in the layer (or extract it into a shorter folder).',
      );
    }
    const kind: Kind = entry.isDirectory ? 'dir' : entry.isSymlink ? 'link' : 'file';
    const seen = kinds.get(key);
    if (seen) {
      throw seen.kind === kind
        ? refuseEntry(
            zipPath,
            entry.name,
            `appears twice${seen.name === entry.name ? '' : ` (also as "${printable(seen.name)}")`}`,
            'Tools disagree on which copy wins; rebuild the zip with each path once.',
          )
        : conflict(zipPath, key, seen, { kind, name: entry.name });
    }
    kinds.set(key, { kind, name: entry.name });
    if (kind === 'dir') continue;
    checkExtractable(entry, zipPath);
    declared += entry.size;
    (kind === 'link' ? links : files).push({ entry, key });
  }
  if (limits.maxBytes !== undefined && declared > limits.maxBytes) {
    throw new UserError(`${zipPath} unzips to ${declared} bytes, more than the ${limits.maxBytes} allowed`, {
      hint: `Lambda allows ${LAMBDA_LIMITS.unzippedBytes} bytes unzipped for a function and its layers; split or trim the layer.`,
    });
  }

  // Parents: every proper prefix of an entry must be (or become) a plain directory.
  const implied = new Set<string>();
  for (const [key, { name }] of kinds) {
    for (let parent = parentOf(key); parent !== '' && !implied.has(parent); parent = parentOf(parent)) {
      const seen = kinds.get(parent);
      if (seen?.kind === 'link') {
        throw refuseEntry(
          zipPath,
          name,
          `lies under the symlink "${printable(seen.name)}": extracting it would write through the link`,
        );
      }
      if (seen?.kind === 'file') throw conflict(zipPath, parent, seen, { kind: 'dir', name });
      implied.add(parent);
    }
  }
  for (const [key, { kind }] of kinds) if (kind === 'dir') implied.add(key);
  const dirs = [...implied].sort((a, b) => depth(a) - depth(b) || (a < b ? -1 : a > b ? 1 : 0));

  checkNoOverlap([...files, ...links], zipPath);
  return { dirs, files, links };
}

function depth(key: string): number {
  let count = 0;
  for (let i = 0; i < key.length; i++) if (key.charCodeAt(i) === 47) count++;
  return count;
}

function conflict(
  zipPath: string,
  key: string,
  a: { kind: Kind; name: string },
  b: { kind: Kind; name: string },
): UserError {
  const what = (x: { kind: Kind; name: string }) =>
    `${x.kind === 'dir' ? 'a directory' : x.kind === 'link' ? 'a symlink' : 'a file'} ("${printable(x.name)}")`;
  return new UserError(
    `Refusing to extract ${zipPath}: "${printable(key)}" is both ${what(a)} and ${what(b)}`,
    {
      hint: 'A path can only be one thing on disk; rebuild the zip with one of them.',
    },
  );
}

function checkExtractable(entry: EntryFacts, zipPath: string): void {
  if (entry.encrypted) {
    throw new UserError(`${zipPath}: entry "${printable(entry.name)}" is encrypted`, {
      hint: 'Lambda cannot use encrypted zips.',
    });
  }
  if (entry.method !== 0 && entry.method !== 8) {
    throw new UserError(
      `${zipPath}: entry "${printable(entry.name)}" uses compression method ${entry.method}`,
      {
        hint: 'Only stored (0) and deflated (8) entries are supported, as by Lambda; re-create the zip with deflate.',
      },
    );
  }
  if (entry.isSymlink && entry.size > MAX_LINK_TEXT_BYTES) {
    throw refuseEntry(zipPath, entry.name, `is a symlink of ${entry.size} bytes; a link text is a path`);
  }
}

/**
 * Each entry's bytes (local header and data) must lie before the next entry's header: entries
 * that share compressed data inflate it many times over (the "better zip bomb" construction).
 */
function checkNoOverlap(entries: readonly PlannedEntry<EntryFacts>[], zipPath: string): void {
  const byOffset = entries
    .map(({ entry }) => entry)
    .sort((a, b) => a.localHeaderOffset - b.localHeaderOffset);
  for (let i = 1; i < byOffset.length; i++) {
    const previous = byOffset[i - 1] as EntryFacts;
    const entry = byOffset[i] as EntryFacts;
    if (previous.localHeaderOffset + LOCAL_HEADER_SIZE + previous.compressedSize > entry.localHeaderOffset) {
      throw refuseEntry(
        zipPath,
        entry.name,
        `overlaps the data of "${printable(previous.name)}" in the archive (a zip bomb construction)`,
      );
    }
  }
}

/**
 * Follows every symlink over the tree the zip describes, as the kernel would: each component in
 * turn, a link met on the way replaced by where it resolves. Refuses an absolute link, a `..`
 * above the destination, loops, and lookups through more links than Linux follows. Memoized (with
 * the number of links each one follows), so each link is resolved once whatever the chains.
 */
export function checkSymlinks<E extends EntryFacts>(
  plan: ExtractionPlan<E>,
  texts: ReadonlyMap<string, string>,
  zipPath: string,
): void {
  const byKey = new Map(plan.links.map((link) => [link.key, link.entry.name]));
  /** Per link: where it resolves (the keys of its path prefixes; [] is the destination) and how many links that follows. */
  const resolved = new Map<string, { prefixes: readonly string[]; hops: number }>();
  const resolving = new Set<string>();

  const resolve = (key: string, depthLeft: number): { prefixes: readonly string[]; hops: number } => {
    const done = resolved.get(key);
    if (done) return done;
    const name = byKey.get(key) ?? key;
    const text = texts.get(key) ?? '';
    const refuse = (why: string) =>
      refuseEntry(
        zipPath,
        name,
        `is a symlink to "${printable(text)}", which ${why}`,
        'A layer is extracted under /opt; links must stay inside it.',
      );
    const tooMany = () => refuse(`goes through more than ${MAX_LINK_DEPTH} symlinks (Linux follows no more)`);
    if (resolving.has(key)) throw refuse('loops back on itself (a symlink loop)');
    if (depthLeft === 0) throw tooMany();
    if (text === '' || text.includes('\0')) throw refuse('is not a path');
    if (text.startsWith('/')) throw refuse('is an absolute path outside the destination');
    resolving.add(key);
    let prefixes: string[] = [];
    let hops = 1;
    const parent = parentOf(key);
    if (parent !== '') {
      let at = '';
      for (const part of parent.split('/')) {
        at = at === '' ? part : `${at}/${part}`;
        prefixes.push(at);
      }
    }
    for (const part of text.split('/')) {
      if (part === '' || part === '.') continue;
      if (part === '..') {
        if (prefixes.length === 0) throw refuse('points outside the destination');
        prefixes.pop();
        continue;
      }
      const last = prefixes[prefixes.length - 1];
      const next = last === undefined ? part : `${last}/${part}`;
      if (byKey.has(next)) {
        const through = resolve(next, depthLeft - 1);
        // The kernel counts every link it follows in one lookup, nested ones included.
        hops += through.hops;
        if (hops > MAX_LINK_DEPTH) throw tooMany();
        prefixes = [...through.prefixes];
      } else {
        prefixes.push(next);
      }
    }
    resolving.delete(key);
    const result = { prefixes, hops };
    resolved.set(key, result);
    return result;
  };
  for (const link of plan.links) resolve(link.key, MAX_LINK_DEPTH);
}
