/** `lambda-layer publish`: publish a built layer to one or more regions, reusing an identical version. */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PublishError, type PublishResult } from '../aws/publish.js';
import { InputError, UserError } from '../errors.js';
import { parseInteger } from '../inputs.js';
import type { Manifest } from '../layer/types.js';
import { runPublishStage } from '../pipeline/publish-stage.js';
import { DEFAULT_ARCHITECTURE, DEFAULT_RUNTIME, LAMBDA_LIMITS, resolveTarget } from '../target.js';
import { TOOL_NAME } from '../version.js';
import { ARCH_CHOICES, runtimeChoices } from './choices.js';
import type { CliIO, Command } from './command.js';
import { parseCommandArgs, UsageError } from './parse.js';
import { regionsFrom } from './region.js';
import {
  credentialsFromFlags,
  idTokenSourceFromFlags,
  ROLE_FLAGS,
  roleFlagsUsage,
  runIdFromEnv,
} from './role-flags.js';

const usage = `Usage: ${TOOL_NAME} publish <DIR|layer.zip> --layer-name NAME [options]

Publish a layer zip as a Lambda layer version in each region. When a version with the same
CodeSha256 (byte-identical zip) exists, it is reused instead of publishing a duplicate.
DIR is a build output directory (layer.zip + manifest.json: runtime, architecture and
requirements hash come from the manifest).

Options:
  --layer-name NAME              layer name (1-140 letters, digits, - and _)
  --region R                     region to publish to (repeatable; default: AWS_REGION, else AWS_DEFAULT_REGION)
  --s3-bucket B                  stage the zip in this bucket (must be in each region; "{region}" is replaced);
                                 needed for zips over the 50 MB direct-upload limit
${roleFlagsUsage(33)}
  --runtime NAME                 compatible runtime when publishing a bare zip (default: ${DEFAULT_RUNTIME}):
                                 ${runtimeChoices()}
  --arch ARCH                    compatible architecture for a bare zip: ${ARCH_CHOICES} (default: ${DEFAULT_ARCHITECTURE})
  --description TEXT             text placed before the tool's own facts in the version description
  --commit SHA                   commit recorded in the description (default: GITHUB_SHA)
  --license-info S               SPDX id, URL or license text (max 512 characters)
  --grant-account ID             allow this account to use the version (repeatable)
  --grant-org o-...              allow every account of this AWS Organization
  --keep N                       keep N versions in total (the current one included); delete older ones
  --direct-upload-limit BYTES    zips above this go through S3 (default: ${LAMBDA_LIMITS.directUploadZipBytes})
  --json                         print the result as JSON on stdout (progress stays on stderr)
  --verbose                      show debug output`;

interface LayerInput {
  readonly zipPath: string;
  readonly codeSha256?: string;
  readonly runtime: string;
  readonly architecture: string;
  readonly requirementsHash?: string;
}

/** DIR with manifest.json + zip, or a bare zip with --runtime/--arch (or the defaults, said so). */
async function readLayerInput(
  path: string,
  flags: { runtime?: string; arch?: string },
  io: CliIO,
): Promise<LayerInput> {
  const full = resolve(io.cwd, path);
  const info = await stat(full).catch(() => {
    throw new InputError('path', `${path} does not exist (give a build output directory or a layer.zip).`);
  });
  if (info.isDirectory()) {
    const manifestPath = join(full, 'manifest.json');
    let manifest: Manifest;
    try {
      manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as Manifest;
    } catch (error) {
      throw new UserError(`Cannot read ${manifestPath}: ${(error as Error).message}`, {
        hint: `Give the directory written by "${TOOL_NAME} build" (layer.zip + manifest.json), or the zip itself with --runtime/--arch.`,
      });
    }
    if (flags.runtime || flags.arch) {
      io.log.warn('--runtime/--arch are ignored: the manifest says what the layer was built for');
    }
    return {
      zipPath: join(full, manifest.layer?.file ?? 'layer.zip'),
      codeSha256: manifest.layer?.codeSha256,
      runtime: manifest.target.runtime,
      architecture: manifest.target.architecture,
      requirementsHash: manifest.requirementsHash,
    };
  }
  const target = resolveTarget(flags.runtime ?? DEFAULT_RUNTIME, flags.arch ?? DEFAULT_ARCHITECTURE);
  if (!flags.runtime || !flags.arch) {
    io.log.warn(
      `no manifest for a bare zip: publishing as compatible with ${target.runtime} ${target.architecture}${
        !flags.runtime && !flags.arch ? ' (the defaults)' : ''
      }; pass --runtime/--arch to say otherwise`,
    );
  }
  return { zipPath: full, runtime: target.runtime, architecture: target.architecture };
}

/** One line per region, for people. */
export function publishSummary(result: PublishResult): string {
  return result.regions
    .map((r) =>
      r.ok
        ? `  ${r.region.padEnd(15)} ${r.reused ? 'reused   ' : 'published'} version ${String(r.version).padEnd(4)} ${r.layerVersionArn}${
            r.pruned.length ? `  (pruned ${r.pruned.join(', ')})` : ''
          }`
        : `  ${r.region.padEnd(15)} FAILED    ${r.error}`,
    )
    .join('\n');
}

async function run(argv: readonly string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    argv,
    {
      'layer-name': { type: 'string' },
      region: { type: 'string', multiple: true },
      's3-bucket': { type: 'string' },
      ...ROLE_FLAGS,
      runtime: { type: 'string' },
      arch: { type: 'string' },
      description: { type: 'string' },
      commit: { type: 'string' },
      'license-info': { type: 'string' },
      'grant-account': { type: 'string', multiple: true },
      'grant-org': { type: 'string' },
      keep: { type: 'string' },
      'direct-upload-limit': { type: 'string' },
      json: { type: 'boolean' },
      verbose: { type: 'boolean' },
    },
    true,
  );
  if (positionals.length !== 1) throw new UsageError('give exactly one build directory or layer zip');
  const layerName = values['layer-name'];
  if (!layerName) throw new UsageError('--layer-name is required');
  const regions = regionsFrom(values.region, io.env);

  const layer = await readLayerInput(
    positionals[0] as string,
    { runtime: values.runtime, arch: values.arch },
    io,
  );
  const zip = await readFile(layer.zipPath).catch((error: NodeJS.ErrnoException) => {
    throw new UserError(`Cannot read the layer zip ${layer.zipPath}: ${error.message}`);
  });
  const codeSha256 = createHash('sha256').update(zip).digest('base64');
  if (layer.codeSha256 && layer.codeSha256 !== codeSha256) {
    throw new UserError(
      `${layer.zipPath} does not match its manifest (CodeSha256 ${codeSha256}, manifest ${layer.codeSha256}).`,
      {
        hint: 'Rebuild: the zip was changed after the build.',
      },
    );
  }

  const getIdToken = idTokenSourceFromFlags(values, io);
  let result: PublishResult;
  try {
    ({ published: result } = await runPublishStage(
      {
        zipPath: layer.zipPath,
        codeSha256,
        runtime: layer.runtime,
        architecture: layer.architecture,
        requirementsHash: layer.requirementsHash,
      },
      {
        layerName,
        regions,
        s3Bucket: values['s3-bucket'],
        licenseInfo: values['license-info'],
        grant: { accountIds: values['grant-account'], organizationId: values['grant-org'] },
        keep: parseInteger('keep', values.keep),
        directUploadLimit: parseInteger('direct-upload-limit', values['direct-upload-limit']),
        descriptionText: values.description,
      },
      credentialsFromFlags(values),
      {
        // Nothing here prints a secret; the CLI has no runner log to mask in (the action passes core.setSecret).
        getIdToken,
        env: io.env,
        commit: values.commit ?? io.env.GITHUB_SHA,
        runId: runIdFromEnv(io.env),
      },
      io.log,
    ));
  } catch (error) {
    if (error instanceof PublishError) {
      if (values.json) io.stdout.write(`${JSON.stringify(error.result, null, 2)}\n`);
      else io.log.info(publishSummary(error.result));
    }
    throw error;
  }
  if (values.json) io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  io.log.info(`Layer "${layerName}":\n${publishSummary(result)}`);
  return 0;
}

export const publishCommand: Command = {
  usage,
  run,
};
