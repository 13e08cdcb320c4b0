/** What a lock file selects for the target, whatever its format: packages pinned to files. */
import type { SourceLocation } from '../../errors.js';

/** The formats the layer's input may have, named by file (input-file.ts says which name is which). */
export type InputFormat =
  | 'requirements'
  | 'pyproject'
  | 'pylock'
  | 'uv-lock'
  | 'poetry-lock'
  | 'pipfile-lock';

/** One file a lock lists for a package. */
export interface LockedFile {
  /** File name, e.g. "six-1.17.0-py2.py3-none-any.whl" or "six-1.17.0.tar.gz". */
  readonly filename: string;
  /** Lowercase hex, when the lock records it. */
  readonly sha256?: string;
}

/** A package the lock selects for the target, with every file the lock lists for it. */
export interface LockedPackage {
  /** PEP 503 normalized. */
  readonly name: string;
  readonly version: string;
  readonly wheels: readonly LockedFile[];
  readonly sdist?: LockedFile;
  /** sha256 hashes the lock records without file names (Pipfile.lock): pip picks the fitting file. */
  readonly hashesOnly?: readonly string[];
  /** The lock entry (file and line of its table where the format allows). */
  readonly location: SourceLocation;
}

export interface LockSelection {
  readonly format: InputFormat;
  /** Absolute path of the lock file. */
  readonly file: string;
  readonly packages: readonly LockedPackage[];
  /**
   * The project's own direct dependencies (normalized names), when the lock says which they are;
   * undefined when it does not (pylock.toml, Pipfile.lock): the installed graph tells then.
   */
  readonly direct?: readonly string[];
}

/** What the user chose beyond the main dependencies. */
export interface SelectionChoices {
  /** Optional-dependency extras of the project (normalized names). */
  readonly extras: readonly string[];
  /** Dependency groups (normalized names); none means the main dependencies only. */
  readonly groups: readonly string[];
}
