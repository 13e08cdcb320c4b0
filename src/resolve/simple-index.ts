/**
 * Reads what a package index offers for one project: PEP 503 "simple" pages over http(s) or
 * file:// URLs, and pip's --find-links sources (a local directory, or an HTML page of links).
 * Used only to explain a failed resolution, so it is read-only and bounded in time.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { redact } from '../redact.js';
import { authorizedRequest } from './index-auth.js';
import { normalizeProjectName } from './requirements.js';

export interface DistributionFile {
  readonly filename: string;
  /** Where it was listed: the project page or find-links source. */
  readonly source: string;
  readonly requiresPython?: string;
  readonly yanked: boolean;
}

/** A source that could not be read, with why (connection refused, 404, no such directory). */
export class IndexUnreachable extends Error {
  /** The source as it may be shown: without credentials. */
  readonly url: string;
  constructor(
    url: string,
    readonly reason: string,
  ) {
    super(`${redact(url)}: ${reason}`);
    this.name = 'IndexUnreachable';
    this.url = redact(url);
  }
}

const FETCH_TIMEOUT_MS = 20_000;

const decodeEntities = (value: string): string =>
  value
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#0*39;/g, "'")
    .replace(/&amp;/g, '&');

/** Anchors of a PEP 503 page: file name from the URL path (PEP 503 says the text is the name too). */
export function parseSimplePage(html: string, source: string): DistributionFile[] {
  const files: DistributionFile[] = [];
  for (const match of html.matchAll(/<a\s([^>]*)>([^<]*)<\/a>/gi)) {
    const attributes = match[1] ?? '';
    const href = /href\s*=\s*"([^"]*)"|href\s*=\s*'([^']*)'/i.exec(attributes);
    const url = decodeEntities(href?.[1] ?? href?.[2] ?? '');
    const fromUrl = decodeURIComponent(basename(url.split('#')[0]?.split('?')[0] ?? ''));
    const filename = fromUrl || decodeEntities(match[2] ?? '').trim();
    if (!filename) continue;
    const requiresPython = /data-requires-python\s*=\s*"([^"]*)"/i.exec(attributes)?.[1];
    files.push({
      filename,
      source,
      requiresPython: requiresPython ? decodeEntities(requiresPython) : undefined,
      yanked: /data-yanked/i.test(attributes),
    });
  }
  return files;
}

async function readUrl(url: string): Promise<string | undefined> {
  if (url.startsWith('file:')) {
    const path = fileURLToPath(url);
    // pip reads <dir>/index.html for a directory URL.
    const info = await stat(path).catch(() => undefined);
    if (!info) return undefined;
    return readFile(info.isDirectory() ? join(path, 'index.html') : path, 'utf8').catch(() => undefined);
  }
  let response: Response;
  try {
    // Credentials go in a header, as pip sends them: fetch refuses a URL that carries them.
    const request = authorizedRequest(url);
    response = await fetch(request.url, {
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
      headers: { Accept: 'text/html', ...request.headers },
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new IndexUnreachable(url, cause?.code ?? cause?.message ?? (error as Error).message);
  }
  if (response.status === 404) return undefined;
  if (!response.ok) throw new IndexUnreachable(url, `HTTP ${response.status} ${response.statusText}`);
  return response.text();
}

const projectPageUrl = (indexUrl: string, project: string): string =>
  `${indexUrl.replace(/\/+$/, '')}/${normalizeProjectName(project)}/`;

/** Files an index lists for `project`; [] when it has no page for it. Throws IndexUnreachable. */
export async function indexFiles(indexUrl: string, project: string): Promise<DistributionFile[]> {
  const url = projectPageUrl(indexUrl, project);
  if (indexUrl.startsWith('file:')) {
    const root = await stat(fileURLToPath(indexUrl)).catch(() => undefined);
    if (!root?.isDirectory()) throw new IndexUnreachable(indexUrl, 'no such directory');
  }
  const html = await readUrl(url);
  return html === undefined ? [] : parseSimplePage(html, url);
}

/** Project name and version from a distribution file name, when it is one. */
export function parseDistributionName(filename: string): { project: string; version: string } | undefined {
  if (filename.endsWith('.whl')) {
    const parts = filename.slice(0, -4).split('-');
    if (parts.length < 5 || !parts[0] || !parts[1]) return undefined;
    return { project: normalizeProjectName(parts[0]), version: parts[1] };
  }
  const ext = /\.(tar\.gz|tar\.bz2|tar\.xz|tgz|zip|tar)$/i.exec(filename)?.[0];
  if (!ext) return undefined;
  const base = filename.slice(0, -ext.length);
  // sdist names may contain "-": the version starts after the last "-" followed by a digit.
  const split = base.search(/-(?=\d[^-]*$)/);
  if (split <= 0) return undefined;
  return { project: normalizeProjectName(base.slice(0, split)), version: base.slice(split + 1) };
}

/** Files of `project` in a --find-links source: a directory, a file:// URL or an HTML page. */
export async function findLinksFiles(location: string, project: string): Promise<DistributionFile[]> {
  const wanted = normalizeProjectName(project);
  const isLocal = location.startsWith('file:') || !/^[a-z][a-z0-9+.-]*:/i.test(location);
  let candidates: DistributionFile[];
  if (isLocal) {
    const path = location.startsWith('file:') ? fileURLToPath(location) : location;
    const info = await stat(path).catch(() => undefined);
    if (!info) throw new IndexUnreachable(location, 'no such file or directory');
    if (info.isDirectory()) {
      const source = pathToFileURL(path).href;
      candidates = (await readdir(path)).map((filename) => ({ filename, source, yanked: false }));
    } else {
      candidates = parseSimplePage(await readFile(path, 'utf8'), location);
    }
  } else {
    candidates = parseSimplePage((await readUrl(location)) ?? '', location);
  }
  return candidates.filter((file) => parseDistributionName(file.filename)?.project === wanted);
}

export interface PackageSourcesToRead {
  readonly indexUrls: readonly string[];
  readonly findLinks: readonly string[];
}

export interface ProjectListing {
  readonly files: readonly DistributionFile[];
  readonly unreachable: readonly IndexUnreachable[];
}

/** Everything every source offers for `project`, with the sources that could not be read. */
export async function listProjectFiles(
  sources: PackageSourcesToRead,
  project: string,
): Promise<ProjectListing> {
  const reads = [
    ...sources.indexUrls.map((url) => indexFiles(url, project)),
    ...sources.findLinks.map((location) => findLinksFiles(location, project)),
  ];
  const results = await Promise.allSettled(reads);
  const files: DistributionFile[] = [];
  const unreachable: IndexUnreachable[] = [];
  for (const result of results) {
    if (result.status === 'fulfilled') files.push(...result.value);
    else if (result.reason instanceof IndexUnreachable) unreachable.push(result.reason);
    else throw result.reason;
  }
  return { files, unreachable };
}
