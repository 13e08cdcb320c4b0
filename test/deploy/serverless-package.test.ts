/** Choosing and finding the Serverless CLI: the service's own, or a package installed from npm. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_SERVERLESS_SPEC,
  defaultToolDir,
  installServerless,
  locateServerless,
  resolveServerlessPackage,
} from '../../src/deploy/serverless-package.js';
import { UserError } from '../../src/errors.js';
import { memoryLogger } from '../../src/log.js';
import { copyExample } from './flask-example.js';

/** Shared with package.test.ts: osls is installed there once and reused. */
const OSLS_TOOL_DIR = resolve(import.meta.dirname, '../../node_modules/.cache/lambda-layer-test/osls-3');

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'sls-locate-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('resolveServerlessPackage', () => {
  it('maps the input to an npm spec: pinned serverless 3 by default, osls 3 for osls', () => {
    expect(DEFAULT_SERVERLESS_SPEC).toBe('serverless@3.40.0');
    for (const input of [undefined, '', 'serverless', 'serverless@3', ' serverless@3 ']) {
      expect(resolveServerlessPackage(input)).toEqual({ name: 'serverless', spec: 'serverless@3.40.0' });
    }
    expect(resolveServerlessPackage('osls')).toEqual({ name: 'osls', spec: 'osls@3' });
    expect(resolveServerlessPackage('osls@3.77.1')).toEqual({ name: 'osls', spec: 'osls@3.77.1' });
    expect(resolveServerlessPackage('osls@^4')).toEqual({ name: 'osls', spec: 'osls@^4' });
    expect(resolveServerlessPackage('3.39.0')).toEqual({ name: 'serverless', spec: 'serverless@3.39.0' });
    expect(resolveServerlessPackage('serverless@~3.38')).toEqual({
      name: 'serverless',
      spec: 'serverless@~3.38',
    });
  });

  it('rejects anything that is not serverless/osls with a version range', () => {
    for (const bad of [
      'left-pad',
      'serverless@latest; rm',
      'file:../serverless',
      'git+https://x/y',
      'osls@next',
      'latest',
    ]) {
      expect(() => resolveServerlessPackage(bad), bad).toThrow('Input "serverless-package"');
    }
  });

  it('installs into the runner tool cache on GitHub, else under the user cache', () => {
    expect(defaultToolDir('osls@3', { RUNNER_TOOL_CACHE: '/opt/hostedtoolcache' })).toBe(
      '/opt/hostedtoolcache/lambda-layer-serverless/osls@3',
    );
    expect(defaultToolDir('serverless@^3.40', { XDG_CACHE_HOME: '/c' })).toBe(
      '/c/lambda-layer/serverless/serverless@^3.40',
    );
  });
});

describe('locateServerless', () => {
  it("uses the service's own serverless when no package is chosen, or the same package is", async () => {
    const service = await copyExample(work);
    for (const serverlessPackage of [undefined, 'serverless@3']) {
      const log = memoryLogger();
      const found = await locateServerless({
        servicePath: service,
        serverlessPackage,
        installTimeoutMs: 1_000,
        log,
      });
      expect(found).toMatchObject({
        source: 'service',
        packageName: 'serverless',
        path: join(service, 'node_modules/.bin/serverless'),
      });
      expect(log.lines[0]).toMatch(/^info: Using the service's own serverless 3\.40\.\d+ /);
    }
  });

  it('installs the chosen osls when the service brings serverless (reusing an earlier install)', async () => {
    const service = await copyExample(work);
    const found = await locateServerless({
      servicePath: service,
      serverlessPackage: 'osls',
      toolDir: OSLS_TOOL_DIR,
      installTimeoutMs: 170_000,
      log: memoryLogger(),
    });
    expect(found).toMatchObject({
      source: 'installed',
      packageName: 'osls',
      path: join(OSLS_TOOL_DIR, 'node_modules/.bin/serverless'),
    });
    expect(found.version).toMatch(/^3\./);
  }, 240_000);

  it("a version npm cannot install is a UserError with npm's reason", async () => {
    const error = await installServerless(
      { name: 'serverless', spec: 'serverless@99.99.99' },
      join(work, 'tool'),
      {
        timeoutMs: 120_000,
        log: memoryLogger(),
      },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toMatch(
      /^npm install serverless@99\.99\.99 failed \(exit code 1\):/,
    );
    expect((error as UserError).message).toMatch(/ETARGET|No matching version/);
  });
});
