/**
 * The action as the runner starts it (real @actions/core, stdout = the command stream), against a private index
 * behind basic auth on 127.0.0.1: a planted password must appear nowhere (the command stream,
 * annotations, the job summary), reachable or not; and a yanked reason the index serves,
 * "::warning::...", must reach the log as text, never as a command the runner executes.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOOLS_FOLDER } from '../../src/cache/wheel-store.js';
import { startAction } from '../support/action-process.js';
import { closedPort, type HttpIndex, serveIndex } from '../support/http-index.js';
import { createPackageIndex, type PackageIndex } from '../support/package-index.js';
import { seedPinnedPip } from '../support/pinned-pip-setup.js';
import { runnerCommands } from '../support/runner-commands.js';

const PASSWORD = `planted-${randomBytes(6).toString('hex')}`;
// &#10; is a newline once pip reads the attribute: the reason's second line starts with "::".
const YANKED = 'superseded&#10;::warning title=injected::PWNED-BY-INDEX';
let index: PackageIndex;
let server: HttpIndex;
let runnerEnv: Record<string, string>;

beforeAll(async () => {
  index = await createPackageIndex({ wheels: [{ name: 'webby', version: '1.0.0' }] });
  server = await serveIndex(index.dir, {
    auth: { user: 'deploy', password: PASSWORD },
    rewritePage: (project, html) =>
      project === 'webby' ? html.replace(/<a href="/g, `<a data-yanked="${YANKED}" href="`) : html,
  });
  const workspace = mkdtempSync(join(tmpdir(), 'action-untrusted-'));
  writeFileSync(join(workspace, 'requirements.txt'), 'webby==1.0.0\n');
  runnerEnv = {
    GITHUB_WORKSPACE: workspace,
    RUNNER_TEMP: join(workspace, 'tmp'),
    RUNNER_DEBUG: '1',
    PIP_CONFIG_FILE: '/dev/null',
    PIP_RETRIES: '0',
    PIP_NO_CACHE_DIR: '1',
  };
  // The private index does not offer pip: the action's tool cache gets the already-fetched one.
  await seedPinnedPip(join(workspace, 'tmp', 'lambda-layer-cache', 'wheels', TOOLS_FOLDER));
}, 120_000);

afterAll(async () => {
  await server?.close();
  await index?.cleanup();
});

describe('the action with a private index', () => {
  it('reachable: builds, shows the yanked reason as text, runs no command from it, prints no password', async () => {
    const run = await startAction(
      { 'index-url': server.urlWithCredentials, publish: 'false', cache: 'false' },
      runnerEnv,
    ).done;
    expect(run.stdout).not.toMatch(/^::error/m);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('PWNED-BY-INDEX'); // pip printed the reason; it was shown
    const commands = runnerCommands(run.stdout);
    expect(commands.filter((c) => c.line.includes('PWNED'))).toEqual([]);
    // Credentials are masked for the runner before anything prints...
    expect(commands.filter((c) => c.command === 'add-mask').map((c) => c.data)).toContain(PASSWORD);
    // ...and redacted by us too (the debug pip command line is there, without them).
    expect(run.stdout).toContain(`http://****@${server.host}/simple`);
    const everything = [run.stdout, run.stderr, run.outputs, run.summary];
    expect(run.summary).toContain('webby');
    for (const text of everything)
      expect(text.replaceAll(`::add-mask::${PASSWORD}`, '')).not.toContain(PASSWORD);
  });

  it('unreachable: fails naming the index without its credentials', async () => {
    const url = `http://deploy:${PASSWORD}@127.0.0.1:${await closedPort()}/simple`;
    const run = await startAction({ 'index-url': url, publish: 'false', cache: 'false' }, runnerEnv).done;
    const errors = runnerCommands(run.stdout).filter((c) => c.command.startsWith('error'));
    const said = errors.map((c) => c.data).join('\n');
    expect(said).toMatch(
      /no package index answers: http:\/\/\*\*\*\*@127\.0\.0\.1:\d+\/simple \(connection refused\)/,
    );
    // The action names its input, not the CLI's flag.
    expect(said).toContain('point index-url at an index that answers');
    for (const text of [run.stdout, run.stderr, run.outputs, run.summary]) {
      expect(text.replaceAll(`::add-mask::${PASSWORD}`, '')).not.toContain(PASSWORD);
    }
  });
});
