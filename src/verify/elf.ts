/**
 * A small ELF reader: just what layer verification needs, without binutils (not on every
 * user's machine). Pure: takes the file's bytes, returns plain data, throws ElfFormatError on
 * a truncated or inconsistent file.
 *
 * References: the System V gABI (ELF header, program and section headers, dynamic section) and
 * the LSB "Symbol Versioning" chapter (SHT_GNU_verneed = .gnu.version_r: Elfxx_Verneed /
 * Elfxx_Vernaux records, identical in layout for 32- and 64-bit files).
 */

export class ElfFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ElfFormatError';
  }
}

export type ElfClass = 32 | 64;
export type Endianness = 'little' | 'big';

export interface VersionNeed {
  /** Library the versions are needed from, as named in DT_NEEDED (e.g. libc.so.6). */
  readonly file: string;
  /** Version names needed from it (e.g. GLIBC_2.17, GLIBCXX_3.4.21). */
  readonly versions: readonly string[];
}

export interface ElfInfo {
  readonly elfClass: ElfClass;
  readonly endianness: Endianness;
  /** e_machine: 62 = x86-64, 183 = AArch64. */
  readonly machine: number;
  /** Human name of e_machine (e.g. "x86-64", "AArch64"). */
  readonly machineName: string;
  /** e_type: 1 relocatable, 2 executable, 3 shared object (also PIE executables), 4 core. */
  readonly type: number;
  readonly isSharedObject: boolean;
  /** PT_INTERP: the program interpreter a dynamic executable asks for. */
  readonly interpreter?: string;
  /** DT_NEEDED entries, in file order. */
  readonly needed: readonly string[];
  readonly soname?: string;
  /** GNU symbol-version requirements (.gnu.version_r), per library. */
  readonly versionNeeds: readonly VersionNeed[];
  /** Linked against musl libc (Alpine/musllinux) rather than glibc. */
  readonly musl: boolean;
}

export const EM_X86_64 = 62;
export const EM_AARCH64 = 183;

const MACHINE_NAMES: Readonly<Record<number, string>> = {
  2: 'SPARC',
  3: 'x86 (i386)',
  8: 'MIPS',
  20: 'PowerPC',
  21: 'PowerPC64',
  22: 's390',
  40: 'ARM (32-bit)',
  43: 'SPARC v9',
  50: 'IA-64',
  62: 'x86-64',
  183: 'AArch64',
  243: 'RISC-V',
  258: 'LoongArch',
};

export function machineName(machine: number): string {
  return MACHINE_NAMES[machine] ?? `machine ${machine}`;
}

const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const PT_INTERP = 3;
const SHT_DYNAMIC = 6;
const SHT_GNU_VERNEED = 0x6ffffffe;
const DT_NULL = 0;
const DT_NEEDED = 1;
const DT_STRTAB = 5;
const DT_SONAME = 14;
const DT_VERNEED = 0x6ffffffe;
const DT_VERNEEDNUM = 0x6fffffff;
/** Guard against corrupt counts sending the walk around a loop forever. */
const MAX_RECORDS = 100_000;

export function isElf(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 4 && bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46
  );
}

/** Reads fixed-width integers at offsets, honouring the file's class and byte order. */
class Reader {
  constructor(
    readonly buf: Buffer,
    readonly is64: boolean,
    readonly little: boolean,
  ) {}

  private check(offset: number, size: number): void {
    if (!Number.isSafeInteger(offset) || offset < 0 || offset + size > this.buf.length) {
      throw new ElfFormatError(
        `truncated: read of ${size} bytes at offset ${offset} beyond ${this.buf.length}`,
      );
    }
  }
  u16(offset: number): number {
    this.check(offset, 2);
    return this.little ? this.buf.readUInt16LE(offset) : this.buf.readUInt16BE(offset);
  }
  u32(offset: number): number {
    this.check(offset, 4);
    return this.little ? this.buf.readUInt32LE(offset) : this.buf.readUInt32BE(offset);
  }
  u64(offset: number): number {
    this.check(offset, 8);
    const value = this.little ? this.buf.readBigUInt64LE(offset) : this.buf.readBigUInt64BE(offset);
    // Offsets/sizes beyond 2^53 cannot be real in a file we hold in memory; tags like
    // DT_VERNEED fit easily. Clamp to keep number arithmetic exact.
    return value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(value);
  }
  /** Elf32_Addr/Off/Xword-sized field: 4 bytes in 32-bit files, 8 in 64-bit. */
  word(offset: number): number {
    return this.is64 ? this.u64(offset) : this.u32(offset);
  }
  cstring(offset: number, limit = this.buf.length): string {
    this.check(offset, 1);
    const end = this.buf.indexOf(0, offset);
    const stop = end === -1 || end > limit ? limit : end;
    return this.buf.toString('latin1', offset, stop);
  }
}

interface Segment {
  readonly type: number;
  readonly offset: number;
  readonly vaddr: number;
  readonly filesz: number;
}

interface Section {
  readonly type: number;
  readonly offset: number;
  readonly size: number;
  readonly link: number;
  readonly info: number;
}

interface DynamicEntry {
  readonly tag: number;
  readonly value: number;
}

export function parseElf(bytes: Buffer): ElfInfo {
  if (!isElf(bytes)) throw new ElfFormatError('not an ELF file (bad magic)');
  if (bytes.length < 52) throw new ElfFormatError('truncated ELF header');
  const klass = bytes[4];
  const data = bytes[5];
  if (klass !== 1 && klass !== 2) throw new ElfFormatError(`unknown ELF class ${klass}`);
  if (data !== 1 && data !== 2) throw new ElfFormatError(`unknown ELF data encoding ${data}`);
  const r = new Reader(bytes, klass === 2, data === 1);

  const type = r.u16(16);
  const machine = r.u16(18);
  const phoff = r.word(r.is64 ? 32 : 28);
  const shoff = r.word(r.is64 ? 40 : 32);
  const phentsize = r.u16(r.is64 ? 54 : 42);
  const phnum = r.u16(r.is64 ? 56 : 44);
  const shentsize = r.u16(r.is64 ? 58 : 46);
  const shnum = r.u16(r.is64 ? 60 : 48);

  const segments = readSegments(r, phoff, phentsize, phnum);
  const sections = readSections(r, shoff, shentsize, shnum);

  const interpSegment = segments.find((s) => s.type === PT_INTERP);
  const interpreter = interpSegment
    ? r.cstring(interpSegment.offset, interpSegment.offset + interpSegment.filesz)
    : undefined;

  const dynamic = readDynamic(r, segments, sections);
  const needed: string[] = [];
  let soname: string | undefined;
  let versionNeeds: VersionNeed[] = [];
  if (dynamic) {
    const { entries, strtab } = dynamic;
    for (const entry of entries) {
      if (entry.tag === DT_NEEDED) needed.push(r.cstring(strtab + entry.value));
      if (entry.tag === DT_SONAME) soname = r.cstring(strtab + entry.value);
    }
    versionNeeds = readVersionNeeds(r, segments, sections, entries, strtab);
  }

  const musl =
    (interpreter !== undefined && /(^|\/)ld-musl-/.test(interpreter)) ||
    needed.some((lib) => /^libc\.musl-/.test(lib));

  return {
    elfClass: r.is64 ? 64 : 32,
    endianness: r.little ? 'little' : 'big',
    machine,
    machineName: machineName(machine),
    type,
    isSharedObject: type === 3,
    interpreter,
    needed,
    soname,
    versionNeeds,
    musl,
  };
}

function readSegments(r: Reader, phoff: number, phentsize: number, phnum: number): Segment[] {
  if (phoff === 0 || phnum === 0) return [];
  const segments: Segment[] = [];
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    // Elf64_Phdr: type, flags, offset, vaddr, paddr, filesz...; Elf32_Phdr: type, offset, vaddr, paddr, filesz...
    segments.push(
      r.is64
        ? { type: r.u32(at), offset: r.u64(at + 8), vaddr: r.u64(at + 16), filesz: r.u64(at + 32) }
        : { type: r.u32(at), offset: r.u32(at + 4), vaddr: r.u32(at + 8), filesz: r.u32(at + 16) },
    );
  }
  return segments;
}

function readSections(r: Reader, shoff: number, shentsize: number, shnum: number): Section[] {
  // Stripped section tables (sstrip) and e_shnum = 0 overflow cases fall back to segments.
  if (shoff === 0 || shnum === 0 || shoff + shnum * shentsize > r.buf.length) return [];
  const sections: Section[] = [];
  for (let i = 0; i < shnum; i++) {
    const at = shoff + i * shentsize;
    sections.push(
      r.is64
        ? {
            type: r.u32(at + 4),
            offset: r.u64(at + 24),
            size: r.u64(at + 32),
            link: r.u32(at + 40),
            info: r.u32(at + 44),
          }
        : {
            type: r.u32(at + 4),
            offset: r.u32(at + 16),
            size: r.u32(at + 20),
            link: r.u32(at + 24),
            info: r.u32(at + 28),
          },
    );
  }
  return sections;
}

/** Maps a virtual address to a file offset through the PT_LOAD segment that contains it. */
function addressToOffset(segments: readonly Segment[], address: number): number | undefined {
  for (const segment of segments) {
    if (segment.type === PT_LOAD && address >= segment.vaddr && address < segment.vaddr + segment.filesz) {
      return segment.offset + (address - segment.vaddr);
    }
  }
  return undefined;
}

/**
 * The dynamic section and the file offset of its string table. Sections name their string
 * table directly (sh_link); without sections we do what the dynamic loader does: PT_DYNAMIC,
 * then DT_STRTAB's address mapped through the PT_LOAD segments.
 */
function readDynamic(
  r: Reader,
  segments: readonly Segment[],
  sections: readonly Section[],
): { entries: DynamicEntry[]; strtab: number } | undefined {
  const dynSection = sections.find((s) => s.type === SHT_DYNAMIC);
  const dynSegment = segments.find((s) => s.type === PT_DYNAMIC);
  const location = dynSection
    ? { offset: dynSection.offset, size: dynSection.size }
    : dynSegment
      ? { offset: dynSegment.offset, size: dynSegment.filesz }
      : undefined;
  if (!location) return undefined;

  const entrySize = r.is64 ? 16 : 8;
  const entries: DynamicEntry[] = [];
  for (let at = location.offset; at + entrySize <= location.offset + location.size; at += entrySize) {
    const tag = r.word(at);
    if (tag === DT_NULL) break;
    entries.push({ tag, value: r.word(at + entrySize / 2) });
  }

  const linked = dynSection ? sections[dynSection.link] : undefined;
  let strtab = linked?.offset;
  if (strtab === undefined) {
    const address = entries.find((e) => e.tag === DT_STRTAB)?.value;
    strtab = address === undefined ? undefined : addressToOffset(segments, address);
  }
  if (strtab === undefined) {
    // Names (DT_NEEDED, DT_SONAME, version needs) live in the string table: without one they
    // cannot be read, and a loader could not read them either.
    if (entries.some((e) => e.tag === DT_NEEDED)) {
      throw new ElfFormatError('dynamic section names libraries but has no string table');
    }
    return { entries, strtab: 0 };
  }
  return { entries, strtab };
}

/**
 * Walks the Verneed chain: each Verneed names a library (vn_file) and points (vn_aux, relative)
 * at vn_cnt Vernaux records, each naming one version (vna_name); vn_next/vna_next are relative
 * byte offsets to the next record, 0 at the end. Names are offsets into the dynamic string table.
 */
function readVersionNeeds(
  r: Reader,
  segments: readonly Segment[],
  sections: readonly Section[],
  dynamic: readonly DynamicEntry[],
  dynstr: number,
): VersionNeed[] {
  const section = sections.find((s) => s.type === SHT_GNU_VERNEED);
  let start: number | undefined;
  let count: number | undefined;
  let strtab = dynstr;
  if (section) {
    start = section.offset;
    count = section.info; // sh_info = number of Verneed entries
    const linked = sections[section.link];
    if (linked) strtab = linked.offset;
  } else {
    const address = dynamic.find((e) => e.tag === DT_VERNEED)?.value;
    if (address !== undefined) start = addressToOffset(segments, address);
    count = dynamic.find((e) => e.tag === DT_VERNEEDNUM)?.value;
  }
  if (start === undefined || !count) return [];

  const needs: VersionNeed[] = [];
  let at = start;
  for (let i = 0; i < Math.min(count, MAX_RECORDS); i++) {
    const auxCount = r.u16(at + 2);
    const file = r.cstring(strtab + r.u32(at + 4));
    const auxOffset = r.u32(at + 8);
    const next = r.u32(at + 12);
    const versions: string[] = [];
    let aux = at + auxOffset;
    for (let j = 0; j < Math.min(auxCount, MAX_RECORDS); j++) {
      versions.push(r.cstring(strtab + r.u32(aux + 8)));
      const auxNext = r.u32(aux + 12);
      if (auxNext === 0) break;
      aux += auxNext;
    }
    needs.push({ file, versions });
    if (next === 0) break;
    at += next;
  }
  return needs;
}
