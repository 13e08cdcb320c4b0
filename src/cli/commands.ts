/**
 * Registry of CLI commands: each command lives in its own file and is listed here once.
 * Commands that talk to AWS are loaded on demand: the SDK is most of the bundle, and loading it
 * cost every `lambda-layer build` about 0.12 s of a 0.27 s start.
 */
import { buildCommand } from './build.js';
import type { Command } from './command.js';
import { verifyCommand } from './verify.js';

export interface CommandEntry {
  readonly name: string;
  readonly summary: string;
  load(): Promise<Command>;
}

export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'build',
    summary: 'build layer.zip and manifest.json from a requirements file',
    load: async () => buildCommand,
  },
  {
    name: 'verify',
    summary: 'check that a layer zip loads on its Lambda runtime (ELF arch, glibc, ABI, layout, size)',
    load: async () => verifyCommand,
  },
  {
    name: 'invoke',
    summary: 'run a handler locally against the built layer, isolated from this machine',
    load: async () => (await import('./invoke.js')).invokeCommand,
  },
  {
    name: 'init',
    summary:
      'write the GitHub workflows and the AWS template for a Serverless service (then one AWS command, push)',
    load: async () => (await import('./init.js')).initCommand,
  },
  {
    name: 'publish',
    summary: 'publish a layer zip to Lambda in one or more regions (reusing an identical version)',
    load: async () => (await import('./publish.js')).publishCommand,
  },
  {
    name: 'deploy',
    summary: 'serverless deploy with --param layerArn=ARN, then GET the endpoint',
    load: async () => (await import('./deploy.js')).deployCommand,
  },
];
