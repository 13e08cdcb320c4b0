/**
 * pip's output, said for the user: lines that point into the build's scratch folder name the
 * user's file and line instead (a generated input such as a lock is written to a temporary
 * requirements file before pip reads it), lines that only name scratch paths go to --verbose,
 * the index list is printed once per build, and an index that does not answer is one warning
 * (index_check.py reports it before pip fetches anything).
 */
import { relative } from 'node:path';
import { UserError } from '../errors.js';
import type { Logger } from '../log.js';
import { type RequirementsSnapshot, writtenAtText } from './requirements.js';

/** index_check.py: exit code when no index answers, and the prefix of its one report line. */
export const NO_INDEX_EXIT_CODE = 4;
const UNREACHABLE = 'lambda-layer-indexes-unreachable:';

export interface UnreachableIndex {
  readonly url: string;
  readonly reason: string;
}

interface IndexReport {
  readonly unreachable: readonly UnreachableIndex[];
  /** How many indexes answer (the run uses those). */
  readonly answering: number;
  /** No index answers and pip searches the --find-links alone. */
  readonly findLinksOnly: boolean;
}

/**
 * pip lines for --verbose: the ones that name only files in the build's scratch folder; a
 * local (file:) index without a folder for a project, which is that index's "not here" (an HTTP
 * index's 404 is silent) and said once per project per index; and pip's "no matching
 * distribution", which the build's own error says with the reason.
 */
const VERBOSE_ONLY = [
  /^Saved \//,
  /^File was already downloaded /,
  /^WARNING: Location 'file:[^']*' is ignored: it is neither a file nor a directory\.$/,
  // pip's account of a requirement it found nothing for: the build's error explains it (diagnose.ts).
  /^ERROR: Could not find a version that satisfies the requirement /,
  /^ERROR: No matching distribution found for /,
];

export interface PipOutput {
  /** Handles one line of pip's output (stdout or stderr). */
  line(text: string): void;
  /** The indexes index_check.py found not answering, in this build so far. */
  readonly unreachable: readonly UnreachableIndex[];
  /** True when no index answered and pip searched the --find-links alone. */
  readonly findLinksOnly: boolean;
}

/** A path as the user would type it: relative to the working directory when inside it. */
function shownPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel && !rel.startsWith('..') ? rel : path;
}

export function pipOutput(snapshot: RequirementsSnapshot, log: Logger, cwd: string): PipOutput {
  // "-r FILE (line N)" as pip writes it, for every line the snapshot knows -> the user's file:line.
  const where = new Map<string, string>();
  for (const line of snapshot.requirements) {
    const at = writtenAtText(line);
    const [file, number] = /^(.*):(\d+)$/.exec(at)?.slice(1) ?? [at, undefined];
    where.set(`${line.file}\0${line.line}`, number ? `${shownPath(file as string, cwd)}:${number}` : at);
  }
  const seenOnce = new Set<string>();
  const unreachable: UnreachableIndex[] = [];
  let findLinksOnly = false;
  const rewrite = (text: string): string =>
    text.replace(/-r (\S.*?) \(line (\d+)\)/g, (_whole, file: string, line: string) => {
      const known = where.get(`${file}\0${line}`);
      return known ?? `${shownPath(file, cwd)}:${line}`;
    });
  return {
    unreachable,
    get findLinksOnly() {
      return findLinksOnly;
    },
    line(text) {
      if (text.startsWith(UNREACHABLE)) {
        const report = JSON.parse(text.slice(UNREACHABLE.length)) as IndexReport;
        findLinksOnly = report.findLinksOnly;
        const fresh = report.unreachable.filter((u) => !unreachable.some((seen) => seen.url === u.url));
        unreachable.push(...fresh);
        // No index at all: the error that ends the build says it, once.
        if (fresh.length === 0 || (report.answering === 0 && !report.findLinksOnly)) return;
        const list = fresh.map((u) => `${u.url} (${u.reason})`).join(', ');
        log.warn(
          report.answering > 0
            ? `package index not answering, left out of this build: ${list}`
            : `no package index answers: ${list}; looking in the --find-links alone`,
        );
        return;
      }
      if (VERBOSE_ONLY.some((pattern) => pattern.test(text))) {
        log.debug(`  ${text}`);
        return;
      }
      // pip runs again after building an sdist: the same index list is news once.
      if (/^Looking in (indexes|links): /.test(text)) {
        if (seenOnce.has(text)) return;
        seenOnce.add(text);
      }
      log.info(`  ${rewrite(text)}`);
    },
  };
}

/**
 * The one-line failure when no package index answers: index_check.py ended pip's run, or pip
 * searched the --find-links alone and did not find everything there (`pipError`, pip's line).
 */
export function noIndexAnswers(unreachable: readonly UnreachableIndex[], pipError?: string): UserError {
  const list = unreachable.map((u) => `${u.url} (${u.reason})`).join(', ');
  const findLinks = pipError ? `; the --find-links alone do not have everything: ${pipError}` : '';
  return new UserError(`no package index answers: ${list || 'none configured'}${findLinks}`, {
    hint: (n) =>
      `point ${n.name('index-url')} at an index that answers (or add ${n.name('find-links')}); without it pip uses its configuration (pip config list)`,
  });
}
