/** A fresh checkout of a service has no node_modules: a lockfile is installed with npm ci. */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureServiceModules } from '../../src/deploy/serverless.js';
import { memoryLogger } from '../../src/log.js';

function service(dependencies: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'service-modules-'));
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'svc', private: true, devDependencies: dependencies }),
  );
  return dir;
}

describe('ensureServiceModules', () => {
  it('runs npm ci when the service has a lockfile and no node_modules', async () => {
    const dir = service({ 'is-number': '7.0.0' });
    execFileSync('npm', ['install', '--package-lock-only', '--no-audit', '--no-fund'], {
      cwd: dir,
      stdio: 'ignore',
    });
    expect(existsSync(join(dir, 'node_modules'))).toBe(false);
    const log = memoryLogger();
    await ensureServiceModules(dir, 120_000, log);
    expect(existsSync(join(dir, 'node_modules', 'is-number', 'package.json'))).toBe(true);
    expect(log.lines).toContain(
      "info: Installing the service's npm packages from its package-lock.json: npm ci",
    );
  });

  it('fails with the service named when npm ci fails', async () => {
    const dir = service({ 'is-number': '7.0.0' });
    // A lockfile that disagrees with package.json: npm ci refuses it.
    writeFileSync(
      join(dir, 'package-lock.json'),
      JSON.stringify({ name: 'svc', lockfileVersion: 3, requires: true, packages: { '': { name: 'svc' } } }),
    );
    await expect(ensureServiceModules(dir, 120_000, memoryLogger())).rejects.toThrow(
      new RegExp(`npm ci in ${dir} failed`),
    );
  });

  it('only warns without a lockfile, and leaves an installed service alone', async () => {
    const bare = service({ 'is-number': '7.0.0' });
    const log = memoryLogger();
    await ensureServiceModules(bare, 120_000, log);
    expect(log.lines.join('\n')).toMatch(/warn: .*no node_modules and no lockfile/);
    expect(existsSync(join(bare, 'node_modules'))).toBe(false);
  });
});
