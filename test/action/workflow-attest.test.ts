/**
 * The reusable workflow attests what it built: provenance of layer.zip and its SBOM, with
 * actions/attest pinned by commit, in the layer job only, with the least permissions it needs;
 * every caller grants them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = join(import.meta.dirname, '..', '..');
const read = (file: string) => parse(readFileSync(join(root, file), 'utf8'));

interface Step {
  id?: string;
  name?: string;
  if?: string;
  uses?: string;
  with?: Record<string, string>;
}
interface Job {
  permissions?: Record<string, string>;
  steps?: Step[];
}

// actions/attest v4.2.2 (git tag v4.2.2 of github.com/actions/attest).
const ATTEST = 'actions/attest@1e69f48acb82d1966a394da916b4c1698aa569d6';
/** A GitHub expression as the workflow writes it. */
const expression = (body: string) => ['$', `{{ ${body} }}`].join('');

describe('attestations in the reusable workflow', () => {
  const workflow = read('.github/workflows/lambda-layer.yml') as {
    on: { workflow_call: { inputs: Record<string, { type: string; default: unknown }> } };
    permissions: Record<string, string>;
    jobs: Record<string, Job>;
  };
  const layer = workflow.jobs.layer as Job;
  const steps = layer.steps ?? [];
  const build = steps.findIndex((s) => s.id === 'layer');
  const attests = steps.filter((s) => s.uses === ATTEST);

  it('attests layer.zip (provenance) and its SBOM after the build step', () => {
    expect(attests).toHaveLength(2);
    for (const step of attests) {
      expect(steps.indexOf(step)).toBeGreaterThan(build);
      expect(step.with?.['subject-path']).toBe(expression('steps.layer.outputs.layer-zip'));
      expect(step.if).toBe('inputs.attest');
    }
    expect(attests[0]?.with?.['sbom-path']).toBeUndefined();
    expect(attests[1]?.with?.['sbom-path']).toBe(expression('steps.layer.outputs.sbom'));
    expect(workflow.on.workflow_call.inputs.attest).toMatchObject({ type: 'boolean', default: true });
  });

  it('grants attestations: write to the layer job only, beside id-token and contents: read', () => {
    expect(layer.permissions).toEqual({ 'id-token': 'write', contents: 'read', attestations: 'write' });
    expect(workflow.permissions).toEqual({ 'id-token': 'write', contents: 'read' });
    expect(workflow.jobs.deploy?.permissions).toBeUndefined();
  });

  it('the action has the outputs the steps read', () => {
    const action = read('action.yml') as { outputs: Record<string, unknown> };
    expect(Object.keys(action.outputs)).toEqual(expect.arrayContaining(['layer-zip', 'sbom']));
  });

  it.each(['workflows/deploy-on-push.yml', 'workflows/rebuild-layer.yml'])(
    '%s grants what the reusable workflow needs',
    (file) => {
      const doc = read(file) as { jobs: Record<string, Job & { uses?: string }> };
      for (const job of Object.values(doc.jobs).filter((j) => j.uses?.includes('lambda-layer.yml'))) {
        expect(job.permissions).toEqual({ 'id-token': 'write', contents: 'read', attestations: 'write' });
      }
    },
  );
});
