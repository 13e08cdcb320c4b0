/**
 * Typed errors decide how a failure is reported: a UserError is the user's to fix and is
 * printed as one clear message (no stack); anything else is a bug and keeps its stack.
 */

/** Where in a user's file a problem is, so the action can annotate that line. */
export interface SourceLocation {
  readonly file: string;
  readonly line?: number;
}

/** A failure the user can act on. `hint` says what to do; `location` the line to annotate. */
export class UserError extends Error {
  readonly hint?: string;
  readonly location?: SourceLocation;
  constructor(message: string, options: { hint?: string; cause?: unknown; location?: SourceLocation } = {}) {
    super(message, { cause: options.cause });
    this.name = 'UserError';
    this.hint = options.hint;
    this.location = options.location;
  }
}

/** A bad value for a named input (action input or CLI flag). */
export class InputError extends UserError {
  readonly input: string;
  constructor(input: string, message: string, options: { hint?: string } = {}) {
    super(`Input "${input}": ${message}`, options);
    this.name = 'InputError';
    this.input = input;
  }
}

/** A requirement that cannot be satisfied for the target. */
export class ResolutionError extends UserError {
  readonly packageName?: string;
  constructor(
    message: string,
    options: { hint?: string; packageName?: string; location?: SourceLocation; cause?: unknown } = {},
  ) {
    super(message, options);
    this.name = 'ResolutionError';
    this.packageName = options.packageName;
  }
}

export function describeError(error: unknown): string {
  if (error instanceof UserError) {
    return error.hint ? `${error.message}\n  -> ${error.hint}` : error.message;
  }
  if (error instanceof Error) return error.stack ?? error.message;
  return String(error);
}
