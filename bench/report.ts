/** BENCHMARKS.md from the results: one table per figure, the machine, the commands, the analysis. */
import {
  type BenchResults,
  type ImportTree,
  type RebuildResult,
  type StageSummary,
  TARGETS,
  type WorkloadResult,
} from './harness.js';
import type { PeakMemorySummary } from './memory.js';
import { formatPycValidity, type PycValidity } from './pyc-validity.js';
import type { PerWheelCacheUse } from './rebuild.js';
import { type Summary, type Verdict, verdict } from './stats.js';

export function formatMs(ms: number): string {
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 10) return `${ms.toFixed(0)} ms`;
  return `${ms.toFixed(1)} ms`;
}

export function formatBytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** Memory in MiB: whole MiB from 100 up, one decimal below. */
export function formatMiB(bytes: number): string {
  const mib = bytes / 1024 / 1024;
  return `${mib.toFixed(mib >= 100 ? 0 : 1)} MiB`;
}

function formatRatio(value: number): string {
  return `${value.toFixed(value < 0.1 ? 3 : 2)}x`;
}

function mark(pass: boolean): string {
  return pass ? '✅ pass' : '❌ miss';
}

function verdictCells(v: Verdict): string {
  return `${formatRatio(v.ratio)} | ≤ ${v.target}x | ${mark(v.pass)}`;
}

function row(cells: readonly (string | number)[]): string {
  return `| ${cells.join(' | ')} |`;
}

function summaryCells(s: Summary): string {
  return `${formatMs(s.median)} | ${formatMs(s.min)} | ${formatMs(s.max)}`;
}

function table(header: readonly string[], rows: readonly string[]): string[] {
  return [row(header), row(header.map(() => '---')), ...rows];
}

function summaryTable(results: BenchResults): string[] {
  const rows: string[] = [];
  for (const w of results.workloads) {
    const c = w.coldBuild;
    rows.push(
      row([
        '1. cold build (verify + bytecode) vs pip + zip',
        w.name,
        formatMs(c.oursMs.median),
        formatMs(c.baselineMs.median),
        verdictCells(c.verdict),
      ]),
    );
    rows.push(peakMemoryRow(w, results.settings.referencePeakMiB?.[w.name]));
    const warm = w.warmRebuild;
    if ('skipped' in warm)
      rows.push(row(['2. warm rebuild vs cold', w.name, '—', '—', `— | — | skipped: ${warm.skipped}`]));
    else
      rows.push(
        row([
          '2. warm rebuild (cache hit) vs cold',
          w.name,
          formatMs(warm.warmMs.median),
          formatMs(warm.coldMs.median),
          warm.verdict
            ? verdictCells(warm.verdict)
            : `${formatRatio(warm.ratio)} | (target on data only) | —`,
        ]),
      );
    rows.push(rebuildRow(w));
    const p = w.republish;
    rows.push(
      row([
        '3. unchanged re-publish: PublishLayerVersion calls',
        w.name,
        `${Math.max(...p.republishPublishCalls)} calls, ${formatMs(p.republishMs.median)}`,
        `1 call, ${formatMs(p.firstPublishMs.median)}`,
        `${formatRatio(p.ratio)} (time) | 0 calls | ${mark(p.pass)}`,
      ]),
    );
    const i = w.importTime;
    rows.push(
      row([
        '4a. cold import vs same packages without bytecode',
        w.name,
        formatMs(i.ours.importMs.median),
        formatMs(i.noBytecode.importMs.median),
        verdictCells(i.vsNoBytecode),
      ]),
    );
    rows.push(
      row([
        "4b. cold import vs baseline layer (unzip'd with its timestamps)",
        w.name,
        formatMs(i.ours.importMs.median),
        formatMs(i.baseline.importMs.median),
        verdictCells(i.vsBaseline),
      ]),
    );
    rows.push(
      row([
        '5a. zip size (unzipped size)',
        w.name,
        `${formatBytes(w.sizes.ours.zipBytes)} (${formatBytes(w.sizes.ours.unzippedBytes)})`,
        `${formatBytes(w.sizes.baseline.zipBytes)} (${formatBytes(w.sizes.baseline.unzippedBytes)})`,
        `${formatRatio(w.sizes.zipRatio)} (${formatRatio(w.sizes.unzippedRatio)}) | — | —`,
      ]),
    );
    rows.push(
      row([
        '5b. zip step alone vs `zip -r -X`',
        w.name,
        formatMs(w.zipStep.oursMs.median),
        formatMs(w.zipStep.infoZipMs.median),
        verdictCells(w.zipStep.verdict),
      ]),
    );
  }
  return table(
    ['Figure', 'Workload', 'Ours (median)', 'Baseline (median)', 'Ratio', 'Target', 'Result'],
    rows,
  );
}

const PEAK_FIGURE = '1b. peak memory of the cold build: process tree (largest process)';

/** The peak memory check: ours (process tree, median) / the reference given for this workload. */
export function peakVerdict(w: WorkloadResult, referenceMiB: number | undefined): Verdict | undefined {
  const peak = w.coldBuild.peakMemory;
  if (referenceMiB === undefined || !peak || 'notMeasured' in peak) return undefined;
  return verdict(peak.ours.treeBytes.median / (referenceMiB * 1024 * 1024), TARGETS.peakMemoryVsReference);
}

/** Files in a RAM file system under 1 MiB are noise of the machine, not the build's. */
const RAM_FILES_SHOWN_FROM = 1024 * 1024;

function peakCell(p: PeakMemorySummary): string {
  const ram = p.ramFilesBytes?.median ?? 0;
  const ramNote = ram >= RAM_FILES_SHOWN_FROM ? `; + ${formatMiB(ram)} of files in RAM (tmpfs)` : '';
  return `${formatMiB(p.treeBytes.median)} (${formatMiB(p.largestProcessBytes.median)})${ramNote}`;
}

function peakMemoryRow(w: WorkloadResult, referenceMiB: number | undefined): string {
  const peak = w.coldBuild.peakMemory;
  if (!peak) return row([PEAK_FIGURE, w.name, '—', '—', '— | — | not in these results']);
  if ('notMeasured' in peak)
    return row([
      PEAK_FIGURE,
      w.name,
      'not measured',
      'not measured',
      `— | — | not measured: ${peak.notMeasured}`,
    ]);
  const checked = peakVerdict(w, referenceMiB);
  return row([
    PEAK_FIGURE,
    w.name,
    peakCell(peak.ours),
    peakCell(peak.baseline),
    checked
      ? `${formatRatio(checked.ratio)} of the reference ${referenceMiB} MiB | ≤ ${checked.target}x | ${mark(checked.pass)}`
      : `${formatRatio(peak.ours.treeBytes.median / peak.baseline.treeBytes.median)} of pip + zip (informative) | reported (no --reference-peak-mib) | —`,
  ]);
}

const REBUILD_FIGURE = '2b. rebuild after changing one pin (per-wheel cache) vs cold';

function rebuildRow(w: WorkloadResult): string {
  const r = w.rebuild;
  if (!r) return row([REBUILD_FIGURE, w.name, '—', '—', '— | — | not in these results']);
  if ('skipped' in r) return row([REBUILD_FIGURE, w.name, '—', '—', `— | — | skipped: ${r.skipped}`]);
  return row([
    REBUILD_FIGURE,
    w.name,
    formatMs(r.rebuildMs.median),
    formatMs(r.coldMs.median),
    r.verdict ? verdictCells(r.verdict) : `${formatRatio(r.ratio)} | (target on data only) | —`,
  ]);
}

/** "K of M modules (W of X wheels)" from the per-wheel cache, over the samples. */
export function wheelCacheText(uses: readonly (PerWheelCacheUse | null)[]): string {
  const known = uses.filter((u): u is PerWheelCacheUse => u !== null && u.fromCache !== undefined);
  if (known.length === 0 || known.length !== uses.length) return 'not reported by this CLI';
  const distinct = [
    ...new Set(known.map((u) => JSON.stringify([u.fromCache, u.modules, u.hitWheels, u.wheels]))),
  ];
  const one = (u: PerWheelCacheUse): string =>
    `${u.fromCache} of ${u.modules} modules${u.wheels !== undefined ? ` (${u.hitWheels} of ${u.wheels} wheels)` : ''}`;
  if (distinct.length === 1)
    return `${one(known[0] as PerWheelCacheUse)}${known.length > 1 ? ', every run' : ''}`;
  return known.map((u, i) => `run ${i + 1}: ${one(u)}`).join('; ');
}

function elfCacheText(uses: readonly (PerWheelCacheUse | null)[]): string {
  const last = uses.at(-1);
  if (!last?.elf) return '—';
  const e = last.elf;
  return `${e.fromCache} from the cache (${e.hitWheels} of ${e.wheels} wheels), ${e.read} read`;
}

function rebuildSection(results: BenchResults): string[] {
  const rows: string[] = [];
  const details: string[] = [];
  for (const w of results.workloads) {
    const r = w.rebuild;
    if (!r) {
      rows.push(row([w.name, '— | — | —', '—', '— | — | not in these results', '—', '—', '—']));
      continue;
    }
    if ('skipped' in r) {
      rows.push(row([w.name, '— | — | —', '—', `— | — | skipped: ${r.skipped}`, '—', '—', '—']));
      continue;
    }
    rows.push(rebuildTableRow(w.name, r));
    details.push(
      `### ${w.name}`,
      '',
      `Change: ${r.change}. The untimed builds that filled the cache dirs took a median ${formatMs(r.primeMs.median)}.`,
      '',
      "Where the rebuild spends its time (same stage split as the cold build), beside the cold build's stages:",
      '',
      ...rebuildStageTable(r.stages, w.coldBuild.stages),
      '',
    );
  }
  return [
    '## 2b. Rebuild after changing one pin (per-wheel cache via `--cache-dir`)',
    '',
    "Per run: a fresh cache dir; an untimed build of the workload's requirements with `--cache-dir` (fills the per-wheel cache by wheel sha256: pycs and their deflated bytes, ELF facts); " +
      'then the timed build of the one-pin variant with the same `--cache-dir`. The variant misses the whole-layer cache (the harness fails the run if it was restored from it) ' +
      'and reuses the per-wheel entries of every unchanged wheel. The ratio is to the median of our cold build (`--no-cache`) above.',
    '',
    ...table(
      [
        'Workload',
        'Rebuild median',
        'Min',
        'Max',
        'Cold median',
        'Ratio',
        'Target',
        'Result',
        'Modules from the per-wheel cache',
        'ELF headers (verification)',
        'Resolved versions changed',
      ],
      rows,
    ),
    '',
    ...details,
  ];
}

/** The rebuild's stages with the cold build's median of the same stage. */
function rebuildStageTable(stages: readonly StageSummary[], cold: readonly StageSummary[]): string[] {
  return table(
    ['Stage', 'Median', 'Min', 'Max', 'Share of median rebuild', 'Cold build median', 'Rebuild − cold'],
    stages.map((s) => {
      const before = cold.find((c) => c.name === s.name);
      const delta = before ? s.ms.median - before.ms.median : undefined;
      return row([
        s.name,
        summaryCells(s.ms),
        `${(s.share * 100).toFixed(0)}%`,
        before ? formatMs(before.ms.median) : '—',
        delta === undefined ? '—' : `${delta >= 0 ? '+' : '−'}${formatMs(Math.abs(delta))}`,
      ]);
    }),
  );
}

function rebuildTableRow(name: string, r: RebuildResult): string {
  return row([
    name,
    summaryCells(r.rebuildMs),
    formatMs(r.coldMs.median),
    r.verdict ? verdictCells(r.verdict) : `${formatRatio(r.ratio)} | — | —`,
    wheelCacheText(r.wheelCache),
    elfCacheText(r.wheelCache),
    r.resolvedChanges.length === 0
      ? 'none'
      : r.resolvedChanges.map((c) => `${c.name} ${c.before ?? '—'} → ${c.after ?? '—'}`).join(', '),
  ]);
}

/** Peak memory of both cold builds; a line saying why where it was not measured. */
function peakMemoryLines(w: WorkloadResult): string[] {
  const peak = w.coldBuild.peakMemory;
  if (!peak) return ['Peak memory: — (not measured by the harness that wrote these results).', ''];
  if ('notMeasured' in peak) return [`Peak memory: not measured (${peak.notMeasured}).`, ''];
  const peakRow = (label: string, p: PeakMemorySummary): string =>
    row([
      label,
      `${formatMiB(p.treeBytes.median)} | ${formatMiB(p.treeBytes.min)} | ${formatMiB(p.treeBytes.max)}`,
      `${formatMiB(p.largestProcessBytes.median)} | ${formatMiB(p.largestProcessBytes.min)} | ${formatMiB(p.largestProcessBytes.max)}`,
      p.largestProcesses.join(', '),
      p.ramFilesBytes
        ? `${formatMiB(p.ramFilesBytes.median)} | ${formatMiB(p.ramFilesBytes.min)} | ${formatMiB(p.ramFilesBytes.max)}`
        : '— | — | —',
      `${p.samples.median.toFixed(0)} (${formatMs(p.samplingMs.median)})`,
    ]);
  return [
    `Peak memory, sampled every ${peak.intervalMs} ms from /proc: *process tree* is the largest sum of VmRSS over the spawned process and its live descendants at one sample ` +
      "(pages shared between processes count once per process); *largest process* is the largest VmHWM (the kernel's own peak RSS of one process) seen. " +
      "The baseline's figures are the larger of pip's run and zip's run. " +
      "*Files in RAM* is the largest rise of the machine's Shmem (/proc/meminfo) during the run: tmpfs files, which no RSS includes " +
      '(our build stages its layer tree in /dev/shm when it is a roomy tmpfs, src/layer/staging.ts; files written to a disk sit in the page cache instead, counted by neither). ' +
      'The target compares the process tree alone, as the reference was measured.',
    '',
    ...table(
      [
        'Build',
        'Process tree peak median',
        'Min',
        'Max',
        'Largest process peak median',
        'Min',
        'Max',
        'Largest process',
        'Files in RAM (tmpfs) peak median',
        'Min',
        'Max',
        'Samples per run (sampling time)',
      ],
      [peakRow('ours', peak.ours), peakRow('baseline', peak.baseline)],
    ),
    '',
  ];
}

function stageTable(stages: readonly StageSummary[]): string[] {
  return table(
    ['Stage', 'Median', 'Min', 'Max', 'Share of median build'],
    stages.map((s) => row([s.name, summaryCells(s.ms), `${(s.share * 100).toFixed(0)}%`])),
  );
}

/** Average number of cores busy over a build: median CPU time / median wall time. */
export function coresBusy(cpuMs: Summary, wallMs: Summary): number {
  return wallMs.median > 0 ? cpuMs.median / wallMs.median : 0;
}

/** CPU time of both builds and how many cores that kept busy; nothing for results without it. */
function cpuLines(w: WorkloadResult, cores: number): string[] {
  const c = w.coldBuild;
  if (!c.oursCpuMs || !c.baselineCpuMs) return [];
  const cpuRow = (label: string, cpu: Summary, wall: Summary): string =>
    row([label, summaryCells(cpu), `${coresBusy(cpu, wall).toFixed(1)} of ${cores}`]);
  return [
    "CPU time (user + system of the whole process tree, from the kernel's child accounting):",
    '',
    ...table(
      ['Build', 'CPU median', 'Min', 'Max', 'Cores busy on average (median CPU / median wall)'],
      [cpuRow('ours', c.oursCpuMs, c.oursMs), cpuRow('baseline', c.baselineCpuMs, c.baselineMs)],
    ),
    '',
  ];
}

function coldSection(w: WorkloadResult, cores: number): string[] {
  const c = w.coldBuild;
  return [
    `### ${w.name}`,
    '',
    ...table(
      ['Build', 'Median', 'Min', 'Max', 'Runs'],
      [
        row(['ours: `lambda-layer build --no-cache`', summaryCells(c.oursMs), c.oursMs.samples.length]),
        row([
          'baseline: pip --platform manylinux2014 + `zip -r`',
          summaryCells(c.baselineMs),
          c.baselineMs.samples.length,
        ]),
      ],
    ),
    '',
    `Ratio ${verdictCells(c.verdict).replace(/ \| /g, ', target ')}. Ours verified the layer: ${c.verified ? 'yes' : 'NO'}; bytecode: ${c.bytecode.mode} (${c.bytecode.compiled} modules); every cold build gave the same CodeSha256: ${c.deterministic ? `yes (${c.codeSha256})` : 'NO'}.`,
    ...importProofLines(c.importProof),
    '',
    ...cpuLines(w, cores),
    ...peakMemoryLines(w),
    `Where our time goes (largest: **${c.largestStage}**):`,
    '',
    ...stageTable(c.stages),
    '',
    'Baseline:',
    '',
    ...stageTable(c.baselineStages),
    '',
    'Side by side (pip compiles .pyc inside its unpack step; ours compiles in its own stage):',
    '',
    ...phaseTable(w),
    '',
  ];
}

function warmSection(w: WorkloadResult): string[] {
  const warm = w.warmRebuild;
  if ('skipped' in warm) return [`- ${w.name}: skipped (${warm.skipped})`];
  return [
    row([
      w.name,
      summaryCells(warm.warmMs),
      formatMs(warm.coldMs.median),
      warm.verdict ? verdictCells(warm.verdict) : `${formatRatio(warm.ratio)} | — | —`,
      warm.restoredEveryRun ? 'yes' : 'NO',
    ]),
  ];
}

function importRows(w: WorkloadResult): string[] {
  const i = w.importTime;
  const line = (label: string, m: ImportTree, versus: string): string =>
    row([
      w.name,
      label,
      summaryCells(m.importMs),
      formatMs(m.processMs.median),
      m.layerModules,
      m.pycs ? formatPycValidity(m.pycs) : '—',
      versus,
    ]);
  return [
    line('ours (unchecked-hash pycs)', i.ours, '— | — | —'),
    line('same packages, no bytecode', i.noBytecode, verdictCells(i.vsNoBytecode)),
    line('baseline: `zip -r`, `unzip` (timestamps kept)', i.baseline, verdictCells(i.vsBaseline)),
    line(
      'baseline tree zipped with `zip -r -X` (DOS times only; informative)',
      i.baselineDosTimes,
      `${formatRatio(i.vsBaselineDosTimes)} | — | —`,
    ),
  ];
}

function resolvedLines(w: WorkloadResult): string[] {
  const diff = w.resolved.differences;
  const listing = Object.entries(w.resolved.ours)
    .map(([name, version]) => `${name} ${version}`)
    .join(', ');
  return [
    `- **${w.name}**: ${w.description}. Imports: \`import ${w.importModules.join(', ')}\`.`,
    `  - requirements: \`${w.requirements
      .trim()
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .join('; ')}\``,
    `  - ours resolved (${Object.keys(w.resolved.ours).length}): ${listing}`,
    diff.length === 0
      ? '  - the baseline resolved the same distributions and versions'
      : `  - the baseline resolved differently: ${diff.map((d) => `${d.name} ours ${d.ours ?? '—'} / baseline ${d.baseline ?? '—'}`).join('; ')}`,
  ];
}

/** The import proof's own timing (from each cold build's manifest), inside the build time above. */
function importProofLines(proof: WorkloadResult['coldBuild']['importProof']): string[] {
  if (!proof) return [];
  if (proof.status !== 'passed' || !proof.ms) return [`Import proof: ${proof.status}.`];
  return [
    `Import proof (${proof.mode}, ${proof.modules} module(s), interpreter start included): median ${formatMs(proof.ms.median)}, min ${formatMs(proof.ms.min)}, max ${formatMs(proof.ms.max)}.`,
  ];
}

function stageMedian(stages: readonly StageSummary[], pattern: RegExp): number {
  return stages.filter((s) => pattern.test(s.name)).reduce((sum, s) => sum + s.ms.median, 0);
}

/** The same work side by side: which phase makes the difference between the two builds. */
export function phaseRows(w: WorkloadResult): { phase: string; ours: number; baseline: number }[] {
  const ours = w.coldBuild.stages;
  const base = w.coldBuild.baselineStages;
  return [
    {
      phase: 'resolve + download (pip)',
      ours: stageMedian(ours, /resolve/i),
      baseline: stageMedian(base, /resolve/i),
    },
    {
      phase: 'unpack + bytecode',
      ours: stageMedian(ours, /unpack|bytecode/i),
      baseline: stageMedian(base, /unpack/i),
    },
    // Our import proof and verification run beside the zip writer, in one stage.
    {
      phase: 'zip (ours: with the import proof and verification beside it)',
      ours: stageMedian(ours, /zip/i),
      baseline: stageMedian(base, /^zip/i),
    },
    {
      phase: 'startup, slim, manifest, exit',
      ours: stageMedian(ours, /startup|slim|manifest/i),
      baseline: 0,
    },
  ];
}

function phaseTable(w: WorkloadResult): string[] {
  return table(
    ['Phase (sum of stage medians)', 'Ours', 'Baseline', 'Ours − baseline'],
    phaseRows(w).map((p) =>
      row([
        p.phase,
        formatMs(p.ours),
        p.baseline ? formatMs(p.baseline) : '—',
        `${p.ours - p.baseline >= 0 ? '+' : '−'}${formatMs(Math.abs(p.ours - p.baseline))}`,
      ]),
    ),
  );
}

/**
 * Why figure 4b misses: the baseline's own pycs are valid after `unzip`. With the pyc counts when
 * the results have them (and then whether the DOS-times tree lost any: Info-ZIP rounds odd
 * seconds up to the next even one, so a timestamp pyc survives `zip -r -X` only when its
 * source's mtime fell on an even second; pip writes a small install within one second, so for a
 * small workload that row is all valid or all stale from run to run).
 */
function baselinePycNote(w: WorkloadResult): string {
  const i = w.importTime;
  const { pycs: base } = i.baseline;
  const { pycs: dos } = i.baselineDosTimes;
  const { pycs: ours } = i.ours;
  const dosTimes = '`zip -r -X`, 2-second DOS times with odd seconds rounded up';
  const ratioToDos = `ours is ${formatRatio(i.vsBaselineDosTimes)} of that tree`;
  if (!base || !dos) {
    return (
      `- **${w.name}** imports: the baseline's own .pyc files (pip's, timestamp-checked) are valid after \`unzip\`, because ` +
      '`zip -r` stores extended timestamps (1-second resolution, the "UT" field) and `unzip` restores them; ' +
      `ours equal them (${formatRatio(i.vsBaseline.ratio)}). With DOS times only (${dosTimes}) ${ratioToDos}.`
    );
  }
  const kind = base.kinds.checkedHash + base.kinds.uncheckedHash === 0 ? 'timestamp ' : '';
  const allValid = (c: PycValidity): boolean => c.valid === c.sources;
  const baseValid = allValid(base)
    ? `all ${base.sources} \`.py\` files of the baseline have a valid ${kind}pyc`
    : `${base.valid} of the baseline's ${base.sources} \`.py\` files have a valid ${kind}pyc`;
  const same =
    ours && allValid(base) && allValid(ours)
      ? `so its imports read bytecode exactly as ours do (${formatRatio(i.vsBaseline.ratio)})`
      : `ours: ${ours ? formatPycValidity(ours) : 'not counted'} (${formatRatio(i.vsBaseline.ratio)})`;
  const dosPart =
    dos.stale === 0
      ? `none of the ${dos.sources} went stale in this run (every source's mtime fell on an even second, which DOS times keep), and ${ratioToDos}`
      : `${dos.stale} of ${dos.sources} are stale (sources whose mtime fell on an odd second), and ${ratioToDos}`;
  return (
    `- **${w.name}** imports: ${baseValid} after \`unzip\` (\`zip -r\` stores 1-second extended timestamps, the "UT" field, ` +
    `and \`unzip\` restores them), ${same}. With DOS times only (${dosTimes}) ${dosPart}.`
  );
}

/** Where the time goes and which optimisation the numbers point at, derived from the results. */
function analysis(results: BenchResults): string[] {
  const lines: string[] = [];
  for (const w of results.workloads) {
    const stages = [...w.coldBuild.stages].sort((a, b) => b.ms.median - a.ms.median);
    const [first, second] = stages;
    if (!first) continue;
    lines.push(
      `- **${w.name}**: the largest part of our cold build is *${first.name}* (${formatMs(first.ms.median)}, ${(first.share * 100).toFixed(0)}%)` +
        (second
          ? `, then *${second.name}* (${formatMs(second.ms.median)}, ${(second.share * 100).toFixed(0)}%)`
          : '') +
        '.',
    );
  }
  const missed: string[] = [];
  for (const w of results.workloads) {
    if (!w.coldBuild.verdict.pass)
      missed.push(`cold build on ${w.name} (${formatRatio(w.coldBuild.verdict.ratio)})`);
    if (!('skipped' in w.warmRebuild) && w.warmRebuild.verdict && !w.warmRebuild.verdict.pass)
      missed.push(`warm rebuild on ${w.name} (${formatRatio(w.warmRebuild.verdict.ratio)})`);
    if (w.rebuild && !('skipped' in w.rebuild) && w.rebuild.verdict && !w.rebuild.verdict.pass)
      missed.push(`one-pin rebuild on ${w.name} (${formatRatio(w.rebuild.verdict.ratio)})`);
    const peak = peakVerdict(w, results.settings.referencePeakMiB?.[w.name]);
    if (peak && !peak.pass)
      missed.push(`peak memory on ${w.name} (${formatRatio(peak.ratio)} of the reference)`);
    if (!w.republish.pass) missed.push(`re-publish on ${w.name}`);
    if (!w.importTime.vsNoBytecode.pass) missed.push(`import vs no bytecode on ${w.name}`);
    if (!w.importTime.vsBaseline.pass)
      missed.push(`import vs baseline on ${w.name} (${formatRatio(w.importTime.vsBaseline.ratio)})`);
    if (!w.zipStep.verdict.pass)
      missed.push(`zip step on ${w.name} (${formatRatio(w.zipStep.verdict.ratio)})`);
  }
  for (const w of results.workloads) {
    const i = w.importTime;
    // With pyc counts the note is evidence whatever the DOS-times row did; without, only when it
    // shows the contrast.
    if (!i.vsBaseline.pass && (i.baseline.pycs || i.vsBaselineDosTimes < i.vsBaseline.ratio))
      lines.push(baselinePycNote(w));
  }
  lines.push(
    '',
    missed.length === 0
      ? 'Every target was met in this run.'
      : `Targets missed in this run: ${missed.join('; ')}.`,
  );
  return lines;
}

/** Suggestion for the largest stage of the heaviest workload, with the bound the data puts on it. */
export function nextOptimisation(results: BenchResults): string | undefined {
  const heaviest = [...results.workloads].sort(
    (a, b) => b.coldBuild.oursMs.median - a.coldBuild.oursMs.median,
  )[0];
  if (!heaviest) return undefined;
  const stages = heaviest.coldBuild.stages;
  const [top] = [...stages].sort((a, b) => b.ms.median - a.ms.median);
  if (!top) return undefined;
  const bytecode = stageMedian(stages, /bytecode/i);
  const zip = stageMedian(stages, /zip/i);
  const share = `${formatMs(top.ms.median)} of ${formatMs(heaviest.coldBuild.oursMs.median)} on \`${heaviest.name}\``;
  const { oursCpuMs, oursMs } = heaviest.coldBuild;
  const cores = results.machine.cores;
  const busy = oursCpuMs ? coresBusy(oursCpuMs, oursMs) : undefined;
  const busyText =
    oursCpuMs && busy !== undefined
      ? `The whole cold build kept ${busy.toFixed(1)} of ${cores} cores busy on average (${formatMs(oursCpuMs.median)} CPU in ${formatMs(oursMs.median)}).`
      : '';
  if (busy !== undefined && cores > 0 && busy >= SATURATED * cores) {
    return (
      `*${top.name}* is the largest stage (${share}). ${busyText} Overlapping stages cannot shorten it much on this ` +
      `machine: it only moves CPU time around. The next gain has to come from less CPU work in the largest stage: ${lessWork(top.name)}`
    );
  }
  if (/bytecode/i.test(top.name)) {
    return withCpu(
      `*${top.name}* is the largest stage (${share}). compile_pycs.py already runs one interpreter per core, so the next ` +
        'step is to overlap it with the unpack or the zip: compile each wheel as soon as it is unpacked, or deflate what is ' +
        'never compiled (extension modules, data files) while it runs. ' +
        `The data bounds the zip overlap at min(bytecode, zip) = ${formatMs(Math.min(bytecode, zip))} per build, less whatever the ` +
        'cores were already doing in parallel: when every core is busy an overlap only moves CPU time around.',
      busyText,
    );
  }
  if (/zip/i.test(top.name)) {
    return withCpu(
      `*${top.name}* is the largest stage (${share}): start deflating large files while the earlier stages run, or measure a lower zlib level (size vs time).`,
      busyText,
    );
  }
  if (/resolve/i.test(top.name)) {
    return withCpu(
      `*${top.name}* is the largest stage (${share}): this is pip's own resolution and fetch, the same work the baseline does; reduce it by resolving once (pip --report) and installing the pinned set with --no-deps on later cold builds.`,
      busyText,
    );
  }
  if (/unpack/i.test(top.name)) {
    return withCpu(
      `*${top.name}* is the largest stage (${share}): after pip's download the CLI lays the wheels out itself (src/wheel/install.ts: inflate and write every file of every wheel); measure how that time splits between inflating and writing files before changing it.`,
      busyText,
    );
  }
  return withCpu(`*${top.name}* is the largest stage (${share}).`, busyText);
}

/** Average cores busy, as a share of all cores, from which overlapping stages gains little. */
const SATURATED = 0.85;

function withCpu(text: string, busyText: string): string {
  return busyText ? `${text} ${busyText}` : text;
}

/** What less CPU work means for a stage. */
function lessWork(stage: string): string {
  if (/bytecode/i.test(stage))
    return 'compile fewer modules (e.g. `--slim` removing test suites before bytecode).';
  if (/zip/i.test(stage))
    return 'a lower zlib level (less deflate work; it changes the bytes of the layer and its size).';
  if (/resolve/i.test(stage))
    return 'less resolver work in pip (e.g. install a resolved, pinned set with --no-deps).';
  if (/unpack/i.test(stage))
    return 'fewer or smaller wheels to unpack (the CLI inflates and writes every file of each wheel).';
  return 'less work in that stage.';
}

function referenceFlag(reference: Readonly<Record<string, number>> | undefined): string {
  if (!reference || Object.keys(reference).length === 0) return '';
  return ` --reference-peak-mib ${Object.entries(reference)
    .map(([name, mib]) => `${name}=${mib}`)
    .join(',')}`;
}

/** The pinned pip's one-time bootstrap: not inside any cold build below (the tool cache is filled). */
function pipBootstrapLines(bootstrap: BenchResults['pipBootstrap']): string[] {
  if (!bootstrap) return [];
  return [
    `## Pinned pip ${bootstrap.version}: bootstrap`,
    '',
    'Once per machine (or per tool-cache folder), the build fetches the pinned pip from the indexes, checks its sha256 and unpacks it; ' +
      'later builds find it in the tool cache. The cold builds below run with it already there.',
    '',
    '| | median ms | min | max |',
    '|---|---:|---:|---:|',
    `| into an empty tool cache | ${summaryCells(bootstrap.firstMs)} |`,
    `| from the tool cache | ${summaryCells(bootstrap.cachedMs)} |`,
    '',
  ];
}

/**
 * `appendix`: sections measured by hand that a regeneration must keep (bench/memory-bounds.md),
 * placed before the commands.
 */
export function renderMarkdown(results: BenchResults, notes?: string, appendix?: string): string {
  const m = results.machine;
  const out: string[] = [
    '# Benchmarks',
    '',
    `Written by \`npm run bench -- --runs ${results.settings.runs} --workloads ${results.settings.workloads.join(',')}${referenceFlag(results.settings.referencePeakMiB)}\` ` +
      `on ${results.startedAt.slice(0, 10)} (took ${Math.round(results.durationS / 60)} min); regenerate rather than edit. ` +
      `Raw data: \`bench/results.json\`. Medians of ${results.settings.runs} timed runs after ${results.settings.warmups} discarded warm-up(s) ` +
      `(imports: ${results.settings.importRuns} runs per tree after one warm-up); every ratio is ours / baseline, measured in the same run; lower is better.`,
    '',
    '## Summary',
    '',
    ...summaryTable(results),
    '',
    '## Machine',
    '',
    `- CPU: ${m.cpuModel}, ${m.cores} cores; memory ${m.memoryGiB} GiB; ${m.os}, ${m.kernel}`,
    `- Node ${m.node}; Python ${m.python}; ${m.pip}; ${m.zip}; ${m.unzip}`,
    `- 1-minute load average: ${m.loadAverage.start?.toFixed(2) ?? '?'} at the start, ${m.loadAverage.end?.toFixed(2) ?? '?'} at the end (the machine is shared: read min/max as the noise band)`,
    `- Package index (both sides): ${results.sources.indexUrl}${results.sources.extraIndexUrls.length ? ` + ${results.sources.extraIndexUrls.join(', ')}` : ''}${results.sources.findLinks.length ? `; find-links ${results.sources.findLinks.join(', ')}` : ''}`,
    '',
    ...pipBootstrapLines(results.pipBootstrap),
    '## Workloads',
    '',
    ...results.workloads.flatMap(resolvedLines),
    '',
    '## 1. Cold build',
    '',
    `Wall time from spawn to exit. Ours is the CLI (${results.cli.entry}) with its defaults: install, slim (off unless \`--slim\`), bytecode, verify, zip. ` +
      'Stage times come from the arrival of each `== <stage>` header on stderr; the install stage is split where pip prints `Installing collected packages`.',
    '',
    ...results.workloads.flatMap((w) => coldSection(w, m.cores)),
    '## 2. Warm rebuild (cache hit via `--cache-dir`)',
    '',
    ...table(
      [
        'Workload',
        'Warm median',
        'Min',
        'Max',
        'Cold median',
        'Ratio',
        'Target',
        'Result',
        'Restored from cache every run',
      ],
      results.workloads.flatMap(warmSection),
    ),
    '',
    ...rebuildSection(results),
    '## 3. Unchanged re-publish (local AWS test server, real SDK)',
    '',
    'Per sample, under a fresh layer name: publish the zip of the first cold build (what every run costs without reuse), then publish the zip of the last cold build of the same inputs. ' +
      'Reuse needs the two builds to be byte-identical.',
    '',
    ...table(
      [
        'Workload',
        'Re-publish median',
        'Min',
        'Max',
        'PublishLayerVersion calls per re-publish',
        'API calls of a re-publish',
        'First publish median (upload)',
        'Result',
      ],
      results.workloads.map((w) =>
        row([
          w.name,
          summaryCells(w.republish.republishMs),
          w.republish.republishPublishCalls.join(', '),
          Object.entries(w.republish.republishCalls)
            .map(([op, n]) => `${op} ${n}`)
            .join(', '),
          `${formatMs(w.republish.firstPublishMs.median)} (${w.republish.uploadedVia})`,
          mark(w.republish.pass),
        ]),
      ),
    ),
    '',
    '## 4. Cold import time',
    '',
    'Fresh `python3.11 -I -S -B` per sample (only the stdlib and the layer on sys.path; no bytecode written), tree extracted with `unzip` and made read-only; ' +
      'the time is measured inside the process around the import statements. Samples of the trees are interleaved.',
    '',
    ...table(
      [
        'Workload',
        'Tree',
        'Import median',
        'Min',
        'Max',
        'Process median',
        'Modules from layer',
        'Valid pycs',
        'Ratio (ours / this)',
        'Target',
        'Result',
      ],
      results.workloads.flatMap(importRows),
    ),
    '',
    "*Valid pycs*: of the tree's `.py` files, how many have a `__pycache__/*.cpython-311.pyc` that Python 3.11 loads as is " +
      "(hash-based, or timestamp-based with the source's current mtime and size in its header); a stale pyc is rejected and " +
      'its source compiled in memory on every cold start (nothing is written to a read-only tree), as is a source with none (missing).',
    '',
    '## 5. Sizes and the zip step',
    '',
    ...table(
      [
        'Workload',
        'Ours zip',
        'Ours unzipped',
        'Ours files (.pyc)',
        'Baseline zip',
        'Baseline unzipped',
        'Baseline files (.pyc)',
        'Zip ratio',
        'Unzipped ratio',
      ],
      results.workloads.map((w) =>
        row([
          w.name,
          formatBytes(w.sizes.ours.zipBytes),
          formatBytes(w.sizes.ours.unzippedBytes),
          `${w.sizes.ours.files} (${w.sizes.ours.pycFiles})`,
          formatBytes(w.sizes.baseline.zipBytes),
          formatBytes(w.sizes.baseline.unzippedBytes),
          `${w.sizes.baseline.files} (${w.sizes.baseline.pycFiles})`,
          formatRatio(w.sizes.zipRatio),
          formatRatio(w.sizes.unzippedRatio),
        ]),
      ),
    ),
    '',
    'The zip step alone, on our extracted layer tree: `writeLayerZip` vs `zip -r -X -q` (both zlib level 6).',
    '',
    ...table(
      [
        'Workload',
        'writeLayerZip median',
        'Min',
        'Max',
        '`zip -r -X` median',
        'Min',
        'Max',
        'Ratio',
        'Target',
        'Result',
        'Zip bytes (ours / Info-ZIP)',
      ],
      results.workloads.map((w) =>
        row([
          w.name,
          summaryCells(w.zipStep.oursMs),
          summaryCells(w.zipStep.infoZipMs),
          verdictCells(w.zipStep.verdict),
          `${formatBytes(w.zipStep.oursBytes)} / ${formatBytes(w.zipStep.infoZipBytes)}`,
        ]),
      ),
    ),
    '',
    '## Where the time goes',
    '',
    ...analysis(results),
    '',
  ];
  const next = [nextOptimisation(results), notes?.trim()].filter(Boolean).join('\n\n');
  if (next) out.push('## Next optimisation chosen by data', '', next, '');
  if (appendix?.trim()) out.push(appendix.trim(), '');
  out.push(
    '## Commands',
    '',
    '```sh',
    ...Object.entries(results.commands).map(([name, command]) => `# ${name}\n${command}`),
    '```',
    '',
  );
  return out.join('\n');
}
