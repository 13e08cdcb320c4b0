/**
 * Which modules a Python source file may import, read from its text: `import a.b`, `from a
 * import b` (b may be a submodule), relative `from ..x import y`, and string literals passed to
 * `importlib.import_module(...)` / `__import__(...)`. Imports inside functions, `try:` blocks and
 * `if TYPE_CHECKING:` count too. It errs on the side of more: a line in a docstring that reads
 * like an import counts, because the caller (slimming) keeps what is imported, and keeping a
 * file too many costs bytes while removing one too many breaks the layer. A text scan rather
 * than Python's ast: it needs no interpreter and parses any Python version's syntax.
 */

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const DOTTED = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/;

const DYNAMIC_IMPORT = /(?:import_module|__import__)\(\s*['"]([\w.]+)['"]/g;

/** Module name of a python/-relative file: a/b/c.py -> a.b.c, a/b/__init__.py -> a.b. */
export function moduleNameOf(path: string): { name: string; isPackage: boolean } | undefined {
  const parts = path.split('/');
  const file = parts.pop() ?? '';
  const stem = /^([^.]+)(?:\.[^/]*)?\.so$|^([^.]+)\.py$/.exec(file);
  const base = stem?.[1] ?? stem?.[2];
  if (!base) return undefined;
  const isPackage = base === '__init__';
  const segments = isPackage ? parts : [...parts, base];
  if (segments.length === 0 || !segments.every((segment) => IDENTIFIER.test(segment))) return undefined;
  return { name: segments.join('.'), isPackage };
}

/** The absolute module a relative `from` resolves to, or undefined when it climbs out. */
function resolveRelative(from: string, module: { name: string; isPackage: boolean }): string | undefined {
  const dots = /^\.*/.exec(from)?.[0].length ?? 0;
  if (dots === 0) return from;
  const packageParts = module.isPackage ? module.name.split('.') : module.name.split('.').slice(0, -1);
  if (dots - 1 >= packageParts.length) return undefined; // "beyond top-level package"
  const base = packageParts.slice(0, packageParts.length - (dots - 1));
  const rest = from.slice(dots);
  return [...base, ...(rest ? [rest] : [])].join('.') || undefined;
}

function names(list: string): string[] {
  return list
    .replace(/[()\\]/g, ' ')
    .split(',')
    .map((part) => part.trim().split(/\s+as\s+|\s+/)[0] ?? '')
    .filter((name) => name && name !== '*');
}

/**
 * Absolute names of the modules `source` may import. For `from a import b` both `a` and `a.b`
 * (b may be a submodule or an attribute: the caller keeps the module when it exists).
 * `module` is the importing file's own module name, for relative imports.
 */
export function importedModules(source: string, module: { name: string; isPackage: boolean }): Set<string> {
  const found = new Set<string>();
  const add = (name: string | undefined): void => {
    if (name && DOTTED.test(name)) found.add(name);
  };
  const text = source.includes('\\') ? source.replace(/\\\r?\n/g, ' ') : source;
  // Find the keyword with indexOf (fast), then read the statement around it: regexes anchored
  // at every line start cost several times more on the megabytes of a numpy or pandas.
  for (let at = text.indexOf('import'); at !== -1; at = text.indexOf('import', at + 6)) {
    const after = text.charCodeAt(at + 6);
    if (after !== 32 && after !== 9 && after !== 40) continue; // "import " / "import\t" / "import("
    const lineStart = text.lastIndexOf('\n', at) + 1;
    const before = text.slice(lineStart, at);
    // A statement starts at the line start or after ";" / ":" (`try: import x`).
    const statement = before.slice(Math.max(before.lastIndexOf(';'), before.lastIndexOf(':')) + 1);
    const lineEnd = text.indexOf('\n', at);
    let rest = text.slice(at + 6, lineEnd === -1 ? undefined : lineEnd);
    if (rest.trimStart().startsWith('(')) {
      // `from x import (a,  # comment` NEWLINE `b)`: the names run to the closing parenthesis.
      const close = text.indexOf(')', at);
      rest = text.slice(at + 6, close === -1 ? undefined : close + 1).replace(/#[^\n]*/g, '');
    } else {
      rest = rest.replace(/[#;].*$/, '');
    }
    if (/^\s*$/.test(statement)) {
      for (const name of names(rest)) add(name);
      continue;
    }
    const from = /^\s*from\s+(\.*[\w.]*)\s+$/.exec(statement);
    if (!from) continue;
    const base = resolveRelative(from[1] ?? '', module);
    if (!base) continue;
    add(base);
    for (const name of names(rest)) add(`${base}.${name}`);
  }
  if (text.includes('import_module(') || text.includes('__import__(')) {
    for (const match of text.matchAll(DYNAMIC_IMPORT)) add(match[1]);
  }
  return found;
}
