/**
 * One result object, two renderings: the GitHub job summary (Markdown) and the CLI's closing
 * table (plain text). Pure functions, so what the user sees is tested without a runner.
 */
import type { FunctionCheck } from './deploy/function-check.js';
import type { ImportProofReport, Manifest } from './layer/types.js';
import { licenseLabel } from './wheel/license.js';

export interface RegionOutcome {
  readonly region: string;
  readonly layerVersionArn?: string;
  readonly version?: number;
  readonly reused?: boolean;
  readonly error?: string;
}

export interface JobResult {
  readonly manifest: Manifest;
  readonly zipPath: string;
  readonly cacheHit: boolean;
  /** The CycloneDX SBOM beside the zip, when one was written. */
  readonly sbomPath?: string;
  readonly publish?: readonly RegionOutcome[];
  /** Why nothing was published, when publishing was not asked for (the action's `publish: false`). */
  readonly notPublished?: string;
  readonly deploy?: {
    readonly stage: string;
    readonly endpoint?: string;
    readonly smokeTest?: { readonly status?: number; readonly ok: boolean; readonly url: string };
    /** The post-deploy invoke check's rows, when it ran. */
    readonly functions?: readonly FunctionCheck[];
    /** The HTTP function invoked to explain a failed smoke test. */
    readonly smokeTestDiagnosis?: FunctionCheck;
  };
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** "1 binary", "3 binaries". */
export function countOf(n: number, singular: string, plural: string): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

/** A bar of up to `width` cells proportional to value/max; at least one cell for non-zero. */
export function sizeBar(value: number, max: number, width = 20): string {
  if (max <= 0 || value <= 0) return '';
  const cells = Math.max(1, Math.round((value / max) * width));
  return '█'.repeat(cells);
}

/** The platform part of a wheel's tags, e.g. manylinux_2_17_x86_64 or any. */
function wheelPlatform(tags: string): string {
  return tags.split('-').at(-1) ?? tags;
}

/**
 * Which pip chose the packages and for which marker environment (the variables a requirement's
 * `; marker` can test), e.g. "pip 26.2.1 · markers: sys_platform linux, platform_machine aarch64, ...".
 */
export function resolverLine(manifest: JobResult['manifest']): string | undefined {
  const r = manifest.resolver;
  if (!r) return undefined;
  const shown = Object.entries(r.markerEnvironment)
    .map(([name, value]) => `${name} ${value === '' ? '""' : value}`)
    .join(', ');
  return `Resolved by pip ${r.pip} with the target's environment markers: ${shown}.`;
}

const INPUT_FORMATS: Record<string, string> = {
  requirements: 'requirements file',
  pyproject: 'pyproject.toml, resolved by pip',
  pylock: 'pylock.toml (PEP 751), locked versions and hashes',
  'uv-lock': 'uv.lock, locked versions and hashes',
  'poetry-lock': 'poetry.lock, locked versions and hashes',
  'pipfile-lock': 'Pipfile.lock, locked versions and hashes',
};

/** "Input: uv.lock (uv.lock, locked versions and hashes)"; undefined for older manifests. */
export function inputLine(manifest: JobResult['manifest']): string | undefined {
  const input = manifest.input;
  if (!input) return undefined;
  return `Input: ${input.file} (${INPUT_FORMATS[input.format] ?? input.format}).`;
}

/** "adbc_driver_duckdb needs duckdb[all]": the modules the proof left to an extra. */
function needsExtraText(proof: ImportProofReport): string {
  return (proof.needsExtra ?? [])
    .map(
      (item) => `${item.module} needs ${item.extras.map((e) => `${item.distribution}[${e}]`).join(' or ')}`,
    )
    .join('; ');
}

/**
 * One line on the import proof: what was imported, where and how long, or why it did not run.
 * On a cache hit nothing was imported: the line says the result is the cached build's, without
 * its timing. Undefined for manifests from before the proof existed (restored from an older cache).
 */
export function importProofLine(proof: ImportProofReport | undefined, cacheHit = false): string | undefined {
  if (!proof) return undefined;
  const cached = cacheHit ? ' (result of the build that made the cached layer)' : '';
  if (proof.status !== 'passed')
    return `Import proof: ${proof.status}${proof.reason ? ` (${proof.reason})` : ''}${cached}.`;
  const distributions = new Set(proof.modules.map((m) => m.distribution)).size;
  const modules = `${proof.modules.map((m) => m.module).join(', ')} (${countOf(distributions, 'distribution', 'distributions')})`;
  const warned = proof.needsExtra?.length ? `; not imported: ${needsExtraText(proof)}` : '';
  if (cacheHit)
    return `Import proof: passed when the cached layer was built: ${modules}${warned}; not run again.`;
  const where =
    proof.mode === 'emulated'
      ? `under ${proof.emulator?.path ?? 'emulation'} (${proof.interpreter?.machine})`
      : `natively (${proof.interpreter?.machine})`;
  const seconds = ((proof.durationMs ?? 0) / 1000).toFixed(1);
  return `Import proof: ${modules} imported by Python ${proof.interpreter?.version} ${proof.interpreter?.path} ${where} in ${seconds} s${warned}.`;
}

/** The words of the result: built or from the cache, verified, proven, published or not. */
export function resultWords(result: JobResult): string[] {
  const { manifest } = result;
  const words = [result.cacheHit ? 'from the cache' : 'built'];
  const v = manifest.verification;
  if (v) words.push(v.ok ? 'verified' : 'verification failed');
  const proof = manifest.importProof;
  if (proof?.status === 'passed')
    words.push(
      proof.needsExtra?.length
        ? `imports proven (${countOf(proof.needsExtra.length, 'warning', 'warnings')})`
        : 'imports proven',
    );
  else if (proof) words.push(`import proof ${proof.status}`);
  if (result.publish) {
    const failed = result.publish.filter((r) => r.error);
    words.push(
      failed.length > 0
        ? `publish failed in ${failed.map((r) => r.region).join(', ')}`
        : result.publish.every((r) => r.reused)
          ? 'published (existing version reused)'
          : 'published',
    );
  } else if (result.notPublished) words.push('not published');
  if (result.deploy) words.push(`deployed to stage ${result.deploy.stage}`);
  return words;
}

/** A size that never wraps inside a table cell (a no-break space between number and unit). */
function cellBytes(bytes: number): string {
  return formatBytes(bytes).replace(' ', '\u00a0');
}

/** "3 binaries match x86_64 and glibc 2.26", or that there were none to check (pure Python). */
function binariesText(count: number, t: JobResult['manifest']['target']): string {
  return count === 0
    ? `no compiled binaries to check (pure Python); layout and size fit ${t.runtime}`
    : `${countOf(count, 'binary matches', 'binaries match')} ${t.architecture} and glibc ${t.glibc}`;
}

/** The Markdown bullets that open the job summary: one per stage, each with its outcome. */
function resultBullets(result: JobResult): string[] {
  const { manifest } = result;
  const t = manifest.target;
  const size = `zip ${formatBytes(manifest.layer.zipSize)}, unzipped ${formatBytes(manifest.layer.unzippedSize)}, ${manifest.layer.fileCount} files`;
  const from = manifest.cache?.builtFrom;
  const bullets = [
    result.cacheHit
      ? `- **From the cache**: layer.zip as built before${from ? ` from \`${from.file}\`` : ''}; nothing resolved, compiled, verified or imported in this run (${size}).`
      : `- **Built**: ${size}.`,
  ];
  const v = manifest.verification;
  if (v) {
    bullets.push(
      v.ok
        ? `- **Verified**: ${binariesText(v.checkedBinaries, t)}.`
        : `- **Verification failed**: ${v.findings.length} problem(s).`,
    );
    for (const f of v.findings) bullets.push(`  - \`${f.file}\`: ${f.problem}`);
    for (const w of v.warnings) bullets.push(`  - warning: ${w}`);
  }
  const proof = importProofLine(manifest.importProof, result.cacheHit);
  if (proof) bullets.push(`- **${proof.replace(/^Import proof: /, 'Import proof**: ')}`);
  if (result.publish) {
    const failed = result.publish.filter((r) => r.error);
    const worked = result.publish.filter((r) => !r.error);
    const list = (rows: readonly RegionOutcome[]) =>
      rows
        .map((r) => `${r.region} version ${r.version}${r.reused ? ' (reused: same CodeSha256)' : ''}`)
        .join(', ');
    if (worked.length > 0) bullets.push(`- **Published**: ${list(worked)}.`);
    if (failed.length > 0)
      bullets.push(
        `- **Publish failed**: ${failed.map((r) => `${r.region}: ${cell(r.error ?? '')}`).join('; ')}.`,
      );
  } else if (result.notPublished) {
    bullets.push(`- **Not published**: ${result.notPublished}.`);
  }
  return bullets;
}

/** The package name as the tables spell it: PEP 503 normalized, so one table uses one spelling. */
function tableName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/** A wheel's platform tags as separate code spans, so a long tag set wraps between tags, not in a size. */
function platformCell(tags: string): string {
  return wheelPlatform(tags)
    .split('.')
    .map((tag) => `\`${tag}\``)
    .join(' ');
}

/**
 * Each distribution's licence, grouped by licence (most used first): what a reviewer reads
 * before an auditor does. Undefined for manifests from before licences were recorded.
 */
export function licenseTable(manifest: JobResult['manifest'], sbomPath?: string): string[] | undefined {
  if (!manifest.packages.some((p) => p.license) && !sbomPath) return undefined;
  const groups = new Map<string, string[]>();
  for (const p of manifest.packages) {
    const label = licenseLabel(p.license);
    groups.set(label, [...(groups.get(label) ?? []), `${p.name} ${p.version}`]);
  }
  const rows = [...groups].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]));
  return [
    '| Licence | Distributions |',
    '|---|---|',
    ...rows.map(
      ([label, names]) =>
        `| ${cell(label, 80)} | ${names.sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())).join(', ')} |`,
    ),
    ...(sbomPath ? ['', `SBOM (CycloneDX): \`${sbomPath}\``] : []),
  ];
}

export function summaryMarkdown(result: JobResult): string {
  const { manifest } = result;
  const t = manifest.target;
  const lines: string[] = [];
  lines.push(`## Lambda layer: ${t.runtime} ${t.architecture}: ${resultWords(result).join(', ')}`);
  lines.push('');
  lines.push(...resultBullets(result));
  lines.push('');
  const input = inputLine(manifest);
  lines.push(`${input ? `${input} ` : ''}Target ${t.os}, glibc ${t.glibc}, Python ${t.pythonVersion}.`);
  lines.push('');
  const resolver = resolverLine(manifest);
  if (resolver) lines.push(resolver, '');

  const max = Math.max(0, ...manifest.packages.map((p) => p.size));
  // Size before the wheel's tags: a long tag set then wraps in the last column, never the size.
  lines.push('| Package | Version | Size | | Wheel |');
  lines.push('|---|---|---:|---|---|');
  for (const p of [...manifest.packages].sort((a, b) => b.size - a.size)) {
    const source = p.builtFromSource ? ' (built from source)' : '';
    lines.push(
      `| ${tableName(p.name)} | ${p.version} | ${cellBytes(p.size)} | ${sizeBar(p.size, max)} | ${platformCell(p.tags)}${source} |`,
    );
  }
  lines.push('');

  const licenses = licenseTable(manifest, result.sbomPath);
  if (licenses) lines.push(...licenses, '');

  const b = manifest.bytecode;
  lines.push(
    b.mode === 'none'
      ? `Bytecode: none shipped${b.reason ? ` (${b.reason})` : ''}.`
      : `Bytecode: ${b.compiled} files compiled by ${b.interpreter?.path ?? '?'} (${b.interpreter?.version ?? '?'}), ${b.mode}.`,
  );
  lines.push('');

  if (result.publish) {
    lines.push('| Region | Layer version ARN | |');
    lines.push('|---|---|---|');
    for (const r of result.publish) {
      const state = r.error ? `failed: ${r.error}` : r.reused ? 'reused (same CodeSha256)' : 'published';
      lines.push(`| ${r.region} | ${r.layerVersionArn ? `\`${r.layerVersionArn}\`` : '-'} | ${state} |`);
    }
    lines.push('');
  }
  if (result.deploy) {
    const d = result.deploy;
    lines.push(`Deployed stage **${d.stage}**${d.endpoint ? `: ${d.endpoint}` : ''}`);
    if (d.smokeTest) {
      lines.push(
        `Smoke test GET ${d.smokeTest.url}: ${d.smokeTest.status ?? 'no answer'} ${d.smokeTest.ok ? '✅' : '❌'}`,
      );
    }
    lines.push('');
    const rows = d.functions ?? (d.smokeTestDiagnosis ? [d.smokeTestDiagnosis] : []);
    if (rows.length > 0) {
      lines.push(...functionTable(rows));
      lines.push('');
    }
  }
  return lines.join('\n');
}

/** A table cell: one line, no pipes. */
function cell(text: string, max = 160): string {
  const line = text.replace(/\s+/g, ' ').replace(/\|/g, '\\|').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** "ok (HTTP 200)", "❌ Runtime.ImportModuleError: ...", "skipped: ..." */
export function functionResult(check: FunctionCheck): string {
  if (check.result === 'skipped') return `skipped: ${check.skipped ?? ''}`;
  if (check.result === 'ok') return `✅ ok${check.httpStatus ? ` (HTTP ${check.httpStatus})` : ''}`;
  return `❌ ${check.error?.type}: ${check.error?.message}`;
}

function durationOf(check: FunctionCheck): string {
  const r = check.report;
  if (!r) return '-';
  const init = r.initDurationMs !== undefined ? ` + init ${r.initDurationMs.toFixed(0)} ms` : '';
  return `${r.durationMs.toFixed(r.durationMs < 10 ? 1 : 0)} ms${init} (billed ${r.billedDurationMs ?? '?'} ms)`;
}

function memoryOf(check: FunctionCheck): string {
  const r = check.report;
  if (!r || r.maxMemoryUsedMb === undefined) return '-';
  return `${r.maxMemoryUsedMb} / ${r.memorySizeMb ?? '?'} MB`;
}

/** The job summary's table of invoked functions. */
export function functionTable(checks: readonly FunctionCheck[]): string[] {
  return [
    '| Function | Trigger | Result | Duration | Memory (max / size) |',
    '|---|---|---|---:|---:|',
    ...checks.map(
      (c) =>
        `| ${c.key} (\`${c.name}\`) | ${c.trigger} | ${cell(functionResult(c))} | ${durationOf(c)} | ${memoryOf(c)} |`,
    ),
  ];
}

/** The CLI's lines for the same rows. */
export function functionLines(checks: readonly FunctionCheck[]): string[] {
  const width = Math.max(8, ...checks.map((c) => c.key.length));
  const tw = Math.max(7, ...checks.map((c) => c.trigger.length));
  return [
    `  ${'function'.padEnd(width)}  ${'trigger'.padEnd(tw)}  result`,
    ...checks.map((c) => {
      const figures = c.result === 'skipped' ? '' : `  ${durationOf(c)}, ${memoryOf(c)}`;
      return `  ${c.key.padEnd(width)}  ${c.trigger.padEnd(tw)}  ${cell(functionResult(c), 120).replace(/^[✅❌] /u, '')}${figures}`;
    }),
  ];
}

/** One error annotation per failed function: the title names it, the message has the log tail. */
export function functionAnnotations(
  checks: readonly FunctionCheck[],
  describe: (check: FunctionCheck) => string,
): { title: string; message: string }[] {
  return checks
    .filter((c) => c.result === 'failed')
    .map((c) => ({ title: `${c.key} (${c.name}) failed: ${c.error?.type}`, message: describe(c) }));
}

/** The CLI's closing lines: the result first (where the zip is, what was proven), then the packages. */
export function cliSummary(result: JobResult): string {
  const { manifest } = result;
  const names = manifest.packages.map((p) => tableName(p.name));
  const width = Math.max(7, ...names.map((n) => n.length));
  const vwidth = Math.max(7, ...manifest.packages.map((p) => p.version.length));
  const max = Math.max(0, ...manifest.packages.map((p) => p.size));
  const rows = [...manifest.packages]
    .sort((a, b) => b.size - a.size)
    .map(
      (p) =>
        `  ${tableName(p.name).padEnd(width)}  ${p.version.padEnd(vwidth)}  ${formatBytes(p.size).padStart(10)}  ${sizeBar(p.size, max, 16).padEnd(16)}  ${wheelPlatform(p.tags)}${p.builtFromSource ? ' (built from source)' : ''}`,
    );
  const t = manifest.target;
  const from = manifest.cache?.builtFrom;

  const proof = importProofLine(manifest.importProof, result.cacheHit);
  const input = inputLine(manifest);
  const v = manifest.verification;
  return [
    `${result.cacheHit ? `Restored ${result.zipPath} from the cache` : `Built ${result.zipPath}`} for ${t.runtime} ${t.architecture} (${t.os}, glibc ${t.glibc}): ${resultWords(result).slice(1).join(', ')}`,
    `  zip ${formatBytes(manifest.layer.zipSize)}, unzipped ${formatBytes(manifest.layer.unzippedSize)}, ${manifest.layer.fileCount} files, CodeSha256 ${manifest.layer.codeSha256}`,
    ...(input ? [`  ${input}`] : []),
    ...(result.cacheHit && from
      ? [
          `  Cached layer built from ${from.file}: nothing resolved, compiled, verified or imported in this run.`,
        ]
      : []),
    ...(v
      ? [
          v.ok
            ? `  Verified: ${binariesText(v.checkedBinaries, t)}${result.cacheHit ? ' (when the cached layer was built)' : ''}.`
            : `  Verification failed: ${v.findings.length} problem(s).`,
        ]
      : []),
    ...(proof ? [`  ${proof}`] : []),
    ...(manifest.resolver
      ? [
          `  Resolved by pip ${manifest.resolver.pip} for sys_platform ${manifest.resolver.markerEnvironment.sys_platform}, ` +
            `platform_machine ${manifest.resolver.markerEnvironment.platform_machine}, ` +
            `python_full_version ${manifest.resolver.markerEnvironment.python_full_version} (manifest.json lists every marker)`,
        ]
      : []),
    ...(result.sbomPath ? [`  SBOM (CycloneDX): ${result.sbomPath}`] : []),
    '',
    `  ${'package'.padEnd(width)}  ${'version'.padEnd(vwidth)}  ${'size'.padStart(10)}`,
    ...rows,
  ].join('\n');
}

/** What a failed job tried, how far it got and what stopped it: the job summary of a failure. */
export interface JobFailure {
  readonly target?: { readonly runtime: string; readonly architecture: string };
  /** The job's steps in order, each with what it would do ("build python3.11 x86_64 from requirements.txt"). */
  readonly steps: readonly { readonly stage: string; readonly what: string }[];
  /** The stage that failed; undefined when the job failed before any (e.g. a bad input). */
  readonly failedStage?: string;
  readonly message: string;
  readonly hint?: string;
  /** The file and line the error is about, relative to the workspace. */
  readonly location?: { readonly file: string; readonly line?: number };
  /** What the job had done before it failed (a built layer, published regions, a deploy). */
  readonly partial?: JobResult;
}

export function failureSummaryMarkdown(failure: JobFailure): string {
  const t = failure.target;
  const lines: string[] = [];
  lines.push(
    `## Lambda layer${t ? `: ${t.runtime} ${t.architecture}` : ''}: failed${failure.failedStage ? ` at ${failure.failedStage}` : ''}`,
  );
  lines.push('');
  const where = failure.location
    ? ` (\`${failure.location.file}\`${failure.location.line ? ` line ${failure.location.line}` : ''})`
    : '';
  lines.push(`**Error**${where}: ${failure.message.replace(/\n/g, '  \n')}`);
  if (failure.hint) lines.push('', `**What to do**: ${failure.hint}`);
  lines.push('');
  if (failure.steps.length > 0) {
    const reached = failure.steps.findIndex((s) => s.stage === failure.failedStage);
    lines.push('Tried:');
    failure.steps.forEach((step, i) => {
      const state = reached < 0 ? '' : i < reached ? ' ✅' : i === reached ? ' ❌ failed' : ' (not reached)';
      lines.push(`${i + 1}. ${step.what}${state}`);
    });
    lines.push('');
  }
  if (failure.partial) {
    lines.push(
      summaryMarkdown(failure.partial).replace(
        /^## Lambda layer: [^\n]*/,
        '### What was done before it failed',
      ),
    );
  }
  return lines.join('\n');
}
