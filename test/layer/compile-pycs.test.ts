/**
 * compile_pycs.py (what compileBytecode runs, one process per core) against compileall, the
 * tool it replaces: on the same tree, with the same flags compileBytecode used to pass
 * compileall, every pyc must be the same bytes and the same sources must fail.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileBytecode } from '../../src/layer/bytecode.js';
import { startCompilePool } from '../../src/layer/compile-pool.js';
import { memoryLogger } from '../../src/log.js';
import { findInterpreter } from '../../src/resolve/interpreters.js';
import { resolveTarget } from '../../src/target.js';

let work: string;
let python311: string;
beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'compile-pycs-test-'));
  const found = await findInterpreter('3.11');
  if (!found) throw new Error('this test needs a Python 3.11 interpreter');
  python311 = found.path;
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

function pycs(root: string): Map<string, Buffer> {
  return new Map(
    readdirSync(root, { withFileTypes: true, recursive: true })
      .filter((e) => e.isFile() && e.name.endsWith('.pyc'))
      .map((e) => {
        const full = join(e.parentPath, e.name);
        return [relative(root, full), readFileSync(full)] as const;
      }),
  );
}

// Enough sources that compileBytecode starts more than one process on a multi-core machine.
const many = Object.fromEntries(
  Array.from({ length: 120 }, (_, i) => [
    `pkg/gen/m${i}.py`,
    `VALUES = {${Array.from({ length: i % 17 }, (_, j) => `"k${j}"`).join(', ')}}\ndef f(x):\n    return x in VALUES or x in {"a", "b", "c"}\n`,
  ]),
);

const TREE: Record<string, string | Buffer> = {
  ...many,
  'pkg/__init__.py': 'from .gen import m1\n',
  'pkg/gen/__init__.py': '',
  // A frozenset constant: its marshalled order depends on string hashing (PYTHONHASHSEED).
  'pkg/sets.py': 'def kind(x):\n    return x in {"alpha", "beta", "gamma", "delta"}\n',
  // Not UTF-8: the coding cookie decides how the source is read.
  'pkg/latin.py': Buffer.concat([
    Buffer.from('# -*- coding: latin-1 -*-\nNAME = "'),
    Buffer.from([0xe9]),
    Buffer.from('"\n'),
  ]),
  'pkg/py2.py': 'print "not Python 3"\n',
  'pkg/nul.py': 'x = 1\0\n',
  'top.py': 'import pkg\n',
  // compileall skips __pycache__ folders: so must we.
  'pkg/__pycache__/stray.py': 'x = 1\n',
};

function makeTree(root: string): void {
  for (const [path, text] of Object.entries(TREE)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

describe('compile_pycs.py', () => {
  it('writes the pycs compileall writes, byte for byte, and fails the same sources', async () => {
    const viaCompileall = join(work, 'compileall', 'python');
    makeTree(viaCompileall);
    const ours = join(work, 'ours', 'python');
    cpSync(viaCompileall, ours, { recursive: true });

    const env = { ...process.env, PYTHONHASHSEED: '0' };
    const run = spawnSync(
      python311,
      [
        '-s',
        '-m',
        'compileall',
        '-q',
        '-f',
        '-j',
        '0',
        '--invalidation-mode',
        'unchecked-hash',
        '-d',
        '/opt/python',
        viaCompileall,
      ],
      { env, encoding: 'utf8' },
    );
    expect(run.status).toBe(1); // py2.py and nul.py do not compile

    const log = memoryLogger();
    const report = await compileBytecode(
      ours,
      resolveTarget('python3.11', 'x86_64'),
      { interpreter: python311 },
      log,
    );
    expect([...(report.failed ?? [])].sort()).toEqual(['python/pkg/nul.py', 'python/pkg/py2.py']);
    // Python's own reasons reach the debug log.
    expect(log.lines.join('\n')).toMatch(/pkg\/py2\.py: .*SyntaxError/);

    const expected = pycs(viaCompileall);
    const got = pycs(ours);
    expect([...got.keys()].sort()).toEqual([...expected.keys()].sort());
    expect(expected.size).toBe(Object.keys(TREE).length - 3);
    for (const [path, bytes] of expected) expect(got.get(path)?.equals(bytes), path).toBe(true);
  });
});

describe('startCompilePool', () => {
  it('compiles sources handed over in batches while it runs, and reports each failure once', async () => {
    const root = join(work, 'pool', 'python');
    makeTree(root);
    const log = memoryLogger();
    const pool = startCompilePool(python311, root, process.env, log, 2);
    pool.add([
      { relative: 'pkg/sets.py', bytes: 60 },
      { relative: 'pkg/py2.py', bytes: 20 },
    ]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    pool.add([
      { relative: 'top.py', bytes: 10 },
      { relative: 'pkg/nul.py', bytes: 7 },
    ]);
    const failed = await pool.finish();
    expect(failed.map((f) => f.path).sort()).toEqual(['pkg/nul.py', 'pkg/py2.py']);
    expect(failed.find((f) => f.path === 'pkg/py2.py')?.error).toMatch(/^SyntaxError: /);
    expect(pycs(root).has(join('pkg', '__pycache__', 'sets.cpython-311.pyc'))).toBe(true);
    expect(pycs(root).has(join('__pycache__', 'top.cpython-311.pyc'))).toBe(true);
    expect(() => pool.add([{ relative: 'top.py', bytes: 1 }])).toThrow(/after finish/);
  });

  it('a pool given nothing finishes with nothing', async () => {
    const pool = startCompilePool(python311, join(work, 'empty'), process.env, memoryLogger());
    expect(await pool.finish()).toEqual([]);
  });
});
