/**
 * Smoke test of the benchmark harness, so it cannot rot: every figure measured once on a tiny
 * workload (one generated pure wheel) with real pip, zip, unzip, Python and the AWS test
 * server, and both reports written. No timing assertions: only that each figure was measured
 * and what must hold whatever the machine (same resolution, 0 publishes on reuse, ...).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BenchResults, runBenchmark } from '../../bench/harness.js';
import { coresBusy, nextOptimisation, renderMarkdown } from '../../bench/report.js';
import { REPO_ROOT, writeReports } from '../../bench/run.js';
import { summarize } from '../../bench/stats.js';
import { findPipPython } from '../../src/resolve/interpreters.js';
import { PINNED_PIP } from '../../src/resolve/pinned-pip.js';
import { NO_MIRROR_MESSAGE, pinnedPipWheelFromMirror } from '../support/mirror.js';
import { createPackageIndex, isolatedPipEnv, type PackageIndex } from '../support/package-index.js';

let index: PackageIndex;
let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'bench-smoke-'));
  // Every index a build uses must offer the pinned pip: the bench times its bootstrap from it.
  const python = (await findPipPython()).path;
  const pip = pinnedPipWheelFromMirror(python, join(scratch, 'pip'), PINNED_PIP.version, PINNED_PIP.filename);
  if (!pip) console.warn(NO_MIRROR_MESSAGE);
  index = await createPackageIndex({
    wheels: [
      { name: 'benchdep', version: '2.0.0' },
      // The newest: what benchpkg resolves to unless the one-pin variant pins 2.0.0.
      { name: 'benchdep', version: '2.1.0' },
      { name: 'benchpkg', version: '1.0.0', requiresDist: ['benchdep>=2'] },
    ],
    copies: pip ? [pip] : [],
  });
}, 180_000);
afterAll(async () => {
  await index?.cleanup();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('benchmark harness', () => {
  it('measures every figure on a tiny workload and writes BENCHMARKS.md and the JSON', async () => {
    const lines: string[] = [];
    const results = await runBenchmark({
      repoRoot: REPO_ROOT,
      workloads: [
        {
          name: 'tiny',
          description: 'one generated pure wheel and its dependency',
          requirements: 'benchpkg==1.0.0\n',
          imports: ['benchpkg', 'benchdep'],
          coldTarget: 0.7,
          warmTarget: 0.05,
          rebuild: {
            requirements: 'benchpkg==1.0.0\nbenchdep==2.0.0\n',
            change: 'benchdep==2.0.0 added',
            target: 0.2,
          },
        },
      ],
      runs: 1,
      warmups: 0,
      importRuns: 1,
      sources: { indexUrl: index.indexUrl, extraIndexUrls: [], findLinks: [] },
      env: isolatedPipEnv(),
      workDir: join(scratch, 'work'),
      // Through tsx: bundling with ncc would add half a minute to the suite.
      cli: 'source',
      progress: (line) => lines.push(line),
    });
    const paths = {
      json: join(scratch, 'out', 'results.json'),
      markdown: join(scratch, 'out', 'BENCHMARKS.md'),
    };
    await writeReports(results, paths);

    const saved = JSON.parse(await readFile(paths.json, 'utf8')) as BenchResults;
    expect(saved.settings).toMatchObject({ runs: 1, warmups: 0, workloads: ['tiny'] });
    expect(saved.machine.cores).toBeGreaterThan(0);
    // 0. The pinned pip's bootstrap: fetched into an empty tool cache, then found there.
    expect(saved.pipBootstrap?.version).toBe(PINNED_PIP.version);
    expect(saved.pipBootstrap?.firstMs.samples).toHaveLength(1);
    expect(saved.pipBootstrap?.cachedMs.median).toBeLessThan(saved.pipBootstrap?.firstMs.median as number);
    const [tiny] = saved.workloads;
    if (!tiny) throw new Error('no workload result');

    // 1. Both builds ran once, resolved the same two distributions, and ours verified + compiled.
    expect(tiny.coldBuild.oursMs.samples).toHaveLength(1);
    expect(tiny.coldBuild.baselineMs.samples).toHaveLength(1);
    expect(tiny.resolved.ours).toEqual({ benchdep: '2.1.0', benchpkg: '1.0.0' });
    expect(tiny.resolved.differences).toEqual([]);
    expect(tiny.coldBuild.verified).toBe(true);
    expect(tiny.coldBuild.verdict.target).toBe(0.7);
    expect(tiny.coldBuild.bytecode.mode).toBe('unchecked-hash');
    // The import proof of the requested distribution, timed from the build's manifest.
    expect(tiny.coldBuild.importProof).toMatchObject({ status: 'passed', mode: 'native', modules: 1 });
    expect(tiny.coldBuild.importProof?.ms?.samples).toHaveLength(1);
    const stageNames = tiny.coldBuild.stages.map((s) => s.name);
    expect(stageNames.some((n) => /install/i.test(n))).toBe(true);
    expect(stageNames.some((n) => /zip/i.test(n))).toBe(true);
    expect(tiny.coldBuild.baselineStages.map((s) => s.name)).toContain('zip -r');
    // ... with the CPU time of both process trees (Linux: from /proc/self/stat), one sample each.
    const { oursCpuMs, baselineCpuMs, oursMs, baselineMs } = tiny.coldBuild;
    if (process.platform === 'linux') {
      if (!oursCpuMs || !baselineCpuMs) throw new Error('no CPU time for the cold builds');
      expect(oursCpuMs.samples).toHaveLength(1);
      expect(baselineCpuMs.samples).toHaveLength(1);
      // Node starting the CLI, pip and compileall all take CPU: never zero.
      expect(oursCpuMs.median).toBeGreaterThan(0);
      expect(baselineCpuMs.median).toBeGreaterThan(0);
      const cores = saved.machine.cores;
      for (const busy of [coresBusy(oursCpuMs, oursMs), coresBusy(baselineCpuMs, baselineMs)]) {
        expect(busy).toBeGreaterThan(0);
        expect(busy).toBeLessThanOrEqual(cores + 0.5);
      }
      // ... and the peak memory of both process trees: node and Python are tens of MiB each.
      const peak = tiny.coldBuild.peakMemory;
      if (!peak || 'notMeasured' in peak) throw new Error(`no peak memory: ${JSON.stringify(peak)}`);
      for (const side of [peak.ours, peak.baseline]) {
        expect(side.treeBytes.samples).toHaveLength(1);
        expect(side.largestProcessBytes.median).toBeGreaterThan(10 * 1024 * 1024);
        expect(side.treeBytes.median).toBeGreaterThanOrEqual(side.largestProcessBytes.median * 0.5);
        expect(side.samples.median).toBeGreaterThan(0);
      }
      // Our build runs node and then Python (pip, compileall) under it: more than one process.
      expect(peak.ours.treeBytes.median).toBeGreaterThan(peak.ours.largestProcessBytes.median);
    }

    // 2. The warm rebuilds came from the cache (no install stage) with the same layer.
    if ('skipped' in tiny.warmRebuild) throw new Error(`warm rebuild skipped: ${tiny.warmRebuild.skipped}`);
    expect(tiny.warmRebuild.restoredEveryRun).toBe(true);
    expect(tiny.warmRebuild.verdict?.target).toBe(0.05);

    // 2b. The one-pin rebuild missed the layer cache, moved benchdep, and took benchpkg's pycs
    // from the per-wheel cache filled by the build of the original requirements.
    const rebuild = tiny.rebuild;
    if (!rebuild || 'skipped' in rebuild) throw new Error(`rebuild not measured: ${JSON.stringify(rebuild)}`);
    expect(rebuild.rebuildMs.samples).toHaveLength(1);
    expect(rebuild.verdict?.target).toBe(0.2);
    expect(rebuild.resolvedChanges).toEqual([{ name: 'benchdep', before: '2.1.0', after: '2.0.0' }]);
    expect(rebuild.stages.map((s) => s.name).some((n) => /install/i.test(n))).toBe(true);
    const [use] = rebuild.wheelCache;
    expect(use?.wheels).toBe(2);
    expect(use?.hitWheels).toBe(1);
    expect(use?.fromCache).toBeGreaterThan(0);
    expect(use?.fromCache).toBeLessThan(use?.modules as number);

    // 3. Re-publishing an unchanged rebuild makes no PublishLayerVersion call.
    expect(tiny.coldBuild.deterministic).toBe(true);
    expect(tiny.republish.republishPublishCalls).toEqual([0]);
    expect(tiny.republish.pass).toBe(true);

    // 4. Every tree imported both modules from the layer.
    for (const tree of [tiny.importTime.ours, tiny.importTime.noBytecode, tiny.importTime.baseline]) {
      expect(tree.importMs.samples).toHaveLength(1);
      expect(tree.layerModules).toBe(2);
    }
    // ... and its pycs were counted: the same sources in every tree, every one valid in ours.
    const { ours, noBytecode, baseline, baselineDosTimes } = tiny.importTime;
    for (const tree of [ours, noBytecode, baseline, baselineDosTimes]) {
      const pycs = tree.pycs;
      if (!pycs) throw new Error('no pyc counts for an import tree');
      expect(pycs.valid + pycs.stale + pycs.missing).toBe(pycs.sources);
      expect(pycs.sources).toBe(ours.pycs?.sources);
    }
    expect(ours.pycs?.sources).toBeGreaterThanOrEqual(2);
    expect(ours.pycs).toMatchObject({ stale: 0, missing: 0 });
    expect(ours.pycs?.kinds.uncheckedHash).toBe(ours.pycs?.sources);
    expect(noBytecode.pycs).toMatchObject({ valid: 0, stale: 0, missing: ours.pycs?.sources });

    // 5. Sizes of both layers and both zip writers.
    expect(tiny.sizes.ours.files).toBeGreaterThan(0);
    expect(tiny.sizes.ours.pycFiles).toBeGreaterThan(0);
    expect(tiny.sizes.baseline.zipBytes).toBeGreaterThan(0);
    expect(tiny.zipStep.oursBytes).toBeGreaterThan(0);
    expect(tiny.zipStep.infoZipBytes).toBeGreaterThan(0);

    const markdown = await readFile(paths.markdown, 'utf8');
    for (const heading of [
      '## Summary',
      '## Machine',
      `## Pinned pip ${PINNED_PIP.version}: bootstrap`,
      '## 1. Cold build',
      '## 2. Warm rebuild',
      '## 2b. Rebuild after changing one pin',
      '## 3. Unchanged re-publish',
      '## 4. Cold import time',
      '## 5. Sizes and the zip step',
      '## Where the time goes',
      '## Commands',
    ]) {
      expect(markdown).toContain(heading);
    }
    expect(markdown).toContain('| 1. cold build (verify + bytecode) vs pip + zip | tiny |');
    expect(markdown).toMatch(
      /\| 2b\. rebuild after changing one pin \(per-wheel cache\) vs cold \| tiny \| [\d.]+ m?s \|/,
    );
    expect(markdown).toContain('benchdep 2.1.0 → 2.0.0');
    expect(markdown).toContain('# ourRebuildOnePin');
    if (process.platform === 'linux') {
      expect(markdown).toMatch(
        /\| 1b\. peak memory of the cold build[^|]*\| tiny \| [\d.]+ MiB \([\d.]+ MiB\) \|/,
      );
      expect(markdown).toContain('reported (no --reference-peak-mib)');
      // With a reference: ours / reference against ≤ 1.25x.
      const withReference = renderMarkdown({
        ...saved,
        settings: { ...saved.settings, referencePeakMiB: { tiny: 100_000 } },
      });
      expect(withReference).toMatch(/of the reference 100000 MiB \| ≤ 1\.25x \| ✅ pass \|/);
      expect(withReference).toContain('--reference-peak-mib tiny=100000');
    }
    // Results from an older harness (no peak memory, no rebuild) still render, with "—".
    const old = {
      ...saved,
      workloads: saved.workloads.map(({ rebuild: _rebuild, ...w }) => {
        const { peakMemory: _peak, ...coldBuild } = w.coldBuild;
        return { ...w, coldBuild };
      }),
    } as BenchResults;
    const oldMarkdown = renderMarkdown(old);
    expect(oldMarkdown).toContain(
      '| 1b. peak memory of the cold build: process tree (largest process) | tiny | — | — | — | — | not in these results |',
    );
    expect(oldMarkdown).toContain(
      '| 2b. rebuild after changing one pin (per-wheel cache) vs cold | tiny | — | — | — | — | not in these results |',
    );
    expect(oldMarkdown).toContain('Peak memory: — (not measured by the harness that wrote these results).');
    expect(markdown).toContain('| Valid pycs |');
    expect(markdown).toMatch(/Import proof \(native, 1 module\(s\), interpreter start included\): median \d/);
    expect(markdown).toMatch(/\| zip \(ours: with the import proof and verification beside it\) \| /);
    if (process.platform === 'linux') {
      expect(markdown).toMatch(
        new RegExp(`\\| ours \\| [^|]+ \\| [^|]+ \\| [^|]+ \\| \\d+\\.\\d of ${saved.machine.cores} \\|`),
      );
      expect(markdown).toContain('The whole cold build kept ');
    }
    const n = ours.pycs?.sources;
    expect(markdown).toMatch(
      new RegExp(`\\| tiny \\| ours \\(unchecked-hash pycs\\) \\|.*\\| 2 \\| ${n} / ${n} \\|`),
    );
    expect(markdown).toContain(`| 0 / ${n} (${n} missing) |`);
    expect(markdown).not.toContain(scratch);
    expect(lines.some((line) => line.includes('[tiny] cold run 1/1'))).toBe(true);
  });

  it('says overlapping stages cannot help once the cold build keeps the cores busy', () => {
    const results = (cpuMs: number | undefined): BenchResults =>
      ({
        machine: { cores: 2 },
        workloads: [
          {
            name: 'data',
            coldBuild: {
              oursMs: summarize([10_000]),
              ...(cpuMs !== undefined ? { oursCpuMs: summarize([cpuMs]) } : {}),
              stages: [
                { name: 'bytecode', ms: summarize([6000]), share: 0.6 },
                { name: 'zip', ms: summarize([3000]), share: 0.3 },
              ],
            },
          },
        ],
      }) as unknown as BenchResults;
    const saturated = nextOptimisation(results(18_000));
    expect(saturated).toContain('kept 1.8 of 2 cores busy on average (18.0 s CPU in 10.0 s)');
    expect(saturated).toContain('Overlapping stages cannot shorten it much');
    expect(saturated).toContain('--slim');
    expect(saturated).not.toContain('overlap it with the unpack or the zip');
    // Below 85% of the cores, and without CPU data (older results): the overlap suggestion.
    const idle = nextOptimisation(results(12_000));
    expect(idle).toContain('overlap it with the unpack or the zip');
    expect(idle).toContain('kept 1.2 of 2 cores busy');
    const old = nextOptimisation(results(undefined));
    expect(old).toContain('overlap it with the unpack or the zip');
    expect(old).not.toContain('cores busy');
  });
});
