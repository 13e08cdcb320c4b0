/**
 * Which Serverless Framework CLI runs the deploy, and where its binary comes from.
 *
 * Serverless Inc. no longer maintains v3 (v4 needs a Serverless account and licence key);
 * `osls` is the community continuation of v3 maintained by the Bref maintainers. Its 3.x line
 * is the drop-in replacement that accepts `frameworkVersion: '3'`; osls 4.x rejects a
 * `frameworkVersion: '3'` service ("does not satisfy the frameworkVersion"), so plain `osls`
 * means `osls@3` here.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, realpath, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { InputError, UserError } from '../errors.js';
import type { Logger } from '../log.js';
import { runProcess } from '../process.js';

/** The last Serverless Framework v3 release (v3 is frozen), pinned for reproducible deploys. */
export const DEFAULT_SERVERLESS_SPEC = 'serverless@3.40.0';
/** osls 3.x: bug and security fixes keep coming on this line, so a range rather than a pin. */
export const OSLS_SPEC = 'osls@3';

export interface ServerlessPackage {
  readonly name: 'serverless' | 'osls';
  /** npm install spec, e.g. "serverless@3.40.0". */
  readonly spec: string;
}

const RANGE = /^[0-9xX*^~<>=.| -]+$/;

/**
 * `serverless-package` input -> npm spec. Accepts `serverless@3` (the default), `osls`,
 * `serverless@<range>`, `osls@<range>`, or a bare version range meaning the serverless package.
 */
export function resolveServerlessPackage(
  input?: string,
  inputName = 'serverless-package',
): ServerlessPackage {
  const value = (input ?? '').trim();
  if (value === '' || value === 'serverless' || value === 'serverless@3') {
    return { name: 'serverless', spec: DEFAULT_SERVERLESS_SPEC };
  }
  if (value === 'osls' || value === 'osls@3') return { name: 'osls', spec: OSLS_SPEC };
  const match = /^(serverless|osls)@(.+)$/.exec(value);
  if (match?.[2] && RANGE.test(match[2])) {
    return { name: match[1] as ServerlessPackage['name'], spec: `${match[1]}@${match[2].trim()}` };
  }
  if (RANGE.test(value) && /\d/.test(value)) return { name: 'serverless', spec: `serverless@${value}` };
  throw new InputError(inputName, `"${value}" is not a Serverless Framework package`, {
    hint: 'use serverless@3 (default), osls (the maintained v3 continuation), or a version such as 3.40.0',
  });
}

export interface ServerlessBinary {
  readonly path: string;
  readonly packageName: string;
  readonly version: string;
  /** "service" when the service's own node_modules brought it, "installed" from the tool dir. */
  readonly source: 'service' | 'installed';
}

async function packageOfBinary(bin: string): Promise<{ name: string; version: string } | undefined> {
  try {
    // node_modules/.bin/serverless -> ../<package>/bin/serverless.js
    let dir = dirname(await realpath(bin));
    for (let i = 0; i < 4; i++) {
      const manifest = join(dir, 'package.json');
      if (existsSync(manifest)) {
        const parsed = JSON.parse(await readFile(manifest, 'utf8')) as { name?: string; version?: string };
        if (parsed.name) return { name: parsed.name, version: parsed.version ?? 'unknown' };
      }
      dir = dirname(dir);
    }
  } catch {
    // Broken symlink or unreadable manifest: treated as absent.
  }
  return undefined;
}

/** The service's own `node_modules/.bin/serverless`, when its package manager installed one. */
export async function serviceServerless(servicePath: string): Promise<ServerlessBinary | undefined> {
  const bin = join(servicePath, 'node_modules', '.bin', 'serverless');
  if (!existsSync(bin)) return undefined;
  const owner = await packageOfBinary(bin);
  if (!owner) return undefined;
  return { path: bin, packageName: owner.name, version: owner.version, source: 'service' };
}

/** Where a chosen package is installed when the service brings none: the runner's tool cache or ~/.cache. */
export function defaultToolDir(spec: string, env: NodeJS.ProcessEnv = process.env): string {
  const safe = spec.replace(/[^A-Za-z0-9@.^~_-]+/g, '_');
  if (env.RUNNER_TOOL_CACHE) return join(env.RUNNER_TOOL_CACHE, 'lambda-layer-serverless', safe);
  const cacheHome = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(cacheHome, 'lambda-layer', 'serverless', safe);
}

const MARKER = '.lambda-layer-installed';

/**
 * Installs `pkg` from the npm registry into `toolDir` (npm install --prefix), unless a previous
 * run already did; returns its binary. Bounded by `timeoutMs`, npm's process group killed on expiry.
 */
export async function installServerless(
  pkg: ServerlessPackage,
  toolDir: string,
  options: { timeoutMs: number; env?: NodeJS.ProcessEnv; log: Logger },
): Promise<ServerlessBinary> {
  const bin = join(toolDir, 'node_modules', '.bin', 'serverless');
  const marker = join(toolDir, MARKER);
  const installedSpec = existsSync(marker) ? (await readFile(marker, 'utf8')).trim() : undefined;
  if (installedSpec !== pkg.spec || !existsSync(bin)) {
    await mkdir(toolDir, { recursive: true });
    options.log.info(`Installing ${pkg.spec} from the npm registry into ${toolDir}`);
    const args = ['install', '--prefix', toolDir, '--no-audit', '--no-fund', '--loglevel=error', pkg.spec];
    let result: Awaited<ReturnType<typeof runProcess>>;
    try {
      result = await runProcess('npm', args, {
        env: options.env ?? process.env,
        // The user's .npmrc may name a registry token as `${NPM_TOKEN}`.
        environment: 'user',
        timeoutMs: options.timeoutMs,
        onLine: (line) => {
          if (line.trim()) options.log.debug(`npm: ${line}`);
        },
      });
    } catch (error) {
      throw new UserError(`cannot run npm to install ${pkg.spec}: ${(error as Error).message}`, {
        hint: 'put npm on PATH (it ships with Node.js), or add serverless to the service devDependencies',
        cause: error,
      });
    }
    if (result.timedOut || result.code !== 0 || !existsSync(bin)) {
      const why = result.timedOut
        ? `did not finish within ${options.timeoutMs / 1000} s`
        : `failed (exit code ${result.code ?? result.signal})`;
      throw new UserError(
        `npm install ${pkg.spec} ${why}:\n${result.output.trim().split('\n').slice(-15).join('\n')}`,
        {
          hint: 'check the npm registry is reachable, or add serverless to the service devDependencies',
        },
      );
    }
    await writeFile(marker, `${pkg.spec}\n`);
  }
  const owner = await packageOfBinary(bin);
  return {
    path: bin,
    packageName: owner?.name ?? pkg.name,
    version: owner?.version ?? 'unknown',
    source: 'installed',
  };
}

/**
 * The Serverless binary for `servicePath`: the service's own (its lockfile pins it) when no
 * package was chosen or the chosen package is the one the service installed; otherwise the
 * chosen package, installed into `toolDir`.
 */
export async function locateServerless(options: {
  servicePath: string;
  serverlessPackage?: string;
  toolDir?: string;
  installTimeoutMs: number;
  env?: NodeJS.ProcessEnv;
  log: Logger;
}): Promise<ServerlessBinary> {
  const chosen = options.serverlessPackage?.trim()
    ? resolveServerlessPackage(options.serverlessPackage)
    : undefined;
  const own = await serviceServerless(options.servicePath);
  if (own && (!chosen || chosen.name === own.packageName)) {
    options.log.info(`Using the service's own ${own.packageName} ${own.version} (${own.path})`);
    return own;
  }
  const pkg = chosen ?? resolveServerlessPackage();
  const toolDir = options.toolDir ?? defaultToolDir(pkg.spec, options.env);
  const installed = await installServerless(pkg, toolDir, {
    timeoutMs: options.installTimeoutMs,
    env: options.env,
    log: options.log,
  });
  options.log.info(`Using ${installed.packageName} ${installed.version} (${installed.path})`);
  return installed;
}
