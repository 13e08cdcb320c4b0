/** `lambda-layer verify <layer.zip>`: prove a layer zip loads on its Lambda target. */
import { readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { DEFAULT_ARCHITECTURE, DEFAULT_RUNTIME, resolveTarget } from '../target.js';
import { verificationError, verifyLayerZip } from '../verify/rules.js';
import type { VerificationReport } from '../verify/types.js';
import { TOOL_NAME } from '../version.js';
import { ARCH_CHOICES, runtimeChoices } from './choices.js';
import type { CliIO, Command } from './command.js';
import { parseCommandArgs, UsageError } from './parse.js';

const usage = `Usage: ${TOOL_NAME} verify <DIR|layer.zip> [options]

Check that a layer zip loads on a Lambda Python runtime: every native binary is Linux ELF for
the target CPU, needs no newer glibc/libstdc++ than the runtime's OS has and matches its Python
ABI; everything is under python/; the unzipped size fits Lambda's 250 MB. Exit code 1 lists
each problem with the file inside the zip. DIR is a build output directory (its layer.zip, with
the runtime and architecture from its manifest.json).

Options:
  --runtime NAME   Lambda runtime (default: from manifest.json next to the zip, else ${DEFAULT_RUNTIME}):
                   ${runtimeChoices()}
  --arch ARCH      ${ARCH_CHOICES} (default: from manifest.json next to the zip, else ${DEFAULT_ARCHITECTURE})
  --json           print the verification report as JSON on stdout
  --verbose        show debug output`;

/** runtime/architecture recorded by `lambda-layer build` in manifest.json beside the zip. */
async function manifestTarget(
  zipPath: string,
): Promise<{ runtime?: string; architecture?: string; file: string } | undefined> {
  const file = join(dirname(zipPath), 'manifest.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const target = (JSON.parse(text) as { target?: { runtime?: unknown; architecture?: unknown } }).target;
    return {
      file,
      runtime: typeof target?.runtime === 'string' ? target.runtime : undefined,
      architecture: typeof target?.architecture === 'string' ? target.architecture : undefined,
    };
  } catch (error) {
    throw new UserError(`${file} is not valid JSON: ${(error as Error).message}`, {
      hint: 'pass --runtime and --arch, or rebuild the layer',
    });
  }
}

/** A build output directory stands for its layer.zip (the file its manifest names). */
async function layerZipPath(path: string): Promise<string> {
  const info = await stat(path).catch(() => undefined);
  if (!info?.isDirectory()) return path;
  const manifest = await readFile(join(path, 'manifest.json'), 'utf8').catch(() => undefined);
  let file = 'layer.zip';
  try {
    file = (manifest && (JSON.parse(manifest) as { layer?: { file?: string } }).layer?.file) || file;
  } catch {
    // manifestTarget() below says what is wrong with it.
  }
  return join(path, file);
}

function formatMiB(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function summary(report: VerificationReport): string[] {
  const lines = [
    `Checked ${report.checkedBinaries} native binaries; unzipped ${formatMiB(report.unzippedSize ?? 0)}${report.zipSize !== undefined ? `, zip ${formatMiB(report.zipSize)}` : ''}`,
  ];
  if (report.largest.length > 0) {
    lines.push('Largest packages:');
    const width = Math.max(...report.largest.map((p) => p.name.length));
    for (const p of report.largest)
      lines.push(`  ${p.name.padEnd(width)}  ${formatMiB(p.size).padStart(10)}`);
  }
  return lines;
}

async function run(argv: readonly string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    argv,
    {
      runtime: { type: 'string' },
      arch: { type: 'string' },
      json: { type: 'boolean' },
      verbose: { type: 'boolean' },
    },
    true,
  );
  if (positionals.length !== 1) {
    throw new UsageError(
      `verify takes one build directory or layer zip${positionals.length ? `, not ${positionals.length}` : ''}`,
    );
  }
  const zipPath = await layerZipPath(resolve(io.cwd, positionals[0] as string));

  const fromManifest = values.runtime && values.arch ? undefined : await manifestTarget(zipPath);
  const runtime = values.runtime ?? fromManifest?.runtime ?? DEFAULT_RUNTIME;
  const arch = values.arch ?? fromManifest?.architecture ?? DEFAULT_ARCHITECTURE;
  const target = resolveTarget(runtime, arch);
  io.log.info(
    `Verifying ${positionals[0]} for ${target.runtime} ${target.architecture} (${target.os})${fromManifest ? ` (target from ${fromManifest.file})` : ''}`,
  );

  let report: VerificationReport;
  try {
    report = await verifyLayerZip(zipPath, target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new UserError(`${zipPath} does not exist`, {
        hint: `pass a layer zip or the directory "${TOOL_NAME} build" wrote (--out)`,
      });
    }
    throw error;
  }

  if (values.json) io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  for (const warning of report.warnings) io.log.warn(warning);
  for (const line of summary(report)) io.log.info(line);
  const error = verificationError(report, target);
  if (error) throw error;
  io.log.info(`OK: the layer loads on ${target.runtime} ${target.architecture}`);
  return 0;
}

export const verifyCommand: Command = {
  usage,
  run,
};
