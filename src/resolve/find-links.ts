/**
 * A --find-links location on this machine that does not exist: pip only logs "Location ... is
 * ignored" and goes on without it, so the wheels the user meant to add are silently missing.
 * Checked before pip runs; URLs (http, https) are left to pip and the diagnosis.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../errors.js';

const isRemote = (link: string): boolean => /^[a-z][a-z0-9+.-]*:/i.test(link) && !link.startsWith('file:');

/** Throws an InputError naming the first local find-links location that does not exist. */
export function checkFindLinks(links: readonly string[]): void {
  for (const link of links) {
    if (isRemote(link)) continue;
    let path: string;
    try {
      path = link.startsWith('file:') ? fileURLToPath(link) : link;
    } catch {
      throw new InputError('find-links', `${link} is not a valid file: URL`, {
        hint: 'pass a folder path or a file:///absolute/path URL',
      });
    }
    if (!existsSync(path)) {
      throw new InputError('find-links', `${path} does not exist`, {
        hint: 'pass an existing folder of wheels (relative paths start at the working directory; in the action, at the workspace)',
      });
    }
  }
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** What one local location offers pip: a folder's files (pip does not look deeper), or a file. */
async function fingerprintLocation(path: string, hash: ReturnType<typeof createHash>): Promise<void> {
  const info = await stat(path).catch(() => undefined);
  if (!info) {
    hash.update('missing\n');
    return;
  }
  const files = info.isDirectory()
    ? (await readdir(path, { withFileTypes: true }))
        .filter((entry) => entry.isFile() || entry.isSymbolicLink())
        .map((entry) => entry.name)
        .sort()
    : [''];
  for (const name of files) {
    const file = name ? join(path, name) : path;
    const size = (await stat(file).catch(() => undefined))?.size;
    if (size === undefined) continue; // a dangling link offers nothing
    hash.update(`${name}\0${size}\0${await sha256Of(file)}\n`);
  }
}

/**
 * sha256 over what the local --find-links locations hold: each file's name, size and sha256.
 * A wheel rebuilt under the same name and version changes the layer cache key, so the old layer
 * is not served. Remote locations (http, https) are left out, as index URLs are: their pages are
 * not this build's files. Every file is read each build (sha256 runs at about 1 GB/s; a folder of
 * wheels is far smaller than the layer it builds).
 */
export async function fingerprintFindLinks(links: readonly string[]): Promise<string> {
  const hash = createHash('sha256');
  for (const link of links) {
    if (isRemote(link)) continue;
    const path = link.startsWith('file:') ? fileURLToPath(link) : link;
    hash.update(`--- ${link}\n`);
    await fingerprintLocation(path, hash);
  }
  return hash.digest('hex');
}
