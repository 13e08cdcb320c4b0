/**
 * Every requirement line is checked with pip's own parser before pip installs anything
 * (check_requirements.py), so a malformed line fails with its file and line, never with pip's
 * "exit code 1" or a Python traceback; and the lines whose installation would run a package's
 * build code on this machine (local projects, sdist archives and URLs, VCS checkouts, editables)
 * are known before pip starts, for the sdist policy.
 */
import { UserError } from '../errors.js';
import type { Logger } from '../log.js';
import { runProcess } from '../process.js';
import { programPath } from '../programs.js';
import type { PinnedPip } from './pinned-pip.js';
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

const CHECK_TIMEOUT_MS = 60_000;

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

/**
 * Checks every requirement line of `snapshot` with the pinned pip's parser, from
 * `cwd` (relative paths resolve there, as pip resolves them). Throws one UserError listing every
 * bad line as `file:line: message`, annotated on the first; under the sdist policy "never", also
 * for every line that would build from source.
 */
export async function checkRequirementLines(
  snapshot: RequirementsSnapshot,
  params: {
    /** The pinned pip the build installs with: its parser checks the lines. */
    readonly pip: PinnedPip;
    readonly cwd: string;
    readonly sdist: SdistPolicy;
    readonly env?: NodeJS.ProcessEnv;
    readonly log: Logger;
  },
): Promise<CheckedRequirement[]> {
  const lines = snapshot.requirements;
  if (lines.length === 0) return [];
  const input = JSON.stringify({ lines: lines.map((line, id) => ({ id, text: line.text })) });
  const run = await runProcess(
    params.pip.python.path,
    [programPath('resolve/check_requirements.py'), params.pip.home],
    {
      cwd: params.cwd,
      env: { ...(params.env ?? process.env), PYTHONUNBUFFERED: '1' },
      timeoutMs: CHECK_TIMEOUT_MS,
      input,
    },
  );
  let results: CheckerResult[];
  try {
    results = (JSON.parse(run.stdout ?? '') as { results: CheckerResult[] }).results;
  } catch {
    // The checker itself could not run: pip's own run reports the lines.
    params.log.debug(`requirement check did not run (exit ${run.code}): ${run.output.slice(-500)}`);
    return [];
  }
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
    if (entry.buildsFromSource && params.sdist === 'never') {
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
