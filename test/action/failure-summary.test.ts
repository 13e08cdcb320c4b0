/**
 * The action as the runner starts it (real @actions/core; stdout is the command stream the
 * runner parses): a failed build still writes the job summary (what was tried, the error, the
 * file and line) and prints its error once, as an annotation on that line; a build-only run's
 * summary leads with the result and says why nothing was published.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOOLS_FOLDER } from '../../src/cache/wheel-store.js';
import { startAction } from '../support/action-process.js';
import { type AwsTestServer, startAwsTestServer } from '../support/aws-server/index.js';
import { createPackageIndex, type PackageIndex } from '../support/package-index.js';
import { seedPinnedPip } from '../support/pinned-pip-setup.js';
import { runnerCommands } from '../support/runner-commands.js';

let index: PackageIndex;
let aws: AwsTestServer;
let workspace: string;
let runnerEnv: Record<string, string>;

beforeAll(async () => {
  index = await createPackageIndex({ wheels: [{ name: 'webby', version: '1.0.0' }] });
  aws = await startAwsTestServer();
  workspace = mkdtempSync(join(tmpdir(), 'action-failure-'));
  runnerEnv = {
    GITHUB_WORKSPACE: workspace,
    RUNNER_TEMP: join(workspace, 'tmp'),
    PIP_CONFIG_FILE: '/dev/null',
    PIP_RETRIES: '0',
  };
  // The generated index does not offer pip: the action's tool cache gets the already-fetched one.
  await seedPinnedPip(join(workspace, 'tmp', 'lambda-layer-cache', 'wheels', TOOLS_FOLDER));
}, 120_000);

afterAll(async () => {
  await aws?.close();
  await index?.cleanup();
});

describe('the job summary and errors of the action', () => {
  it('a failed build: summary with what was tried, the error, file and line; the error printed once', async () => {
    writeFileSync(join(workspace, 'requirements.txt'), 'webby==1.0.0\nnosuchthing==2.0\n');
    const run = await startAction(
      { 'index-url': index.indexUrl, publish: 'false', cache: 'false' },
      runnerEnv,
    ).done;
    expect(run.code).toBe(1);
    const errors = runnerCommands(run.stdout).filter((c) => c.command === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.line).toMatch(/^::error file=requirements\.txt,line=2::/);
    expect(errors[0]?.data).toContain('nosuchthing');

    expect(run.summary).toContain('## Lambda layer: python3.11 x86_64: failed at build');
    expect(run.summary).toMatch(/\*\*Error\*\* \(`requirements\.txt` line 2\): .*nosuchthing/);
    expect(run.summary).toContain('**What to do**: check the name "nosuchthing"');
    expect(run.summary).toContain(
      '1. Build a python3.11 x86_64 layer from the input found in the workspace ❌ failed',
    );
  }, 240_000);

  it('a build-only run: the summary leads with the result and says why nothing was published', async () => {
    writeFileSync(join(workspace, 'requirements.txt'), 'webby==1.0.0\n');
    const run = await startAction(
      { 'index-url': index.indexUrl, publish: 'false', cache: 'false' },
      runnerEnv,
    ).done;
    expect(run.code).toBe(0);
    const lines = run.summary.trim().split('\n');
    expect(lines[0]).toBe(
      '## Lambda layer: python3.11 x86_64: built, verified, imports proven, not published',
    );
    expect(lines[2]).toMatch(/^- \*\*Built\*\*: zip /);
    expect(run.summary).toContain('- **Not published**: the publish input is false (build only)');
    // The result comes before the packages.
    expect(run.summary.indexOf('**Not published**')).toBeLessThan(run.summary.indexOf('| Package |'));
  }, 240_000);

  it('a publish that fails after the build: the summary says the build worked and shows the layer', async () => {
    writeFileSync(join(workspace, 'requirements.txt'), 'webby==1.0.0\n');
    // A role the account does not have: assuming it, the first step of publishing, fails after
    // the build succeeded.
    const run = await startAction(
      {
        'index-url': index.indexUrl,
        cache: 'false',
        'layer-name': 'webby-deps',
        'aws-region': 'us-east-1',
        'role-to-assume': 'arn:aws:iam::123456789012:role/no-such-role',
      },
      { ...runnerEnv, ...aws.env },
    ).done;
    expect(run.code).toBe(1);
    expect(runnerCommands(run.stdout).filter((c) => c.command === 'error')).toHaveLength(1);
    expect(run.summary).toContain('## Lambda layer: python3.11 x86_64: failed at publish');
    expect(run.summary).toContain('no-such-role');
    expect(run.summary).toContain(
      '1. Build a python3.11 x86_64 layer from the input found in the workspace ✅',
    );
    expect(run.summary).toContain('2. Publish it as `webby-deps` in us-east-1 ❌ failed');
    expect(run.summary).toContain('### What was done before it failed');
    expect(run.summary).toContain('- **Built**: zip ');
    expect(run.summary).toMatch(/\| webby \| 1\.0\.0 \|/);
  }, 240_000);
});
