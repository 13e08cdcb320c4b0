/**
 * Where the import proof runs: on the target's CPU, with an interpreter of the target's Python
 * version. Natively when this machine's CPU is the target's (any Python X.Y found on the host,
 * as for bytecode); otherwise under user-mode emulation (qemu-user: `qemu-aarch64-static -L
 * SYSROOT SYSROOT/usr/bin/python3.11`), which needs the emulator on PATH and a target-CPU
 * interpreter configured; when neither is possible, a reason to print instead.
 */
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { InputError } from '../../errors.js';
import type { Logger } from '../../log.js';
import { findInterpreter } from '../../resolve/interpreters.js';
import type { Target, WheelArch } from '../../target.js';

export const PROOF_PYTHON_INPUT = 'import-proof-python';
export const PROOF_SYSROOT_INPUT = 'import-proof-sysroot';
/** Environment fallbacks for the two inputs, so a machine can be set up once for every build. */
export const PROOF_PYTHON_ENV = 'LAMBDA_LAYER_IMPORT_PROOF_PYTHON';
export const PROOF_SYSROOT_ENV = 'LAMBDA_LAYER_IMPORT_PROOF_SYSROOT';

export interface ProofWhereOptions {
  /** Interpreter of the target's Python version for the target's CPU (import-proof-python). */
  readonly python?: string;
  /** Root the emulator resolves the interpreter's libraries in (import-proof-sysroot). */
  readonly sysroot?: string;
  /** Interpreter of the target's version already chosen for bytecode: reused natively. */
  readonly bytecodePython?: string;
  readonly env: NodeJS.ProcessEnv;
  readonly log: Logger;
  /** The machine's CPU as wheels name it; default from process.arch. */
  readonly hostArch?: WheelArch | undefined;
}

export type ProofRunner =
  | {
      readonly mode: 'native';
      readonly interpreter: string;
      /** Named by an input (its failures blame that input) rather than found. */
      readonly configured: boolean;
    }
  | {
      readonly mode: 'emulated';
      readonly interpreter: string;
      readonly emulator: string;
      readonly sysroot?: string;
      readonly configured: true;
    }
  | { readonly mode: 'skipped'; readonly reason: string };

/** The CPU Node runs on, as wheels and ELF name it; undefined for CPUs Lambda does not have. */
export function hostWheelArch(arch: string = process.arch): WheelArch | undefined {
  if (arch === 'x64') return 'x86_64';
  if (arch === 'arm64') return 'aarch64';
  return undefined;
}

/** The command line that runs `interpreter ARGS` the way the runner says. */
export function runnerCommand(
  runner: Exclude<ProofRunner, { mode: 'skipped' }>,
  args: readonly string[],
): { command: string; args: string[] } {
  if (runner.mode === 'native') return { command: runner.interpreter, args: [...args] };
  return {
    command: runner.emulator,
    args: [...(runner.sysroot ? ['-L', runner.sysroot] : []), runner.interpreter, ...args],
  };
}

function firstOnPath(names: readonly string[], env: NodeJS.ProcessEnv): string | undefined {
  const dirs = (env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const name of names) {
    for (const dir of dirs) {
      if (existsSync(join(dir, name))) return join(dir, name);
    }
  }
  return undefined;
}

/** The configured target interpreter: the input, else the sysroot's own /usr/bin/pythonX.Y. */
function configuredInterpreter(
  target: Target,
  python: string | undefined,
  sysroot: string | undefined,
): string | undefined {
  if (sysroot && !existsSync(sysroot)) {
    throw new InputError(PROOF_SYSROOT_INPUT, `${sysroot} does not exist`, {
      hint: `point it at the root the ${target.wheelArch} interpreter's libraries are unpacked in, or leave it empty`,
    });
  }
  if (python) {
    // Under qemu -L, an absolute path is looked up in the sysroot first.
    if (!existsSync(python) && !(sysroot && existsSync(join(sysroot, python)))) {
      throw new InputError(PROOF_PYTHON_INPUT, `${python} does not exist`, {
        hint: `give the path of a Python ${target.pythonVersion} interpreter for ${target.wheelArch}`,
      });
    }
    return python;
  }
  if (!sysroot) return undefined;
  const inSysroot = join(sysroot, 'usr', 'bin', `python${target.pythonVersion}`);
  if (!existsSync(inSysroot)) {
    throw new InputError(PROOF_SYSROOT_INPUT, `${sysroot} has no usr/bin/python${target.pythonVersion}`, {
      hint: `unpack a Python ${target.pythonVersion} for ${target.wheelArch} there, or name its interpreter with ${PROOF_PYTHON_INPUT}`,
    });
  }
  return inSysroot;
}

export async function chooseProofRunner(target: Target, options: ProofWhereOptions): Promise<ProofRunner> {
  const { env, log } = options;
  const python = options.python || env[PROOF_PYTHON_ENV] || undefined;
  const sysroot = options.sysroot || env[PROOF_SYSROOT_ENV] || undefined;
  const host = 'hostArch' in options ? options.hostArch : hostWheelArch();

  if (host === target.wheelArch) {
    if (python)
      return {
        mode: 'native',
        interpreter: configuredInterpreter(target, python, undefined) ?? python,
        configured: true,
      };
    const found = await findInterpreter(target.pythonVersion, options.bytecodePython, {
      log,
      env,
      inputName: 'bytecode-python',
    });
    if (found) return { mode: 'native', interpreter: found.path, configured: false };
    return {
      mode: 'skipped',
      reason: `no Python ${target.pythonVersion} interpreter found on PATH, in the runner tool cache or in pyenv (install Python ${target.pythonVersion}, e.g. with actions/setup-python)`,
    };
  }

  const interpreter = configuredInterpreter(target, python, sysroot);
  const emulatorNames = [`qemu-${target.wheelArch}-static`, `qemu-${target.wheelArch}`];
  const emulator = firstOnPath(emulatorNames, env);
  const hostName = host ?? process.arch;
  if (!interpreter || !emulator) {
    const missing = [
      ...(emulator ? [] : [`no ${emulatorNames.join(' or ')} on PATH (Debian/Ubuntu: qemu-user-static)`]),
      ...(interpreter
        ? []
        : [
            `no ${target.wheelArch} Python ${target.pythonVersion} configured (${PROOF_PYTHON_INPUT} / ${PROOF_SYSROOT_INPUT}, or ${PROOF_PYTHON_ENV} / ${PROOF_SYSROOT_ENV})`,
          ]),
    ];
    return {
      mode: 'skipped',
      reason: `the target CPU is ${target.wheelArch} and this machine is ${hostName}; ${missing.join('; ')}; build on an ${target.wheelArch} machine to prove imports natively`,
    };
  }
  return { mode: 'emulated', interpreter, emulator, ...(sysroot ? { sysroot } : {}), configured: true };
}
