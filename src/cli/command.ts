/** The shape every `lambda-layer <command>` implements. */
import type { Logger } from '../log.js';

export interface CliIO {
  /** Machine-readable output (e.g. --json). Human progress goes to `log` (stderr). */
  readonly stdout: NodeJS.WritableStream;
  readonly log: Logger;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

export interface Command {
  /** Full usage text shown by `lambda-layer <command> --help` and on a usage error. */
  readonly usage: string;
  /** Returns the process exit code; throws UserError for failures the user can fix. */
  run(argv: readonly string[], io: CliIO): Promise<number>;
}
