/**
 * The committed bundle as users run it (`npx lambda-layer`, `node dist/cli.js`): every command
 * answers --help, including those ncc split into chunks loaded on demand (dist/cli-N.js). CI
 * rebuilds dist/ and fails when it differs from the commit, so this checks the code under test.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
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

  it('ships the chunks the AWS commands load, and nothing else beside the two entries and the programs', () => {
    const files = readdirSync(dist, { withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => entry.name)
      .sort();
    expect(files).toContain('cli.js');
    expect(files).toContain('index.js');
    const chunks = files.filter((f) => f !== 'cli.js' && f !== 'index.js');
    expect(chunks.length).toBeGreaterThan(0);
    for (const chunk of chunks) expect(chunk).toMatch(/^cli-\d+\.js$/);
  });

  it('carries every program of src/ (Python, worker) at the same relative path, byte for byte', () => {
    const programsIn = (root: string) =>
      readdirSync(root, { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile() && /\.(py|cjs)$/.test(entry.name))
        .map((entry) => relative(root, join(entry.parentPath, entry.name)))
        .sort();
    const src = join(dist, '..', 'src');
    const shipped = programsIn(dist);
    expect(shipped).toEqual(programsIn(src));
    expect(shipped).toContain(join('invoke', 'bootstrap.py'));
    for (const program of shipped) {
      expect(readFileSync(join(dist, program), 'utf8')).toBe(readFileSync(join(src, program), 'utf8'));
    }
  });
});
