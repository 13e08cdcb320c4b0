/**
 * `lambda-layer init`: set up a Serverless service's repository for the reusable workflow. It
 * reads what it can (the requirements or lock file, serverless.yml, the git remote), writes the
 * two caller workflows and aws/github-roles.yml, attaches ${param:layerArn} to the functions,
 * and prints the one AWS command and the push. Every target is checked before anything is
 * written, so a refusal leaves the folder as it was; each file is written whole (rename).
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { validateAccountId, validateLayerName, validateRegion } from '../aws/validation.js';
import { InputError, UserError } from '../errors.js';
import { type CallerSettings, callerWorkflows } from '../init/caller-workflows.js';
import { githubRepositoryOf, readGitFacts } from '../init/git-repository.js';
import {
  addLayerParam,
  type LayerEdit,
  MANUAL_LINES,
  readServerlessFacts,
} from '../init/serverless-config.js';
import { packageFilePath } from '../programs.js';
import { detectInput } from '../resolve/layer-input.js';
import { DEFAULT_ARCHITECTURE, DEFAULT_RUNTIME, resolveTarget } from '../target.js';
import { TOOL_NAME } from '../version.js';
import type { CliIO, Command } from './command.js';
import { parseCommandArgs } from './parse.js';

/** The template, in this package and in the service. */
export const TEMPLATE_FILE = 'aws/github-roles.yml';
export const DEFAULT_STAGE = 'prod';
export const DEFAULT_BRANCH = 'main';
const ACCOUNT_PLACEHOLDER = '<ACCOUNT_ID>';

const usage = `Usage: ${TOOL_NAME} init [options]

Run in a Serverless Framework v3 service folder. Writes, at the top of its git repository,
.github/workflows/deploy.yml (every push to the branch: build, publish, deploy) and
.github/workflows/rebuild-layer.yml (manual rebuild), both calling the reusable workflow; copies
the AWS template to aws/github-roles.yml in the service; adds \`layers: - \${param:layerArn}\` to
the functions of serverless.yml when none has it; prints the AWS command and the push.

Options:
  --service-path DIR      the service folder (default: .)
  --requirements FILE     requirements or lock file (default: the first of requirements.txt,
                          pylock.toml, uv.lock, poetry.lock, Pipfile.lock, pyproject.toml)
  --region NAME           AWS region (default: serverless.yml provider.region, else $AWS_REGION)
  --runtime NAME          Lambda runtime (default: provider.runtime, else ${DEFAULT_RUNTIME})
  --arch ARCH             x86_64 | arm64 (default: provider.architecture, else ${DEFAULT_ARCHITECTURE})
  --layer-name NAME       layer name (default: SERVICE-deps)
  --stage NAME            stage the workflows deploy (default: ${DEFAULT_STAGE})
  --branch NAME           branch whose pushes deploy (default: ${DEFAULT_BRANCH})
  --repository OWNER/REPO the GitHub repository (default: from \`git remote get-url origin\`)
  --account-id ID         AWS account id for the role ARNs (default: the placeholder ${ACCOUNT_PLACEHOLDER})
  --stack-name NAME       CloudFormation stack of the roles (default: lambda-layer-github-SERVICE)
  --force                 overwrite files that exist
  --verbose               show debug output`;

interface Plan {
  readonly files: { readonly path: string; readonly text: string; readonly what: string }[];
  readonly layerEdit: LayerEdit;
  readonly serverlessPath: string;
  readonly settings: CallerSettings;
  readonly repository: string;
  readonly service: string;
  readonly stackName: string;
  readonly accountId?: string;
  readonly root: string;
  readonly serviceDir: string;
  readonly notes: readonly string[];
}

const SERVERLESS_FILES = ['serverless.yml', 'serverless.yaml'];
const toPosix = (path: string) => path.split(sep).join('/');

async function plan(values: Record<string, string | boolean | undefined>, io: CliIO): Promise<Plan> {
  const flag = (name: string) => values[name] as string | undefined;
  const serviceDir = resolve(io.cwd, flag('service-path') ?? '.');
  if (!existsSync(serviceDir)) throw new InputError('service-path', `${serviceDir} does not exist`);
  const notes: string[] = [];

  const serverlessName = SERVERLESS_FILES.find((name) => existsSync(join(serviceDir, name)));
  if (!serverlessName) {
    throw new UserError(
      `no serverless.yml in ${serviceDir}: init sets up a Serverless Framework v3 service.`,
      {
        hint: `run it in the service folder (or pass --service-path DIR); to build and publish a layer without a service, use "${TOOL_NAME} build" and "${TOOL_NAME} publish"`,
      },
    );
  }
  const serverlessPath = join(serviceDir, serverlessName);
  const serverlessText = await readFile(serverlessPath, 'utf8');
  let facts: ReturnType<typeof readServerlessFacts>;
  try {
    facts = readServerlessFacts(serverlessText);
  } catch (error) {
    throw new UserError(`${serverlessPath} is not valid YAML: ${(error as Error).message}`);
  }
  const service = facts.service;
  if (!service || !/^[a-zA-Z][a-zA-Z0-9-]*$/.test(service)) {
    throw new UserError(
      `${serverlessPath} has no plain \`service:\` name${service ? ` ("${service}")` : ''}.`,
      {
        hint: 'give the service a literal name (letters, digits and hyphens): the roles are scoped to it',
      },
    );
  }

  let requirementsFile: string;
  if (flag('requirements')) {
    requirementsFile = resolve(io.cwd, flag('requirements') as string);
    if (!existsSync(requirementsFile))
      throw new InputError('requirements', `${requirementsFile} does not exist`);
  } else {
    try {
      requirementsFile = detectInput([serviceDir]).file;
    } catch (error) {
      throw new InputError('requirements', (error as Error).message.replace(/^Input "requirements": /, ''), {
        hint: 'create requirements.txt (one requirement per line, e.g. flask==3.0.3) or pass --requirements FILE',
      });
    }
  }

  const git = await readGitFacts(serviceDir, io.env);
  const root = git.root ?? serviceDir;
  if (!git.root)
    notes.push(
      `${serviceDir} is not in a git repository: the workflows go to its .github/ (run git init there)`,
    );
  const repository = flag('repository') ?? (git.originUrl ? githubRepositoryOf(git.originUrl) : undefined);
  if (!repository) {
    throw new InputError(
      'repository',
      git.originUrl
        ? `the origin remote ${git.originUrl} is not a GitHub repository`
        : 'no git remote "origin" to read the GitHub repository from',
      { hint: 'pass --repository OWNER/REPO (the roles trust only this repository)' },
    );
  }
  if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repository))
    throw new InputError('repository', `"${repository}" is not OWNER/REPO`);

  const regionSource = flag('region') ?? facts.region ?? io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION;
  if (!regionSource) {
    throw new InputError('region', `no region in ${serverlessName} (provider.region) or AWS_REGION`, {
      hint: 'pass --region (e.g. --region eu-west-1): the region the service deploys to',
    });
  }
  const region = validateRegion(regionSource, 'region');
  const target = resolveTarget(
    flag('runtime') ?? facts.runtime ?? DEFAULT_RUNTIME,
    flag('arch') ?? facts.architecture ?? DEFAULT_ARCHITECTURE,
  );
  const layerName = validateLayerName(flag('layer-name') ?? `${service}-deps`, 'layer-name');
  const stage = flag('stage') ?? DEFAULT_STAGE;
  if (!/^[a-zA-Z0-9-]+$/.test(stage))
    throw new InputError('stage', `"${stage}" is not a Serverless stage (letters, digits, hyphens)`);
  const branch = flag('branch') ?? DEFAULT_BRANCH;
  if (!/^[^*?\s]+$/.test(branch)) throw new InputError('branch', `"${branch}" is not one branch name`);
  const stackName = flag('stack-name') ?? `lambda-layer-github-${service}`;
  if (!/^[a-zA-Z][-a-zA-Z0-9]*$/.test(stackName) || `${stackName}-publish`.length > 64) {
    throw new InputError(
      'stack-name',
      `"${stackName}" cannot name the roles (STACK-publish, at most 64 characters)`,
      {
        hint: 'pass a shorter --stack-name (letters, digits, hyphens)',
      },
    );
  }
  const accountId = flag('account-id')
    ? validateAccountId(flag('account-id') as string, 'account-id')
    : undefined;
  const roleArn = (suffix: string) =>
    `arn:aws:iam::${accountId ?? ACCOUNT_PLACEHOLDER}:role/${stackName}-${suffix}`;

  const settings: CallerSettings = {
    requirements: toPosix(relative(root, requirementsFile)),
    runtime: target.runtime,
    architecture: target.architecture,
    layerName,
    region,
    publishRoleArn: roleArn('publish'),
    deployRoleArn: roleArn('deploy'),
    servicePath: toPosix(relative(root, serviceDir)) || '.',
    stage,
    branch,
    asOf: new Date(),
  };
  if (settings.requirements.startsWith('../'))
    throw new InputError('requirements', `${requirementsFile} is outside the repository ${root}`);
  const workflows = callerWorkflows(settings);
  const template = await readFile(packageFilePath(TEMPLATE_FILE), 'utf8');
  let layerEdit: LayerEdit;
  try {
    layerEdit = addLayerParam(serverlessText);
  } catch (error) {
    layerEdit = { kind: 'manual', reason: (error as Error).message, lines: MANUAL_LINES };
  }
  return {
    files: [
      {
        path: join(root, '.github', 'workflows', 'deploy.yml'),
        text: workflows['deploy.yml'],
        what: `deploys on every push to ${branch}`,
      },
      {
        path: join(root, '.github', 'workflows', 'rebuild-layer.yml'),
        text: workflows['rebuild-layer.yml'],
        what: 'manual rebuild from the Actions tab',
      },
      { path: join(serviceDir, TEMPLATE_FILE), text: template, what: 'the OIDC provider and the two roles' },
    ],
    layerEdit,
    serverlessPath,
    settings,
    repository,
    service,
    stackName,
    accountId,
    root,
    serviceDir,
    notes,
  };
}

/** Writes a whole file or nothing: a temp file beside it, renamed over it. */
async function writeWhole(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, text);
  await rename(temp, path);
}

/** The one AWS command, with this repository's parameters. */
export function awsCommand(
  p: Pick<Plan, 'stackName' | 'repository' | 'service' | 'settings'>,
  templateFile: string = TEMPLATE_FILE,
): string {
  const parameters = [
    `GitHubRepository=${p.repository}`,
    `ServiceName=${p.service}`,
    `Stage=${p.settings.stage}`,
    `LayerName=${p.settings.layerName}`,
    ...(p.settings.branch === DEFAULT_BRANCH ? [] : [`Branch=${p.settings.branch}`]),
  ];
  return `aws cloudformation deploy --stack-name ${p.stackName} --template-file ${templateFile} --capabilities CAPABILITY_NAMED_IAM --region ${p.settings.region} --parameter-overrides ${parameters.join(' ')}`;
}

function report(p: Plan, io: CliIO): string {
  // Paths as the person types them: relative to where they ran init, when inside it.
  const inside = (from: string, path: string) => {
    const rel = toPosix(relative(from, path));
    return rel.startsWith('../') || rel === '..' ? undefined : rel || '.';
  };
  const shown = (path: string) => inside(io.cwd, path) ?? path;
  // git runs in the repository: from here when inside it, else after a cd.
  const gitDir = inside(p.root, io.cwd) === undefined ? p.root : io.cwd;
  const gitPath = (path: string) => inside(gitDir, path) ?? path;
  const lines = ['Wrote:'];
  for (const file of p.files) lines.push(`  ${shown(file.path).padEnd(36)} ${file.what}`);
  if (p.layerEdit.kind === 'edited') {
    lines.push(
      `  ${shown(p.serverlessPath).padEnd(36)} layers: - \${param:layerArn} added to ${p.layerEdit.functions.join(', ')}`,
    );
  }
  lines.push(
    '',
    `Found: service ${p.service}, ${p.settings.requirements}, ${p.settings.runtime} ${p.settings.architecture}, ${p.settings.region}, repository ${p.repository}`,
  );
  if (p.layerEdit.kind === 'manual') {
    lines.push(
      '',
      `${shown(p.serverlessPath)} was left as it is (${p.layerEdit.reason}). Attach the layer to each function yourself:`,
      p.layerEdit.lines,
    );
  }
  for (const note of p.notes) lines.push('', `Note: ${note}`);
  // .github, the service's aws/ and serverless.yml when it was edited.
  const addPaths = [
    ...new Set([
      gitPath(join(p.root, '.github')),
      gitPath(join(p.serviceDir, 'aws')),
      ...(p.layerEdit.kind === 'edited' ? [gitPath(p.serverlessPath)] : []),
    ]),
  ];
  lines.push(
    '',
    'Next steps:',
    '  1. Create the GitHub OIDC provider and the two roles, once, with AWS credentials that may create IAM roles:',
    '',
    `     ${awsCommand(p, shown(join(p.serviceDir, TEMPLATE_FILE)))}`,
    '',
    '     Add CreateOidcProvider=false when the account already has the GitHub OIDC provider.',
    ...(p.accountId
      ? []
      : [
          `  2. Put your AWS account id in place of ${ACCOUNT_PLACEHOLDER} in the two workflows (aws sts get-caller-identity`,
          `     --query Account), or run init again with --account-id ID --force.`,
        ]),
    `  ${p.accountId ? 2 : 3}. Commit and push; the push to ${p.settings.branch} deploys:`,
    '',
    `     ${gitDir === io.cwd ? '' : `cd ${gitDir} && `}git add ${addPaths.join(' ')} && git commit -m "Deploy with lambda-layer" && git push`,
  );
  return `${lines.join('\n')}\n`;
}

async function run(argv: readonly string[], io: CliIO): Promise<number> {
  const { values } = parseCommandArgs(argv, {
    'service-path': { type: 'string' },
    requirements: { type: 'string' },
    region: { type: 'string' },
    runtime: { type: 'string' },
    arch: { type: 'string' },
    'layer-name': { type: 'string' },
    stage: { type: 'string' },
    branch: { type: 'string' },
    repository: { type: 'string' },
    'account-id': { type: 'string' },
    'stack-name': { type: 'string' },
    force: { type: 'boolean' },
    verbose: { type: 'boolean' },
  });
  const p = await plan(values, io);
  // Every target is checked before anything is written.
  const existing = p.files.filter((f) => existsSync(f.path)).map((f) => toPosix(relative(io.cwd, f.path)));
  if (existing.length > 0 && !values.force) {
    throw new UserError(
      `${existing.join(', ')} already exist${existing.length === 1 ? 's' : ''}; nothing was written.`,
      {
        hint: 'pass --force to overwrite (commit or copy your own version first)',
      },
    );
  }
  for (const file of p.files) await writeWhole(file.path, file.text);
  if (p.layerEdit.kind === 'edited') await writeWhole(p.serverlessPath, p.layerEdit.text);
  io.stdout.write(report(p, io));
  return 0;
}

export const initCommand: Command = { usage, run };
