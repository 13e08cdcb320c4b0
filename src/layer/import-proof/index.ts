/**
 * The import proof: once the layer tree is final (slimmed, compiled), import the modules of every
 * directly required distribution with an interpreter of the target's Python on the target's CPU,
 * seeing only the layer's python/ and the standard library, the way Lambda puts /opt/python on
 * sys.path. What verify cannot see (a module a wheel forgot, a file --slim removed, a library an
 * extension cannot load, an import-time error) fails the build here instead of on Lambda.
 * Importing runs the packages' own import-time code on this machine, as Lambda would.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError, UserError } from '../../errors.js';
import type { Logger } from '../../log.js';
import { runProcess } from '../../process.js';
import { programPath } from '../../programs.js';
import type { PackageEntry } from '../../resolve/types.js';
import type { Target } from '../../target.js';
import { EM_AARCH64, EM_X86_64, isElf, machineName, parseElf } from '../../verify/elf.js';
import { normalizeDistributionName, readInstalledDistributions } from '../dist-info.js';
import type { ImportProofReport, ProvenModule } from '../types.js';
import { distributionModules, ownModules } from './modules.js';
import { failureHint, needsExtraWarning, type Outcome, sortOutcomes, type Wanted } from './outcomes.js';
import { chooseProofRunner, PROOF_PYTHON_INPUT, type ProofRunner, runnerCommand } from './where.js';

/** Bounds the whole proof: an import that waits on the network or a lock must not hang a build. */
const PROOF_TIMEOUT_MS = 10 * 60_000;

export interface ImportProofParams {
  readonly pythonDir: string;
  /** Scratch space outside the layer: the proof's working directory and HOME. */
  readonly workDir: string;
  readonly packages: readonly PackageEntry[];
  readonly target: Target;
  readonly python?: string;
  readonly sysroot?: string;
  readonly bytecodePython?: string;
  readonly env: NodeJS.ProcessEnv;
  readonly log: Logger;
  /** For tests: the CPU to treat this machine as (default: process.arch). */
  readonly hostArch?: 'x86_64' | 'aarch64' | undefined;
  readonly timeoutMs?: number;
}

/** The modules to import, and the direct requirements that have none. */
export function modulesToProve(
  pythonDir: string,
  packages: readonly PackageEntry[],
): { wanted: Wanted[]; withoutModules: string[] } {
  const installed = new Map(
    readInstalledDistributions(pythonDir).map((d) => [normalizeDistributionName(d.name), d]),
  );
  const wanted: Wanted[] = [];
  const seen = new Set<string>();
  const withoutModules: string[] = [];
  for (const pkg of packages.filter((p) => p.requested)) {
    const dist = installed.get(normalizeDistributionName(pkg.name));
    const modules = dist ? distributionModules(dist.files, (path) => existsSync(join(pythonDir, path))) : [];
    if (modules.length === 0) withoutModules.push(pkg.name);
    const own = ownModules(pkg.name, modules);
    // Two distributions may share a namespace package's module; importing it once proves both.
    for (const module of modules.filter((m) => !seen.has(m))) {
      seen.add(module);
      wanted.push({ distribution: pkg.name, module, own: own.has(module) });
    }
  }
  return { wanted, withoutModules };
}

/**
 * Only what an interpreter needs to start and locate its own libraries: no PYTHON* variables
 * (-I ignores them anyway), no credentials, no proxies. LD_LIBRARY_PATH stays for a native
 * interpreter built with a shared libpython outside the default paths.
 */
function proofEnv(
  runner: Exclude<ProofRunner, { mode: 'skipped' }>,
  scratch: string,
  env: NodeJS.ProcessEnv,
) {
  return {
    PATH: '/usr/local/bin:/usr/bin:/bin',
    HOME: scratch,
    TMPDIR: scratch,
    LANG: 'C.UTF-8',
    ...(runner.mode === 'native' && env.LD_LIBRARY_PATH ? { LD_LIBRARY_PATH: env.LD_LIBRARY_PATH } : {}),
  };
}

interface Header {
  readonly python: string;
  readonly machine: string;
  readonly executable: string;
}
function parseReport(stdout: string): { header?: Header; started: string[]; outcomes: Outcome[] } {
  let header: Header | undefined;
  const started: string[] = [];
  const outcomes: Outcome[] = [];
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(line);
    } catch {
      continue;
    }
    if (typeof record.python === 'string') header = record as unknown as Header;
    else if (typeof record.start === 'string') started.push(record.start);
    else if (typeof record.module === 'string') outcomes.push(record as unknown as Outcome);
  }
  return { ...(header ? { header } : {}), started, outcomes };
}

/**
 * The loader says "cannot open shared object file" for an object built for another CPU, which
 * reads like a missing file: name the CPU the named .so was built for when it is not the target's.
 */
function explainSharedObject(error: string, target: Target): string {
  const path = /(\/[^\s:]+\.so(?:\.[\d.]+)?)/.exec(error)?.[1];
  if (!path || !existsSync(path)) return '';
  try {
    const bytes = readFileSync(path);
    if (!isElf(bytes)) return ' (that file is not an ELF object)';
    const machine = parseElf(bytes).machine;
    const wanted = target.wheelArch === 'aarch64' ? EM_AARCH64 : EM_X86_64;
    return machine === wanted
      ? ''
      : ` (that file is built for ${machineName(machine)}; the target CPU is ${target.wheelArch})`;
  } catch {
    return '';
  }
}

/** Build-directory paths in an error as the layer paths they are: python/... */
function layerPaths(text: string, pythonDir: string): string {
  return text.split(pythonDir).join('python');
}

const tail = (text: string, lines: number): string => text.trim().split('\n').slice(-lines).join('\n');

/** "Python 3.11.7, natively" / "Python 3.11.2 under qemu-aarch64-static": for the one-line failure. */
function shortRunner(runner: Exclude<ProofRunner, { mode: 'skipped' }>, header: Header): string {
  return runner.mode === 'native'
    ? `Python ${header.python}, natively`
    : `Python ${header.python} under ${runner.emulator.split('/').at(-1)}`;
}

function describeRunner(runner: Exclude<ProofRunner, { mode: 'skipped' }>, header?: Header): string {
  const version = header ? `Python ${header.python} ` : '';
  return runner.mode === 'native'
    ? `${version}(${runner.interpreter}), natively`
    : `${version}(${runner.interpreter}) under ${runner.emulator}${runner.sysroot ? ` -L ${runner.sysroot}` : ''}`;
}

/** The interpreter did not start, or is not the target's Python on the target's CPU. */
function unusableInterpreter(
  runner: Exclude<ProofRunner, { mode: 'skipped' }>,
  target: Target,
  problem: string,
): UserError {
  const hint = `give a Python ${target.pythonVersion} for ${target.wheelArch} (with its sysroot under emulation), or turn the proof off with --no-import-proof / import-proof: false`;
  const message = `the import proof's interpreter ${describeRunner(runner)} ${problem}`;
  return runner.configured
    ? new InputError(PROOF_PYTHON_INPUT, message, { hint })
    : new UserError(message, { hint });
}

export async function proveImports(params: ImportProofParams): Promise<ImportProofReport> {
  return (await startImportProof(params)).done;
}

/**
 * Everything before the interpreter starts (which modules, which interpreter, a scratch folder),
 * then the interpreter started: `done` settles with the report. The build starts the zip and
 * verification only then, so their synchronous work does not hold back the interpreter's spawn.
 */
export async function startImportProof(
  params: ImportProofParams,
): Promise<{ readonly done: Promise<ImportProofReport> }> {
  const { target, log } = params;
  const { wanted, withoutModules } = modulesToProve(params.pythonDir, params.packages);
  const extra = withoutModules.length > 0 ? { withoutModules } : {};
  if (withoutModules.length > 0) {
    log.info(`No importable module to prove in ${withoutModules.join(', ')} (data or type stubs only)`);
  }
  if (wanted.length === 0) {
    const reason = 'no directly required distribution has an importable module';
    log.info(`Import proof skipped: ${reason}`);
    return { done: Promise.resolve({ status: 'skipped', reason, modules: [], ...extra }) };
  }
  const runner = await chooseProofRunner(target, {
    python: params.python,
    sysroot: params.sysroot,
    bytecodePython: params.bytecodePython,
    env: params.env,
    log,
    ...('hostArch' in params ? { hostArch: params.hostArch } : {}),
  });
  if (runner.mode === 'skipped') {
    log.info(`Import proof skipped: ${runner.reason}`);
    return { done: Promise.resolve({ status: 'skipped', reason: runner.reason, modules: [], ...extra }) };
  }
  const scratch = await mkdtemp(join(params.workDir, 'import-proof-'));
  // Called now: an async function runs up to its first await, which is after the spawn.
  return { done: runImportProof(params, runner, wanted, extra, scratch) };
}

async function runImportProof(
  params: ImportProofParams,
  runner: Exclude<ProofRunner, { mode: 'skipped' }>,
  wanted: readonly Wanted[],
  extra: { withoutModules?: string[] },
  scratch: string,
): Promise<ImportProofReport> {
  const { target, log } = params;
  const started = Date.now();
  let result: Awaited<ReturnType<typeof runProcess>>;
  try {
    // -I: no PYTHON* variables, no user site, no script directory on sys.path; -S: no site
    // module (Lambda reads /opt/python through PYTHONPATH, so its .pth files do not run there
    // either); -B: nothing is written into the finished tree.
    const { command, args } = runnerCommand(runner, [
      '-I',
      '-S',
      '-B',
      programPath('layer/import-proof/import_proof.py'),
      params.pythonDir,
    ]);
    log.debug(`${command} ${args.join(' ')}`);
    result = await runProcess(command, args, {
      cwd: scratch,
      env: proofEnv(runner, scratch, params.env),
      timeoutMs: params.timeoutMs ?? PROOF_TIMEOUT_MS,
      input: JSON.stringify(wanted),
    }).catch((error: unknown) => {
      throw unusableInterpreter(
        runner,
        target,
        `does not run: ${error instanceof Error ? error.message : error}`,
      );
    });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  const durationMs = Date.now() - started;
  const { header, started: begun, outcomes } = parseReport(result.stdout);

  if (!header) {
    throw unusableInterpreter(
      runner,
      target,
      `did not start (exit ${result.code ?? result.signal}):\n${tail(result.output, 15)}`,
    );
  }
  if (
    header.python.split('.').slice(0, 2).join('.') !== target.pythonVersion ||
    header.machine !== target.wheelArch
  ) {
    throw unusableInterpreter(
      runner,
      target,
      `is Python ${header.python} on ${header.machine}; the target is Python ${target.pythonVersion} on ${target.wheelArch}`,
    );
  }
  const where = describeRunner(runner, header);
  const distributionOf = new Map(wanted.map((w) => [w.module, w.distribution]));
  const { failed, needsExtra } = sortOutcomes(outcomes, wanted, params.pythonDir);
  const crashed = begun.length > outcomes.length ? begun[outcomes.length] : undefined;
  // The tracebacks are for --verbose: the warning or error line says what failed and why.
  for (const outcome of outcomes.filter((o) => !o.ok)) {
    log.debug(
      `import ${outcome.module} (${distributionOf.get(outcome.module)}):\n${layerPaths(outcome.traceback ?? outcome.error ?? '', params.pythonDir)}`,
    );
  }
  for (const item of needsExtra) log.warn(needsExtraWarning(item));
  if (crashed || result.timedOut || failed.length > 0) {
    log.debug(`import proof interpreter: ${where}`);
    const problems = [
      ...(crashed
        ? [
            `${distributionOf.get(crashed)}: import ${crashed} ${result.timedOut ? `did not finish within ${Math.round((params.timeoutMs ?? PROOF_TIMEOUT_MS) / 1000)} s` : `crashed the interpreter (${result.signal ?? `exit ${result.code}`})`}`,
          ]
        : []),
      ...failed.map(
        (f) =>
          `${distributionOf.get(f.module)}: import ${f.module} raised ${layerPaths(f.error ?? '', params.pythonDir)}${explainSharedObject(f.error ?? '', target)}`,
      ),
    ];
    if (crashed) log.debug(layerPaths(tail(result.output, 20), params.pythonDir));
    throw new UserError(
      `import proof failed on ${target.runtime} ${target.wheelArch} with ${shortRunner(runner, header)}: ${problems.join('; ')}`,
      {
        hint: failureHint(failed, Boolean(crashed || result.timedOut), runner.mode, target, (f) =>
          explainSharedObject(f.error ?? '', target).includes('the target CPU is'),
        ),
      },
    );
  }
  const modules: ProvenModule[] = outcomes
    .filter((o) => o.ok)
    .map((o) => ({
      distribution: distributionOf.get(o.module) ?? '',
      module: o.module,
      ms: o.ms,
    }));
  const distributions = new Set(modules.map((m) => m.distribution)).size;
  log.info(
    `Imported ${modules.length} module(s) of ${distributions} distribution(s) with ${where} in ${(durationMs / 1000).toFixed(1)}s`,
  );
  return {
    status: 'passed',
    mode: runner.mode,
    interpreter: { path: runner.interpreter, version: header.python, machine: header.machine },
    ...(runner.mode === 'emulated'
      ? { emulator: { path: runner.emulator, ...(runner.sysroot ? { sysroot: runner.sysroot } : {}) } }
      : {}),
    modules,
    ...(needsExtra.length > 0
      ? { needsExtra: needsExtra.map(({ outcome: _outcome, ...item }) => item) }
      : {}),
    ...extra,
    durationMs,
  };
}
