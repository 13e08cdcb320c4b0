/**
 * Runs the action from source through @github/local-action, the way GitHub would run it, and
 * reads what it printed. local-action exits 0 even when the action fails, so callers assert on
 * the parsed outputs and the failure message, never on the exit code.
 */

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TOOLS_FOLDER } from '../../src/cache/wheel-store.js';
import { PINNED_PIP } from '../../src/resolve/pinned-pip.js';
import { seedPinnedPip } from './pinned-pip-setup.js';

const root = join(import.meta.dirname, '..', '..');

export interface LocalActionRun {
  readonly outputs: Record<string, string>;
  /** The message given to core.setFailed, when the action failed. */
  readonly failure?: string;
  readonly log: string;
}

/**
 * @param inputs action inputs by their action.yml names (hyphens kept, as local-action expects)
 * @param env extra environment (workspace, runner temp, AWS endpoints...)
 */
export async function runLocalAction(
  inputs: Record<string, string>,
  env: Record<string, string>,
  timeoutMs = 240_000,
): Promise<LocalActionRun> {
  const dir = await mkdtemp(join(tmpdir(), 'local-action-'));
  // local-action refuses to start when its cache folder is missing; the runner's temp always exists.
  for (const folder of [env.LOCAL_ACTION_CACHE_PATH, env.RUNNER_TEMP]) {
    if (folder) await mkdir(folder, { recursive: true });
  }
  // The action keeps the pinned pip in its per-wheel cache folder under RUNNER_TEMP (src/main.ts);
  // these tests' indexes hold no pip, so that folder gets the one the test setup fetched.
  const tools = env.RUNNER_TEMP && join(env.RUNNER_TEMP, 'lambda-layer-cache', 'wheels', TOOLS_FOLDER);
  if (tools && !existsSync(join(tools, `pip-${PINNED_PIP.version}`))) await seedPinnedPip(tools);
  const dotenv = join(dir, '.env');
  await writeFile(
    dotenv,
    Object.entries(inputs)
      .map(([k, v]) => `INPUT_${k.toUpperCase()}=${v}`)
      .join('\n'),
  );
  const bin = join(root, 'node_modules', '.bin', 'local-action');
  const child = spawn(bin, ['run', root, 'src/main.ts', dotenv], {
    cwd: root,
    env: { ...process.env, ...env, NO_COLOR: '1', FORCE_COLOR: '0' },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout.on('data', (chunk) => {
    log += chunk;
  });
  child.stderr.on('data', (chunk) => {
    log += chunk;
  });
  const timer = setTimeout(() => {
    if (child.pid) process.kill(-child.pid, 'SIGKILL');
  }, timeoutMs);
  await new Promise<void>((resolve) => child.on('close', () => resolve()));
  clearTimeout(timer);

  // local-action itself crashing is not the action failing: say so instead of asserting on nothing.
  if (/Error: Command failed: npm exec tsx/.test(log)) throw new Error(`local-action crashed:\n${log}`);
  const outputs: Record<string, string> = {};
  for (const match of log.matchAll(/^::set-output name=([^:]+)::(.*)$/gm)) {
    outputs[match[1] as string] = match[2] as string;
  }
  // setFailed logs the message as an error annotation; its further lines follow unprefixed.
  const errors = [...log.matchAll(/^::error(?: [^:]*)?::(.*(?:\n(?!::|=+$|\s*$).*)*)/gm)].map((m) =>
    (m[1] as string).replace(/%0A/g, '\n'),
  );
  return { outputs, failure: errors.at(-1), log };
}
