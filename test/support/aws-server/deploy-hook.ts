/**
 * What CloudFormation would do with a packaged Serverless service, for the functions only:
 * POST {url}/_cloudformation/deploy {"servicePath", "region"} reads the service's
 * .serverless/cloudformation-template-update-stack.json, and creates (or replaces) every
 * AWS::Lambda::Function in it from its properties, its code extracted from the packaged zip.
 * A layer version that does not exist fails the deploy, as it does on AWS. The stand-in
 * `serverless deploy` (test/support/serverless-stand-in.ts) calls it after a real
 * `serverless package`; APIs, schedules and buckets are not created.
 */
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { extractZip } from '../../../src/zip/reader.js';
import type { AwsTestState, StoredFunction } from './state.js';
import type { Reply } from './types.js';

interface FunctionResource {
  Type: string;
  Properties: {
    FunctionName?: string;
    Handler?: string;
    Runtime?: string;
    Timeout?: number;
    MemorySize?: number;
    Layers?: unknown[];
    Environment?: { Variables?: Record<string, unknown> };
    Code?: { S3Key?: unknown };
  };
}

let deployCount = 0;

export async function deployPackagedService(
  state: AwsTestState,
  body: Buffer,
  workDir: string,
): Promise<Reply> {
  const { servicePath, region } = JSON.parse(body.toString('utf8')) as {
    servicePath: string;
    region: string;
  };
  const packageDir = join(servicePath, '.serverless');
  const template = JSON.parse(
    await readFile(join(packageDir, 'cloudformation-template-update-stack.json'), 'utf8'),
  ) as { Resources: Record<string, FunctionResource> };
  const created: StoredFunction[] = [];
  for (const resource of Object.values(template.Resources)) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const p = resource.Properties;
    const name = p.FunctionName ?? '';
    const layers = (p.Layers ?? []).filter((l): l is string => typeof l === 'string');
    const missing = layers.find((arn) => !state.layerVersionByArn(arn));
    if (missing) {
      return {
        status: 400,
        body: `CREATE_FAILED ${name}: Layer version ${missing} does not exist. (Service: Lambda, Status Code: 400)`,
      };
    }
    // Code.S3Key is "serverless/SERVICE/STAGE/TIMESTAMP/ARTIFACT.zip": the artifact is in .serverless/.
    const artifact = join(packageDir, basename(String(p.Code?.S3Key ?? '')));
    const codeDir = join(workDir, 'functions', `${name}-${++deployCount}`);
    await extractZip(artifact, codeDir);
    created.push({
      region,
      name,
      handler: p.Handler ?? '',
      runtime: p.Runtime ?? 'python3.11',
      timeout: p.Timeout ?? 3,
      memorySize: p.MemorySize ?? 128,
      codeDir,
      layers,
      environment: Object.fromEntries(
        Object.entries(p.Environment?.Variables ?? {}).filter(([, v]) => typeof v === 'string'),
      ) as Record<string, string>,
    });
  }
  for (const fn of created) state.putFunction(fn);
  return {
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ functions: created.map((fn) => fn.name) }),
  };
}
