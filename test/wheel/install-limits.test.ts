/**
 * installWheels judges the wheels before it writes anything: the size limit counts what the
 * wheels declare (less what a later stage may remove), and a path one wheel ships as a file and
 * another as a folder is refused naming both wheels by file name, never a temporary path.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installWheels, type LayerSizeLimit } from '../../src/wheel/install.js';
import { createPackageIndex, type PackageIndex } from '../support/package-index.js';

let index: PackageIndex;
let work: string;

beforeAll(async () => {
  index = await createPackageIndex({
    wheels: [
      {
        name: 'big',
        version: '1.0',
        files: { 'big/tests/data.bin': 'x'.repeat(5000), 'big/core.py': 'A = 1\n' },
      },
      { name: 'filer', version: '1.0', files: { clash: 'a file\n' } },
      { name: 'folderer', version: '1.0', files: { 'clash/mod.py': 'B = 2\n' } },
    ],
  });
  work = await mkdtemp(join(tmpdir(), 'install-limits-'));
}, 120_000);

afterAll(async () => {
  await index?.cleanup();
  if (work) await rm(work, { recursive: true, force: true });
});

function wheel(project: string) {
  const file = index.files.find((f) => f.project === project);
  if (!file) throw new Error(`no ${project}`);
  return { path: file.path, requested: true };
}

const limit: LayerSizeLimit = { bytes: 4000, what: 'the test limit of 4000 bytes', hint: 'make it smaller' };

describe('installWheels refuses before writing', () => {
  it('over the limit: names the largest wheel, writes nothing', async () => {
    const dir = join(work, 'over');
    await expect(installWheels([wheel('big')], dir, { limit })).rejects.toThrow(
      /^the wheels' files add up to \d+ bytes \(0\.0 MiB\), over the test limit of 4000 bytes; the largest: big-1\.0-py3-none-any\.whl/,
    );
    expect(await readdir(dir)).toEqual([]);
  });

  it('what a later stage may remove is not counted', async () => {
    const dir = join(work, 'slimmed');
    const mayRemove = (path: string) => path.includes('/tests/');
    await installWheels([wheel('big')], dir, { limit: { ...limit, mayRemove } });
    expect((await readdir(dir)).sort()).toEqual(['big', 'big-1.0.dist-info']);
  });

  it('a file in one wheel where another has a folder: both wheels named', async () => {
    const dir = join(work, 'clash');
    const error = await installWheels([wheel('filer'), wheel('folderer')], dir).catch((e: Error) => e);
    expect(String(error)).toContain(
      'filer-1.0-py3-none-any.whl installs "clash" as a file, and folderer-1.0-py3-none-any.whl installs "clash/mod.py", which needs it to be a folder',
    );
    expect(String(error)).not.toContain(index.dir);
    expect(await readdir(dir)).toEqual([]);
  });
});
