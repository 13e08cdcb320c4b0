/**
 * Layer verification on real objects: a layer of gcc-built shared objects that need known
 * symbol versions, doctored layers holding Windows/macOS/musl/other-arch/other-ABI files, and
 * real numpy/markupsafe/pandas wheels from the machine's mirror.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { LAMBDA_LIMITS, resolveTarget } from '../../src/target.js';
import { binaryKindOf } from '../../src/verify/binary-kind.js';
import {
  checkExtensionName,
  largestPackages,
  VerificationError,
  verificationError,
  verifyLayerTree,
  verifyLayerZip,
} from '../../src/verify/rules.js';
import { pipInstallForTarget } from '../resolve/pip-target.js';
import { machineMirror, NO_MIRROR_MESSAGE } from '../support/mirror.js';
import { buildElfFixtures, type ElfFixtures, fatMachOBytes, machOBytes, peBytes } from './elf-fixtures.js';

const py311 = resolveTarget('python3.11', 'x86_64');
const py312 = resolveTarget('python3.12', 'x86_64');
const py311arm = resolveTarget('python3.11', 'arm64');

let fx: ElfFixtures;
let work: string;
beforeAll(() => {
  fx = buildElfFixtures();
  work = mkdtempSync(join(tmpdir(), 'verify-test-'));
});
afterAll(() => {
  rmSync(fx.dir, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

let layerCount = 0;
/** A layer root holding the given files: zip path -> source file or bytes. */
function layer(files: Record<string, string | Buffer>): string {
  const root = join(work, `layer-${++layerCount}`);
  mkdirSync(join(root, 'python'), { recursive: true });
  for (const [path, source] of Object.entries(files)) {
    const dest = join(root, ...path.split('/'));
    mkdirSync(dirname(dest), { recursive: true });
    if (typeof source === 'string') copyFileSync(source, dest);
    else writeFileSync(dest, source);
  }
  return root;
}

const problemsOf = (report: { findings: readonly { file: string; problem: string }[] }) =>
  report.findings.map((f) => `${f.file} ${f.problem}`);

describe('symbol versions', () => {
  it('a GLIBC_2.34 object fails python3.11 (glibc 2.26) with the file, the need and the limit named', async () => {
    const root = layer({
      'python/cryptography/hazmat/bindings/_rust.abi3.so': fx.glibc234,
      'python/cryptography/__init__.py': Buffer.from(''),
    });
    const report = await verifyLayerTree(root, py311);
    expect(report.ok).toBe(false);
    expect(problemsOf(report)).toEqual([
      'python/cryptography/hazmat/bindings/_rust.abi3.so needs GLIBC_2.34; python3.11 (Amazon Linux 2) has glibc 2.26',
    ]);
    expect(report.checkedBinaries).toBe(1);
    // ...and passes python3.12 (Amazon Linux 2023, glibc 2.34)
    expect((await verifyLayerTree(root, py312)).ok).toBe(true);
  });

  it('a GLIBC_2.17 object passes python3.11', async () => {
    const report = await verifyLayerTree(layer({ 'python/fast/_impl.abi3.so': fx.glibc217 }), py311);
    expect(report).toMatchObject({ ok: true, findings: [], checkedBinaries: 1 });
  });

  it('GLIBCXX_3.4.29 from the system libstdc++ fails Amazon Linux 2 (3.4.24) and passes 2023 (3.4.29)', async () => {
    const root = layer({ 'python/cxxpkg/_ext.abi3.so': fx.glibcxx329 });
    const report = await verifyLayerTree(root, py311);
    expect(problemsOf(report)).toEqual([
      'python/cxxpkg/_ext.abi3.so needs GLIBCXX_3.4.29 from the system libstdc++; python3.11 (Amazon Linux 2) has GLIBCXX_3.4.24',
    ]);
    expect((await verifyLayerTree(root, py312)).ok).toBe(true);
  });

  it('a need met by a libstdc++ vendored under a hashed name (auditwheel) is not held to the OS floor', async () => {
    const root = layer({
      'python/vend/_ext.abi3.so': fx.usesVendored,
      'python/vend.libs/libstdc++-0a1b2c3d.so.6': fx.vendoredLibstdcxx,
    });
    expect(await verifyLayerTree(root, py311)).toMatchObject({ ok: true, checkedBinaries: 2 });
  });

  it('the same need fails when the hashed library is not in the layer', async () => {
    const report = await verifyLayerTree(layer({ 'python/vend/_ext.abi3.so': fx.usesVendored }), py311);
    expect(problemsOf(report)).toEqual([
      'python/vend/_ext.abi3.so needs GLIBCXX_3.4.30 from the system libstdc++; python3.11 (Amazon Linux 2) has GLIBCXX_3.4.24',
    ]);
  });

  it('a copy shipped under the system name libstdc++.so.6 does not lift the floor (the OS copy wins)', async () => {
    const report = await verifyLayerTree(
      layer({
        'python/vend/_ext.abi3.so': fx.usesSystemNamed,
        'python/vend.libs/libstdc++.so.6': fx.systemNamedLibstdcxx,
      }),
      py312,
    );
    expect(problemsOf(report)).toEqual([
      'python/vend/_ext.abi3.so needs GLIBCXX_3.4.30 from the system libstdc++; python3.12 (Amazon Linux 2023) has GLIBCXX_3.4.29',
    ]);
  });
});

describe('foreign binaries', () => {
  it('fails a doctored layer with a .pyd, a Mach-O file, a musl object and an AArch64 object, naming each file', async () => {
    const root = layer({
      'python/winpkg/_speedups.cp311-win_amd64.pyd': peBytes(true),
      'python/macpkg/_speedups.cpython-311-darwin.so': machOBytes(),
      'python/macpkg/libuniversal.dylib': fatMachOBytes(),
      'python/muslpkg/_ext.cpython-311-x86_64-linux-musl.so': fx.musl,
      'python/armpkg/_ext.abi3.so': fx.aarch64,
      'python/ok/_ext.abi3.so': fx.glibc217,
    });
    const report = await verifyLayerTree(root, py311);
    expect(report.ok).toBe(false);
    expect(problemsOf(report)).toEqual([
      'python/armpkg/_ext.abi3.so is a 64-bit AArch64 binary; python3.11 (Amazon Linux 2) on x86_64 loads only 64-bit x86-64',
      'python/macpkg/_speedups.cpython-311-darwin.so is a macOS binary (Mach-O format); python3.11 (Amazon Linux 2) loads only Linux ELF',
      'python/macpkg/libuniversal.dylib is a macOS binary (Mach-O format); python3.11 (Amazon Linux 2) loads only Linux ELF',
      'python/muslpkg/_ext.cpython-311-x86_64-linux-musl.so is linked against musl libc (libc.musl-x86_64.so.1); python3.11 (Amazon Linux 2) has glibc 2.26',
      'python/muslpkg/_ext.cpython-311-x86_64-linux-musl.so is built for x86_64-linux-musl; python3.11 on x86_64 loads cpython-311-x86_64-linux-gnu extension modules',
      'python/winpkg/_speedups.cp311-win_amd64.pyd is a Windows binary (PE format); python3.11 (Amazon Linux 2) loads only Linux ELF',
    ]);
    const error = verificationError(report, py311);
    expect(error).toBeInstanceOf(VerificationError);
    expect(error).toBeInstanceOf(UserError);
    expect(error?.message).toContain('python/winpkg/_speedups.cp311-win_amd64.pyd is a Windows binary');
    expect(error?.hint).toContain('winpkg came from a Windows wheel');
    expect(error?.hint).toContain('rebuild the layer for x86_64');
  });

  it('an x86-64 object fails an arm64 target', async () => {
    const report = await verifyLayerTree(layer({ 'python/p/_e.abi3.so': fx.glibc217 }), py311arm);
    expect(problemsOf(report)).toEqual([
      'python/p/_e.abi3.so is a 64-bit x86-64 binary; python3.11 (Amazon Linux 2) on arm64 loads only 64-bit AArch64',
    ]);
  });

  it('a Windows .exe launcher (as setuptools ships) is a warning, a .dll by name alone an error', async () => {
    const report = await verifyLayerTree(
      layer({
        'python/setuptools/cli-64.exe': peBytes(false),
        'python/other/helper.dll': Buffer.from('not really a dll'),
      }),
      py311,
    );
    expect(problemsOf(report)).toEqual([
      'python/other/helper.dll is a Windows binary (by its name); python3.11 (Amazon Linux 2) loads only Linux ELF',
    ]);
    expect(report.warnings).toEqual([
      'python/setuptools/cli-64.exe is a Windows executable; it never runs on Lambda',
    ]);
  });

  it('classifies magic bytes without trusting names', () => {
    expect(binaryKindOf(peBytes(true), 'x.bin')).toEqual({ kind: 'pe', peDll: true });
    expect(binaryKindOf(machOBytes(), 'x.so').kind).toBe('mach-o');
    expect(binaryKindOf(fatMachOBytes(), 'x').kind).toBe('mach-o');
    // A Java class file shares 0xcafebabe; its version word (major 52) is no architecture count.
    expect(binaryKindOf(Buffer.from([0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 52]), 'A.class').kind).toBe('none');
    // "MZ" text without a PE header is not a PE image.
    expect(binaryKindOf(Buffer.from(`MZ${' '.repeat(200)}`), 'notes.txt').kind).toBe('none');
  });
});

describe('extension module names', () => {
  it('flags another CPython version, another platform and PyPy; accepts abi3 and plain .so', () => {
    const problem = (f: string) => checkExtensionName(f, py311)?.problem;
    expect(problem('python/x/_m.cpython-312-x86_64-linux-gnu.so')).toBe(
      'is built for CPython 3.12 (cpython-312); python3.11 on x86_64 loads cpython-311-x86_64-linux-gnu extension modules',
    );
    expect(problem('python/x/_m.cpython-311-aarch64-linux-gnu.so')).toContain(
      'is built for aarch64-linux-gnu',
    );
    expect(problem('python/x/_m.cpython-313t-x86_64-linux-gnu.so')).toContain('free-threaded');
    expect(problem('python/x/_m.pypy310-pp73-x86_64-linux-gnu.so')).toContain('PyPy');
    expect(problem('python/x/_m.cpython-311-x86_64-linux-gnu.so')).toBeUndefined();
    expect(problem('python/x/_m.abi3.so')).toBeUndefined();
    expect(problem('python/x/libfoo.so')).toBeUndefined();
  });

  it('fails a cpython-312 extension (a real ELF) in a 3.11 layer', async () => {
    const report = await verifyLayerTree(
      layer({ 'python/p/_m.cpython-312-x86_64-linux-gnu.so': fx.glibc217 }),
      py311,
    );
    expect(report.findings.map((f) => f.rule)).toEqual(['python-abi']);
  });
});

describe('layout and size', () => {
  it('fails files at the zip root and a missing python/', async () => {
    const root = mkdtempSync(join(work, 'bad-layout-'));
    mkdirSync(join(root, 'site-packages/six'), { recursive: true });
    writeFileSync(join(root, 'site-packages/six/__init__.py'), '');
    writeFileSync(join(root, 'handler.py'), '');
    const report = await verifyLayerTree(root, py311);
    expect(problemsOf(report)).toEqual([
      'handler.py is at the zip root; Lambda extracts a layer to /opt and Python imports only from /opt/python',
      'python/ is missing: the layer has no python/ directory',
      'site-packages is at the zip root; Lambda extracts a layer to /opt and Python imports only from /opt/python',
    ]);
    expect(verificationError(report, py311)?.hint).toContain('put everything under python/');
  });

  it('fails a layer over 262144000 bytes unzipped (sparse files: no disk used)', async () => {
    const root = layer({});
    const big = join(root, 'python/huge/blob.bin');
    mkdirSync(dirname(big), { recursive: true });
    execFileSync('truncate', ['-s', String(LAMBDA_LIMITS.unzippedBytes + 1), big]);
    const report = await verifyLayerTree(root, py311);
    expect(problemsOf(report)).toEqual([
      'python/ unzips to 262144001 bytes (250.0 MiB); Lambda allows 262144000 bytes (250 MB) unzipped for a function and all its layers',
    ]);
    expect(report.largest).toEqual([{ name: 'huge', size: LAMBDA_LIMITS.unzippedBytes + 1 }]);
  });

  it('warns (does not fail) when the zip is over the direct-upload limit publishing uses', async () => {
    const report = await verifyLayerTree(layer({ 'python/a.py': Buffer.from('') }), py311, {
      zipSize: 50_000_001,
    });
    expect(report.ok).toBe(true);
    expect(report.warnings).toEqual([
      'layer.zip is 50000001 bytes (47.7 MiB), over the 50000000-byte direct-upload limit: it must be published through S3',
    ]);
    // One number for both: the zip that gets this warning is the one publishing sends through S3.
    expect(LAMBDA_LIMITS.directUploadZipBytes).toBe(50_000_000);
  });

  it('groups the largest packages, folding dist-info, .libs, single modules and top-level __pycache__', () => {
    const largest = largestPackages([
      { path: 'python/numpy/core/x.so', size: 100 },
      { path: 'python/numpy.libs/libopenblas.so', size: 50 },
      { path: 'python/numpy-2.2.6.dist-info/RECORD', size: 5 },
      { path: 'python/six.py', size: 30 },
      { path: 'python/__pycache__/six.cpython-311.pyc', size: 20 },
      { path: 'python/six-1.17.0.dist-info/METADATA', size: 1 },
      { path: 'python/MarkupSafe-3.0.3.dist-info/RECORD', size: 2 },
      { path: 'python/markupsafe/__init__.py', size: 40 },
      { path: 'python/python_dateutil-2.9.0.dist-info/RECORD', size: 3 },
    ]);
    expect(largest).toEqual([
      { name: 'numpy', size: 155 },
      { name: 'six', size: 51 },
      { name: 'markupsafe', size: 42 },
      { name: 'python_dateutil', size: 3 },
    ]);
  });
});

describe('zip', () => {
  it('verifies a zip: the doctored one fails with the file named, its zip size is reported', async () => {
    const root = layer({
      'python/cryptography/hazmat/bindings/_rust.abi3.so': fx.glibc234,
      'python/winpkg/_speedups.pyd': peBytes(true),
    });
    const zip = join(work, 'doctored.zip');
    // Zipped by Python's zipfile: an independent writer.
    execFileSync(
      'python3',
      [
        '-c',
        'import os,sys,zipfile\nz=zipfile.ZipFile(sys.argv[2],"w",zipfile.ZIP_DEFLATED)\nfor d,_,fs in os.walk(sys.argv[1]):\n  for f in fs:\n    p=os.path.join(d,f); z.write(p, os.path.relpath(p, sys.argv[1]))\nz.close()',
        root,
        zip,
      ],
      { timeout: 60_000 },
    );
    const report = await verifyLayerZip(zip, py311);
    expect(problemsOf(report)).toEqual([
      'python/cryptography/hazmat/bindings/_rust.abi3.so needs GLIBC_2.34; python3.11 (Amazon Linux 2) has glibc 2.26',
      'python/winpkg/_speedups.pyd is a Windows binary (PE format); python3.11 (Amazon Linux 2) loads only Linux ELF',
    ]);
    expect(report.zipSize).toBeGreaterThan(0);
    expect(verificationError(report, py311)?.hint).toContain(
      'pin an older cryptography whose wheel is tagged manylinux_2_26 or older',
    );
  });
});

describe('real wheels from the machine mirror', () => {
  const mirror = machineMirror();
  if (!mirror) console.warn(NO_MIRROR_MESSAGE);

  it.skipIf(!mirror)(
    'numpy, pandas and markupsafe installed for python3.11 x86_64 pass; the same tree fails python3.12',
    async () => {
      const root = mkdtempSync(join(work, 'mirror-'));
      pipInstallForTarget(join(root, 'python'), ['numpy', 'pandas', 'markupsafe'], py311);
      const started = Date.now();
      const report = await verifyLayerTree(root, py311);
      const elapsed = Date.now() - started;
      expect(report.findings).toEqual([]);
      expect(report.ok).toBe(true);
      expect(report.checkedBinaries).toBeGreaterThan(20);
      expect(
        report.largest
          .map((p) => p.name)
          .slice(0, 2)
          .sort(),
      ).toEqual(['numpy', 'pandas']);
      console.log(
        `verify: ${report.checkedBinaries} binaries, ${(report.unzippedSize ?? 0) / 1e6} MB numpy+pandas+markupsafe tree in ${elapsed} ms`,
      );
      // Built for 3.11, the extension modules are the wrong ABI for python3.12.
      const for312 = await verifyLayerTree(root, py312);
      expect(for312.ok).toBe(false);
      expect(for312.findings.every((f) => f.rule === 'python-abi')).toBe(true);
      expect(for312.findings.map((f) => f.file)).toContain(
        'python/markupsafe/_speedups.cpython-311-x86_64-linux-gnu.so',
      );
    },
  );
});
