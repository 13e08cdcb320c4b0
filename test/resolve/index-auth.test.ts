/**
 * A private index behind basic auth, served on 127.0.0.1: our own index reader (used by the
 * diagnosis and the sdist fallback) must read it with the URL's credentials or netrc's, as pip
 * does, and never show the password when it cannot.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { authorizedRequest, parseNetrc } from '../../src/resolve/index-auth.js';
import { IndexUnreachable, indexFiles, listProjectFiles } from '../../src/resolve/simple-index.js';
import { type HttpIndex, serveIndex } from '../support/http-index.js';
import { createPackageIndex, type PackageIndex } from '../support/package-index.js';

const PASSWORD = 's3cr3t-PASS/with@odd:chars';
let index: PackageIndex;
let server: HttpIndex;
let scratch: string;
const savedNetrc = process.env.NETRC;

beforeAll(async () => {
  index = await createPackageIndex({ wheels: [{ name: 'private-pkg', version: '2.0' }] });
  server = await serveIndex(index.dir, { auth: { user: 'deploy', password: PASSWORD } });
  scratch = await mkdtemp(join(tmpdir(), 'index-auth-'));
}, 60_000);

afterAll(async () => {
  await server?.close();
  await index?.cleanup();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

afterEach(() => {
  if (savedNetrc === undefined) delete process.env.NETRC;
  else process.env.NETRC = savedNetrc;
});

describe('reading a private index', () => {
  it('sends the URL credentials as a basic Authorization header and lists the files', async () => {
    const files = await indexFiles(server.urlWithCredentials, 'private-pkg');
    expect(files.map((f) => f.filename)).toEqual(['private_pkg-2.0-py3-none-any.whl']);
    const expected = `Basic ${Buffer.from(`deploy:${PASSWORD}`).toString('base64')}`;
    expect(server.authorizations.at(-1)).toBe(expected);
  });

  it('without credentials the index says 401, and the reason names the URL', async () => {
    process.env.NETRC = join(scratch, 'no-such-netrc');
    const error = await indexFiles(server.url, 'private-pkg').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IndexUnreachable);
    expect((error as IndexUnreachable).reason).toBe('HTTP 401 Unauthorized');
  });

  it('wrong credentials are reported as unreachable without the password in the message', async () => {
    const wrong = server.urlWithCredentials.replace(encodeURIComponent(PASSWORD), 'WRONG-PASSWORD');
    const listing = await listProjectFiles({ indexUrls: [wrong], findLinks: [] }, 'private-pkg');
    expect(listing.unreachable).toHaveLength(1);
    const [failure] = listing.unreachable;
    expect(failure?.url).toBe(`http://****@${server.host}/simple/private-pkg/`);
    expect(failure?.reason).toBe('HTTP 401 Unauthorized');
    expect(failure?.message).not.toContain('WRONG-PASSWORD');
  });

  it('honours a netrc file (NETRC) for a URL without credentials', async () => {
    const netrc = join(scratch, 'netrc');
    const host = server.host.split(':')[0];
    await writeFile(
      netrc,
      `machine example.org login x password y\nmachine ${host}\n  login deploy\n  password ${PASSWORD}\n`,
    );
    process.env.NETRC = netrc;
    const files = await indexFiles(server.url, 'private-pkg');
    expect(files).toHaveLength(1);
  });
});

describe('authorizedRequest and parseNetrc', () => {
  it('moves percent-encoded credentials into the header, decoded, and leaves other URLs alone', () => {
    const request = authorizedRequest('https://__token__:a%2Fb%40c@pypi.example/simple/', {});
    expect(request.url).toBe('https://pypi.example/simple/');
    expect(Buffer.from((request.headers.Authorization ?? '').slice(6), 'base64').toString()).toBe(
      '__token__:a/b@c',
    );
    expect(authorizedRequest('file:///tmp/index', {})).toEqual({ url: 'file:///tmp/index', headers: {} });
  });

  it('parses machine, default, and skips account and macros', () => {
    const entries = parseNetrc(
      'machine a.example login u1 account acc password p1\ndefault login anon password guest\nmacdef init\nmachine b login x\n',
    );
    expect(entries.get('a.example')).toEqual({ login: 'u1', password: 'p1' });
    expect(entries.get('')).toEqual({ login: 'anon', password: 'guest' });
    expect(entries.has('b')).toBe(false);
  });
});
