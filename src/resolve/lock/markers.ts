/**
 * PEP 508 environment markers, parsed and evaluated in TypeScript for the Lambda target
 * (markerEnvironment in target.ts): lock files carry markers on packages and dependency edges,
 * and the packages a lock selects must be known before pip runs (the cache key is their hash).
 * The rules follow the packaging 26.2 that the pinned pip vendors (pip/_vendor/packaging/markers.py):
 * - python_version, python_full_version, implementation_version and platform_release compare as
 *   PEP 440 versions when the right side is a valid specifier (pre-releases included), otherwise
 *   as strings;
 * - string comparison: == and != as usual, <= and >= mean equality, < and > are always false,
 *   `in` / `not in` test substrings;
 * - `extra` names compare PEP 503-normalized; `extras` and `dependency_groups` (PEP 751 lock
 *   files) are sets of normalized names, tested with `in` / `not in`;
 * - `os.name`, `sys.platform`, `platform.python_implementation` and `python_implementation` are
 *   the legacy spellings of os_name, sys_platform and platform_python_implementation.
 */
import { isVersion, matchesClause } from '../../pep440.js';
import type { MarkerEnvironment } from '../../target.js';

/** The target's environment plus what a lock or a dependency edge asks for. */
export interface MarkerContext {
  readonly environment: MarkerEnvironment;
  /** Extras of the distribution whose metadata holds the marker (`extra == "x"`). */
  readonly extras?: ReadonlySet<string>;
  /** Chosen dependency groups (`"dev" in dependency_groups`, PEP 751). */
  readonly dependencyGroups?: ReadonlySet<string>;
}

export class MarkerSyntaxError extends Error {
  constructor(
    readonly marker: string,
    readonly detail: string,
  ) {
    super(`invalid environment marker "${marker}": ${detail}`);
    this.name = 'MarkerSyntaxError';
  }
}

type Operand =
  | { readonly kind: 'variable'; readonly name: string }
  | { readonly kind: 'string'; readonly value: string };

export type MarkerNode =
  | { readonly kind: 'and' | 'or'; readonly left: MarkerNode; readonly right: MarkerNode }
  | { readonly kind: 'compare'; readonly left: Operand; readonly op: string; readonly right: Operand };

const VARIABLES: Record<string, string> = {
  python_version: 'python_version',
  python_full_version: 'python_full_version',
  os_name: 'os_name',
  'os.name': 'os_name',
  sys_platform: 'sys_platform',
  'sys.platform': 'sys_platform',
  platform_release: 'platform_release',
  platform_system: 'platform_system',
  platform_version: 'platform_version',
  platform_machine: 'platform_machine',
  platform_python_implementation: 'platform_python_implementation',
  'platform.python_implementation': 'platform_python_implementation',
  python_implementation: 'platform_python_implementation',
  implementation_name: 'implementation_name',
  implementation_version: 'implementation_version',
  extra: 'extra',
  extras: 'extras',
  dependency_groups: 'dependency_groups',
};

const VERSION_VARIABLES = new Set([
  'implementation_version',
  'platform_release',
  'python_full_version',
  'python_version',
]);
const SET_VARIABLES = new Set(['extras', 'dependency_groups']);

type Token =
  | {
      readonly kind: 'string' | 'variable' | 'op' | 'bool' | 'paren';
      readonly text: string;
      readonly at: number;
    }
  | { readonly kind: 'end'; readonly text: ''; readonly at: number };

function tokenize(marker: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  const fail = (detail: string): never => {
    throw new MarkerSyntaxError(marker, detail);
  };
  while (at < marker.length) {
    const rest = marker.slice(at);
    const space = /^\s+/.exec(rest);
    if (space) {
      at += space[0].length;
      continue;
    }
    const quoted = /^(?:'([^']*)'|"([^"]*)")/.exec(rest);
    const op = /^(?:===|==|~=|!=|<=|>=|<|>|not\s+in\b|in\b)/.exec(rest);
    const word = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(rest);
    if (rest[0] === '(' || rest[0] === ')') {
      tokens.push({ kind: 'paren', text: rest[0], at });
      at += 1;
    } else if (quoted) {
      tokens.push({ kind: 'string', text: quoted[1] ?? quoted[2] ?? '', at });
      at += quoted[0].length;
    } else if (op) {
      tokens.push({ kind: 'op', text: op[0].replace(/\s+/, ' '), at });
      at += op[0].length;
    } else if (word && (word[0] === 'and' || word[0] === 'or')) {
      tokens.push({ kind: 'bool', text: word[0], at });
      at += word[0].length;
    } else if (word && VARIABLES[word[0]]) {
      tokens.push({ kind: 'variable', text: VARIABLES[word[0]] as string, at });
      at += word[0].length;
    } else if (word) {
      fail(`unknown marker variable "${word[0]}" at position ${at + 1}`);
    } else {
      fail(`unexpected "${rest[0]}" at position ${at + 1}`);
    }
  }
  tokens.push({ kind: 'end', text: '', at });
  return tokens;
}

/** Parses a marker (the text after `;` in a requirement); throws MarkerSyntaxError. */
export function parseMarker(marker: string): MarkerNode {
  const tokens = tokenize(marker);
  let index = 0;
  const peek = (): Token => tokens[index] as Token;
  const next = (): Token => tokens[index++] as Token;
  const fail = (detail: string): never => {
    throw new MarkerSyntaxError(marker, detail);
  };
  const operand = (): Operand => {
    const token = next();
    if (token.kind === 'string') return { kind: 'string', value: token.text };
    if (token.kind === 'variable') return { kind: 'variable', name: token.text };
    return fail(`expected a marker variable or a quoted string at position ${token.at + 1}`);
  };
  const atom = (): MarkerNode => {
    if (peek().kind === 'paren' && peek().text === '(') {
      next();
      const inner = orExpression();
      const close = next();
      if (close.kind !== 'paren' || close.text !== ')') fail(`expected ")" at position ${close.at + 1}`);
      return inner;
    }
    const left = operand();
    const op = next();
    if (op.kind !== 'op') fail(`expected a comparison operator at position ${op.at + 1}`);
    const right = operand();
    if (left.kind === 'string' && right.kind === 'string')
      fail('a comparison needs a marker variable on one side');
    if (left.kind === 'variable' && right.kind === 'variable')
      fail('a comparison needs a quoted string on one side');
    return { kind: 'compare', left, op: op.text, right };
  };
  const andExpression = (): MarkerNode => {
    let node = atom();
    while (peek().kind === 'bool' && peek().text === 'and') {
      next();
      node = { kind: 'and', left: node, right: atom() };
    }
    return node;
  };
  const orExpression = (): MarkerNode => {
    let node = andExpression();
    while (peek().kind === 'bool' && peek().text === 'or') {
      next();
      node = { kind: 'or', left: node, right: andExpression() };
    }
    return node;
  };
  const node = orExpression();
  const end = peek();
  if (end.kind !== 'end') fail(`unexpected "${end.text}" at position ${end.at + 1}`);
  return node;
}

/** PEP 503 normalization, as PEP 685 asks for extra names. */
function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/** A clause such as ">=3.10" or "==3.*" that packaging's Specifier would accept. */
function isValidSpecifier(op: string, operand: string): boolean {
  if (op === '===') return true;
  if (op === 'in' || op === 'not in') return false;
  const wildcard = operand.endsWith('.*');
  if (wildcard && op !== '==' && op !== '!=') return false;
  const version = wildcard ? operand.slice(0, -2) : operand;
  if (!isVersion(version)) return false;
  return op !== '~=' || version.split('.').length >= 2;
}

function compareStrings(left: string, op: string, right: string): boolean {
  switch (op) {
    case 'in':
      return right.includes(left);
    case 'not in':
      return !right.includes(left);
    case '==':
    case '<=':
    case '>=':
    case '===':
      return left === right;
    case '!=':
      return left !== right;
    default:
      return false;
  }
}

function evaluateCompare(node: MarkerNode & { kind: 'compare' }, context: MarkerContext): boolean {
  const variable = node.left.kind === 'variable' ? node.left.name : (node.right as { name: string }).name;
  const literal = node.left.kind === 'string' ? node.left.value : (node.right as { value: string }).value;
  if (SET_VARIABLES.has(variable)) {
    const set = variable === 'extras' ? context.extras : context.dependencyGroups;
    const member = normalizeName(literal);
    const has = [...(set ?? [])].some((value) => normalizeName(value) === member);
    // `"dev" in dependency_groups`; the set is only ever on the right of in / not in.
    if (node.op === 'in') return has;
    if (node.op === 'not in') return !has;
    return false;
  }
  if (variable === 'extra') {
    // `extra == "x"` is true when the distribution was asked for with extra x (PEP 685 names).
    const wanted = normalizeName(literal);
    const has = [...(context.extras ?? [])].some((value) => normalizeName(value) === wanted);
    if (node.op === '==' || node.op === '===') return has;
    if (node.op === '!=') return !has;
    return false;
  }
  const value = context.environment[variable as keyof MarkerEnvironment];
  const [left, right] = node.left.kind === 'variable' ? [value, literal] : [literal, value];
  if (VERSION_VARIABLES.has(variable) && isValidSpecifier(node.op, right)) {
    // packaging: Specifier(op + right).contains(left, prereleases=True); an invalid left is False.
    if (node.op === '===') return left === right;
    return isVersion(left) && matchesClause(left, node.op, right);
  }
  return compareStrings(left, node.op, right);
}

export function evaluateNode(node: MarkerNode, context: MarkerContext): boolean {
  switch (node.kind) {
    case 'and':
      return evaluateNode(node.left, context) && evaluateNode(node.right, context);
    case 'or':
      return evaluateNode(node.left, context) || evaluateNode(node.right, context);
    default:
      return evaluateCompare(node, context);
  }
}

/** Whether `marker` holds for the context; an empty or absent marker always holds. */
export function evaluateMarker(marker: string | undefined, context: MarkerContext): boolean {
  if (marker === undefined || marker.trim() === '') return true;
  return evaluateNode(parseMarker(marker), context);
}
