/**
 * What the benchmark builds. A workload is a requirements file plus the imports a function
 * would do at cold start. `data` pins versions this machine's wheel mirror has for Python 3.11
 * on glibc 2.26 (Amazon Linux 2); its dependencies (numpy, botocore, ...) are left to the
 * resolver, so the baseline's single manylinux2014 tag may pick other versions than ours: the
 * report records what each side resolved.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { withExtraLine } from './rebuild.js';

/**
 * The one-pin variant of a workload's requirements for the rebuild figure, or why it has none.
 * `target` (rebuild / cold build) only where the issue sets one.
 */
export type RebuildVariant =
  | { readonly requirements: string; readonly change: string; readonly target?: number }
  | { readonly skipped: string };

export interface Workload {
  readonly name: string;
  readonly description: string;
  /** Contents of the requirements file both sides install. */
  readonly requirements: string;
  /** Top-level modules imported at cold start, in order. */
  readonly imports: readonly string[];
  /** Cold build target: ours / pip + zip (issue 17: 0.40 on data, 0.70 on seed). */
  readonly coldTarget: number;
  /** Figures with a target only on some workloads (e.g. the warm rebuild target is for `data`). */
  readonly warmTarget?: number;
  /** The requirements with one pin changed, for the rebuild figure; absent: not measured. */
  readonly rebuild?: RebuildVariant;
}

export function seedWorkload(repoRoot: string): Workload {
  return {
    name: 'seed',
    description: "the example app's requirements (examples/flask-api/requirements.txt)",
    requirements: readFileSync(join(repoRoot, 'examples', 'flask-api', 'requirements.txt'), 'utf8'),
    imports: ['flask'],
    coldTarget: 0.7,
    rebuild: {
      skipped:
        'no one-pin variant: the wheel mirror has a single version of Flask and of each of its dependencies',
    },
  };
}

const DATA_REQUIREMENTS = ['flask==3.1.3', 'pandas==2.2.3', 'pydantic==2.13.5', 'boto3==1.43.107', ''].join(
  '\n',
);

export const DATA_WORKLOAD: Workload = {
  name: 'data',
  description: 'flask, pandas, pydantic, boto3 (~200 MB unzipped, over the 50 MB direct-upload limit)',
  requirements: DATA_REQUIREMENTS,
  imports: ['flask', 'pandas', 'pydantic', 'boto3'],
  coldTarget: 0.4,
  warmTarget: 0.05,
  rebuild: {
    // numpy is otherwise left to the resolver (2.2.6 on this mirror); 2.1.3 also works with pandas 2.2.3.
    requirements: withExtraLine(DATA_REQUIREMENTS, 'numpy==2.1.3'),
    change: 'the same requirements plus the line `numpy==2.1.3`',
    target: 0.2,
  },
};

/** The named workloads `npm run bench -- --workloads a,b` can pick. */
export function namedWorkloads(repoRoot: string): Record<string, () => Workload> {
  return { seed: () => seedWorkload(repoRoot), data: () => DATA_WORKLOAD };
}
