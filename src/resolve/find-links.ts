/**
 * A --find-links location on this machine that does not exist: pip only logs "Location ... is
 * ignored" and goes on without it, so the wheels the user meant to add are silently missing.
 * Checked before pip runs; URLs (http, https) are left to pip and the diagnosis.
 */
import { existsSync } from 'node:fs';
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
