/**
 * Every requirement line is checked with pip's own parser before pip installs anything
 * (check_requirements.py), so a malformed line fails with its file and line, never with pip's
 * "exit code 1" or a Python traceback; and the lines whose installation would run a package's
 * build code on this machine (local projects, sdist archives and URLs, VCS checkouts, editables)
 * are known before pip starts, for the sdist policy. The check runs inside the pip run that
 * installs (pip_for_target.py --lambda-layer-check), which stops before installing when it fails.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { type RequirementLine, type RequirementsSnapshot, writtenAt, writtenAtText } from './requirements.js';
import type { SdistPolicy } from './types.js';

export interface CheckedRequirement {
  readonly line: RequirementLine;
  /** The project name, when the line states one (a bare local path does not). */
  readonly name?: string;
  /** True when installing it runs build code on this machine (not a wheel). */
  readonly buildsFromSource: boolean;
  /** What the line points at instead of the index, for messages. */
  readonly reference?: 'local project' | 'editable install' | 'source archive' | 'VCS checkout' | 'wheel';
}

interface CheckerLink {
  readonly isFile: boolean;
  readonly isWheel: boolean;
  readonly isVcs: boolean;
  readonly isDirectory: boolean;
}

interface CheckerResult {
  readonly id: number;
  readonly error?: string;
  readonly options?: boolean;
  readonly name?: string | null;
  readonly editable?: boolean;
  readonly link?: CheckerLink | null;
}

/** Whether and why a line builds from source; check_requirements.py's builds_from_source() stops on the same rule. */
function classify(result: CheckerResult): Pick<CheckedRequirement, 'buildsFromSource' | 'reference'> {
  const { link } = result;
  if (result.editable) return { buildsFromSource: true, reference: 'editable install' };
  if (!link) return { buildsFromSource: false };
  if (link.isVcs) return { buildsFromSource: true, reference: 'VCS checkout' };
  if (link.isWheel) return { buildsFromSource: false, reference: 'wheel' };
  if (link.isDirectory) return { buildsFromSource: true, reference: 'local project' };
  return { buildsFromSource: true, reference: 'source archive' };
}

/** pip's messages end in " (from LINE)": the annotation already names the line. */
function pipMessage(error: string): string {
  return error.replace(/ \(from [^\n]*\)$/m, '').trim();
}

/** The files a pip run needs to check the lines first (pip_for_target.py --lambda-layer-check). */
export interface RequirementCheck {
  readonly args: readonly string[];
  /** Reads the result after the run: the checked lines, or one UserError for every bad line. */
  result(): Promise<CheckedRequirement[]>;
}

/**
 * Prepares the check of every requirement line of `snapshot` by the pinned pip's own parser,
 * inside the pip run that installs them (pip's modules are imported once: a process of its own
 * cost about 0.4 s). Relative paths resolve from pip's working directory, as pip resolves them.
 * `result()` throws one UserError listing every bad line as `file:line: message`, annotated on
 * the first; under the sdist policy "never", also every line that would build from source (pip
 * then never started installing).
 */
export async function prepareRequirementCheck(
  snapshot: RequirementsSnapshot,
  params: { readonly workDir: string; readonly sdist: SdistPolicy },
): Promise<RequirementCheck> {
  const lines = snapshot.requirements;
  const requestFile = join(params.workDir, 'requirement-check.json');
  const resultFile = join(params.workDir, 'requirement-check-result.json');
  await writeFile(
    requestFile,
    JSON.stringify({
      lines: lines.map((line, id) => ({ id, text: line.text })),
      refuseSourceBuilds: params.sdist === 'never',
    }),
  );
  return {
    args: ['--lambda-layer-check', requestFile, resultFile],
    async result() {
      let results: CheckerResult[];
      try {
        results = (JSON.parse(await readFile(resultFile, 'utf8')) as { results: CheckerResult[] }).results;
      } catch {
        return []; // the run ended before the check (pip's own output says why)
      }
      return checkedOrThrow(results, lines, params.sdist);
    },
  };
}

function checkedOrThrow(
  results: readonly CheckerResult[],
  lines: readonly RequirementLine[],
  sdist: SdistPolicy,
): CheckedRequirement[] {
  const checked: CheckedRequirement[] = [];
  const problems: { line: RequirementLine; message: string; hint?: string }[] = [];
  for (const result of results) {
    const line = lines[result.id] as RequirementLine;
    if (result.error !== undefined) {
      problems.push({ line, message: pipMessage(result.error) });
      continue;
    }
    if (result.options) continue;
    const entry: CheckedRequirement = { line, name: result.name ?? undefined, ...classify(result) };
    if (entry.buildsFromSource && sdist === 'never') {
      problems.push({
        line,
        message: `"${line.text}" is a ${entry.reference}: installing it runs its build code on this machine, which the sdist policy "never" forbids`,
        hint: 'build a wheel of it (pip wheel) and list the .whl instead, or allow pure-Python builds with sdist "pure"',
      });
    }
    checked.push(entry);
  }
  if (problems.length > 0) {
    const first = problems[0] as (typeof problems)[number];
    throw new UserError(problems.map((p) => `${writtenAtText(p.line)}: ${p.message}`).join('\n'), {
      hint: first.hint ?? 'fix the line as pip describes it, then build again',
      location: writtenAt(first.line),
    });
  }
  return checked;
}
