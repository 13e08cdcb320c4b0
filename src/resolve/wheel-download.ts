/**
 * The wheels path of the install: the pinned pip resolves and downloads (download_for_target.py,
 * with the target's markers and platform flags), and src/wheel installs the downloaded wheels in
 * pip's installation order. The download's plan says, per wheel, what pip install would have
 * recorded (REQUESTED, direct_url.json).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { installWheels, type WheelFileSource } from '../wheel/install.js';

/** One downloaded wheel, as download_for_target.py writes it. */
export interface DownloadedWheel {
  readonly name: string;
  readonly version: string;
  readonly filename: string;
  readonly requested: boolean;
  readonly direct_url: string | null;
}

/**
 * Installs the wheels a finished download planned into `pythonDir`; returns where each file
 * copied from a wheel sits in it (installWheels).
 */
export async function installDownloaded(
  planPath: string,
  wheelDir: string,
  pythonDir: string,
): Promise<Map<string, WheelFileSource>> {
  const plan = JSON.parse(await readFile(planPath, 'utf8')) as DownloadedWheel[];
  const wheels = plan.map((w) => ({
    path: join(wheelDir, w.filename),
    requested: w.requested,
    ...(w.direct_url !== null ? { directUrl: w.direct_url } : {}),
  }));
  return installWheels(wheels, pythonDir);
}
