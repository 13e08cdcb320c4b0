/**
 * Which modules prove a distribution: the importable names its RECORD installed, at the first
 * level that is real code. `flask/__init__.py` gives `flask`, `six.py` gives `six`, and a
 * namespace package (a directory without __init__.py, which imports even when empty) is looked
 * into: protobuf's `google/protobuf/__init__.py` gives `google.protobuf`, not `google`.
 * RECORD rather than top_level.txt: every wheel installer writes RECORD, only setuptools writes
 * top_level.txt, and top_level.txt names `google` for protobuf.
 */

/** Extension module file names: `name.cpython-311-x86_64-linux-gnu.so`, `name.abi3.so`, `name.so`. */
const MODULE_FILE = /^([^.]+)(?:\.[^/]*)?\.so$|^([^.]+)\.py$/;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Top-level folders some wheels ship by packaging mistake (aiomysql ships docs/ and examples/,
 * einx ships test/; some ship setup.py): not the distribution's code, and importing them runs
 * test or build tooling the layer does not contain (`setup` calls setuptools.setup()).
 */
const NOT_THE_DISTRIBUTIONS_CODE = new Set([
  'tests',
  'test',
  'conftest',
  'docs',
  'examples',
  'benchmarks',
  'setup',
]);

function moduleOf(path: string, present: ReadonlySet<string>): string | undefined {
  const parts = path.split('/');
  const file = parts.at(-1) ?? '';
  const match = MODULE_FILE.exec(file);
  const stem = match?.[1] ?? match?.[2];
  if (!stem) return undefined;
  const dirs = parts.slice(0, -1);
  for (let i = 0; i < dirs.length; i++) {
    if (!IDENTIFIER.test(dirs[i] ?? '')) return undefined; // numpy.libs/, foo-stubs/: not importable
    if (present.has([...dirs.slice(0, i + 1), '__init__.py'].join('/')))
      return dirs.slice(0, i + 1).join('.');
  }
  if (!IDENTIFIER.test(stem) || stem === '__init__') return undefined;
  return [...dirs, stem].join('.');
}

/**
 * The modules that prove one distribution, sorted. `files` are its RECORD paths relative to
 * python/; `exists` says whether one is still in the layer (slimming may have removed it).
 * Public names only when it has any: a private top-level module (`_cffi_backend`) is loaded by
 * the public one that needs it.
 */
export function distributionModules(files: readonly string[], exists: (path: string) => boolean): string[] {
  const present = new Set(
    files.filter(
      (path) =>
        !path.startsWith('../') &&
        !path.startsWith('/') &&
        !path.includes('/__pycache__/') &&
        !/^[^/]+\.(dist-info|data)\//.test(path) &&
        exists(path),
    ),
  );
  const modules = new Set<string>();
  for (const path of present) {
    const module = moduleOf(path, present);
    if (module && !NOT_THE_DISTRIBUTIONS_CODE.has(module.split('.')[0] ?? '')) modules.add(module);
  }
  const all = [...modules].sort();
  const isPublic = (module: string): boolean => module.split('.').every((part) => !part.startsWith('_'));
  return all.some(isPublic) ? all.filter(isPublic) : all;
}

/** A name as an import spells it: PEP 503 normalized, then `-` as `_` (`adbc-driver-manager` -> `adbc_driver_manager`). */
export function moduleStyleName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '_');
}

/**
 * The distribution's own package(s) among its modules: those named after it (duckdb's `duckdb`,
 * black's `black`, not `adbc_driver_duckdb` or `blackd` that ship beside them). A distribution
 * whose modules are all named otherwise (PyYAML's `yaml`, opentelemetry-api's namespace
 * modules) owns all of them: nothing else tells its main code from the rest.
 */
export function ownModules(distribution: string, modules: readonly string[]): Set<string> {
  const name = moduleStyleName(distribution);
  const own = modules.filter((module) => moduleStyleName(module.split('.')[0] ?? '') === name);
  return new Set(own.length > 0 ? own : modules);
}
