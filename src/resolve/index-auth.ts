/**
 * Credentials for reading a package index the way pip sends them: HTTP basic auth from the
 * URL's userinfo, else from the netrc file (requests, under pip, reads $NETRC or ~/.netrc).
 * Node's fetch refuses a URL with credentials, so the userinfo moves into a header.
 * pip's keyring support is not mirrored: it needs Python plugins this process cannot load.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface AuthorizedRequest {
  /** The URL without userinfo (what fetch accepts). */
  readonly url: string;
  readonly headers: Record<string, string>;
}

interface NetrcEntry {
  readonly login?: string;
  readonly password?: string;
}

/** Entries by machine name ("" for `default`), from netrc text (tokens separated by whitespace). */
export function parseNetrc(text: string): Map<string, NetrcEntry> {
  const entries = new Map<string, NetrcEntry>();
  const tokens = text.split(/\s+/).filter(Boolean);
  let machine: string | undefined;
  let entry: { login?: string; password?: string } = {};
  const flush = (): void => {
    if (machine !== undefined && !entries.has(machine)) entries.set(machine, entry);
  };
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token === 'machine' || token === 'default') {
      flush();
      machine = token === 'default' ? '' : (tokens[++i] ?? '');
      entry = {};
    } else if (token === 'login') entry.login = tokens[++i];
    else if (token === 'password') entry.password = tokens[++i];
    else if (token === 'account') i++;
    else if (token === 'macdef') break; // a macro body runs to a blank line; nothing after it is read
  }
  flush();
  return entries;
}

function netrcEntry(host: string, env: NodeJS.ProcessEnv): NetrcEntry | undefined {
  const path = env.NETRC || join(env.HOME || homedir(), '.netrc');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined; // no netrc: no credentials, as with pip
  }
  const entries = parseNetrc(text);
  return entries.get(host) ?? entries.get('');
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

const basic = (user: string, password: string): string =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** `url` without its credentials, and the Authorization header that carries them. */
export function authorizedRequest(url: string, env: NodeJS.ProcessEnv = process.env): AuthorizedRequest {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { url, headers: {} };
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return { url, headers: {} };
  if (parsed.username || parsed.password) {
    const header = basic(decode(parsed.username), decode(parsed.password));
    parsed.username = '';
    parsed.password = '';
    return { url: parsed.href, headers: { Authorization: header } };
  }
  const entry = netrcEntry(parsed.hostname, env);
  if (entry?.login !== undefined || entry?.password !== undefined) {
    return { url, headers: { Authorization: basic(entry.login ?? '', entry.password ?? '') } };
  }
  return { url, headers: {} };
}
