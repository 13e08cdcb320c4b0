/**
 * `lambda-layer init` through the CLI entry: on examples/flask-api copied into a temp git
 * repository with a GitHub remote, on a service in a subfolder, and on folders that lack what
 * it needs (an empty folder is refused: init sets up a Serverless service, and says so).
 * Real git, real files; the workflows it writes go through actionlint.
 */

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { main } from '../../src/cli.js';
import { githubRepositoryOf } from '../../src/init/git-repository.js';
import { addLayerParam, LAYER_PARAM } from '../../src/init/serverless-config.js';
import { memoryLogger } from '../../src/log.js';
import { actionlintFindings } from '../support/actionlint.js';

const ROOT = join(import.meta.dirname, '..', '..');
const EXAMPLE = join(ROOT, 'examples', 'flask-api');
const TEMPLATE = readFileSync(join(ROOT, 'aws', 'github-roles.yml'), 'utf8');
/** The example's serverless.yml without its layers lines: what a service has before init. */
const EXAMPLE_YML = readFileSync(join(EXAMPLE, 'serverless.yml'), 'utf8');
const WITHOUT_LAYERS = EXAMPLE_YML.replace(`    layers:\n      - ${LAYER_PARAM}\n`, '');

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'lambda-layer-init-'));
});
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

/** No AWS_REGION from this machine: the region must come from serverless.yml or --region. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', HOME: work };
  delete env.AWS_REGION;
  delete env.AWS_DEFAULT_REGION;
  return env;
}

async function init(cwd: string, args: string[] = [], env = cleanEnv()) {
  const stdout = new PassThrough();
  let out = '';
  stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  const log = memoryLogger();
  const code = await main(['init', ...args], { stdout, log, env, cwd });
  return { code, out, log: log.lines.join('\n') };
}

/** A git repository with an origin remote, holding the example service at `subdir`. */
async function exampleRepo(
  name: string,
  remote: string | undefined,
  subdir = '.',
): Promise<{ repo: string; service: string }> {
  const repo = join(work, name);
  const service = join(repo, subdir);
  await mkdir(service, { recursive: true });
  for (const file of ['app.py', 'requirements.txt']) await copyFile(join(EXAMPLE, file), join(service, file));
  writeFileSync(join(service, 'serverless.yml'), WITHOUT_LAYERS);
  execFileSync('git', ['init', '-q', repo], { timeout: 15_000 });
  if (remote) execFileSync('git', ['-C', repo, 'remote', 'add', 'origin', remote], { timeout: 15_000 });
  return { repo, service };
}

const read = (path: string) => readFileSync(path, 'utf8');

async function expectActionlintClean(files: string[]) {
  for (const file of files) expect(await actionlintFindings(read(file), file)).toEqual([]);
}

describe('lambda-layer init on examples/flask-api', () => {
  it('writes both workflows, the template and the layer parameter, and prints the AWS command and the push', async () => {
    const { repo } = await exampleRepo('example', 'https://github.com/octo-org/flask-api.git');
    const run = await init(repo);
    expect(run.code, run.log).toBe(0);

    const deployFile = join(repo, '.github/workflows/deploy.yml');
    const rebuildFile = join(repo, '.github/workflows/rebuild-layer.yml');
    await expectActionlintClean([deployFile, rebuildFile]);
    const deploy = parse(read(deployFile)) as {
      on: unknown;
      jobs: { deploy: { with: Record<string, string> } };
    };
    expect(deploy.on).toEqual({ push: { branches: ['main'] } });
    expect(deploy.jobs.deploy.with).toEqual({
      requirements: 'requirements.txt',
      runtime: 'python3.11',
      'layer-name': 'flask-api-deps',
      'aws-region': 'us-east-1', // the fallback of ${opt:region, 'us-east-1'}
      'role-to-assume': 'arn:aws:iam::<ACCOUNT_ID>:role/lambda-layer-github-flask-api-publish',
      'deploy-role-to-assume': 'arn:aws:iam::<ACCOUNT_ID>:role/lambda-layer-github-flask-api-deploy',
      'service-path': '.',
      stage: 'prod',
    });
    expect(read(join(repo, 'aws/github-roles.yml'))).toBe(TEMPLATE);
    // The layer parameter went in, and the file is the example again, comments and all.
    expect(read(join(repo, 'serverless.yml'))).toBe(EXAMPLE_YML);

    expect(run.out).toContain(
      'aws cloudformation deploy --stack-name lambda-layer-github-flask-api --template-file aws/github-roles.yml --capabilities CAPABILITY_NAMED_IAM --region us-east-1 --parameter-overrides GitHubRepository=octo-org/flask-api ServiceName=flask-api Stage=prod LayerName=flask-api-deps',
    );
    expect(run.out).toContain('<ACCOUNT_ID>');
    expect(run.out).toContain(
      'git add .github aws serverless.yml && git commit -m "Deploy with lambda-layer" && git push',
    );
    // The roles the workflows name are the ones the template creates for that stack name.
    expect(deploy.jobs.deploy.with['role-to-assume']).toMatch(
      /:role\/lambda-layer-github-flask-api-publish$/,
    );
  });

  it('refuses to overwrite without --force, naming the file, and writes nothing at all', async () => {
    const { repo } = await exampleRepo('refuse', 'git@github.com:octo-org/flask-api.git');
    const mine = '# my own workflow\nname: Rebuild\non: workflow_dispatch\njobs: {}\n';
    await mkdir(join(repo, '.github/workflows'), { recursive: true });
    writeFileSync(join(repo, '.github/workflows/rebuild-layer.yml'), mine);
    const run = await init(repo);
    expect(run.code).toBe(1);
    expect(run.log).toContain('.github/workflows/rebuild-layer.yml already exists; nothing was written');
    expect(run.log).toContain('--force');
    expect(read(join(repo, '.github/workflows/rebuild-layer.yml'))).toBe(mine);
    expect(existsSync(join(repo, '.github/workflows/deploy.yml'))).toBe(false);
    expect(existsSync(join(repo, 'aws'))).toBe(false);
    expect(read(join(repo, 'serverless.yml'))).toBe(WITHOUT_LAYERS);

    const forced = await init(repo, ['--force', '--account-id', '111122223333', '--region', 'eu-west-1']);
    expect(forced.code, forced.log).toBe(0);
    const rebuild = read(join(repo, '.github/workflows/rebuild-layer.yml'));
    expect(rebuild).toContain(
      'role-to-assume: arn:aws:iam::111122223333:role/lambda-layer-github-flask-api-publish',
    );
    expect(rebuild).toContain('aws-region: eu-west-1');
    expect(forced.out).not.toContain('<ACCOUNT_ID>');
    expect(forced.out).toContain('--region eu-west-1');
    expect(read(join(repo, 'serverless.yml'))).toBe(EXAMPLE_YML);
  });

  it('a second run over its own output is refused; serverless.yml already has the parameter and stays as it is', async () => {
    const { repo } = await exampleRepo('twice', 'ssh://git@github.com/octo-org/flask-api');
    expect((await init(repo)).code).toBe(0);
    const before = statSync(join(repo, 'serverless.yml')).mtimeMs;
    const again = await init(repo);
    expect(again.code).toBe(1);
    expect(again.log).toMatch(/deploy\.yml, .*rebuild-layer\.yml, .*aws\/github-roles\.yml already exist/);
    const forced = await init(repo, ['--force']);
    expect(forced.code).toBe(0);
    expect(forced.out).not.toContain('serverless.yml');
    expect(statSync(join(repo, 'serverless.yml')).mtimeMs).toBe(before);
  });

  it('a service in a subfolder: workflows at the repository root, paths relative to it, run from the service', async () => {
    const { repo, service } = await exampleRepo('mono', 'https://github.com/octo-org/mono', 'services/api');
    const run = await init(service, [
      '--runtime',
      'python3.12',
      '--arch',
      'arm64',
      '--stage',
      'staging',
      '--branch',
      'release',
    ]);
    expect(run.code, run.log).toBe(0);
    const deployFile = join(repo, '.github/workflows/deploy.yml');
    await expectActionlintClean([deployFile, join(repo, '.github/workflows/rebuild-layer.yml')]);
    const deploy = parse(read(deployFile)) as {
      on: { push: { branches: string[] } };
      jobs: { deploy: { with: Record<string, string> } };
    };
    expect(deploy.on.push.branches).toEqual(['release']);
    expect(deploy.jobs.deploy.with).toMatchObject({
      requirements: 'services/api/requirements.txt',
      'service-path': 'services/api',
      runtime: 'python3.12',
      'deploy-architecture': 'arm64',
      stage: 'staging',
    });
    expect(existsSync(join(service, 'aws/github-roles.yml'))).toBe(true);
    expect(run.out).toContain('Stage=staging LayerName=flask-api-deps Branch=release');
    expect(run.out).toContain(`git add ${join(repo, '.github')} aws serverless.yml`);
  });
});

describe('lambda-layer init without what it needs', () => {
  it('an empty folder: refused, init sets up a Serverless service (nothing written)', async () => {
    const empty = join(work, 'empty');
    await mkdir(empty);
    const run = await init(empty);
    expect(run.code).toBe(1);
    expect(run.log).toContain(
      `no serverless.yml in ${empty}: init sets up a Serverless Framework v3 service`,
    );
    expect(execFileSync('ls', ['-A', empty], { encoding: 'utf8' })).toBe('');
  });

  it('no requirements or lock file: names --requirements', async () => {
    const { repo } = await exampleRepo('no-reqs', 'https://github.com/octo-org/flask-api');
    await rm(join(repo, 'requirements.txt'));
    const run = await init(repo);
    expect(run.code).toBe(1);
    expect(run.log).toMatch(
      /Input "requirements": no input found in .*looked for requirements\.txt, pylock\.toml/,
    );
    expect(run.log).toContain('--requirements FILE');
  });

  it('no GitHub remote: names --repository, and takes it', async () => {
    const { repo } = await exampleRepo('no-remote', undefined);
    const run = await init(repo);
    expect(run.code).toBe(1);
    expect(run.log).toContain('Input "repository": no git remote "origin"');
    const given = await init(repo, ['--repository', 'octo-org/flask-api']);
    expect(given.code, given.log).toBe(0);
    expect(given.out).toContain('GitHubRepository=octo-org/flask-api');
  });

  it('no region anywhere: names --region; AWS_REGION is taken when set', async () => {
    const { repo } = await exampleRepo('no-region', 'https://github.com/octo-org/flask-api');
    writeFileSync(join(repo, 'serverless.yml'), WITHOUT_LAYERS.replace(/^ {2}region: .*\n/m, ''));
    const run = await init(repo);
    expect(run.code).toBe(1);
    expect(run.log).toContain('Input "region": no region in serverless.yml (provider.region) or AWS_REGION');
    const fromEnv = await init(repo, [], { ...cleanEnv(), AWS_REGION: 'ap-southeast-2' });
    expect(fromEnv.code, fromEnv.log).toBe(0);
    expect(read(join(repo, '.github/workflows/deploy.yml'))).toContain('aws-region: ap-southeast-2');
  });

  it('functions it cannot edit safely: prints the lines to add and leaves serverless.yml alone', async () => {
    const { repo } = await exampleRepo('flow', 'https://github.com/octo-org/flask-api');
    const flow =
      'service: flask-api\nprovider:\n  name: aws\n  region: us-east-1\nfunctions: { api: { handler: app.handler } }\n';
    writeFileSync(join(repo, 'serverless.yml'), flow);
    const run = await init(repo);
    expect(run.code, run.log).toBe(0);
    expect(read(join(repo, 'serverless.yml'))).toBe(flow);
    expect(run.out).toContain(
      'serverless.yml was left as it is (`functions:` is not a block mapping in serverless.yml)',
    );
    expect(run.out).toContain(`    layers:\n      - ${LAYER_PARAM}`);
    expect(run.out).toContain('git add .github aws &&');
  });
});

describe('the pieces', () => {
  it.each([
    ['https://github.com/octo-org/flask-api.git', 'octo-org/flask-api'],
    ['https://github.com/octo-org/flask-api', 'octo-org/flask-api'],
    ['https://x-access-token:abc@github.com/octo-org/flask-api.git', 'octo-org/flask-api'],
    ['git@github.com:octo-org/flask.api.git', 'octo-org/flask.api'],
    ['ssh://git@github.com/octo-org/flask-api.git', 'octo-org/flask-api'],
    ['ssh://git@github.com:22/octo-org/flask-api', 'octo-org/flask-api'],
    ['https://gitlab.com/octo-org/flask-api.git', undefined],
    ['/srv/git/flask-api.git', undefined],
  ])('remote %s -> %s', (url, repository) => {
    expect(githubRepositoryOf(url)).toBe(repository);
  });

  it('adds the layer to every function, keeping comments, and refuses a function with its own layers', () => {
    const noHandlerFirst = addLayerParam('functions:\n  api:\n    events: []\n    handler: |\n      a\n');
    expect(noHandlerFirst.kind === 'edited' && noHandlerFirst.text).toBe(
      `functions:\n  api:\n    layers:\n      - ${LAYER_PARAM}\n    events: []\n    handler: |\n      a\n`,
    );
    const text = `service: s
functions:
  api: # the HTTP one
    # its handler
    handler: app.handler
  nightly:
    handler: jobs.run
    events:
      - schedule: rate(1 day)
`;
    const edit = addLayerParam(text);
    expect(edit.kind).toBe('edited');
    expect(edit.kind === 'edited' && edit.text).toBe(`service: s
functions:
  api: # the HTTP one
    # its handler
    handler: app.handler
    layers:
      - ${LAYER_PARAM}
  nightly:
    handler: jobs.run
    layers:
      - ${LAYER_PARAM}
    events:
      - schedule: rate(1 day)
`);
    const own = addLayerParam(
      text.replace(
        '    handler: jobs.run\n',
        '    handler: jobs.run\n    layers: [arn:aws:lambda:us-east-1:1:layer:x:1]\n',
      ),
    );
    expect(own).toMatchObject({ kind: 'manual', reason: 'function nightly already has its own layers' });
  });
});
