/**
 * The import proof imports what a function would: a distribution's own package must import; a
 * module shipped beside it that only lacks what an extra nobody asked for brings is a warning.
 * Real duckdb 1.5.6 and black 22.12.0 wheels from the mirror (adbc_driver_duckdb needs
 * duckdb[all], blackd needs black[d]), and generated wheels for each rule's edges: own package,
 * an undeclared module, a layer that truly cannot import.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../../src/errors.js';
import { extraOnlyRequirements } from '../../../src/layer/import-proof/extras.js';
import { ownModules } from '../../../src/layer/import-proof/modules.js';
import { buildLayer } from '../../../src/layer/index.js';
import type { BuildOptions } from '../../../src/layer/types.js';
import { memoryLogger } from '../../../src/log.js';
import { resolveTarget } from '../../../src/target.js';
import { runCli } from '../../support/cli-process.js';
import { machineMirror, NO_MIRROR_MESSAGE } from '../../support/mirror.js';
import { createPackageIndex, isolatedPipEnv, type PackageIndex } from '../../support/package-index.js';

const mirror = machineMirror();
if (!mirror) console.warn(NO_MIRROR_MESSAGE);
const python311 = execFileSync('python3.11', ['-c', 'import sys; print(sys.executable)'], {
  encoding: 'utf8',
}).trim();

describe('which requirements a distribution declares only under extras', () => {
  it("reads duckdb's and black's METADATA as they are (copied from the 1.5.6 and 22.12.0 wheels)", () => {
    const duckdb = extraOnlyRequirements(
      [
        'Metadata-Version: 2.1',
        'Name: duckdb',
        'Provides-Extra: all',
        'Requires-Dist: ipython; extra == "all"',
        'Requires-Dist: numpy; extra == "all"',
        'Requires-Dist: adbc-driver-manager; extra == "all"',
        '',
        'Requires-Dist: not-a-header; extra == "body"',
      ].join('\n'),
    );
    expect([...duckdb.keys()]).toEqual(['ipython', 'numpy', 'adbc-driver-manager']);
    expect(duckdb.get('adbc-driver-manager')).toEqual({ name: 'adbc-driver-manager', extras: ['all'] });
    const black = extraOnlyRequirements(
      [
        'Name: black',
        'Requires-Dist: click>=8.0.0',
        "Requires-Dist: tomli>=1.1.0; python_full_version < '3.11.0a7'",
        "Requires-Dist: aiohttp>=3.7.4; extra == 'd'",
        "Requires-Dist: ipython>=7.8.0; extra == 'jupyter'",
      ].join('\n'),
    );
    expect([...black.keys()]).toEqual(['aiohttp', 'ipython']);
    expect(black.get('aiohttp')?.extras).toEqual(['d']);
  });

  it('is not extra-only when listed without an extra too, or when its marker may hold without one', () => {
    const found = extraOnlyRequirements(
      [
        'Name: x',
        'Requires-Dist: both; extra == "a"',
        'Requires-Dist: both',
        'Requires-Dist: either; extra == "a" or python_version < "3.10"',
        'Requires-Dist: two-extras; (extra == "a" or extra == "b") and python_version >= "3.8"',
      ].join('\n'),
    );
    expect([...found.entries()]).toEqual([['two-extras', { name: 'two-extras', extras: ['a', 'b'] }]]);
  });

  it("a distribution's own package is the module named after it; all of them when none is", () => {
    expect([...ownModules('duckdb', ['adbc_driver_duckdb', 'duckdb'])]).toEqual(['duckdb']);
    expect([...ownModules('black', ['black', 'blackd', 'blib2to3'])]).toEqual(['black']);
    expect([...ownModules('PyYAML', ['yaml'])]).toEqual(['yaml']);
    expect([...ownModules('Flask-Cors', ['flask_cors'])]).toEqual(['flask_cors']);
  });
});

let work: string;
let index: PackageIndex;
const cleanup: string[] = [];
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'import-proof-extras-'));
  index = await createPackageIndex({
    wheels: [
      // A plugin module beside the package needs `helperlib`, which only the [x] extra brings.
      {
        name: 'plugged',
        version: '1.0',
        providesExtras: ['x'],
        requiresDist: ['helperlib; extra == "x"'],
        files: { 'plugged_server/__init__.py': 'import helperlib\n' },
      },
      // The same, but in the distribution's own package: a function importing it fails.
      {
        name: 'ownneeds',
        version: '1.0',
        requiresDist: ['helperlib; extra == "x"'],
        files: { 'ownneeds/__init__.py': 'import helperlib\n' },
      },
      // A module beside the package needs something the distribution never declares.
      {
        name: 'sideways',
        version: '1.0',
        files: { 'sideways_cli/__init__.py': 'import undeclaredlib\n' },
      },
      // Truly cannot import: its own package imports a submodule the wheel forgot.
      {
        name: 'broken',
        version: '1.0',
        files: { 'broken/__init__.py': 'from broken import _impl\n' },
      },
      { name: 'helperlib', version: '1.0' },
    ],
  });
}, 120_000);
afterAll(async () => {
  await index?.cleanup();
  if (work) await rm(work, { recursive: true, force: true });
  for (const dir of cleanup) await rm(dir, { recursive: true, force: true });
});

async function build(requirements: string, overrides: Partial<BuildOptions> = {}, env?: NodeJS.ProcessEnv) {
  const dir = await mkdtemp(join(work, 'build-'));
  await writeFile(join(dir, 'requirements.txt'), requirements);
  const log = memoryLogger();
  const outcome = await buildLayer(
    {
      requirementsFile: join(dir, 'requirements.txt'),
      target: resolveTarget('python3.11', 'x86_64'),
      outDir: join(dir, 'out'),
      indexUrl: index.indexUrl,
      extraIndexUrls: [],
      findLinks: [],
      bytecode: false,
      bytecodePython: python311,
      sdist: 'never',
      ...overrides,
    },
    log,
    { env: env ?? isolatedPipEnv(), keepStaging: true },
  ).then(
    (result) => {
      if (result.stagingDir) cleanup.push(result.stagingDir);
      if (result.layerDir) cleanup.push(dirname(result.layerDir));
      return { result, error: undefined };
    },
    (error: unknown) => ({ result: undefined, error }),
  );
  return { ...outcome, log, dir };
}

describe('import proof: modules that need an extra', () => {
  it('warns about a module beside the package that needs an extra not asked for, and builds', async () => {
    const { result, error, log } = await build('plugged\n');
    expect(error).toBeUndefined();
    expect(result?.manifest.importProof).toMatchObject({
      status: 'passed',
      modules: [{ distribution: 'plugged', module: 'plugged' }],
      needsExtra: [
        {
          distribution: 'plugged',
          module: 'plugged_server',
          missing: 'helperlib',
          requirement: 'helperlib',
          extras: ['x'],
        },
      ],
    });
    const warnings = log.lines.filter((line) => line.startsWith('warn: '));
    expect(warnings).toEqual([
      "warn: plugged ships plugged_server, which imports helperlib: that comes only with plugged[x], not requested. plugged itself imports; a function that imports plugged_server needs plugged[x] in the requirements (pip install 'plugged[x]')",
    ]);
    // The traceback is there for --verbose only.
    expect(log.lines).toContainEqual(
      expect.stringMatching(/^debug: import plugged_server \(plugged\):\nTraceback/),
    );
  });

  it('with the extra asked for, the module imports and nothing is said', async () => {
    const { result, log } = await build('plugged[x]\n');
    expect(result?.manifest.importProof?.needsExtra).toBeUndefined();
    expect(result?.manifest.importProof?.modules.map((m) => m.module)).toEqual(['plugged', 'plugged_server']);
    expect(log.lines.filter((line) => line.startsWith('warn: '))).toEqual([]);
  });

  it("fails when the distribution's own package needs the extra: a function importing it would fail", async () => {
    const { error } = await build('ownneeds\n');
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toMatch(
      /^import proof failed on python3\.11 x86_64 with Python 3\.11\.\d+, natively: ownneeds: import ownneeds raised ModuleNotFoundError: No module named 'helperlib'$/,
    );
  });

  it('fails when a module beside the package needs something the distribution never declares', async () => {
    const { error } = await build('sideways\n');
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toContain(
      "sideways: import sideways_cli raised ModuleNotFoundError: No module named 'undeclaredlib'",
    );
  });

  it('a layer that truly cannot import fails in one line, with no traceback and no claim it cannot back', async () => {
    const { error, log, dir } = await build('broken\n');
    expect(error).toBeInstanceOf(UserError);
    const { message, hint } = error as UserError;
    expect(message.split('\n')).toHaveLength(1);
    expect(message).toMatch(
      /^import proof failed on python3\.11 x86_64 with Python 3\.11\.\d+, natively: broken: import broken raised ImportError: cannot import name '_impl' from partially initialized module 'broken'/,
    );
    // An ImportError that is not a missing module: no claim about Lambda it cannot back.
    expect(hint).not.toContain('Lambda');
    expect(hint).toContain('--verbose');
    expect(log.lines.filter((line) => /^(info|warn|error): .*Traceback/s.test(line))).toEqual([]);
    expect(log.lines).toContainEqual(expect.stringMatching(/^debug: import broken \(broken\):\nTraceback/));
    // Nothing was written.
    expect(() => execFileSync('ls', [join(dir, 'out', 'layer.zip')], { stdio: 'ignore' })).toThrow();
  });

  it('a module the layer lacks: the hint says Lambda would fail the same way', async () => {
    const { error } = await build('ownneeds\n');
    expect((error as UserError).hint).toMatch(
      /^the layer lacks a module, so importing it fails the same way on Lambda: add the missing distribution/,
    );
  });

  it('a standard-library module the proof interpreter lacks: says so, and claims nothing about Lambda', async () => {
    // A wheel whose package imports a standard-library module; an interpreter without it is
    // simulated the only way possible here: a sitecustomize-free -I run cannot hide stdlib, so
    // the wheel names a module in sys.stdlib_module_names that no CPython build on Linux has.
    const stdlibIndex = await createPackageIndex({
      wheels: [{ name: 'winonly', version: '1.0', files: { 'winonly/__init__.py': 'import winreg\n' } }],
    });
    try {
      const { error } = await build('winonly\n', { indexUrl: stdlibIndex.indexUrl });
      expect(error).toBeInstanceOf(UserError);
      expect((error as UserError).message).toContain("No module named 'winreg'");
      expect((error as UserError).hint).toMatch(
        /^winreg is a standard-library module the proof's interpreter was built without; that says nothing about Lambda/,
      );
    } finally {
      await stdlibIndex.cleanup();
    }
  });
});

describe.skipIf(!mirror)('import proof: the real duckdb 1.5.6 and black 22.12.0 wheels', () => {
  it('builds with a warning for adbc_driver_duckdb and blackd; duckdb and black work in the layer', async () => {
    const { result, error, log } = await build(
      'duckdb==1.5.6\nblack==22.12.0\n',
      {
        indexUrl: mirror?.indexUrl,
        extraIndexUrls: mirror?.extraIndexUrls ?? [],
        findLinks: mirror?.findLinks ?? [],
      },
      { ...process.env, PIP_RETRIES: '0' },
    );
    expect(error).toBeUndefined();
    const proof = result?.manifest.importProof;
    expect(proof?.status).toBe('passed');
    expect(proof?.modules.map((m) => m.module).sort()).toEqual(['black', 'blib2to3', 'duckdb']);
    expect(proof?.needsExtra).toEqual([
      { distribution: 'black', module: 'blackd', missing: 'aiohttp', requirement: 'aiohttp', extras: ['d'] },
      {
        distribution: 'duckdb',
        module: 'adbc_driver_duckdb',
        missing: 'adbc_driver_manager',
        requirement: 'adbc-driver-manager',
        extras: ['all'],
      },
    ]);
    const warnings = log.lines.filter((line) => line.startsWith('warn: '));
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain("pip install 'black[d]'");
    expect(warnings[1]).toContain("pip install 'duckdb[all]'");
    // The layer alone, as Lambda sees it: the standard library and python/.
    const used = execFileSync(
      python311,
      [
        '-I',
        '-S',
        '-B',
        '-c',
        "import sys; sys.path.insert(0, sys.argv[1]); import duckdb, black; print(duckdb.sql('select 42').fetchone()[0]); print(black.format_str('x=1', mode=black.Mode()), end='')",
        join(result?.layerDir ?? '', 'python'),
      ],
      { encoding: 'utf8', timeout: 120_000 },
    );
    expect(used).toBe('42\nx = 1\n');
  }, 300_000);
});

describe('import proof failure from the real CLI', () => {
  it('prints one error line and its hint; the traceback only with --verbose', async () => {
    const dir = await mkdtemp(join(work, 'cli-'));
    await writeFile(join(dir, 'requirements.txt'), 'broken\n');
    const args = ['build', '--index-url', index.indexUrl, '--no-cache', '--no-bytecode', '--out', 'out'];
    const quiet = await runCli(args, { cwd: dir, env: isolatedPipEnv() });
    expect(quiet.code).not.toBe(0);
    const errors = quiet.stderr.split('\n').filter((line) => line.startsWith('error'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('broken: import broken raised ImportError');
    expect(quiet.stderr).not.toContain('Traceback');
    const verbose = await runCli([...args, '--verbose'], { cwd: dir, env: isolatedPipEnv() });
    expect(verbose.stderr).toContain('Traceback');
    // Layer paths, not the build machine's staging folder.
    expect(verbose.stderr).toMatch(/File "python\/broken\/__init__\.py"/);
  }, 180_000);
});
