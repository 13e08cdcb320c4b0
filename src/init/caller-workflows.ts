/**
 * The two workflows a service's repository needs, written by `lambda-layer init` and kept as the
 * ready-to-copy examples in workflows/ (test/init/caller-workflows.test.ts checks those files
 * are this text for the example service): the one home of what a caller workflow says.
 */
import { RUNTIMES, runtimeStatus } from '../target.js';

/** The reusable workflow every caller uses (the contract: lambda-python-layer@v1). */
export const REUSABLE_WORKFLOW =
  'lambda-python-layer/lambda-python-layer/.github/workflows/lambda-layer.yml@v1';

export interface CallerSettings {
  /** Requirements or lock file, relative to the repository root. */
  readonly requirements: string;
  readonly runtime: string;
  readonly architecture: 'x86_64' | 'arm64';
  readonly layerName: string;
  readonly region: string;
  readonly publishRoleArn: string;
  readonly deployRoleArn: string;
  /** Service folder relative to the repository root ("." at the root). */
  readonly servicePath: string;
  readonly stage: string;
  /** The branch whose pushes deploy (the template's Branch parameter). */
  readonly branch: string;
  /**
   * The day whose AWS runtime dates pick the runtimes the manual rebuild offers: today for
   * `init`, a fixed day for the committed examples so that they do not change with the calendar.
   */
  readonly asOf: Date;
}

/** A YAML scalar: plain when it is unambiguous, else double-quoted (JSON strings are YAML). */
function scalar(value: string): string {
  return /^[A-Za-z0-9_./<>-][A-Za-z0-9_./:<>@-]*$/.test(value) &&
    !/^(true|false|null|yes|no|on|off|~)$/i.test(value)
    ? value
    : JSON.stringify(value);
}

const HEADER = `# \`lambda-layer init\` writes this file into .github/workflows/ (or copy it there). The two roles
# come from aws/github-roles.yml (docs/iam.md of lambda-python-layer).`;

export function deployWorkflow(s: CallerSettings): string {
  const arch =
    s.architecture === 'x86_64'
      ? ''
      : `      architectures: '["${s.architecture}"]'\n      deploy-architecture: ${s.architecture}\n`;
  return `${HEADER}
# On every push to ${s.branch}: build the layer for Lambda, publish it (or reuse the identical
# version), deploy the service with the new layer ARN, and GET the endpoint.
name: Deploy

on:
  push:
    branches: [${scalar(s.branch)}]

jobs:
  deploy:
    uses: ${REUSABLE_WORKFLOW}
    # OIDC: the reusable workflow asks GitHub for a token, so the caller must grant it.
    permissions:
      id-token: write
      contents: read
      # The reusable workflow attests layer.zip and its SBOM (artifact attestations).
      attestations: write
    with:
      requirements: ${scalar(s.requirements)}
      runtime: ${scalar(s.runtime)}
${arch}      layer-name: ${scalar(s.layerName)}
      aws-region: ${scalar(s.region)}
      role-to-assume: ${scalar(s.publishRoleArn)}
      deploy-role-to-assume: ${scalar(s.deployRoleArn)}
      service-path: ${scalar(s.servicePath)}
      stage: ${scalar(s.stage)}
`;
}

export function rebuildWorkflow(s: CallerSettings): string {
  const runtimes = RUNTIMES.filter((r) => runtimeStatus(r, s.asOf) === 'supported').map((r) => r.runtime);
  if (!runtimes.includes(s.runtime)) runtimes.unshift(s.runtime);
  return `${HEADER}
# Manual rebuild from the Actions tab: pick runtime, architecture and stage; force-rebuild ignores
# the cache (e.g. to pick up new releases of unpinned requirements).
name: Rebuild layer

on:
  workflow_dispatch:
    inputs:
      force-rebuild:
        description: Ignore the layer cache
        type: boolean
        default: true
      runtime:
        description: Lambda runtime
        type: choice
        options: [${runtimes.join(', ')}]
        default: ${scalar(s.runtime)}
      architecture:
        description: Lambda architecture
        type: choice
        options: [x86_64, arm64]
        default: ${s.architecture}
      arm64-native-runner:
        description: Build an arm64 layer on an arm64 runner (import proof on the real CPU)
        type: boolean
        default: false
      stage:
        description: Serverless stage to deploy (the deploy role of aws/github-roles.yml allows ${s.stage})
        type: string
        default: ${scalar(s.stage)}

jobs:
  rebuild:
    uses: ${REUSABLE_WORKFLOW}
    permissions:
      id-token: write
      contents: read
      # The reusable workflow attests layer.zip and its SBOM (artifact attestations).
      attestations: write
    with:
      requirements: ${scalar(s.requirements)}
      runtime: \${{ inputs.runtime }}
      architectures: \${{ format('["{0}"]', inputs.architecture) }}
      deploy-architecture: \${{ inputs.architecture }}
      force-rebuild: \${{ inputs.force-rebuild }}
      arm64-native-runner: \${{ inputs.arm64-native-runner }}
      stage: \${{ inputs.stage }}
      layer-name: ${scalar(s.layerName)}
      aws-region: ${scalar(s.region)}
      role-to-assume: ${scalar(s.publishRoleArn)}
      deploy-role-to-assume: ${scalar(s.deployRoleArn)}
      service-path: ${scalar(s.servicePath)}
`;
}

/** The files under .github/workflows/, by name. */
export function callerWorkflows(
  settings: CallerSettings,
): Record<'deploy.yml' | 'rebuild-layer.yml', string> {
  return { 'deploy.yml': deployWorkflow(settings), 'rebuild-layer.yml': rebuildWorkflow(settings) };
}

/** The example service's settings: workflows/deploy-on-push.yml and workflows/rebuild-layer.yml. */
export const EXAMPLE_SETTINGS: CallerSettings = {
  requirements: 'requirements.txt',
  runtime: 'python3.11',
  architecture: 'x86_64',
  layerName: 'flask-api-deps',
  region: 'us-east-1',
  publishRoleArn: 'arn:aws:iam::123456789012:role/lambda-layer-github-publish',
  deployRoleArn: 'arn:aws:iam::123456789012:role/lambda-layer-github-deploy',
  servicePath: '.',
  stage: 'prod',
  branch: 'main',
  asOf: new Date('2026-12-06T00:00:00Z'),
};

/** Where each example lives in this repository. */
export const EXAMPLE_FILES = {
  'deploy.yml': 'workflows/deploy-on-push.yml',
  'rebuild-layer.yml': 'workflows/rebuild-layer.yml',
} as const;
