import { afterEach, describe, expect, it, vi } from 'vitest';
import { runnerLogger } from '../../src/action/logger.js';
import { mayBeCommand, neutraliseCommands } from '../../src/action/workflow-commands.js';
import { runnerCommands } from '../support/runner-commands.js';

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

/** What the runner would read on stdout while `work` runs (the real @actions/core writes it). */
async function stdoutOf(work: () => void | Promise<void>): Promise<string> {
  let written = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written += chunk.toString();
    return true;
  });
  await work();
  vi.restoreAllMocks();
  return written;
}

describe('untrusted output on the runner', () => {
  it('recognises what the runner would execute: indented, after other text on a new line, legacy form', () => {
    expect(mayBeCommand('  ::warning::X')).toBe(true);
    expect(mayBeCommand('Reason for being yanked\n\t::add-mask::x')).toBe(true);
    expect(mayBeCommand('text ##[error]legacy')).toBe(true);
    expect(mayBeCommand('Collecting webby==1.0 (from -r req.txt (line 1))')).toBe(false);
    expect(neutraliseCommands('plain line')).toBe('plain line');
  });

  it('child output with commands prints inside a stop-commands block and runs nothing', async () => {
    const pipOutput = [
      '  WARNING: The candidate selected for download or install is a yanked version',
      '  ::warning file=app.py::PWNED',
      '  ::add-mask::everything',
      'Reason: ##[error]legacy PWNED',
    ];
    const out = await stdoutOf(() => {
      const log = runnerLogger();
      for (const line of pipOutput) log.info(line);
      log.info('Installed 1 distributions'); // our own lines stay plain
    });
    expect(out).toContain('::warning file=app.py::PWNED'); // still shown to the reader
    expect(out).toContain('Installed 1 distributions\n');
    expect(runnerCommands(out)).toEqual([]);
  });

  it('a line cannot end the block early: the token is random per message', () => {
    const first = neutraliseCommands('::warning::a');
    const second = neutraliseCommands('::warning::a');
    expect(first).not.toBe(second);
    const token = /^::stop-commands::([0-9a-f]{32})$/m.exec(first)?.[1];
    expect(token).toBeDefined();
    expect(runnerCommands(`${neutraliseCommands(`::${token}::\n::warning::b`)}\n`)).toEqual([]);
  });

  it('annotations name files relative to the workspace, as GitHub links them', async () => {
    vi.stubEnv('GITHUB_WORKSPACE', '/home/runner/work/app');
    const out = await stdoutOf(() => {
      runnerLogger().warn('empty', { file: '/home/runner/work/app/deps/requirements.txt', line: 1 });
      runnerLogger().warn('outside', { file: '/tmp/other.txt', line: 2 });
    });
    expect(out).toContain('::warning file=deps/requirements.txt,line=1::empty');
    expect(out).toContain('::warning file=/tmp/other.txt,line=2::outside');
  });
});
