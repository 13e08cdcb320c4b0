/**
 * Typed data passed between build stages. Every stage takes plain data and returns plain data
 * plus the side effect it owns; the manifest is the record of all of them.
 */
import type { Target } from '../target.js';

export type SdistPolicy = 'pure' | 'never';

export interface SlimOptions {
  /** Extra glob patterns (relative to python/) to remove. */
  readonly exclude: readonly string[];
  /** Glob patterns that are never removed, even when a slim rule matches. */
  readonly keep: readonly string[];
}

export interface BuildOptions {
  readonly requirementsFile: string;
  readonly target: Target;
  /** Where layer.zip and manifest.json are written. */
  readonly outDir: string;
  readonly indexUrl?: string;
  readonly extraIndexUrls: readonly string[];
  readonly findLinks: readonly string[];
  /** Interpreter that drives pip (any Python >= 3.8 with pip >= 20.3); found when absent. */
  readonly python?: string;
  /** Compile bytecode for the target interpreter. */
  readonly bytecode: boolean;
  /** Interpreter of exactly the target's minor version; found when absent. */
  readonly bytecodePython?: string;
  /** Opt-in removal of files the runtime never loads; undefined = off. */
  readonly slim?: SlimOptions;
  readonly sdist: SdistPolicy;
}

/** One installed distribution, from pip's --report. */
export interface PackageEntry {
  readonly name: string;
  readonly version: string;
  /** Wheel file name pip installed (or built from an sdist). */
  readonly wheel: string;
  /** Platform/ABI tags from the wheel file name, e.g. "cp311-cp311-manylinux_2_17_x86_64". */
  readonly tags: string;
  /** sha256 of the wheel as the index reported it (hex), when known. */
  readonly sha256?: string;
  /** Bytes this distribution occupies in python/ (unzipped). */
  readonly size: number;
  /** True when the wheel was built on the host from a pure-Python sdist. */
  readonly builtFromSource?: boolean;
  readonly requested: boolean;
}

export interface LayerArchive {
  /** File name inside outDir. */
  readonly file: string;
  readonly sha256: string;
  /** base64(sha256(zip bytes)): what Lambda reports as CodeSha256. */
  readonly codeSha256: string;
  readonly zipSize: number;
  readonly unzippedSize: number;
  readonly fileCount: number;
}

export interface BytecodeReport {
  readonly compiled: number;
  /** Interpreter path and version that compiled, or undefined when no bytecode shipped. */
  readonly interpreter?: { readonly path: string; readonly version: string };
  readonly mode: 'unchecked-hash' | 'none';
  /** Why no bytecode was shipped, when mode is "none". */
  readonly reason?: string;
  /** Stale/foreign .pyc files removed before compiling. */
  readonly removed: number;
  /** Layer paths (python/...) of .py files the interpreter could not compile (shipped without bytecode). */
  readonly failed?: readonly string[];
}

export interface VerificationFinding {
  /** Path inside the zip, e.g. python/numpy/core/_multiarray_umath.cpython-311-x86_64-linux-gnu.so */
  readonly file: string;
  readonly problem: string;
  /** Which rule the file broke; picks the hint. */
  readonly rule?: VerificationRule;
}

export type VerificationRule =
  | 'glibc'
  | 'libstdcxx'
  | 'architecture'
  | 'windows'
  | 'macos'
  | 'musl'
  | 'python-abi'
  | 'layout'
  | 'size';

export interface VerificationReport {
  readonly ok: boolean;
  readonly checkedBinaries: number;
  readonly findings: readonly VerificationFinding[];
  readonly warnings: readonly string[];
  /** Ten largest top-level packages by unzipped bytes. */
  readonly largest: readonly { readonly name: string; readonly size: number }[];
  /** Sum of the layer's file sizes (what Lambda counts against the unzipped limit). */
  readonly unzippedSize?: number;
  /** Size of layer.zip, when a zip was verified. */
  readonly zipSize?: number;
}

export interface SlimReport {
  /** Layer paths removed; a path ending in "/" is a whole directory. */
  readonly removedFiles: readonly string[];
  readonly bytesSaved: number;
  /** Number of files removed (directories count their files). */
  readonly removedFileCount?: number;
}

export interface Manifest {
  readonly schemaVersion: 1;
  readonly tool: { readonly name: string; readonly version: string };
  readonly target: {
    readonly runtime: string;
    readonly architecture: string;
    readonly pythonVersion: string;
    readonly os: string;
    readonly glibc: string;
    readonly platformTags: readonly string[];
  };
  /** sha256 of the normalized requirements with includes resolved. */
  readonly requirementsHash: string;
  readonly packages: readonly PackageEntry[];
  readonly layer: LayerArchive;
  readonly bytecode: BytecodeReport;
  readonly verification?: VerificationReport;
  readonly slim?: SlimReport;
}
