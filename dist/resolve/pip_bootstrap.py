"""Fetch and unpack the pinned pip with whatever pip this interpreter has.

Usage:
  python pip_bootstrap.py download DEST REQUIREMENTS_FILE [PIP_OPTIONS...]
  python pip_bootstrap.py unpack WHEEL DEST

"download" runs the interpreter's own pip, or else the pip wheel its ensurepip bundles (run from
the wheel, nothing installed), as `pip download --no-deps --only-binary=:all: -r FILE`, so the
user's pip configuration (indexes, credentials, certificates, proxies) applies as it does to any
pip command. The requirements file pins the version and its sha256 (pip then refuses any other
file). Exit code 3, with one line on stderr, when the interpreter has neither.

"unpack" extracts the wheel (a zip) into DEST, where the build runs pip from.
"""

import glob
import importlib.util
import os
import runpy
import sys
import zipfile

NO_PIP = 3


def bundled_pip_wheel():
    try:
        import ensurepip
    except ImportError:
        return None
    bundled = sorted(
        glob.glob(os.path.join(os.path.dirname(ensurepip.__file__), "_bundled", "pip-*.whl"))
    )
    return bundled[-1] if bundled else None


def download(dest: str, requirements: str, options: list) -> int:
    if importlib.util.find_spec("pip") is None:
        wheel = bundled_pip_wheel()
        if wheel is None:
            print(f"{sys.executable} has no pip module and no ensurepip wheel", file=sys.stderr)
            return NO_PIP
        sys.path.insert(0, wheel)
    sys.argv = [
        "pip",
        "download",
        "--no-deps",
        "--only-binary=:all:",
        "--no-input",
        "--disable-pip-version-check",
        "--progress-bar",
        "off",
        "--dest",
        dest,
        "-r",
        requirements,
        *options,
    ]
    try:
        runpy.run_module("pip", run_name="__main__", alter_sys=True)
    except SystemExit as exit:
        return exit.code if isinstance(exit.code, int) else (0 if exit.code is None else 1)
    return 0


def unpack(wheel: str, dest: str) -> int:
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(dest)
    return 0


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "download":
        sys.exit(download(sys.argv[2], sys.argv[3], sys.argv[4:]))
    if mode == "unpack":
        sys.exit(unpack(sys.argv[2], sys.argv[3]))
    print(f"unknown mode {mode!r}", file=sys.stderr)
    sys.exit(2)
