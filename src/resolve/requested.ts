/**
 * Which installed distributions were asked for. pip marks every line it installs as requested
 * (a REQUESTED file in the dist-info, listed in RECORD); a lock is installed as one line per
 * package, so pip would mark them all. The layer should be the same as one built from the
 * project's own requirements, and the import proof should import what the project imports: so
 * after a lock install, only the project's direct dependencies keep the mark. When the lock does
 * not say which they are (pylock.toml, Pipfile.lock), they are the installed distributions that
 * no other installed distribution requires.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { normalizeProjectName } from './requirements.js';
import type { PackageEntry } from './types.js';

/** "Key: value" header values of METADATA, up to the body. */
function headerValues(text: string, key: string): string[] {
  const head = text.split(/\r?\n\r?\n/)[0] ?? '';
  const prefix = `${key.toLowerCase()}:`;
  return head
    .split(/\r?\n/)
    .filter((line) => line.toLowerCase().startsWith(prefix))
    .map((line) => line.slice(prefix.length).trim());
}

interface InstalledDist {
  readonly name: string;
  readonly distInfo: string;
  readonly requires: readonly string[];
}

async function installedDists(pythonDir: string): Promise<InstalledDist[]> {
  const dists: InstalledDist[] = [];
  for (const distInfo of (await readdir(pythonDir)).filter((n) => n.endsWith('.dist-info'))) {
    const metadata = await readFile(join(pythonDir, distInfo, 'METADATA'), 'utf8').catch(() => '');
    const name = headerValues(metadata, 'Name')[0];
    if (!name) continue;
    const requires = headerValues(metadata, 'Requires-Dist').flatMap((r) => {
      const m = /^[A-Za-z0-9][A-Za-z0-9._-]*/.exec(r);
      return m ? [normalizeProjectName(m[0])] : [];
    });
    dists.push({ name: normalizeProjectName(name), distInfo, requires });
  }
  return dists;
}

/**
 * Keeps the requested mark on `direct` only (inferred when undefined); returns the packages with
 * `requested` set to match.
 */
export async function markRequested(
  pythonDir: string,
  packages: readonly PackageEntry[],
  direct: readonly string[] | undefined,
): Promise<PackageEntry[]> {
  const dists = await installedDists(pythonDir);
  const required = new Set(
    dists.flatMap((d) => d.requires.filter((r) => r !== d.name && dists.some((o) => o.name === r))),
  );
  const wanted = new Set(direct ?? dists.filter((d) => !required.has(d.name)).map((d) => d.name));
  for (const dist of dists) {
    if (wanted.has(dist.name)) continue;
    const requestedFile = join(pythonDir, dist.distInfo, 'REQUESTED');
    if (!existsSync(requestedFile)) continue;
    await rm(requestedFile);
    const recordFile = join(pythonDir, dist.distInfo, 'RECORD');
    const record = await readFile(recordFile, 'utf8').catch(() => undefined);
    if (record !== undefined) {
      const entry = `${dist.distInfo}/REQUESTED,`;
      const kept = record.split('\n').filter((line) => !line.startsWith(entry));
      await writeFile(recordFile, kept.join('\n'));
    }
  }
  return packages.map((p) => ({ ...p, requested: wanted.has(normalizeProjectName(p.name)) }));
}
