/**
 * The wheels path of the install: the pinned pip resolves and downloads (download_for_target.py,
 * with the target's markers and platform flags), and src/wheel installs the downloaded wheels in
 * pip's installation order. The download's plan says, per wheel, what pip install would have
 * recorded (REQUESTED, direct_url.json).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type InstallWheelsOptions, installWheels, type WheelFileSource } from '../wheel/install.js';

/** One downloaded wheel, as download_for_target.py writes it. */
export interface DownloadedWheel {
  readonly name: string;
  readonly version: string;
  readonly filename: string;
  readonly is_wheel: boolean;
  readonly requested: boolean;
  readonly direct_url: string | null;
}

/**
 * Whether every requirement of a finished download is a wheel. A local project or an sdist
 * (allowed under sdist "pure") is saved by pip download as it is, unbuilt: such a build takes
 * pip install --target instead, which builds it.
 */
export async function downloadedOnlyWheels(planPath: string): Promise<boolean> {
  const plan = JSON.parse(await readFile(planPath, 'utf8')) as DownloadedWheel[];
  return plan.every((w) => w.is_wheel);
}

/**
 * Installs the wheels a finished download planned into `pythonDir`; returns where each file
 * copied from a wheel sits in it (installWheels).
 */
export async function installDownloaded(
  planPath: string,
  wheelDir: string,
  pythonDir: string,
  options: InstallWheelsOptions = {},
): Promise<Map<string, WheelFileSource>> {
  const plan = JSON.parse(await readFile(planPath, 'utf8')) as DownloadedWheel[];
  const wheels = plan.map((w) => ({
    path: join(wheelDir, w.filename),
    requested: w.requested,
    ...(w.direct_url !== null ? { directUrl: w.direct_url } : {}),
  }));
  return installWheels(wheels, pythonDir, options);
}
