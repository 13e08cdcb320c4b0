/**
 * The wheels path lays out exactly the tree `pip install --target` does, for real requirement
 * sets from the machine's wheel mirror: every file's bytes and execute bit, every directory, and
 * the installed-package list. The one difference kept, and asserted here: C headers
 * (`.data/headers`, greenlet's, and `.data/data/include/`) are not shipped, so pip's
 * python/include/ files and their RECORD rows are absent. Console scripts are absent from both (install.ts removes pip's bin/).
 *
 * The corpus covers what the wheel spec leaves to the installer: namespace packages shared by
 * several wheels (google/ across protobuf, googleapis-common-protos, proto-plus),
 * .data/scripts with and without setuptools entry-point wrappers (jmespath), .data/data
 * (fonttools' share/man, dash's etc/ and share/), .data/platlib (libclang), headers
 * (greenlet), large native and abi3 wheels (numpy, pandas, lxml, bcrypt, argon2-cffi-bindings) and the benchmark's
 * Flask and data workloads.
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCacheDir } from '../../src/cache/dir-store.js';
import { memoryLogger } from '../../src/log.js';
import { installRequirements } from '../../src/resolve/install.js';
import { findPipPython } from '../../src/resolve/interpreters.js';
import { ensurePinnedPip, type PinnedPip } from '../../src/resolve/pinned-pip.js';
import { readRequirements } from '../../src/resolve/requirements.js';
import type { PackageEntry } from '../../src/resolve/types.js';
import { resolveTarget } from '../../src/target.js';
import { machineMirror, NO_MIRROR_MESSAGE } from '../support/mirror.js';
import { createPackageIndex, isolatedPipEnv, type PackageIndex } from '../support/package-index.js';

const FLASK_EXAMPLE = join(import.meta.dirname, '..', '..', 'examples', 'flask-api', 'requirements.txt');

// name -> [requirements ('' = the Flask example's file), runtime].
const CORPUS: Record<string, [string, string]> = {
  'flask example': ['', 'python3.11'],
  'data workload': ['flask==3.1.3\npandas==2.2.3\npydantic==2.13.5\nboto3==1.43.107\n', 'python3.11'],
  numpy: ['numpy\n', 'python3.11'],
  // cryptography's only wheels need glibc 2.34 (python3.12+), where the mirror lacks cp312 cffi.
  'bcrypt + argon2 (abi3)': ['bcrypt\nargon2-cffi\n', 'python3.11'],
  lxml: ['lxml\n', 'python3.11'],
  'greenlet (headers)': ['greenlet\n', 'python3.11'],
  'google namespace': ['googleapis-common-protos\nproto-plus\ngrpcio\n', 'python3.11'],
  'scripts and data': ['jmespath\nfonttools\ndash\n', 'python3.11'],
  'platlib (libclang)': ['libclang\n', 'python3.11'],
};

const mirror = machineMirror();
let pip: PinnedPip;
let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'wheel-equality-'));
  pip = await ensurePinnedPip({
    python: await findPipPython(),
    toolCacheDir: defaultCacheDir(),
    indexFlags: [],
    log: memoryLogger(),
  });
}, 180_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

interface Tree {
  /** path -> "dir" or "<x|-> sha256" for files. */
  readonly entries: Map<string, string>;
}

async function walk(root: string, dir = root, out = new Map<string, string>()): Promise<Map<string, string>> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const name = relative(root, path);
    if (entry.isDirectory()) {
      out.set(`${name}/`, 'dir');
      await walk(root, path, out);
    } else {
      const info = await stat(path);
      const digest = createHash('sha256')
        .update(await readFile(path))
        .digest('hex');
      out.set(name, `${info.mode & 0o111 ? 'x' : '-'} ${digest}`);
    }
  }
  return out;
}

async function install(
  name: string,
  requirements: string,
  runtime: string,
  assemble: 'pip' | 'wheels',
  index?: PackageIndex,
): Promise<{ tree: Tree; packages: PackageEntry[]; pythonDir: string }> {
  const root = join(work, `${name.replace(/\W+/g, '-')}-${assemble}`);
  const pythonDir = join(root, 'layer', 'python');
  const workDir = join(root, 'work');
  await mkdir(pythonDir, { recursive: true });
  await mkdir(workDir, { recursive: true });
  const file = requirements ? join(root, 'requirements.txt') : FLASK_EXAMPLE;
  if (requirements) await writeFile(file, requirements);
  const packages = await installRequirements({
    pip,
    snapshot: await readRequirements(file),
    target: resolveTarget(runtime, 'x86_64'),
    pythonDir,
    workDir,
    indexUrl: index?.indexUrl ?? mirror?.indexUrl,
    extraIndexUrls: index ? [] : (mirror?.extraIndexUrls ?? []),
    findLinks: index ? [] : (mirror?.findLinks ?? []),
    log: memoryLogger(),
    env: isolatedPipEnv(),
    timeoutMs: 300_000,
    assemble,
  });
  return { tree: { entries: await walk(pythonDir) }, packages, pythonDir };
}

/** pip's tree without the headers the wheels path does not ship (files, dirs, RECORD rows). */
async function withoutHeaders(pip: { tree: Tree; pythonDir: string }): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const [path, value] of pip.tree.entries) {
    if (path.startsWith('include/')) continue;
    if (path.endsWith('.dist-info/RECORD')) {
      const text = await readFile(join(pip.pythonDir, path), 'utf8');
      const kept = text
        .split('\r\n')
        .filter((row) => !row.startsWith('../../include/'))
        .join('\r\n');
      if (kept !== text) {
        out.set(path, `- ${createHash('sha256').update(kept).digest('hex')}`);
        continue;
      }
    }
    out.set(path, value);
  }
  return out;
}

function hasHeaders(installed: { tree: Tree }): boolean {
  return [...installed.tree.entries.keys()].some((p) => p.startsWith('include/python/'));
}

/** Same package list; sizes too, unless pip shipped headers (counted in its package's size). */
function expectSamePackages(
  byWheels: { packages: PackageEntry[] },
  byPip: { tree: Tree; packages: PackageEntry[] },
) {
  const sizeless = (packages: PackageEntry[]) => packages.map(({ size: _, ...p }) => p);
  if (hasHeaders(byPip)) expect(sizeless(byWheels.packages)).toEqual(sizeless(byPip.packages));
  else expect(byWheels.packages).toEqual(byPip.packages);
}

describe.skipIf(!mirror)('the wheels path builds the tree pip install --target builds', () => {
  for (const [name, [requirements, runtime]] of Object.entries(CORPUS)) {
    it(`${name} (${runtime})`, async () => {
      const byPip = await install(name, requirements, runtime, 'pip');
      const byWheels = await install(name, requirements, runtime, 'wheels');
      const expected = await withoutHeaders(byPip);
      // Compared as sorted lists so a failure shows the paths that differ.
      const list = (m: Map<string, string>): string[] => [...m].map(([p, v]) => `${p} ${v}`).sort();
      expect(list(byWheels.tree.entries)).toEqual(list(expected));
      expect(byWheels.tree.entries.size).toBeGreaterThan(10);
      expect(hasHeaders(byPip)).toBe(name.includes('headers'));
      expectSamePackages(byWheels, byPip);
    }, 600_000);
  }
});

describe('overlapping wheels: the copy pip writes last wins', () => {
  let index: PackageIndex;
  beforeAll(async () => {
    // top requires base, so pip installs base first. Both ship ns/shared.py; top ships it twice,
    // at its root and in .data/purelib, which pip writes after the root files.
    index = await createPackageIndex({
      wheels: [
        { name: 'base', version: '1.0', files: { 'ns/shared.py': 'base\n', 'ns/base_only.py': 'b\n' } },
        {
          name: 'top',
          version: '1.0',
          requiresDist: ['base'],
          files: {
            'ns/shared.py': 'top root\n',
            'top-1.0.data/purelib/ns/shared.py': 'top purelib\n',
            'top-1.0.data/platlib/ns/plat.py': 'plat\n',
            'top-1.0.data/scripts/top-tool': '#!python\nprint(1)\n',
            'top-1.0.data/headers/top.h': '#define TOP 1\n',
            'top-1.0.data/data/share/top/readme.txt': 'data\n',
            'top-1.0.dist-info/entry_points.txt': '[console_scripts]\ntop-run = top:main\n',
          },
        },
      ],
    });
  }, 120_000);
  afterAll(async () => {
    await index?.cleanup();
  });

  it('pip and the wheels path keep the same copy, data files and RECORD', async () => {
    const byPip = await install('overlap', 'top\n', 'python3.11', 'pip', index);
    const byWheels = await install('overlap', 'top\n', 'python3.11', 'wheels', index);
    const list = (m: Map<string, string>): string[] => [...m].map(([p, v]) => `${p} ${v}`).sort();
    expect(list(byWheels.tree.entries)).toEqual(list(await withoutHeaders(byPip)));
    expect(await readFile(join(byWheels.pythonDir, 'ns', 'shared.py'), 'utf8')).toBe('top purelib\n');
    expect(byWheels.tree.entries.has('share/top/readme.txt')).toBe(true);
    expect(byWheels.tree.entries.has('ns/plat.py')).toBe(true);
    expect(byPip.tree.entries.has('include/python/top/top.h')).toBe(true);
    const record = await readFile(join(byWheels.pythonDir, 'top-1.0.dist-info', 'RECORD'), 'utf8');
    expect(record).toContain('../../share/top/readme.txt,');
    expect(record).not.toMatch(/bin\/|top\.h/);
    expectSamePackages(byWheels, byPip);
  }, 300_000);
});

describe('.data/data items: where pip install --target puts them', () => {
  let index: PackageIndex;
  beforeAll(async () => {
    // A package folder named share/ and data files under share/, include/ and etc/.
    index = await createPackageIndex({
      wheels: [
        {
          name: 'sharepkg',
          version: '1.0',
          module: 'share',
          files: {
            'share/core.py': 'CORE = 1\n',
            'sharepkg-1.0.data/data/share/sharepkg/doc.txt': 'doc\n',
            'sharepkg-1.0.data/data/include/sharepkg.h': '#define SHAREPKG 1\n',
            'sharepkg-1.0.data/data/etc/sharepkg.conf': 'conf\n',
          },
        },
      ],
    });
  }, 120_000);
  afterAll(async () => {
    await index?.cleanup();
  });

  it('share/ of a package folder is kept, the data share/ skipped; include/ is not shipped', async () => {
    const byPip = await install('data-items', 'sharepkg\n', 'python3.11', 'pip', index);
    const byWheels = await install('data-items', 'sharepkg\n', 'python3.11', 'wheels', index);
    const list = (m: Map<string, string>): string[] => [...m].map(([p, v]) => `${p} ${v}`).sort();
    expect(list(byWheels.tree.entries)).toEqual(list(await withoutHeaders(byPip)));
    // pip: "Target directory .../share already exists": the package's folder stays, whole.
    expect(byPip.tree.entries.has('share/core.py')).toBe(true);
    expect(byPip.tree.entries.has('share/sharepkg/doc.txt')).toBe(false);
    expect(byWheels.tree.entries.has('share/sharepkg/doc.txt')).toBe(false);
    // Other data items are shipped by both; include/ by pip only (C headers: not in the layer).
    expect(byWheels.tree.entries.has('etc/sharepkg.conf')).toBe(true);
    expect(byPip.tree.entries.has('include/sharepkg.h')).toBe(true);
    expect([...byWheels.tree.entries.keys()].some((p) => p.startsWith('include'))).toBe(false);
    // RECORD lists the skipped data file, as pip's does.
    const record = await readFile(join(byWheels.pythonDir, 'sharepkg-1.0.dist-info', 'RECORD'), 'utf8');
    expect(record).toContain('../../share/sharepkg/doc.txt,');
    expect(record).not.toContain('include');
  }, 300_000);
});

it.runIf(!mirror)('needs the wheel mirror', () => {
  console.warn(NO_MIRROR_MESSAGE);
});
