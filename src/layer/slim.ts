/**
 * Opt-in slimming: removes what the Lambda runtime never loads. Run it after install and
 * before bytecode, so no time is spent compiling what is about to go.
 *
 * Rules (a file goes when one applies and no `keep` pattern matches it or a directory above it):
 * - `tests`/`test` directories inside a package (python/<pkg>/.../tests). A top-level
 *   python/tests is left alone: it is a (badly named) importable package of its own.
 * - `*.pyi` type stubs: read by type checkers, never by the interpreter.
 * - python/bin/ console scripts whose shebang names the build machine's interpreter (pip writes
 *   the absolute path of the Python that ran it): that path does not exist on Lambda.
 * - user `exclude` patterns.
 * Whatever a rule names, a file a kept module imports stays (slim-imports.ts): slimming never
 * removes code the layer runs.
 * Nothing inside *.dist-info / *.egg-info is removed: importlib.metadata reads those directories
 * (entry points, versions) at run time. Their RECORD then lists files that are gone; only pip
 * reads RECORD (to uninstall), and nothing runs pip against /opt, so the mismatch is harmless.
 *
 * Patterns are relative to python/ ("python/" in front is accepted): `*` and `?` stay within a
 * path segment, `**` spans segments, `[...]` is a character class; a pattern without "/"
 * matches a file or directory name at any depth (like .gitignore), one with "/" matches from
 * python/; a trailing "/" matches directories only. Matching a directory covers everything in it.
 */
import { open, readdir, rm, rmdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../log.js';
import { isInPackageTests } from './package-tests.js';
import { filesKeptModulesImport } from './slim-imports.js';
import type { SlimOptions, SlimReport } from './types.js';

type Matcher = (path: string, isDir: boolean) => boolean;

/** Compiles one glob pattern (see the module comment) into a matcher over python/-relative paths. */
export function globMatcher(pattern: string): Matcher {
  let body = pattern
    .trim()
    .replace(/^\.\//, '')
    .replace(/^python\//, '');
  const dirOnly = body.endsWith('/');
  if (dirOnly) body = body.replace(/\/+$/, '');
  const anchored = body.includes('/');
  body = body.replace(/^\//, '');
  let source = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (c === '*' && body[i + 1] === '*') {
      // "**/" = zero or more directories; a trailing "**" = anything below.
      if (body[i + 2] === '/') {
        source += '(?:[^/]+/)*';
        i += 2;
      } else {
        source += '.*';
        i += 1;
      }
    } else if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else if (c === '[') {
      const end = body.indexOf(']', i + 1);
      if (end === -1) source += '\\[';
      else {
        const inner = body
          .slice(i + 1, end)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\');
        source += `[${inner}]`;
        i = end;
      }
    } else source += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  const regex = new RegExp(anchored ? `^${source}$` : `(?:^|/)${source}$`);
  return (path, isDir) => (!dirOnly || isDir) && regex.test(path);
}

function anyMatcher(patterns: readonly string[]): Matcher {
  const matchers = patterns.filter((p) => p.trim()).map(globMatcher);
  return (path, isDir) => matchers.some((m) => m(path, isDir));
}

/** True when `path` (python/-relative) or one of its directories matches. */
function matchesSelfOrAncestor(match: Matcher, path: string, isDir: boolean): boolean {
  const parts = path.split('/');
  for (let i = 1; i < parts.length; i++) {
    if (match(parts.slice(0, i).join('/'), true)) return true;
  }
  return match(path, isDir);
}

const METADATA_DIR = /\.(dist-info|egg-info)$/;

/** Why a slim rule removes this python/-relative file, or undefined. */
function slimRule(path: string): string | undefined {
  if (isInPackageTests(path)) return 'tests';
  if (path.endsWith('.pyi')) return 'stub';
  return undefined;
}

/**
 * pip writes console scripts with `#!/abs/path/to/python3.x` (or, for long paths, a
 * `#!/bin/sh` + `'''exec' "/abs/path/python"` trampoline) naming the build machine's
 * interpreter. `#!/usr/bin/env python3` or Lambda's own /var/lang/bin/python are portable.
 */
export function hasBuildMachineShebang(head: string): boolean {
  const [first = '', second = ''] = head.split('\n');
  if (!first.startsWith('#!')) return false;
  const [interpreter = ''] = first.slice(2).trim().split(/\s+/);
  if (interpreter === '/bin/sh' && second.startsWith("'''exec'")) return true;
  const base = interpreter.slice(interpreter.lastIndexOf('/') + 1);
  if (!interpreter.startsWith('/') || !/^python/.test(base)) return false;
  return !interpreter.startsWith('/var/lang/');
}

async function readHeadText(path: string): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(512);
    const { bytesRead } = await handle.read(buffer, 0, 512, 0);
    return buffer.toString('latin1', 0, bytesRead);
  } finally {
    await handle.close();
  }
}

interface Entry {
  readonly path: string;
  readonly size: number;
}

async function listFiles(pythonDir: string): Promise<{ files: Entry[]; dirs: string[] }> {
  const files: Entry[] = [];
  const dirs: string[] = [];
  async function walk(dir: string, prefix: string): Promise<void> {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = `${prefix}${entry.name}`;
      if (entry.isDirectory()) {
        dirs.push(path);
        await walk(join(dir, entry.name), `${path}/`);
      } else {
        files.push({ path, size: entry.isFile() ? (await stat(join(dir, entry.name))).size : 0 });
      }
    }
  }
  await walk(pythonDir, '');
  return { files, dirs };
}

/**
 * The report lists directories whose every file went as one "python/<dir>/" entry (the tests
 * directories of numpy and pandas alone hold thousands of files), other files one by one.
 */
function compactRemoved(
  removed: ReadonlySet<string>,
  files: readonly Entry[],
  dirs: readonly string[],
): string[] {
  const remaining = new Map<string, number>(); // dir -> files in it (recursively) not removed
  const total = new Map<string, number>();
  for (const file of files) {
    const parts = file.path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      total.set(dir, (total.get(dir) ?? 0) + 1);
      if (!removed.has(file.path)) remaining.set(dir, (remaining.get(dir) ?? 0) + 1);
    }
  }
  const fullyRemoved = new Set(dirs.filter((d) => (total.get(d) ?? 0) > 0 && !remaining.has(d)));
  const covered = (path: string): string | undefined => {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      if (fullyRemoved.has(dir)) return dir;
    }
    return undefined;
  };
  const listed = new Set<string>();
  for (const path of removed) {
    const dir = covered(path);
    listed.add(dir ? `python/${dir}/` : `python/${path}`);
  }
  return [...listed].sort();
}

/**
 * Removes directories emptied by the removal, deepest first. Only directories that held a
 * removed file are candidates: an empty directory that was there before may be a namespace
 * package (PEP 420) someone imports.
 */
async function pruneEmptyDirs(pythonDir: string, removed: ReadonlySet<string>): Promise<void> {
  const dirs = new Set<string>();
  for (const path of removed) {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  const deepestFirst = [...dirs].sort((a, b) => b.split('/').length - a.split('/').length);
  for (const dir of deepestFirst) {
    await rmdir(join(pythonDir, ...dir.split('/'))).catch(() => undefined); // fails unless empty
  }
}

/**
 * Whether slimming may remove this python/-relative file: a rule or an exclude names it (keep
 * patterns and imports may still save it, so this is an upper bound on what goes). Scripts in
 * bin/ are not counted: the install never ships them.
 */
export function slimMayRemove(options: SlimOptions): (path: string) => boolean {
  const exclude = anyMatcher(options.exclude);
  return (path) => {
    const parts = path.split('/');
    if (parts.slice(0, -1).some((dir) => METADATA_DIR.test(dir))) return false;
    return slimRule(path) !== undefined || matchesSelfOrAncestor(exclude, path, false);
  };
}

export async function slimTree(pythonDir: string, options: SlimOptions, log: Logger): Promise<SlimReport> {
  const exclude = anyMatcher(options.exclude);
  const keep = anyMatcher(options.keep);
  const { files, dirs } = await listFiles(pythonDir);

  const candidates = new Map<string, { size: number; reason: string }>();
  for (const file of files) {
    const parts = file.path.split('/');
    if (parts.slice(0, -1).some((dir) => METADATA_DIR.test(dir))) continue;
    if (matchesSelfOrAncestor(keep, file.path, false)) continue;
    let reason = slimRule(file.path);
    if (!reason && parts.length === 2 && parts[0] === 'bin') {
      const head = await readHeadText(join(pythonDir, ...parts));
      if (hasBuildMachineShebang(head)) reason = 'script';
    }
    if (!reason && matchesSelfOrAncestor(exclude, file.path, false)) reason = 'exclude';
    if (reason) candidates.set(file.path, { size: file.size, reason });
  }
  const keptForImports = filesKeptModulesImport(
    pythonDir,
    files.map((file) => file.path),
    new Set(candidates.keys()),
  );
  for (const kept of keptForImports) candidates.delete(kept.file);

  const removed = new Set<string>();
  let bytesSaved = 0;
  const byReason = new Map<string, number>();
  for (const [path, { size, reason }] of candidates) {
    await rm(join(pythonDir, ...path.split('/')), { force: true });
    removed.add(path);
    bytesSaved += size;
    byReason.set(reason, (byReason.get(reason) ?? 0) + 1);
  }
  await pruneEmptyDirs(pythonDir, removed);

  const summary = [...byReason].map(([reason, count]) => `${count} ${reason}`).join(', ');
  log.info(
    `Slim: removed ${removed.size} files (${summary || 'nothing matched'}), saving ${(bytesSaved / 1024 / 1024).toFixed(1)} MiB`,
  );
  if (keptForImports.length > 0) {
    const shown = keptForImports
      .slice(0, 5)
      .map((k) => `python/${k.file} (imported by python/${k.importedBy})`)
      .join(', ');
    const more = keptForImports.length > 5 ? `, ... (${keptForImports.length - 5} more in the manifest)` : '';
    log.info(`Slim: kept ${keptForImports.length} file(s) that kept modules import: ${shown}${more}`);
  }
  return {
    removedFiles: compactRemoved(removed, files, dirs),
    bytesSaved,
    removedFileCount: removed.size,
    ...(keptForImports.length > 0
      ? {
          keptForImports: keptForImports.map((k) => ({
            file: `python/${k.file}`,
            importedBy: `python/${k.importedBy}`,
          })),
        }
      : {}),
  };
}
