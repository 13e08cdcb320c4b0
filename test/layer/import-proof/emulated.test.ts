/**
 * The import proof for arm64 layers on this x86_64 machine, for real: Debian's aarch64 python3.11
 * under qemu-aarch64-static imports an extension module cross-compiled with aarch64-linux-gnu-gcc
 * and shipped in a generated manylinux aarch64 wheel. Nothing is mocked; without the sysroot
 * (scripts/arm64-python.sh could not run) the tests are skipped loudly.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError, UserError } from '../../../src/errors.js';
import { buildLayer } from '../../../src/layer/index.js';
import type { BuildOptions } from '../../../src/layer/types.js';
import { memoryLogger } from '../../../src/log.js';
import { resolveTarget } from '../../../src/target.js';
import { arm64Python, crossCompileExtension, noArm64Message } from '../../support/arm64.js';
import { createPackageIndex, isolatedPipEnv, type PackageIndex } from '../../support/package-index.js';

const arm64 = process.arch === 'x64' ? arm64Python() : undefined;
if (process.arch === 'x64' && !arm64) console.warn(noArm64Message());

// A real extension: PyInit runs C code, and hello() reports the CPU it was compiled for.
const EXTENSION_C = `
#include <Python.h>
static PyObject *hello(PyObject *self, PyObject *args) {
#if defined(__aarch64__)
  return PyUnicode_FromString("aarch64");
#else
  return PyUnicode_FromString("not aarch64");
#endif
}
static PyMethodDef methods[] = {{"hello", hello, METH_NOARGS, NULL}, {NULL, NULL, 0, NULL}};
static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_speed", NULL, -1, methods};
PyMODINIT_FUNC PyInit__speed(void) { return PyModule_Create(&module); }
`;
const AARCH64_TAGS = 'cp311-cp311-manylinux_2_17_aarch64.manylinux2014_aarch64';
const SO = '_speed.cpython-311-aarch64-linux-gnu.so';

let index: PackageIndex;
let work: string;

beforeAll(async () => {
  if (!arm64) return;
  work = await mkdtemp(join(tmpdir(), 'import-proof-arm64-'));
  const source = join(work, 'speed.c');
  await writeFile(source, EXTENSION_C);
  const aarch64So = join(work, 'aarch64.so');
  await crossCompileExtension(arm64, source, aarch64So);
  // The same source built for this machine (x86_64): an extension that cannot load on aarch64.
  const x86So = join(work, 'x86_64.so');
  const include = execFileSync(
    'python3.11',
    ['-c', 'import sysconfig; print(sysconfig.get_paths()["include"])'],
    {
      encoding: 'utf8',
    },
  ).trim();
  execFileSync('gcc', ['-shared', '-fPIC', `-I${include}`, source, '-o', x86So], { timeout: 120_000 });
  const init = 'from ._speed import hello\nCPU = hello()\nassert CPU == "aarch64", CPU\n';
  index = await createPackageIndex({
    wheels: [
      {
        name: 'fastmath',
        version: '1.0',
        tags: AARCH64_TAGS,
        files: { 'fastmath/__init__.py': init, [`fastmath/${SO}`]: await readFile(aarch64So) },
      },
      {
        name: 'wrongarch',
        version: '1.0',
        tags: AARCH64_TAGS,
        files: { 'wrongarch/__init__.py': init, [`wrongarch/${SO}`]: await readFile(x86So) },
      },
      // A wheel that forgot a module its package imports.
      { name: 'forgetful', version: '1.0', files: { 'forgetful/__init__.py': 'from ._impl import run\n' } },
    ],
  });
}, 900_000);

afterAll(async () => {
  await index?.cleanup();
  if (work) await rm(work, { recursive: true, force: true });
});

async function buildArm64(requirements: string, overrides: Partial<BuildOptions> = {}) {
  const dir = await mkdtemp(join(work, 'case-'));
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'requirements.txt'), requirements);
  const log = memoryLogger();
  const build = buildLayer(
    {
      requirementsFile: join(dir, 'requirements.txt'),
      target: resolveTarget('python3.11', 'arm64'),
      outDir: join(dir, 'out'),
      indexUrl: index.indexUrl,
      extraIndexUrls: [],
      findLinks: [],
      bytecode: true,
      sdist: 'never',
      importProofSysroot: arm64?.sysroot,
      ...overrides,
    },
    log,
    { env: isolatedPipEnv() },
  );
  return { build, log, dir };
}

describe.skipIf(!arm64)('import proof under qemu-aarch64 (arm64 layer on x86_64)', () => {
  it('imports a cross-compiled aarch64 extension with the aarch64 python3.11, and records where', async () => {
    const { build, log } = await buildArm64('fastmath\n');
    const { manifest } = await build;
    const proof = manifest.importProof;
    expect(proof).toMatchObject({
      status: 'passed',
      mode: 'emulated',
      interpreter: { path: arm64?.python, machine: 'aarch64', version: expect.stringMatching(/^3\.11\./) },
      emulator: { path: arm64?.qemu, sysroot: arm64?.sysroot },
      modules: [{ distribution: 'fastmath', module: 'fastmath', ms: expect.any(Number) }],
    });
    expect(proof?.durationMs).toBeGreaterThan(0);
    // The proof ran on the finished tree: host-compiled 3.11 bytecode shipped alongside.
    expect(manifest.bytecode.mode).toBe('unchecked-hash');
    expect(log.lines).toContainEqual(
      expect.stringMatching(
        /^info: Imported 1 module\(s\) of 1 distribution\(s\) with Python 3\.11\.\d+ .* under .*qemu-aarch64-static -L /,
      ),
    );
  });

  it('fails the build naming each distribution, module and ImportError: a missing module, an x86_64 .so', async () => {
    const { build, log, dir } = await buildArm64('fastmath\nforgetful\nwrongarch\n');
    const error = await build.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    const message = (error as UserError).message;
    expect(message).toMatch(
      /^import proof failed on python3\.11 aarch64 with Python 3\.11\.\d+ under qemu-aarch64/,
    );
    expect(message).toContain(
      "forgetful: import forgetful raised ModuleNotFoundError: No module named 'forgetful._impl'",
    );
    // The dynamic loader's words for an x86_64 object on aarch64.
    expect(message).toContain(
      'wrongarch: import wrongarch raised ImportError: python/wrongarch/_speed.cpython-311-aarch64-linux-gnu.so: ' +
        'cannot open shared object file: No such file or directory (that file is built for x86-64; the target CPU is aarch64)',
    );
    expect(message).not.toContain('fastmath');
    expect(message.split('\n')).toHaveLength(1);
    // Both are the layer's own faults, not the emulator's: Lambda fails the same way.
    expect((error as UserError).hint).toMatch(
      /^the layer lacks a module and holds a binary that is not for aarch64, so importing it fails the same way on Lambda: add the missing distribution/,
    );
    // The traceback goes to the --verbose log, not into the message.
    expect(log.lines).toContainEqual(
      expect.stringMatching(/^debug: import forgetful \(forgetful\):\nTraceback/),
    );
    // No layer was written.
    await expect(readFile(join(dir, 'out', 'layer.zip'))).rejects.toThrow();
  });

  it('refuses an interpreter for another CPU, naming the input', async () => {
    const { build } = await buildArm64('fastmath\n', {
      importProofSysroot: undefined,
      importProofPython: execFileSync('python3.11', ['-c', 'import sys; print(sys.executable)'], {
        encoding: 'utf8',
      }).trim(),
    });
    const error = await build.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toMatch(
      /^Input "import-proof-python": the import proof's interpreter .* did not start/,
    );
  });
});
