/**
 * AWS's runtime dates in target.ts and what a build does with them; and every place that lists
 * the runtimes (action.yml, the reusable workflow, the example workflows, the CLI help, docs)
 * agrees with the one table.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildCommand } from '../src/cli/build.js';
import { InputError } from '../src/errors.js';
import { RUNTIMES, resolveTarget, runtimeLifecycleWarning, runtimeStatus } from '../src/target.js';

const day = (iso: string) => new Date(`${iso}T12:00:00Z`);
const root = join(import.meta.dirname, '..');

describe('runtime lifecycle', () => {
  it('records the three AWS dates, in order, for every runtime that has them', () => {
    for (const r of RUNTIMES) {
      const { deprecation, blockCreate, blockUpdate } = r.lifecycle;
      if (!deprecation) continue;
      expect(blockCreate && blockUpdate, r.runtime).toBeTruthy();
      expect(
        deprecation <= (blockCreate as string) && (blockCreate as string) <= (blockUpdate as string),
        r.runtime,
      ).toBe(true);
    }
    expect(resolveTarget('python3.9').lifecycle).toEqual({
      deprecation: '2025-12-15',
      blockCreate: '2027-02-01',
      blockUpdate: '2027-03-03',
    });
    // Not in what could be read of AWS's table: no date rather than a guess.
    expect(resolveTarget('python3.15').lifecycle).toEqual({});
  });

  it('moves from supported to deprecated to create- and update-blocked on the dates', () => {
    const py310 = resolveTarget('python3.10');
    expect(runtimeStatus(py310, day('2026-10-30'))).toBe('supported');
    expect(runtimeStatus(py310, day('2026-10-31'))).toBe('deprecated');
    expect(runtimeStatus(py310, day('2027-02-01'))).toBe('create-blocked');
    expect(runtimeStatus(py310, day('2027-03-03'))).toBe('update-blocked');
    expect(runtimeStatus(resolveTarget('python3.15'), day('2040-01-01'))).toBe('supported');
  });

  it('a deprecated runtime warns with its dates and the runtime to move to', () => {
    expect(
      runtimeLifecycleWarning(resolveTarget('python3.11'), { today: day('2026-12-06') }),
    ).toBeUndefined();
    const warning = runtimeLifecycleWarning(resolveTarget('python3.9'), { today: day('2026-12-06') });
    expect(warning).toBe(
      'python3.9 is deprecated by AWS Lambda (deprecated since 2025-12-15: no security patches; creating functions blocked from 2027-02-01; updating functions blocked from 2027-03-03); move to python3.11 or newer (python3.15 is the newest) (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html)',
    );
  });

  it('past the block-update date it fails naming the runtime input, unless allowed', () => {
    const py39 = resolveTarget('python3.9');
    const later = day('2027-03-03');
    expect(() => runtimeLifecycleWarning(py39, { today: later })).toThrow(InputError);
    expect(() => runtimeLifecycleWarning(py39, { today: later })).toThrow(
      /Input "runtime": python3\.9 is deprecated .*updating functions blocked since 2027-03-03/,
    );
    try {
      runtimeLifecycleWarning(py39, { today: later });
    } catch (error) {
      expect((error as InputError).hint).toContain('--allow-deprecated-runtime');
      expect((error as InputError).hint).toContain('allow-deprecated-runtime: true');
    }
    expect(runtimeLifecycleWarning(py39, { today: later, allowDeprecated: true })).toContain(
      'move to python3.11 or newer',
    );
  });
});

describe('every list of runtimes matches target.ts', () => {
  const names = RUNTIMES.map((r) => r.runtime);
  // action.yml and the reusable workflow describe the runtimes as "FIRST ... LAST" of the table.
  const range = `${RUNTIMES[0]?.runtime} ... ${RUNTIMES.at(-1)?.runtime}`;

  it('action.yml and the reusable workflow describe the range and the default', () => {
    const action = parse(readFileSync(join(root, 'action.yml'), 'utf8'));
    expect(action.inputs.runtime.description).toContain(range);
    const workflow = parse(readFileSync(join(root, '.github/workflows/lambda-layer.yml'), 'utf8'));
    const input = workflow.on.workflow_call.inputs.runtime;
    expect(input.description).toContain(range);
    expect(input.default).toBe(action.inputs.runtime.default);
  });

  it('the example workflow offers only runtimes of the table, the newest and the default among them', () => {
    const rebuild = parse(readFileSync(join(root, 'workflows/rebuild-layer.yml'), 'utf8'));
    const offered: string[] = rebuild.on.workflow_dispatch.inputs.runtime.options;
    for (const runtime of offered) expect(names).toContain(runtime);
    expect(offered).toContain(names.at(-1));
    expect(offered).toContain(rebuild.on.workflow_dispatch.inputs.runtime.default);
  });

  it('the CLI help names every runtime and docs/sbom.md gives each its dates', () => {
    for (const name of names) expect(buildCommand.usage).toContain(name);
    const doc = readFileSync(join(root, 'docs/sbom.md'), 'utf8');
    for (const r of RUNTIMES) {
      const row = doc.split('\n').find((line) => line.startsWith(`| ${r.runtime} |`));
      expect(row, r.runtime).toBeDefined();
      for (const date of Object.values(r.lifecycle)) expect(row).toContain(date);
    }
  });
});
