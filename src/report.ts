/**
 * One result object, two renderings: the GitHub job summary (Markdown) and the CLI's closing
 * table (plain text). Pure functions, so what the user sees is tested without a runner.
 */
import type { ImportProofReport, Manifest } from './layer/types.js';

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
  readonly publish?: readonly RegionOutcome[];
  readonly deploy?: {
    readonly stage: string;
    readonly endpoint?: string;
    readonly smokeTest?: { readonly status?: number; readonly ok: boolean; readonly url: string };
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
 * One line on the import proof: what was imported, where and how long, or why it did not run.
 * Undefined for manifests from before the proof existed (restored from an older cache).
 */
export function importProofLine(proof: ImportProofReport | undefined): string | undefined {
  if (!proof) return undefined;
  if (proof.status !== 'passed')
    return `Import proof: ${proof.status}${proof.reason ? ` (${proof.reason})` : ''}.`;
  const distributions = new Set(proof.modules.map((m) => m.distribution)).size;
  const where =
    proof.mode === 'emulated'
      ? `under ${proof.emulator?.path ?? 'emulation'} (${proof.interpreter?.machine})`
      : `natively (${proof.interpreter?.machine})`;
  const seconds = ((proof.durationMs ?? 0) / 1000).toFixed(1);
  return (
    `Import proof: ${proof.modules.map((m) => m.module).join(', ')} (${countOf(distributions, 'distribution', 'distributions')}) ` +
    `imported by Python ${proof.interpreter?.version} ${proof.interpreter?.path} ${where} in ${seconds} s.`
  );
}

export function summaryMarkdown(result: JobResult): string {
  const { manifest } = result;
  const t = manifest.target;
  const lines: string[] = [];
  lines.push(`## Lambda layer: ${t.runtime} ${t.architecture}`);
  lines.push('');
  lines.push(
    `Target ${t.os}, glibc ${t.glibc}, Python ${t.pythonVersion} · ` +
      `${result.cacheHit ? 'cache hit (pip skipped)' : 'cache miss (built)'} · ` +
      `zip ${formatBytes(manifest.layer.zipSize)}, unzipped ${formatBytes(manifest.layer.unzippedSize)}, ` +
      `${manifest.layer.fileCount} files`,
  );
  lines.push('');

  const max = Math.max(0, ...manifest.packages.map((p) => p.size));
  lines.push('| Package | Version | Wheel | Size | |');
  lines.push('|---|---|---|---:|---|');
  for (const p of [...manifest.packages].sort((a, b) => b.size - a.size)) {
    const source = p.builtFromSource ? ' (built from source)' : '';
    lines.push(
      `| ${p.name} | ${p.version} | \`${wheelPlatform(p.tags)}\`${source} | ${formatBytes(p.size)} | ${sizeBar(p.size, max)} |`,
    );
  }
  lines.push('');

  const v = manifest.verification;
  if (v) {
    lines.push(
      v.ok
        ? `**Verification passed**: ${countOf(v.checkedBinaries, 'binary matches', 'binaries match')} ${t.architecture} and glibc ${t.glibc}.`
        : `**Verification failed**: ${v.findings.length} problem(s).`,
    );
    for (const f of v.findings) lines.push(`- \`${f.file}\`: ${f.problem}`);
    for (const w of v.warnings) lines.push(`- warning: ${w}`);
    if (v.largest.length > 0) {
      lines.push('');
      lines.push(`Largest: ${v.largest.map((l) => `${l.name} ${formatBytes(l.size)}`).join(', ')}`);
    }
    lines.push('');
  }
  const b = manifest.bytecode;
  lines.push(
    b.mode === 'none'
      ? `Bytecode: none shipped${b.reason ? ` (${b.reason})` : ''}.`
      : `Bytecode: ${b.compiled} files compiled by ${b.interpreter?.path ?? '?'} (${b.interpreter?.version ?? '?'}), ${b.mode}.`,
  );
  lines.push('');
  const proof = importProofLine(manifest.importProof);
  if (proof) lines.push(proof, '');

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
  }
  return lines.join('\n');
}

/** The CLI's closing lines: where the zip is and what is in it. */
export function cliSummary(result: JobResult): string {
  const { manifest } = result;
  const width = Math.max(7, ...manifest.packages.map((p) => p.name.length));
  const vwidth = Math.max(7, ...manifest.packages.map((p) => p.version.length));
  const max = Math.max(0, ...manifest.packages.map((p) => p.size));
  const rows = [...manifest.packages]
    .sort((a, b) => b.size - a.size)
    .map(
      (p) =>
        `  ${p.name.padEnd(width)}  ${p.version.padEnd(vwidth)}  ${formatBytes(p.size).padStart(10)}  ${sizeBar(p.size, max, 16).padEnd(16)}  ${wheelPlatform(p.tags)}${p.builtFromSource ? ' (built from source)' : ''}`,
    );
  const t = manifest.target;
  const verb = result.cacheHit ? 'Restored from cache' : 'Built';
  const proof = importProofLine(manifest.importProof);
  return [
    `${verb} ${result.zipPath} for ${t.runtime} ${t.architecture} (${t.os}, glibc ${t.glibc})`,
    `  zip ${formatBytes(manifest.layer.zipSize)}, unzipped ${formatBytes(manifest.layer.unzippedSize)}, ${manifest.layer.fileCount} files, CodeSha256 ${manifest.layer.codeSha256}`,
    ...(proof ? [`  ${proof}`] : []),
    '',
    `  ${'package'.padEnd(width)}  ${'version'.padEnd(vwidth)}  ${'size'.padStart(10)}`,
    ...rows,
  ].join('\n');
}
