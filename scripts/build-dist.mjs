// Bundles the two entries with ncc: dist/index.js (the action) and dist/cli.js (the CLI).
// ncc writes one folder per entry; the files are moved so dist/ stays flat and diffable.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const entries = [
  { source: 'src/index.ts', output: 'index.js' },
  { source: 'src/cli.ts', output: 'cli.js' },
];

rmSync('dist', { recursive: true, force: true });
mkdirSync('dist');
for (const { source, output } of entries) {
  const work = mkdtempSync(join(tmpdir(), 'ncc-'));
  execFileSync('npx', ['ncc', 'build', source, '-o', work, '--quiet', '--target', 'es2022'], {
    stdio: 'inherit',
  });
  for (const file of readdirSync(work)) {
    const to = file === 'index.js' ? output : file;
    if (file === 'package.json' || file.endsWith('.d.ts')) continue;
    renameSync(join(work, file), join('dist', to));
  }
  rmSync(work, { recursive: true, force: true });
}
chmodSync('dist/cli.js', 0o755);
