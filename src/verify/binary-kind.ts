/**
 * What kind of native binary a file is, from its first bytes (and, for Windows/macOS names, its
 * file name). Pure: callers read the head of the file (HEAD_BYTES is enough) and pass it in.
 */
import { isElf } from './elf.js';

export type BinaryKind = 'elf' | 'pe' | 'mach-o' | 'none';

/** Bytes of a file's head that `binaryKindOf` needs: DOS stub + e_lfanew + PE signature. */
export const HEAD_BYTES = 4096;

export interface BinaryClassification {
  readonly kind: BinaryKind;
  /** For PE: true when the image is a DLL (.pyd/.dll) rather than an executable (.exe). */
  readonly peDll?: boolean;
  /** Why a file without a binary magic still counts (e.g. ".pyd file name"). */
  readonly byName?: boolean;
}

const WINDOWS_NAMES = /\.(pyd|dll)$/i;
const MACOS_NAMES = /\.dylib$/i;

// Mach-O magics (mach-o/loader.h, mach-o/fat.h), as the first 4 bytes read big-endian:
// thin 32/64-bit in either byte order, and universal ("fat") headers, 32- and 64-bit offsets.
const MACHO_THIN = new Set([0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe]);
const MACHO_FAT = new Set([0xcafebabe, 0xcafebabf]);

export function binaryKindOf(head: Buffer, fileName: string): BinaryClassification {
  if (isElf(head)) return { kind: 'elf' };
  if (head.length >= 4) {
    const magic = head.readUInt32BE(0);
    if (MACHO_THIN.has(magic)) return { kind: 'mach-o' };
    // 0xcafebabe is also a Java class file; file(1) tells them apart by the next word: a fat
    // header's architecture count is small, a class file's version (>= 45) is not.
    if (MACHO_FAT.has(magic) && head.length >= 8) {
      const count = head.readUInt32BE(4);
      if (count > 0 && count < 20) return { kind: 'mach-o' };
    }
  }
  const pe = peHeader(head);
  if (pe) return { kind: 'pe', peDll: pe.dll || WINDOWS_NAMES.test(fileName) };
  if (WINDOWS_NAMES.test(fileName)) return { kind: 'pe', peDll: true, byName: true };
  if (MACOS_NAMES.test(fileName)) return { kind: 'mach-o', byName: true };
  return { kind: 'none' };
}

/**
 * A PE image starts with the DOS "MZ" stub whose e_lfanew (offset 0x3c) points at "PE\0\0";
 * the COFF Characteristics word 22 bytes further has IMAGE_FILE_DLL (0x2000) for DLLs.
 * Checking the PE signature, not just "MZ", keeps text files that start with "MZ" out.
 */
function peHeader(head: Buffer): { dll: boolean } | undefined {
  if (head.length < 0x40 || head.toString('latin1', 0, 2) !== 'MZ') return undefined;
  const lfanew = head.readUInt32LE(0x3c);
  if (lfanew < 0x40 || lfanew + 24 > head.length) return undefined;
  if (head.toString('latin1', lfanew, lfanew + 4) !== 'PE\0\0') return undefined;
  return { dll: (head.readUInt16LE(lfanew + 22) & 0x2000) !== 0 };
}
