/**
 * Installs real wheels from the machine's mirror into a directory, chosen for a Lambda target
 * with the same pip flags the build uses. For tests only: the build has its own installer.
 */
import { execFileSync } from 'node:child_process';
import { pipTargetFlags, type Target } from '../../src/target.js';
import { machineMirror } from '../support/mirror.js';

export function pipInstallForTarget(targetDir: string, packages: readonly string[], target: Target): void {
  const mirror = machineMirror();
  if (!mirror) throw new Error('no mirror: callers skip first');
  execFileSync(
    'python3',
    [
      '-m',
      'pip',
      'install',
      '--quiet',
      '--no-compile',
      '--no-warn-conflicts',
      '--target',
      targetDir,
      '--index-url',
      mirror.indexUrl,
      ...mirror.extraIndexUrls.flatMap((url) => ['--extra-index-url', url]),
      ...mirror.findLinks.flatMap((url) => ['--find-links', url]),
      ...pipTargetFlags(target),
      ...packages,
    ],
    {
      stdio: 'pipe',
      timeout: 170_000,
      env: { ...process.env, PIP_RETRIES: '0', PIP_DISABLE_PIP_VERSION_CHECK: '1' },
    },
  );
}
