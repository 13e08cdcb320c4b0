/**
 * Typed errors decide how a failure is reported: a UserError is the user's to fix and is
 * printed as one clear message (no stack); anything else is a bug and keeps its stack.
 */

/** Where in a user's file a problem is, so the action can annotate that line. */
export interface SourceLocation {
  readonly file: string;
  readonly line?: number;
}

/**
 * How an entry names its inputs in messages: the action says `Input "region"` and
 * `role-to-assume`, the CLI `--region` and `--role-to-assume`. A message that names an input is
 * written as a Phrase (a function of the naming), so one error reads right in both.
 */
export interface InputNaming {
  /** The input as a word in a sentence: `role-to-assume` (action), `--role-to-assume` (CLI). */
  name(input: string): string;
  /** The input as the subject of an error: `Input "region"` (action), `--region` (CLI). */
  subject(input: string): string;
}

/** The action's words, and the default wherever no entry says otherwise. */
export const ACTION_NAMING: InputNaming = {
  name: (input) => input,
  // A caller that already passes a flag (`--sdist`) gets it back as it is.
  subject: (input) => (input.startsWith('-') ? input : `Input "${input}"`),
};

/** A message as plain text, or as text that names inputs through the entry's naming. */
export type Phrase = string | ((naming: InputNaming) => string);

function say(phrase: Phrase, naming: InputNaming): string {
  return typeof phrase === 'string' ? phrase : phrase(naming);
}

/** A failure the user can act on. `hint` says what to do; `location` the line to annotate. */
export class UserError extends Error {
  readonly hint?: string;
  readonly location?: SourceLocation;
  /** The message and hint as given, for an entry that names inputs its own way (describe()). */
  private readonly phrases: { readonly message: Phrase; readonly hint?: Phrase };
  constructor(message: Phrase, options: { hint?: Phrase; cause?: unknown; location?: SourceLocation } = {}) {
    super(say(message, ACTION_NAMING), { cause: options.cause });
    this.name = 'UserError';
    this.hint = options.hint === undefined ? undefined : say(options.hint, ACTION_NAMING);
    this.location = options.location;
    this.phrases = { message, hint: options.hint };
  }

  /** Message and hint in an entry's words (the CLI's flags, the action's inputs). */
  describe(naming: InputNaming = ACTION_NAMING): { message: string; hint?: string } {
    const { message, hint } = this.phrases;
    return { message: say(message, naming), hint: hint === undefined ? undefined : say(hint, naming) };
  }
}

/** A bad value for a named input (action input or CLI flag). */
export class InputError extends UserError {
  readonly input: string;
  constructor(input: string, message: Phrase, options: { hint?: Phrase } = {}) {
    super((naming) => `${naming.subject(input)}: ${say(message, naming)}`, options);
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

export function describeError(error: unknown, naming: InputNaming = ACTION_NAMING): string {
  if (error instanceof UserError) {
    const { message, hint } = error.describe(naming);
    return hint ? `${message}\n  -> ${hint}` : message;
  }
  if (error instanceof Error) return error.stack ?? error.message;
  return String(error);
}
