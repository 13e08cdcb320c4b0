/**
 * The pyc validity count of the import benchmark, on a tree with one source per case (timestamp,
 * unchecked-hash and checked-hash pycs, fresh and stale, a wrong magic, no pyc), checked against
 * what CPython 3.11 really does: the sources it compiles instead of loading their pyc.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runChecked } from '../../bench/process.js';
import { formatPycValidity, pycValidity } from '../../bench/pyc-validity.js';
import { findInterpreter } from '../../src/resolve/interpreters.js';

// Compiles each case of the tree at argv[1] (the layer root) the way its name says.
const SETUP = `
import importlib.util, os, py_compile, sys
pkg = os.path.join(sys.argv[1], "python", "pkg")
mode = py_compile.PycInvalidationMode
def compile(name, how):
    src = os.path.join(pkg, name + ".py")
    py_compile.compile(src, invalidation_mode=how, doraise=True)
    return src, importlib.util.cache_from_source(src)
compile("__init__", mode.TIMESTAMP)
compile("fresh_timestamp", mode.TIMESTAMP)
src, _ = compile("touched_timestamp", mode.TIMESTAMP)
st = os.stat(src)
os.utime(src, (st.st_atime, st.st_mtime + 1))  # what a 2-second DOS time does to half the files
src, _ = compile("edited_unchecked", mode.UNCHECKED_HASH)
with open(src, "a") as f: f.write("EDITED = True\\n")
src, _ = compile("edited_checked", mode.CHECKED_HASH)
with open(src, "a") as f: f.write("EDITED = True\\n")
compile("fresh_checked", mode.CHECKED_HASH)
_, pyc = compile("wrong_magic", mode.TIMESTAMP)
with open(pyc, "r+b") as f: f.write(b"\\0\\0\\0\\0")
`;

// Imports every module of pkg and prints the ones CPython compiled from source instead.
const PROBE = `
import importlib, importlib.machinery, os, sys
compiled = []
original = importlib.machinery.SourceFileLoader.source_to_code
def source_to_code(self, data, path, **kwargs):
    compiled.append(os.path.basename(path)[:-3])
    return original(self, data, path, **kwargs)
importlib.machinery.SourceFileLoader.source_to_code = source_to_code
sys.path.insert(0, sys.argv[1])
for name in sys.argv[2:]:
    importlib.import_module("pkg." + name)
print(" ".join(sorted(compiled)))
`;

const CASES = [
  'fresh_timestamp',
  'touched_timestamp',
  'edited_unchecked',
  'edited_checked',
  'fresh_checked',
  'wrong_magic',
  'no_pyc',
];

let python: string;
let scratch: string;

beforeAll(async () => {
  const found = await findInterpreter('3.11');
  if (!found) throw new Error('these tests need a Python 3.11 interpreter');
  python = found.path;
  scratch = await mkdtemp(join(tmpdir(), 'pyc-validity-'));
  const pkg = join(scratch, 'python', 'pkg');
  await mkdir(pkg, { recursive: true });
  await writeFile(join(pkg, '__init__.py'), '');
  for (const name of CASES) await writeFile(join(pkg, `${name}.py`), `NAME = ${JSON.stringify(name)}\n`);
  await writeFile(join(pkg, 'data.txt'), 'not a source\n');
  await runChecked(python, ['-I', '-S', '-c', SETUP, scratch], { timeoutMs: 60_000 });
});
afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('pycValidity', () => {
  it('counts valid, stale and missing pycs as CPython 3.11 judges them', async () => {
    const counts = await pycValidity(python, scratch);
    expect(counts).toEqual({
      sources: 8,
      valid: 4, // __init__, fresh_timestamp, edited_unchecked (never checked), fresh_checked
      stale: 3, // touched_timestamp, edited_checked, wrong_magic
      missing: 1, // no_pyc
      kinds: { timestamp: 3, checkedHash: 2, uncheckedHash: 1 }, // wrong_magic in none
    });
    expect(formatPycValidity(counts)).toBe('4 / 8 (3 stale, 1 missing)');

    const probe = await runChecked(
      python,
      ['-I', '-S', '-B', '-c', PROBE, join(scratch, 'python'), ...CASES],
      {
        timeoutMs: 60_000,
      },
    );
    expect(probe.stdout.trim().split(' ')).toEqual([
      'edited_checked',
      'no_pyc',
      'touched_timestamp',
      'wrong_magic',
    ]);
  });

  it('formats a tree whose pycs are all valid', () => {
    const all = { sources: 131, valid: 131, stale: 0, missing: 0 };
    expect(formatPycValidity({ ...all, kinds: { timestamp: 131, checkedHash: 0, uncheckedHash: 0 } })).toBe(
      '131 / 131',
    );
  });
});
