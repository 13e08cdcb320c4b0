/** The import scan slimming relies on: every import form Python has, relative ones resolved. */
import { describe, expect, it } from 'vitest';
import { importedModules, moduleNameOf } from '../../src/layer/python-imports.js';

const scan = (source: string, name = 'pkg.sub.mod', isPackage = false): string[] =>
  [...importedModules(source, { name, isPackage })].sort();

describe('importedModules', () => {
  it('reads import and from-import statements, with aliases, lists and parentheses', () => {
    const source = [
      'import os, a.b as ab',
      'from numpy._core.tests._natype import pd_NA',
      'from c import (d,  # the d',
      '    e as f,',
      ')',
      'from g import *',
      'x = 1; import h',
      'try: import i',
      'except ImportError: pass',
      'def later():',
      '    from j.k import l',
      'import m \\',
      '    , n',
    ].join('\n');
    expect(scan(source)).toEqual([
      'a.b',
      'c',
      'c.d',
      'c.e',
      'g',
      'h',
      'i',
      'j.k',
      'j.k.l',
      'm',
      'n',
      'numpy._core.tests._natype',
      'numpy._core.tests._natype.pd_NA',
      'os',
    ]);
  });

  it('resolves relative imports against the importing module, and a package against itself', () => {
    expect(scan('from . import a\nfrom .. import b\nfrom .tests import c\nfrom ..x import y\n')).toEqual([
      'pkg',
      'pkg.b',
      'pkg.sub',
      'pkg.sub.a',
      'pkg.sub.tests',
      'pkg.sub.tests.c',
      'pkg.x',
      'pkg.x.y',
    ]);
    expect(scan('from . import a\n', 'pkg.sub', true)).toEqual(['pkg.sub', 'pkg.sub.a']);
    // Climbing above the top-level package is an error in Python: nothing to keep.
    expect(scan('from ...x import z\n')).toEqual([]);
  });

  it('reads string literals given to importlib.import_module and __import__', () => {
    expect(scan('importlib.import_module("a.tests.helpers")\n__import__(\'b\')\n')).toEqual([
      'a.tests.helpers',
      'b',
    ]);
  });

  it('ignores words that only contain "import"', () => {
    expect(scan('reimport = 1\nimportlib.reload(x)\nprint("imports")\n# import nothing\n')).toEqual([]);
  });
});

describe('moduleNameOf', () => {
  it('names modules, packages and extension modules; not data or non-identifier paths', () => {
    expect(moduleNameOf('a/b/c.py')).toEqual({ name: 'a.b.c', isPackage: false });
    expect(moduleNameOf('a/b/__init__.py')).toEqual({ name: 'a.b', isPackage: true });
    expect(moduleNameOf('a/_x.cpython-311-aarch64-linux-gnu.so')).toEqual({ name: 'a._x', isPackage: false });
    expect(moduleNameOf('a/data.json')).toBeUndefined();
    expect(moduleNameOf('numpy.libs/libz.so')).toBeUndefined();
    expect(moduleNameOf('a/b.pyi')).toBeUndefined();
  });
});
