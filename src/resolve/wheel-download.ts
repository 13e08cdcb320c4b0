/**
 * The wheels path of the install: the pinned pip resolves and downloads (download_for_target.py,
 * with the target's markers and platform flags), and src/wheel installs the downloaded wheels in
 * pip's installation order. The download's plan says, per wheel, what pip install would have
 * recorded (REQUESTED, direct_url.json).
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { installWheels } from '../wheel/install.js';
import { normalizeProjectName } from './requirements.js';

/** One downloaded wheel, as download_for_target.py writes it. */
export interface DownloadedWheel {
  readonly name: string;
  readonly version: string;
  readonly filename: string;
  readonly url: string;
  readonly requested: boolean;
  readonly direct_url: string | null;
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export interface InstalledFromWheels {
  /** By normalized project name: the wheel's URL, its sha256 and whether it was requested. */
  readonly report: Map<string, { url: string; sha256: string; requested: boolean }>;
}

/** Installs the wheels a finished download planned into `pythonDir`. */
export async function installDownloaded(
  planPath: string,
  wheelDir: string,
  pythonDir: string,
): Promise<InstalledFromWheels> {
  const plan = JSON.parse(await readFile(planPath, 'utf8')) as DownloadedWheel[];
  const wheels = plan.map((w) => ({
    path: join(wheelDir, w.filename),
    requested: w.requested,
    ...(w.direct_url !== null ? { directUrl: w.direct_url } : {}),
  }));
  const [, hashes] = await Promise.all([
    installWheels(wheels, pythonDir),
    Promise.all(wheels.map((w) => sha256File(w.path))),
  ]);
  const report = new Map(
    plan.map((w, i) => [
      normalizeProjectName(w.name),
      { url: w.url, sha256: hashes[i] ?? '', requested: w.requested },
    ]),
  );
  return { report };
}
