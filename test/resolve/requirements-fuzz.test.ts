/**
 * Fuzzing the requirements checks for a bounded time: random mutations of real requirement
 * lines (characters of pip's grammar inserted, deleted, duplicated; long runs; control and
 * non-ASCII characters) through readRequirements and then pip's own parser (the pinned pip via
 * check_requirements.py, many lines per call). Whatever the text, each step returns or throws a
 * UserError whose message names the file and line, quickly, and never shows a traceback.
 *
 * Seeded and repeatable: REQ_FUZZ_SEED picks the seed, REQ_FUZZ_MS the budget (default 3 s).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCacheDir } from '../../src/cache/dir-store.js';
import { UserError } from '../../src/errors.js';
import { memoryLogger } from '../../src/log.js';
import { programPath } from '../../src/programs.js';
import { prepareRequirementCheck } from '../../src/resolve/check-requirements.js';
import { findPipPython } from '../../src/resolve/interpreters.js';
import { ensurePinnedPip, type PinnedPip } from '../../src/resolve/pinned-pip.js';
import { readRequirements } from '../../src/resolve/requirements.js';
import { markerEnvironment, resolveTarget } from '../../src/target.js';
import { prng } from '../support/prng.js';

const SEED = Number(process.env.REQ_FUZZ_SEED ?? 20_261_130);
const BUDGET_MS = Number(process.env.REQ_FUZZ_MS ?? 3_000);
/**
 * A bound that only a runaway case (a backtracking pattern, a hung pip) reaches: a sane machine
 * takes milliseconds per file, a loaded 2-core one a few seconds. Speed lives in the benchmarks;
 * this catches a hang, not a slow machine.
 */
const PER_CASE_MS = 10_000;

const BASE_LINES = [
  'flask==3.1.3',
  'numpy>=1.26,<3 ; python_version >= "3.9"',
  'requests[socks,security]~=2.32',
  'six; platform_machine == "aarch64" and sys_platform != "win32"',
  'pkg @ https://example.invalid/pkg-1.0-py3-none-any.whl#sha256=00ff',
  './local/project[extra]',
  '-e ./editable',
  'pinned==1.0 --hash=sha256:0123456789abcdef',
  '--index-url https://example.invalid/simple',
  '-r other.txt',
  '-c constraints.txt',
  'git+https://example.invalid/repo.git@main#egg=repo',
  'name (>=1.0)',
  'attrs ; python_full_version < "3.11.4" or os_name == "nt"',
];
const GRAMMAR = '[](){};@<>=!~"\'#\\,.*- \t/:+%&|^$?_0123456789abcdefxyzXYZ';
const ODD = ['\u0000', '\u00e9', '\u200b', '\ufeff', '\r', '\u{1F600}', '\\\n', '\n'];

function mutate(line: string, random: () => number): string {
  let out = line;
  const steps = 1 + Math.floor(random() * 4);
  for (let i = 0; i < steps; i++) {
    const at = Math.floor(random() * (out.length + 1));
    const kind = random();
    if (kind < 0.35) out = out.slice(0, at) + GRAMMAR[Math.floor(random() * GRAMMAR.length)] + out.slice(at);
    else if (kind < 0.55) out = out.slice(0, at) + out.slice(at + 1 + Math.floor(random() * 3));
    else if (kind < 0.7) out = out.slice(0, at) + out.slice(at, at + 8).repeat(2) + out.slice(at + 8);
    else if (kind < 0.8) out = out.slice(0, at) + ODD[Math.floor(random() * ODD.length)] + out.slice(at);
    else if (kind < 0.9) out = out.slice(0, at) + ' '.repeat(Math.floor(random() * 3000)) + out.slice(at);
    else out = BASE_LINES[Math.floor(random() * BASE_LINES.length)] as string;
  }
  return out;
}

function expectClearUserError(error: unknown, dir: string): void {
  if (!(error instanceof UserError)) throw error;
  expect(error.message).not.toContain('Traceback');
  // It names the file it is about: the root or one of its includes, all inside the case's folder.
  expect(error.message).toContain(dir);
}

let sandbox: string;
let pip: PinnedPip;
const markers = JSON.stringify(markerEnvironment(resolveTarget('python3.11', 'x86_64')));

beforeAll(async () => {
  sandbox = mkdtempSync(join(tmpdir(), 'req-fuzz-'));
  const python = await findPipPython();
  pip = await ensurePinnedPip({
    python,
    toolCacheDir: defaultCacheDir(),
    indexFlags: [],
    log: memoryLogger(),
  });
}, 120_000);

afterAll(() => rmSync(sandbox, { recursive: true, force: true }));

describe('requirements checks under random mutation', () => {
  it(`read and checked by pip's parser, every mutant is accepted or one clear error (seed ${SEED})`, async () => {
    const random = prng(SEED);
    const started = Date.now();
    let cases = 0;
    let checkedLines = 0;
    while (Date.now() - started < BUDGET_MS || cases < 20) {
      const dir = mkdtempSync(join(sandbox, 'case-'));
      const file = join(dir, 'requirements.txt');
      // Includes the base lines name exist, so mutants reach pip's parser more often than not.
      writeFileSync(join(dir, 'other.txt'), 'six\n');
      writeFileSync(join(dir, 'constraints.txt'), 'six<2\n');
      const lines = Array.from({ length: 1 + Math.floor(random() * 12) }, () =>
        mutate(BASE_LINES[Math.floor(random() * BASE_LINES.length)] as string, random),
      );
      writeFileSync(file, lines.join('\n'));
      const caseStarted = Date.now();
      try {
        const snapshot = await readRequirements(file);
        checkedLines += snapshot.requirements.length;
        // As the build runs it: the check inside the pinned pip's process, then (here) `pip --version`.
        const check = await prepareRequirementCheck(snapshot, { workDir: dir, sdist: 'pure' });
        const run = (() => {
          try {
            execFileSync(
              pip.python.path,
              [programPath('resolve/pip_for_target.py'), pip.home, markers, ...check.args, '--version'],
              {
                cwd: dir,
                timeout: PER_CASE_MS,
                stdio: 'pipe',
              },
            );
            return 0;
          } catch (error) {
            return (error as { status?: number }).status;
          }
        })();
        const checked = await check.result().then(
          () => 'accepted',
          (error: unknown) => {
            expectClearUserError(error, dir);
            return 'refused';
          },
        );
        // The check itself never crashed on the text: pip ran (0) or the check stopped it (3).
        expect(checked === 'accepted' ? run : 3, JSON.stringify(lines)).toBe(run);
        expect([0, 3]).toContain(run);
      } catch (error) {
        expectClearUserError(error, dir);
      }
      expect(Date.now() - caseStarted, `seed ${SEED} case ${cases}: ${JSON.stringify(lines)}`).toBeLessThan(
        PER_CASE_MS,
      );
      cases++;
    }
    console.log(
      `requirements fuzz: ${cases} files, ${checkedLines} lines through pip's parser (seed ${SEED})`,
    );
    expect(cases).toBeGreaterThanOrEqual(20);
  }, 120_000);
});
