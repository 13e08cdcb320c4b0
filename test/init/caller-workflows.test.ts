/**
 * The caller workflows have one home (src/init/caller-workflows.ts): workflows/ holds exactly
 * what `lambda-layer init` writes for the example service, and every variant init can write
 * passes actionlint.
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  type CallerSettings,
  callerWorkflows,
  EXAMPLE_FILES,
  EXAMPLE_SETTINGS,
} from '../../src/init/caller-workflows.js';
import { actionlintFindings } from '../support/actionlint.js';

const root = join(import.meta.dirname, '..', '..');

describe('caller workflows', () => {
  it.each(Object.entries(EXAMPLE_FILES))('%s is the text of %s', (name, path) => {
    const generated = callerWorkflows(EXAMPLE_SETTINGS)[name as keyof typeof EXAMPLE_FILES];
    expect(
      readFileSync(join(root, path), 'utf8'),
      `${path} differs from what init writes: run npx tsx scripts/write-example-workflows.ts`,
    ).toBe(generated);
  });

  const variants: [string, CallerSettings][] = [
    ['the example', EXAMPLE_SETTINGS],
    [
      'arm64, a service in a subfolder, a lock file with a space, another branch, a placeholder account',
      {
        ...EXAMPLE_SETTINGS,
        architecture: 'arm64',
        runtime: 'python3.13',
        requirements: 'services/api/my locks/uv.lock',
        servicePath: 'services/api',
        branch: 'release/2026',
        stage: 'staging',
        region: 'eu-west-1',
        publishRoleArn: 'arn:aws:iam::<ACCOUNT_ID>:role/lambda-layer-github-api-publish',
        deployRoleArn: 'arn:aws:iam::<ACCOUNT_ID>:role/lambda-layer-github-api-deploy',
      },
    ],
  ];

  it.each(variants)('%s: passes actionlint and says what was asked', async (_, settings) => {
    for (const [name, text] of Object.entries(callerWorkflows(settings))) {
      expect(await actionlintFindings(text, name)).toEqual([]);
      const doc = parse(text) as {
        jobs: Record<
          string,
          { uses: string; permissions: Record<string, string>; with: Record<string, unknown> }
        >;
      };
      const [job] = Object.values(doc.jobs);
      expect(job?.uses).toBe('lambda-python-layer/lambda-python-layer/.github/workflows/lambda-layer.yml@v1');
      expect(job?.permissions['id-token']).toBe('write');
      expect(job?.with).toMatchObject({
        requirements: settings.requirements,
        'layer-name': settings.layerName,
        'aws-region': settings.region,
        'role-to-assume': settings.publishRoleArn,
        'deploy-role-to-assume': settings.deployRoleArn,
        'service-path': settings.servicePath,
      });
    }
    const deploy = parse(callerWorkflows(settings)['deploy.yml']) as {
      on: { push: { branches: string[] } };
      jobs: { deploy: { with: Record<string, unknown> } };
    };
    expect(deploy.on.push.branches).toEqual([settings.branch]);
    expect(deploy.jobs.deploy.with.stage).toBe(settings.stage);
    expect(deploy.jobs.deploy.with.runtime).toBe(settings.runtime);
    if (settings.architecture === 'arm64')
      expect(deploy.jobs.deploy.with['deploy-architecture']).toBe('arm64');
  });

  it('every input the callers pass is one the reusable workflow declares, and its deploy job passes the deploy role on', () => {
    const reusable = parse(readFileSync(join(root, '.github/workflows/lambda-layer.yml'), 'utf8')) as {
      on: { workflow_call: { inputs: Record<string, { default?: unknown; required?: boolean }> } };
      jobs: Record<string, { steps: { id?: string; with?: Record<string, string> }[] }>;
    };
    const declared = reusable.on.workflow_call.inputs;
    for (const settings of variants.map(([, s]) => s)) {
      for (const text of Object.values(callerWorkflows(settings))) {
        const doc = parse(text) as { jobs: Record<string, { with: Record<string, unknown> }> };
        for (const job of Object.values(doc.jobs))
          expect(Object.keys(job.with).filter((name) => !(name in declared))).toEqual([]);
      }
    }
    expect(declared['deploy-role-to-assume']).toMatchObject({ default: '' });
    const stepWith = (job: string) => reusable.jobs[job]?.steps.find((step) => step.with)?.with ?? {};
    expect(stepWith('deploy')['deploy-role-to-assume']).toBe(`\${{ inputs.deploy-role-to-assume }}`);
    expect(stepWith('deploy')['role-to-assume']).toBe(`\${{ inputs.role-to-assume }}`);
    // The layer job only publishes: it never needs the deploy role.
    expect(stepWith('layer')['deploy-role-to-assume']).toBeUndefined();
  });
});
