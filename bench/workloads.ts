/**
 * What the benchmark builds. A workload is a requirements file plus the imports a function
 * would do at cold start. `data` pins versions this machine's wheel mirror has for Python 3.11
 * on glibc 2.26 (Amazon Linux 2); its dependencies (numpy, botocore, ...) are left to the
 * resolver, so the baseline's single manylinux2014 tag may pick other versions than ours: the
 * report records what each side resolved.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Workload {
  readonly name: string;
  readonly description: string;
  /** Contents of the requirements file both sides install. */
  readonly requirements: string;
  /** Top-level modules imported at cold start, in order. */
  readonly imports: readonly string[];
  /** Figures with a target only on some workloads (e.g. the warm rebuild target is for `data`). */
  readonly warmTarget?: number;
}

export function seedWorkload(repoRoot: string): Workload {
  return {
    name: 'seed',
    description: "the example app's requirements (examples/flask-api/requirements.txt)",
    requirements: readFileSync(join(repoRoot, 'examples', 'flask-api', 'requirements.txt'), 'utf8'),
    imports: ['flask'],
  };
}

export const DATA_WORKLOAD: Workload = {
  name: 'data',
  description: 'flask, pandas, pydantic, boto3 (~200 MB unzipped, over the 50 MB direct-upload limit)',
  requirements: ['flask==3.1.3', 'pandas==2.2.3', 'pydantic==2.13.5', 'boto3==1.43.107', ''].join('\n'),
  imports: ['flask', 'pandas', 'pydantic', 'boto3'],
  warmTarget: 0.05,
};

/** The named workloads `npm run bench -- --workloads a,b` can pick. */
export function namedWorkloads(repoRoot: string): Record<string, () => Workload> {
  return { seed: () => seedWorkload(repoRoot), data: () => DATA_WORKLOAD };
}
