// Lints and format-checks the Python programs the tool runs (src/**/*.py) with Ruff's WebAssembly
// build, so no Python tooling has to be installed. `--fix` rewrites files to Ruff's format.
// The programs run on any interpreter the tool accepts (3.8 and newer probe fine; the layer's
// runtimes are 3.9+), hence target-version py38.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PositionEncoding, Workspace } from '@astral-sh/ruff-wasm-nodejs';

const SETTINGS = {
  'line-length': 100,
  'target-version': 'py38',
  lint: {
    select: ['E', 'F', 'W', 'I', 'B', 'UP', 'SIM', 'RUF'],
    // %-formatting is as clear as f-strings in these short programs.
    ignore: ['UP031'],
  },
};

const fix = process.argv.includes('--fix');
const workspace = new Workspace(SETTINGS, PositionEncoding.Utf16);
const files = readdirSync('src', { recursive: true, withFileTypes: true })
  .filter((entry) => entry.isFile() && entry.name.endsWith('.py'))
  .map((entry) => join(entry.parentPath, entry.name))
  .sort();

let problems = 0;
for (const file of files) {
  const source = readFileSync(file, 'utf8');
  const formatted = workspace.format(source);
  if (formatted !== source) {
    if (fix) writeFileSync(file, formatted);
    else {
      console.error(`${file}: not formatted as Ruff formats it (run: npm run lint:fix)`);
      problems++;
    }
  }
  for (const d of workspace.check(fix ? formatted : source)) {
    console.error(`${file}:${d.start_location.row}:${d.start_location.column}: ${d.code} ${d.message}`);
    problems++;
  }
}
if (problems > 0) process.exit(1);
console.log(`Ruff: ${files.length} Python files checked, no problems.`);
