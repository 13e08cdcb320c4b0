/**
 * The committed bundle as users run it (`npx lambda-layer`, `node dist/cli.js`): every command
 * answers --help, including those ncc split into chunks loaded on demand (dist/cli-N.js). CI
 * rebuilds dist/ and fails when it differs from the commit, so this checks the code under test.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commands.js';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist');
const cli = join(dist, 'cli.js');

function runCli(args: readonly string[]): string {
  return execFileSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 30_000 });
}

describe.skipIf(!existsSync(cli))('dist/cli.js', () => {
  it('lists every command', () => {
    const overview = runCli(['--help']);
    for (const command of COMMANDS) expect(overview).toContain(`  ${command.name}`);
  });

  it.each(COMMANDS.map((c) => c.name))('%s --help loads the command and prints its usage', (name) => {
    expect(runCli([name, '--help'])).toMatch(new RegExp(`^Usage: lambda-layer ${name} `));
  });

  it('ships the chunks the AWS commands load, and nothing else beside the two entries', () => {
    const files = readdirSync(dist).sort();
    expect(files).toContain('cli.js');
    expect(files).toContain('index.js');
    const chunks = files.filter((f) => f !== 'cli.js' && f !== 'index.js');
    expect(chunks.length).toBeGreaterThan(0);
    for (const chunk of chunks) expect(chunk).toMatch(/^cli-\d+\.js$/);
  });
});
