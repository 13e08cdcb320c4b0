/**
 * The one-pin rebuild's pure parts: the variant's requirements, telling a restored layer from a
 * built one, reading what came from the per-wheel cache, and the --reference-peak-mib flag.
 */
import { describe, expect, it } from 'vitest';
import { layerCacheHit, parseWheelCacheLines, perWheelCacheUse, withExtraLine } from '../../bench/rebuild.js';
import { wheelCacheText } from '../../bench/report.js';
import { parseReferencePeak, REPO_ROOT } from '../../bench/run.js';
import { DATA_WORKLOAD, seedWorkload } from '../../bench/workloads.js';

describe('withExtraLine', () => {
  it('appends the pin on a line of its own, whether or not the text ends with a newline', () => {
    expect(withExtraLine('a==1\nb==2\n', 'numpy==2.1.3')).toBe('a==1\nb==2\nnumpy==2.1.3\n');
    expect(withExtraLine('a==1', ' numpy==2.1.3 ')).toBe('a==1\nnumpy==2.1.3\n');
    expect(withExtraLine('', 'numpy==2.1.3')).toBe('numpy==2.1.3\n');
  });
});

describe('the workloads of issue 17', () => {
  it('data: the one-pin variant is its requirements plus numpy==2.1.3, with the 0.20x target', () => {
    const variant = DATA_WORKLOAD.rebuild;
    if (!variant || 'skipped' in variant) throw new Error('data has no one-pin variant');
    expect(variant.requirements).toBe(`${DATA_WORKLOAD.requirements}numpy==2.1.3\n`);
    expect(variant.target).toBe(0.2);
    expect(DATA_WORKLOAD.coldTarget).toBe(0.4);
    expect(DATA_WORKLOAD.warmTarget).toBe(0.05);
  });

  it('seed: no variant, with the reason; cold target 0.70', () => {
    const seed = seedWorkload(REPO_ROOT);
    expect(seed.rebuild).toEqual({ skipped: expect.stringContaining('single version') });
    expect(seed.coldTarget).toBe(0.7);
  });
});

const stderr = (text: string) => ({ stream: 'stderr' as const, text });

describe('layerCacheHit', () => {
  const built = [stderr('== Install requirements'), stderr('Cache miss (/tmp/c): abc')];

  it('is undefined for a build that installed', () => {
    expect(layerCacheHit('Built out/layer.zip for python3.11 x86_64\n', built)).toBeUndefined();
  });

  it('sees a restored layer in the summary, in the log, or by the missing install stage', () => {
    expect(layerCacheHit('Restored out/layer.zip from the cache for python3.11\n', built)).toMatch(
      /stdout says "Restored out\/layer\.zip from the cache/,
    );
    expect(layerCacheHit('Built x\n', [...built, stderr('Cache hit (/tmp/c): abc')])).toMatch(
      /log says "Cache hit/,
    );
    expect(layerCacheHit('Built x\n', [stderr('== Zip the layer')])).toMatch(/no install stage/);
  });
});

const COMPILED_LINE =
  'Compiled 11876 of 11880 modules to cpython-311 unchecked-hash bytecode with Python 3.11.7 (/usr/bin/python3.11) in 3.2s (10950 from the per-wheel cache, 22 of 23 wheels); removed 0 stale .pyc';
const ELF_LINE = 'ELF headers of 180 binaries from the per-wheel cache (20 of 23 wheels); 41 read';

describe('parseWheelCacheLines', () => {
  it("reads the bytecode stage's and the verification's per-wheel cache lines", () => {
    expect(parseWheelCacheLines(['== Compile bytecode', COMPILED_LINE, ELF_LINE])).toEqual({
      compiled: 11876,
      modules: 11880,
      fromCache: 10950,
      hitWheels: 22,
      wheels: 23,
      elf: { fromCache: 180, hitWheels: 20, wheels: 23, read: 41 },
    });
  });

  it('reads a build without the per-wheel cache (no parenthesis), and one binary', () => {
    expect(
      parseWheelCacheLines([
        'Compiled 131 of 131 modules to cpython-311 unchecked-hash bytecode with Python 3.11.7 (/p (x)/python) in 0.4s; removed 0 stale .pyc',
        'ELF headers of 1 binary from the per-wheel cache (0 of 7 wheels); 1 read',
      ]),
    ).toEqual({ compiled: 131, modules: 131, elf: { fromCache: 1, hitWheels: 0, wheels: 7, read: 1 } });
  });

  it('is undefined without the bytecode line', () => {
    expect(parseWheelCacheLines(['== Zip the layer', ELF_LINE])).toBeUndefined();
  });
});

describe('perWheelCacheUse', () => {
  const manifest = (fromCache?: number) => ({
    bytecode: {
      compiled: 11876,
      mode: 'unchecked-hash' as const,
      removed: 0,
      failed: ['python/a.py', 'python/b.py'],
      ...(fromCache !== undefined ? { fromCache } : {}),
    },
  });

  it("takes the modules from the manifest's bytecode.fromCache over the log", () => {
    expect(perWheelCacheUse(manifest(10_000), [stderr(COMPILED_LINE)])).toMatchObject({
      fromCache: 10_000,
      hitWheels: 22,
      wheels: 23,
    });
  });

  it('falls back to the manifest alone, or to nothing', () => {
    expect(perWheelCacheUse(manifest(5), [])).toEqual({ compiled: 11876, modules: 11878, fromCache: 5 });
    expect(perWheelCacheUse(manifest(), [])).toBeUndefined();
    // A stdout line is not the log.
    expect(perWheelCacheUse(manifest(), [{ stream: 'stdout', text: COMPILED_LINE }])).toBeUndefined();
  });
});

describe('wheelCacheText', () => {
  const use = { compiled: 10, modules: 12, fromCache: 8, hitWheels: 2, wheels: 3 };
  it('says it once when every run took the same', () => {
    expect(wheelCacheText([use, use])).toBe('8 of 12 modules (2 of 3 wheels), every run');
    expect(wheelCacheText([use])).toBe('8 of 12 modules (2 of 3 wheels)');
  });
  it('lists the runs when they differ, and says when the CLI did not report it', () => {
    expect(wheelCacheText([use, { ...use, fromCache: 7 }])).toBe(
      'run 1: 8 of 12 modules (2 of 3 wheels); run 2: 7 of 12 modules (2 of 3 wheels)',
    );
    expect(wheelCacheText([use, null])).toBe('not reported by this CLI');
  });
});

describe('parseReferencePeak', () => {
  it('applies a bare number to every workload', () => {
    expect(parseReferencePeak('850', ['seed', 'data'])).toEqual({ seed: 850, data: 850 });
  });
  it('reads name=MiB pairs', () => {
    expect(parseReferencePeak('data=850.5, seed=120', ['seed', 'data'])).toEqual({ data: 850.5, seed: 120 });
    expect(parseReferencePeak('data=850', ['seed', 'data'])).toEqual({ data: 850 });
  });
  it('rejects what it cannot read', () => {
    expect(() => parseReferencePeak('0', ['data'])).toThrow(/positive number/);
    expect(() => parseReferencePeak('lots', ['data'])).toThrow(/positive number/);
    expect(() => parseReferencePeak('tiny=5', ['data'])).toThrow(/no workload "tiny"/);
    expect(() => parseReferencePeak('data=5=6', ['data'])).toThrow(/expected name=MiB/);
  });
});
