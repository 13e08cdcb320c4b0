/**
 * The CLI's conventions, through its entry (main): flags named in messages, exit code 2 and one
 * line for usage errors, did-you-mean, pip's spellings, one region rule, the build folder taken
 * by every command, runtimes in the help from target.ts, the next step after a build.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_NAMING } from '../../src/cli/naming.js';
import { main } from '../../src/cli.js';
import { InputError, UserError } from '../../src/errors.js';
import { memoryLogger } from '../../src/log.js';
import { explainError } from '../../src/system-errors.js';
import { RUNTIMES } from '../../src/target.js';
import { createPackageIndex, isolatedPipEnv, type PackageIndex } from '../support/package-index.js';
import { seedPinnedPip } from '../support/pinned-pip-setup.js';

let index: PackageIndex;
let cwd: string;

beforeAll(async () => {
  index = await createPackageIndex({
    wheels: [
      { name: 'webby', version: '1.2.0', requiresDist: ['helper>=1'] },
      { name: 'helper', version: '1.0' },
    ],
  });
  cwd = await mkdtemp(join(tmpdir(), 'cli-conventions-'));
  await writeFile(join(cwd, 'requirements.txt'), 'webby==1.2.0\n');
  await seedPinnedPip(join(cwd, '.cache', 'lambda-layer'));
}, 120_000);

afterAll(async () => {
  await index?.cleanup();
  if (cwd) await rm(cwd, { recursive: true, force: true });
});

/** No AWS region anywhere, no pip configuration: only what the test passes. */
function baseEnv(): NodeJS.ProcessEnv {
  return { ...isolatedPipEnv(), XDG_CACHE_HOME: join(cwd, '.cache'), AWS_REGION: '', AWS_DEFAULT_REGION: '' };
}

async function cli(args: string[], env: NodeJS.ProcessEnv = baseEnv()) {
  const stdout = new PassThrough();
  let out = '';
  stdout.on('data', (chunk) => {
    out += chunk;
  });
  const log = memoryLogger();
  const code = await main(args, { stdout, log, env, cwd });
  return { code, out, log: log.lines.join('\n'), lines: log.lines };
}

describe('usage errors: one line, exit 2, the closest word', () => {
  it('a mistyped command', async () => {
    const { code, lines } = await cli(['biuld']);
    expect(code).toBe(2);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^error: unknown command "biuld"; did you mean build\?/);
  });

  it('a mistyped option, in every command', async () => {
    const build = await cli(['build', '--outdir', 'x']);
    expect(build.code).toBe(2);
    expect(build.lines).toEqual([
      'error: unknown option --outdir; did you mean --out? (lambda-layer build --help lists the options)',
    ]);
    const publish = await cli(['publish', 'layer-out', '--layer-nmae', 'x']);
    expect(publish.code).toBe(2);
    expect(publish.log).toContain('unknown option --layer-nmae; did you mean --layer-name?');
    const deploy = await cli(['deploy', '--regoin', 'eu-west-1']);
    expect(deploy.code).toBe(2);
    expect(deploy.log).toContain('did you mean --region?');
  });

  it('a positional that is not a file: one line, no help text', async () => {
    const { code, lines } = await cli(['build', 'flask']);
    expect(code).toBe(2);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('"flask" is not a file or folder');
    expect(lines[0]).toContain('-r FILE');
  });

  it('a bad flag value names the flag (not the action input) and exits 2', async () => {
    const runtime = await cli(['build', '--runtime', 'python2.7']);
    expect(runtime.code).toBe(2);
    expect(runtime.log).toContain('error: --runtime: unknown Lambda runtime "python2.7"');
    const arch = await cli(['build', '--arch', 'sparc']);
    expect(arch.code).toBe(2);
    expect(arch.log).toContain('error: --arch: unknown architecture "sparc"');
    expect(arch.log).not.toContain('Input "');
    const service = await cli(
      [
        'deploy',
        '--layer-arn',
        'arn:aws:lambda:eu-west-1:123456789012:layer:deps:1',
        '--service-path',
        'none',
      ],
      { ...baseEnv(), AWS_REGION: 'eu-west-1' },
    );
    expect(service.code).toBe(2);
    expect(service.log).toMatch(/error: --service-path: .*none has no serverless\.yml/);
    expect(service.log).toContain('point --service-path at the directory of your serverless.yml');
  });
});

describe('one region rule: --region, AWS_REGION, AWS_DEFAULT_REGION, else an error naming --region', () => {
  const arn = 'arn:aws:lambda:eu-west-1:123456789012:layer:deps:1';

  it('publish and deploy both refuse to guess', async () => {
    const publish = await cli(['publish', 'layer-out', '--layer-name', 'deps']);
    const deploy = await cli(['deploy', '--layer-arn', arn]);
    for (const { code, log } of [publish, deploy]) {
      expect(code).toBe(2);
      expect(log).toContain('error: --region: no region given');
      expect(log).toContain('pass --region REGION');
    }
  });

  it('publish and deploy both read AWS_DEFAULT_REGION when AWS_REGION is not set', async () => {
    const env = { ...baseEnv(), AWS_DEFAULT_REGION: 'not a region' };
    const publish = await cli(['publish', 'layer-out', '--layer-name', 'deps'], env);
    const deploy = await cli(['deploy', '--layer-arn', arn], env);
    for (const { code, log } of [publish, deploy]) {
      expect(code).toBe(2);
      expect(log).toContain('AWS_DEFAULT_REGION: "not a region" is not an AWS region code');
    }
  });
});

describe('help', () => {
  it('lists every runtime target.ts knows, the deprecated one too', async () => {
    const { code, out } = await cli(['build', '--help']);
    expect(code).toBe(0);
    for (const runtime of RUNTIMES) expect(out).toContain(runtime.runtime);
    expect(out).toContain('python3.9 (deprecated)');
    expect((await cli(['help', 'verify'])).out).toContain('verify <DIR|layer.zip>');
  });
});

describe('build, then every command takes its folder', () => {
  it("pip's --requirement builds, says the next step, and verify takes the folder", async () => {
    const built = await cli(['build', '--requirement', 'requirements.txt', '--index-url', index.indexUrl]);
    expect(built.code, built.log).toBe(0);
    expect(built.log).toContain('next: lambda-layer publish layer-out --layer-name NAME --region REGION');
    const verified = await cli(['verify', 'layer-out']);
    expect(verified.code, verified.log).toBe(0);
    expect(verified.log).toContain('OK: the layer loads on python3.11 x86_64');
  });

  it('a requirements file given alone is the input', async () => {
    const { code, log } = await cli([
      'build',
      'requirements.txt',
      '--out',
      'positional',
      '--index-url',
      index.indexUrl,
    ]);
    expect(code, log).toBe(0);
    expect(log).toContain('next: lambda-layer publish positional --layer-name NAME --region REGION');
  });
});

describe('errors speak the words of their entry', () => {
  it('one error: the action input in the action, the flag in the CLI', () => {
    const error = new UserError((n) => `No AWS credentials found (no ${n.name('role-to-assume')})`, {
      hint: (n) => `Set ${n.name('role-to-assume')}`,
    });
    expect(explainError(error).message).toBe(
      'No AWS credentials found (no role-to-assume)\n  -> Set role-to-assume',
    );
    expect(explainError(error, CLI_NAMING).message).toBe(
      'No AWS credentials found (no --role-to-assume)\n  -> Set --role-to-assume',
    );
    const input = new InputError('architecture', 'unknown architecture "sparc"');
    expect(input.message).toBe('Input "architecture": unknown architecture "sparc"');
    expect(explainError(input, CLI_NAMING).message).toBe('--arch: unknown architecture "sparc"');
  });
});
