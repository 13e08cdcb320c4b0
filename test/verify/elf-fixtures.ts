/**
 * Real ELF shared objects for the verification tests, compiled with the host's gcc/g++ into a
 * temp directory. Each one needs a known symbol version because of what it calls, not because
 * the test says so:
 * - pthread_create's default version moved to GLIBC_2.34 when libpthread merged into libc;
 * - clock_gettime's is GLIBC_2.17 (it moved from librt to libc in 2.17);
 * - std::to_chars(double) is GLIBCXX_3.4.29 (GCC 11's libstdc++).
 * Objects "for another arch" and the musl-linked one are built the same way: the other-arch
 * object is a real x86-64 object whose e_machine is rewritten to AArch64 (183), so the tests need
 * no cross toolchain; the musl one links against a stub library whose soname is musl's
 * (libc.musl-x86_64.so.1), which is exactly what a musllinux wheel's extension names.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ElfFixtures {
  readonly dir: string;
  /** Needs GLIBC_2.34 (pthread_create). */
  readonly glibc234: string;
  /** Needs GLIBC_2.17 at most (clock_gettime). */
  readonly glibc217: string;
  /** Needs GLIBCXX_3.4.29 from libstdc++.so.6 (std::to_chars(double)). */
  readonly glibcxx329: string;
  /** glibc217 with e_machine rewritten to AArch64. */
  readonly aarch64: string;
  /** Needs libc.musl-x86_64.so.1. */
  readonly musl: string;
  /** A vendored libstdc++ as auditwheel grafts it: hashed soname, exports GLIBCXX_3.4.30. */
  readonly vendoredLibstdcxx: string;
  /** Needs GLIBCXX_3.4.30 from libstdc++-0a1b2c3d.so.6 (the vendored copy). */
  readonly usesVendored: string;
  /** A copy shipped under the system name libstdc++.so.6, exporting GLIBCXX_3.4.30. */
  readonly systemNamedLibstdcxx: string;
  /** Needs GLIBCXX_3.4.30 from libstdc++.so.6. */
  readonly usesSystemNamed: string;
}

const TIMEOUT = { timeout: 60_000 };

function compile(compiler: string, args: string[], cwd: string): void {
  execFileSync(compiler, args, { cwd, stdio: 'pipe', ...TIMEOUT });
}

export function hasCompiler(name: string): boolean {
  try {
    execFileSync(name, ['--version'], { stdio: 'pipe', ...TIMEOUT });
    return true;
  } catch {
    return false;
  }
}

export function buildElfFixtures(): ElfFixtures {
  const dir = mkdtempSync(join(tmpdir(), 'elf-fixtures-'));
  const write = (name: string, text: string): void => writeFileSync(join(dir, name), text);

  write(
    'glibc234.c',
    '#include <pthread.h>\nstatic void *run(void *a) { return a; }\n' +
      'int start(void) { pthread_t t; return pthread_create(&t, 0, run, 0); }\n',
  );
  compile('gcc', ['-shared', '-fPIC', '-o', 'glibc234.so', 'glibc234.c'], dir);

  write(
    'glibc217.c',
    '#include <time.h>\nint now(void) { struct timespec ts; return clock_gettime(CLOCK_MONOTONIC, &ts); }\n',
  );
  compile('gcc', ['-shared', '-fPIC', '-o', 'glibc217.so', 'glibc217.c'], dir);

  write(
    'glibcxx.cc',
    '#include <charconv>\n#include <string>\n' +
      'extern "C" int width(double x) { char b[64]; auto r = std::to_chars(b, b + 64, x); return (int)std::string(b, r.ptr).size(); }\n',
  );
  compile('g++', ['-shared', '-fPIC', '-o', 'glibcxx.so', 'glibcxx.cc'], dir);

  // e_machine is the u16 at offset 18 (little-endian in an x86-64 object).
  const other = readFileSync(join(dir, 'glibc217.so'));
  other.writeUInt16LE(183, 18);
  writeFileSync(join(dir, 'aarch64.so'), other);

  // musl: a stub library with musl's soname, and an object linked against it.
  write('muslc.c', 'int musl_marker(void) { return 1; }\n');
  compile(
    'gcc',
    [
      '-shared',
      '-fPIC',
      '-nostdlib',
      '-Wl,-soname,libc.musl-x86_64.so.1',
      '-o',
      'libc.musl-x86_64.so.1',
      'muslc.c',
    ],
    dir,
  );
  write('musl.c', 'int musl_marker(void);\nint call(void) { return musl_marker(); }\n');
  compile(
    'gcc',
    ['-shared', '-fPIC', '-nostdlib', '-o', 'musl.so', 'musl.c', '-L.', '-l:libc.musl-x86_64.so.1'],
    dir,
  );

  // A library exporting a symbol under version GLIBCXX_3.4.30, under two sonames, and an
  // object needing that version from each (the version need is recorded per soname).
  write('cxxlib.c', 'int cxx_marker(void) { return 1; }\n');
  write('cxxlib.map', 'GLIBCXX_3.4.30 { global: cxx_marker; local: *; };\n');
  write('uses.c', 'int cxx_marker(void);\nint call(void) { return cxx_marker(); }\n');
  for (const [soname, user] of [
    ['libstdc++-0a1b2c3d.so.6', 'uses-vendored.so'],
    ['libstdc++.so.6', 'uses-system-named.so'],
  ] as const) {
    compile(
      'gcc',
      [
        '-shared',
        '-fPIC',
        `-Wl,-soname,${soname}`,
        '-Wl,--version-script=cxxlib.map',
        '-o',
        soname,
        'cxxlib.c',
      ],
      dir,
    );
    compile('gcc', ['-shared', '-fPIC', '-o', user, 'uses.c', '-L.', `-l:${soname}`], dir);
  }

  return {
    dir,
    glibc234: join(dir, 'glibc234.so'),
    glibc217: join(dir, 'glibc217.so'),
    glibcxx329: join(dir, 'glibcxx.so'),
    aarch64: join(dir, 'aarch64.so'),
    musl: join(dir, 'musl.so'),
    vendoredLibstdcxx: join(dir, 'libstdc++-0a1b2c3d.so.6'),
    usesVendored: join(dir, 'uses-vendored.so'),
    systemNamedLibstdcxx: join(dir, 'libstdc++.so.6'),
    usesSystemNamed: join(dir, 'uses-system-named.so'),
  };
}

/** A minimal PE image header: "MZ" stub, e_lfanew = 0x40, "PE\0\0", COFF header for x86-64. */
export function peBytes(dll: boolean): Buffer {
  const bytes = Buffer.alloc(512);
  bytes.write('MZ', 0, 'latin1');
  bytes.writeUInt32LE(0x40, 0x3c);
  bytes.write('PE\0\0', 0x40, 'latin1');
  bytes.writeUInt16LE(0x8664, 0x44); // Machine: AMD64
  bytes.writeUInt16LE(dll ? 0x2022 : 0x0022, 0x40 + 22); // Characteristics (IMAGE_FILE_DLL = 0x2000)
  return bytes;
}

/** A thin 64-bit little-endian Mach-O header (MH_MAGIC_64 stored LE: cf fa ed fe). */
export function machOBytes(): Buffer {
  const bytes = Buffer.alloc(64);
  bytes.writeUInt32LE(0xfeedfacf, 0);
  bytes.writeUInt32LE(0x01000007, 4); // CPU_TYPE_X86_64
  bytes.writeUInt32LE(6, 12); // MH_DYLIB
  return bytes;
}

/** A universal (fat) Mach-O header with two architectures. */
export function fatMachOBytes(): Buffer {
  const bytes = Buffer.alloc(64);
  bytes.writeUInt32BE(0xcafebabe, 0);
  bytes.writeUInt32BE(2, 4);
  return bytes;
}
