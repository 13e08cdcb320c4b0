/**
 * Where `pip install --target` (pip 26.2.1) puts each file of a wheel, and what it writes in
 * RECORD for it. pip installs into a temporary "home" scheme (lib/python for purelib and
 * platlib alike, bin for scripts, include/python/NAME for headers, the root for data) and then
 * moves lib/python's items and the root's other items into the target; so purelib, platlib and
 * the wheel's root all land at the target's root, and data files too, recorded relative to
 * lib/python (`../../share/...`). The move goes lib dirs first, then the data items: a data item
 * named like an item already moved (a package folder share/ and a .data/data/share/) is skipped,
 * as `pip install --target` skips it ("Target directory ... already exists"; see shadowDataItems).
 * What the layer never ships: scripts (bin/, whose shebangs name the build machine's interpreter)
 * and C headers (.data/headers and .data/data/include/, which pip puts at include/: nothing on
 * Lambda compiles against them, and no package finds data files there, under python/).
 */
import { posix } from 'node:path';
import { UserError } from '../errors.js';
import { printable } from '../zip/containment.js';

export type Placement =
  /**
   * Shipped at python/<path>; `recordPath` is what RECORD says. `dataItem`: for a .data/data
   * file, the item of pip's home root it belongs to (its first path component), which pip's
   * --target move skips when the lib dirs already put an item of that name in the target.
   */
  | {
      readonly kind: 'shipped';
      readonly path: string;
      readonly recordPath: string;
      readonly dataItem?: string;
    }
  /**
   * A .data/data file pip installs but its --target move leaves behind ("Target directory ...
   * already exists"): a package folder of the same name is in the target. Its RECORD row stays,
   * as in pip's RECORD.
   */
  | { readonly kind: 'shadowed'; readonly recordPath: string }
  /** Installed by pip outside the layer (bin/, include/) or lost by its --target move. */
  | { readonly kind: 'dropped'; readonly recordPath: string }
  /** Not installed at all: a setuptools wrapper of an entry point pip generates instead. */
  | { readonly kind: 'skipped' };

/** The path below a root, normalized as os.path.normpath does; undefined when it climbs out. */
function contained(path: string): string | undefined {
  const normal = posix.normalize(path);
  if (normal.startsWith('../') || normal === '..' || posix.isAbsolute(normal) || normal === '.')
    return undefined;
  return normal.replace(/\/$/, '');
}

const MALFORMED = 'the wheel is malformed or malicious: use another release or build';
/** A file name component longer than this cannot be created (Linux NAME_MAX, in bytes). */
const NAME_MAX = 255;

function outside(wheel: string, name: string): UserError {
  return new UserError(
    `the wheel ${wheel} has a file ${JSON.stringify(printable(name))} that would install outside the layer`,
    { hint: MALFORMED },
  );
}

/** Names no file system can hold: a NUL byte, or a component over NAME_MAX bytes. */
function refuseUnwritableName(wheel: string, name: string): void {
  if (name.includes('\0')) {
    throw new UserError(`the wheel ${wheel} has a file whose name holds a NUL byte: "${printable(name)}"`, {
      hint: MALFORMED,
    });
  }
  const long = name.split('/').find((part) => Buffer.byteLength(part) > NAME_MAX);
  if (long !== undefined) {
    throw new UserError(
      `the wheel ${wheel} has a file "${printable(name)}" with a name of ${Buffer.byteLength(long)} bytes; file systems allow ${NAME_MAX}`,
      { hint: MALFORMED },
    );
  }
}

/** Whether a zip entry belongs to one of the wheel's `.data` scheme directories. */
export function isDataPath(name: string): boolean {
  return (name.split('/', 1)[0] ?? '').endsWith('.data');
}

/**
 * Items of the home root that pip's --target move skips: it skips an item when the lib dir's path
 * starts with the item's path as a string (so `lib`, and also `l` and `li`, stay behind).
 */
function lostInTargetMove(firstComponent: string): boolean {
  return 'lib/python'.startsWith(firstComponent);
}

/** Names (entry points) of the console and GUI scripts in an entry_points.txt text. */
export function scriptEntryPoints(text: string | undefined): Set<string> {
  const names = new Set<string>();
  let section = '';
  for (const raw of (text ?? '').split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.*)\]$/.exec(line);
    if (header) section = (header[1] ?? '').trim();
    else if (section === 'console_scripts' || section === 'gui_scripts') {
      const eq = line.indexOf('=');
      if (eq > 0) names.add(line.slice(0, eq).trim());
    }
  }
  return names;
}

/** pip's is_entrypoint_wrapper: EP, EP.exe, EP-script.py and EP.pya are setuptools' wrappers. */
function isEntryPointWrapper(file: string, entryPoints: ReadonlySet<string>): boolean {
  const lower = file.toLowerCase();
  const name =
    lower.endsWith('.exe') || lower.endsWith('.pya')
      ? file.slice(0, -4)
      : lower.endsWith('-script.py')
        ? file.slice(0, -10)
        : file;
  return entryPoints.has(name);
}

/** Where one file entry of `wheel` goes (see the module comment). */
export function placeEntry(wheel: string, name: string, entryPoints: ReadonlySet<string>): Placement {
  refuseUnwritableName(wheel, name);
  if (!isDataPath(name)) {
    const path = contained(name);
    if (!path) throw outside(wheel, name);
    return { kind: 'shipped', path, recordPath: path };
  }
  const normal = contained(name);
  const parts = normal?.split('/') ?? [];
  if (!normal || parts.length < 3) {
    throw new UserError(
      `unexpected file in ${wheel}: ${JSON.stringify(name)}; .data directory contents should be named like '<scheme key>/<path>'`,
    );
  }
  const [, scheme, ...rest] = parts;
  const sub = contained(rest.join('/'));
  if (!sub) throw outside(wheel, name);
  switch (scheme) {
    case 'purelib':
    case 'platlib':
      return { kind: 'shipped', path: sub, recordPath: sub };
    case 'scripts':
      if (isEntryPointWrapper(posix.basename(sub), entryPoints)) return { kind: 'skipped' };
      return { kind: 'dropped', recordPath: `../../bin/${sub}` };
    case 'headers':
      // The headers dir is named after the project, which only the RECORD row shows: pip's row
      // is dropped with the file, so its exact name does not matter here.
      return { kind: 'dropped', recordPath: `../../include/python/${sub}` };
    case 'data': {
      const first = sub.split('/')[0] ?? '';
      // include/: C headers, dropped as .data/headers are (pip would ship them at python/include/).
      if (first === 'bin' || first === 'include' || lostInTargetMove(first))
        return { kind: 'dropped', recordPath: `../../${sub}` };
      return { kind: 'shipped', path: sub, recordPath: `../../${sub}`, dataItem: first };
    }
    default:
      throw new UserError(
        `unknown scheme key used in ${wheel}: ${scheme} (for file ${JSON.stringify(name)}); valid keys are data, headers, platlib, purelib, scripts`,
      );
  }
}

/**
 * pip's --target move (install.py _handle_target_dir): purelib and platlib items (the first path
 * component of every file from the wheels' roots and .data/purelib, .data/platlib) are moved
 * first; a .data/data item of the same name then finds the target taken and is skipped. Without
 * --upgrade, as `pip install --target DIR` runs (with --upgrade pip would delete the package's
 * folder and put the data folder in its place, breaking the package's imports).
 */
export function shadowDataItems(placements: readonly Placement[]): Placement[] {
  const libItems = new Set<string>();
  for (const placement of placements) {
    if (placement.kind === 'shipped' && placement.dataItem === undefined) {
      libItems.add(placement.path.split('/')[0] ?? '');
    }
  }
  return placements.map((placement) =>
    placement.kind === 'shipped' && placement.dataItem !== undefined && libItems.has(placement.dataItem)
      ? { kind: 'shadowed', recordPath: placement.recordPath }
      : placement,
  );
}
