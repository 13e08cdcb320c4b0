// Bundles the two entries with ncc: dist/index.js (the action) and dist/cli.js (the CLI).
// ncc writes one folder per entry; the files are moved so dist/ stays flat and diffable.
// The CLI loads its AWS commands on demand, so ncc also writes chunks for it ("530.index.js");
// they are renamed "cli-530.js" (and the loader's file-name template with them) so no file in
// dist/ looks like part of the action.
// The programs the tool runs in other processes (src/**/*.py, src/**/*.cjs) are copied to the same
// path relative to dist/ as they have relative to src/, where src/programs.ts looks for them.
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyPrograms } from './copy-programs.mjs';

const entries = [
  { source: 'src/index.ts', output: 'index.js', chunkPrefix: undefined },
  { source: 'src/cli.ts', output: 'cli.js', chunkPrefix: 'cli-' },
];

const CHUNK = /^(\d+)\.index\.js$/;
const CHUNK_TEMPLATE = 'return "" + chunkId + ".index.js";';

rmSync('dist', { recursive: true, force: true });
mkdirSync('dist');
for (const { source, output, chunkPrefix } of entries) {
  const work = mkdtempSync(join(tmpdir(), 'ncc-'));
  execFileSync('npx', ['ncc', 'build', source, '-o', work, '--quiet', '--target', 'es2022'], {
    stdio: 'inherit',
  });
  const files = readdirSync(work).filter((f) => f !== 'package.json' && !f.endsWith('.d.ts'));
  const chunks = files.filter((f) => CHUNK.test(f));
  if (chunks.length > 0) {
    if (!chunkPrefix) throw new Error(`${source}: unexpected chunks ${chunks.join(', ')}`);
    const main = join(work, 'index.js');
    const code = readFileSync(main, 'utf8');
    if (code.split(CHUNK_TEMPLATE).length !== 2) {
      throw new Error(`${source}: ncc's chunk file-name template changed; update scripts/build-dist.mjs`);
    }
    writeFileSync(main, code.replace(CHUNK_TEMPLATE, `return "${chunkPrefix}" + chunkId + ".js";`));
  }
  for (const file of files) {
    const chunk = CHUNK.exec(file);
    const to = file === 'index.js' ? output : chunk ? `${chunkPrefix}${chunk[1]}.js` : file;
    renameSync(join(work, file), join('dist', to));
  }
  rmSync(work, { recursive: true, force: true });
}
chmodSync('dist/cli.js', 0o755);

copyPrograms('src', 'dist');
