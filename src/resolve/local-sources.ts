/**
 * What a requirements file points at besides the package index: local project paths, local
 * archives and direct URLs. The layer cache key must depend on their content, not only on the
 * line's text: after editing a local project listed as `./pkg`, the next build must not restore
 * the old layer. A remote URL without a pinned hash cannot be fingerprinted, so the build is not
 * cached (with a notice) rather than cached stale.
 *
 * The split of a line into requirement and options, and what counts as a path, follow pip
 * (pip/_internal/req/req_file.py break_args_options, constructors.py _looks_like_path): relative
 * paths resolve against the directory the user runs from, as pip resolves them.
 */
import { createHash } from 'node:crypto';
import { type Dirent, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RequirementLine, RequirementsSnapshot } from './requirements.js';

export interface DirectReference {
  readonly line: RequirementLine;
  /** A local file or directory (absolute), or a remote URL. */
  readonly kind: 'path' | 'url';
  readonly location: string;
  /** For URLs: a hash fragment, a --hash option or a VCS commit pins the content. */
  readonly pinned: boolean;
}

const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
const HASH_FRAGMENT = /#(?:.*&)?(?:sha256|sha384|sha512|md5)=[0-9a-f]+/i;
const VCS_COMMIT = /^(?:git|hg|svn|bzr)\+.*@[0-9a-f]{40}(?:[#&]|$)/i;

/** pip's break_args_options: the requirement is every token before the first option. */
function requirementPart(text: string): { requirement: string; options: string } {
  const tokens = text.split(' ');
  const first = tokens.findIndex((t) => t.startsWith('-'));
  if (first === -1) return { requirement: text, options: '' };
  return { requirement: tokens.slice(0, first).join(' '), options: tokens.slice(first).join(' ') };
}

/** The URL or path a requirement line names, if it names one (else it asks the index). */
function referenceOf(text: string): string | undefined {
  const editable = /^(?:-e|--editable)(?:\s+|=)(\S+)/.exec(text);
  if (editable?.[1]) return editable[1];
  const { requirement } = requirementPart(text);
  if (!requirement) return undefined;
  const direct = /^[A-Za-z0-9][A-Za-z0-9._-]*\s*(?:\[[^\]]*\])?\s*@\s*(\S+)/.exec(requirement);
  if (direct?.[1]) return direct[1];
  const target = requirement.split(/\s;|;\s/)[0]?.trim() ?? '';
  if (SCHEME.test(target)) return target;
  // pip's _looks_like_path: a separator in the name, or a leading dot. Extras may follow.
  if (target.includes('/') || target.includes('\\') || target.startsWith('.')) {
    return target.replace(/\[[^\]]*\]$/, '');
  }
  return undefined;
}

/** Every requirement line that points at a local path or a URL, resolved against `cwd`. */
export function directReferences(snapshot: RequirementsSnapshot, cwd: string): DirectReference[] {
  const references: DirectReference[] = [];
  for (const line of snapshot.requirements) {
    const reference = referenceOf(line.text);
    if (!reference) continue;
    if (/^file:/i.test(reference)) {
      references.push({
        line,
        kind: 'path',
        location: fileURLToPath(reference.split('#')[0] as string),
        pinned: true,
      });
    } else if (SCHEME.test(reference)) {
      const pinned =
        HASH_FRAGMENT.test(reference) || VCS_COMMIT.test(reference) || / --hash[ =]/.test(` ${line.text}`);
      references.push({ line, kind: 'url', location: reference, pinned });
    } else {
      references.push({ line, kind: 'path', location: resolve(cwd, reference), pinned: true });
    }
  }
  return references;
}

// Folders that tools write into a project without changing what it builds: version control,
// caches, virtual environments, and the build/ and *.egg-info folders pip's own in-tree build
// leaves behind (hashing those would change the key on every build).
const SKIPPED_DIRS = new Set([
  '.git',
  '.hg',
  '.svn',
  '__pycache__',
  '.tox',
  '.nox',
  '.venv',
  'venv',
  'node_modules',
  'build',
  '.mypy_cache',
  '.pytest_cache',
  '.ruff_cache',
]);

function hashTree(root: string, dir: string, hash: ReturnType<typeof createHash>): void {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (SKIPPED_DIRS.has(entry.name) || entry.name.endsWith('.egg-info')) continue;
      hashTree(root, path, hash);
    } else if (entry.isFile() && !entry.name.endsWith('.pyc')) {
      const bytes = readFileSync(path);
      hash.update(`${relative(root, path)}\0${bytes.length}\0`).update(bytes);
    }
  }
}

/**
 * sha256 over the content of every local path the requirements name (a directory's files, an
 * archive's bytes) and the text of every pinned URL; plus the URLs that cannot be pinned. A path
 * that does not exist contributes its absence: the build reports it.
 */
export function fingerprintReferences(references: readonly DirectReference[]): {
  readonly digest: string;
  readonly unpinned: readonly DirectReference[];
} {
  const hash = createHash('sha256');
  for (const reference of references) {
    hash.update(`\n--- ${reference.kind} ${reference.line.text}\n`);
    if (reference.kind !== 'path' || !isAbsolute(reference.location)) continue;
    if (!existsSync(reference.location)) hash.update('missing');
    else if (statSync(reference.location).isDirectory())
      hashTree(reference.location, reference.location, hash);
    else hash.update(readFileSync(reference.location));
  }
  return { digest: hash.digest('hex'), unpinned: references.filter((r) => r.kind === 'url' && !r.pinned) };
}
