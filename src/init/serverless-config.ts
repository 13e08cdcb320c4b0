/**
 * What `lambda-layer init` reads from a service's serverless.yml (service name, runtime,
 * architecture, region) and the one edit it makes: `layers: [${param:layerArn}]` on each
 * function, as text inserted into the file so comments and layout stay. The edit is made only
 * when it is provably right: the functions are a block mapping of block mappings, none has a
 * `layers` key, and the edited text parses to the same configuration plus exactly those layers.
 * Otherwise the caller prints the lines to add.
 */
import { isMap, isScalar, type LineCounter, LineCounter as Lines, parseDocument, type YAMLMap } from 'yaml';

/** Serverless's variable for the ARN `serverless deploy --param layerArn=ARN` passes. */
export const LAYER_PARAM = `\${param:layerArn}`;

export interface ServerlessFacts {
  readonly service?: string;
  readonly runtime?: string;
  readonly architecture?: string;
  /** provider.region, or the region a `${opt:region, 'us-east-1'}` falls back to. */
  readonly region?: string;
  /** Function keys in order. */
  readonly functions: readonly string[];
  /** Whether provider.layers or a function's layers already lists ${param:layerArn}. */
  readonly hasLayerParam: boolean;
}

const REGION = /\b[a-z]{2}(?:-gov|-iso[a-z]*)?-[a-z]+-\d\b/;

function plain(value: unknown): string | undefined {
  return typeof value === 'string' && !value.includes('${') ? value : undefined;
}

export function readServerlessFacts(text: string): ServerlessFacts {
  const doc = parseDocument(text, { uniqueKeys: false });
  if (doc.errors.length > 0) throw new Error(doc.errors[0]?.message);
  // Unknown tags (!Ref, !GetAtt in resources:) only warn; they do not touch what is read here.
  const config = (doc.toJS({ maxAliasCount: -1 }) ?? {}) as Record<string, unknown>;
  const provider = (config.provider ?? {}) as Record<string, unknown>;
  const service =
    typeof config.service === 'object' && config.service !== null
      ? plain((config.service as { name?: unknown }).name)
      : plain(config.service);
  const regionText = typeof provider.region === 'string' ? provider.region : undefined;
  const functions = (config.functions ?? {}) as Record<string, { layers?: unknown } | null>;
  const lists = [provider.layers, ...Object.values(functions).map((f) => f?.layers)];
  return {
    service,
    runtime: plain(provider.runtime),
    architecture: plain(provider.architecture),
    region: regionText ? REGION.exec(regionText)?.[0] : undefined,
    functions: typeof functions === 'object' ? Object.keys(functions) : [],
    hasLayerParam: lists.some((l) => Array.isArray(l) && l.includes(LAYER_PARAM)),
  };
}

export type LayerEdit =
  | { readonly kind: 'edited'; readonly text: string; readonly functions: readonly string[] }
  | { readonly kind: 'present' }
  | { readonly kind: 'manual'; readonly reason: string; readonly lines: string };

/** The lines a person adds under each function when the file cannot be edited safely. */
export const MANUAL_LINES = `    layers:\n      - ${LAYER_PARAM}`;

/** Adds `layers: - ${param:layerArn}` to every function of serverless.yml, or says why not. */
export function addLayerParam(text: string): LayerEdit {
  const facts = readServerlessFacts(text);
  if (facts.hasLayerParam) return { kind: 'present' };
  const manual = (reason: string): LayerEdit => ({ kind: 'manual', reason, lines: MANUAL_LINES });
  const lineCounter: LineCounter = new Lines();
  const doc = parseDocument(text, { lineCounter, keepSourceTokens: true });
  const functions = doc.get('functions', true);
  if (!isMap(functions) || functions.flow)
    return manual('`functions:` is not a block mapping in serverless.yml');
  if (functions.items.length === 0) return manual('serverless.yml has no functions');
  const inserts: { offset: number; text: string }[] = [];
  const names: string[] = [];
  for (const pair of functions.items) {
    const name = isScalar(pair.key) ? String(pair.key.value) : '?';
    const fn = pair.value;
    if (!isMap(fn) || fn.flow || fn.items.length === 0 || !fn.range)
      return manual(`function ${name} is not a block mapping`);
    if ((fn as YAMLMap).has('layers')) return manual(`function ${name} already has its own layers`);
    // At the first key's indentation: after a one-line `handler:` (where people write it), else
    // before the first key.
    const start = fn.range[0];
    const { col } = lineCounter.linePos(start);
    const lineStart = start - (col - 1);
    if (text.slice(lineStart, start).trim() !== '')
      return manual(`function ${name} does not start on its own line`);
    const indent = ' '.repeat(col - 1);
    inserts.push({
      offset: afterOneLineHandler(fn, text, lineCounter) ?? lineStart,
      text: `${indent}layers:\n${indent}  - ${LAYER_PARAM}\n`,
    });
    names.push(name);
  }
  let edited = text;
  for (const insert of [...inserts].sort((a, b) => b.offset - a.offset))
    edited = edited.slice(0, insert.offset) + insert.text + edited.slice(insert.offset);
  // Proof: the edited file is the same configuration with exactly these layers added.
  const before = parseDocument(text).toJS({ maxAliasCount: -1 }) as {
    functions: Record<string, Record<string, unknown>>;
  };
  for (const name of names) before.functions[name] = { layers: [LAYER_PARAM], ...before.functions[name] };
  const after = parseDocument(edited);
  if (
    after.errors.length > 0 ||
    JSON.stringify(sortKeys(after.toJS({ maxAliasCount: -1 }))) !== JSON.stringify(sortKeys(before))
  )
    return manual('the edited serverless.yml would not parse to the same configuration');
  return { kind: 'edited', text: edited, functions: names };
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => [k, sortKeys(v)]),
  );
}

/** The offset of the line after `handler: VALUE` when that pair sits on one line. */
function afterOneLineHandler(fn: YAMLMap, text: string, lines: LineCounter): number | undefined {
  const pair = fn.items.find((p) => isScalar(p.key) && p.key.value === 'handler');
  const key = pair && isScalar(pair.key) ? pair.key : undefined;
  const value = pair && isScalar(pair.value) ? pair.value : undefined;
  if (!key?.range || !value?.range) return undefined;
  if (lines.linePos(key.range[0]).line !== lines.linePos(value.range[1]).line) return undefined;
  const newline = text.indexOf('\n', value.range[1]);
  return newline === -1 ? undefined : newline + 1;
}
