/**
 * The one place credentials are taken out of text before it is shown: log lines, error
 * messages, pip command lines, annotations and summaries all pass through `redact`.
 *
 * Two layers, because a secret can surface in two shapes:
 * - any URL's userinfo (`https://user:PASS@host` -> `https://****@host`), whoever wrote it
 *   (our messages, pip's output, a stack trace);
 * - the bare secret values taken from the URLs the user configured (`rememberUrlSecrets`),
 *   wherever they appear on their own or percent-decoded.
 */

const MASK = '****';

/**
 * scheme://userinfo@ where userinfo runs up to the LAST "@" before the host: pip splits a
 * netloc at its last "@" too (an unencoded "@" in a password would otherwise leak its tail).
 */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]*(?:@[^\s/?#@]*)*@/gi;

const remembered = new Set<string>();

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * The secret parts of one URL, as pip treats them: the password, or the user name when it is
 * the only credential (a token as user name). Both the raw and the percent-decoded forms.
 */
export function secretsOfUrl(url: string): string[] {
  const match = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)@/i.exec(url.trim());
  if (!match?.[1]) return [];
  const userinfo = match[1];
  const colon = userinfo.indexOf(':');
  const secret = colon >= 0 ? userinfo.slice(colon + 1) : userinfo;
  if (!secret) return [];
  return [...new Set([secret, safeDecode(secret)])].filter((s) => s.length > 0);
}

/**
 * Remembers the secrets in `urls` so `redact` removes them even outside a URL; returns them
 * (the action hands each to core.setSecret before anything is printed).
 */
export function rememberUrlSecrets(urls: Iterable<string | undefined>): string[] {
  const found: string[] = [];
  for (const url of urls) {
    if (!url) continue;
    for (const secret of secretsOfUrl(url)) {
      remembered.add(secret);
      found.push(secret);
    }
  }
  return found;
}

/** pip's own settings that may carry credentials: they surface in its output like ours. */
export function pipEnvUrls(env: NodeJS.ProcessEnv): string[] {
  return ['PIP_INDEX_URL', 'PIP_EXTRA_INDEX_URL', 'PIP_FIND_LINKS'].flatMap((name) =>
    (env[name] ?? '').split(/\s+/).filter(Boolean),
  );
}

/** `text` with every URL's credentials and every remembered secret replaced by ****. */
export function redact(text: string): string {
  let result = text.replace(URL_USERINFO, `$1${MASK}@`);
  // Longest first, so a secret that contains another is removed whole.
  for (const secret of [...remembered].sort((a, b) => b.length - a.length)) {
    if (result.includes(secret)) result = result.replace(new RegExp(escapeRegExp(secret), 'g'), MASK);
  }
  return result;
}

/** Forgets remembered secrets: for tests that plant different ones. */
export function forgetSecrets(): void {
  remembered.clear();
}
