/**
 * Reads what Serverless Framework v3 (and osls 3) print: the service outputs after a deploy or
 * `info` (written by lib/cli/write-service-outputs.js as "section: value" or "section:\n  item"),
 * the "Stack Outputs" section of `--verbose`, and the "Error:" block of a failure.
 */
import { stripAnsi } from '../process.js';

/** "Key: Value" lines of the "Stack Outputs:" section (`serverless info --verbose`). */
export function parseStackOutputs(output: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = stripAnsi(output).split(/\r?\n/);
  const start = lines.findIndex((line) => line.trim() === 'Stack Outputs:');
  if (start < 0) return outputs;
  for (const line of lines.slice(start + 1)) {
    const match = /^\s+([A-Za-z0-9]+):\s+(\S.*)$/.exec(line);
    if (!match?.[1] || !match[2]) break;
    outputs[match[1]] = match[2].trim();
  }
  return outputs;
}

export interface EndpointEntry {
  /** "ANY", "GET", ...; undefined for a function URL or a websocket endpoint. */
  readonly method?: string;
  readonly url: string;
}

/** The items of the `endpoint:` line or the `endpoints:` section ("METHOD - URL" or a URL). */
export function parseEndpoints(output: string): EndpointEntry[] {
  const lines = stripAnsi(output).split(/\r?\n/);
  const items: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const single = /^endpoint:\s+(\S.*)$/.exec(line);
    if (single?.[1]) items.push(single[1]);
    if (line.trim() === 'endpoints:' && /^endpoints:/.test(line)) {
      for (let j = i + 1; j < lines.length && /^\s+\S/.test(lines[j] ?? ''); j++)
        items.push((lines[j] ?? '').trim());
    }
  }
  const entries: EndpointEntry[] = [];
  for (const item of items) {
    const withMethod = /^([A-Z]+) - (\S+)$/.exec(item);
    if (withMethod?.[1] && withMethod[2]) {
      entries.push({ method: withMethod[1], url: withMethod[2] });
      continue;
    }
    // "name: https://..." (several function URLs) or a bare URL.
    const url = /(https?|wss?):\/\/\S+/.exec(item)?.[0];
    if (url) entries.push({ url });
  }
  return entries;
}

/** The base of an endpoint URL: path templates ("{proxy+}", "{id}") and what follows are cut. */
function baseOf(url: string): string {
  const cut = url.indexOf('{');
  const base = cut >= 0 ? url.slice(0, cut) : url;
  return base.replace(/\/+$/, '');
}

/**
 * The HTTP endpoint of the service, most reliable source first: the stack outputs HttpApiUrl
 * (HTTP API) or ServiceEndpoint (REST API, includes the stage), else the shortest http(s) URL of
 * the endpoint lines (with a catch-all httpApi that is the API's base URL).
 */
export function chooseEndpoint(
  outputs: Record<string, string>,
  endpoints: readonly EndpointEntry[],
): string | undefined {
  const fromStack = outputs.HttpApiUrl ?? outputs.ServiceEndpoint;
  if (fromStack && /^https?:\/\//.test(fromStack)) return fromStack.replace(/\/+$/, '');
  const urls = endpoints
    .map((entry) => baseOf(entry.url))
    .filter((url) => /^https?:\/\//.test(url))
    .sort((a, b) => a.length - b.length);
  return urls[0];
}

/** Lines that end Serverless's error block (its footer) or belong to its progress output. */
const FOOTER = /^(Environment|Docs|Support|Bugs|Credentials):\s/;

/**
 * The text of Serverless's "Error:" block (the last one when several were printed), else the
 * last lines of the output, for the failure message.
 */
export function serverlessErrorText(output: string, fallbackLines = 20): string {
  const lines = stripAnsi(output).split(/\r?\n/);
  let start = -1;
  for (let i = lines.length - 1; i >= 0; i--) {
    if (/^\s*(\S+ )?Error:\s*$/.test(lines[i] ?? '') || /^\s*Error: \S/.test(lines[i] ?? '')) {
      start = i;
      break;
    }
  }
  if (start >= 0) {
    const first = (lines[start] ?? '').trim();
    const inline = first.replace(/^(\S+ )?Error:\s*/, '');
    const block: string[] = inline ? [inline] : [];
    for (const line of lines.slice(start + 1)) {
      if (FOOTER.test(line) || /^\s*[×✖]\s/.test(line)) break;
      if (!line.trim() && block.length > 0) break;
      if (line.trim()) block.push(line.trimEnd());
    }
    if (block.length > 0) return block.join('\n');
  }
  return lines
    .filter((line) => line.trim())
    .slice(-fallbackLines)
    .join('\n');
}
