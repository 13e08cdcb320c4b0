/** Which modules prove a distribution, from its RECORD: real packaging shapes seen on PyPI. */
import { describe, expect, it } from 'vitest';
import { distributionModules } from '../../../src/layer/import-proof/modules.js';

const all = () => true;

describe('distributionModules', () => {
  it('takes packages and single-file modules at the top level', () => {
    const record = [
      'flask/__init__.py',
      'flask/app.py',
      'flask/json/__init__.py',
      'six.py',
      'flask-3.1.3.dist-info/RECORD',
      'flask-3.1.3.data/scripts/x',
      '../../bin/flask',
      'flask/__pycache__/app.cpython-311.pyc',
    ];
    expect(distributionModules(record, all)).toEqual(['flask', 'six']);
  });

  it('looks into namespace packages for the code (protobuf: google.protobuf, not google)', () => {
    const record = [
      'google/protobuf/__init__.py',
      'google/protobuf/message.py',
      'google/_upb/_message.abi3.so',
    ];
    expect(distributionModules(record, all)).toEqual(['google.protobuf']);
  });

  it('prefers public names; a distribution with only private ones gets those', () => {
    expect(
      distributionModules(['cffi/__init__.py', '_cffi_backend.cpython-311-x86_64-linux-gnu.so'], all),
    ).toEqual(['cffi']);
    expect(distributionModules(['_only.cpython-311-aarch64-linux-gnu.so'], all)).toEqual(['_only']);
  });

  it('skips what is not importable or not the distribution code: libs dirs, stubs, docs/tests/setup.py', () => {
    const record = [
      'aiomysql/__init__.py',
      'docs/conf.py',
      'examples/example.py',
      'tests/__init__.py',
      'setup.py',
      'numpy.libs/libopenblas.so',
      'ujson-stubs/__init__.pyi',
      'distutils-precedence.pth',
      '7cf47097c39cf1afcee8__mypyc.cpython-311-x86_64-linux-gnu.so',
    ];
    expect(distributionModules(record, all)).toEqual(['aiomysql']);
  });

  it('leaves out what is no longer in the layer', () => {
    const record = ['a/__init__.py', 'b.py'];
    expect(distributionModules(record, (path) => path !== 'b.py')).toEqual(['a']);
    expect(distributionModules(['types_only/__init__.pyi'], all)).toEqual([]);
  });
});
