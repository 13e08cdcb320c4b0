/**
 * Bytecode for the target interpreter, proven by importing from a read-only copy.
 *
 * The proof that Lambda would use the shipped pycs and compile nothing: in the copy, every .py
 * file is overwritten with text that is not Python. The import system still finds modules by
 * their .py (the finder needs the source file to exist), but for an unchecked hash-based pyc it
 * never reads it (importlib's SourceLoader.get_code skips the source when the pyc's
 * check_source flag is clear). So the import succeeds only if every module imported came from
 * its pyc; had Python compiled anything, it would have compiled the garbage and raised
 * SyntaxError. The control case (the same copy without bytecode) fails exactly that way, so the
 * test can fail. PYTHONDONTWRITEBYTECODE=1 and a before/after listing show nothing is written.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { compileBytecode, removeBytecode } from '../../src/layer/bytecode.js';
import { memoryLogger } from '../../src/log.js';
import { findInterpreter } from '../../src/resolve/interpreters.js';
import { resolveTarget } from '../../src/target.js';
import { pipInstallForTarget } from '../resolve/pip-target.js';
import { machineMirror, NO_MIRROR_MESSAGE } from '../support/mirror.js';

const py311 = resolveTarget('python3.11', 'x86_64');

let work: string;
let python311: { path: string; version: string } | undefined;
beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'bytecode-test-'));
  python311 = await findInterpreter('3.11');
  if (!python311)
    throw new Error('these tests need a Python 3.11 interpreter on PATH, in the tool cache or pyenv');
});
afterAll(() => {
  // The read-only copies need write permission back before they can be removed.
  execFileSync('chmod', ['-R', 'u+w', work]);
  rmSync(work, { recursive: true, force: true });
});

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

function write(root: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    const full = join(root, path);
    mkdirSync(join(full, '..'), { recursive: true });
    writeFileSync(full, text);
  }
}

/**
 * Copies a layer's python/ to a fresh directory, replaces every .py with non-Python text and
 * makes the copy read-only. Returns the copy's python/ path.
 */
function readOnlyCopyWithGarbageSources(pythonDir: string, name: string): string {
  const copy = join(work, name, 'python');
  cpSync(pythonDir, copy, { recursive: true });
  for (const file of walk(copy)) {
    if (file.endsWith('.py'))
      writeFileSync(join(copy, file), 'this is not Python, so compiling it would fail (\n');
  }
  execFileSync('chmod', ['-R', 'a-w', join(work, name)]);
  return copy;
}

/** Runs `code` with only `pythonDir` importable: no site-packages, no user site, no PYTHON* env. */
function runIsolated(pythonDir: string, code: string, args: string[] = []) {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    PYTHONPATH: pythonDir,
    PYTHONDONTWRITEBYTECODE: '1',
  };
  return spawnSync(python311?.path ?? 'python3.11', ['-S', '-s', '-c', code, ...args], {
    env,
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('compileBytecode on a small tree', () => {
  it('removes foreign and stale bytecode, keeps sourceless modules, compiles hash-based pycs for /opt/python', async () => {
    const python = join(work, 'small', 'python');
    write(python, {
      'pkg/__init__.py': 'VALUE = "from source"\n',
      'pkg/mod.py': 'def where():\n    raise RuntimeError("here")\n',
      'pkg/__pycache__/mod.cpython-39.pyc': 'stale 3.9 bytecode',
      'pkg/__pycache__/mod.cpython-311.pyc': 'timestamp bytecode pip wrote',
      'pkg/mod.pyc': 'legacy pyc beside its source',
      'sourceless.pyc': 'the only copy of a sourceless module',
      'legacy/py2.py': 'print "python 2 only"\n',
    });
    const log = memoryLogger();
    const report = await compileBytecode(python, py311, {}, log);
    expect(report).toMatchObject({
      compiled: 2,
      mode: 'unchecked-hash',
      removed: 3,
      failed: ['python/legacy/py2.py'],
      interpreter: { path: python311?.path, version: python311?.version },
    });
    expect(walk(python)).toEqual([
      'legacy/py2.py',
      'pkg/__init__.py',
      'pkg/__pycache__/__init__.cpython-311.pyc',
      'pkg/__pycache__/mod.cpython-311.pyc',
      'pkg/mod.py',
      'sourceless.pyc',
    ]);
    expect(
      log.lines.some(
        (l) =>
          l.startsWith('warn: 1 file(s) are not valid Python 3.11') && l.includes('python/legacy/py2.py'),
      ),
    ).toBe(true);

    // PEP 552 header: magic, then flags = 0b01 (hash-based, check_source clear = unchecked).
    const pyc = readFileSync(join(python, 'pkg/__pycache__/mod.cpython-311.pyc'));
    expect(pyc.readUInt32LE(4)).toBe(1);

    // The code objects stored in the pyc name the file where Lambda mounts it, not the build
    // directory (importlib re-points co_filename at the real source path when it loads a pyc,
    // which on Lambda is that same /opt/python path).
    const stored = runIsolated(
      python,
      'import marshal, sys\nprint(marshal.loads(open(sys.argv[1], "rb").read()[16:]).co_filename)',
      [join(python, 'pkg/__pycache__/mod.cpython-311.pyc')],
    );
    expect(stored.stdout.trim()).toBe('/opt/python/pkg/mod.py');

    const copy = readOnlyCopyWithGarbageSources(python, 'small-copy');
    const run = runIsolated(
      copy,
      'import pkg, pkg.mod\nprint(pkg.VALUE)\ntry:\n    pkg.mod.where()\nexcept RuntimeError as e:\n    print(e.__traceback__.tb_next.tb_frame.f_code.co_filename)',
    );
    expect(run.stderr).toBe('');
    expect(run.stdout.split('\n').slice(0, 2)).toEqual(['from source', join(copy, 'pkg/mod.py')]);
  });

  it("leaves a package's test suite as source, still importable; a top-level tests package is compiled", async () => {
    const python = join(work, 'suites', 'python');
    write(python, {
      'pkg/__init__.py': '',
      'pkg/tests/__init__.py': '',
      'pkg/tests/test_core.py': 'OK = True\n',
      'pkg/sub/test/helpers.py': 'H = 1\n',
      'pkg/tests/__pycache__/test_core.cpython-311.pyc': 'timestamp bytecode pip wrote',
      'pkg/testing.py': 'T = 1\n',
      'tests/__init__.py': 'TOP = 1\n',
    });
    const log = memoryLogger();
    const report = await compileBytecode(python, py311, {}, log);
    expect(report).toMatchObject({ compiled: 3, testModules: 3, removed: 1 });
    expect(walk(python).filter((f) => f.endsWith('.pyc'))).toEqual([
      'pkg/__pycache__/__init__.cpython-311.pyc',
      'pkg/__pycache__/testing.cpython-311.pyc',
      'tests/__pycache__/__init__.cpython-311.pyc',
    ]);
    expect(log.lines).toContain(
      "info: 3 modules of packages' tests/ folders ship as source only (no bytecode)",
    );
    // Imported anyway, they compile in memory (nothing is written to the read-only tree).
    execFileSync('chmod', ['-R', 'a-w', python]);
    const run = runIsolated(python, 'import pkg.tests.test_core as t\nprint(t.OK)');
    expect(run.stdout.trim()).toBe('True');
    expect(existsSync(join(python, 'pkg/tests/__pycache__'))).toBe(false);
  });

  it('control: the same read-only copy without bytecode compiles the garbage and fails', async () => {
    const python = join(work, 'control', 'python');
    write(python, { 'pkg/__init__.py': 'VALUE = 1\n' });
    const copy = readOnlyCopyWithGarbageSources(python, 'control-copy');
    const run = runIsolated(copy, 'import pkg');
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('SyntaxError');
  });

  it('ships no bytecode, and says why, when no interpreter of the target version exists', async () => {
    const python = join(work, 'none', 'python');
    write(python, { 'm.py': 'x = 1\n', '__pycache__/m.cpython-311.pyc': 'old' });
    const log = memoryLogger();
    // An empty PATH and no pyenv/tool cache: nothing to find.
    const report = await compileBytecode(python, py311, { env: { PATH: join(work, 'empty-path') } }, log);
    expect(report).toMatchObject({ compiled: 0, mode: 'none', removed: 1 });
    expect(report.reason).toContain('no Python 3.11 interpreter found');
    expect(report.interpreter).toBeUndefined();
    expect(walk(python)).toEqual(['m.py']);
    expect(log.lines.some((l) => l.startsWith('warn: no Python 3.11 interpreter found'))).toBe(true);
  });

  it('rejects an explicit interpreter of another version, naming the input', async () => {
    const other = await findInterpreter('3.12');
    if (!other) {
      console.warn('no Python 3.12 here: explicit-interpreter mismatch test skipped');
      return;
    }
    const python = join(work, 'explicit', 'python');
    write(python, { 'm.py': 'x = 1\n' });
    await expect(compileBytecode(python, py311, { interpreter: other.path }, memoryLogger())).rejects.toThrow(
      InputError,
    );
    await expect(compileBytecode(python, py311, { interpreter: other.path }, memoryLogger())).rejects.toThrow(
      /bytecode-python/,
    );
  });

  it('removeBytecode alone (for --no-bytecode) clears what pip compiled', async () => {
    const python = join(work, 'remove', 'python');
    write(python, {
      'a.py': '',
      '__pycache__/a.cpython-311.pyc': '',
      'b/__pycache__/c.cpython-312.opt-1.pyc': '',
    });
    expect(await removeBytecode(python)).toBe(2);
    expect(walk(python)).toEqual(['a.py']);
    expect(existsSync(join(python, '__pycache__'))).toBe(false);
  });
});

describe('compileBytecode on real packages from the mirror', () => {
  const mirror = machineMirror();
  if (!mirror) console.warn(NO_MIRROR_MESSAGE);

  it.skipIf(!mirror)(
    'flask imports from a read-only copy using only the shipped pycs; pycs are reproducible',
    async () => {
      const first = join(work, 'flask-a', 'python');
      pipInstallForTarget(first, ['flask'], py311);
      const second = join(work, 'elsewhere', 'deeper', 'flask-b', 'python');
      cpSync(first, second, { recursive: true });

      const started = Date.now();
      const report = await compileBytecode(first, py311, {}, memoryLogger());
      const elapsed = Date.now() - started;
      const sources = walk(first).filter((f) => f.endsWith('.py'));
      expect(report.mode).toBe('unchecked-hash');
      expect(report.compiled).toBe(sources.length);
      expect(report.failed).toBeUndefined();
      console.log(
        `bytecode: compiled ${report.compiled} flask modules in ${elapsed} ms with ${report.interpreter?.path}`,
      );

      // Byte-identical pycs from another build directory.
      await compileBytecode(second, py311, {}, memoryLogger());
      const digest = (root: string) =>
        walk(root)
          .filter((f) => f.endsWith('.pyc'))
          .map(
            (f) =>
              `${f} ${createHash('sha256')
                .update(readFileSync(join(root, f)))
                .digest('hex')}`,
          );
      expect(digest(second)).toEqual(digest(first));
      expect(digest(first).length).toBe(sources.length);

      const copy = readOnlyCopyWithGarbageSources(first, 'flask-copy');
      chmodSync(copy, 0o555);
      const before = walk(copy);
      const run = runIsolated(
        copy,
        [
          'import sys, flask, jinja2, werkzeug, markupsafe, click, itsdangerous',
          'app = flask.Flask("probe")',
          '@app.get("/")',
          'def index(): return {"ok": True}',
          'print(app.test_client().get("/").json["ok"])',
          'print(flask.__file__, sys.flags.dont_write_bytecode)',
          'print(flask.__spec__.cached)',
          'import marshal',
          'print(marshal.loads(open(flask.app.__spec__.cached, "rb").read()[16:]).co_filename)',
        ].join('\n'),
      );
      expect(run.stderr).toBe('');
      const [ok, fileAndFlag, cached, filename] = run.stdout.trim().split('\n');
      expect(ok).toBe('True');
      // The layer's flask (not the machine's), with bytecode writing off.
      expect(fileAndFlag).toBe(`${join(copy, 'flask/__init__.py')} 1`);
      expect(cached).toBe(join(copy, 'flask/__pycache__/__init__.cpython-311.pyc'));
      expect(filename).toBe('/opt/python/flask/app.py');
      expect(walk(copy)).toEqual(before);
    },
  );
});
