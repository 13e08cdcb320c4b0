/**
 * The ELF reader against real objects compiled here (gcc/g++), against readelf on every shared
 * object of the system (when binutils is installed: it comes with gcc), and against hand-built
 * 32-bit big-endian and section-less images that no compiler here produces.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ElfFormatError, EM_AARCH64, EM_X86_64, parseElf } from '../../src/verify/elf.js';
import { buildElfFixtures, type ElfFixtures, hasCompiler } from './elf-fixtures.js';

const versionsOf = (path: string): string[] =>
  parseElf(readFileSync(path))
    .versionNeeds.flatMap((n) => n.versions)
    .sort();

describe('parseElf on objects compiled by gcc', () => {
  let fx: ElfFixtures;
  beforeAll(() => {
    if (!hasCompiler('gcc') || !hasCompiler('g++'))
      throw new Error('these tests need gcc and g++ (apt-get install -y build-essential)');
    fx = buildElfFixtures();
  });
  afterAll(() => rmSync(fx.dir, { recursive: true, force: true }));

  it('reads class, byte order, machine and type of an x86-64 shared object', () => {
    const info = parseElf(readFileSync(fx.glibc217));
    expect(info).toMatchObject({
      elfClass: 64,
      endianness: 'little',
      machine: EM_X86_64,
      machineName: 'x86-64',
      type: 3,
      isSharedObject: true,
      musl: false,
      needed: ['libc.so.6'],
    });
    expect(info.interpreter).toBeUndefined();
  });

  it('reads the GLIBC versions each object needs, per library', () => {
    expect(versionsOf(fx.glibc234)).toContain('GLIBC_2.34');
    expect(versionsOf(fx.glibc217)).toContain('GLIBC_2.17');
    expect(versionsOf(fx.glibc217).some((v) => /GLIBC_2\.(2[0-9]|3[0-9])/.test(v))).toBe(false);
    const cxx = parseElf(readFileSync(fx.glibcxx329)).versionNeeds;
    expect(cxx.find((n) => n.file === 'libstdc++.so.6')?.versions).toContain('GLIBCXX_3.4.29');
  });

  it('tells a musl-linked object and another architecture apart', () => {
    expect(parseElf(readFileSync(fx.musl))).toMatchObject({ musl: true, needed: ['libc.musl-x86_64.so.1'] });
    expect(parseElf(readFileSync(fx.aarch64))).toMatchObject({ machine: EM_AARCH64, machineName: 'AArch64' });
  });

  it('reads PT_INTERP of an executable (the program interpreter)', () => {
    const exe = join(fx.dir, 'hello');
    execFileSync('gcc', ['-x', 'c', '-o', exe, '-'], {
      input: 'int main(void){return 0;}\n',
      timeout: 60_000,
    });
    const info = parseElf(readFileSync(exe));
    expect(info.interpreter).toMatch(/ld-linux-x86-64\.so\.2$/);
    expect(info.musl).toBe(false);
  });

  it('falls back to the dynamic segment when the section table is stripped (as sstrip does)', () => {
    const bytes = Buffer.from(readFileSync(fx.glibc234));
    const full = parseElf(bytes);
    bytes.writeBigUInt64LE(0n, 40); // e_shoff
    bytes.writeUInt16LE(0, 60); // e_shnum
    const stripped = parseElf(bytes);
    expect(stripped.needed).toEqual(full.needed);
    expect(stripped.versionNeeds).toEqual(full.versionNeeds);
  });

  it('throws ElfFormatError on a truncated object instead of reading garbage', () => {
    const bytes = readFileSync(fx.glibc217);
    expect(() => parseElf(bytes.subarray(0, 40))).toThrow(ElfFormatError);
    expect(() => parseElf(Buffer.from('not an elf at all, just text'))).toThrow(ElfFormatError);
  });
});

describe('parseElf agrees with readelf', () => {
  const hasReadelf = hasCompiler('readelf');
  it.runIf(hasReadelf)('on the shared objects of this system', () => {
    const dir = '/usr/lib/x86_64-linux-gnu';
    const names = readdirSync(dir)
      .filter((n) => /\.so(\.\d+)*$/.test(n))
      // Small libraries keep readelf fast; there are plenty of them.
      .filter((n) => (statSync(join(dir, n), { throwIfNoEntry: false })?.size ?? Infinity) < 1_000_000)
      .slice(0, 40);
    let compared = 0;
    for (const name of names) {
      const path = join(dir, name);
      let bytes: Buffer;
      try {
        bytes = readFileSync(path);
      } catch {
        continue; // dangling symlink
      }
      if (bytes.readUInt32BE(0) !== 0x7f454c46) continue; // linker scripts named .so
      const out = execFileSync('readelf', ['-V', '-d', '-W', path], { encoding: 'utf8', maxBuffer: 1 << 26 });
      const section = out.split('Version needs section')[1] ?? '';
      const expected = [...section.matchAll(/Name: (\S+)\s+Flags/g)].map((m) => m[1]).sort();
      const needed = [...out.matchAll(/\(NEEDED\)\s+Shared library: \[(.+?)\]/g)].map((m) => m[1]);
      const info = parseElf(bytes);
      expect(info.versionNeeds.flatMap((n) => n.versions).sort(), name).toEqual(expected);
      expect(info.needed, name).toEqual(needed);
      compared++;
    }
    expect(compared).toBeGreaterThan(10);
  });
});

/**
 * Builds a section-less ELF (program headers only) in either class and byte order, with one
 * PT_LOAD mapping the whole file at `base`, PT_INTERP, and a dynamic section naming libc.so.6
 * and needing GLIBC_2.4 and GLIBC_2.30 from it through .gnu.version_r records.
 */
function syntheticElf(is64: boolean, little: boolean, machine: number): Buffer {
  const base = 0x10000;
  const ehsize = is64 ? 64 : 52;
  const phentsize = is64 ? 56 : 32;
  const phnum = 3;
  const interp = '/lib/ld-musl-armhf.so.1\0';
  const strings = '\0libc.so.6\0GLIBC_2.4\0GLIBC_2.30\0libdemo.so.1\0';
  const at = (s: string): number => strings.indexOf(`${s}\0`);
  const interpOff = ehsize + phnum * phentsize;
  const strOff = interpOff + interp.length;
  const verneedOff = (strOff + strings.length + 7) & ~7;
  const dynOff = verneedOff + 48;
  const dynEntry = is64 ? 16 : 8;
  const dyn: [number, number][] = [
    [1, at('libc.so.6')], // DT_NEEDED
    [14, at('libdemo.so.1')], // DT_SONAME
    [5, base + strOff], // DT_STRTAB
    [0x6ffffffe, base + verneedOff], // DT_VERNEED
    [0x6fffffff, 1], // DT_VERNEEDNUM
    [0, 0],
  ];
  const size = dynOff + dyn.length * dynEntry;
  const b = Buffer.alloc(size);
  const u16 = (o: number, v: number) => (little ? b.writeUInt16LE(v, o) : b.writeUInt16BE(v, o));
  const u32 = (o: number, v: number) => (little ? b.writeUInt32LE(v, o) : b.writeUInt32BE(v, o));
  const word = (o: number, v: number) =>
    is64 ? (little ? b.writeBigUInt64LE(BigInt(v), o) : b.writeBigUInt64BE(BigInt(v), o)) : u32(o, v);
  b.write('\x7fELF', 0, 'latin1');
  b[4] = is64 ? 2 : 1;
  b[5] = little ? 1 : 2;
  b[6] = 1;
  u16(16, 3);
  u16(18, machine);
  u32(20, 1);
  word(is64 ? 32 : 28, ehsize); // e_phoff
  u16(is64 ? 54 : 42, phentsize);
  u16(is64 ? 56 : 44, phnum);
  const phdr = (i: number, type: number, offset: number, filesz: number) => {
    const o = ehsize + i * phentsize;
    u32(o, type);
    if (is64) {
      word(o + 8, offset);
      word(o + 16, base + offset);
      word(o + 32, filesz);
    } else {
      u32(o + 4, offset);
      u32(o + 8, base + offset);
      u32(o + 16, filesz);
    }
  };
  phdr(0, 1, 0, size); // PT_LOAD
  phdr(1, 2, dynOff, dyn.length * dynEntry); // PT_DYNAMIC
  phdr(2, 3, interpOff, interp.length); // PT_INTERP
  b.write(interp, interpOff, 'latin1');
  b.write(strings, strOff, 'latin1');
  // Verneed: version 1, 2 aux entries, file, aux at +16, no next.
  u16(verneedOff, 1);
  u16(verneedOff + 2, 2);
  u32(verneedOff + 4, at('libc.so.6'));
  u32(verneedOff + 8, 16);
  u32(verneedOff + 12, 0);
  // Vernaux x2: hash, flags, other, name, next.
  u32(verneedOff + 16 + 8, at('GLIBC_2.4'));
  u32(verneedOff + 16 + 12, 16);
  u32(verneedOff + 32 + 8, at('GLIBC_2.30'));
  u32(verneedOff + 32 + 12, 0);
  dyn.forEach(([tag, value], i) => {
    word(dynOff + i * dynEntry, tag);
    word(dynOff + i * dynEntry + dynEntry / 2, value);
  });
  return b;
}

describe('parseElf on hand-built images', () => {
  for (const [is64, little] of [
    [false, false],
    [false, true],
    [true, false],
    [true, true],
  ] as const) {
    it(`${is64 ? 64 : 32}-bit ${little ? 'little' : 'big'}-endian, no section table`, () => {
      const info = parseElf(syntheticElf(is64, little, 40));
      expect(info).toMatchObject({
        elfClass: is64 ? 64 : 32,
        endianness: little ? 'little' : 'big',
        machine: 40,
        machineName: 'ARM (32-bit)',
        interpreter: '/lib/ld-musl-armhf.so.1',
        musl: true,
        needed: ['libc.so.6'],
        soname: 'libdemo.so.1',
        versionNeeds: [{ file: 'libc.so.6', versions: ['GLIBC_2.4', 'GLIBC_2.30'] }],
      });
    });
  }
});
