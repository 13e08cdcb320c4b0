/**
 * Proves a layer can load on its Lambda target before anything is uploaded: every native
 * binary is an ELF for the target's CPU, linked against glibc (not musl) no newer than the
 * runtime's, built for the target's CPython ABI; the layout is what Lambda expects and the size
 * fits. Each finding names the file as it appears inside the zip, what it needs and what the
 * target has.
 */
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mapLimited } from '../concurrency.js';
import { UserError } from '../errors.js';
import { compareVersions } from '../pep440.js';
import { glibcLabel, LAMBDA_LIMITS, type Target } from '../target.js';
import { extractZip, zipFileError } from '../zip/reader.js';
import { binaryKindOf, HEAD_BYTES } from './binary-kind.js';
import { ElfFormatError, type ElfInfo, EM_AARCH64, EM_X86_64, machineName, parseElf } from './elf.js';
import type { VerificationFinding, VerificationReport, VerificationRule } from './types.js';

/** Findings listed in an error message; the report itself keeps all of them. */
const MAX_LISTED_FINDINGS = 40;
/** How many of the largest packages the report lists. */
const LARGEST_COUNT = 10;
/** Files read at once while scanning (bounded so a huge layer does not exhaust descriptors). */
const SCAN_CONCURRENCY = 16;

const ELF_MACHINE: Record<Target['wheelArch'], number> = { x86_64: EM_X86_64, aarch64: EM_AARCH64 };

/** One regular file of the layer: its path inside the zip and its size. */
export interface LayerFile {
  readonly path: string;
  readonly size: number;
}

export interface VerifyOptions {
  /** Size of the zip that will be (or was) uploaded: over 50 MB it cannot be uploaded directly. */
  readonly zipSize?: number;
  /**
   * ELF headers already parsed for files of the tree, by layer path (python/...): used instead of
   * reading those files again (the per-wheel cache: a wheel's files are its bytes). Each ELF
   * parsed here is added to `learned`, when given. Findings are always derived here, from the
   * facts and the whole layer (a library one wheel needs may come from another).
   */
  readonly elfFacts?: {
    readonly known: ReadonlyMap<string, ElfInfo>;
    readonly learned?: Map<string, ElfInfo>;
  };
}

// --- pure rules -----------------------------------------------------------------------------

/** The highest version of `family` (e.g. GLIBC) among `names`, as "2.34", or undefined. */
function highestVersion(names: Iterable<string>, family: string): string | undefined {
  const pattern = new RegExp(`^${family}_(\\d+(?:\\.\\d+)*)$`);
  let best: string | undefined;
  for (const name of names) {
    const match = pattern.exec(name);
    if (!match?.[1]) continue;
    if (!best || compareVersions(match[1], best) > 0) best = match[1];
  }
  return best;
}

function targetLabel(target: Target): string {
  return `${target.runtime} (${target.os})`;
}

// The C++ runtime libraries the OS provides under these exact sonames.
const SYSTEM_CXX_SONAMES = new Set(['libstdc++.so.6']);

/**
 * Checks one parsed ELF object against the target. `layerLibraries` holds the file names and
 * sonames of every ELF shipped in the layer, so a need satisfied by a vendored library can be
 * told from one the OS must satisfy.
 */
export function checkElf(
  file: string,
  elf: ElfInfo,
  target: Target,
  layerLibraries: ReadonlySet<string>,
): VerificationFinding[] {
  const findings: VerificationFinding[] = [];
  const expected = ELF_MACHINE[target.wheelArch];
  if (elf.machine !== expected || elf.elfClass !== 64) {
    findings.push({
      file,
      rule: 'architecture',
      problem:
        `is a ${elf.elfClass}-bit ${elf.machineName} binary; ${targetLabel(target)} on ${target.architecture} ` +
        `loads only 64-bit ${machineName(expected)}`,
    });
    // Symbol versions of a binary that cannot load at all add nothing.
    return findings;
  }
  if (elf.musl) {
    findings.push({
      file,
      rule: 'musl',
      problem: `is linked against musl libc (${elf.interpreter ?? elf.needed.find((n) => n.startsWith('libc.musl-'))}); ${targetLabel(target)} has glibc ${glibcLabel(target.glibc)}`,
    });
    return findings;
  }

  // glibc cannot be vendored: the dynamic loader and libc.so.6 always come from the OS (and
  // auditwheel refuses to graft them), so every GLIBC_ need is checked, whatever library names it.
  const glibc = highestVersion(
    elf.versionNeeds.flatMap((n) => n.versions),
    'GLIBC',
  );
  if (glibc && compareVersions(glibc, glibcLabel(target.glibc)) > 0) {
    findings.push({
      file,
      rule: 'glibc',
      problem: `needs GLIBC_${glibc}; ${targetLabel(target)} has glibc ${glibcLabel(target.glibc)}`,
    });
  }

  // libstdc++ can be vendored. auditwheel grafts it into `<pkg>.libs/` under a hashed name
  // (libstdc++-<hash>.so.6...) and rewrites DT_NEEDED (which names the verneed entry) to match:
  // no OS library has that name, so the copy shipped in the layer is the one that loads and its
  // GLIBCXX/CXXABI versions are the ones that count (its own GLIBC needs are checked as a file
  // of the layer). A need naming plain libstdc++.so.6 is the OS's: Lambda's LD_LIBRARY_PATH puts
  // /lib64 first and the loader reuses an already-loaded soname, so a copy shipped under the
  // system name does not reliably win. The OS floor applies to those.
  const systemCxxNeeds = elf.versionNeeds.filter(
    (need) => SYSTEM_CXX_SONAMES.has(need.file) || !layerLibraries.has(need.file),
  );
  const cxxVersions = systemCxxNeeds.flatMap((n) => n.versions);
  for (const [family, limit] of [
    ['GLIBCXX', target.glibcxx],
    ['CXXABI', target.cxxabi],
  ] as const) {
    const needed = highestVersion(cxxVersions, family);
    if (needed && compareVersions(needed, limit) > 0) {
      findings.push({
        file,
        rule: 'libstdcxx',
        problem: `needs ${family}_${needed} from the system libstdc++; ${targetLabel(target)} has ${family}_${limit}`,
      });
    }
  }
  return findings;
}

// `name.cpython-311-x86_64-linux-gnu.so`: version, ABI flags (d = debug, t = free-threaded,
// m = pymalloc before 3.8), then the platform triplet.
const CPYTHON_EXTENSION = /\.cpython-(\d)(\d+)([a-z]*)-([^.]+)\.so$/;
const PYPY_EXTENSION = /\.pypy\d+-pp\d+-[^.]+\.so$/;

/** An extension module whose file name says it is for another interpreter, ABI or platform. */
export function checkExtensionName(file: string, target: Target): VerificationFinding | undefined {
  if (PYPY_EXTENSION.test(file)) {
    return {
      file,
      rule: 'python-abi',
      problem: `is a PyPy extension module; ${target.runtime} runs CPython`,
    };
  }
  const match = CPYTHON_EXTENSION.exec(file);
  if (!match) return undefined; // plain .so and .abi3.so load in any CPython 3 (ELF checks still apply)
  const [, major, minor, flags = '', platform] = match;
  const version = `${major}.${minor}`;
  const problems: string[] = [];
  if (version !== target.pythonVersion)
    problems.push(`is built for CPython ${version} (cpython-${major}${minor})`);
  if (flags.includes('d')) problems.push('is built for a debug CPython');
  if (flags.includes('t')) problems.push('is built for free-threaded CPython');
  const expectedPlatform = `${target.wheelArch}-linux-gnu`;
  if (platform !== expectedPlatform) problems.push(`is built for ${platform}`);
  if (problems.length === 0) return undefined;
  return {
    file,
    rule: 'python-abi',
    problem: `${problems.join(' and ')}; ${target.runtime} on ${target.architecture} loads cpython-${target.pythonVersion.replace('.', '')}-${expectedPlatform} extension modules`,
  };
}

/** Layout: Lambda extracts a layer to /opt and Python finds packages in /opt/python only. */
export function checkLayout(topLevel: readonly string[]): VerificationFinding[] {
  const findings: VerificationFinding[] = topLevel
    .filter((name) => name !== 'python')
    .map((name) => ({
      file: name,
      rule: 'layout' as const,
      problem: 'is at the zip root; Lambda extracts a layer to /opt and Python imports only from /opt/python',
    }));
  if (!topLevel.includes('python')) {
    findings.push({
      file: 'python/',
      rule: 'layout',
      problem: 'is missing: the layer has no python/ directory',
    });
  }
  return findings;
}

const METADATA_DIR = /^(.+?)(-[^-]*)?\.(dist-info|egg-info|data)$/;

function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '_');
}

/**
 * The ten largest packages by unzipped bytes. A package is the first path component under
 * python/; what obviously belongs to it is folded in: `numpy-1.26.4.dist-info` and
 * `numpy.libs` (auditwheel's vendored libraries) into `numpy`, `six.py` and
 * `__pycache__/six.cpython-311.pyc` into `six`. Folding is by normalized name only (a
 * distribution whose import name differs, like pillow/PIL, shows as two entries): simple and
 * never wrong about what a directory holds.
 */
export function largestPackages(
  files: readonly LayerFile[],
  count = LARGEST_COUNT,
): { name: string; size: number }[] {
  const topLevelDirs = new Map<string, string>();
  for (const file of files) {
    const parts = file.path.split('/');
    if (parts[0] === 'python' && parts.length > 2 && parts[1])
      topLevelDirs.set(normalizeName(parts[1]), parts[1]);
  }
  const sizes = new Map<string, { name: string; size: number }>();
  for (const file of files) {
    const parts = file.path.split('/');
    if (parts[0] !== 'python' || parts.length < 2) continue;
    const first = parts[1] ?? '';
    const isDir = parts.length > 2;
    let name: string;
    if (!isDir) name = first.split('.')[0] || first;
    else if (first === '__pycache__') name = (parts[2] ?? first).split('.')[0] || first;
    else if (METADATA_DIR.test(first)) name = METADATA_DIR.exec(first)?.[1] ?? first;
    else if (first.endsWith('.libs')) name = first.slice(0, -'.libs'.length);
    else name = first;
    const key = normalizeName(name);
    const display = topLevelDirs.get(key) ?? name;
    const entry = sizes.get(key) ?? { name: display, size: 0 };
    entry.size += file.size;
    sizes.set(key, entry);
  }
  return [...sizes.values()].sort((a, b) => b.size - a.size || a.name.localeCompare(b.name)).slice(0, count);
}

function formatMiB(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

// --- scanning a directory tree --------------------------------------------------------------

/**
 * Every regular file under `rootDir`, as zip paths (forward slashes), sorted. Synchronous on
 * purpose, like readHead: a layer has thousands of small files, and one threadpool round trip per
 * stat/open/read/close cost more than the calls themselves (1.1 s vs 0.2 s on an 8,700-file
 * layer), while the zip writer running beside it needs that threadpool for deflate.
 */
function listFiles(rootDir: string): { files: LayerFile[]; topLevel: string[]; warnings: string[] } {
  const files: LayerFile[] = [];
  const warnings: string[] = [];
  const topLevel = readdirSync(rootDir).sort();
  function walk(dir: string, prefix: string): void {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = `${prefix}${entry.name}`;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(full, `${path}/`);
      } else if (entry.isFile()) {
        files.push({ path, size: statSync(full).size });
      } else if (entry.isSymbolicLink()) {
        // A zip stores what the link points at (or the link itself): count its target's bytes.
        const target = statSync(full, { throwIfNoEntry: false });
        if (target?.isFile()) files.push({ path, size: target.size });
        else
          warnings.push(`${path} is a symbolic link to ${target ? 'a directory' : 'nothing'}; not scanned`);
      }
    }
  }
  walk(rootDir, '');
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, topLevel, warnings };
}

function readHead(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    const bytesRead = readSync(fd, buffer, 0, HEAD_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    closeSync(fd);
  }
}

type Scanned =
  | { file: LayerFile; kind: 'elf'; elf: ElfInfo }
  | { file: LayerFile; kind: 'other'; findings: VerificationFinding[]; warning?: string };

async function scanFile(
  rootDir: string,
  file: LayerFile,
  target: Target,
  elfFacts: VerifyOptions['elfFacts'],
): Promise<Scanned> {
  const known = elfFacts?.known.get(file.path);
  if (known) return { file, kind: 'elf', elf: known };
  const full = join(rootDir, ...file.path.split('/'));
  const head = file.size === 0 ? Buffer.alloc(0) : readHead(full);
  const base = file.path.slice(file.path.lastIndexOf('/') + 1);
  const kind = binaryKindOf(head, base);
  if (kind.kind === 'elf') {
    try {
      const elf = parseElf(await readFile(full));
      elfFacts?.learned?.set(file.path, elf);
      return { file, kind: 'elf', elf };
    } catch (error) {
      if (!(error instanceof ElfFormatError)) throw error;
      return {
        file,
        kind: 'other',
        findings: [],
        warning: `${file.path} looks like ELF but cannot be read (${error.message}); not checked`,
      };
    }
  }
  if (kind.kind === 'pe') {
    // A Windows .exe is not a sign of a wrong-platform install: setuptools and pip's vendored
    // distlib ship Windows launchers (cli-64.exe, t64.exe) in their pure-Python wheels, and
    // Lambda never runs them. A PE DLL (.pyd/.dll) is what a Windows wheel brings: an error.
    if (!kind.peDll) {
      return {
        file,
        kind: 'other',
        findings: [],
        warning: `${file.path} is a Windows executable; it never runs on Lambda`,
      };
    }
    return {
      file,
      kind: 'other',
      findings: [
        {
          file: file.path,
          rule: 'windows',
          problem: `is a Windows binary (${kind.byName ? 'by its name' : 'PE format'}); ${targetLabel(target)} loads only Linux ELF`,
        },
      ],
    };
  }
  if (kind.kind === 'mach-o') {
    return {
      file,
      kind: 'other',
      findings: [
        {
          file: file.path,
          rule: 'macos',
          problem: `is a macOS binary (${kind.byName ? 'by its name' : 'Mach-O format'}); ${targetLabel(target)} loads only Linux ELF`,
        },
      ],
    };
  }
  return { file, kind: 'other', findings: [] };
}

/**
 * Verifies an unpacked layer: `rootDir` holds `python/` (and nothing else, for a good layer).
 * Paths in the report are as they appear inside the zip (python/numpy/...).
 */
export async function verifyLayerTree(
  rootDir: string,
  target: Target,
  options: VerifyOptions = {},
): Promise<VerificationReport> {
  const { files, topLevel, warnings } = listFiles(rootDir);
  const findings: VerificationFinding[] = [...checkLayout(topLevel)];

  const scanned = await mapLimited(files, SCAN_CONCURRENCY, (file) =>
    scanFile(rootDir, file, target, options.elfFacts),
  );

  // File names and sonames of every ELF in the layer: the libraries the layer itself provides.
  const layerLibraries = new Set<string>();
  for (const item of scanned) {
    if (item.kind !== 'elf') continue;
    layerLibraries.add(item.file.path.slice(item.file.path.lastIndexOf('/') + 1));
    if (item.elf.soname) layerLibraries.add(item.elf.soname);
  }

  let checkedBinaries = 0;
  for (const item of scanned) {
    if (item.kind === 'elf') {
      // Relocatable objects (.o), core dumps and the like are never loaded: only executables and
      // shared objects (e_type 2 and 3) must run on the target.
      if (item.elf.type !== 2 && item.elf.type !== 3) continue;
      checkedBinaries++;
      findings.push(...checkElf(item.file.path, item.elf, target, layerLibraries));
      const nameFinding = checkExtensionName(item.file.path, target);
      if (nameFinding) findings.push(nameFinding);
    } else {
      if (item.findings.length > 0) checkedBinaries++;
      findings.push(...item.findings);
      if (item.warning) warnings.push(item.warning);
      // A foreign binary already has its finding; an extension name on a non-binary (an empty
      // placeholder) still cannot load.
      if (item.findings.length === 0 && item.file.path.endsWith('.so')) {
        const nameFinding = checkExtensionName(item.file.path, target);
        if (nameFinding) findings.push(nameFinding);
      }
    }
  }

  const unzippedSize = files.reduce((sum, file) => sum + file.size, 0);
  if (unzippedSize > LAMBDA_LIMITS.unzippedBytes) {
    findings.push({
      file: 'python/',
      rule: 'size',
      problem: `unzips to ${unzippedSize} bytes (${formatMiB(unzippedSize)}); Lambda allows ${LAMBDA_LIMITS.unzippedBytes} bytes (250 MB) unzipped for a function and all its layers`,
    });
  }
  if (options.zipSize !== undefined && options.zipSize > LAMBDA_LIMITS.directUploadZipBytes) {
    warnings.push(
      `layer.zip is ${options.zipSize} bytes (${formatMiB(options.zipSize)}), over the ${LAMBDA_LIMITS.directUploadZipBytes}-byte direct-upload limit: it must be published through S3`,
    );
  }

  findings.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return {
    ok: findings.length === 0,
    checkedBinaries,
    findings,
    warnings,
    largest: largestPackages(files),
    unzippedSize,
    ...(options.zipSize !== undefined ? { zipSize: options.zipSize } : {}),
  };
}

/** Verifies a layer zip: unpacks it to a temporary directory and verifies the tree. */
export async function verifyLayerZip(zipPath: string, target: Target): Promise<VerificationReport> {
  let zipSize: number;
  try {
    zipSize = (await stat(zipPath)).size;
  } catch (error) {
    throw zipFileError(zipPath, error); // a missing path, a symlink loop, a path too long: one line
  }
  const dir = await mkdtemp(join(tmpdir(), 'lambda-layer-verify-'));
  try {
    // A zip far beyond Lambda's limit is not worth unpacking (and may be a zip bomb): refuse at
    // four times the limit; anything up to that gets the full report, size finding included.
    await extractZip(zipPath, dir, { maxBytes: 4 * LAMBDA_LIMITS.unzippedBytes });
    return await verifyLayerTree(dir, target, { zipSize });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// --- turning a failed report into an error the user can act on ------------------------------

/** A layer that would not load on its target. Carries the report for callers that print it. */
export class VerificationError extends UserError {
  readonly report: VerificationReport;
  constructor(message: string, report: VerificationReport, hint: string) {
    super(message, { hint });
    this.name = 'VerificationError';
    this.report = report;
  }
}

/** The package a layer path belongs to (first component under python/), for hints. */
function packageOf(file: string): string | undefined {
  const parts = file.split('/');
  if (parts[0] !== 'python' || parts.length < 3) return undefined;
  const first = parts[1] ?? '';
  return first.endsWith('.libs') ? first.slice(0, -'.libs'.length) : first;
}

function hintFor(rule: VerificationRule | undefined, names: readonly string[], target: Target): string {
  const packages = names.length === 0 ? 'the package' : names.join(', ');
  const was = names.length > 1 ? 'were' : 'was';
  const newerRuntime =
    target.os === 'Amazon Linux 2' ? ', or choose python3.12 or newer (Amazon Linux 2023, glibc 2.34)' : '';
  switch (rule) {
    case 'glibc':
      return `pin an older ${packages} whose wheel is tagged manylinux_2_${target.glibc.minor} or older${newerRuntime}`;
    case 'libstdcxx':
      return `pin an older ${packages} (built with an older C++ compiler, or vendoring its own libstdc++)${newerRuntime}`;
    case 'architecture':
      return `rebuild the layer for ${target.architecture} (${packages} ships binaries for another CPU), or set --arch to match the function`;
    case 'windows':
    case 'macos':
      return `${packages} came from a ${rule === 'windows' ? 'Windows' : 'macOS'} wheel: build with lambda-layer build (it selects manylinux wheels for the target) or remove those files`;
    case 'musl':
      return `${packages} came from a musllinux wheel (Alpine); use its manylinux wheel`;
    case 'python-abi':
      return `${packages} ${was} installed for another Python: rebuild the layer with --runtime ${target.runtime}, or set --runtime to the Python the layer was built for`;
    case 'layout':
      return 'put everything under python/ (Lambda extracts layers to /opt and adds /opt/python to sys.path)';
    case 'size':
      return 'trim the largest packages listed, try --slim, or split the dependencies across layers / use a container image';
    default:
      return 'fix the files listed';
  }
}

/** One line per finding: "<file> <problem>". */
export function formatFindings(report: VerificationReport): string[] {
  return report.findings.map((finding) => `${finding.file} ${finding.problem}`);
}

/** The error for a failed report (undefined when it passed). */
export function verificationError(report: VerificationReport, target: Target): VerificationError | undefined {
  if (report.ok) return undefined;
  const count = report.findings.length;
  const lines = formatFindings(report);
  const message = [
    `the layer would not load on ${targetLabel(target)} ${target.architecture}: ${count} problem${count === 1 ? '' : 's'}`,
    ...lines.slice(0, MAX_LISTED_FINDINGS).map((line) => `  ${line}`),
    ...(lines.length > MAX_LISTED_FINDINGS
      ? [`  ... and ${lines.length - MAX_LISTED_FINDINGS} more (lambda-layer verify --json lists them all)`]
      : []),
  ].join('\n');
  // One hint per rule broken, naming the packages that broke it.
  const byRule = new Map<VerificationRule | undefined, Set<string>>();
  for (const finding of report.findings) {
    const set = byRule.get(finding.rule) ?? new Set<string>();
    const pkg = packageOf(finding.file);
    if (pkg) set.add(pkg);
    byRule.set(finding.rule, set);
  }
  const hints = [...byRule].map(([rule, pkgs]) => hintFor(rule, [...pkgs].sort(), target));
  return new VerificationError(message, report, hints.join('; '));
}
