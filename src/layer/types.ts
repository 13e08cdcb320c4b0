/**
 * Typed data passed between build stages. Every stage takes plain data and returns plain data
 * plus the side effect it owns; the manifest is the record of all of them.
 */

import type { InputFormat } from '../resolve/lock/types.js';
import type { PackageEntry, SdistPolicy } from '../resolve/types.js';
import type { MarkerEnvironment, Target } from '../target.js';
import type { VerificationReport } from '../verify/types.js';
import type { LayerArchive } from '../zip/writer.js';

export interface SlimOptions {
  /** Extra glob patterns (relative to python/) to remove. */
  readonly exclude: readonly string[];
  /** Glob patterns that are never removed, even when a slim rule matches. */
  readonly keep: readonly string[];
}

export interface BuildOptions {
  /**
   * The input: a requirements file, pyproject.toml or lock file (format by name), or a
   * directory to find one in (resolve/layer-input.ts AUTO_DETECT_ORDER).
   */
  readonly requirementsFile: string;
  /** When requirementsFile is a directory with no input in it: the next place to look (the action's workspace). */
  readonly inputFallbackDir?: string;
  /** Extras of the project to install (pyproject.toml, uv.lock, poetry.lock, pylock.toml). */
  readonly extras?: readonly string[];
  /** Dependency groups to install besides the main dependencies (default: none). */
  readonly groups?: readonly string[];
  /**
   * Where pip runs and relative requirement paths (`./pkg`) resolve, as pip resolves them: the
   * directory the user runs from (the workspace, in the action). Default: the process's cwd.
   */
  readonly projectDir?: string;
  readonly target: Target;
  /** Where layer.zip and manifest.json are written. */
  readonly outDir: string;
  readonly indexUrl?: string;
  readonly extraIndexUrls: readonly string[];
  readonly findLinks: readonly string[];
  /** Interpreter that runs the pinned pip (any Python it supports); found when absent. */
  readonly python?: string;
  /** Compile bytecode for the target interpreter. */
  readonly bytecode: boolean;
  /** Interpreter of exactly the target's minor version; found when absent. */
  readonly bytecodePython?: string;
  /** Opt-in removal of files the runtime never loads; undefined = off. */
  readonly slim?: SlimOptions;
  readonly sdist: SdistPolicy;
  /** Import the direct requirements' modules on the target CPU before archiving (default true). */
  readonly importProof?: boolean;
  /** Interpreter of the target's Python for the target's CPU (for emulation: under the sysroot). */
  readonly importProofPython?: string;
  /** Root qemu-user resolves that interpreter's libraries in (`qemu-aarch64-static -L DIR`). */
  readonly importProofSysroot?: string;
  /** Write the CycloneDX SBOM (layer.cdx.json) beside layer.zip (default true). */
  readonly sbom?: boolean;
  /**
   * SPDX licence ids the layer may not need (sbom/license-policy.ts), and the input that named
   * them (`--deny-licenses`, `deny-licenses`) for the error. Checked on a cache hit too.
   */
  readonly licensePolicy?: { readonly deny: readonly string[]; readonly input: string };
  /** Build for a runtime past AWS's block-function-update date (target.ts runtimeLifecycleWarning). */
  readonly allowDeprecatedRuntime?: boolean;
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
  /** Modules whose pyc came from the per-wheel bytecode cache (when it is used). */
  readonly fromCache?: number;
  /** Modules of packages' test suites (layer/package-tests.ts), shipped without bytecode. */
  readonly testModules?: number;
}

/** How the packages were chosen: the pinned pip and the marker environment it evaluated. */
export interface ResolverReport {
  readonly pip: string;
  readonly markerEnvironment: MarkerEnvironment;
}

export interface SlimReport {
  /** Layer paths removed; a path ending in "/" is a whole directory. */
  readonly removedFiles: readonly string[];
  readonly bytesSaved: number;
  /** Number of files removed (directories count their files). */
  readonly removedFileCount?: number;
  /** Files a slim rule named that stayed because a kept module imports them (layer paths). */
  readonly keptForImports?: readonly { readonly file: string; readonly importedBy: string }[];
}

/** One module the import proof imported. */
export interface ProvenModule {
  readonly distribution: string;
  readonly module: string;
  /** Wall time of the import (under emulation: of the emulated import). */
  readonly ms: number;
}

/**
 * A module shipped beside a distribution's own package that did not import only because what it
 * needs comes with an extra that was not asked for (duckdb's adbc_driver_duckdb, which needs
 * adbc-driver-manager from duckdb[all]): a warning, not a failure (layer/import-proof/extras.ts).
 */
export interface ModuleNeedingExtra {
  readonly distribution: string;
  readonly module: string;
  /** The module its import did not find (adbc_driver_manager). */
  readonly missing: string;
  /** The distribution that provides it (adbc-driver-manager), declared under `extras`. */
  readonly requirement: string;
  readonly extras: readonly string[];
}

/**
 * The import proof's record. A failed proof fails the build, so the manifest only ever holds a
 * proof that passed, one that was skipped (no way to run the target's CPU here) or turned off.
 */
export interface ImportProofReport {
  readonly status: 'passed' | 'skipped' | 'off';
  /** Why it was skipped or off. */
  readonly reason?: string;
  /** Natively on this machine's CPU, or under user-mode emulation. */
  readonly mode?: 'native' | 'emulated';
  readonly interpreter?: { readonly path: string; readonly version: string; readonly machine: string };
  /** The emulator (qemu-user) and its sysroot, when emulated. */
  readonly emulator?: { readonly path: string; readonly sysroot?: string };
  readonly modules: readonly ProvenModule[];
  /** Modules beside a distribution's own package that need an extra not asked for (warned about). */
  readonly needsExtra?: readonly ModuleNeedingExtra[];
  /** Directly required distributions with no importable module (data or stubs only). */
  readonly withoutModules?: readonly string[];
  /** Wall time of the whole proof, interpreter start included. */
  readonly durationMs?: number;
}

/** What a cache hit took from the cache, and from which build (Manifest.cache). */
export interface LayerCacheRecord {
  readonly hit: true;
  readonly key: string;
  /** The input of the build that made the cached layer (absent for entries from before inputs were recorded). */
  readonly builtFrom?: { readonly file: string; readonly format: InputFormat };
  /** What this build took from the cache rather than doing. */
  readonly taken: readonly string[];
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
  /** sha256 of the normalized requirements with includes resolved (for a lock: of what it selects). */
  readonly requirementsHash: string;
  /** The file the layer was built from and its format (absent in manifests written before locks were read). */
  readonly input?: { readonly file: string; readonly format: InputFormat };
  /**
   * Present when layer.zip came from the layer cache: nothing was resolved, compiled, verified
   * or imported in this build. packages, resolver, bytecode, verification and importProof are
   * then the records of the build that made the zip, from `builtFrom`.
   */
  readonly cache?: LayerCacheRecord;
  readonly packages: readonly PackageEntry[];
  /** Absent in manifests written before the pinned pip. */
  readonly resolver?: ResolverReport;
  readonly layer: LayerArchive;
  readonly bytecode: BytecodeReport;
  readonly verification?: VerificationReport;
  readonly slim?: SlimReport;
  readonly importProof?: ImportProofReport;
}
