/**
 * The GitHub repository a service lives in: the top of its git work tree and OWNER/REPO from
 * `git remote get-url origin`, in the forms GitHub hands out (https, ssh scp-style, ssh://).
 */
import { runProcess } from '../process.js';

const GITHUB_REMOTE = [
  /^https:\/\/(?:[^@/]+@)?github\.com\/([^/]+)\/([^/]+?)(?:\.git)?\/?$/,
  /^(?:[\w.-]+@)?github\.com:([^/]+)\/([^/]+?)(?:\.git)?\/?$/,
  /^ssh:\/\/(?:[\w.-]+@)?github\.com(?::\d+)?\/([^/]+)\/([^/]+?)(?:\.git)?\/?$/,
];

/** OWNER/REPO of a GitHub remote URL, or undefined for another host or shape. */
export function githubRepositoryOf(url: string): string | undefined {
  for (const pattern of GITHUB_REMOTE) {
    const m = pattern.exec(url.trim());
    if (m) return `${m[1]}/${m[2]}`;
  }
  return undefined;
}

export interface GitFacts {
  /** The work tree's top folder; undefined outside a git repository. */
  readonly root?: string;
  /** The origin remote's URL, when there is one. */
  readonly originUrl?: string;
}

async function git(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const result = await runProcess('git', args, { cwd, env, timeoutMs: 15_000 }).catch(() => undefined);
  return result?.code === 0 ? result.stdout.trim() : undefined;
}

export async function readGitFacts(dir: string, env: NodeJS.ProcessEnv): Promise<GitFacts> {
  const root = await git(['rev-parse', '--show-toplevel'], dir, env);
  if (!root) return {};
  return { root, originUrl: await git(['remote', 'get-url', 'origin'], dir, env) };
}
