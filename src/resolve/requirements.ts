/**
 * Reads a pip requirements file with its `-r`/`-c` includes into a typed snapshot: the files
 * read, every requirement line (for annotations on the user's file) and a hash of the normalized
 * content that changes only when what pip would install could change.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { InputError, type InputNaming, type SourceLocation } from '../errors.js';
import type { InputFormat } from './lock/types.js';

export interface RequirementsFileContent {
  /** Absolute path. */
  readonly path: string;
  readonly content: string;
}

export interface RequirementLine {
  /** Absolute path of the file the line is in. */
  readonly file: string;
  /** 1-based line number where the (possibly continued) line starts. */
  readonly line: number;
  /** The logical line, normalized (continuations joined, comment stripped). */
  readonly text: string;
  /** PEP 503 normalized project name, when the line names one. */
  readonly name?: string;
  /** "constraint" when the line comes from a `-c` file: it limits versions, it installs nothing. */
  readonly kind: 'requirement' | 'constraint';
  /**
   * Where the user wrote what this line installs, when the line was generated from another
   * input (a lock entry, a pyproject.toml string): errors and annotations point there.
   */
  readonly source?: SourceLocation;
}

/** The file and line to show and annotate for a requirement line. */
export function writtenAt(line: RequirementLine): { file: string; line?: number } {
  return line.source ?? { file: line.file, line: line.line };
}

/** "file:line" of a requirement line as the user wrote it. */
export function writtenAtText(line: RequirementLine): string {
  const at = writtenAt(line);
  return at.line ? `${at.file}:${at.line}` : at.file;
}

/** What the layer was built from, when it is not a requirements file (layer-input.ts). */
export interface LayerInputInfo {
  /** Absolute path of the file the user named (or the build found). */
  readonly file: string;
  readonly format: InputFormat;
  /**
   * True for locks: every line pins a version and its hashes, the lock chose the whole set, and
   * pip installs the lines with --no-deps (no resolution).
   */
  readonly locked: boolean;
  /** For locks that say so: the project's direct dependencies (normalized names). */
  readonly direct?: readonly string[];
}

export interface RequirementsSnapshot {
  /** Absolute path of the requirements file given by the user. */
  readonly file: string;
  /** Every file read, the root first, then includes in the order pip reads them. */
  readonly files: readonly RequirementsFileContent[];
  readonly requirements: readonly RequirementLine[];
  /** sha256 (hex) of the normalized root file with each include's normalized content. */
  readonly requirementsHash: string;
  /**
   * `-r URL` / `-c URL` lines: pip fetches those files itself, so neither their requirements nor
   * their content are in `requirements` or `requirementsHash`.
   */
  readonly remoteIncludes?: readonly RequirementLine[];
  /**
   * Set when the lines were generated from another input (lock, pyproject.toml): `files` then
   * holds the generated text, written out before pip runs (layer-input.ts materializeInput).
   */
  readonly input?: LayerInputInfo;
}

interface LogicalLine {
  readonly line: number;
  readonly text: string;
}

/**
 * The longest physical line accepted. pip strips comments with the regular expression
 * `(^|\s)+#.*$`, which takes time quadratic in a line's length (a line of 100,000 spaces took
 * pip 155 s to reject): such a line is refused before pip sees it. Real lines are far shorter;
 * long --hash lists are continued over several lines.
 */
export const MAX_LINE_LENGTH = 8192;

/**
 * pip's comment rule (`#` at the start of a line or after whitespace), in one linear pass: a
 * regular expression with `\s+#` backtracks quadratically over long runs of spaces.
 */
function stripComment(line: string): string {
  for (let i = line.indexOf('#'); i !== -1; i = line.indexOf('#', i + 1)) {
    if (i === 0 || /\s/.test(line[i - 1] as string)) return line.slice(0, i);
  }
  return line;
}

/**
 * pip's own preprocessing (pip/_internal/req/req_file.py): join lines ending in a backslash,
 * drop comments (`#` at line start or after whitespace), strip, drop empty lines.
 */
function logicalLines(text: string): LogicalLine[] {
  const physical = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const result: LogicalLine[] = [];
  const emit = (line: number, joined: string): void => {
    const clean = stripComment(joined).split(/\s+/).filter(Boolean).join(' ');
    if (clean) result.push({ line, text: clean });
  };
  let buffer: string[] = [];
  let start = 0;
  physical.forEach((raw, index) => {
    const wholeLineComment = /^\s*#/.test(raw);
    if (raw.endsWith('\\') && !wholeLineComment) {
      if (buffer.length === 0) start = index + 1;
      buffer.push(raw.replace(/\\+$/, ''));
      return;
    }
    if (buffer.length) {
      // pip keeps a comment line that ends a continuation as a comment, not as text.
      buffer.push(wholeLineComment ? ` ${raw}` : raw);
      emit(start, buffer.join(''));
      buffer = [];
    } else {
      emit(index + 1, raw);
    }
  });
  if (buffer.length) emit(start, buffer.join(''));
  return result;
}

/**
 * The requirements text as pip sees it: one logical line each, no comments, blank lines or
 * continuations, inner whitespace collapsed. Pure: the cache key hashes it.
 */
export function normalizeRequirements(text: string): string {
  const lines = logicalLines(text).map((l) => l.text);
  return lines.length ? `${lines.join('\n')}\n` : '';
}

/** PEP 503 name normalization. */
export function normalizeProjectName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

// `-r FILE`, `-rFILE`, `--requirement FILE`, `--requirement=FILE`, and the same for -c.
const INCLUDE = /^(?:-([rc])\s*=?\s*|--(requirement|constraint)(?:\s*=\s*|\s+))(\S.*)$/;

function parseInclude(text: string): { kind: 'requirement' | 'constraint'; target: string } | undefined {
  const match = INCLUDE.exec(text);
  const option = match?.[1] ?? match?.[2];
  if (!option || !match?.[3]) return undefined;
  const kind = option === 'c' || option === 'constraint' ? 'constraint' : 'requirement';
  return { kind, target: match[3].trim() };
}

/** The project a requirement line names (`name[extras] op version ; marker`, `name @ url`). */
function requirementName(text: string): string | undefined {
  if (text.startsWith('-')) return undefined; // an option line (--index-url, --hash alone, -e ...)
  const match = /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[|[<>=!~;@ ]|$)/.exec(text);
  return match?.[1] ? normalizeProjectName(match[1]) : undefined;
}

const isUrl = (value: string): boolean => /^[a-z][a-z0-9+.-]*:\/\//i.test(value);

type IncludedFrom = LogicalLine & { readonly file: string };

function where(includedFrom?: IncludedFrom): string {
  return includedFrom ? ` (included from ${includedFrom.file}:${includedFrom.line})` : '';
}

/** Byte order marks pip's auto_decode (pip/_internal/utils/encoding.py) honours, longest first. */
const BOMS: readonly { readonly bom: readonly number[]; readonly encoding: string }[] = [
  { bom: [0xff, 0xfe, 0x00, 0x00], encoding: 'utf-32le' },
  { bom: [0x00, 0x00, 0xfe, 0xff], encoding: 'utf-32be' },
  { bom: [0xef, 0xbb, 0xbf], encoding: 'utf-8' },
  { bom: [0xff, 0xfe], encoding: 'utf-16le' },
  { bom: [0xfe, 0xff], encoding: 'utf-16be' },
];

/** UTF-32 by hand: TextDecoder has no UTF-32. undefined for a code point that is not one. */
function decodeUtf32(bytes: Uint8Array, littleEndian: boolean): string | undefined {
  if (bytes.length % 4 !== 0) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let text = '';
  for (let i = 0; i < bytes.length; i += 4) {
    const point = view.getUint32(i, littleEndian);
    if (point > 0x10ffff || (point >= 0xd800 && point <= 0xdfff)) return undefined;
    text += String.fromCodePoint(point);
  }
  return text;
}

/**
 * The text of a requirements file as pip reads it: by its byte order mark when it has one (a
 * Windows editor or PowerShell's `>` writes UTF-16 with one), else UTF-8. undefined when it is
 * not text: a NUL byte in UTF-8, or bytes the encoding cannot decode (pip would stop with a
 * UnicodeDecodeError traceback).
 */
export function decodeRequirements(bytes: Uint8Array): string | undefined {
  const marked = BOMS.find(({ bom }) => bom.every((byte, i) => bytes[i] === byte));
  const body = bytes.subarray(marked?.bom.length ?? 0);
  const encoding = marked?.encoding ?? 'utf-8';
  let text: string | undefined;
  if (encoding === 'utf-32le' || encoding === 'utf-32be') text = decodeUtf32(body, encoding === 'utf-32le');
  else if (encoding === 'utf-8' && body.includes(0)) text = undefined;
  else {
    try {
      text = new TextDecoder(encoding, { fatal: true }).decode(body);
    } catch {
      text = undefined;
    }
  }
  return text === undefined || text.includes('\u0000') ? undefined : text;
}

async function readRequirementsText(path: string, includedFrom?: IncludedFrom): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'does not exist'
        : code === 'EISDIR'
          ? 'is a directory, not a requirements file'
          : `cannot be read (${code ?? (error as Error).message})`;
    throw new InputError('requirements', `requirements file ${path} ${reason}${where(includedFrom)}`, {
      hint: includedFrom
        ? 'fix the -r/-c line: include paths are relative to the file that includes them'
        : (n: InputNaming) => `pass the path of your requirements file (${n.name('requirements')})`,
    });
  }
  const text = decodeRequirements(bytes);
  if (text === undefined) {
    throw new InputError('requirements', `${path} is not a text file${where(includedFrom)}`, {
      hint: 'name a pip requirements file (UTF-8 text, or UTF-16/32 with a byte order mark; one requirement per line)',
    });
  }
  const lines = text.split(/\r?\n/);
  const long = lines.findIndex((line) => line.length > MAX_LINE_LENGTH);
  if (long !== -1) {
    throw new InputError(
      'requirements',
      `${path}:${long + 1}: the line is ${lines[long]?.length} characters long (at most ${MAX_LINE_LENGTH})${where(includedFrom)}`,
      { hint: 'split it: a long --hash list can continue over several lines ending in "\\"' },
    );
  }
  return text;
}

/** Reads `file` and every file it includes (recursively, each file once) into a snapshot. */
export async function readRequirements(
  file: string,
  cwd: string = process.cwd(),
): Promise<RequirementsSnapshot> {
  const root = resolve(cwd, file);
  const files: RequirementsFileContent[] = [];
  const requirements: RequirementLine[] = [];
  const remoteIncludes: RequirementLine[] = [];
  const hash = createHash('sha256');
  const seen = new Set<string>();

  const visit = async (
    path: string,
    kind: RequirementLine['kind'],
    chain: readonly IncludedFrom[],
  ): Promise<void> => {
    const includedFrom = chain.at(-1);
    const cycleStart = chain.findIndex((step) => step.file === path);
    if (cycleStart !== -1) {
      // pip follows includes without remembering them and dies of a RecursionError.
      const steps = chain.slice(cycleStart);
      const cycle = steps.map((step) => `${step.file}:${step.line} (${step.text})`).join(' -> ');
      throw new InputError('requirements', `the -r/-c includes form a cycle: ${cycle} -> ${path}`, {
        hint: 'remove one of these include lines; each file may be included once along any chain',
      });
    }
    // A file included twice along different chains is read once: pip applies it again to no effect.
    if (seen.has(path)) return;
    seen.add(path);
    const content = await readRequirementsText(path, includedFrom);
    files.push({ path, content });
    const lines = logicalLines(content);
    // The hash covers each file's normalized text, tagged with its role and order, never its
    // absolute path: the same project checked out elsewhere hashes the same.
    hash.update(`--- ${kind} file ${files.length}\n${normalizeRequirements(content)}`);
    for (const entry of lines) {
      const include = parseInclude(entry.text);
      if (include) {
        if (isUrl(include.target)) {
          // pip fetches remote includes itself; the line is hashed, the content is not.
          remoteIncludes.push({ file: path, line: entry.line, text: entry.text, kind });
          continue;
        }
        // A requirement included from a constraints file is still a constraint.
        const nestedKind = kind === 'constraint' ? 'constraint' : include.kind;
        await visit(resolve(dirname(path), include.target), nestedKind, [...chain, { ...entry, file: path }]);
        continue;
      }
      requirements.push({
        file: path,
        line: entry.line,
        text: entry.text,
        name: requirementName(entry.text),
        kind,
      });
    }
  };

  await visit(root, 'requirement', []);
  return {
    file: root,
    files,
    requirements,
    requirementsHash: hash.digest('hex'),
    ...(remoteIncludes.length ? { remoteIncludes } : {}),
  };
}

/** The line that asks for `project` directly (a requirement, else a constraint), if any. */
export function findRequirementLine(
  snapshot: RequirementsSnapshot,
  project: string,
): RequirementLine | undefined {
  const name = normalizeProjectName(project);
  const matches = snapshot.requirements.filter((r) => r.name === name);
  return matches.find((r) => r.kind === 'requirement') ?? matches[0];
}
