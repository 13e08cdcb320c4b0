/** `lambda-layer build`: build layer.zip and manifest.json for a Lambda Python runtime. */
import { existsSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { defaultCacheDir, directoryStore, unwritableReason, WHEEL_CACHE_DIR } from '../cache/dir-store.js';
import { pruneWheelCache } from '../cache/prune-wheels.js';
import { parseChoice, parseList } from '../inputs.js';
import { PROOF_PYTHON_ENV, PROOF_SYSROOT_ENV } from '../layer/import-proof/where.js';
import { serializeManifest } from '../layer/manifest.js';
import type { BuildOptions } from '../layer/types.js';
import { buildOrRestore } from '../pipeline/build-or-restore.js';
import { redact } from '../redact.js';
import { cliSummary } from '../report.js';
import type { SdistPolicy } from '../resolve/types.js';
import { parseDenyList } from '../sbom/license-policy.js';
import { DEFAULT_ARCHITECTURE, DEFAULT_RUNTIME, resolveTarget } from '../target.js';
import { TOOL_NAME } from '../version.js';
import { ARCH_CHOICES, runtimeChoices } from './choices.js';
import type { CliIO, Command } from './command.js';
import { parseCommandArgs, UsageError } from './parse.js';

const DEFAULT_OUT = 'layer-out';

const usage = `Usage: ${TOOL_NAME} build [-r FILE|DIR] [options]

Build a Lambda layer (DIR/layer.zip with python/ at its root, and DIR/manifest.json) from a
pip requirements file, choosing only wheels the Lambda runtime can run, verifying every binary
against the runtime and compiling bytecode for its Python.

Options:
  -r, --requirements FILE   (also pip's --requirement, or FILE alone) what to install: a requirements*.txt, pyproject.toml, pylock.toml /
                            pylock.NAME.toml, uv.lock, poetry.lock or Pipfile.lock; or a directory
                            to look in (default: the working directory) for the first of
                            requirements.txt, pylock.toml, uv.lock, poetry.lock, Pipfile.lock,
                            pyproject.toml
  --extras LIST             extras of the project to install (pyproject.toml, uv.lock, poetry.lock,
                            pylock.toml; comma separated, repeatable)
  --groups LIST             dependency groups to install besides the main dependencies
                            (default: none; comma separated, repeatable)
  --runtime NAME            Lambda runtime (default: ${DEFAULT_RUNTIME}): ${runtimeChoices()}
  --arch ARCH               ${ARCH_CHOICES} (default: ${DEFAULT_ARCHITECTURE})
  --out DIR                 output directory (default: ./${DEFAULT_OUT})
  -i, --index-url URL       package index (default: pip's configuration)
  --extra-index-url URL     additional package index (repeatable)
  -f, --find-links DIR|URL  directory or page of wheels (repeatable), e.g. wheels built on Amazon Linux
  --sdist pure|never        source-only packages: build pure-Python ones on this machine (pure,
                            the default; this runs their build code) or refuse them (never)
  --python PATH             Python >= 3.10 that runs the pinned pip (any version: markers are
                            evaluated for the target; default: found on PATH, py, tool cache, pyenv)
  --bytecode-python PATH    interpreter of the target's Python version that compiles bytecode
  --no-bytecode             ship no .pyc files
  --no-import-proof         do not import the direct requirements on the target CPU before archiving
  --import-proof-python PATH
                            Python of the target's version for the target's CPU (an arm64 one run
                            under qemu-user when building arm64 on x86_64); env ${PROOF_PYTHON_ENV}
  --import-proof-sysroot DIR
                            root qemu-user finds that interpreter's libraries in (qemu -L DIR);
                            alone it means DIR/usr/bin/pythonX.Y; env ${PROOF_SYSROOT_ENV}
  --slim                    remove what the runtime never loads (package test folders, *.pyi stubs)
  --slim-exclude GLOB       with --slim: also remove files matching GLOB (repeatable)
  --slim-keep GLOB          with --slim: never remove files matching GLOB (repeatable)
  --cache-dir DIR           cache of finished layers and of the pinned pip (default: ${defaultCacheDir()})
  --no-cache                neither read nor write the cache
  --force-rebuild           build even when the cache has this layer (the result is cached)
  --no-sbom                 do not write the CycloneDX SBOM (DIR/layer.cdx.json)
  --deny-licenses LIST      fail when a distribution's licence needs one of these SPDX ids
                            (comma separated, repeatable), e.g. GPL-3.0-only,AGPL-3.0-only
  --allow-deprecated-runtime
                            build for a runtime past AWS's block-function-update date
  --json                    print the manifest as JSON on stdout (progress stays on stderr)
  --verbose                 show debug output (pip's full output, cache accounting, commands)`;

/**
 * A bare name (python3.12, py) is looked up on PATH; a path (with / or, on Windows, \\) is
 * relative to the working dir.
 */
export function interpreterArg(value: string | undefined, cwd: string): string | undefined {
  if (!value) return undefined;
  const isPath =
    isAbsolute(value) || value.includes('/') || (process.platform === 'win32' && value.includes('\\'));
  return isPath ? resolve(cwd, value) : value;
}

/**
 * The input file or folder: -r, or one positional (`build requirements-prod.txt`), which must
 * exist: `build flask` is a package name, and a layer is built from a file that lists packages.
 */
function inputArg(flag: string | undefined, positionals: readonly string[], cwd: string): string {
  if (positionals.length > 1 || (flag && positionals.length > 0)) {
    throw new UsageError(
      `build takes one input (-r FILE); unexpected ${positionals.map((p) => `"${p}"`).join(' ')}`,
    );
  }
  const [positional] = positionals;
  if (positional === undefined) return resolve(cwd, flag ?? '.');
  if (!existsSync(resolve(cwd, positional))) {
    throw new UsageError(
      `"${positional}" is not a file or folder in ${cwd}; build reads its packages from -r FILE (a requirements file, pyproject.toml or lock)`,
    );
  }
  return resolve(cwd, positional);
}

/** The command that publishes what was just built, in the words the user would type. */
function nextStep(outDir: string, cwd: string, env: NodeJS.ProcessEnv): string {
  const shown = relative(cwd, outDir);
  const dir = shown && !shown.startsWith('..') && !isAbsolute(shown) ? shown : outDir;
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION ? '' : ' --region REGION';
  return `next: ${TOOL_NAME} publish ${/\s/.test(dir) ? JSON.stringify(dir) : dir} --layer-name NAME${region}`;
}

async function run(argv: readonly string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    argv,
    {
      requirements: { type: 'string', short: 'r' },
      extras: { type: 'string', multiple: true },
      groups: { type: 'string', multiple: true },
      runtime: { type: 'string' },
      arch: { type: 'string' },
      out: { type: 'string' },
      'index-url': { type: 'string' },
      'extra-index-url': { type: 'string', multiple: true },
      'find-links': { type: 'string', multiple: true },
      sdist: { type: 'string' },
      python: { type: 'string' },
      'bytecode-python': { type: 'string' },
      'no-bytecode': { type: 'boolean' },
      'no-import-proof': { type: 'boolean' },
      'import-proof-python': { type: 'string' },
      'import-proof-sysroot': { type: 'string' },
      slim: { type: 'boolean' },
      'slim-exclude': { type: 'string', multiple: true },
      'slim-keep': { type: 'string', multiple: true },
      'cache-dir': { type: 'string' },
      'no-cache': { type: 'boolean' },
      'force-rebuild': { type: 'boolean' },
      'no-sbom': { type: 'boolean' },
      'deny-licenses': { type: 'string', multiple: true },
      'allow-deprecated-runtime': { type: 'boolean' },
      json: { type: 'boolean' },
      verbose: { type: 'boolean' },
    },
    true,
  );
  const requirementsFile = inputArg(values.requirements, positionals, io.cwd);
  const target = resolveTarget(values.runtime ?? DEFAULT_RUNTIME, values.arch ?? DEFAULT_ARCHITECTURE);
  const denyLicenses = parseDenyList((values['deny-licenses'] ?? []).join(','), '--deny-licenses');
  const sdist = parseChoice<SdistPolicy>('--sdist', values.sdist ?? '', ['pure', 'never'], 'pure');
  // Local find-links directories are relative to where the user runs the command.
  const findLinks = (values['find-links'] ?? []).map((link) =>
    /^[a-z][a-z0-9+.-]*:/i.test(link) ? link : resolve(io.cwd, link),
  );
  const options: BuildOptions = {
    // Without -r, the working directory: the build picks the input file there and says which.
    requirementsFile,
    extras: (values.extras ?? []).flatMap(parseList),
    groups: (values.groups ?? []).flatMap(parseList),
    projectDir: io.cwd,
    target,
    outDir: resolve(io.cwd, values.out ?? DEFAULT_OUT),
    indexUrl: values['index-url'],
    extraIndexUrls: values['extra-index-url'] ?? [],
    findLinks,
    python: interpreterArg(values.python, io.cwd),
    bytecode: !values['no-bytecode'],
    bytecodePython: interpreterArg(values['bytecode-python'], io.cwd),
    slim: values.slim
      ? {
          exclude: (values['slim-exclude'] ?? []).flatMap(parseList),
          keep: (values['slim-keep'] ?? []).flatMap(parseList),
        }
      : undefined,
    sdist,
    importProof: !values['no-import-proof'],
    importProofPython: interpreterArg(values['import-proof-python'], io.cwd),
    importProofSysroot: values['import-proof-sysroot']
      ? resolve(io.cwd, values['import-proof-sysroot'])
      : undefined,
    sbom: !values['no-sbom'],
    allowDeprecatedRuntime: values['allow-deprecated-runtime'] ?? false,
    ...(denyLicenses.length > 0 ? { licensePolicy: { deny: denyLicenses, input: '--deny-licenses' } } : {}),
  };
  const cacheDir = resolve(io.cwd, values['cache-dir'] ?? defaultCacheDir(io.env));
  // A cache folder that cannot be written (a read-only mount, another user's) is a warning: its
  // layers are still used, nothing is written there, and the pinned pip goes elsewhere.
  const readOnly = values['no-cache'] ? undefined : await unwritableReason(cacheDir);
  if (readOnly) {
    io.log.warn(
      `The cache folder ${cacheDir} cannot be written (${readOnly}): building without saving to it (pass --cache-dir DIR for a writable one, or --no-cache)`,
    );
  }
  const store = values['no-cache'] ? undefined : directoryStore(cacheDir, readOnly);
  const wheelCache = !values['no-cache'] && !readOnly;
  const result = await buildOrRestore(
    options,
    { store, forceRebuild: values['force-rebuild'] ?? false },
    io.log,
    // The pinned pip lives in the cache folder too, --no-cache or not: it is a tool, not a layer.
    // The per-wheel caches (installed files, bytecode, verification facts) live there unless
    // --no-cache.
    {
      env: io.env,
      toolCacheDir: cacheDir,
      ...(wheelCache ? { wheelCacheDir: join(cacheDir, WHEEL_CACHE_DIR) } : {}),
    },
  );
  if (wheelCache) {
    // The layer is built: a cache folder that cannot be tidied is only worth a warning.
    await pruneWheelCache(join(cacheDir, WHEEL_CACHE_DIR), io.log).catch((error: unknown) =>
      io.log.warn(`Per-wheel cache not pruned: ${error instanceof Error ? error.message : String(error)}`),
    );
  }
  if (values.json) {
    io.stdout.write(serializeManifest(result.manifest));
  } else {
    const shown = (path: string): string => {
      const relativePath = relative(io.cwd, path);
      return relativePath.startsWith('..') ? path : relativePath;
    };
    const zipPath = shown(result.zipPath);
    const sbomPath = result.sbomPath ? shown(result.sbomPath) : undefined;
    io.stdout.write(
      `${redact(cliSummary({ manifest: result.manifest, zipPath, cacheHit: result.cacheHit, ...(sbomPath ? { sbomPath } : {}) }))}\n`,
    );
  }
  io.log.info(nextStep(options.outDir, io.cwd, io.env));
  return 0;
}

export const buildCommand: Command = {
  usage,
  run,
};
