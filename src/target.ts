/**
 * The one home of Lambda facts: the Python runtime catalog, the service's size limits and the pip
 * flags that select wheels for a runtime. Pure and table-driven: no I/O, so every fact here is
 * tested without mocks. Everything else imports these; no other file writes a Lambda number.
 */
import { InputError } from './errors.js';

export type Architecture = 'x86_64' | 'arm64';
export type WheelArch = 'x86_64' | 'aarch64';

export interface GlibcVersion {
  readonly major: number;
  readonly minor: number;
}

export interface RuntimeFacts {
  readonly runtime: string;
  readonly pythonVersion: string;
  /**
   * The runtime's patch level, for `python_full_version` markers and Requires-Python. Lambda
   * patches its runtimes itself, so this is one documented point (see PATCH_LEVELS), recorded in
   * every manifest, and not a promise about the running function.
   */
  readonly pythonFullVersion: string;
  readonly os: 'Amazon Linux 2' | 'Amazon Linux 2023';
  readonly glibc: GlibcVersion;
  /** Newest libstdc++ symbol versions the OS's libstdc++.so.6 exports. */
  readonly glibcxx: string;
  readonly cxxabi: string;
  /** AWS's published end-of-support dates for the runtime (RUNTIME_LIFECYCLE). */
  readonly lifecycle: RuntimeLifecycle;
}

/**
 * The three dates of AWS's deprecation table, as ISO dates (UTC days). Undefined: AWS's table,
 * as read for this file, gives no date yet.
 */
export interface RuntimeLifecycle {
  /** Deprecation: no more security patches, no technical support. */
  readonly deprecation?: string;
  /** From this day Lambda refuses to create functions on the runtime. */
  readonly blockCreate?: string;
  /** From this day Lambda refuses to update functions on the runtime. */
  readonly blockUpdate?: string;
}

export interface Target extends RuntimeFacts {
  readonly architecture: Architecture;
  readonly wheelArch: WheelArch;
}

// Lambda runtimes: https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html
// Amazon Linux 2 ships glibc 2.26 and GCC 7.3's libstdc++ (GLIBCXX_3.4.24, CXXABI_1.3.11);
// Amazon Linux 2023 ships glibc 2.34 and GCC 11's libstdc++ (GLIBCXX_3.4.29, CXXABI_1.3.13).
const AL2 = {
  os: 'Amazon Linux 2',
  glibc: { major: 2, minor: 26 },
  glibcxx: '3.4.24',
  cxxabi: '1.3.11',
} as const;
const AL2023 = {
  os: 'Amazon Linux 2023',
  glibc: { major: 2, minor: 34 },
  glibcxx: '3.4.29',
  cxxabi: '1.3.13',
} as const;

// Patch levels: the newest upstream CPython release of each minor line when this table was
// written (python.org/downloads: 3.9.23, 3.10.18, 3.11.13, 3.12.11 and 3.13.5 of 2025-06-03;
// 3.14.0 of 2025-10-07). Lambda rolls patch releases into its managed runtimes on its own schedule
// (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-update.html), so a running function may
// be a patch or two behind or ahead; `sys.version` inside a function shows the live one. Only
// `python_full_version` markers and patch-level Requires-Python pins ("!=3.12.0") can notice.
// Not checked against a live Lambda runtime from this repository (no AWS access here).
const PATCH_LEVELS: Record<string, string> = {
  '3.9': '3.9.23',
  '3.10': '3.10.18',
  '3.11': '3.11.13',
  '3.12': '3.12.11',
  '3.13': '3.13.5',
  '3.14': '3.14.0',
  // 3.15.0, the first release of the line (final scheduled for October 2026 by its release
  // schedule, PEP 790); python3.15 joined Lambda in November 2026 (aws-lambda-builders 1.69.0,
  // "add Python 3.15 runtime"), and which 3.15.x it runs now is not documented in anything read
  // for this table: 3.15.0 is the documented point, like 3.14.0 above.
  '3.15': '3.15.0',
};

// AWS's dates per runtime: "Supported runtimes" and "Deprecated runtimes" tables of
// https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html (Deprecation date, Block
// function create, Block function update). AWS moves them (python3.9's block dates moved twice:
// 2026-06-01 / 2026-07-01, then 2027-02-01 / 2027-03-03): check the page when updating. Read on
// 2026-12-06 through the copy cfn-lint keeps of that table
// (aws-cloudformation/cfn-lint src/cfnlint/data/AdditionalSpecs/LmbdRuntimeLifecycle.json,
// commit afd7953 "Update Lambda runtime lifecycle dates from AWS docs", 2026-06-02); the page
// itself could only be read in excerpts here. python3.9's deprecation (2025-12-15) is also in
// AWS's notice to its users (quoted in e.g. github.com/data-dot-all/dataall/issues/1842).
// python3.15 has no date in what could be read: none is written (never a guess).
const RUNTIME_LIFECYCLE: Record<string, RuntimeLifecycle> = {
  '3.9': { deprecation: '2025-12-15', blockCreate: '2027-02-01', blockUpdate: '2027-03-03' },
  '3.10': { deprecation: '2026-10-31', blockCreate: '2027-02-01', blockUpdate: '2027-03-03' },
  '3.11': { deprecation: '2027-06-30', blockCreate: '2027-07-31', blockUpdate: '2027-08-31' },
  '3.12': { deprecation: '2028-10-31', blockCreate: '2028-11-30', blockUpdate: '2029-01-10' },
  '3.13': { deprecation: '2029-06-30', blockCreate: '2029-07-31', blockUpdate: '2029-08-31' },
  '3.14': { deprecation: '2029-06-30', blockCreate: '2029-07-31', blockUpdate: '2029-08-31' },
  '3.15': {},
};

const runtime = (pythonVersion: string, os: typeof AL2 | typeof AL2023): RuntimeFacts => ({
  runtime: `python${pythonVersion}`,
  pythonVersion,
  pythonFullVersion: PATCH_LEVELS[pythonVersion] ?? `${pythonVersion}.0`,
  ...os,
  lifecycle: RUNTIME_LIFECYCLE[pythonVersion] ?? {},
});

/** Oldest first: the order help texts and the runtime table list them in. */
export const RUNTIMES: readonly RuntimeFacts[] = [
  runtime('3.9', AL2),
  runtime('3.10', AL2),
  runtime('3.11', AL2),
  runtime('3.12', AL2023),
  runtime('3.13', AL2023),
  runtime('3.14', AL2023),
  runtime('3.15', AL2023),
];

/** Where a runtime stands on `today`, by AWS's dates. */
export type RuntimeStatus = 'supported' | 'deprecated' | 'create-blocked' | 'update-blocked';

/** The UTC day of `date` as YYYY-MM-DD, the form the lifecycle dates are written in. */
export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function runtimeStatus(facts: RuntimeFacts, today: Date = new Date()): RuntimeStatus {
  const day = isoDay(today);
  const { deprecation, blockCreate, blockUpdate } = facts.lifecycle;
  if (blockUpdate && day >= blockUpdate) return 'update-blocked';
  if (blockCreate && day >= blockCreate) return 'create-blocked';
  if (deprecation && day >= deprecation) return 'deprecated';
  return 'supported';
}

/**
 * What to say about building for `facts` on `today`: nothing while AWS supports it; a warning
 * with its dates and where to move once deprecated; an InputError once Lambda refuses to update
 * functions on it, unless `allowDeprecated` (the layer could then only serve functions that
 * already exist and never change).
 */
export function runtimeLifecycleWarning(
  facts: RuntimeFacts,
  options: { readonly today?: Date; readonly allowDeprecated?: boolean } = {},
): string | undefined {
  const today = options.today ?? new Date();
  const status = runtimeStatus(facts, today);
  if (status === 'supported') return undefined;
  const { deprecation, blockCreate, blockUpdate } = facts.lifecycle;
  const day = isoDay(today);
  const when = (date: string | undefined, what: string): string =>
    date ? `${what} ${date <= day ? 'since' : 'from'} ${date}` : `${what}: no date published`;
  const moveTo = RUNTIMES.filter(
    (r) => r.pythonVersion !== facts.pythonVersion && runtimeStatus(r, today) === 'supported',
  ).filter((r) => comparePythonVersions(r.pythonVersion, facts.pythonVersion) > 0);
  const oldest = moveTo[0];
  const newest = moveTo.at(-1);
  const advice = oldest
    ? `move to ${oldest.runtime} or newer${newest && newest !== oldest ? ` (${newest.runtime} is the newest)` : ''}`
    : 'move to a supported runtime';
  const message =
    `${facts.runtime} is deprecated by AWS Lambda (${when(deprecation, 'deprecated')}: no security patches; ` +
    `${when(blockCreate, 'creating functions blocked')}; ${when(blockUpdate, 'updating functions blocked')}); ${advice} ` +
    '(https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html)';
  if (status === 'update-blocked' && !options.allowDeprecated) {
    throw new InputError('runtime', message, {
      hint: `Lambda no longer lets functions on ${facts.runtime} be updated: ${advice}, or build anyway with --allow-deprecated-runtime (action input allow-deprecated-runtime: true) for functions that never change`,
    });
  }
  return message;
}

/** "3.9" < "3.10": by their numbers, not as text. */
function comparePythonVersions(a: string, b: string): number {
  const [aMajor = 0, aMinor = 0] = a.split('.').map(Number);
  const [bMajor = 0, bMinor = 0] = b.split('.').map(Number);
  return aMajor - bMajor || aMinor - bMinor;
}

/**
 * Lambda quotas (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html) state
 * "250 MB" unzipped for a function and all its layers, "50 MB (zipped, for direct upload)" and
 * "5 layers" per function. GetAccountSettings reports the first two in bytes as CodeSizeUnzipped
 * 262,144,000 and CodeSizeZipped 52,428,800
 * (https://docs.aws.amazon.com/lambda/latest/api/API_AccountLimit.html; the example output of
 * https://docs.aws.amazon.com/cli/latest/reference/lambda/get-account-settings.html).
 */
export const LAMBDA_LIMITS = {
  /** Function plus all its layers, extracted: a larger layer can never run. */
  unzippedBytes: 262_144_000,
  /**
   * Largest layer.zip the tool uploads directly (PublishLayerVersion with ZipFile); larger ones go
   * through S3, and the build warns above it. Not CodeSizeZipped (52,428,800) itself: the zip
   * travels base64-encoded inside a JSON body that Lambda caps at 69,905,067 bytes
   * (RequestEntityTooLargeException), so a zip near 52,428,800 bytes is refused once encoding and
   * the JSON around it are added. 50,000,000 keeps a margin, and build warning and publish path
   * agree on it.
   */
  directUploadZipBytes: 50_000_000,
  layersPerFunction: 5,
} as const;

export const DEFAULT_RUNTIME = 'python3.11';
export const DEFAULT_ARCHITECTURE: Architecture = 'x86_64';
export const ARCHITECTURES: readonly Architecture[] = ['x86_64', 'arm64'];

/** Lambda calls it arm64; wheels and ELF call it aarch64. */
const WHEEL_ARCH: Record<Architecture, WheelArch> = { x86_64: 'x86_64', arm64: 'aarch64' };

export function resolveTarget(
  runtime: string = DEFAULT_RUNTIME,
  architecture: string = DEFAULT_ARCHITECTURE,
): Target {
  const facts = RUNTIMES.find((r) => r.runtime === runtime);
  if (!facts) {
    throw new InputError(
      'runtime',
      `unknown Lambda runtime "${runtime}"; choose one of ${RUNTIMES.map((r) => r.runtime).join(', ')}`,
    );
  }
  const arch = normalizeArchitecture(architecture);
  return { ...facts, architecture: arch, wheelArch: WHEEL_ARCH[arch] };
}

function normalizeArchitecture(value: string): Architecture {
  // Accept the wheel/ELF spellings too: users copy them from wheel file names.
  const aliases: Record<string, Architecture> = {
    x86_64: 'x86_64',
    amd64: 'x86_64',
    arm64: 'arm64',
    aarch64: 'arm64',
  };
  const arch = aliases[value.trim().toLowerCase()];
  if (!arch) {
    throw new InputError(
      'architecture',
      `unknown architecture "${value}"; choose ${ARCHITECTURES.join(' or ')}`,
    );
  }
  return arch;
}

export function glibcLabel(glibc: GlibcVersion): string {
  return `${glibc.major}.${glibc.minor}`;
}

// PEP 600 legacy aliases: manylinux1 = glibc 2.5, manylinux2010 = 2.12 (x86 only),
// manylinux2014 = 2.17 (all arches).
const LEGACY_ALIASES: readonly { name: string; minor: number; arches: readonly WheelArch[] }[] = [
  { name: 'manylinux2014', minor: 17, arches: ['x86_64', 'aarch64'] },
  { name: 'manylinux2010', minor: 12, arches: ['x86_64'] },
  { name: 'manylinux1', minor: 5, arches: ['x86_64'] },
];

/**
 * Every platform tag the target can run, most specific first (pip prefers earlier tags).
 * pip matches `--platform` literally, so `manylinux2014_x86_64` alone would reject a wheel
 * tagged only `manylinux_2_26_x86_64`: list each `manylinux_2_N` up to the runtime's glibc.
 * Like pypa/packaging, aarch64 starts at glibc 2.17 (no older aarch64 manylinux exists).
 */
export function platformTags(target: Target): string[] {
  const lowest = target.wheelArch === 'x86_64' ? 5 : 17;
  const tags: string[] = [];
  for (let minor = target.glibc.minor; minor >= lowest; minor--) {
    tags.push(`manylinux_2_${minor}_${target.wheelArch}`);
    for (const alias of LEGACY_ALIASES) {
      if (alias.minor === minor && alias.arches.includes(target.wheelArch)) {
        tags.push(`${alias.name}_${target.wheelArch}`);
      }
    }
  }
  return tags;
}

/** CPython ABI tag of the target interpreter, e.g. cp311. */
export function abiTag(target: Target): string {
  return `cp${target.pythonVersion.replace('.', '')}`;
}

/** PEP 508 environment marker variables, as pip's vendored packaging names them. */
export interface MarkerEnvironment {
  readonly implementation_name: string;
  readonly implementation_version: string;
  readonly os_name: string;
  readonly platform_machine: string;
  readonly platform_release: string;
  readonly platform_system: string;
  readonly platform_version: string;
  readonly python_full_version: string;
  readonly platform_python_implementation: string;
  readonly python_version: string;
  readonly sys_platform: string;
}

/**
 * The marker environment of the Lambda runtime: what `packaging.markers.default_environment()`
 * returns inside a function, with the kernel's release and version strings left empty (they
 * name Lambda's Firecracker kernel build, which no requirement should depend on and no layer
 * can know). `platform.machine()` on Lambda is x86_64 or aarch64, like the wheel tags.
 */
export function markerEnvironment(target: Target): MarkerEnvironment {
  return {
    implementation_name: 'cpython',
    implementation_version: target.pythonFullVersion,
    os_name: 'posix',
    platform_machine: target.wheelArch,
    platform_release: '',
    platform_system: 'Linux',
    platform_version: '',
    python_full_version: target.pythonFullVersion,
    platform_python_implementation: 'CPython',
    python_version: target.pythonVersion,
    sys_platform: 'linux',
  };
}

/**
 * The pip flags that restrict resolution to wheels the target runs. pip requires
 * `--only-binary=:all:` (and `--target`, added by the installer) whenever `--platform` is set.
 */
export function pipTargetFlags(target: Target): string[] {
  return [
    ...platformTags(target).flatMap((tag) => ['--platform', tag]),
    '--implementation',
    'cp',
    // The full version, so Requires-Python is checked against the same patch level as
    // python_full_version markers (pip would otherwise compare with X.Y.0).
    '--python-version',
    target.pythonFullVersion,
    '--abi',
    abiTag(target),
    '--only-binary=:all:',
  ];
}
