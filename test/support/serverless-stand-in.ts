/**
 * A stand-in `serverless` binary for the deploy success path. A real deploy needs AWS
 * (CloudFormation, S3, API Gateway), which cannot run here; the stand-in records how it was
 * called (argv, cwd, the variables that matter) and prints what Serverless v3 prints.
 * With REAL_SERVERLESS set, its `deploy` first runs that real binary's `package` with the same
 * arguments (so .serverless/ holds what a real deploy leaves there), then, with
 * DEPLOY_HOOK_URL set, asks the local AWS server to create the packaged functions
 * (test/support/aws-server/deploy-hook.ts), as CloudFormation would.
 */
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXAMPLE_DIR } from '../deploy/flask-example.js';

const STAND_IN = `#!/usr/bin/env node
const fs = require('node:fs');
const [command] = process.argv.slice(2);
fs.appendFileSync(process.env.RECORD_FILE, JSON.stringify({
  argv: process.argv.slice(2),
  cwd: process.cwd(),
  env: {
    LAYER_ARN: process.env.LAYER_ARN,
    AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID,
    SLS_TELEMETRY_DISABLED: process.env.SLS_TELEMETRY_DISABLED,
    SLS_NOTIFICATIONS_MODE: process.env.SLS_NOTIFICATIONS_MODE,
  },
}) + '\\n');
const url = process.env.ENDPOINT_URL;
async function deploy() {
  if (process.env.REAL_SERVERLESS) {
    const packaged = require('node:child_process').spawnSync(
      process.env.REAL_SERVERLESS, ['package', ...process.argv.slice(3)], { stdio: 'inherit', timeout: 150000 });
    if (packaged.status !== 0) process.exit(packaged.status || 1);
  }
  if (process.env.DEPLOY_HOOK_URL) {
    const region = process.argv[process.argv.indexOf('--region') + 1];
    const answer = await fetch(process.env.DEPLOY_HOOK_URL, {
      method: 'POST', body: JSON.stringify({ servicePath: process.cwd(), region }) });
    if (!answer.ok) {
      process.stdout.write('Error:\\n' + (await answer.text()) + '\\n');
      process.exit(1);
    }
  }
  process.stderr.write('Deploying flask-api to stage ' + process.argv[4] + ' (us-east-1)\\n\\n');
  process.stderr.write('\\u001b[32m✔\\u001b[39m Service deployed to stack flask-api-dev (61s)\\n\\n');
  process.stdout.write('\\u001b[90mendpoint:\\u001b[39m ANY - ' + url + '\\nfunctions:\\n  api: flask-api-dev-api (5.4 kB)\\n');
}
if (command === 'deploy') {
  deploy();
} else if (command === 'info') {
  process.stdout.write('service: flask-api\\nstage: dev\\nendpoint: ANY - ' + url + '\\n\\nStack Outputs:\\n  HttpApiId: a1b2\\n  HttpApiUrl: ' + url + '\\n');
} else {
  process.exit(2);
}
`;

/**
 * A tool directory holding the stand-in as an installed serverless@3 (the marker
 * installServerless writes), for a service that brings real plugins but no serverless binary:
 * pass it as the deploy's toolDir.
 */
export function toolDirWithServerlessStandIn(toolDir: string): string {
  const pkg = join(toolDir, 'node_modules', 'serverless');
  mkdirSync(join(pkg, 'bin'), { recursive: true });
  mkdirSync(join(toolDir, 'node_modules', '.bin'), { recursive: true });
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'serverless', version: '3.40.0' }));
  writeFileSync(join(pkg, 'bin', 'serverless.js'), STAND_IN, { mode: 0o755 });
  symlinkSync('../serverless/bin/serverless.js', join(toolDir, 'node_modules', '.bin', 'serverless'));
  writeFileSync(join(toolDir, '.lambda-layer-installed'), 'serverless@3.40.0\n');
  return toolDir;
}

/**
 * A copy of the example service (at `service`) whose node_modules/.bin/serverless is the
 * stand-in; each call is appended to `record` (set RECORD_FILE to it, ENDPOINT_URL to the URL
 * the stand-in reports).
 */
export function serviceWithServerlessStandIn(service: string): { service: string; record: string } {
  const pkg = join(service, 'node_modules', 'serverless');
  mkdirSync(join(pkg, 'bin'), { recursive: true });
  mkdirSync(join(service, 'node_modules', '.bin'), { recursive: true });
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'serverless', version: '3.40.0' }));
  writeFileSync(join(pkg, 'bin', 'serverless.js'), STAND_IN, { mode: 0o755 });
  symlinkSync('../serverless/bin/serverless.js', join(service, 'node_modules', '.bin', 'serverless'));
  writeFileSync(join(service, 'serverless.yml'), readFileSync(join(EXAMPLE_DIR, 'serverless.yml')));
  return { service, record: join(service, 'record.jsonl') };
}
