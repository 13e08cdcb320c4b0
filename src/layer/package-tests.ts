/**
 * A package's own test suite: the files under a `tests` or `test` directory inside a package
 * (python/<pkg>/.../tests/...). A Lambda function imports the package, never its tests: --slim
 * removes them, and without it they ship as source only (no bytecode, see bytecode.ts). A
 * top-level python/tests is left alone: it is a (badly named) importable package of its own.
 */
export function isInPackageTests(relativePath: string): boolean {
  const dirs = relativePath.split('/').slice(0, -1);
  // Index >= 1: a tests directory inside a package, never a top-level package named tests.
  return dirs.some((dir, index) => index >= 1 && (dir === 'tests' || dir === 'test'));
}
