/**
 * Environment markers are evaluated for the Lambda target, not for the machine or the Python
 * that runs pip: requirement lines and every dependency's Requires-Dist, directly and
 * transitively, for x86_64 and arm64, Python 3.11 and 3.12, with the real pinned pip over a
 * generated index. The host here is Linux x86_64 with Python 3.11, so the arm64 and 3.12 cases
 * are the ones a host-evaluated marker would get wrong; the 3.11 cases are also driven by a
 * Python 3.12 when the machine has one.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCacheDir } from '../../src/cache/dir-store.js';
import { buildLayer } from '../../src/layer/index.js';
import { memoryLogger } from '../../src/log.js';
import { installRequirements } from '../../src/resolve/install.js';
import { findInterpreter, findPipPython, type PythonInterpreter } from '../../src/resolve/interpreters.js';
import { ensurePinnedPip, PINNED_PIP, type PinnedPip } from '../../src/resolve/pinned-pip.js';
import { readRequirements } from '../../src/resolve/requirements.js';
import { markerEnvironment, resolveTarget, type Target } from '../../src/target.js';
import {
  createPackageIndex,
  isolatedPipEnv,
  type PackageIndex,
  type WheelSpec,
} from '../support/package-index.js';

const wheel = (name: string, requiresDist: string[] = [], requiresPython?: string): WheelSpec => ({
  name,
  version: '1.0',
  requiresDist,
  requiresPython,
});

// root's metadata carries one dependency per marker variable; some of those carry markers of
// their own (the transitive cases).
const WHEELS: WheelSpec[] = [
  wheel('root', [
    'armonly; platform_machine == "aarch64"',
    'x86only; platform_machine == "x86_64"',
    'linuxonly; sys_platform == "linux"',
    'winonly; sys_platform == "win32"',
    'darwinonly; platform_system == "Darwin"',
    'linuxsys; platform_system == "Linux"',
    'py311only; python_version == "3.11"',
    'py312plus; python_version >= "3.12"',
    'fullpatch; python_full_version >= "3.12.5"',
    'posixonly; os_name == "posix"',
    'ntonly; os_name == "nt"',
    'cpyonly; implementation_name == "cpython" and platform_python_implementation == "CPython"',
    'pypyonly; platform_python_implementation == "PyPy"',
  ]),
  wheel('armonly', ['armdeep; platform_machine == "aarch64"', 'x86deep; platform_machine == "x86_64"']),
  wheel('x86only', ['x86deep; platform_machine == "x86_64"', 'armdeep; platform_machine == "aarch64"']),
  wheel('linuxonly', ['deep311; python_version < "3.12"', 'deep312; python_version == "3.12"']),
  ...[
    'winonly',
    'darwinonly',
    'linuxsys',
    'py311only',
    'py312plus',
    'fullpatch',
    'posixonly',
    'ntonly',
    'cpyonly',
    'pypyonly',
    'armdeep',
    'x86deep',
    'deep311',
    'six',
    'idna',
  ].map((name) => wheel(name)),
  // Requires-Python is checked against the target's version, not the driver's.
  wheel('needs312', [], '>=3.12'),
  { ...wheel('needs312', [], '<3.12'), version: '0.9' },
  wheel('deep312', [], '>=3.12'),
];

const REQUIREMENTS = [
  'root',
  'six; platform_machine == "aarch64"',
  'idna; platform_machine == "x86_64"',
  'needs312',
  '',
].join('\n');

const COMMON = ['cpyonly', 'linuxonly', 'linuxsys', 'posixonly', 'root'];
const EXPECTED: Record<string, string[]> = {
  'python3.11 x86_64': [...COMMON, 'deep311', 'idna', 'needs312==0.9', 'py311only', 'x86deep', 'x86only'],
  'python3.11 arm64': [...COMMON, 'armdeep', 'armonly', 'deep311', 'needs312==0.9', 'py311only', 'six'],
  'python3.12 x86_64': [
    ...COMMON,
    'deep312',
    'fullpatch',
    'idna',
    'needs312==1.0',
    'py312plus',
    'x86deep',
    'x86only',
  ],
  'python3.12 arm64': [
    ...COMMON,
    'armdeep',
    'armonly',
    'deep312',
    'fullpatch',
    'needs312==1.0',
    'py312plus',
    'six',
  ],
};

let index: PackageIndex;
let work: string;
let pip: PinnedPip;
let python312: PythonInterpreter | undefined;

beforeAll(async () => {
  index = await createPackageIndex({ wheels: WHEELS });
  work = await mkdtemp(join(tmpdir(), 'markers-'));
  const host = await findPipPython();
  pip = await ensurePinnedPip({
    python: host,
    toolCacheDir: defaultCacheDir(),
    indexFlags: [],
    log: memoryLogger(),
  });
  python312 = await findInterpreter('3.12');
}, 180_000);

afterAll(async () => {
  await index?.cleanup();
  if (work) await rm(work, { recursive: true, force: true });
});

let counter = 0;

async function resolveFor(
  target: Target,
  driver: PinnedPip,
): Promise<{ names: string[]; environment: unknown }> {
  const root = join(work, `case-${counter++}`);
  const pythonDir = join(root, 'layer', 'python');
  const workDir = join(root, 'work');
  await mkdir(pythonDir, { recursive: true });
  await mkdir(workDir, { recursive: true });
  await writeFile(join(root, 'requirements.txt'), REQUIREMENTS);
  const packages = await installRequirements({
    pip: driver,
    snapshot: await readRequirements(join(root, 'requirements.txt')),
    target,
    pythonDir,
    workDir,
    indexUrl: index.indexUrl,
    extraIndexUrls: [],
    findLinks: [],
    log: memoryLogger(),
    env: isolatedPipEnv(),
    timeoutMs: 120_000,
  });
  const report = JSON.parse(await readFile(join(workDir, 'pip-report.json'), 'utf8'));
  const names = packages.map((p) => (p.name === 'needs312' ? `needs312==${p.version}` : p.name)).sort();
  return { names, environment: report.environment };
}

describe('markers are evaluated for the target, whatever runs pip', () => {
  for (const [label, expected] of Object.entries(EXPECTED)) {
    const [runtime = '', arch = ''] = label.split(' ');
    it(`${label}: exactly the distributions the target's markers select (driver: the host's Python)`, async () => {
      const target = resolveTarget(runtime, arch);
      const { names, environment } = await resolveFor(target, pip);
      expect(names).toEqual([...expected].sort());
      // pip's own report records the environment it evaluated: the target's, not this machine's.
      expect(environment).toEqual(markerEnvironment(target));
    });
  }

  it('a Python 3.12 driver resolves a python3.11 target exactly as the 3.11 host does', async () => {
    if (!python312) {
      console.warn('NO PYTHON 3.12 on this machine: the 3.12-driver case is SKIPPED');
      return;
    }
    for (const arch of ['x86_64', 'arm64']) {
      const { names } = await resolveFor(resolveTarget('python3.11', arch), { ...pip, python: python312 });
      expect(names).toEqual([...(EXPECTED[`python3.11 ${arch}`] ?? [])].sort());
    }
  });

  it('the manifest records the pinned pip and the marker environment', async () => {
    const requirements = join(work, 'manifest-requirements.txt');
    await writeFile(requirements, 'six; platform_machine == "aarch64"\nidna; platform_machine == "x86_64"\n');
    const target = resolveTarget('python3.12', 'arm64');
    const result = await buildLayer(
      {
        requirementsFile: requirements,
        target,
        outDir: join(work, 'manifest-out'),
        indexUrl: index.indexUrl,
        extraIndexUrls: [],
        findLinks: [],
        bytecode: false,
        sdist: 'never',
      },
      memoryLogger(),
      { env: isolatedPipEnv() },
    );
    expect(result.manifest.packages.map((p) => p.name)).toEqual(['six']);
    expect(result.manifest.resolver).toEqual({
      pip: PINNED_PIP.version,
      markerEnvironment: markerEnvironment(target),
    });
    expect(result.manifest.resolver?.markerEnvironment).toMatchObject({
      os_name: 'posix',
      sys_platform: 'linux',
      platform_system: 'Linux',
      platform_machine: 'aarch64',
      platform_release: '',
      platform_version: '',
      python_version: '3.12',
      python_full_version: target.pythonFullVersion,
      implementation_name: 'cpython',
      platform_python_implementation: 'CPython',
    });
  });
});
