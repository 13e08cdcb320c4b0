/** Slimming on a generated python/ tree: what goes, what stays, what the report says. */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { globMatcher, hasBuildMachineShebang, slimTree } from '../../src/layer/slim.js';
import { memoryLogger } from '../../src/log.js';

const work = mkdtempSync(join(tmpdir(), 'slim-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function tree(name: string, files: Record<string, string>): string {
  const root = join(work, name, 'python');
  for (const [path, text] of Object.entries(files)) {
    const full = join(root, path);
    mkdirSync(join(full, '..'), { recursive: true });
    writeFileSync(full, text);
  }
  return root;
}

const list = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true, recursive: true })
    .map((e) => `${relative(dir, join(e.parentPath, e.name))}${e.isDirectory() ? '/' : ''}`)
    .sort();

const layerFiles = {
  'numpy/__init__.py': 'x',
  'numpy/tests/test_a.py': '12345',
  'numpy/tests/data/blob.bin': '1234567890',
  'numpy/core/__init__.py': '',
  'numpy/core/tests/test_b.py': '123',
  'numpy/__init__.pyi': 'stub',
  'numpy/py.typed': '',
  'numpy/testing/__init__.py': 'kept: a runtime module, not a tests directory',
  'numpy-2.2.6.dist-info/RECORD': 'numpy/tests/test_a.py,...',
  'numpy-2.2.6.dist-info/tests/odd.txt': 'inside dist-info: never touched',
  'tests/__init__.py': 'a top-level package named tests: importable, kept',
  'werkzeug/debug/shared/console.png': 'png',
  'bin/flask': '#!/root/.pyenv/versions/3.11.7/bin/python3.11\nimport sys\n',
  'bin/long': "#!/bin/sh\n'''exec' \"/very/long/path/bin/python3.11\" \"$0\" \"$@\"\n' '''\n",
  'bin/portable': '#!/usr/bin/env python3\n',
  'bin/helper.sh': '#!/bin/sh\necho hi\n',
};

describe('slimTree', () => {
  it('removes tests dirs inside packages, stubs, build-machine scripts; leaves dist-info and top-level tests', async () => {
    const python = tree('default', layerFiles);
    const log = memoryLogger();
    const report = await slimTree(python, { exclude: [], keep: [] }, log);
    expect(report.removedFiles).toEqual([
      'python/bin/flask',
      'python/bin/long',
      'python/numpy/__init__.pyi',
      'python/numpy/core/tests/',
      'python/numpy/tests/',
    ]);
    expect(report.removedFileCount).toBe(6);
    expect(report.bytesSaved).toBe(
      5 + 10 + 3 + 4 + layerFiles['bin/flask'].length + layerFiles['bin/long'].length,
    );
    expect(list(python)).toEqual([
      'bin/',
      'bin/helper.sh',
      'bin/portable',
      'numpy-2.2.6.dist-info/',
      'numpy-2.2.6.dist-info/RECORD',
      'numpy-2.2.6.dist-info/tests/',
      'numpy-2.2.6.dist-info/tests/odd.txt',
      'numpy/',
      'numpy/__init__.py',
      'numpy/core/',
      'numpy/core/__init__.py',
      'numpy/py.typed',
      'numpy/testing/',
      'numpy/testing/__init__.py',
      'tests/',
      'tests/__init__.py',
      'werkzeug/',
      'werkzeug/debug/',
      'werkzeug/debug/shared/',
      'werkzeug/debug/shared/console.png',
    ]);
    expect(log.lines.at(-1)).toMatch(/^info: Slim: removed 6 files \(/);
  });

  it('user exclude patterns remove more; keep patterns win over every rule', async () => {
    const python = tree('patterns', layerFiles);
    const report = await slimTree(
      python,
      {
        exclude: ['*.png', 'python/numpy/testing/', 'numpy-*.dist-info/RECORD'],
        keep: ['numpy/tests/data/**', 'bin/flask'],
      },
      memoryLogger(),
    );
    expect(report.removedFiles).toEqual([
      'python/bin/long',
      'python/numpy/__init__.pyi',
      'python/numpy/core/tests/',
      'python/numpy/testing/',
      'python/numpy/tests/test_a.py',
      'python/werkzeug/',
    ]);
    const left = list(python);
    expect(left).toContain('numpy/tests/data/blob.bin');
    expect(left).toContain('bin/flask');
    expect(left).toContain('numpy-2.2.6.dist-info/RECORD'); // dist-info is never touched
    expect(left.some((p) => p.startsWith('werkzeug'))).toBe(false); // emptied directories go too
  });

  it('never removes a file a kept module imports, nor what that file imports in turn', async () => {
    // numpy 2.2's shape: numpy.testing imports numpy._core.tests._natype, which scipy.linalg
    // reaches on import; the rest of the tests folder is dead weight.
    const python = tree('imports', {
      'numpy/__init__.py': 'from . import _core\n',
      'numpy/_core/__init__.py': '',
      'numpy/testing/__init__.py': 'from ._private.utils import *\n',
      'numpy/testing/_private/__init__.py': '',
      'numpy/testing/_private/utils.py': 'import os\nfrom numpy._core.tests._natype import pd_NA\n',
      'numpy/_core/tests/_natype.py': 'from ._helpers import NA_BASE\npd_NA = 1\n',
      'numpy/_core/tests/_helpers.py': 'NA_BASE = 0\n',
      'numpy/_core/tests/test_dtype.py': 'import pytest\nfrom numpy._core.tests._natype import pd_NA\n',
      'numpy/_core/tests/data/umath.csv': '1,2',
      'lib/tests/__init__.py': '',
      'lib/tests/fixture.cpython-311-x86_64-linux-gnu.so': 'ELF',
      'lib/tests/unused.py': '',
      'lib/__init__.py': 'import importlib\nimportlib.import_module("lib.tests.fixture")\n',
      'lib/api.pyi': 'def f() -> int: ...\n',
    });
    const log = memoryLogger();
    const report = await slimTree(python, { exclude: ['lib/tests/unused.py'], keep: [] }, log);
    expect(report.keptForImports).toEqual([
      { file: 'python/lib/tests/__init__.py', importedBy: 'python/lib/__init__.py' },
      {
        file: 'python/lib/tests/fixture.cpython-311-x86_64-linux-gnu.so',
        importedBy: 'python/lib/__init__.py',
      },
      { file: 'python/numpy/_core/tests/_helpers.py', importedBy: 'python/numpy/_core/tests/_natype.py' },
      { file: 'python/numpy/_core/tests/_natype.py', importedBy: 'python/numpy/testing/_private/utils.py' },
    ]);
    expect(report.removedFiles).toEqual([
      'python/lib/api.pyi',
      'python/lib/tests/unused.py',
      'python/numpy/_core/tests/data/',
      'python/numpy/_core/tests/test_dtype.py',
    ]);
    expect(log.lines).toContainEqual(
      expect.stringMatching(
        /^info: Slim: kept 4 file\(s\) that kept modules import: .*python\/numpy\/_core\/tests\/_natype\.py \(imported by python\/numpy\/testing\/_private\/utils\.py\)/,
      ),
    );
  });
});

describe('globMatcher', () => {
  it('matches names anywhere without "/", paths from python/ with it, directories with a trailing "/"', () => {
    expect(globMatcher('*.png')('a/b/c.png', false)).toBe(true);
    expect(globMatcher('*.png')('a/b/c.pngx', false)).toBe(false);
    expect(globMatcher('numpy/*.so')('numpy/x.so', false)).toBe(true);
    expect(globMatcher('numpy/*.so')('numpy/sub/x.so', false)).toBe(false);
    expect(globMatcher('numpy/**/*.so')('numpy/sub/deep/x.so', false)).toBe(true);
    expect(globMatcher('numpy/**/*.so')('numpy/x.so', false)).toBe(true);
    expect(globMatcher('python/boto*/')('botocore', true)).toBe(true);
    expect(globMatcher('python/boto*/')('botocore', false)).toBe(false);
    expect(globMatcher('file?.[ch]')('src/file1.c', false)).toBe(true);
    expect(globMatcher('a+b(c).txt')('a+b(c).txt', false)).toBe(true);
  });
});

describe('hasBuildMachineShebang', () => {
  it('knows pip-written absolute interpreters from portable ones', () => {
    expect(hasBuildMachineShebang('#!/opt/hostedtoolcache/Python/3.11.9/x64/bin/python3.11\n')).toBe(true);
    expect(hasBuildMachineShebang('#!/bin/sh\n\'\'\'exec\' "/x/python" "$0"\n')).toBe(true);
    expect(hasBuildMachineShebang('#!/usr/bin/env python3\n')).toBe(false);
    expect(hasBuildMachineShebang('#!/var/lang/bin/python3.11\n')).toBe(false);
    expect(hasBuildMachineShebang('#!/bin/bash\n')).toBe(false);
    expect(hasBuildMachineShebang('\x7fELF')).toBe(false);
  });
});
