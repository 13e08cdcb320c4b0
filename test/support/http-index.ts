/**
 * Serves a generated package index (test/support/package-index.ts) over http on 127.0.0.1, as a
 * private index would: optionally behind basic auth, optionally slow, optionally with its
 * project pages rewritten (a yanked reason, an odd file name). pip and our own index reader
 * both talk to it, so credentials are proven to travel the way pip sends them.
 */
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';

export interface HttpIndexOptions {
  /** Required credentials: requests without them get 401, as a private index answers. */
  readonly auth?: { readonly user: string; readonly password: string };
  /** Milliseconds every response waits before it is sent (a slow index). */
  readonly delayMs?: number;
  /** Rewrites a project page's HTML (project is the folder name under simple/). */
  readonly rewritePage?: (project: string, html: string) => string;
}

export interface HttpIndex {
  /** http://127.0.0.1:PORT/simple (no credentials). */
  readonly url: string;
  /** The same URL with the credentials in it, as a user would pass it. */
  readonly urlWithCredentials: string;
  readonly host: string;
  /** Authorization header values received, in order ("" when none). */
  readonly authorizations: string[];
  /** Paths requested, in order. */
  readonly requests: string[];
  close(): Promise<void>;
}

/** Serves `root` (a PackageIndex dir holding simple/ and files/). */
export async function serveIndex(root: string, options: HttpIndexOptions = {}): Promise<HttpIndex> {
  const authorizations: string[] = [];
  const requests: string[] = [];
  const expected = options.auth
    ? `Basic ${Buffer.from(`${options.auth.user}:${options.auth.password}`).toString('base64')}`
    : undefined;
  const server: Server = createServer(async (request, response) => {
    const path = decodeURIComponent((request.url ?? '/').split('?')[0] ?? '/');
    requests.push(path);
    authorizations.push(request.headers.authorization ?? '');
    if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
    if (expected && request.headers.authorization !== expected) {
      response.writeHead(401, { 'WWW-Authenticate': 'Basic realm="private index"' }).end();
      return;
    }
    const local = normalize(join(root, path));
    if (!local.startsWith(root)) {
      response.writeHead(403).end();
      return;
    }
    const info = await stat(local).catch(() => undefined);
    if (!info) {
      response.writeHead(404).end();
      return;
    }
    if (info.isDirectory()) {
      const html = await readFile(join(local, 'index.html'), 'utf8').catch(() => undefined);
      if (html === undefined) {
        response.writeHead(404).end();
        return;
      }
      const project = path.replace(/\/+$/, '').split('/').pop() ?? '';
      const body =
        options.rewritePage && path.startsWith('/simple/') ? options.rewritePage(project, html) : html;
      response.writeHead(200, { 'Content-Type': 'text/html' }).end(body);
      return;
    }
    response.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': info.size });
    createReadStream(local).pipe(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const host = `127.0.0.1:${port}`;
  const credentials = options.auth
    ? `${encodeURIComponent(options.auth.user)}:${encodeURIComponent(options.auth.password)}@`
    : '';
  return {
    url: `http://${host}/simple`,
    urlWithCredentials: `http://${credentials}${host}/simple`,
    host,
    authorizations,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A 127.0.0.1 port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
