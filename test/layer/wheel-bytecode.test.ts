/**
 * The per-wheel bytecode cache: after one pin changes, only the changed wheel's modules are
 * compiled, the others' pycs come from the cache, and the zip is byte-identical to a build
 * without any cache. A damaged entry is detected, compiled again and stored again.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLayer } from '../../src/layer/index.js';
import { memoryLogger } from '../../src/log.js';
import { findInterpreter } from '../../src/resolve/interpreters.js';
import { resolveTarget } from '../../src/target.js';
import {
  createPackageIndex,
  isolatedPipEnv,
  type PackageIndex,
  type WheelSpec,
} from '../support/package-index.js';

const modules = (name: string, version: string, count: number): Record<string, string> =>
  Object.fromEntries(
    Array.from({ length: count }, (_, i) => [
      `${name}/m${i}.py`,
      `VERSION = ${JSON.stringify(version)}\nN = ${i}\n`,
    ]),
  );

const WHEELS: WheelSpec[] = [
  { name: 'alpha', version: '1.0', files: modules('alpha', '1.0', 3) },
  { name: 'alpha', version: '2.0', files: modules('alpha', '2.0', 4) },
  // A module that is not valid Python 3: listed as failed, from the cache too.
  { name: 'beta', version: '1.0', files: { ...modules('beta', '1.0', 5), 'beta/py2.py': 'print "no"\n' } },
];

let index: PackageIndex;
let work: string;
let hasPython311 = false;

beforeAll(async () => {
  index = await createPackageIndex({ wheels: WHEELS });
  work = await mkdtemp(join(tmpdir(), 'wheel-bytecode-'));
  hasPython311 = Boolean(await findInterpreter('3.11'));
}, 120_000);
afterAll(async () => {
  await index?.cleanup();
  if (work) await rm(work, { recursive: true, force: true });
});

let counter = 0;
async function build(
  requirements: string,
  wheelCacheDir?: string,
  from: { indexUrl: string; keepStaging?: boolean } = { indexUrl: index.indexUrl },
) {
  const dir = join(work, `b${counter++}`);
  const file = join(work, `requirements-${counter}.txt`);
  await writeFile(file, requirements);
  const log = memoryLogger();
  const result = await buildLayer(
    {
      requirementsFile: file,
      target: resolveTarget('python3.11', 'x86_64'),
      outDir: dir,
      indexUrl: from.indexUrl,
      extraIndexUrls: [],
      findLinks: [],
      bytecode: true,
      sdist: 'never',
      importProof: false,
    },
    log,
    {
      env: isolatedPipEnv(),
      keepStaging: from.keepStaging ?? false,
      ...(wheelCacheDir ? { wheelCacheDir } : {}),
    },
  );
  return Object.assign(result.manifest, {
    log: log.lines.join('\n'),
    lines: log.lines,
    stagingDir: result.stagingDir,
    layerDir: result.layerDir,
  });
}

describe('per-wheel bytecode cache', () => {
  it('a one-pin rebuild compiles only the changed wheel; a damaged entry is rebuilt', async (context) => {
    if (!hasPython311) context.skip();
    const cache = join(work, 'cache');
    const first = await build('alpha==1.0\nbeta\n', cache);
    expect(first.bytecode.fromCache).toBe(0);
    expect(await readdir(join(cache, 'bytecode'))).toHaveLength(2);

    const rebuilt = await build('alpha==2.0\nbeta\n', cache);
    const cold = await build('alpha==2.0\nbeta\n');
    // beta's 5 modules (and its __init__) came from the cache; alpha 2.0's were compiled.
    expect(rebuilt.bytecode.fromCache).toBe(6);
    expect(rebuilt.bytecode.compiled).toBe(cold.bytecode.compiled);
    expect(rebuilt.bytecode.failed).toEqual(['python/beta/py2.py']);
    expect(rebuilt.layer.sha256).toBe(cold.layer.sha256);
    expect(cold.bytecode.fromCache).toBeUndefined();

    // Damage one cached pyc of beta's entry (bytes inside its bundle): it must not reach the layer.
    const entries = await readdir(join(cache, 'bytecode'));
    let damaged = '';
    let original = Buffer.alloc(0);
    for (const key of entries) {
      const indexJson = JSON.parse(await readFile(join(cache, 'bytecode', key, 'index.json'), 'utf8'));
      const pyc = Object.keys(indexJson.pycs).find((p) => p.startsWith('beta/'));
      if (pyc) {
        damaged = join(cache, 'bytecode', key, 'pycs.bin');
        original = await readFile(damaged);
        const [offset] = indexJson.pycs[pyc] as [number, number, string];
        const bytes = Buffer.from(original);
        bytes.write('not a pyc', offset + 16); // past the header: the code object
        await writeFile(damaged, bytes);
      }
    }
    expect(damaged).not.toBe('');
    const afterDamage = await build('alpha==2.0\nbeta\n', cache);
    expect(afterDamage.bytecode.fromCache).toBe(4 + 1); // alpha 2.0 only: beta compiled again
    expect(afterDamage.layer.sha256).toBe(cold.layer.sha256);
    // Stored again, whole.
    expect((await readFile(damaged)).equals(original)).toBe(true);
    const again = await build('alpha==2.0\nbeta\n', cache);
    expect(again.bytecode.fromCache).toBe(11);
    expect(again.layer.sha256).toBe(cold.layer.sha256);
  }, 300_000);
});

describe('bytecode compiled while the wheels unpack', () => {
  it('starts during the install, keeps its own pycs and drops the ones the wheel shipped', async (context) => {
    if (!hasPython311) context.skip();
    const result = await build('gamma\n', undefined, {
      indexUrl: shippedPycIndex.indexUrl,
      keepStaging: true,
    });
    const log = { lines: result.lines };
    const python = join(result.layerDir as string, 'python');
    try {
      // The pool was started inside the install stage, before the bytecode stage's header.
      const poolLine = log.lines.findIndex(
        (line) => line.includes('compile_pycs.py') && line.includes('processes'),
      );
      const bytecodeStage = log.lines.indexOf('group: Compile bytecode for the target Python');
      expect(poolLine).toBeGreaterThan(log.lines.indexOf('group: Install requirements'));
      expect(poolLine).toBeLessThan(bytecodeStage);
      expect(result.bytecode).toMatchObject({ compiled: 2, mode: 'unchecked-hash' });
      // The wheel's own pycs: one for another Python (removed), one for 3.11 with junk in it
      // (replaced by ours), and a sourceless module (kept, it is the only copy of its code).
      const cache = await readdir(join(python, 'gamma', '__pycache__'));
      expect(cache.sort()).toEqual(['__init__.cpython-311.pyc', 'core.cpython-311.pyc']);
      const ours = await readFile(join(python, 'gamma', '__pycache__', 'core.cpython-311.pyc'));
      expect(ours.subarray(4, 8).readUInt32LE(0)).toBe(1); // PEP 552 flags: hash-based, unchecked
      expect(await readFile(join(python, 'gamma', 'sourceless.pyc'), 'utf8')).toBe('kept as shipped');
      expect(result.bytecode.removed).toBe(1);
    } finally {
      await rm(result.stagingDir as string, { recursive: true, force: true });
      await rm(dirname(python), { recursive: true, force: true });
    }
  }, 300_000);
});

let shippedPycIndex: PackageIndex;
beforeAll(async () => {
  shippedPycIndex = await createPackageIndex({
    wheels: [
      {
        name: 'gamma',
        version: '1.0',
        files: {
          'gamma/__init__.py': 'from .core import VALUE\n',
          'gamma/core.py': 'VALUE = {"a", "b"}\n',
          'gamma/__pycache__/core.cpython-311.pyc': 'not bytecode: replaced',
          'gamma/__pycache__/core.cpython-39.pyc': 'bytecode for another Python: removed',
          'gamma/sourceless.pyc': 'kept as shipped',
        },
      },
    ],
  });
}, 120_000);
afterAll(async () => {
  await shippedPycIndex?.cleanup();
});

describe('deflated pycs in the per-wheel bytecode cache', () => {
  it("a rebuild copies the unchanged wheels' deflated pycs; damaged bytes are caught and stored again", async (context) => {
    if (!hasPython311) context.skip();
    const cache = join(work, 'deflated-cache');
    const cold = await build('alpha==2.0\nbeta\n');
    const first = await build('alpha==1.0\nbeta\n', cache);
    expect(first.log).toContain('Deflated bytes of 0 pycs copied from the per-wheel cache');

    const rebuilt = await build('alpha==2.0\nbeta\n', cache);
    // beta's 6 pycs (py2.py has none); alpha 2.0 is new.
    expect(rebuilt.log).toContain('Deflated bytes of 6 pycs copied from the per-wheel cache');
    expect(rebuilt.layer.sha256).toBe(cold.layer.sha256);

    // Flip bytes inside one entry's deflated data: caught by its sha256, not copied into the zip.
    let damaged = '';
    for (const key of await readdir(join(cache, 'bytecode'))) {
      const bin = join(cache, 'bytecode', key, 'deflated', 'bytes.bin');
      const bytes = await readFile(bin).catch(() => undefined);
      const index = JSON.parse(await readFile(join(cache, 'bytecode', key, 'index.json'), 'utf8'));
      if (bytes && Object.keys(index.pycs).some((p) => p.startsWith('beta/'))) {
        bytes[5] = (bytes[5] ?? 0) ^ 0xff;
        await writeFile(bin, bytes);
        damaged = bin;
      }
    }
    expect(damaged).not.toBe('');
    const afterDamage = await build('alpha==2.0\nbeta\n', cache);
    expect(afterDamage.log).toContain('Deflated bytes of 5 pycs copied from the per-wheel cache');
    expect(afterDamage.layer.sha256).toBe(cold.layer.sha256);
    const again = await build('alpha==2.0\nbeta\n', cache);
    expect(again.log).toContain('Deflated bytes of 11 pycs copied from the per-wheel cache');
    expect(again.layer.sha256).toBe(cold.layer.sha256);
  }, 300_000);
});

describe('per-wheel caches on another file system than the staging tree', () => {
  // The tree is staged in /dev/shm (a tmpfs) where it can be, the cache sits on the disk.
  it.skipIf(process.platform !== 'linux' || !existsSync('/dev/shm'))(
    'a cache on the disk serves a tree in RAM, with the same zip',
    async (context) => {
      if (!hasPython311) context.skip();
      const cache = await mkdtemp(join(tmpdir(), 'lambda-layer-test-cache-'));
      try {
        const cold = await build('alpha==2.0\nbeta\n');
        await build('alpha==1.0\nbeta\n', cache);
        const rebuilt = await build('alpha==2.0\nbeta\n', cache);
        const staged = rebuilt.lines.find((line) => line.includes('Staging the layer tree in')) ?? '';
        if (!staged.includes('/dev/shm/')) {
          context.skip(`the tree was not staged in RAM here: ${staged}`);
        }
        expect(rebuilt.bytecode.fromCache).toBe(6);
        expect(rebuilt.layer.sha256).toBe(cold.layer.sha256);
      } finally {
        await rm(cache, { recursive: true, force: true });
      }
    },
    300_000,
  );
});
