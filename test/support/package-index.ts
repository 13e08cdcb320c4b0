/**
 * A local PEP 503 package index generated under a temp dir, so tests prove tag logic with real
 * pip on exact wheel shapes (any platform tag, several versions, sdist-only projects) without a
 * network. Wheels and sdists are real archives written by Python's zipfile/tarfile, so pip
 * installs them like anything from PyPI.
 *
 * Reuse: pass `files` to put extra content in a wheel (a compiled .so for ELF tests) or to
 * replace an sdist's default setup.py/pyproject.toml (C-extension sdists).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { machineMirror } from './mirror.js';

export interface WheelSpec {
  readonly name: string;
  readonly version: string;
  /** Compressed tag set of the file name, e.g. "cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64". Default "py3-none-any". */
  readonly tags?: string;
  readonly requiresDist?: readonly string[];
  readonly requiresPython?: string;
  /** More METADATA header lines, e.g. "License-Expression: MIT" or "Classifier: ...". */
  readonly headers?: readonly string[];
  /** `Provides-Extra` headers: pip installs an extra's requirements only when the wheel declares it. */
  readonly providesExtras?: readonly string[];
  /** Importable top-level module; default: the project name with "-" and "." as "_". */
  readonly module?: string;
  /** Extra files by path inside the wheel (e.g. "pkg/_speedups.cpython-311-x86_64-linux-gnu.so"). */
  readonly files?: Readonly<Record<string, string | Uint8Array>>;
  /**
   * Files of this many zero bytes by path, written a chunk at a time and declared honestly (a
   * 1 GiB file deflates to about 1 MB): for tests of how sizes are bounded.
   */
  readonly zeroFiles?: Readonly<Record<string, number>>;
}

export interface SdistSpec {
  readonly name: string;
  readonly version: string;
  readonly requiresDist?: readonly string[];
  readonly module?: string;
  /**
   * Files by path inside the sdist's top folder. They are added to (and may replace) the default
   * pure-Python setup.py, pyproject.toml, PKG-INFO and module.
   */
  readonly files?: Readonly<Record<string, string | Uint8Array>>;
}

export interface PackageIndexSpec {
  readonly wheels?: readonly WheelSpec[];
  readonly sdists?: readonly SdistSpec[];
  /** Existing distribution files (real wheels, e.g. setuptools from the mirror) copied into the index. */
  readonly copies?: readonly string[];
}

export interface GeneratedFile {
  /** PEP 503 normalized project name. */
  readonly project: string;
  readonly filename: string;
  readonly path: string;
  readonly sha256: string;
}

export interface PackageIndex {
  /** file:// URL of the simple index, for --index-url. */
  readonly indexUrl: string;
  /** Root temp dir (contains simple/ and files/). */
  readonly dir: string;
  /** Directory holding every archive: usable as a --find-links dir. */
  readonly filesDir: string;
  readonly files: readonly GeneratedFile[];
  cleanup(): Promise<void>;
}

/** PEP 503 name normalization. */
export function normalizeProjectName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

// One Python script writes every archive and page: zipfile/tarfile produce archives pip trusts.
const GENERATOR = String.raw`
import base64, hashlib, html, io, json, os, sys, tarfile, zipfile

spec = json.load(sys.stdin)
root = spec["root"]
files_dir = os.path.join(root, "files")
simple_dir = os.path.join(root, "simple")
os.makedirs(files_dir, exist_ok=True)
os.makedirs(simple_dir, exist_ok=True)

def norm(name):
    import re
    return re.sub(r"[-_.]+", "-", name).lower()

def content(value):
    if isinstance(value, dict):
        return base64.b64decode(value["base64"])
    return value.encode()

def metadata(item):
    lines = ["Metadata-Version: 2.1", "Name: " + item["name"], "Version: " + item["version"]]
    if item.get("requiresPython"):
        lines.append("Requires-Python: " + item["requiresPython"])
    for extra in item.get("providesExtras") or []:
        lines.append("Provides-Extra: " + extra)
    for dep in item.get("requiresDist") or []:
        lines.append("Requires-Dist: " + dep)
    lines.extend(item.get("headers") or [])
    return "\n".join(lines) + "\n\n"

def module_name(item):
    return item.get("module") or item["name"].replace("-", "_").replace(".", "_")

def record_hash(data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return "sha256=" + digest

produced = []

def add(project, filename, path):
    with open(path, "rb") as f:
        sha = hashlib.sha256(f.read()).hexdigest()
    produced.append({"project": norm(project), "filename": filename, "path": path, "sha256": sha,
                     "requiresPython": None})
    return produced[-1]

for item in spec.get("wheels", []):
    dist = item["name"].replace("-", "_").replace(".", "_")
    tags = item.get("tags") or "py3-none-any"
    filename = "%s-%s-%s.whl" % (dist, item["version"], tags)
    info = "%s-%s.dist-info" % (dist, item["version"])
    mod = module_name(item)
    entries = {mod + "/__init__.py": ("__version__ = %r\n" % item["version"]).encode()}
    for name, value in (item.get("files") or {}).items():
        entries[name] = content(value)
    entries[info + "/METADATA"] = metadata(item).encode()
    py, abi, plat = tags.split("-")
    wheel_lines = ["Wheel-Version: 1.0", "Generator: lambda-layer-tests", "Root-Is-Purelib: %s" % ("true" if plat == "any" else "false")]
    for p in py.split("."):
        for a in abi.split("."):
            for pl in plat.split("."):
                wheel_lines.append("Tag: %s-%s-%s" % (p, a, pl))
    entries[info + "/WHEEL"] = ("\n".join(wheel_lines) + "\n").encode()
    entries[info + "/top_level.txt"] = (mod + "\n").encode()
    record = ["%s,%s,%d" % (n, record_hash(d), len(d)) for n, d in entries.items()]
    zero_chunk = bytes(1 << 20)
    for name, size in (item.get("zeroFiles") or {}).items():
        h = hashlib.sha256()
        for start in range(0, size, len(zero_chunk)):
            h.update(zero_chunk[: min(len(zero_chunk), size - start)])
        digest = base64.urlsafe_b64encode(h.digest()).rstrip(b"=").decode()
        record.append("%s,sha256=%s,%d" % (name, digest, size))
    record.append(info + "/RECORD,,")
    entries[info + "/RECORD"] = ("\n".join(record) + "\n").encode()
    path = os.path.join(files_dir, filename)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(zipfile.ZipInfo(name, (2020, 1, 1, 0, 0, 0)), data)
        for name, size in (item.get("zeroFiles") or {}).items():
            zinfo = zipfile.ZipInfo(name, (2020, 1, 1, 0, 0, 0))
            zinfo.compress_type = zipfile.ZIP_DEFLATED
            with zf.open(zinfo, "w", force_zip64=True) as out:
                for start in range(0, size, len(zero_chunk)):
                    out.write(zero_chunk[: min(len(zero_chunk), size - start)])
    add(item["name"], filename, path)["requiresPython"] = item.get("requiresPython")

for item in spec.get("sdists", []):
    dist = item["name"].replace("-", "_").replace(".", "_")
    base = "%s-%s" % (dist, item["version"])
    mod = module_name(item)
    deps = item.get("requiresDist") or []
    members = {
        "PKG-INFO": metadata(item).encode(),
        mod + "/__init__.py": ("__version__ = %r\n" % item["version"]).encode(),
        "setup.py": ("from setuptools import setup\nsetup(name=%r, version=%r, packages=[%r], install_requires=%r)\n"
                     % (item["name"], item["version"], mod, deps)).encode(),
        "pyproject.toml": b'[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n',
    }
    for name, value in (item.get("files") or {}).items():
        members[name] = content(value)
    filename = base + ".tar.gz"
    path = os.path.join(files_dir, filename)
    with tarfile.open(path, "w:gz") as tf:
        for name, data in members.items():
            ti = tarfile.TarInfo(base + "/" + name)
            ti.size = len(data)
            ti.mtime = 1577836800
            tf.addfile(ti, io.BytesIO(data))
    add(item["name"], filename, path)

import shutil
for source in spec.get("copies", []):
    filename = os.path.basename(source)
    project = filename.split("-")[0]
    path = os.path.join(files_dir, filename)
    shutil.copyfile(source, path)
    add(project, filename, path)

projects = {}
for f in produced:
    projects.setdefault(f["project"], []).append(f)
with open(os.path.join(simple_dir, "index.html"), "w") as out:
    out.write("<!DOCTYPE html><html><body>\n")
    for project in sorted(projects):
        out.write('<a href="%s/">%s</a>\n' % (project, project))
    out.write("</body></html>\n")
for project, entries in projects.items():
    os.makedirs(os.path.join(simple_dir, project), exist_ok=True)
    with open(os.path.join(simple_dir, project, "index.html"), "w") as out:
        out.write("<!DOCTYPE html><html><body>\n")
        for f in entries:
            rp = ' data-requires-python="%s"' % html.escape(f["requiresPython"]) if f["requiresPython"] else ""
            out.write('<a href="../../files/%s#sha256=%s"%s>%s</a>\n' % (f["filename"], f["sha256"], rp, f["filename"]))
        out.write("</body></html>\n")
json.dump(produced, sys.stdout)
`;

function encodeFiles(
  files: Readonly<Record<string, string | Uint8Array>> | undefined,
): Record<string, string | { base64: string }> | undefined {
  if (!files) return undefined;
  return Object.fromEntries(
    Object.entries(files).map(([name, value]) => [
      name,
      typeof value === 'string' ? value : { base64: Buffer.from(value).toString('base64') },
    ]),
  );
}

/** Writes the wheels, sdists and PEP 503 pages of `spec` into a new temp dir. */
export async function createPackageIndex(spec: PackageIndexSpec, python = 'python3'): Promise<PackageIndex> {
  const dir = await mkdtemp(join(tmpdir(), 'lambda-layer-index-'));
  const input = JSON.stringify({
    root: dir,
    wheels: (spec.wheels ?? []).map((w) => ({ ...w, files: encodeFiles(w.files) })),
    sdists: (spec.sdists ?? []).map((s) => ({ ...s, files: encodeFiles(s.files) })),
    copies: spec.copies ?? [],
  });
  const output = await new Promise<string>((resolve, reject) => {
    const child = execFile(
      python,
      ['-I', '-c', GENERATOR],
      { timeout: 180_000, maxBuffer: 16 * 1024 * 1024 }, // a 1 GiB zeroFiles entry takes a while
      (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout)),
    );
    child.stdin?.end(input);
  });
  const files = (JSON.parse(output) as GeneratedFile[]).map(({ project, filename, path, sha256 }) => ({
    project,
    filename,
    path,
    sha256,
  }));
  return {
    indexUrl: pathToFileURL(join(dir, 'simple')).href,
    dir,
    filesDir: join(dir, 'files'),
    files,
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/**
 * An environment in which pip ignores the machine's configuration (config files and PIP_*
 * variables: extra indexes, find-links, constraints), so a test sees only the index it passes.
 * Tests only: the product honours the user's pip configuration.
 */
export function isolatedPipEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(base)) {
    if (!key.startsWith('PIP_')) env[key] = value;
  }
  env.PIP_CONFIG_FILE = '/dev/null';
  env.PIP_RETRIES = '0';
  env.PIP_DISABLE_PIP_VERSION_CHECK = '1';
  return env;
}

/** A pure-Python sdist with the default setuptools build (setup.py + pyproject.toml). */
export function pureSdist(name: string, version: string, requiresDist: readonly string[] = []): SdistSpec {
  return { name, version, requiresDist };
}

/**
 * An sdist whose setup.py builds a C extension (`<module>._speedups`): building it on the host
 * makes a platform-specific wheel with a compiled .so inside.
 */
export function cExtensionSdist(name: string, version: string): SdistSpec {
  const module = name.replace(/[-.]/g, '_');
  return {
    name,
    version,
    files: {
      'setup.py':
        'from setuptools import Extension, setup\n' +
        `setup(name=${JSON.stringify(name)}, version=${JSON.stringify(version)}, packages=[${JSON.stringify(module)}],\n` +
        `      ext_modules=[Extension(${JSON.stringify(`${module}._speedups`)}, [${JSON.stringify(`${module}/_speedups.c`)}])])\n`,
      [`${module}/_speedups.c`]:
        '#define PY_SSIZE_T_CLEAN\n#include <Python.h>\n' +
        'static struct PyModuleDef speedups = {PyModuleDef_HEAD_INIT, "_speedups", NULL, -1, NULL};\n' +
        'PyMODINIT_FUNC PyInit__speedups(void) { return PyModule_Create(&speedups); }\n',
    },
  };
}

/**
 * Real wheels of a build backend (default setuptools) downloaded from the machine's mirror
 * into `dir`, for `copies`: an isolated sdist build installs its backend from the same index.
 * Undefined when the machine has no mirror (the caller skips loudly with NO_MIRROR_MESSAGE).
 */
export async function buildBackendWheels(
  dir: string,
  names: readonly string[] = ['setuptools'],
  python = 'python3',
): Promise<string[] | undefined> {
  const mirror = machineMirror();
  if (!mirror) return undefined;
  const indexes = [
    '--index-url',
    mirror.indexUrl,
    ...mirror.extraIndexUrls.flatMap((url) => ['--extra-index-url', url]),
    ...mirror.findLinks.flatMap((link) => ['--find-links', link]),
  ];
  await new Promise<void>((resolve, reject) => {
    execFile(
      python,
      ['-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', '-d', dir, ...indexes, ...names],
      { timeout: 120_000, env: isolatedPipEnv() },
      (error, _stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve()),
    );
  });
  const files = await readdir(dir);
  return names.map((name) => {
    const file = files.find(
      (f) => f.toLowerCase().startsWith(`${name.toLowerCase()}-`) && f.endsWith('.whl'),
    );
    if (!file) throw new Error(`the mirror gave no wheel of ${name} in ${dir}`);
    return join(dir, file);
  });
}
